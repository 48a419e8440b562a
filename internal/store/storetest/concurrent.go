package storetest

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Sizes of the concurrency test: each write batch replaces every record of
// the last one and adds growBy more, so a reader that saw part of a batch
// would find mixed versions or a count between two batch sizes. Under the
// race detector the batches are a quarter of the size: readers spinning
// against the writer cost about the square of it, and the detector is
// there to see how they share memory, which smaller batches show as well.
const (
	concBase    = 600 / raceDivisor
	concGrowBy  = 200 / raceDivisor
	concBatches = 4
	concReaders = 4
)

// versioned returns the records of version v: concBase + v*concGrowBy of
// them, each titled with its version.
func versioned(v int) []*model.Record {
	n := concBase + v*concGrowBy
	recs := make([]*model.Record, n)
	for i := range recs {
		r := article(fmt.Sprintf("load-%05d", i), fmt.Sprintf("v%d load test article %d", v, i), hours(i%200), "Load", "Election")
		r.Article.Heat = i % 97
		refresh(r)
		recs[i] = r
	}
	return recs
}

// versionOf reads the version out of a title written by versioned.
func versionOf(r *model.Record) (int, bool) {
	var v int
	if r.Article == nil || !strings.HasPrefix(r.Article.Title, "v") {
		return 0, false
	}
	_, err := fmt.Sscanf(r.Article.Title, "v%d ", &v)
	return v, err == nil
}

func testConcurrentReaders(t *testing.T, st store.Store) {
	ctx := context.Background()
	upsert(t, st, versioned(0)...)
	batches := make([][]*model.Record, concBatches)
	for v := range batches {
		batches[v] = versioned(v + 1)
	}
	sizes := map[int]int{}
	for v := 0; v <= concBatches; v++ {
		sizes[v] = concBase + v*concGrowBy
	}

	var (
		done  atomic.Bool
		reads atomic.Int64
		wg    sync.WaitGroup
		errs  = make(chan error, 64)
	)
	report := func(err error) {
		select {
		case errs <- err:
		default:
		}
	}
	check := func(i int) error {
		switch i % 3 {
		case 0: // a listing must be one whole version
			recs, err := st.News(ctx, store.NewsQuery{Topic: "Load"})
			if err != nil {
				return fmt.Errorf("News: %w", err)
			}
			return wholeVersion("News", recs, sizes)
		case 1: // so must a scan
			var recs []*model.Record
			err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error { recs = append(recs, r); return nil })
			if err != nil {
				return fmt.Errorf("Scan: %w", err)
			}
			return wholeVersion("Scan", recs, sizes)
		default: // and a count must be the size of one
			n, err := st.CountNews(ctx, store.NewsQuery{Topic: "Load", Order: store.ByHeat})
			if err != nil {
				return fmt.Errorf("CountNews: %w", err)
			}
			for _, size := range sizes {
				if n == size {
					return nil
				}
			}
			return fmt.Errorf("CountNews = %d, between whole batches %v", n, sizes)
		}
	}
	for r := range concReaders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := r; ; i++ {
				stop := done.Load() // one more round after the writer ends
				if err := check(i); err != nil {
					report(err)
					return
				}
				reads.Add(1)
				if stop {
					return
				}
			}
		}()
	}
	for _, b := range batches {
		if err := st.Upsert(ctx, b); err != nil {
			report(fmt.Errorf("Upsert: %w", err))
			break
		}
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if reads.Load() < concReaders {
		t.Errorf("readers completed %d reads, want at least %d", reads.Load(), concReaders)
	}
	final, err := st.News(ctx, store.NewsQuery{Topic: "Load"})
	if err != nil {
		t.Fatal(err)
	}
	if err := wholeVersion("final News", final, map[int]int{concBatches: sizes[concBatches]}); err != nil {
		t.Error(err)
	}
}

// wholeVersion checks that recs are all of one version and as many as that
// version has.
func wholeVersion(what string, recs []*model.Record, sizes map[int]int) error {
	if len(recs) == 0 {
		return fmt.Errorf("%s: no records", what)
	}
	v0, ok := versionOf(recs[0])
	if !ok {
		return fmt.Errorf("%s: unexpected record %s", what, recs[0].Path)
	}
	for _, r := range recs {
		if v, ok := versionOf(r); !ok || v != v0 {
			return fmt.Errorf("%s: saw %s at another version than v%d: a partial batch", what, r.Path, v0)
		}
	}
	if want, ok := sizes[v0]; !ok || len(recs) != want {
		return fmt.Errorf("%s: %d records of v%d, want %d", what, len(recs), v0, sizes[v0])
	}
	return nil
}
