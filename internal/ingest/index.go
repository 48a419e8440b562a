package ingest

import (
	"context"
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
// wrote, it is built again. A key of a stored article it misses costs no
// correctness: the curator still merges an arrival into the stored article
// with the same URL or GUID. The purged keys are known here only.
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

// settle notes the store generation after ingest's own writes, so the
// next round does not rebuild for them.
func (ix *index) settle(ctx context.Context, st store.Store) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return
	}
	ix.mu.Lock()
	ix.gen = gen
	ix.mu.Unlock()
}
