// Package store defines where newshub keeps a hub's records and state, and
// the queries the rest of the program asks of it.
//
// Implementations (store/sqlite, later store/postgres) must pass the
// conformance suite in store/storetest. Writes are transactional: a batch
// given to Upsert is stored whole or not at all. A writer that computes
// what it writes from what it read uses UpsertIfUnchanged, which refuses
// records another writer changed in between.
package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"newshub/internal/model"
)

// ErrNotFound is returned when a record or state asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is matched (errors.Is) by the error of an UpsertIfUnchanged
// refused because records changed since they were read.
var ErrConflict = errors.New("changed by another writer since read")

// ConflictError is the error of an UpsertIfUnchanged refused because
// records of the batch changed, or went, since they were read. Nothing of
// the batch is written.
type ConflictError struct {
	Paths []string // every such record of the batch, in batch order
}

func (e *ConflictError) Error() string {
	const shown = 3
	list := strings.Join(e.Paths[:min(shown, len(e.Paths))], ", ")
	if len(e.Paths) > shown {
		list += fmt.Sprintf(" and %d more", len(e.Paths)-shown)
	}
	return fmt.Sprintf("%s %v", list, ErrConflict)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// Store keeps records and ingest state. All methods are safe for concurrent
// use; readers are never blocked by a writer for longer than a transaction.
type Store interface {
	// Upsert writes the records in one transaction, each keyed by its path:
	// a record whose path exists replaces it, whatever it holds now (an
	// edit, an import, a copy).
	Upsert(ctx context.Context, recs []*model.Record) error
	// UpsertIfUnchanged is Upsert for writers that computed the records
	// from what they read, such as curation. A record carrying a Version
	// (read from this store) is written only if the stored record at its
	// path still has that version. When any record of the batch does not
	// (another writer changed or deleted it since it was read), nothing is
	// written and it returns a *ConflictError naming each such record. A
	// record equal to the one stored (same bytes and value) is no
	// conflict, whatever its version: writing it would change nothing. A
	// record of Version 0 (a new one) is written as Upsert writes it.
	UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error
	// Get returns the record at a path, or ErrNotFound. Every read that
	// returns records (Get, Scan, ArticleByURL, News, Story, Search) sets
	// their Version.
	Get(ctx context.Context, path string) (*model.Record, error)
	// Delete removes the records at the given paths; missing paths are not
	// an error.
	Delete(ctx context.Context, paths ...string) error
	// Scan calls fn for every record of the given kinds (every kind when
	// none is given), in path order, stopping at the first error fn returns.
	Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error
	// ScanRaw is Scan without decoding values: fn gets each record's path,
	// kind and file bytes (a copy fn may keep), for callers such as export
	// that only write Raw.
	ScanRaw(ctx context.Context, kinds []model.Kind, fn func(path string, kind model.Kind, raw []byte) error) error
	// Count returns the number of records of each kind.
	Count(ctx context.Context) (map[model.Kind]int, error)
	// Generation returns a number that changes whenever anything is
	// written, so callers can cache what they derive from the store.
	Generation(ctx context.Context) (int64, error)

	// ArticleByURL returns the news record whose canonical URL or feed GUID
	// equals key, or ErrNotFound.
	ArticleByURL(ctx context.Context, key string) (*model.Record, error)
	// News lists news records matching q, ordered as q says.
	News(ctx context.Context, q NewsQuery) ([]*model.Record, error)
	// CountNews counts the news records matching q (Offset and Limit ignored).
	CountNews(ctx context.Context, q NewsQuery) (int, error)
	// Story returns every news record of a story, lead first, then by
	// quality descending. An unknown story has no records.
	Story(ctx context.Context, id string) ([]*model.Record, error)

	// Search runs a full-text query over news titles, excerpts and
	// publishers. A malformed query returns an error wrapping ErrBadQuery.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)

	// SourceStates returns the ingest state of every source ever fetched.
	SourceStates(ctx context.Context) ([]SourceState, error)
	// SourceState returns the ingest state of one source, or ErrNotFound.
	SourceState(ctx context.Context, url string) (SourceState, error)
	// PutSourceState stores the ingest state of a source.
	PutSourceState(ctx context.Context, s SourceState) error

	// Close releases the store.
	Close() error
}

// Order is the sort order of a news listing.
type Order int

// News orders.
const (
	ByTime    Order = iota // publishedDateTime descending, then path
	ByHeat                 // heat descending, then publishedDateTime descending
	ByQuality              // quality descending, then publishedDateTime ascending
)

// NewsQuery selects news records. Zero values select everything.
type NewsQuery struct {
	Topic         string // a topic name the record's topics contain
	Story         string // a story id
	PublishedOnly bool   // only published: true (story leads)
	// Public leaves out the records withheld from publication
	// (Article.Withheld: off topic, hidden by an editor, from a blocked
	// publisher or feed): what the public hub may show. Curation never
	// makes a withheld record a lead, so PublishedOnly implies it.
	Public bool
	// PinnedAt, when set, keeps only the records an editor pinned to the
	// top past that time (Article.PinnedUntil after it): the leads a
	// front page ranks first.
	PinnedAt      time.Time
	Archived      *bool     // nil: both; true: only _archive/news; false: only _news
	Since, Until  time.Time // publishedDateTime in [Since, Until)
	Order         Order
	Offset, Limit int // Limit 0: no limit
	// NoRaw leaves Record.Raw nil, for readers that need only the values
	// (a build reads every record once and never their file bytes).
	NoRaw bool
}

// ErrBadQuery marks a search query that cannot be parsed.
var ErrBadQuery = errors.New("bad search query")

// SearchQuery is a full-text search.
type SearchQuery struct {
	Text         string    // words the user typed; quoted phrases allowed
	Topic        string    // optional topic name
	Since, Until time.Time // optional publishedDateTime range
	// Public leaves out the records withheld from publication, as
	// NewsQuery.Public does: a public search sets it.
	Public        bool
	Offset, Limit int
	// RankLimit bounds the work of ranking a broad query: when more
	// records match, only the RankLimit matches stored last are ranked
	// and can be paged through. 0 means DefaultRankLimit; negative ranks
	// every match.
	RankLimit int
}

// DefaultRankLimit is the RankLimit of a query that gives none. Ranking
// costs about 2 µs a match in SQLite, so this keeps a search within about
// 10 ms however many articles it matches; a news reader narrows a broad
// search by topic or time rather than paging past the 200th page.
const DefaultRankLimit = 4000

// SearchResult is one page of search hits, best first, with the total.
type SearchResult struct {
	Total int // records matching (see Capped)
	// Ranked is how many of them were ranked, the ones pages reach: Total,
	// or the query's RankLimit when more match.
	Ranked int
	// Capped says Total stopped counting at the ranked matches and more
	// match: a store may do so when counting the rest would mean testing
	// each against a filter.
	Capped bool
	Hits   []*model.Record
}

// RankLimitOf returns the number of matches q ranks at most, or -1 for
// all.
func (q SearchQuery) RankLimitOf() int {
	switch {
	case q.RankLimit == 0:
		return DefaultRankLimit
	case q.RankLimit < 0:
		return -1
	}
	return q.RankLimit
}

// SourceState is what ingest remembers of one source between rounds.
type SourceState struct {
	URL          string
	ETag         string
	LastModified string
	LastFetch    time.Time // last attempt
	LastSuccess  time.Time
	LastStatus   string // e.g. "200 OK", "304 Not Modified", or the error
	Items        int    // articles stored from this source, in all
	Errors       int    // consecutive failures
	NextFetch    time.Time
	Interval     time.Duration // current adaptive interval
	Paused       bool          // too many failures: fetched no more until reset
	// LastRead is what the last read of the feed gave: its items, and
	// why each one not stored was not.
	LastRead ReadReport
}

// ReadReport is what one read of a feed gave.
type ReadReport struct {
	Items     int            `json:"items,omitempty"`     // items the feed held, readable or not
	New       int            `json:"new,omitempty"`       // of them, stored as new articles
	OffTopic  int            `json:"offTopic,omitempty"`  // of those, withheld as off the hub's topic
	Malformed string         `json:"malformed,omitempty"` // what was malformed and where, when the feed was read leniently
	NotStored map[string]int `json:"notStored,omitempty"` // items not stored, by reason
	// Drops lists the items not stored, each with its reason, except the
	// ones already stored under their own link (at most MaxDrops).
	Drops []Drop `json:"drops,omitempty"`
}

// IsZero reports whether the report holds nothing, so stores can keep
// an empty one as no value.
func (r ReadReport) IsZero() bool {
	return r.Items == 0 && r.New == 0 && r.OffTopic == 0 && r.Malformed == "" && len(r.NotStored) == 0 && len(r.Drops) == 0
}

// MaxDrops bounds ReadReport.Drops.
const MaxDrops = 200

// Drop is a feed item that was not stored, and why.
type Drop struct {
	URL    string `json:"url,omitempty"` // the item's link; "" when it has none
	GUID   string `json:"guid,omitempty"`
	Title  string `json:"title,omitempty"`
	Reason string `json:"reason"`           // "duplicate", "no usable link", ...
	Detail string `json:"detail,omitempty"` // the record it duplicates, where it is malformed, ...
}
