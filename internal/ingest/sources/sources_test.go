package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/importer"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// siteStore opens a store in a new site folder, closed when the test ends.
func siteStore(t *testing.T) (context.Context, string, *sqlite.Store) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte("title: Hub\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, ".newshub", "db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return context.Background(), dir, st
}

func TestAddSaveLoadRemove(t *testing.T) {
	ctx, dir, st := siteStore(t)

	l, err := Load(ctx, st, dir)
	if err != nil || len(l.Sources()) != 0 {
		t.Fatalf("empty load: %v %v", l, err)
	}
	off := false
	for _, s := range []model.Source{
		{URL: "https://news.example.com/feed.xml", Provider: "example.com", Topics: []string{"Election"}, Interval: "30m"},
		{URL: "https://other.example.org/rss", Enabled: &off},
	} {
		if err := l.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Add(model.Source{URL: "HTTPS://NEWS.example.com/feed.xml"}); err == nil {
		t.Fatal("duplicate URL accepted")
	}
	for _, bad := range []model.Source{{URL: "ftp://x.example/feed"}, {URL: "/relative"}, {URL: "https://x.example/", Interval: "10s"}, {URL: "https://x.example/", Interval: "soon"}} {
		if err := l.Add(bad); err == nil {
			t.Fatalf("bad source %+v accepted", bad)
		}
	}
	if err := l.Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, l.Record().Raw) || !strings.Contains(string(file), "https://news.example.com/feed.xml") {
		t.Fatalf("file and record differ or lack the source:\n%s", file)
	}

	// The store now holds it: a load without the folder finds it.
	l2, err := Load(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	got := l2.Sources()
	if len(got) != 2 || got[0].Interval != "30m" || !slices.Equal(got[0].Topics, []string{"Election"}) || got[1].IsEnabled() {
		t.Fatalf("loaded %+v", got)
	}
	if !l2.Remove("https://news.example.com/feed.xml/") || l2.Remove("https://absent.example/") {
		t.Fatal("Remove")
	}
	if len(l2.Sources()) != 1 {
		t.Fatalf("after remove: %+v", l2.Sources())
	}
}

// TestSaveKeepsTheFilesMode saves the list over a sources file its owner
// keeps private: it stays so, as an editor's save leaves it.
func TestSaveKeepsTheFilesMode(t *testing.T) {
	ctx, dir, st := siteStore(t)
	file := filepath.Join(dir, "_data", "sources.yaml")
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte("sources:\n  - url: https://ledger.example.com/feed/\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := Load(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Add(model.Source{URL: "https://pier.example.net/rss"}); err != nil {
		t.Fatal(err)
	}
	if err := l.Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode after save: %v, want 0600", fi.Mode().Perm())
	}
}

func TestLoadFallsBackToSiteFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.MkdirAll(filepath.Join(dir, "_data"), 0o755)
	os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte("sources:\n  - url: https://a.example/feed\n    provider: a.example\n"), 0o644)
	l, err := Load(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sources()) != 1 || l.Sources()[0].Provider != "a.example" {
		t.Fatalf("got %+v", l.Sources())
	}
	os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte("sources:\n  - provider: nourl\n"), 0o644)
	if _, err := Load(ctx, st, dir); err == nil || !strings.Contains(err.Error(), "sources.yaml:2") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "feeds.opml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := ReadOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	srcs := doc.Sources()
	var urls []string
	for _, s := range srcs {
		urls = append(urls, s.URL)
	}
	want := []string{"https://news.example.com/feed.xml", "https://cafe.example.fr/rss", "https://top.example.org/atom"}
	if !slices.Equal(urls, want) {
		t.Fatalf("urls %v", urls)
	}
	if !slices.Equal(srcs[2].Topics, []string{"Election", "Joe Biden"}) || len(srcs[1].Topics) != 0 {
		t.Fatalf("topics %v / %v", srcs[2].Topics, srcs[1].Topics)
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "hub", time.Time{}, srcs); err != nil {
		t.Fatal(err)
	}
	doc, err = ReadOPML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	back := doc.Sources()
	if len(back) != 3 || back[2].URL != want[2] || !slices.Equal(back[2].Topics, srcs[2].Topics) {
		t.Fatalf("round trip %+v", back)
	}
	if _, err := ReadOPML(strings.NewReader("<opml><body><outline")); err == nil {
		t.Fatal("broken OPML accepted")
	}
}

// A hub's sources written as OPML and read back keep what each holds
// beyond its address and topics: its provider, interval, whether it is
// dedicated to the topic and whether it is paused.
func TestOPMLKeepsWhatASourceHolds(t *testing.T) {
	srcs := []model.Source{
		{URL: "https://ledger.example.org/feed.xml", Provider: "ledger.example.org", Topics: []string{"Election"},
			Interval: "45m", Dedicated: true},
		{URL: "https://wire.example.com/rss", Provider: "wire.example.com", Enabled: new(false)},
		{URL: "https://plain.example.net/atom"},
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "hub", time.Time{}, srcs); err != nil {
		t.Fatal(err)
	}
	doc, err := ReadOPML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	back := doc.Sources()
	if !reflect.DeepEqual(back, srcs) {
		t.Errorf("read back\n%+v\nwant\n%+v\nfrom:\n%s", back, srcs, buf.String())
	}
}

// TestSaveDoesNotWriteOverAnEdit adds a source while the site folder's
// file holds an edit the hub has not taken: one that does not read (two
// sources added by hand, one with a bracket left open) is named by line
// and kept, as is one made since the list was read; a file emptied or
// gone holds nothing to lose and is written.
func TestSaveDoesNotWriteOverAnEdit(t *testing.T) {
	const handEdit = "sources:\n  - url: https://wire.example.org/feed.xml\n  - url: https://clerk.example.org/rss\n  - url: [https://courier.example.net/atom\n"
	for _, c := range []struct {
		name string
		file *string // nil: removed
		want string  // in the error; "" for none
	}{
		{"does not read", ptr(handEdit), "sources.yaml:4: "},
		{"edited since read", ptr("sources:\n  - url: https://clerk.example.org/rss\n"), "edited since the list was read"},
		{"emptied", ptr(""), ""},
		{"removed", nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, dir, st := siteStore(t)
			l, err := Load(ctx, st, dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Add(model.Source{URL: "https://wire.example.org/feed.xml"}); err != nil {
				t.Fatal(err)
			}
			if err := l.Save(ctx, st, dir); err != nil {
				t.Fatal(err)
			}
			if l, err = Load(ctx, st, dir); err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(dir, "_data", "sources.yaml")
			if c.file == nil {
				err = os.Remove(file)
			} else {
				err = os.WriteFile(file, []byte(*c.file), 0o644)
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Add(model.Source{URL: "https://desk.example.com/feed"}); err != nil {
				t.Fatal(err)
			}
			err = l.Save(ctx, st, dir)
			got, _ := os.ReadFile(file)
			if c.want == "" {
				if err != nil || !bytes.Equal(got, l.Record().Raw) {
					t.Fatalf("Save: %v; the file holds:\n%s", err, got)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Save: %v, want an error saying %q", err, c.want)
			}
			if string(got) != *c.file {
				t.Errorf("the edit was written over:\n%s", got)
			}
			if rec, err := st.Get(ctx, Path); err != nil || strings.Contains(string(rec.Raw), "desk.example.com") {
				t.Errorf("the store took the list not written: %v\n%s", err, rec.Raw)
			}
		})
	}
}

func ptr(s string) *string { return &s }

// TestSaveStoppedBeforeStoringIsTakenInAtTheNextStart checks a save cut
// short after its first step, as a process stopped there leaves it (the
// store closed under it fails the second): the site folder's file, the
// list's source of truth, holds the change, and the next start's sync of
// the folder stores it, so the file and the store agree again and the
// next save writes over the file. Stored first, the store took the change
// and the file did not: a serve running went on reading a list no file had.
func TestSaveStoppedBeforeStoringIsTakenInAtTheNextStart(t *testing.T) {
	ctx, dir, st := siteStore(t)
	add := func(st store.Store, u string) *List {
		t.Helper()
		l, err := Load(ctx, st, dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Add(model.Source{URL: u}); err != nil {
			t.Fatal(err)
		}
		return l
	}
	if err := add(st, "https://a.example/feed.xml").Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	cut := add(st, "https://b.example/feed.xml")
	st.Close()
	if err := cut.Save(ctx, st, dir); err == nil || !strings.Contains(err.Error(), "not stored (the next start takes the file in)") {
		t.Errorf("save with the store gone: %v", err)
	}

	again, err := sqlite.Open(ctx, filepath.Join(dir, ".newshub", "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := importer.SyncSite(ctx, again, dir); err != nil {
		t.Fatal(err)
	}
	l := add(again, "https://c.example/feed.xml")
	if err := l.Save(ctx, again, dir); err != nil {
		t.Fatalf("save after the start: %v", err)
	}
	var got []string
	for _, s := range l.Sources() {
		got = append(got, s.URL)
	}
	if want := []string{"https://a.example/feed.xml", "https://b.example/feed.xml", "https://c.example/feed.xml"}; !slices.Equal(got, want) {
		t.Errorf("sources after the next start: %v, want %v", got, want)
	}
}

// writers opens n handles on the store of a new site folder, as n
// processes of one hub (serve, the command line) hold it.
func writers(t *testing.T, n int) (context.Context, string, []store.Store) {
	t.Helper()
	ctx, dir, st := siteStore(t)
	out := []store.Store{st}
	for len(out) < n {
		more, err := sqlite.Open(ctx, filepath.Join(dir, ".newshub", "db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { more.Close() })
		out = append(out, more)
	}
	return ctx, dir, out
}

// TestSavesAtOnceNeverBothPass has two writers read the list, add a
// source each and save at once, round after round: one save lands, the
// other is refused as made over an edit, never both written, one over
// the other, with the file and the store left holding different lists.
func TestSavesAtOnceNeverBothPass(t *testing.T) {
	ctx, dir, sts := writers(t, 2)
	for round := range 10 {
		lists := make([]*List, len(sts))
		for i, st := range sts {
			l, err := Load(ctx, st, dir)
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Add(model.Source{URL: fmt.Sprintf("https://w%d.example/r%d.xml", i, round)}); err != nil {
				t.Fatal(err)
			}
			lists[i] = l
		}
		errs := make([]error, len(sts))
		var wg sync.WaitGroup
		for i, st := range sts {
			wg.Go(func() { errs[i] = lists[i].Save(ctx, st, dir) })
		}
		wg.Wait()
		saved := 0
		for _, err := range errs {
			switch {
			case err == nil:
				saved++
			case !strings.Contains(err.Error(), "edited since the list was read"):
				t.Fatalf("round %d: %v", round, err)
			}
		}
		file, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		rec, err := sts[0].Get(ctx, Path)
		if err != nil {
			t.Fatal(err)
		}
		if saved != 1 || !bytes.Equal(file, rec.Raw) {
			t.Fatalf("round %d: %d of 2 saves passed; the file holds:\n%s\nthe store:\n%s", round, saved, file, rec.Raw)
		}
	}
}

// TestChangesAtOnceAllLand has two writers add sources through Change at
// once: every source added is listed, in the file and the store. The
// writers of a hub kept in the store alone, run in a folder of no hub,
// wrote their lists one over the other, and a file into that folder.
func TestChangesAtOnceAllLand(t *testing.T) {
	for _, c := range []struct {
		name string
		open func(t *testing.T, n int) (context.Context, string, []store.Store)
	}{
		{"site folder", writers},
		{"store only", storeOnly},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, dir, sts := c.open(t, 2)
			const each = 8
			var wg sync.WaitGroup
			errs := make(chan error, len(sts)*each)
			for i, st := range sts {
				wg.Go(func() {
					for n := range each {
						errs <- Change(ctx, st, dir, func(l *List) error {
							return l.Add(model.Source{URL: fmt.Sprintf("https://w%d.example/%d.xml", i, n)})
						})
					}
				})
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Error(err)
				}
			}
			if got := urls(t, ctx, sts[1], dir); len(got) != len(sts)*each {
				t.Errorf("%d of %d sources listed: %v", len(got), len(sts)*each, got)
			}
			if siteFile(dir) != "" {
				return
			}
			for _, p := range []string{"_data", ".newshub/sources.lock"} {
				if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(p))); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("%s written in a folder of no hub (%v)", p, err)
				}
			}
		})
	}
}
