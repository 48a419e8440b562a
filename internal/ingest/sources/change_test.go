package sources

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// storeOnly opens n handles on one SQLite file of a hub kept in the store
// alone, and returns the folder its commands run in: one of no hub (no
// _config.yml), as the current folder of a command given --db.
func storeOnly(t *testing.T, n int) (context.Context, string, []store.Store) {
	t.Helper()
	ctx, dir, sts := writers(t, n)
	if err := os.Remove(filepath.Join(dir, "_config.yml")); err != nil {
		t.Fatal(err)
	}
	return ctx, dir, sts
}

// urls returns the addresses of the list as the store holds it, and checks
// that the site folder's file, when dir is a site folder, holds the same.
func urls(t *testing.T, ctx context.Context, st store.Store, dir string) []string {
	t.Helper()
	rec, err := st.Get(ctx, Path)
	if err != nil {
		t.Fatal(err)
	}
	if file := siteFile(dir); file != "" {
		if data, err := os.ReadFile(file); err != nil || string(data) != string(rec.Raw) {
			t.Errorf("the file holds (%v):\n%s\nthe store:\n%s", err, data, rec.Raw)
		}
	}
	var out []string
	for _, s := range rec.Sources.Sources {
		out = append(out, s.URL)
	}
	return out
}

// listOf renders a list of the given addresses as a file holds it.
func listOf(t *testing.T, us ...string) *model.Record {
	t.Helper()
	rec := &model.Record{Path: Path, Kind: model.KindSources, Sources: &model.Sources{}}
	for _, u := range us {
		rec.Sources.Sources = append(rec.Sources.Sources, model.Source{URL: u})
	}
	if err := content.Render(rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestChangeIsMadeAgainOverAnotherWriter has another writer save the list
// between a change's read and its save, as one that takes no lock does (a
// hand edit of the site folder's file, an import into the store): the
// change is refused, the list read again and the change made over it, so
// both land; a writer that comes before every try leaves the change
// refused, the list named.
func TestChangeIsMadeAgainOverAnotherWriter(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T) (context.Context, string, []store.Store)
		// other writes the list of us over what change read.
		other func(t *testing.T, ctx context.Context, st store.Store, dir string, us ...string)
		named string // in the error of the change refused at each try
	}{
		{"site folder", func(t *testing.T) (context.Context, string, []store.Store) { return writers(t, 2) },
			func(t *testing.T, ctx context.Context, st store.Store, dir string, us ...string) {
				if err := os.WriteFile(siteFile(dir), listOf(t, us...).Raw, 0o644); err != nil {
					t.Fatal(err)
				}
			}, filepath.Join("_data", "sources.yaml")},
		{"store only", func(t *testing.T) (context.Context, string, []store.Store) { return storeOnly(t, 2) },
			func(t *testing.T, ctx context.Context, st store.Store, dir string, us ...string) {
				if err := st.Upsert(ctx, []*model.Record{listOf(t, us...)}); err != nil {
					t.Fatal(err)
				}
			}, Path + " in the store"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, dir, sts := c.open(t)
			if err := Change(ctx, sts[0], dir, func(l *List) error { return l.Add(model.Source{URL: "https://a.example/feed"}) }); err != nil {
				t.Fatal(err)
			}
			tries := 0
			err := Change(ctx, sts[0], dir, func(l *List) error {
				if tries++; tries == 1 {
					c.other(t, ctx, sts[1], dir, "https://a.example/feed", "https://b.example/feed")
				}
				return l.Add(model.Source{URL: "https://c.example/feed"})
			})
			want := []string{"https://a.example/feed", "https://b.example/feed", "https://c.example/feed"}
			if got := urls(t, ctx, sts[1], dir); err != nil || tries != 2 || !slices.Equal(got, want) {
				t.Errorf("Change: %v after %d tries; listed %v, want %v", err, tries, got, want)
			}

			tries = 0
			err = Change(ctx, sts[0], dir, func(l *List) error {
				tries++
				c.other(t, ctx, sts[1], dir, append(want, fmt.Sprintf("https://other%d.example/feed", tries))...)
				return l.Add(model.Source{URL: "https://d.example/feed"})
			})
			if err == nil || !strings.Contains(err.Error(), c.named+" was changed by another writer at each of 5 tries") || tries != attempts {
				t.Errorf("Change under a writer at every try: %v after %d tries", err, tries)
			}
			// The file holds the other writer's last list, not yet taken
			// into the store.
			if rec, err := sts[1].Get(ctx, Path); err != nil || strings.Contains(string(rec.Raw), "d.example") {
				t.Errorf("a refused change was saved (%v):\n%s", err, rec.Raw)
			}
		})
	}
}

// TestNotListedSaysWhatRemovedIt: a change to a source the list read first
// held, which another writer removed before the change was made, says so,
// where it said the source was not listed, as of an address never listed.
func TestNotListedSaysWhatRemovedIt(t *testing.T) {
	ctx, dir, sts := writers(t, 2)
	const u = "https://a.example/feed"
	if err := Change(ctx, sts[0], dir, func(l *List) error { return l.Add(model.Source{URL: u}) }); err != nil {
		t.Fatal(err)
	}
	first, err := Load(ctx, sts[0], dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := Change(ctx, sts[1], dir, func(l *List) error { l.Remove(u); return nil }); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		u, want string
	}{
		{u, `source "https://a.example/feed" is no longer listed: another change removed it since the list was read`},
		{"https://never.example/feed", `source "https://never.example/feed" is not listed`},
	} {
		err := Change(ctx, sts[0], dir, func(l *List) error {
			if !l.Remove(c.u) {
				return NotListed(first, c.u)
			}
			return nil
		})
		if err == nil || err.Error() != c.want {
			t.Errorf("remove %s: %v, want %q", c.u, err, c.want)
		}
	}
}
