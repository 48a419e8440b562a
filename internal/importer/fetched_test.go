package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
)

// TestAHubMovedByExportAndImportKeepsWhenItFirstSawEachArticle: when the
// hub first saw an article (model.Article's FetchedAt) goes along, so an
// article dated years ahead (a clock error of the hub it came from) ages
// from when the hub first saw it, before the move as after: the moved hub
// archives it as the hub would have, where it aged it from the move and
// kept it current a month longer.
func TestAHubMovedByExportAndImportKeepsWhenItFirstSawEachArticle(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "decided"))); err != nil {
		t.Fatal(err)
	}
	const ahead = "_news/2031-05-04-clock-ran-ahead.md"
	writeFile(t, dir, ahead, []byte("---\ncategory: news\ntitle: \"Solar observatory opens its doors\"\n"+
		"excerpt: \"A record dated years ahead by its hub's clock\"\npublishedDateTime: 2031-05-04T09:00:00Z\n"+
		"originalUrl: \"https://www.example.com/observatory\"\nwebUrl: \"https://www.example.com/observatory\"\n"+
		"type: article\nheat: 12\npublished: true\nprovider:\n  name: Example\n  domain: example.com\n---\n"))
	old := openHub(t, filepath.Join(t.TempDir(), "old.db"))
	if res, err := Import(ctx, old, dir, Options{SiteDir: dir}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v, rejected %v", err, res.Rejected)
	}
	// The hub took the article 40 days ago.
	now := time.Now().UTC().Truncate(time.Second)
	rec, err := old.Get(ctx, ahead)
	if err != nil {
		t.Fatal(err)
	}
	rec.Article.FetchedAt = now.Add(-40 * 24 * time.Hour)
	if err := old.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	want := fetchedOf(t, old)
	if want[ahead] != rec.Article.FetchedAt.String() {
		t.Fatalf("the hub first saw %s at %s, want %s", ahead, want[ahead], rec.Article.FetchedAt)
	}

	out := filepath.Join(t.TempDir(), "out")
	exportHub(t, old, out)
	moved := openHub(t, filepath.Join(t.TempDir(), "new.db"))
	if res, err := Import(ctx, moved, out, Options{SiteDir: out}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import of the export: %v, rejected %v", err, res.Rejected)
	}
	got := fetchedOf(t, moved)
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: first seen at %q after the move, want %q as before", p, got[p], w)
		}
	}

	// What a reader sees of it: the news retention keeps current.
	pol := retention.Policy{ArchiveAfter: 30 * 24 * time.Hour}
	current := map[string][]string{}
	for name, st := range map[string]store.Store{"hub": old, "moved hub": moved} {
		if _, err := retention.Apply(ctx, st, pol, retention.Options{Now: func() time.Time { return now }}); err != nil {
			t.Fatal(err)
		}
		err := st.ScanNews(ctx, store.NewsQuery{Order: store.ByStorage}, func(e store.NewsEntry) error {
			if !e.Archived {
				current[name] = append(current[name], e.Path)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(current[name])
	}
	if !slices.Equal(current["moved hub"], current["hub"]) {
		t.Errorf("a month on, the moved hub keeps current %v, the hub %v", current["moved hub"], current["hub"])
	}
}

// fetchedOf returns, by path, when st first saw each of its articles.
func fetchedOf(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		out[r.Path] = r.Article.FetchedAt.String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
