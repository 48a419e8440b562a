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
	"io/fs"
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

// ErrNewerSchema is matched (errors.Is) by the error of a store that
// refuses this program because a newer one migrated its schema. The
// refusal lasts until the program is upgraded: what meets it stops,
// rather than asks again as of a store that is busy.
var ErrNewerSchema = errors.New("the store's schema is newer than this program knows")

// NewerSchemaError is a store's refusal of a program older than its
// schema, in the store's words, which say it all in one line.
type NewerSchemaError struct {
	Msg string
}

func (e *NewerSchemaError) Error() string { return e.Msg }

// Is makes errors.Is(err, ErrNewerSchema) true.
func (e *NewerSchemaError) Is(target error) bool { return target == ErrNewerSchema }

// NewerSchema is the refusal to open a store whose schema version is
// current, past latest, the last this program knows.
func NewerSchema(current, latest int) error {
	return &NewerSchemaError{Msg: fmt.Sprintf("database schema version %d is newer than this program knows (%d): upgrade newshub", current, latest)}
}

// WriteErr wraps the error of the write op, but for a conflict, which
// callers match as it is.
func WriteErr(op string, err error) error {
	var ce *ConflictError
	if err == nil || errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("%s: %w", op, err)
}

// DefaultMode is the mode of a file whose mode no one recorded: export
// writes such a file so, and import records the modes of the others only,
// as nearly every file of a site has this one.
const DefaultMode fs.FileMode = 0o644

// Store keeps records and ingest state. All methods are safe for concurrent
// use; readers are never blocked by a writer for longer than a transaction.
type Store interface {
	// HubReader holds Generation, Get, Scan, News and ScanNews, and the
	// reads of the rest a hub holds (Count, Modes, Tombstones,
	// SourceStates, HostHolds, Rounds).
	HubReader

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
	// Delete removes the records at the given paths; missing paths are not
	// an error.
	Delete(ctx context.Context, paths ...string) error
	// ScanRaw is Scan without decoding values: fn gets each record's path,
	// kind and file bytes (a copy fn may keep), for callers such as export
	// that only write Raw.
	ScanRaw(ctx context.Context, kinds []model.Kind, fn func(path string, kind model.Kind, raw []byte) error) error
	// ScanHolding is Scan of only the records whose stored value holds
	// one of keys (names of the value's JSON object keys, as
	// "heldRelated"; see ValueKey), found without decoding the others:
	// what few records carry is read without decoding every record
	// (export's own values).
	ScanHolding(ctx context.Context, kinds []model.Kind, keys []string, fn func(*model.Record) error) error
	// SetModes records the permission bits of the files of records, by
	// path, as the site folder had them when imported (0600 on a config
	// holding a password, 0755 on a script kept in the site), replacing
	// what was recorded for those paths, so export writes them back so.
	SetModes(ctx context.Context, modes map[string]fs.FileMode) error

	// ArticleByURL returns the news record whose canonical URL or feed GUID
	// equals key, or ErrNotFound.
	ArticleByURL(ctx context.Context, key string) (*model.Record, error)
	// CountNews counts the news records matching q (Offset and Limit ignored).
	CountNews(ctx context.Context, q NewsQuery) (int, error)
	// Story returns every news record of a story, lead first, then by
	// quality descending. An unknown story has no records.
	Story(ctx context.Context, id string) ([]*model.Record, error)

	// Move gives records new paths in one transaction: each record keeps
	// its kind, file bytes and value, but for a news record's Archived,
	// which follows its new path (under _archive/ or not), and gets a new
	// version. When a record is not at its From path with the Version
	// given (another writer changed or deleted it since it was read), or
	// its To path holds a record or is the To of another move, nothing is
	// moved and it returns a *ConflictError naming each such path.
	Move(ctx context.Context, moves []Move) error
	// Purge deletes records and keeps the keys they were known by as
	// tombstones, in one transaction, so that ingest never stores them
	// again. A purge deletes the record at its path only if it still has
	// the Version given (read from this store): otherwise nothing is done
	// and it returns a *ConflictError naming each such path. A purge of
	// Version 0 deletes nothing and only keeps its keys (a copy of another
	// store's tombstones, whose paths may hold new records by now). A key
	// purged again is kept once, with the later purge.
	Purge(ctx context.Context, purges []Purge) error
	// Tombstone returns the tombstone of a purged key, or ErrNotFound.
	Tombstone(ctx context.Context, key string) (Tombstone, error)
	// PurgedKeys returns, of keys, those kept as tombstones, each with
	// the path of its purged article, in one look-up for the lot: ingest
	// asks it of a feed's new keys rather than hold every tombstone.
	PurgedKeys(ctx context.Context, keys []string) (map[string]string, error)
	// PurgedPaths returns those of paths that a tombstone names: paths
	// ingest does not give new articles.
	PurgedPaths(ctx context.Context, paths []string) ([]string, error)
	// ExpireTombstones deletes, in one transaction, the tombstones whose
	// Dated is set and before before, and returns how many it deleted;
	// those without a Dated stay. The Generation changes when one went.
	ExpireTombstones(ctx context.Context, before time.Time) (int, error)

	// Search runs a full-text query over news titles, excerpts and
	// publishers. A malformed query returns an error wrapping ErrBadQuery.
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)

	// SourceState returns the ingest state of one source, or ErrNotFound.
	SourceState(ctx context.Context, url string) (SourceState, error)
	// SourceStatesOf returns the ingest states of the sources at urls, by
	// URL as given, in one statement (a round trip to a server): what
	// SourceState returns for each, those with none left out.
	SourceStatesOf(ctx context.Context, urls ...string) (map[string]SourceState, error)
	// PutSourceState stores the ingest state of each source given, in one
	// transaction.
	PutSourceState(ctx context.Context, states ...SourceState) error
	// DeleteSourceStates forgets the ingest states of the sources at
	// urls, in one transaction, and returns how many it deleted; a URL
	// with none is passed over. The Generation changes when one was.
	DeleteSourceStates(ctx context.Context, urls ...string) (int, error)
	// PutHostHolds records such holds, by host, in one transaction: each
	// replaces the one recorded for its host unless that one ends later
	// (another process's). Those over by now, and those ending more than
	// MaxHostHold after it (stale), are forgotten, so a stale hold never
	// wins over a new one. Like the rounds' log, they are not hub data:
	// the Generation stays.
	PutHostHolds(ctx context.Context, holds map[string]time.Time, now time.Time) error
	// AddUnreadPages records article pages a round did not read for
	// want of their host's turn (a page already recorded keeps its
	// place), in one transaction, and keeps of each host's the newest
	// perHost (by Added, then URL): the older are dropped, and counted.
	// DeleteUnreadPages forgets the pages at urls, read or given up; a
	// URL with none is passed over. Like host holds, they are not hub
	// data: the Generation stays.
	AddUnreadPages(ctx context.Context, pages []UnreadPage, perHost int) (dropped int, err error)
	DeleteUnreadPages(ctx context.Context, urls ...string) error
	// UnreadPages returns the oldest perHost pages of each host (by Added,
	// then URL), by host and oldest first.
	UnreadPages(ctx context.Context, perHost int) ([]UnreadPage, error)

	// AddRound logs an ingest round, keeping the newest MaxRounds. The
	// log is not hub data: adding to it does not change the Generation.
	AddRound(ctx context.Context, r Round) error

	// SetCopyMark marks the store as the target of a copy (newshub copy)
	// under way, or clears the mark when m is nil. A copy sets it before
	// its first write and clears it once the copy is checked, so a store a
	// copy left half-filled (killed, stopped, failing its check) says so
	// to whatever opens it next, rather than pass for a whole hub. Like
	// the rounds' log, it is not hub data: the Generation stays.
	SetCopyMark(ctx context.Context, m *CopyMark) error
	// CopyMark returns the mark SetCopyMark left, nil when there is none.
	CopyMark(ctx context.Context) (*CopyMark, error)

	// Close releases the store.
	Close() error

	Shared
	Sessions
}

// Reader is the part of a Store a view of the hub is loaded through, which
// a Snapshotter offers at one snapshot.
type Reader interface {
	// Generation returns a number that changes whenever anything is
	// written, so callers can cache what they derive from the store.
	Generation(ctx context.Context) (int64, error)
	// Committed returns the generation with when it was committed, which
	// every process reading the store reads alike.
	Committed(ctx context.Context) (Commit, error)
	// Get returns the record at a path, or ErrNotFound. Every read that
	// returns records (Get, Scan, ArticleByURL, News, Story, Search) sets
	// their Version.
	Get(ctx context.Context, path string) (*model.Record, error)
	// Scan calls fn for every record of the given kinds (every kind when
	// none is given), in path order, stopping at the first error fn returns.
	Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error
	// News lists news records matching q, ordered as q says.
	News(ctx context.Context, q NewsQuery) ([]*model.Record, error)
	// ScanNews calls fn with the indexed fields of each news record q
	// selects, in q's order, without reading values or files: enough to
	// decide about many records at the cost of a few columns each.
	ScanNews(ctx context.Context, q NewsQuery, fn func(NewsEntry) error) error
}

// A Commit is a generation and when the write that made it committed, by
// the clock of the store (the database server's, or for a file the
// writer's), at the write's last statement. Its times never go back from
// one generation to the next.
type Commit struct {
	Generation int64
	At         time.Time
	// Prior is when the generation before it was committed: zero for
	// the first, or for one made before the store recorded it.
	Prior time.Time
}

// HubReader is a Reader of everything a hub holds, its records and the
// rest, as a copy reads it (newshub copy); a Snapshotter's and a
// SerialSnapshotter's snapshot offer it.
type HubReader interface {
	Reader
	// Modes returns the permission bits SetModes recorded, by path: of
	// the paths given, or of every path when none is.
	Modes(ctx context.Context, paths ...string) (map[string]fs.FileMode, error)
	// Count returns the number of records of each kind.
	Count(ctx context.Context) (map[model.Kind]int, error)
	// Tombstones calls fn for every tombstone, in key order.
	Tombstones(ctx context.Context, fn func(Tombstone) error) error
	// SourceStates returns the ingest state of every source ever fetched.
	SourceStates(ctx context.Context) ([]SourceState, error)
	// HostHolds returns the hosts that asked, by a Retry-After, to be left
	// alone until after now, with until when; a stale hold (ending more
	// than MaxHostHold after now) is none.
	HostHolds(ctx context.Context, now time.Time) (map[string]time.Time, error)
	// Rounds returns the newest logged rounds, newest first, at most
	// limit of them (none for a limit of 0 or less).
	Rounds(ctx context.Context, limit int) ([]Round, error)
}

// Snapshotter is a Store that can be read at one snapshot from several
// connections at once: every read of the Reader it gives sees the store
// as one generation left it, whatever is written meanwhile, so a view
// read with many queries in parallel holds that generation and no other.
// store/postgres implements it.
type Snapshotter interface {
	// Snapshot returns a reader of the store as it is now, and release,
	// which ends the snapshot and must be called once its reads are
	// over. The reader offers no writes; that of a Stager reads its
	// staged arrivals too (StagedReader).
	Snapshot(ctx context.Context) (r HubReader, release func(), err error)
}

// SerialSnapshotter is a Store that can be read at one snapshot, but on
// one connection: reads in parallel take turns on it, slower than on
// connections of their own. A reader that reads in parallel reads the
// store itself first, and the snapshot only when a write landed between
// its reads. store/sqlite implements it.
type SerialSnapshotter interface {
	// SerialSnapshot is Snapshot, its reads taking turns on one
	// connection.
	SerialSnapshot(ctx context.Context) (r HubReader, release func(), err error)
}

// ErrNoSnapshot is returned by OpenSnapshot for a store that can be read
// at no snapshot.
var ErrNoSnapshot = errors.New("the store cannot be read at one snapshot")

// OpenSnapshot returns a reader of st at one snapshot, on several
// connections (Snapshotter) or on one (SerialSnapshotter), and its
// release; an error wrapping ErrNoSnapshot for a store that offers none.
func OpenSnapshot(ctx context.Context, st Store) (HubReader, func(), error) {
	switch sn := st.(type) {
	case Snapshotter:
		return sn.Snapshot(ctx)
	case SerialSnapshotter:
		return sn.SerialSnapshot(ctx)
	}
	return nil, nil, fmt.Errorf("%w: a %T", ErrNoSnapshot, st)
}

// Space is how a store's database file is used.
type Space struct {
	File int64 // bytes of the database file, without its log
	Free int64 // bytes of its pages that hold nothing (the freelist)
}

// Spacer is a Store kept in one file of its own, which says how the
// file's pages are used: the file does not shrink when records go, which
// an operator watches (status, metrics). store/sqlite implements it.
type Spacer interface {
	Space(ctx context.Context) (Space, error)
}

// BulkLoader is a Store that can fill itself faster than by one Upsert
// after another when it is empty, as on a hub's first import: it stores
// rows first and builds its secondary and full-text indexes once, after.
type BulkLoader interface {
	// BulkLoad calls load once, when the store holds nothing (no records,
	// no source states) and it can load in bulk; load writes through the
	// Store (Upsert, UpsertIfUnchanged) and reads as usual, except that
	// Search may miss what it wrote until BulkLoad returns. When load
	// returns, failed or not, the store builds what it put off and is
	// whole again. A crash during the load leaves a store that the next
	// Open makes whole: it starts again empty, or finishes the indexes,
	// so importing again completes the load. BulkLoad returns ErrNotEmpty
	// or ErrNoBulk without calling load when it cannot; the caller then
	// writes as usual.
	//
	// The reads and writes of load may share one connection with each
	// other (store/sqlite's do, so reads keep the writer's cache), so they
	// must not overlap: no read or write inside the callback of a read
	// (Scan, ScanRaw, ScanNews, Tombstones...), nor from two goroutines
	// at once. A store may refuse such a call with an error rather than
	// wait for ever for the connection the open read holds.
	BulkLoad(ctx context.Context, load func(ctx context.Context) error) error
}

// ErrNotEmpty is returned by BulkLoad on a store that holds records.
var ErrNotEmpty = errors.New("store is not empty")

// ErrNoBulk is returned by BulkLoad when the store cannot load in bulk
// now, such as while another process has it open.
var ErrNoBulk = errors.New("cannot load in bulk now")

// Order is the sort order of a news listing.
type Order int

// News orders.
const (
	ByTime    Order = iota // publishedDateTime descending, then path
	ByHeat                 // heat descending, then publishedDateTime descending
	ByQuality              // quality descending, then publishedDateTime ascending
	// ByStorage is the order the store keeps records in: no order a
	// reader would choose, but the cheapest to read a large selection
	// in, for a scan that builds a set or an index (retention, ingest's
	// keys). Read in time order, a selection that arrived in batches
	// reads the file's pages in no order, one page for each record.
	ByStorage
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
	// Withheld keeps only the records withheld from publication: what
	// may have to leave what was published before, such as a newsletter
	// issue.
	Withheld bool
	// PinnedAt, when set, keeps only the records an editor pinned to the
	// top past that time (Article.PinnedUntil after it): the leads a
	// front page ranks first.
	PinnedAt time.Time
	// Unpublished keeps only the records that are not published: the
	// duplicates a story's lead stands for, and withheld news.
	Unpublished bool
	// StoryActiveSince, when set, keeps only the records of stories that
	// have a record published at or after it (publishedDateTime), whatever
	// that record's folder: the stories still current by their newest
	// article. Lone records (no story) are left out.
	StoryActiveSince time.Time
	Archived         *bool     // nil: both; true: only _archive/news; false: only _news
	Since, Until     time.Time // publishedDateTime in [Since, Until)
	Order            Order
	Offset, Limit    int // Limit 0: no limit
	// NoRaw leaves Record.Raw nil, for readers that need only the values
	// (a build reads every record once and never their file bytes).
	NoRaw bool
}

// NewsEntry is what a store indexes of a news record beside its value.
type NewsEntry struct {
	Path         string
	Version      int64
	Story        string
	Published    bool
	Archived     bool
	PublishedAt  time.Time // publishedDateTime, in UTC
	CanonicalURL string
	GUID         string
	OriginalURL  string
	PinnedUntil  time.Time // when an editor's pin of its story ends, in UTC; zero: not pinned
}

// Move is one record to give a new path (see Store.Move).
type Move struct {
	From, To string
	Version  int64 // the version read at From; 0 moves whatever From holds
}

// Purge is one record to delete and the keys to remember it by (see
// Store.Purge).
type Purge struct {
	Path    string
	Version int64     // the version read; 0 keeps the keys only
	Keys    []string  // canonical URL, GUID, link: what ingest knew it by
	At      time.Time // when it was purged
	// Dated is the article's date as its source gave it, which lets its
	// tombstones expire (see ExpireTombstones); zero keeps them for ever.
	Dated time.Time
}

// Tombstone is what a store keeps of a purged article: one key it was
// known by, where it was, when it went and its date (Purge.Dated).
type Tombstone struct {
	Key      string
	Path     string
	PurgedAt time.Time
	Dated    time.Time // zero: kept for ever
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

// CopyMark is the mark of a copy into a store that has not finished.
type CopyMark struct {
	From    string // the store copied, as the copy names it (no password)
	Started time.Time
}

// Shared is what lets several processes, on one machine or several, share
// one store: ingest workers lease the sources they fetch and take turns to
// curate, and servers hear of each new generation. Leases and locks are
// not records: taking them leaves the generation alone.
type Shared interface {
	// Lease claims for holder, until ttl from now by the store's clock,
	// each of names on which no other holder has a lease that has not
	// expired, and returns the names claimed, in the order given. A lease
	// holder has already is renewed. Leases outlive the process that
	// took them: a holder that dies loses them when they expire.
	Lease(ctx context.Context, holder string, ttl time.Duration, names ...string) ([]string, error)
	// Release ends holder's leases on names; other holders' are kept.
	Release(ctx context.Context, holder string, names ...string) error
	// Exclusive runs fn while holding the lock called name, which no
	// other process or handle of the store holds at the same time; it
	// waits for the lock until ctx is done. The lock is released when fn
	// returns, or when the process holding it dies.
	Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) error
	// Watch sends the generation on the channel it returns once it is
	// watching, and again each time a write changes it (a write of any
	// process), until ctx is done, when it closes the channel. A reader
	// that falls behind gets the latest generation, not every one.
	Watch(ctx context.Context) <-chan int64
}

// StagedReader reads the arrivals a Stager staged.
type StagedReader interface {
	// Staged returns every staged arrival, in the order staged.
	Staged(ctx context.Context) ([]Staged, error)
}

// Stager is a Store through which an ingest worker that finds the curate
// lock taken hands its arrivals to the worker holding it, rather than wait
// for a turn of its own: each turn reads the stored window once, so one
// turn over everyone's arrivals costs less than a turn each.
// store/postgres implements it.
type Stager interface {
	StagedReader
	// TryExclusive is Exclusive without waiting: when another process
	// holds the lock it returns false without calling fn.
	TryExclusive(ctx context.Context, name string, fn func(ctx context.Context) error) (bool, error)
	// Stage keeps arrivals (news records not yet curated, without paths)
	// and stores the states of their sources, in one transaction: once it
	// returns, the sources are read and their arrivals the hub's to store,
	// whatever becomes of the worker that staged them.
	Stage(ctx context.Context, arrivals []Staged, states ...SourceState) error
	// HasStaged reports whether any arrival is staged.
	HasStaged(ctx context.Context) (bool, error)
	// Unstage deletes staged arrivals by ID and stores the states given,
	// in one transaction.
	Unstage(ctx context.Context, ids []int64, states ...SourceState) error
}

// Staged is an arrival kept by Stager.Stage: its record and the URL of the
// source it came from.
type Staged struct {
	ID     int64 // given by Stage
	Source string
	Record *model.Record
}

// Round is one ingest round as logged: when it started and its summary,
// JSON the store keeps without reading it (ingest owns its shape). Every
// process that ingests into a store logs its rounds there, so an operator
// sees them all, after restarts too.
type Round struct {
	Started time.Time
	Summary []byte
}

// MaxRounds bounds the round log.
const MaxRounds = 500

// ClockSkew is how far the clocks of a hub's workers may be apart.
const ClockSkew = time.Hour

// MaxRetryAfter is the longest wait a Retry-After is taken for, in
// seconds or as a date: a date years away (a server's clock or template
// gone wrong) would leave its host's every feed unasked for as long.
const MaxRetryAfter = 7 * 24 * time.Hour

// An UnreadPage is an article page an ingest round did not read for want
// of its host's turn: its article was stored from its feed alone, and a
// later round reads the page to complete it.
type UnreadPage struct {
	URL     string // the page's address: the item's link
	Article string // the key the article is stored under (its canonical URL)
	Source  string // the feed that gave the item
	Host    string // the page's host, port included, lower case
	Added   time.Time
}

// MaxHostHold is how far past now a host hold may end: the longest
// Retry-After, give or take how far the workers' clocks may be apart. A
// hold ending further off was taken on a clock set ahead, since put
// right, or another worker's: it is none, and kept to it would leave the
// host alone for as long.
const MaxHostHold = MaxRetryAfter + ClockSkew
