package ingest

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// index remembers the canonical URLs, GUIDs and paths of the stored news,
// and the keys of the articles purged from the store, so telling a new
// item from a known one costs a map lookup rather than store queries. It
// is built from the store when first needed and kept up to date with what
// ingest writes; when the store's generation shows that someone else
// wrote (another worker of the hub, an import), it is built again at the
// next round. A key of a stored article it misses costs no correctness:
// the curator still merges an arrival into the stored article with the
// same URL or GUID; a path it misses is looked up before it is given (see
// round.placeAll). The purged keys are known here only.
type index struct {
	mu     sync.RWMutex
	built  bool
	gen    int64             // store generation the index reflects
	keys   map[string]string // key → path of the article
	purged map[string]string // key → path of the purged article
	paths  map[string]struct{}
}

// ensure builds the index unless it reflects the store's current
// generation. It is called once per round, before any lookup.
func (ix *index) ensure(ctx context.Context, st store.Store) error {
	gen, err := st.Generation(ctx)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.built && ix.gen == gen {
		return nil
	}
	keys, purged, paths := map[string]string{}, map[string]string{}, map[string]struct{}{}
	err = st.ScanNews(ctx, store.NewsQuery{}, func(e store.NewsEntry) error {
		paths[e.Path] = struct{}{}
		for _, k := range curate.ArticleKeys(e.CanonicalURL, e.GUID, e.OriginalURL) {
			keys[k] = e.Path
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: index stored news: %w", err)
	}
	err = st.Tombstones(ctx, func(t store.Tombstone) error {
		purged[t.Key] = t.Path
		paths[t.Path] = struct{}{} // not given to another article
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: index purged news: %w", err)
	}
	ix.keys, ix.purged, ix.paths, ix.gen, ix.built = keys, purged, paths, gen, true
	return nil
}

// articleKeys are the keys an article is known by.
func articleKeys(a *model.Article) []string {
	if a == nil {
		return nil
	}
	return curate.ArticleKeys(a.CanonicalURL, a.GUID, a.OriginalURL)
}

// pathOf returns the path of the stored article known by k, or "" and,
// when an article known by k was purged, the path it had.
func (ix *index) pathOf(k string) (path, purged string) {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if p, ok := ix.keys[k]; ok {
		return p, ""
	}
	return "", ix.purged[k]
}

func (ix *index) hasPath(p string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.paths[p]
	return ok
}

// add records written news.
func (ix *index) add(recs []*model.Record) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, r := range recs {
		if r.Kind != model.KindNews {
			continue
		}
		ix.paths[r.Path] = struct{}{}
		for _, k := range articleKeys(r.Article) {
			ix.keys[k] = r.Path
		}
	}
}

// current reports whether the index holds every stored article at
// generation gen: it does when it was built or last advanced at gen.
func (ix *index) current(gen int64) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	return ix.built && ix.gen == gen
}

// advance notes that the store reached generation gen by writes the index
// has seen (ingest's own, made while no other writer could write), so the
// next round does not build it again for them.
func (ix *index) advance(gen int64) {
	ix.mu.Lock()
	ix.gen = gen
	ix.mu.Unlock()
}

// addPaths records paths found stored by another writer.
func (ix *index) addPaths(paths []string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.paths == nil {
		ix.paths = map[string]struct{}{}
	}
	for _, p := range paths {
		ix.paths[p] = struct{}{}
	}
}

// pathLister is implemented by stores that can tell which of many paths
// are taken in one query (store/sqlite and store/postgres do).
type pathLister interface {
	StoredPaths(ctx context.Context, paths []string) ([]string, error)
}

// storedPaths returns those of paths at which st holds a record.
func storedPaths(ctx context.Context, st store.Store, paths []string) ([]string, error) {
	if pl, ok := st.(pathLister); ok {
		return pl.StoredPaths(ctx, paths)
	}
	var found []string
	for _, p := range paths {
		switch _, err := st.Get(ctx, p); {
		case err == nil:
			found = append(found, p)
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return found, nil
}
