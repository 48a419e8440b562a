package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
)

// index tells a new item from a known one without holding every key ever
// stored: it keeps, per source, the keys of its last feed that are known
// (stored, archived or not), and looks every other key up in the store,
// one batch per feed. So its memory follows the feeds and their items,
// not the store. It keeps the keys alone, not the paths of their
// articles: a known item is dropped without its path, and the store
// finds an article by key wherever retention moved it. The keys of the
// articles purged from the store (tombstones) are looked up as the stored
// ones are, those of a feed's keys found in neither, one batch per feed,
// and kept as the source's known keys are: a hub that purges every day
// holds none of the months of them. It also keeps what the store cannot
// look up by key: the aliases of stored articles, the canonical form of an
// original URL that is neither the article's canonical URL nor its GUID (a
// link whose page names another canonical address, an imported record
// without one), read again when the store's generation shows that someone
// else wrote.
//
// A source's known keys stay trusted while only this worker writes. When
// another writer wrote (retention, an import, an editor, another worker of
// the hub), each source's keys are looked up again at its next feed.
type index struct {
	mu      sync.Mutex
	built   bool
	gen     int64             // store generation the aliases reflect
	epoch   int               // changes when another writer wrote
	aliases map[string]string // alias → path of the stored article
	// moved says retention moved records since the aliases were read: an
	// alias's path may be its article's former one (see followRetention).
	moved bool
	feeds map[string]*feedKeys
}

// feedKeys are the known keys of a source's last feed, and those of its
// keys that were purged, with the paths of their tombstones.
type feedKeys struct {
	epoch  int
	keys   map[string]struct{}
	purged map[string]string
}

// ensure reads the aliases again unless the index reflects the store's
// current generation. It is called once per round, before any lookup.
func (ix *index) ensure(ctx context.Context, st store.Store) error {
	gen, err := st.Generation(ctx)
	if err != nil {
		return err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.built && ix.gen == gen {
		return nil
	}
	// Read in the file's order, which is far cheaper than time order on a
	// store filled batch by batch, then put in time order: a key two
	// records share names the older one, as it always has. Only the
	// articles that have aliases are kept for the sort, few of the store's,
	// so the memory follows the aliases and not the store.
	type aliased struct {
		path string
		at   time.Time
		keys []string
	}
	var entries []aliased
	err = st.ScanNews(ctx, store.NewsQuery{Order: store.ByStorage}, func(e store.NewsEntry) error {
		if keys := aliasesOf(e.CanonicalURL, e.GUID, e.OriginalURL); len(keys) > 0 {
			entries = append(entries, aliased{e.Path, e.PublishedAt, keys})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("index stored news: %w", err)
	}
	slices.SortFunc(entries, func(a, b aliased) int {
		return cmp.Or(b.at.Compare(a.at), strings.Compare(a.path, b.path))
	})
	aliases := make(map[string]string, len(entries))
	for _, e := range entries {
		for _, k := range e.keys {
			aliases[k] = e.path
		}
	}
	ix.aliases, ix.gen, ix.built, ix.moved = aliases, gen, true, false
	ix.epoch++
	if ix.feeds == nil {
		ix.feeds = map[string]*feedKeys{}
	}
	return nil
}

// followRetention brings the index from generation before to the one
// retention left (rs), when the index reflected before and retention was
// the only writer since, without reading the stored news again as ensure
// would. Retention moves records, which the keys do not say (the store
// finds an article by key wherever it is), and purges some (rs.Gone),
// whose keys become tombstones, which the store looks up: their aliases
// go, and each source's keys are looked up again at its next feed. When the
// generation moved by more than retention's writes, someone else wrote
// too: the index is left behind the store, so that ensure reads it again.
func (ix *index) followRetention(before int64, rs retention.Summary) {
	if !ix.current(before) || rs.Generation == before || rs.Generation != before+int64(rs.Writes) {
		return
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.gen != before {
		return
	}
	ix.purged(rs.Gone)
	if rs.Expired > 0 {
		ix.epoch++ // the sources' purged keys may be among those let go
	}
	ix.moved = ix.moved || rs.Archived+rs.Restored > 0
	ix.gen = rs.Generation
}

// forget notes articles this worker purged (see round.purgeFolded): their
// keys become tombstones, which the store looks up.
func (ix *index) forget(gone []store.Purge) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.purged(gone)
}

// purged lets the aliases of the articles purged go, and has each
// source's keys looked up again at its next feed. ix.mu is held.
func (ix *index) purged(gone []store.Purge) {
	paths := make(map[string]bool, len(gone))
	for _, p := range gone {
		paths[p.Path] = true
	}
	for _, p := range gone {
		for _, k := range p.Keys {
			// An alias of an article purged now goes; one of a stored
			// article that an older tombstone shares stays.
			if q, ok := ix.aliases[k]; ok && paths[q] {
				delete(ix.aliases, k)
			}
		}
	}
	if len(gone) > 0 {
		ix.epoch++
	}
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

// lookup returns, of keys (those of a source's feed), the stored
// articles known by them: their paths when looked up, "" when known from
// the source's last feed; and the purged articles known by the others,
// by the paths of their tombstones. It remembers both as the source's
// known keys in place of its last feed's. Keys not known from the last
// feed cost a store query for the lot, and one more for those of them
// not stored; after another writer wrote, that is every key.
func (ix *index) lookup(ctx context.Context, st store.Store, source string, keys []string) (known, purged map[string]string, _ error) {
	known, purged = map[string]string{}, map[string]string{}
	var missed []string
	ix.mu.Lock()
	epoch := ix.epoch
	last := ix.feeds[source]
	if last != nil && last.epoch != epoch {
		last = nil // another writer wrote since: look every key up again
	}
	for _, k := range keys {
		if k == "" {
			continue
		}
		if last.has(k) {
			known[k] = ""
		} else if p, ok := last.purgedAt(k); ok {
			purged[k] = p
		} else {
			missed = append(missed, k)
		}
	}
	ix.mu.Unlock()
	found, gone, err := ix.findAll(ctx, st, missed)
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(known, found)
	maps.Copy(purged, gone)
	set := make(map[string]struct{}, len(known))
	for k := range known {
		set[k] = struct{}{}
	}
	ix.mu.Lock()
	ix.feeds[source] = &feedKeys{epoch: epoch, keys: set, purged: purged}
	ix.mu.Unlock()
	return known, purged, nil
}

// keepFeeds drops the known keys of the sources not in listed: a source
// removed from the list would otherwise keep its last feed's keys for as
// long as the process runs. Listed again, its feed is looked up whole, as
// after another writer wrote.
func (ix *index) keepFeeds(listed map[string]bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for source := range ix.feeds {
		if !listed[source] {
			delete(ix.feeds, source)
		}
	}
}

// has reports whether k is one of the known keys; a nil feedKeys knows none.
func (f *feedKeys) has(k string) bool {
	if f == nil {
		return false
	}
	_, ok := f.keys[k]
	return ok
}

// purgedAt returns the path of the purged article known by k, when k is
// one of the purged keys; a nil feedKeys knows none.
func (f *feedKeys) purgedAt(k string) (string, bool) {
	if f == nil {
		return "", false
	}
	p, ok := f.purged[k]
	return p, ok
}

// find returns, for each of keys a stored article is known by, its path:
// from the aliases, else from the store.
func (ix *index) find(ctx context.Context, st store.Store, keys []string) (map[string]string, error) {
	out := map[string]string{}
	var ask []string
	ix.mu.Lock()
	moved := ix.moved
	for _, k := range keys {
		if p, ok := ix.aliases[k]; ok {
			out[k] = p
		} else if k != "" {
			ask = append(ask, k)
		}
	}
	ix.mu.Unlock()
	if moved && len(out) > 0 {
		if err := whereNow(ctx, st, out); err != nil {
			return nil, err
		}
	}
	found, err := articlePaths(ctx, st, ask)
	if err != nil {
		return nil, fmt.Errorf("look up stored news: %w", err)
	}
	for k, p := range found {
		out[k] = p
	}
	return out, nil
}

// findAll returns, as find does, the paths of the stored articles known
// by keys, and, for the keys of none, the paths of the purged articles
// known by them: one more store query for those.
func (ix *index) findAll(ctx context.Context, st store.Store, keys []string) (stored, purged map[string]string, _ error) {
	stored, err := ix.find(ctx, st, keys)
	if err != nil {
		return nil, nil, err
	}
	var ask []string
	for _, k := range keys {
		if _, ok := stored[k]; !ok && k != "" {
			ask = append(ask, k)
		}
	}
	purged = map[string]string{}
	if len(ask) > 0 {
		if purged, err = st.PurgedKeys(ctx, ask); err != nil {
			return nil, nil, fmt.Errorf("look up purged news: %w", err)
		}
	}
	return stored, purged, nil
}

// whereNow sets each of paths (key → path read before retention moved
// records) to where its article is now: at that path, or at its
// counterpart in or out of the archive. A key whose article is at
// neither is left out.
func whereNow(ctx context.Context, st store.Store, paths map[string]string) error {
	var ask []string
	for _, p := range paths {
		ask = append(ask, movedTo(p)...)
	}
	found, err := storedPaths(ctx, st, ask)
	if err != nil {
		return fmt.Errorf("look up stored news: %w", err)
	}
	stored := make(map[string]bool, len(found))
	for _, p := range found {
		stored[p] = true
	}
	for k, p := range paths {
		i := slices.IndexFunc(movedTo(p), func(q string) bool { return stored[q] })
		if i < 0 {
			delete(paths, k)
		} else {
			paths[k] = movedTo(p)[i]
		}
	}
	return nil
}

// movedTo returns the paths a news record at p can be at after
// retention: p, and its counterpart in or out of the archive.
func movedTo(p string) []string {
	out := []string{p}
	for _, archived := range []bool{true, false} {
		if q, ok := content.NewsPathIn(p, archived); ok && q != p {
			out = append(out, q)
		}
	}
	return out
}

// path returns the path of the stored article known by k, for a drop's
// detail: the index keeps keys, not paths, so it asks the store (rarely:
// only an item with a known GUID under another link needs it).
func (ix *index) path(ctx context.Context, st store.Store, k string) string {
	found, err := ix.find(ctx, st, []string{k})
	if p := found[k]; err == nil && p != "" {
		return p
	}
	return "the stored article known by " + k
}

// add records the news written for a source as known by its feed.
func (ix *index) add(source string, recs []*model.Record) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	f := ix.feeds[source]
	if f == nil {
		f = &feedKeys{epoch: ix.epoch, keys: map[string]struct{}{}}
		ix.feeds[source] = f
	}
	for _, r := range recs {
		if r.Kind != model.KindNews {
			continue
		}
		a := r.Article
		for _, k := range articleKeys(a) {
			f.keys[k] = struct{}{}
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
