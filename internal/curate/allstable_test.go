package curate_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content/contenttest"
	"newshub/internal/curate"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
)

// TestCurateOfAnIngestedHubIsAFixedPoint ingests generated news as feeds
// deal it out, in batches of twenty in time order, and runs curate on
// the hub twice: the second run changes nothing. The related lists
// curation wrote on ingested articles (a lead demoted keeps its story's
// coverage) are its own output, not coverage a record came with, and
// must not tie stories together in the next run, nor make a hub
// ingested batch by batch curate differently from one ingested at once.
func TestCurateOfAnIngestedHubIsAFixedPoint(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	config, generated := generatedHub(t, gen.Options{Articles: 600, Seed: 3, Until: until})
	now := until.Add(time.Hour)
	ingest := func(batch int) map[string]curated {
		st := openStore(t, true)
		c := curatorOn(t, st, st, config, now)
		var recs []*model.Record
		for _, r := range generated {
			f := freshOf(r)
			f.Article.Source = "https://" + r.Article.Provider.Domain + "/feed.xml"
			recs = append(recs, f)
		}
		slices.SortStableFunc(recs, func(a, b *model.Record) int {
			return a.Article.PublishedDateTime.Compare(b.Article.PublishedDateTime)
		})
		for i := 0; i < len(recs); i += batch {
			if _, _, err := c.Commit(ctx, recs[i:min(i+batch, len(recs))]); err != nil {
				t.Fatal(err)
			}
		}
		first, err := c.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		again, err := c.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if again.Changed != 0 || again.Stories != first.Stories || again.Leads != first.Leads {
			t.Errorf("batches of %d: curate again changed %d records, %d stories and %d leads (were %d and %d); want none changed",
				batch, again.Changed, again.Stories, again.Leads, first.Stories, first.Leads)
		}
		return curatedOf(t, st)
	}
	batched, whole := ingest(20), ingest(len(generated))
	n := 0
	for p, w := range whole {
		b := batched[p]
		if b.story != w.story || b.published != w.published || b.heat != w.heat || b.published && b.related != w.related {
			if n++; n <= 5 {
				t.Errorf("%s: story %s, published %v, heat %d, related %s from batches; story %s, published %v, heat %d, related %s at once",
					p, b.story, b.published, b.heat, b.related, w.story, w.published, w.heat, w.related)
			}
		}
	}
	if n > 0 {
		t.Errorf("%d of %d articles curate otherwise when the hub was ingested in batches", n, len(whole))
	}
}

// curated is what curation decided of an article: its story, whether it
// leads it, its heat and related coverage (addresses).
type curated struct {
	story     string
	published bool
	heat      int
	related   string
}

func curatedOf(t *testing.T, st store.Store) map[string]curated {
	t.Helper()
	m := map[string]curated{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		var urls []string
		for _, rel := range a.Related {
			urls = append(urls, rel.WebURL)
		}
		m[r.Path] = curated{a.Story, a.Published, a.Heat, strings.Join(urls, " ")}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCurateOfAnImportedHubSettlesInOneRun imports a generated hub from
// its files, curates it, then changes what decides its leads and stories
// (half the publishers rated 140, a window of 8h) and curates it twice:
// the second run changes nothing. Imported stories are tied by the lists
// their records came with as members; a member made the lead, and a lead
// demoted, must tie the next run's stories as they tied this one's.
func TestCurateOfAnImportedHubSettlesInOneRun(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if _, err := gen.Generate(ctx, dir, gen.Options{Articles: 1500, Seed: 27, Until: until, Span: 45 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
	imported := importedAndCurated(t, dir, until)
	for _, tc := range []struct {
		name   string
		rating int // the quality of every other publisher, 0 for as generated
		window time.Duration
	}{
		{name: "imported"},
		{name: "half the publishers rated 140", rating: 140},
		{name: "a window of 8h", window: 8 * time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			config, _ := siteRecords(t, dir) // read again: the case edits them
			st := openCopy(t, imported)
			orgs := 0
			for _, r := range config {
				if r.Kind != model.KindOrganization {
					continue
				}
				if tc.rating > 0 && orgs%2 == 0 {
					r.Organization.Quality = tc.rating
				}
				orgs++
			}
			if err := st.Upsert(ctx, config); err != nil {
				t.Fatal(err)
			}
			s, err := site.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			c := curate.New(s, st, curate.Options{Now: func() time.Time { return until }, Window: tc.window})
			first, err := c.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			want := curatedOf(t, st)
			again, err := c.All(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if again.Changed != 0 || again.Stories != first.Stories || again.Leads != first.Leads {
				t.Errorf("curate again changed %d records (the run before %d), %d stories and %d leads (were %d and %d); want none changed",
					again.Changed, first.Changed, again.Stories, again.Leads, first.Stories, first.Leads)
			}
			got, n := curatedOf(t, st), 0
			for p, w := range want {
				if g := got[p]; g != w && n < 5 {
					n++
					t.Errorf("%s: story %s, published %v, heat %d after the second run; story %s, published %v, heat %d after the first",
						p, g.story, g.published, g.heat, w.story, w.published, w.heat)
				}
			}
		})
	}
}

// siteRecords reads the records of the generated site under dir: its
// configuration (config, topics, organisations) and its news.
func siteRecords(t *testing.T, dir string) (config, news []*model.Record) {
	t.Helper()
	for _, r := range contenttest.ReadSite(t, dir) {
		switch r.Kind {
		case model.KindNews:
			news = append(news, r)
		case model.KindConfig, model.KindTopic, model.KindOrganization:
			config = append(config, r)
		}
	}
	return config, news
}

// importedAndCurated imports the site under dir into a new SQLite store
// as the import command does, curates it once, closes it and returns its
// database file, for the cases that start from it to copy.
func importedAndCurated(t *testing.T, dir string, now time.Time) string {
	t.Helper()
	ctx := context.Background()
	config, news := siteRecords(t, dir)
	path := sqlitetest.Path(t)
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	c := curatorOn(t, st, st, config, now)
	if _, _, err := c.Commit(ctx, news); err != nil {
		t.Fatal(err)
	}
	if _, err := c.All(ctx); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		t.Fatalf("%s-wal left behind by a closed store: the file alone is not the store", path)
	}
	return path
}

// openCopy opens a store on a copy of the closed store's database file
// at path, closed when the test ends.
func openCopy(t *testing.T, path string) store.Store {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(t.TempDir(), "hub.db")
	if err := os.WriteFile(cp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(context.Background(), cp)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
