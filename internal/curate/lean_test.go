package curate_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"newshub/internal/curate"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite/sqlitetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openStore opens a new, empty store of a kind: SQLite, else PostgreSQL
// (the test is skipped where there is none).
func openStore(t *testing.T, sqlite bool) store.Store {
	if sqlite {
		return sqlitetest.Open(t)
	}
	st, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestLeanWindowsCurateAsWholeOnes curates the same batches into two
// stores, one curator keeping its windows' stored records whole and one
// keeping lean copies read a few at a time, and checks that both return
// the same records and leave the same store, byte for byte, after every
// batch. The batches are generated news (stories covered by several
// publishers) dealt out so that each batch joins stories stored by the
// ones before, with what else reads a window: arrivals merged into a
// stored article, a headline seen before, a run of records of one time
// longer than a page, and imported records linked to stored ones.
func TestLeanWindowsCurateAsWholeOnes(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	config, generated := generatedHub(t, gen.Options{Articles: 600, Seed: 11, Until: until, Span: 4 * 24 * time.Hour})
	batches := dealBatches(generated, 6)

	tests := []struct {
		name   string
		sqlite bool // else PostgreSQL
		page   int  // records the lean curator decodes at a time
	}{
		{"sqlite, pages of 5", true, 5},
		{"sqlite, one page", true, 0},
		{"postgres, pages of 5", false, 5},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			whole, lean := openStore(t, tc.sqlite), openStore(t, tc.sqlite)
			now := until.Add(time.Hour)
			curators := map[store.Store]*curate.Curator{}
			for _, st := range []store.Store{whole, lean} {
				curators[st] = curatorOn(t, st, st, config, now)
			}
			curate.KeepWholeWindows(curators[whole], true, 0)
			curate.KeepWholeWindows(curators[lean], false, tc.page)
			for i, batch := range batches {
				var got [2][]string
				for k, st := range []store.Store{whole, lean} {
					out, _, err := curators[st].Commit(ctx, batch(i))
					if err != nil {
						t.Fatalf("batch %d: %v", i, err)
					}
					for _, r := range out {
						got[k] = append(got[k], r.Path)
					}
				}
				if fmt.Sprint(got[0]) != fmt.Sprint(got[1]) {
					t.Errorf("batch %d: lean windows return %q, whole ones %q", i, got[1], got[0])
				}
				sameStores(t, fmt.Sprintf("batch %d", i), curate.DumpStore(t, whole), curate.DumpStore(t, lean))
			}
		})
	}
}

// dealBatches deals news records out into n batches of fresh arrivals, as
// ingest makes them (no curated values), the way feeds deal out a story's
// coverage; a function makes each batch's records anew, since curating
// changes them. The last batch also brings a copy of a stored article
// under a tracking address, a headline the first batch stored, and the
// first batch's records that carry their curated values (as imported);
// the first batch has a run of records published at one time.
func dealBatches(news []*model.Record, n int) []func(int) []*model.Record {
	out := make([]func(int) []*model.Record, n)
	for k := range n {
		out[k] = func(int) []*model.Record {
			var recs []*model.Record
			for j := k; j < len(news); j += n {
				recs = append(recs, freshOf(news[j]))
			}
			switch k {
			case 0:
				at := recs[3].Article.PublishedDateTime
				for _, r := range recs[3:15] {
					r.Article.PublishedDateTime = at
				}
			case n - 1:
				dup := freshOf(news[0])
				dup.Path = "_news/2026-03-09-a-copy-under-a-tracking-address.md"
				dup.Article.OriginalURL += "?utm_source=rss&utm_medium=feed"
				dup.Article.WebURL = dup.Article.OriginalURL
				dup.Article.Excerpt += " With more words than the stored copy has."
				same := freshOf(news[n])
				same.Path = "_news/2026-03-09-the-same-headline-elsewhere.md"
				same.Article.OriginalURL = "https://elsewhere.example/news/same-headline"
				same.Article.WebURL = same.Article.OriginalURL
				same.Article.Provider = model.Provider{Name: "Elsewhere", Domain: "elsewhere.example"}
				recs = append(recs, dup, same)
				for j := 2 * n; j < 2*n+5*n; j += n {
					carried := *news[j]
					a := *news[j].Article
					carried.Article = &a
					carried.Raw = bytes.Clone(news[j].Raw)
					recs = append(recs, &carried)
				}
			}
			return recs
		}
	}
	return out
}

// freshOf is a generated article as a feed gives it: without its curated
// values.
func freshOf(r *model.Record) *model.Record {
	a := r.Article
	return &model.Record{Path: r.Path, Kind: model.KindNews, Article: &model.Article{
		Category: a.Category, Title: a.Title, Excerpt: a.Excerpt, PublishedDateTime: a.PublishedDateTime,
		OriginalURL: a.OriginalURL, WebURL: a.WebURL, Type: a.Type,
		Provider: model.Provider{Name: a.Provider.Name, Domain: a.Provider.Domain},
		Images:   append([]model.Image(nil), a.Images...),
		GUID:     a.OriginalURL, FetchedAt: a.PublishedDateTime.Add(time.Minute),
	}}
}

func sameStores(t *testing.T, when string, whole, lean map[string]curate.StoredRecord) {
	t.Helper()
	if len(whole) != len(lean) {
		t.Errorf("%s: the store holds %d records with lean windows, %d with whole ones", when, len(lean), len(whole))
	}
	for p, w := range whole {
		l, ok := lean[p]
		switch {
		case !ok:
			t.Errorf("%s: %s missing with lean windows", when, p)
		case !bytes.Equal(w.Raw, l.Raw):
			t.Errorf("%s: %s: file differs with lean windows:\n%s\nwhole:\n%s", when, p, l.Raw, w.Raw)
		case !bytes.Equal(w.Value, l.Value):
			t.Errorf("%s: %s: value differs with lean windows:\n%s\nwhole:\n%s", when, p, l.Value, w.Value)
		case w.Version != l.Version:
			t.Errorf("%s: %s: version %d with lean windows, %d with whole ones", when, p, l.Version, w.Version)
		}
	}
}

// plainStore hides the optional reads and writes a store may offer
// (stories without their file bytes, link listing, batched keys, records
// rendered as they are written), so curation takes the path any
// store.Store allows.
type plainStore struct{ store.Store }

// TestStoriesReadWithoutBytesCurateAsWholeOnes curates the same batches
// into two stores of a kind, one read and written through its shortcuts
// (SQLite: settling reads stories without their file bytes, and reads
// back the bytes of the records it changes; both: the store renders the
// records as it writes them) and one through store.Store alone, and
// checks that both leave the same store, byte for byte, after every
// batch.
func TestStoriesReadWithoutBytesCurateAsWholeOnes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		sqlite bool
	}{{"sqlite", true}, {"postgres", false}} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
			config, generated := generatedHub(t, gen.Options{Articles: 400, Seed: 5, Until: until, Span: 3 * 24 * time.Hour})
			batches := dealBatches(generated, 5)
			fast, plain := openStore(t, tc.sqlite), openStore(t, tc.sqlite)
			now := until.Add(time.Hour)
			curators := map[store.Store]*curate.Curator{}
			curators[fast] = curatorOn(t, fast, fast, config, now)
			curators[plain] = curatorOn(t, plain, plainStore{plain}, config, now)
			changed := 0
			for i, batch := range batches {
				for _, st := range []store.Store{fast, plain} {
					recs := batch(i)
					out, _, err := curators[st].Commit(ctx, recs)
					if err != nil {
						t.Fatalf("batch %d: %v", i, err)
					}
					if st == fast {
						changed += len(out) - len(recs)
					}
				}
				sameStores(t, fmt.Sprintf("batch %d", i), curate.DumpStore(t, plain), curate.DumpStore(t, fast))
				for _, st := range []store.Store{fast, plain} {
					annotate(t, st)
				}
			}
			if changed == 0 {
				t.Error("no stored record was written back: the test covers nothing")
			}
		})
	}
}

// annotate adds a comment to the file of every stored news record that
// has none, as an editor might: a record curation writes back must keep
// it, which only its stored bytes can tell.
func annotate(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	var recs []*model.Record
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if bytes.HasPrefix(r.Raw, []byte("---\n")) && !bytes.Contains(r.Raw, []byte("# checked\n")) {
			r.Raw = append([]byte("---\n# checked\n"), r.Raw[4:]...)
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
}

// generatedHub generates a hub and returns its settings (configuration,
// topics, organizations) and its news, apart.
func generatedHub(t *testing.T, opts gen.Options) (config, news []*model.Record) {
	t.Helper()
	err := gen.Records(opts, func(r *model.Record) error {
		switch r.Kind {
		case model.KindNews:
			news = append(news, r)
		case model.KindConfig, model.KindTopic, model.KindOrganization:
			config = append(config, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return config, news
}

// curatorOn stores a hub's configuration records in st and returns a
// curator of that hub whose clock reads now, curating into curated (st,
// or st seen through a wrapper).
func curatorOn(t *testing.T, st, curated store.Store, config []*model.Record, now time.Time) *curate.Curator {
	t.Helper()
	ctx := context.Background()
	if err := st.Upsert(ctx, config); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	return curate.New(s, curated, curate.Options{Now: func() time.Time { return now }})
}
