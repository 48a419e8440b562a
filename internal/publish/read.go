package publish

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"newshub/internal/model"
	"newshub/internal/store"
)

// loadChunk is how many news records one query of a parallel read gets.
const loadChunk = 2000

// EachNews calls fn with every publishable news record of the store (not
// withheld), each once, from several goroutines at once (see eachNews).
func EachNews(ctx context.Context, st store.Store, fn func(r *model.Record)) error {
	gen, err := st.Generation(ctx)
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	return eachNews(ctx, st, gen, nil, runtime.GOMAXPROCS(0), func(_ int, r *model.Record) { fn(r) })
}

// eachNews calls fn with every publishable news record of the store (only
// the archived or only the current ones when archived is set) from workers
// goroutines, telling each call which (0…workers-1) makes it, so fn may
// keep state per goroutine. Decoding records is most of the cost of
// reading them, and runs beside fn on its own goroutines.
func eachNews(ctx context.Context, st store.Store, gen int64, archived *bool, workers int, fn func(worker int, r *model.Record)) error {
	news := make(chan *model.Record, 256)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range news {
				fn(i, r)
			}
		}()
	}
	err := scanNews(ctx, st, gen, archived, news)
	close(news)
	wg.Wait()
	return err
}

// scanNews sends every publishable news record to out (the store leaves
// out the withheld: NewsQuery.Public): it reads chunks of the
// time-ordered listing in parallel, one query each; if the store changed
// meanwhile (the chunks may then overlap or miss records), it reads again
// with one Scan, which reads one consistent state of the store.
func scanNews(ctx context.Context, st store.Store, gen int64, archived *bool, out chan<- *model.Record) error {
	total, err := st.CountNews(ctx, store.NewsQuery{Public: true, Archived: archived})
	if err != nil {
		return fmt.Errorf("count news: %w", err)
	}
	var seen sync.Map
	var next atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for {
				off := int(next.Add(1)-1) * loadChunk
				if off >= total {
					return nil
				}
				recs, err := st.News(gctx, store.NewsQuery{Public: true, Archived: archived, Order: store.ByTime, Offset: off, Limit: loadChunk, NoRaw: true})
				if err != nil {
					return fmt.Errorf("news: %w", err)
				}
				for _, r := range recs {
					if r.Article == nil {
						continue
					}
					if _, dup := seen.LoadOrStore(r.Path, true); dup {
						continue
					}
					select {
					case out <- r:
					case <-gctx.Done():
						return context.Cause(gctx)
					}
				}
			}
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	after, err := st.Generation(ctx)
	if err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	if after == gen {
		return nil
	}
	// Written meanwhile: fill in what the chunks missed from one Scan.
	// Records sent twice are replaced by their later version.
	return st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if r.Article == nil || !r.Article.Publishable() || archived != nil && isArchived(r) != *archived {
			return nil
		}
		if _, dup := seen.LoadOrStore(r.Path, true); dup {
			return nil
		}
		select {
		case out <- r:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}
