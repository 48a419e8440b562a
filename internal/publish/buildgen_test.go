package publish_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// TestBuildHoldsOneGeneration builds a hub, API and website, on SQLite
// and PostgreSQL, while a writer in the same process commits generation
// after generation, each giving every current article's title, its
// related coverage and every event's name the number of its write: every
// file of the build names them as one generation left them (the news and
// the events are read by queries of their own, the related coverage by
// the website after the view), where the website read the store as it was
// by then, and on PostgreSQL every read after the view's did.
func TestBuildHoldsOneGeneration(t *testing.T) {
	for _, sto := range publish.StoreCases() {
		t.Run(sto.Name, func(t *testing.T) { buildHoldsOneGeneration(t, sto.Open(t)) })
	}
}

func buildHoldsOneGeneration(t *testing.T, st store.Store) {
	ctx := context.Background()
	st, s := publish.GenStoreIn(t, st, 60)
	no := false
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Archived: &no})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Scan(ctx, []model.Kind{model.KindEvent}, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	names := make([]*string, len(recs))
	for i, r := range recs {
		if r.Event != nil {
			names[i] = &r.Event.Name
		} else {
			names[i] = &r.Article.Title
		}
	}
	plain := make([]string, len(recs))
	for i, n := range names {
		plain[i] = *n
	}
	write := func(k int) error {
		for i, n := range names {
			*n = fmt.Sprintf("%s [g%d]", plain[i], k)
			if a := recs[i].Article; a != nil {
				a.Related = []model.Related{{Title: fmt.Sprintf("Elsewhere [g%d]", k), WebURL: fmt.Sprintf("https://elsewhere.example/%d", i)}}
			}
		}
		return st.Upsert(ctx, recs)
	}
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		writeErr error
		writes   int
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 1; writeErr == nil; k++ {
			select {
			case <-done:
				return
			default:
				writeErr, writes = write(k), k
			}
		}
	}()
	out := filepath.Join(t.TempDir(), "out")
	site, err := web.New(web.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = publish.Build(ctx, st, s, out, publish.BuildOptions{Options: publish.GenOptions(), Extra: []func(context.Context, *publish.View, *publish.Output) error{site.Build}})
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	mark := regexp.MustCompile(`\[g(\d+)\]`)
	seen := map[string]string{} // generation mark → a file holding it
	for rel, data := range testutil.Files(t, out) {
		for _, m := range mark.FindAllSubmatch(data, -1) {
			if _, ok := seen[string(m[1])]; !ok {
				seen[string(m[1])] = rel
			}
		}
	}
	if len(seen) != 1 {
		t.Errorf("the build, over %d writes, holds the titles of %d writes, want one: %v", writes, len(seen), seen)
	}
}
