package ingest

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// writerInRetention is a store that lets another writer write once, right
// after the next read of the generation: in retain, the one taken under
// the curate lock before retention runs.
type writerInRetention struct {
	*sqlite.Store
	next atomic.Pointer[func()]
}

func (w *writerInRetention) Generation(ctx context.Context) (int64, error) {
	g, err := w.Store.Generation(ctx)
	if fn := w.next.Swap(nil); fn != nil {
		(*fn)()
	}
	return g, err
}

// TestOtherWritersDuringRetentionAreSeen writes as another process would
// (an editor's delete, the retention command's purge, an import) while
// ingest's retention runs, which only ingest workers wait for, and
// between rounds: either way the next rounds must see the write, as the
// key index follows retention's own writes only.
func TestOtherWritersDuringRetentionAreSeen(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name  string
		write func(t *testing.T, st *sqlite.Store, srv *windowServer, first string)
		check func(t *testing.T, in *Ingester, h *hub, srv *windowServer, first string)
	}{
		{"a deleted article comes back from its feed",
			func(t *testing.T, st *sqlite.Store, _ *windowServer, first string) {
				if err := st.Delete(ctx, first); err != nil {
					t.Fatal(err)
				}
			},
			func(t *testing.T, in *Ingester, _ *hub, _ *windowServer, _ string) {
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 1 {
					t.Errorf("new %d, not stored %v (%v); want the deleted item stored again", sum.New, sum.NotStored, err)
				}
			}},
		{"a purged article stays out and its path is not given again",
			func(t *testing.T, st *sqlite.Store, _ *windowServer, first string) {
				rec, err := st.Get(ctx, first)
				if err != nil {
					t.Fatal(err)
				}
				a := rec.Article
				err = st.Purge(ctx, []store.Purge{{Path: first, Version: rec.Version,
					Keys: curate.ArticleKeys(a.CanonicalURL, a.GUID, a.OriginalURL), At: time.Now()}})
				if err != nil {
					t.Fatal(err)
				}
			},
			func(t *testing.T, in *Ingester, h *hub, srv *windowServer, first string) {
				srv.lo.Store(3) // the feed moves on, then carries its first items again
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 3 {
					t.Fatalf("round 2: new %d, not stored %v (%v); want 3 new", sum.New, sum.NotStored, err)
				}
				srv.lo.Store(0)
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 0 || sum.NotStored[ReasonPurged] != 1 {
					t.Errorf("round 3: new %d, not stored %v (%v); want the first item %q", sum.New, sum.NotStored, err, ReasonPurged)
				}
				if _, err := h.st.Get(ctx, first); err == nil {
					t.Errorf("the purged path %s was given again", first)
				}
			}},
		{"an imported article known by its link alone is not stored twice",
			func(t *testing.T, st *sqlite.Store, srv *windowServer, _ string) {
				link := srv.URL + "/p/0/5" // an item the feed does not carry yet
				rec := &model.Record{Path: "_news/2024-11-05-imported-5.md", Kind: model.KindNews, Article: &model.Article{
					Category: "news", Title: "Imported 5", Excerpt: "Imported.", Type: "article", Topics: []string{"Election"},
					PublishedDateTime: time.Date(2024, 11, 5, 12, 0, 0, 0, time.UTC), OriginalURL: link, WebURL: link,
					Provider: model.Provider{Name: "Other", Domain: "other.example"}}}
				if err := content.Render(rec); err != nil {
					t.Fatal(err)
				}
				if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
					t.Fatal(err)
				}
			},
			func(t *testing.T, in *Ingester, h *hub, srv *windowServer, _ string) {
				srv.lo.Store(3)
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 2 || sum.NotStored[ReasonKnown] != 1 {
					t.Errorf("new %d, not stored %v (%v); want 2 new and the imported one %q", sum.New, sum.NotStored, err, ReasonKnown)
				}
				n := 0
				for _, u := range h.newsPaths(t) {
					if u == srv.URL+"/p/0/5" {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%d records of the imported link, want 1", n)
				}
			}},
	}
	for _, tt := range tests {
		for _, during := range []bool{false, true} {
			name := tt.name + "/between rounds"
			if during {
				name = tt.name + "/during retention"
			}
			t.Run(name, func(t *testing.T) {
				srv := newWindowServer(t, 3)
				h := newHub(t, true, srv.sources(1)...)
				w := &writerInRetention{Store: h.st.(*sqlite.Store)}
				h.st = w
				opts := testOptions()
				opts.All, opts.SkipPages = true, true
				opts.Retention = &retention.Policy{ArchiveAfter: 365 * 24 * time.Hour} // nothing is due
				in := h.ingester(opts)
				t.Cleanup(in.Close)
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 3 {
					t.Fatalf("round 1: new %d (%v), want 3", sum.New, err)
				}
				first := ""
				for p, u := range h.newsPaths(t) {
					if strings.HasSuffix(u, "/p/0/0") {
						first = p
					}
				}
				if first == "" {
					t.Fatal("the feed's first item is not stored")
				}
				write := func() { tt.write(t, w.Store, srv, first) }
				if !during {
					write()
				} else {
					w.next.Store(&write)
					in.retained = nil // retention runs again, as after a round
					var sum Summary
					if err := in.retain(ctx, &sum); err != nil {
						t.Fatal(err)
					}
					if w.next.Load() != nil {
						t.Fatal("the other writer did not write during retention")
					}
				}
				tt.check(t, in, h, srv, first)
			})
		}
	}
}
