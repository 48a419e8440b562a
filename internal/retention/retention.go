// Package retention applies a hub's retention settings to its store and
// site folder: news older than archive_after moves to _archive/news/, a
// story at a time, and unpublished duplicates older than purge_after are
// deleted, the keys they were known by kept so that no feed brings them
// back, for as long as a feed could (see Policy.TombstoneCut).
//
// Ages count from publishedDateTime, the time every listing sorts by; an
// article dated ahead of the run counts from when the hub first saw it
// (fetched or imported it), where that is earlier. A
// story is archived whole, when its newest article is older than
// archive_after, so a story is never split between the current lists and
// the archive: its lead stays in the lists while coverage is still
// arriving, and a late article joining an archived story brings the story
// back (its archived articles are restored to _news/). A story an editor
// pinned to the top stays current, or comes back, until the pin ends.
// Lone articles are stories of one. A record keeps its file name when it moves, so its
// article document and page keep their addresses, and the related lists of
// other articles, which name publishers' URLs, stay as they are.
//
// The store moves a story's records in one transaction (store.Move; purges
// go by store.Purge), each record only over the version read, so a writer
// that changed one meanwhile wins and its story is looked at again next
// time. The site folder follows the store: once the store has committed,
// every file in the other folder than the one the store keeps its record
// in is renamed there, those of earlier runs included, so a run stopped
// between the two is completed by the next. Runs on one site folder take
// turns.
//
// A run reads only the records a rule can apply to (readEntries): the
// current news and the records of stories with recent news, not the
// archive, which grows for as long as the hub runs.
package retention

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/filelock"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Policy is what to retain: the ages past which news is archived and
// unpublished duplicates are purged; 0 turns a rule off.
type Policy struct {
	ArchiveAfter time.Duration
	PurgeAfter   time.Duration
}

// PolicyOf reads a site's retention settings.
func PolicyOf(cfg *model.Config) (Policy, error) {
	archive, purge, err := cfg.Retention()
	return Policy{ArchiveAfter: archive, PurgeAfter: purge}, err
}

// IsZero reports whether the policy does nothing.
func (p Policy) IsZero() bool { return p.ArchiveAfter <= 0 && p.PurgeAfter <= 0 }

// TombstoneMargin is how long past purge_after the keys of a purged
// article are kept, counted from its date as its source gave it.
const TombstoneMargin = 180 * 24 * time.Hour

// TombstoneCut is the date before which a purged article's keys go, as
// of now: purge_after and TombstoneMargin before it; zero when nothing is
// purged. Ingest stores no feed item dated before it (an article the
// hub may have purged and no longer knows), so a key past it can come
// back no more.
func (p Policy) TombstoneCut(now time.Time) time.Time {
	if p.PurgeAfter <= 0 {
		return time.Time{}
	}
	return now.Add(-p.PurgeAfter - TombstoneMargin)
}

// TombstoneDate is what a purge of a keeps as its date (store.Purge.
// Dated): its publishedDateTime when its source gave one before the hub
// first saw it. It is zero, which keeps the keys for ever, for an article
// the hub dated itself (its source gave no date, or one ahead: it came
// back dated as new), for one not known to be from a source (no fetch
// time), and for one an editor withheld: the decision holds.
func TombstoneDate(a *model.Article) time.Time {
	switch {
	case a == nil, a.FetchedAt.IsZero(), !a.PublishedDateTime.Before(a.FetchedAt):
		return time.Time{}
	case a.Withheld != "" && a.Withheld != model.WithheldOffTopic:
		return time.Time{}
	}
	return a.PublishedDateTime.UTC()
}

// DefaultBatch is how many records one transaction moves or purges.
const DefaultBatch = 500

// Options say where and when to apply a policy.
type Options struct {
	// SiteDir is the site folder whose _news/ and _archive/news/ files
	// follow the store; "" (or a folder that does not exist) leaves files
	// alone.
	SiteDir string
	// Now returns the time ages count to; nil means time.Now.
	Now func() time.Time
	// Batch is how many records a transaction moves or purges; 0 means
	// DefaultBatch.
	Batch int
	// Log receives a line per batch; nil discards them.
	Log *slog.Logger
}

// Reasons a record due to move or go was left where it was.
const (
	ReasonNameTaken = "the other folder holds another record of that name"
	ReasonChanged   = "changed by another writer meanwhile: looked at again next time"
	ReasonNotNews   = "not directly under _news/ or _archive/news/"
	ReasonWithStory = "held with its story, of which a record cannot move"
)

// Summary counts what Apply did.
type Summary struct {
	News     int // news records read: those a rule can apply to (see readEntries)
	Archived int // records moved to _archive/news/
	Stories  int // stories archived (a lone article is a story of one)
	Restored int // archived records moved back to _news/: their story has recent news
	Purged   int // unpublished duplicates deleted
	Keys     int // keys kept for them
	Expired  int // keys of articles purged earlier let go (see Policy.TombstoneCut)
	// Gone are the purges committed, with their keys: what a reader that
	// keeps the tombstones adds to them, rather than read them all again.
	Gone []store.Purge
	// Left counts the records due to move or go that stayed, by reason.
	Left map[string]int
	// Taken names, sorted, the records left because the other folder
	// holds a record of their name: their stories stay where they are at
	// every run until someone removes one of the two.
	Taken []string
	// Files says what happened in the site folder.
	Files FileSummary
	// Next is when a rule next applies to a record stored now (zero:
	// none will), and Generation the store's generation after the run:
	// until either moves, another run would do nothing.
	Next       time.Time
	Generation int64
	// Writes counts the store's write transactions of the run: each moved
	// the generation by one, so a generation that moved further says
	// another writer wrote meanwhile.
	Writes  int
	Elapsed time.Duration
}

func (s *Summary) leave(reason string, n int) {
	if n == 0 {
		return
	}
	if s.Left == nil {
		s.Left = map[string]int{}
	}
	s.Left[reason] += n
}

// Apply applies pol to the news of st, and to the files of opt.SiteDir,
// as of opt.Now.
func Apply(ctx context.Context, st store.Store, pol Policy, opt Options) (Summary, error) {
	start := time.Now()
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if opt.Batch <= 0 {
		opt.Batch = DefaultBatch
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	var sum Summary
	if fi, err := os.Stat(opt.SiteDir); opt.SiteDir != "" && (err != nil || !fi.IsDir()) {
		opt.SiteDir = "" // no folder: the store alone
	}
	if opt.SiteDir != "" {
		// Two runs on one folder (curate --archive while serve ingests)
		// take turns: each plans from what the other committed, and
		// neither moves back a file the other moved.
		lock := filepath.Join(opt.SiteDir, ".newshub", "retention.lock")
		if err := os.MkdirAll(filepath.Dir(lock), 0o755); err != nil {
			return sum, fmt.Errorf("retention: %w", err)
		}
		unlock, err := filelock.Acquire(ctx, lock)
		if err != nil {
			return sum, fmt.Errorf("retention: %w", err)
		}
		defer unlock()
	}
	entries, err := readEntries(ctx, st, pol, now())
	if err != nil {
		return sum, err
	}
	if err := ageFromFirstSeen(ctx, st, entries, now()); err != nil {
		return sum, err
	}
	sum.News = len(entries)
	p := plan(entries, pol, now())
	sum.Next = p.next
	sum.leave(ReasonNotNews, p.notNews)
	sum.leave(ReasonNameTaken, len(p.taken))
	sum.Taken = p.taken
	sum.leave(ReasonWithStory, p.held)
	r := &runner{st: st, opt: opt, sum: &sum, entries: entries}
	if err := r.purge(ctx, p.purges); err != nil {
		return sum, err
	}
	if err := r.expire(ctx, pol.TombstoneCut(now())); err != nil {
		return sum, err
	}
	if err := r.move(ctx, p.moves); err != nil {
		return sum, err
	}
	if opt.SiteDir != "" {
		if err := followStore(ctx, st, opt.SiteDir, entries, pol.ArchiveAfter > 0, &sum.Files); err != nil {
			return sum, err
		}
	}
	slices.Sort(sum.Taken)
	if sum.Generation, err = st.Generation(ctx); err != nil {
		return sum, fmt.Errorf("retention: %w", err)
	}
	sum.Elapsed = time.Since(start)
	return sum, nil
}

// entry is a stored news record as retention sees it; gone marks one
// purged by this run.
type entry struct {
	store.NewsEntry
	gone bool
}

// readEntries reads, by their indexed fields, the news records a rule can
// apply to as of now, and leaves the rest of the archive unread, so a run
// costs what is current and due rather than all the news ever stored.
//
// A story's place follows its newest article. Every record published
// within archive_after is read, in either folder: its story stays (or
// comes back) current, and the other records of such stories that sit in
// the archive are read too, to come back with it. Of the older records,
// only the current ones are read: each is due unless its story has a
// record among the recent ones. The archived records left unread belong
// to stories whose newest article is past the cut, so they stay. The
// current records are thus all read, which followStore relies on.
//
// The records of the stories an editor pinned past now are read too, in
// either folder (readPinned).
//
// For purge_after, the unpublished records are read, those within its cut
// for when the next falls due, and for each story of one past it, whether
// it has a lead: one published record, looked up when none was read. The
// published records within the cut are not read: no rule applies to the
// archived ones, which with a purge_after of a year are most of the hub.
func readEntries(ctx context.Context, st store.Store, pol Policy, now time.Time) (map[string]*entry, error) {
	entries := map[string]*entry{}
	yes, no := true, false
	var queries []store.NewsQuery
	if pol.ArchiveAfter > 0 {
		cut := now.Add(-pol.ArchiveAfter)
		queries = append(queries, store.NewsQuery{Since: cut}, store.NewsQuery{Archived: &no, Until: cut},
			store.NewsQuery{Archived: &yes, Until: cut, StoryActiveSince: cut})
	}
	if pol.PurgeAfter > 0 {
		queries = append(queries, store.NewsQuery{Unpublished: true})
	}
	for _, q := range queries {
		if err := addEntries(ctx, st, entries, q); err != nil {
			return nil, err
		}
	}
	if pol.ArchiveAfter > 0 {
		if err := readPinned(ctx, st, entries, now); err != nil {
			return nil, err
		}
	}
	if pol.PurgeAfter > 0 {
		if err := readLeads(ctx, st, entries, now.Add(-pol.PurgeAfter), now); err != nil {
			return nil, err
		}
	}
	return entries, nil
}

// readPinned adds to entries the records of the stories an editor pinned
// past now, in either folder: a pinned story stays current, or comes back
// whole, however old its news. Pins are few.
func readPinned(ctx context.Context, st store.Store, entries map[string]*entry, now time.Time) error {
	var stories []string
	err := st.ScanNews(ctx, store.NewsQuery{PinnedAt: now, Order: store.ByStorage}, func(e store.NewsEntry) error {
		if entries[e.Path] == nil {
			entries[e.Path] = &entry{NewsEntry: e}
		}
		if e.Story != "" {
			stories = append(stories, e.Story)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	slices.Sort(stories)
	for _, id := range slices.Compact(stories) {
		if err := addEntries(ctx, st, entries, store.NewsQuery{Story: id}); err != nil {
			return err
		}
	}
	return nil
}

// readLeads adds to entries a lead of each story of which an unpublished
// record past cut was read and no published one, where the store has one:
// a duplicate is purged only beside its lead. A record dated ahead of now
// counts as past cut, as it may be by when the hub first saw it (see
// ageFromFirstSeen).
func readLeads(ctx context.Context, st store.Store, entries map[string]*entry, cut, now time.Time) error {
	led := map[string]bool{}
	for _, e := range entries {
		if e.Published {
			led[e.Story] = true
		}
	}
	var ask []string
	for _, e := range entries {
		due := e.PublishedAt.Before(cut) || e.PublishedAt.After(now)
		if !e.Published && e.Story != "" && !led[e.Story] && due {
			led[e.Story] = true // asked once
			ask = append(ask, e.Story)
		}
	}
	slices.Sort(ask)
	for _, id := range ask {
		if err := addEntries(ctx, st, entries, store.NewsQuery{Story: id, PublishedOnly: true, Limit: 1}); err != nil {
			return err
		}
	}
	return nil
}

// addEntries adds to entries the news records q selects that it lacks.
// ageFromFirstSeen ages each article dated ahead of now from when the hub
// first saw it (fetched it, or imported it), where that is known: one
// dated years ahead by a clock or time-zone error would otherwise stay in
// the current lists for years. There are few such articles, and their
// records are read for it.
func ageFromFirstSeen(ctx context.Context, st store.Store, entries map[string]*entry, now time.Time) error {
	for _, e := range entries {
		if !e.PublishedAt.After(now) {
			continue
		}
		r, err := st.Get(ctx, e.Path)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue // gone meanwhile: its move fails on its version
		case err != nil:
			return fmt.Errorf("retention: %w", err)
		}
		if a := r.Article; a != nil && !a.FetchedAt.IsZero() && a.FetchedAt.Before(e.PublishedAt) {
			e.PublishedAt = a.FetchedAt.UTC()
		}
	}
	return nil
}

func addEntries(ctx context.Context, st store.Store, entries map[string]*entry, q store.NewsQuery) error {
	q.Order = store.ByStorage // a set: the cheapest order
	err := st.ScanNews(ctx, q, func(e store.NewsEntry) error {
		if entries[e.Path] == nil {
			entries[e.Path] = &entry{NewsEntry: e}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	return nil
}

// decisions is what a policy calls for.
type decisions struct {
	// moves holds the moves of each story, stories in path order: a
	// story's records move in one transaction.
	moves   [][]store.Move
	purges  [][]store.Purge // one a group
	taken   []string        // records left: the name is taken in the other folder
	notNews int             // records in neither news folder
	held    int             // records left with their story, one of which cannot move
	next    time.Time       // when the next decision falls due
}

// story is what the decisions need to know of a story.
type story struct {
	newest  time.Time
	pinned  time.Time // when an editor's pin of it ends
	hasLead bool
	moves   []store.Move
	blocked bool // a record of it cannot move
}

// plan decides, for every record, where it belongs and whether it goes.
func plan(entries map[string]*entry, pol Policy, now time.Time) decisions {
	stories := map[string]*story{}
	var order []*story // by first path
	storyOf := func(e *entry) *story {
		id := e.Story
		if id == "" {
			id = "\x00" + e.Path // a lone article is a story of one
		}
		s := stories[id]
		if s == nil {
			s = &story{}
			stories[id] = s
		}
		return s
	}
	paths := sortedPaths(entries)
	for _, p := range paths {
		e := entries[p]
		s := storyOf(e)
		if e.PublishedAt.After(s.newest) {
			s.newest = e.PublishedAt
		}
		if e.PinnedUntil.After(s.pinned) {
			s.pinned = e.PinnedUntil
		}
		s.hasLead = s.hasLead || e.Published
	}
	var d decisions
	soonest := func(at time.Time) {
		if d.next.IsZero() || at.Before(d.next) {
			d.next = at
		}
	}
	due := func(t time.Time, after time.Duration) bool {
		at := t.Add(after)
		if now.After(at) {
			return true
		}
		soonest(at.Add(time.Microsecond)) // ages are "older than": due just after
		return false
	}
	for _, p := range paths {
		e := entries[p]
		s := storyOf(e)
		// Whether a story has a lead is known only where a record of it
		// is due: a record not yet due counts towards the next due time
		// either way, at worst a run that finds nothing to do.
		if pol.PurgeAfter > 0 && !e.Published && e.Story != "" && due(e.PublishedAt, pol.PurgeAfter) && s.hasLead {
			d.purges = append(d.purges, []store.Purge{{Path: e.Path, Version: e.Version,
				Keys: curate.ArticleKeys(e.CanonicalURL, e.GUID, e.OriginalURL), At: now}})
			continue
		}
		if pol.ArchiveAfter <= 0 {
			continue
		}
		archive := due(s.newest, pol.ArchiveAfter)
		if archive && now.Before(s.pinned) {
			// An editor pinned it to the top: current until the pin ends.
			archive = false
			soonest(s.pinned)
		}
		if archive == e.Archived {
			continue
		}
		to, ok := content.NewsPathIn(e.Path, archive)
		switch {
		case !ok:
			d.notNews++
			s.blocked = true
		case entries[to] != nil:
			d.taken = append(d.taken, e.Path)
			s.blocked = true
		default:
			if len(s.moves) == 0 {
				order = append(order, s)
			}
			s.moves = append(s.moves, store.Move{From: e.Path, To: to, Version: e.Version})
		}
	}
	for _, s := range order {
		switch {
		case s.blocked:
			d.held += len(s.moves)
		default:
			d.moves = append(d.moves, s.moves)
		}
	}
	return d
}

// runner carries out the decisions in the store, batch by batch.
type runner struct {
	st      store.Store
	opt     Options
	sum     *Summary
	entries map[string]*entry
}

// purge deletes the records batch by batch.
func (r *runner) purge(ctx context.Context, purges [][]store.Purge) error {
	return batches(ctx, r, purges, func(p store.Purge) (string, string) { return p.Path, "" },
		func(batch []store.Purge) error {
			if err := r.date(ctx, batch); err != nil {
				return err
			}
			return r.st.Purge(ctx, batch)
		},
		func(groups [][]store.Purge) {
			for _, p := range slices.Concat(groups...) {
				r.entries[p.Path].gone = true
				r.sum.Purged++
				r.sum.Keys += len(p.Keys)
				r.sum.Gone = append(r.sum.Gone, p)
			}
			r.opt.Log.Info("retention: purged unpublished duplicates", "done", r.sum.Purged, "of", len(purges))
		})
}

// date gives each purge the date its keys expire by (TombstoneDate),
// read from its record. A record gone or changed meanwhile is left
// undated: its purge fails on its version.
func (r *runner) date(ctx context.Context, batch []store.Purge) error {
	for i, p := range batch {
		rec, err := r.st.Get(ctx, p.Path)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return err
		case rec.Version == p.Version:
			batch[i].Dated = TombstoneDate(rec.Article)
		}
	}
	return nil
}

// expire lets go the keys of the articles purged dated before cut, if
// any; a zero cut keeps them all.
func (r *runner) expire(ctx context.Context, cut time.Time) error {
	if cut.IsZero() {
		return nil
	}
	n, err := r.st.ExpireTombstones(ctx, cut)
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	if n > 0 {
		r.sum.Expired += n
		r.sum.Writes++
		r.opt.Log.Info("retention: let go the keys of articles purged earlier", "keys", n, "dated_before", cut)
	}
	return nil
}

// move gives the records their new paths batch by batch, a story's
// records in one transaction.
func (r *runner) move(ctx context.Context, moves [][]store.Move) error {
	total := 0
	for _, g := range moves {
		total += len(g)
	}
	return batches(ctx, r, moves, func(m store.Move) (string, string) { return m.From, m.To },
		func(batch []store.Move) error { return r.st.Move(ctx, batch) },
		func(groups [][]store.Move) {
			for _, g := range groups {
				if strings.HasPrefix(g[0].To, content.ArchiveDir) {
					r.sum.Stories++
				}
			}
			for _, m := range slices.Concat(groups...) {
				e := r.entries[m.From]
				delete(r.entries, m.From)
				e.Path, e.Archived = m.To, !e.Archived
				r.entries[m.To] = e
				if e.Archived {
					r.sum.Archived++
				} else {
					r.sum.Restored++
				}
			}
			r.opt.Log.Info("retention: moved news between _news/ and _archive/news/",
				"done", r.sum.Archived+r.sum.Restored, "of", total)
		})
}

// batches writes groups of items, whole groups a batch at a time (at least
// opt.Batch items unless the groups run out). A batch refused because
// records changed since they were read (or a target name was taken
// meanwhile) is written again without the groups of the records named;
// they are counted as left, to be looked at again next time. paths gives
// an item's record path and, for a move, its target.
func batches[T any](ctx context.Context, r *runner, groups [][]T, paths func(T) (string, string),
	write func([]T) error, done func([][]T)) error {
	for start := 0; start < len(groups); {
		var batch [][]T
		n := 0
		for ; start < len(groups) && n < r.opt.Batch; start++ {
			batch = append(batch, groups[start])
			n += len(groups[start])
		}
		for len(batch) > 0 {
			items := slices.Concat(batch...)
			err := write(items)
			var ce *store.ConflictError
			if !errors.As(err, &ce) {
				if err != nil {
					return fmt.Errorf("retention: %w", err)
				}
				if len(items) > 0 {
					r.sum.Writes++
				}
				done(batch)
				break
			}
			kept := without(batch, ce.Paths, paths, r.sum)
			if len(kept) == len(batch) {
				return fmt.Errorf("retention: %w", err) // names nothing of the batch
			}
			batch = kept
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// without returns batch less the groups holding an item a conflict names
// (by its path, or by the path a move would take), counting their items.
func without[T any](batch [][]T, named []string, paths func(T) (string, string), sum *Summary) [][]T {
	bad := map[string]bool{}
	for _, p := range named {
		bad[p] = true
	}
	kept := make([][]T, 0, len(batch))
	for _, g := range batch {
		var changed, taken int
		for _, it := range g {
			from, to := paths(it)
			switch {
			case bad[from]:
				changed++
			case to != "" && bad[to]:
				taken++
				sum.Taken = append(sum.Taken, from)
			}
		}
		if changed+taken == 0 {
			kept = append(kept, g)
			continue
		}
		sum.leave(ReasonChanged, changed)
		sum.leave(ReasonNameTaken, taken)
		sum.leave(ReasonWithStory, len(g)-changed-taken)
	}
	return kept
}

// sortedPaths returns the paths of entries in order, so decisions come in
// the same order every time.
func sortedPaths(entries map[string]*entry) []string {
	return slices.Sorted(maps.Keys(entries))
}
