package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// A hub that runs for months stores far more archived news than current
// news, and a served view lives for as long as the process: it holds the
// current news only (its lists, stories and pages show nothing else), and
// an archived article's document and page are made from its record, read
// from the store when asked for. Nearly every archived record's path is
// named by its article key (archivedPath); the view keeps the paths of the
// few others (odd names: no date, or characters a page address cannot
// have). Finding them takes a pass over the archive's index, which grows
// with the archive: a served view takes them over from the view before it,
// adds the archive paths its own odd-named current articles will have once
// archived, and reads the index again only every archiveRescan. A path
// kept that no longer holds an archived record costs a read of the store
// when its address is asked for, and nothing else.

// archiveRescan is how often a served view reads the archive's index
// rather than taking the odd names over from the view before it: often
// enough for records put straight into the archive by another process.
const archiveRescan = time.Hour

// archiveIndex is what a view knows of the archive: the paths of odd-named
// archived records by article key, each list in the order that owns the
// key first (see owns), and when the archive's index was last read.
type archiveIndex struct {
	odd     map[string][]string
	scanned time.Time
}

// isArchived reports whether a news record lives under _archive/news/.
func isArchived(r *model.Record) bool {
	return r.Article.Archived || strings.HasPrefix(r.Path, content.ArchiveDir)
}

// archivedPath is the path an archived record whose file is named for its
// article key has: "_archive/news/YYYY-MM-DD-slug.md" for
// "YYYY/MM/DD/slug".
func archivedPath(key string) string {
	return content.ArchiveDir + strings.Replace(key, "/", "-", 3) + ".md"
}

// maybeArticleKey reports whether key has the shape of an article key
// ("YYYY/MM/DD/slug", see ArticleKey), which archived news may be at.
func maybeArticleKey(segs []string) bool {
	return len(segs) == 4 && len(segs[0]) == 4 && len(segs[1]) == 2 && len(segs[2]) == 2 &&
		allDigits(segs[0]) && allDigits(segs[1]) && allDigits(segs[2]) && safeSegment(segs[3]) == segs[3]
}

// noteArchived records the path of an archived news record whose path is
// not the one its key names. The caller serializes calls.
func (v *View) noteArchived(path string, key string) {
	if path == archivedPath(key) {
		return
	}
	l := v.archive.odd[key]
	i, found := slices.BinarySearchFunc(l, path, func(a, b string) int {
		if a == b {
			return 0
		}
		if owns(a, b) {
			return -1
		}
		return 1
	})
	if !found {
		v.archive.odd[key] = slices.Insert(slices.Clip(l), i, path)
	}
}

// noteOddCurrent records where a current article with an odd name will be
// once archived, so that a later view finds it without reading the
// archive's index. The caller serializes calls.
func (v *View) noteOddCurrent(path, key string) {
	if name, ok := strings.CutPrefix(path, "_news/"); ok {
		v.noteArchived(content.ArchiveDir+name, key)
	}
}

// loadArchive makes the served view's archive index: the previous view's,
// or, when it is older than archiveRescan or there is none, one read from
// rd's index of the archived news, without reading the records.
func (v *View) loadArchive(ctx context.Context, rd store.Reader, prev *View) error {
	now := time.Now()
	if prev != nil && now.Sub(prev.archive.scanned) < archiveRescan {
		v.archive.scanned = prev.archive.scanned
		for key, l := range prev.archive.odd {
			for _, p := range l {
				v.noteArchived(p, key)
			}
		}
		return nil
	}
	v.archive.scanned = now
	yes := true
	return rd.ScanNews(ctx, store.NewsQuery{Public: true, Archived: &yes}, func(e store.NewsEntry) error {
		if err := content.CheckPath(e.Path, model.KindNews); err != nil {
			v.skip(e.Path, err)
			return nil
		}
		v.noteArchived(e.Path, ArticleKey(e.Path, e.PublishedAt))
		return nil
	})
}

// archivedCandidates lists the paths of the archived records that may own
// the article key, the one that would own it first (see owns).
func (v *View) archivedCandidates(key string) []string {
	named := archivedPath(key)
	odd := v.archive.odd[key]
	i := 0
	for i < len(odd) && owns(odd[i], named) {
		i++
	}
	return slices.Concat(odd[:i], []string{named}, odd[i:])
}

// ArchivedCandidates lists the paths of the archived records that may own
// the article key, the one that would own it first: with the archived
// records there, what decides which one's page is at key.
func (v *View) ArchivedCandidates(key string) []string { return v.archivedCandidates(key) }

// Archived returns the archived news record whose document and page are
// at key ("YYYY/MM/DD/slug"), read from the store, when no current
// article of the view is there; ErrNotFound when none is.
func (v *View) Archived(ctx context.Context, key string) (*model.Record, error) {
	if _, ok := v.articles[key]; ok {
		return nil, ErrNotFound
	}
	return v.archivedRecord(ctx, key)
}

// archivedRecord returns the archived news record that owns key, current
// news aside: also what became of a current article of the view that was
// archived since the view was loaded.
func (v *View) archivedRecord(ctx context.Context, key string) (*model.Record, error) {
	if !maybeArticleKey(strings.Split(key, "/")) {
		return nil, ErrNotFound
	}
	for _, p := range v.archivedCandidates(key) {
		if r, err := v.archivedAt(ctx, p, key); r != nil || err != nil {
			return r, err
		}
	}
	return nil, ErrNotFound
}

// archivedAt reads the record at path p: nil when it is not an archived
// news record the view publishes at key.
func (v *View) archivedAt(ctx context.Context, p, key string) (*model.Record, error) {
	r, err := v.rd.Get(ctx, p)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("archived article %s: %w", p, err)
	case v.shows(r) && isArchived(r) && ArticleKey(r.Path, r.Article.PublishedDateTime) == key:
		return r, nil
	}
	return nil, nil
}

// OwnsArchived reports whether the archived news record r is the one
// whose document and page are at its article key, for a build that meets
// every record: a current article of the view, or another archived record
// that owns the key, comes first. Only a record that another path may own
// the key before needs a read of the store.
func (v *View) OwnsArchived(ctx context.Context, r *model.Record) (bool, error) {
	if !v.shows(r) || !isArchived(r) {
		return false, nil
	}
	key := ArticleKey(r.Path, r.Article.PublishedDateTime)
	if _, ok := v.articles[key]; ok {
		return false, nil
	}
	for _, p := range v.archivedCandidates(key) {
		if p == r.Path {
			return true, nil
		}
		if other, err := v.archivedAt(ctx, p, key); other != nil || err != nil {
			return false, err
		}
	}
	return false, nil // r is no longer at its path
}

// ArchivedEntry makes the entry of an archived record, as a view holding
// it would: what its page is made from.
func (v *View) ArchivedEntry(r *model.Record) *Entry {
	sl := slab{small: true}
	e, _ := v.newEntry(&sl, r, false)
	return e
}

// eachArticleKey calls fn with the key of every article the view publishes
// a document and a page for, once each: its current news, then the
// archived news, read from the store's index (for tools and tests: it
// costs a pass over the archive).
func (v *View) eachArticleKey(ctx context.Context, fn func(key string)) error {
	for key := range v.articles {
		fn(key)
	}
	seen := map[string]bool{}
	yes := true
	return v.rd.ScanNews(ctx, store.NewsQuery{Public: true, Archived: &yes}, func(e store.NewsEntry) error {
		if content.CheckPath(e.Path, model.KindNews) != nil {
			return nil
		}
		key := ArticleKey(e.Path, e.PublishedAt)
		if _, ok := v.articles[key]; !ok && !seen[key] {
			seen[key] = true
			fn(key)
		}
		return nil
	})
}
