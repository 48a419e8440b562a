package ingest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// index tells a new item from a known one without holding every key ever
// stored: it keeps, per source, the keys of its last feed that are known
// (stored, archived or not), and looks every other key up in the store,
// one batch per feed. So its memory follows the feeds and their items,
// not the store. It also keeps what the store cannot look up by key: the
// keys of the articles purged from the store (tombstones: kept only by
// purges), and the aliases of stored articles, the canonical form of an
// original URL that is neither the article's canonical URL nor its GUID
// (a link whose page names another canonical address, an imported record
// without one). Both are read again when the store's generation shows
// that someone else wrote.
//
// A source's known keys stay trusted while only this worker writes. When
// another writer wrote (retention, an import, an editor, another worker of
// the hub), each source's keys are checked again at its next feed: those
// whose article is no longer at its path, nor moved to the archive, are
// looked up again.
type index struct {
	mu      sync.Mutex
	built   bool
	gen     int64             // store generation the tombstones reflect
	epoch   int               // changes when another writer wrote
	purged  map[string]string // key → path of the purged article
	gone    map[string]bool   // paths of purged articles: not given again
	aliases map[string]string // alias → path of the stored article
	feeds   map[string]*feedKeys
}

// feedKeys are the known keys of a source's last feed, and their paths.
type feedKeys struct {
	epoch int
	keys  map[string]string
}

// ensure reads the tombstones again unless the index reflects the store's
// current generation. It is called once per round, before any lookup.
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
	aliases := map[string]string{}
	err = st.ScanNews(ctx, store.NewsQuery{}, func(e store.NewsEntry) error {
		for _, k := range aliasesOf(e.CanonicalURL, e.GUID, e.OriginalURL) {
			aliases[k] = e.Path
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: index stored news: %w", err)
	}
	purged, gone := map[string]string{}, map[string]bool{}
	err = st.Tombstones(ctx, func(t store.Tombstone) error {
		purged[t.Key] = t.Path
		gone[t.Path] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("ingest: index purged news: %w", err)
	}
	ix.purged, ix.gone, ix.aliases, ix.gen, ix.built = purged, gone, aliases, gen, true
	ix.epoch++
	if ix.feeds == nil {
		ix.feeds = map[string]*feedKeys{}
	}
	return nil
}

// aliasesOf returns the keys of an article (see curate.ArticleKeys) that
// the store cannot look it up by: those that are neither its canonical
// URL nor its GUID.
func aliasesOf(canonicalURL, guid, originalURL string) []string {
	var out []string
	for _, k := range curate.ArticleKeys(canonicalURL, guid, originalURL) {
		if k != canonicalURL && k != guid {
			out = append(out, k)
		}
	}
	return out
}

// articleKeys are the keys an article is known by.
func articleKeys(a *model.Article) []string {
	if a == nil {
		return nil
	}
	return curate.ArticleKeys(a.CanonicalURL, a.GUID, a.OriginalURL)
}

// lookup returns, of keys (those of a source's feed), the paths of the
// stored articles known by them, and remembers them as the source's known
// keys in place of its last feed's. Keys not known from the last feed
// cost one store query for the lot.
func (ix *index) lookup(ctx context.Context, st store.Store, source string, keys []string) (map[string]string, error) {
	ix.mu.Lock()
	epoch, checked := ix.epoch, true
	var old map[string]string
	if last := ix.feeds[source]; last != nil {
		old, checked = maps.Clone(last.keys), last.epoch == ix.epoch
	}
	ix.mu.Unlock()
	if !checked {
		var err error
		if old, err = stillStored(ctx, st, old); err != nil {
			return nil, err
		}
	}
	known := map[string]string{}
	for _, k := range keys {
		if p, ok := old[k]; ok {
			known[k] = p
		}
	}
	var missed []string
	for _, k := range keys {
		if _, ok := known[k]; !ok && k != "" {
			missed = append(missed, k)
		}
	}
	found, err := ix.find(ctx, st, missed)
	if err != nil {
		return nil, err
	}
	for k, p := range found {
		known[k] = p
	}
	ix.mu.Lock()
	ix.feeds[source] = &feedKeys{epoch: epoch, keys: known}
	ix.mu.Unlock()
	return known, nil
}

// stillStored keeps of keys those whose article is still at its path, or
// at its path in the archive (where retention moves it), with that path.
func stillStored(ctx context.Context, st store.Store, keys map[string]string) (map[string]string, error) {
	var paths []string
	seen := map[string]bool{}
	for _, p := range keys {
		if !seen[p] {
			seen[p] = true
			paths = append(paths, p)
			if a, ok := content.NewsPathIn(p, true); ok && a != p {
				paths = append(paths, a)
			}
		}
	}
	found, err := storedPaths(ctx, st, paths)
	if err != nil {
		return nil, fmt.Errorf("ingest: check known news: %w", err)
	}
	stored := make(map[string]bool, len(found))
	for _, p := range found {
		stored[p] = true
	}
	out := make(map[string]string, len(keys))
	for k, p := range keys {
		if stored[p] {
			out[k] = p
		} else if a, ok := content.NewsPathIn(p, true); ok && stored[a] {
			out[k] = a
		}
	}
	return out, nil
}

// find returns, for each of keys a stored article is known by, its path:
// from the aliases, else from the store.
func (ix *index) find(ctx context.Context, st store.Store, keys []string) (map[string]string, error) {
	out := map[string]string{}
	var ask []string
	ix.mu.Lock()
	for _, k := range keys {
		if p, ok := ix.aliases[k]; ok {
			out[k] = p
		} else if k != "" {
			ask = append(ask, k)
		}
	}
	ix.mu.Unlock()
	found, err := articlePaths(ctx, st, ask)
	if err != nil {
		return nil, fmt.Errorf("ingest: look up stored news: %w", err)
	}
	for k, p := range found {
		out[k] = p
	}
	return out, nil
}

// purgedPath returns the path of the purged article known by k, or "".
func (ix *index) purgedPath(k string) string {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.purged[k]
}

// wasPurged reports whether p was the path of a purged article.
func (ix *index) wasPurged(p string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.gone[p]
}

// add records the news written for a source as known by its feed.
func (ix *index) add(source string, recs []*model.Record) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	f := ix.feeds[source]
	if f == nil {
		f = &feedKeys{epoch: ix.epoch, keys: map[string]string{}}
		ix.feeds[source] = f
	}
	for _, r := range recs {
		if r.Kind != model.KindNews {
			continue
		}
		a := r.Article
		for _, k := range articleKeys(a) {
			f.keys[k] = r.Path
		}
		if a != nil {
			if ix.aliases == nil {
				ix.aliases = map[string]string{}
			}
			for _, k := range aliasesOf(a.CanonicalURL, a.GUID, a.OriginalURL) {
				ix.aliases[k] = r.Path
			}
		}
	}
}

// current reports whether the index saw every write up to generation gen.
func (ix *index) current(gen int64) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	return ix.built && ix.gen == gen
}

// advance notes that the store reached generation gen by writes the index
// has seen (ingest's own, made while no other writer could write), so the
// next round does not take them for another writer's.
func (ix *index) advance(gen int64) {
	ix.mu.Lock()
	ix.gen = gen
	ix.mu.Unlock()
}

// pathFinder is implemented by stores that can look up many article keys
// in one query (store/sqlite and store/postgres do).
type pathFinder interface {
	ArticlePaths(ctx context.Context, keys []string) (map[string]string, error)
}

// articlePaths returns, for each of keys that st knows an article by
// (canonical URL or GUID), the path of that article.
func articlePaths(ctx context.Context, st store.Store, keys []string) (map[string]string, error) {
	if len(keys) == 0 {
		return map[string]string{}, nil
	}
	if pf, ok := st.(pathFinder); ok {
		return pf.ArticlePaths(ctx, keys)
	}
	out := map[string]string{}
	for _, k := range keys {
		switch r, err := st.ArticleByURL(ctx, k); {
		case err == nil:
			out[k] = r.Path
		case !errors.Is(err, store.ErrNotFound):
			return nil, err
		}
	}
	return out, nil
}

// pathLister is implemented by stores that can tell which of many paths
// are taken in one query (store/sqlite and store/postgres do).
type pathLister interface {
	StoredPaths(ctx context.Context, paths []string) ([]string, error)
}

// storedPaths returns those of paths at which st holds a record.
func storedPaths(ctx context.Context, st store.Store, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
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
