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
// so telling a new item from a known one costs a map lookup rather than
// store queries. It is built from the store when first needed and kept up
// to date with what ingest writes; when the store's generation shows that
// someone else wrote, it is built again. A key it misses costs no
// correctness: the curator still merges an arrival into the stored
// article with the same URL or GUID.
type index struct {
	mu    sync.RWMutex
	built bool
	gen   int64 // store generation the index reflects
	keys  map[string]struct{}
	paths map[string]struct{}
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
	keys, paths := map[string]struct{}{}, map[string]struct{}{}
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		paths[r.Path] = struct{}{}
		for _, k := range articleKeys(r.Article) {
			keys[k] = struct{}{}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: index stored news: %w", err)
	}
	ix.keys, ix.paths, ix.gen, ix.built = keys, paths, gen, true
	return nil
}

// articleKeys are the keys an article is known by.
func articleKeys(a *model.Article) []string {
	if a == nil {
		return nil
	}
	keys := make([]string, 0, 3)
	for _, k := range []string{a.CanonicalURL, a.GUID} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	if a.OriginalURL != "" {
		if c := curate.CanonicalURL(a.OriginalURL); c != a.CanonicalURL {
			keys = append(keys, c)
		}
	}
	return keys
}

func (ix *index) hasKey(k string) bool {
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	_, ok := ix.keys[k]
	return ok
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
			ix.keys[k] = struct{}{}
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
