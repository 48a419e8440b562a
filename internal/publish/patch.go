package publish

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// A served view is replaced after every write of the store, and reading
// every current news record again costs seconds at 100,000 articles, most
// of them unchanged. An entry is made from its record and the view's
// settings alone (articleStamp), and never changes once made, so a new
// view takes over the entries of the view before it whose record has kept
// its version, found through the store's index of the news (a few columns
// a record), reads only the records that are new or changed, and groups
// and sorts the whole as a load does. The entries shared keep the slabs
// they were made in (see slab) alive: once the entries read since the last
// whole load are as many as half the view's, the next view is loaded
// whole, which lets the others go.

// patch fills v's current news from prev and the records of rd changed
// since prev, and reports whether it did; false (and v untouched) when
// prev's settings differ or too much changed, for a load of the whole.
func (v *View) patch(ctx context.Context, rd store.Reader, prev *View) (bool, error) {
	if prev.articleStamp() != v.articleStamp() {
		return false, nil
	}
	var keep []*Entry
	var todo []string
	type skipped struct {
		path string
		err  error
	}
	var bad []skipped
	no := false
	err := rd.ScanNews(ctx, store.NewsQuery{Public: true, Archived: &no}, func(e store.NewsEntry) error {
		if e.Archived || strings.HasPrefix(e.Path, content.ArchiveDir) {
			return nil
		}
		if err := content.CheckPath(e.Path, model.KindNews); err != nil {
			bad = append(bad, skipped{e.Path, err})
			return nil
		}
		if old := prev.news[e.Path]; old != nil && old.version == e.Version {
			keep = append(keep, old)
		} else {
			todo = append(todo, e.Path)
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("scan news: %w", err)
	}
	if read := prev.read + len(todo); read > (len(keep)+len(todo))/2 {
		return false, nil
	}
	v.topics = prev.topics // the same site's topics: the same sets
	fresh, err := v.readEntries(ctx, rd, todo)
	if err != nil {
		return false, err
	}
	for _, sk := range bad {
		v.skip(sk.path, sk.err)
	}
	for _, l := range [][]*Entry{keep, fresh} {
		for _, e := range l {
			v.insert(e)
			v.noteOddCurrent(e.Path, e.Key)
		}
	}
	v.read = prev.read + len(fresh)
	return true, nil
}

// readEntries reads the current news records at paths from rd and makes
// their entries; a record gone, withheld or archived since the scan is
// left out (the generation moved: the next view sees it).
func (v *View) readEntries(ctx context.Context, rd store.Reader, paths []string) ([]*Entry, error) {
	workers := runtime.GOMAXPROCS(0)
	slabs := make([]slab, workers)
	var mu sync.Mutex
	var out []*Entry
	next := make(chan string)
	g, gctx := errgroup.WithContext(ctx)
	for i := range workers {
		g.Go(func() error {
			for p := range next {
				r, err := rd.Get(gctx, p)
				switch {
				case errors.Is(err, store.ErrNotFound):
					continue
				case err != nil:
					return fmt.Errorf("news %s: %w", p, err)
				case !v.shows(r) || isArchived(r):
					continue
				}
				e, _ := v.newEntry(&slabs[i], r, false)
				mu.Lock()
				out = append(out, e)
				mu.Unlock()
			}
			return nil
		})
	}
	g.Go(func() error {
		defer close(next)
		for _, p := range paths {
			select {
			case next <- p:
			case <-gctx.Done():
				return context.Cause(gctx)
			}
		}
		return nil
	})
	return out, g.Wait()
}
