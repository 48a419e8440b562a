package publish

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"

	"newshub/internal/model"
	"newshub/internal/store"
)

// loadChunk is how many news records one query of a parallel read gets.
const loadChunk = 2000

// EachNews calls fn with every publishable news record of the store (not
// withheld), each once, from several goroutines at once (see eachNews).
func EachNews(ctx context.Context, st store.Reader, fn func(r *model.Record)) error {
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
func eachNews(ctx context.Context, st store.Reader, gen int64, archived *bool, workers int, fn func(worker int, r *model.Record)) error {
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
// time-ordered listing in parallel, one query each, a chunk being a range
// of publication times (see timeChunks); if the store changed meanwhile
// (the chunks may then overlap or miss records), or the chunks did not
// cover the listing, it reads again with one Scan, which reads one
// consistent state of the store.
func scanNews(ctx context.Context, st store.Reader, gen int64, archived *bool, out chan<- *model.Record) error {
	listing := store.NewsQuery{Public: true, Archived: archived, Order: store.ByTime, NoRaw: true}
	chunks, total, err := timeChunks(ctx, st, listing)
	if err != nil {
		return err
	}
	var seen sync.Map
	var next, read atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	for range runtime.GOMAXPROCS(0) {
		g.Go(func() error {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(chunks) {
					return nil
				}
				recs, err := st.News(gctx, chunks[i])
				if err != nil {
					return fmt.Errorf("news: %w", err)
				}
				read.Add(int64(len(recs)))
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
	if after == gen && read.Load() == int64(total) {
		return nil
	}
	// Written meanwhile, or a record the time ranges cannot hold (no
	// publication time): fill in what the chunks missed from one Scan.
	// A record already sent is not sent again, so what was written
	// meanwhile may be mixed, unless st is a snapshot: a view is then read
	// again (see loadView).
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

// timeChunks splits the listing q selects (newest first) into queries of
// about loadChunk records each, by ranges of publication time that
// together cover every time once: [Since, Until), the newest open above,
// the oldest open below. It reads the listing's index entries, not the
// records; paging by offset instead makes each chunk step over all the
// records before it, which a store may have to read to filter them. It
// also returns how many records the listing holds.
func timeChunks(ctx context.Context, st store.Reader, q store.NewsQuery) ([]store.NewsQuery, int, error) {
	var bounds []time.Time // descending, strictly
	n := 0
	err := st.ScanNews(ctx, q, func(e store.NewsEntry) error {
		// A zero time cannot bound a range (it means "open"): the
		// records at it go with the oldest chunk.
		if n > 0 && n%loadChunk == 0 && !e.PublishedAt.IsZero() &&
			(len(bounds) == 0 || e.PublishedAt.Before(bounds[len(bounds)-1])) {
			bounds = append(bounds, e.PublishedAt)
		}
		n++
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("news index: %w", err)
	}
	chunks := make([]store.NewsQuery, 0, len(bounds)+1)
	var until time.Time
	for _, b := range bounds {
		c := q
		c.Since, c.Until = b, until
		chunks = append(chunks, c)
		until = b
	}
	last := q
	last.Until = until
	return append(chunks, last), n, nil
}
