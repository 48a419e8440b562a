// Package ingest runs newshub's ingestion: it fetches the due sources
// (conditional GET, through the fetcher's guard, caps and per-host
// limits), parses their feeds, drops items already known (by canonical URL
// or feed GUID, in the store and across the feeds of the round), reads the
// article pages of new items for their metadata (robots.txt honoured),
// drops those whose page names the address of a known article, builds
// news records, has the curator place them and stores them. Every
// source's state is recorded every round, and the scheduler decides when
// each is fetched next.
//
// Work is spread over a pool of source workers; one writer goroutine
// curates and stores batches while the next results are gathered, and
// records a source's new state only once its articles are committed, so
// a crash never loses items behind a 304.
package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"path"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/curate"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/robots"
	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/metrics"
	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Defaults for the zero values of Options.
const (
	DefaultWorkers       = 64
	DefaultPageFetches   = 512
	DefaultBatchSize     = 25000
	DefaultExcerptLength = 200
	DefaultMaxNewItems   = 1000
	maxImages            = 3
)

// Options configure an Ingester.
type Options struct {
	// Fetch configures the HTTP client. Its UserAgent defaults to
	// "newshub/<Version> (+<site url>)"; AllowPrivateNetworks is taken from
	// the site configuration.
	Fetch   fetcher.Options
	Version string
	// Policy bounds the schedule (intervals, pause after failures).
	Policy scheduler.Policy
	// Workers is how many feeds are fetched and parsed at once.
	Workers int
	// PageFetches bounds the requests in flight at once over all hosts,
	// pages being parsed included (the fetcher's MaxInFlight, unless
	// that is set); twice as many sources read their article pages at
	// once. Each host also has the fetcher's own limits, which a request
	// waits for without holding one of these slots.
	PageFetches int
	// BatchSize is how many new records are gathered before a batch is
	// curated and stored in one transaction while sources are still
	// being read. A batch takes every record gathered meanwhile, up to
	// twice as many; past that, fetching waits for the writer. Curation
	// reads the stored window once per batch, so fewer, larger batches
	// cost less time, and the records held cost memory. With a store
	// that stages (store.Stager), the first batch and those while other
	// workers are at work are a 25th of it (see round.batchMin).
	BatchSize int
	// ExcerptLength bounds excerpts, in characters.
	ExcerptLength int
	// MaxNewItems bounds the new items a round takes of one feed; the
	// others are left for later rounds, counted as such. A busy real
	// feed gives tens at a time, and a new one's archive is taken over a
	// few rounds; a feed that gave 10,000 new items at every fetch, at
	// the shortest interval of five minutes, stored as many a round.
	MaxNewItems int
	// SkipPages leaves article pages unfetched (feed data only).
	SkipPages bool
	// IgnoreRobots fetches pages even where robots.txt forbids it (for
	// benchmarks against local servers; never for real sites).
	IgnoreRobots bool
	// All fetches every enabled, unpaused source, due or not (once a
	// round, whichever worker of the hub fetches it).
	All bool
	// LeaseTTL is how long a worker's lease on a source lasts unless
	// renewed (see DefaultLeaseTTL): after a worker dies, the others
	// wait this long before fetching its sources.
	LeaseTTL time.Duration
	// SiteDir is the site folder, read for _data/sources.yaml when the
	// store holds no sources list; retention moves its news files.
	SiteDir string
	// Retention, when set, is applied after every round (retention.Apply)
	// to the store and SiteDir; a round after which nothing can have
	// changed (no write since the last application, and no article aged
	// past a limit) skips it.
	Retention *retention.Policy
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// Log receives progress and failures; nil discards them.
	Log *slog.Logger
	// Metrics counts the rounds, fetches, items, pages, failed sources
	// and curation time; nil counts nothing.
	Metrics *metrics.Metrics
	// Curating, when set, is called with true when curation comes to run
	// alone: before a batch is curated and stored once the round's sources
	// are all read, when they are all read while a batch is curated, and
	// before retention is applied; and with false after each. Those run on
	// one core and hold a round's largest live heap (retention reads every
	// stored article), where reading sources holds thousands of
	// connections and parsers on all of them, and a batch curated
	// meanwhile competes with it: the ingest command lowers the soft
	// memory limit through it for the round's end alone.
	Curating func(on bool)
}

// Summary counts what one round did.
type Summary struct {
	Sources     int            // enabled sources listed
	Due         int            // fetched this round
	Fetched     int            // answered with a feed (200)
	NotModified int            // answered 304
	Failed      int            // fetch or parse failed
	NetworkOut  int            // of them, not reached while the hub's network was out: not counted against them
	HeldOff     int            // due, not asked: their host asked to wait (Retry-After)
	Paused      int            // paused sources (not fetched)
	Elsewhere   int            // due, but fetched by another worker meanwhile
	Items       int            // feed items seen, readable or not
	New         int            // new articles stored
	OffTopic    int            // of them, withheld as off the hub's topic
	Duplicates  int            // items already known (store or another feed)
	Skipped     int            // items not stored for another reason
	NotStored   map[string]int // items not stored, by reason (Reason...)
	Pages       map[string]int // article pages by outcome: "read", "failed", ...
	Written     int            // records written (new and re-curated)
	// Unread counts the pages left for a later round for want of their
	// host's turn, and those of earlier rounds read in this one.
	Unread Unread
	// Handed counts the new items handed to the worker holding the curate
	// lock (store.Stager): it stores them and counts them in its New.
	Handed int
	// Recurated counts the batches curated again because another writer
	// changed stored articles they had read (see curate.Commit).
	Recurated int
	Duration  time.Duration // wall time of the round
	// Retention is what retention did after the round; zero when it was
	// not applied.
	Retention retention.Summary
	// RetentionLeft says retention was left to the worker that stored
	// the new articles this one handed it last (see RunOnce).
	RetentionLeft bool
}

// Ingester fetches, parses and stores sources. It is safe to call RunOnce
// from one goroutine at a time.
type Ingester struct {
	site    *site.Site
	st      store.Store
	opts    Options
	fetch   *fetcher.Fetcher
	robots  *robots.Cache
	curator *curate.Curator
	index   index
	log     *slog.Logger
	now     func() time.Time
	agent   string
	holder  string // this worker, as it holds leases

	retained *retention.Summary // the last application of retention
	told     bool               // the last logged round was recalled (see recallLastRound)

	net Network // what the rounds told of the hub's own network

	holdsMu    sync.Mutex
	holdsSaved map[string]time.Time // the hosts' holds last recorded (see saveHolds)
}

// New returns an Ingester for the hub s kept in st.
func New(s *site.Site, st store.Store, opts Options) *Ingester {
	if opts.Workers <= 0 {
		opts.Workers = DefaultWorkers
	}
	if opts.PageFetches <= 0 {
		opts.PageFetches = DefaultPageFetches
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = DefaultBatchSize
	}
	if opts.LeaseTTL <= 0 {
		opts.LeaseTTL = DefaultLeaseTTL
	}
	if opts.ExcerptLength <= 0 {
		opts.ExcerptLength = DefaultExcerptLength
	}
	if opts.MaxNewItems <= 0 {
		opts.MaxNewItems = DefaultMaxNewItems
	}
	if opts.Version == "" {
		opts.Version = "dev"
	}
	if opts.Fetch.UserAgent == "" {
		opts.Fetch.UserAgent = UserAgent(opts.Version, s.Config.URL)
	}
	opts.Fetch.AllowPrivateNetworks = opts.Fetch.AllowPrivateNetworks || s.Config.AllowPrivateNetworks
	if opts.Fetch.MaxInFlight <= 0 {
		opts.Fetch.MaxInFlight = opts.PageFetches
	}
	log := opts.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	f := fetcher.New(opts.Fetch)
	opts.Metrics.ItemOutcomes(reasons...)
	return &Ingester{
		site: s, st: st, opts: opts, fetch: f, log: log, now: now, agent: "newshub", holder: holderID(),
		robots:  robots.NewCache(f, "newshub", 24*time.Hour),
		curator: curate.New(s, st, curate.Options{Now: now, SiteDir: opts.SiteDir, Log: log}),
	}
}

// UserAgent is the User-Agent newshub sends: product, version and the
// hub's address so a publisher knows who is calling.
func UserAgent(version, siteURL string) string {
	if siteURL == "" {
		return "newshub/" + version
	}
	return fmt.Sprintf("newshub/%s (+%s)", version, siteURL)
}

// Close releases idle connections.
func (in *Ingester) Close() { in.fetch.Close() }

// Run fetches due sources until ctx is done, sleeping until the next
// source is due (checking at least every minute for new sources, and
// again whenever another process writes to the store: see sleep). It
// returns nil when ctx is cancelled.
func (in *Ingester) Run(ctx context.Context) error {
	failed := 0 // rounds failed in a row
	changed := in.st.Watch(ctx)
	for {
		sum, err := in.RunOnce(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			failed++
			in.log.Error("ingest round failed", "err", err, "failed_in_a_row", failed)
		} else {
			failed = 0
		}
		if err == nil && sum.Due > 0 {
			in.log.Info("ingest round", "due", sum.Due, "new", sum.New, "not_modified", sum.NotModified,
				"failed", sum.Failed, "held_off", sum.HeldOff, "pages_left", sum.Unread.Kept, "pages_caught_up", sum.Unread.Read,
				"duration", sum.Duration.Round(time.Millisecond))
		}
		if sum.Due > 0 {
			// A round's garbage (fetched bodies, parsed feeds, pages) is
			// dead once it ends. Collected now, while the process idles,
			// it no longer sets the heap's next goal, so a long-running
			// hub holds what it keeps rather than what its last round
			// happened to leave, and the scavenger returns the rest.
			runtime.GC()
		}
		if !in.sleep(ctx, changed, failed) {
			return nil
		}
	}
}

// recheckEvery is how often at most a sleeping Run reads the sources list
// and states again after writes to the store: a hub whose other workers,
// editors or imports write all the time costs it one read a second.
const recheckEvery = time.Second

// sleep waits until the next round is due (see roundWait), and reports
// false when ctx is done first. A source added, enabled or resumed by
// another process (newshub sources, the admin area, an edit of the site
// folder taken in by serve) is a write to the store, which changed
// announces: the list and states are read again then, and the round is
// brought forward when a source falls due sooner, so it is read within a
// second or two rather than at the next check, up to a minute on. The
// generation is read before the states: a write after it is announced,
// one before it (the round's own) is not, and a write that moves no
// source sooner leaves the round where it was.
func (in *Ingester) sleep(ctx context.Context, changed <-chan int64, failed int) bool {
	select {
	case <-changed: // announced during the round: its own writes, or read below
	default:
	}
	gen, _ := in.st.Generation(ctx) // on failure, the first write announced is a change
	wait := roundWait(in.nextWake(ctx), in.now(), failed)
	in.log.Debug("ingest: next round", "in", wait)
	due := time.Now().Add(wait)
	t := time.NewTimer(wait)
	defer t.Stop()
	var recheck <-chan time.Time
	var checked time.Time
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
			return true
		case g, ok := <-changed:
			if !ok {
				changed = nil // ctx is done
				continue
			}
			if g != gen && recheck == nil {
				recheck = time.After(time.Until(checked.Add(recheckEvery)))
			}
			gen = g
		case <-recheck:
			recheck, checked = nil, time.Now()
			wait := roundWait(in.nextWake(ctx), in.now(), failed)
			if at := time.Now().Add(wait); at.Before(due) {
				in.log.Debug("ingest: a source changed in the store falls due sooner", "next_round_in", wait)
				due = at
				t.Reset(wait)
			}
		}
	}
}

// nextWake returns when the next source listed and enabled falls due,
// zero when none is known. The states of the sources disabled, and of
// those removed from the list until the next round forgets them, stay in
// the store with the time they were due when last fetched, past for good:
// counted, they woke Run every second for as long as it ran, to find
// nothing due. A source added, or resumed, while
// a round ran is due at once: it has no next fetch, or none set.
func (in *Ingester) nextWake(ctx context.Context) time.Time {
	list, err := sources.Load(ctx, in.st, in.opts.SiteDir)
	if err != nil {
		return time.Time{}
	}
	states, err := in.st.SourceStates(ctx)
	if err != nil {
		return time.Time{}
	}
	jobs := enabled(list, states)
	fetched := make([]store.SourceState, len(jobs))
	for i, j := range jobs {
		fetched[i] = j.state
	}
	return in.opts.Policy.NextWake(fetched, in.now())
}

// enabled returns the sources listed and enabled, each with its state:
// an empty one for a source never fetched.
func enabled(list *sources.List, states []store.SourceState) []job {
	byURL := make(map[string]store.SourceState, len(states))
	for _, s := range states {
		byURL[s.URL] = s
	}
	var out []job
	for _, src := range list.Sources() {
		if !src.IsEnabled() {
			continue
		}
		st, ok := byURL[src.URL]
		if !ok {
			st = store.SourceState{URL: src.URL}
		}
		out = append(out, job{src: src, state: st})
	}
	return out
}

// maxRoundWait is the longest Run sleeps between rounds: it reads the
// sources' states again at least this often.
const maxRoundWait = time.Minute

// roundWait is how long Run sleeps before the next round: until the next
// source is due (next, zero for none known), at least a second and at
// most maxRoundWait; after rounds that failed in a row (a store that
// refuses writes, a full disk), at least twice as long for each, so that
// a hub that cannot write does not start a round, and log its failure,
// every second while its sources stay due.
func roundWait(next, now time.Time, failed int) time.Duration {
	wait := maxRoundWait
	if !next.IsZero() {
		wait = min(max(next.Sub(now), time.Second), maxRoundWait)
	}
	if failed > 0 {
		wait = max(wait, min(time.Second<<min(failed, 6), maxRoundWait))
	}
	return wait
}

// RunOnce runs one round over the due sources, then retention, and
// returns what it did. Failures of single sources are recorded on their
// state and counted, not returned; the error is for what stops the round
// (the store failing). A round that fetched anything, or failed, is
// logged in the store (see Rounds).
//
// A worker whose last new articles went to the worker curating
// (store.Stager), which stored them after this one last wrote, leaves
// retention to that worker, which applies it after the round in which it
// stored them: workers sharing a hub end their rounds together, and would
// otherwise each apply it, one after the other under the curate lock,
// each reading every stored article.
func (in *Ingester) RunOnce(ctx context.Context) (Summary, error) {
	in.recallLastRound(ctx)
	started := in.now()
	sum, err := in.round(ctx)
	if err == nil && ctx.Err() == nil && !sum.RetentionLeft {
		err = in.retain(ctx, &sum)
	}
	if err != nil {
		// Here alone: the store's errors come from many steps of the
		// round, and some reached the log without it.
		err = fmt.Errorf("ingest: %w", err)
	}
	if sum.Due > 0 || err != nil {
		in.opts.Metrics.IngestRound(sum.measured(err))
		in.logRound(ctx, started, sum, err)
	}
	return sum, err
}

// retain applies the retention policy, unless nothing can have changed
// since it was last applied.
func (in *Ingester) retain(ctx context.Context, sum *Summary) error {
	pol := in.opts.Retention
	if pol == nil || pol.IsZero() {
		return nil
	}
	if last := in.retained; last != nil {
		gen, err := in.st.Generation(ctx)
		if err != nil {
			return err
		}
		if gen == last.Generation && (last.Next.IsZero() || in.now().Before(last.Next)) {
			return nil
		}
	}
	// Under the curate lock, no other ingest worker of the hub writes
	// while retention does, so the key index can follow what retention
	// did rather than read every stored record again. Other writers (an
	// import, an editor, the retention command) do not take the lock: the
	// index follows only when the generation moved by retention's writes
	// alone.
	var rs retention.Summary
	in.curating(true) // retention reads every stored article
	defer in.curating(false)
	err := in.st.Exclusive(ctx, curateLock, func(ctx context.Context) error {
		before, err := in.st.Generation(ctx)
		if err != nil {
			return err
		}
		if rs, err = retention.Apply(ctx, in.st, *pol, retention.Options{SiteDir: in.opts.SiteDir, Now: in.now, Log: in.log}); err != nil {
			return err
		}
		in.index.followRetention(before, rs)
		return nil
	})
	if err != nil {
		return err
	}
	rs.Gone = nil // followed: not held until the next run
	sum.Retention, in.retained = rs, &rs
	if rs.Archived+rs.Restored+rs.Purged+rs.Expired+rs.Files.Moved+rs.Files.Removed > 0 {
		in.log.Info("retention", "archived", rs.Archived, "restored", rs.Restored, "purged", rs.Purged, "keys_let_go", rs.Expired,
			"files_moved", rs.Files.Moved, "files_removed", rs.Files.Removed, "duration", rs.Elapsed.Round(time.Millisecond))
	}
	return nil
}

// tombstoneCut is the date before which retention lets the keys of
// purged articles go (retention.Policy.TombstoneCut): zero when it purges
// none.
func (in *Ingester) tombstoneCut() time.Time {
	if in.opts.Retention == nil {
		return time.Time{}
	}
	return in.opts.Retention.TombstoneCut(in.now())
}

func (in *Ingester) round(ctx context.Context) (Summary, error) {
	start := time.Now()
	var sum Summary
	list, err := sources.Load(ctx, in.st, in.opts.SiteDir)
	if err != nil {
		return sum, err
	}
	listed := make([]string, 0, len(list.Sources()))
	for _, src := range list.Sources() {
		listed = append(listed, fetcher.Masked(src.URL))
	}
	in.opts.Metrics.KeepSources(listed)
	states, err := in.st.SourceStates(ctx)
	if err != nil {
		return sum, err
	}
	in.forgetUnlisted(ctx, list, states)
	in.loadHolds(ctx)
	now := in.now()
	var due []job
	for _, j := range enabled(list, states) {
		sum.Sources++
		if j.state.Paused {
			sum.Paused++
			continue
		}
		if in.opts.All || in.opts.Policy.RoundTakes(j.state, now) {
			due = append(due, j)
		}
	}
	sum.Due = len(due)
	r := &round{in: in, began: now, claimed: map[string]*claimant{}, results: make(chan *result, in.opts.Workers),
		pageSources: make(chan struct{}, 2*in.opts.PageFetches),
		leases:      &leases{st: in.st, holder: in.holder, ttl: in.opts.LeaseTTL, held: map[string]bool{}}}
	r.queue = newQueue(r.batchMin(), 2*in.opts.BatchSize)
	if len(due) == 0 {
		// Nothing to fetch; but arrivals a worker staged and did not see
		// stored (it died) are stored now.
		err := r.storeStaged(ctx, map[string]bool{}, &sum)
		sum.Duration = time.Since(start)
		return sum, err
	}

	renewing, stopRenewing := context.WithCancel(ctx)
	renewed := make(chan struct{})
	go func() {
		defer close(renewed)
		r.leases.renew(renewing, func(lost []string, err error) {
			if err != nil {
				in.log.Warn("renewing source leases failed", "err", err)
			} else {
				in.log.Warn("source leases lost: another worker may fetch them too", "sources", lost)
			}
		})
	}()
	jobs := make(chan job)
	var wg sync.WaitGroup
	for range min(in.opts.Workers, len(due)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				t0 := time.Now()
				j, ok := <-jobs
				if !ok {
					return
				}
				r.idle.Add(int64(time.Since(t0)))
				if res := r.source(ctx, j); res != nil {
					r.results <- res
				}
			}
		}()
	}
	writerDone := make(chan error, 1)
	go func() { writerDone <- r.write(ctx, &sum) }()
	elsewhere, dispatchErr := r.dispatch(ctx, due, jobs)
	sum.Elsewhere = elsewhere
	close(jobs)
	wg.Wait()
	r.pending.Wait()
	in.log.Debug("sources read", "sources", len(due), "after", time.Since(start).Round(time.Millisecond),
		"workers_idle", time.Duration(r.idle.Load()).Round(time.Millisecond))
	// Every fetch of the round is done: the connections kept for the next
	// page of a host are of no more use while the last batch is curated,
	// and neither are the keys items claimed (tens of thousands in a
	// large round), which the curation of that batch would hold on to.
	in.fetch.Close()
	r.forgetClaims()
	r.alone.sourcesRead(in)
	close(r.results)
	err = <-writerDone
	stopRenewing()
	<-renewed
	// Leases of sources whose results were not committed (the round was
	// stopped, or the store failed): let other workers have them now.
	if err := r.leases.releaseAll(ctx); err != nil {
		in.log.Warn("releasing source leases failed: they expire", "err", err)
	}
	if err == nil {
		err = dispatchErr
	}
	if err == nil && ctx.Err() == nil && !in.opts.SkipPages {
		err = r.readUnread(ctx, bySourceURL(list), &sum)
	}
	sum.RetentionLeft = err == nil && r.handedLast && !r.unstageable
	sum.Duration = time.Since(start)
	return sum, err
}

// forgetUnlisted deletes the states of the sources no longer listed, and
// the keys the index knows from their last feeds. A source removed
// (sources remove, the admin area, an edit of the file) is done with:
// nothing reads its validators, failures, schedule or last read but
// explain's account of its last read's items, and kept, they were read by
// every round and every wake of Run for good. Listed again, it is
// fetched as a new source is, as sources add has it of one removed after
// failures (see sources.ForgetFailures); its articles and purged keys stay,
// so its feed does not bring them back. An empty list forgets nothing: a
// list gone (its file moved away) is likelier than every source removed.
func (in *Ingester) forgetUnlisted(ctx context.Context, list *sources.List, states []store.SourceState) {
	if len(list.Sources()) == 0 {
		return
	}
	listed := make(map[string]bool, len(list.Sources()))
	for _, src := range list.Sources() {
		listed[src.URL] = true // by the spelling states are kept under
	}
	in.index.keepFeeds(listed)
	var gone []string
	for _, s := range states {
		if !listed[s.URL] {
			gone = append(gone, s.URL)
		}
	}
	if len(gone) == 0 {
		return
	}
	n, err := in.st.DeleteSourceStates(ctx, gone...)
	if err != nil {
		in.log.Warn("ingest: the states of sources no longer listed are kept", "sources", len(gone), "err", err)
		return
	}
	shown := make([]string, 0, min(len(gone), maxForgottenShown))
	for _, u := range gone[:cap(shown)] {
		shown = append(shown, fetcher.Masked(u))
	}
	in.log.Info("ingest: forgot the states of sources no longer listed", "forgotten", n, "sources", shown)
}

// bySourceURL returns the sources listed, by address.
func bySourceURL(list *sources.List) map[string]model.Source {
	out := make(map[string]model.Source, len(list.Sources()))
	for _, src := range list.Sources() {
		out[src.URL] = src
	}
	return out
}

// maxForgottenShown bounds the addresses forgetUnlisted logs: the first
// round of a hub that removed thousands of sources over the years forgets
// them all at once.
const maxForgottenShown = 20

// job is one source to fetch.
type job struct {
	src   model.Source
	state store.SourceState
}

// result is what a source worker hands the writer: the source's new state
// and the records of its new articles.
type result struct {
	src       model.Source
	state     store.SourceState
	recs      []*model.Record
	cancelled bool // the round was stopped: nothing to record

	fetched, notModified, failed bool
	heldOff                      bool             // not asked: its host asked to wait (Retry-After)
	report                       store.ReadReport // of a fetched feed
	pages                        map[string]int   // page outcomes
	// unread are the pages of its new articles left for a later round,
	// kept once the articles are stored (see round.keepUnread).
	unread []store.UnreadPage

	// unreached marks a fetch that reached no server (fetcher.ErrUnreached),
	// failed with err at at: its state is recorded once the round knows
	// whether the hub's network was out (see round.settleNetwork), and
	// outage says it was.
	unreached, outage bool
	err               error
	at                time.Time

	// staged marks the arrivals of a source another worker staged (see
	// round.fromStaged): counted by that worker, stored by this one.
	staged bool
}

// round is the shared state of one RunOnce.
type round struct {
	in          *Ingester
	began       time.Time // by the ingester's clock: the sources' next fetches count from it
	results     chan *result
	pending     sync.WaitGroup // sources whose pages are being read
	pageSources chan struct{}  // bounds the sources reading pages at once

	// timedOut holds the hosts (as pageHost names them) that a page
	// request timed out on this round, or waited as long for its turn
	// at: their other pages are not asked for, each of which would wait
	// the timeout in turn, with the round and every other source's new
	// articles waiting on them.
	timedOut sync.Map

	indexOnce sync.Once // the index is built when a feed first has items
	indexErr  error

	leases        *leases // the sources this worker holds
	leaseFailures int     // failures in a row of asking for leases (dispatch's own)
	queue         *queue  // results waiting to be committed
	// inFlight counts the sources handed to the workers whose results
	// the writer has not yet had.
	inFlight atomic.Int64
	// awaiting says the dispatcher waits for sources other workers hold.
	awaiting atomic.Bool
	// shared says other workers were seen at work this round: sources
	// they held, the curate lock taken, arrivals they staged. committed
	// says a batch was committed. Both set batchMin.
	shared, committed atomic.Bool
	// alone tells Options.Curating when the round's curation has the
	// processor to itself.
	alone curationTurns
	// idle sums the time the source workers waited for a source to be
	// handed them (leased), for the log.
	idle atomic.Int64
	// storeFailures counts the sources not read as the store failed (see
	// notRead).
	storeFailures atomic.Int64

	// reached says a fetch of the round reached a server; unreached
	// holds the results of those that reached none until one does, or
	// the round ends (see round.hold). The writer alone uses them.
	reached   bool
	unreached []*result

	// unstageable is set once staged arrivals could not be stored: they
	// are left for a later round rather than tried again at every turn.
	// The committer alone uses it.
	unstageable bool
	// waitedLast is set once the committer waited for the other workers'
	// last batches (see awaitLast), for at most lastWait
	// (lastArrivalsBound when 0).
	waitedLast bool
	lastWait   time.Duration
	// turnTook is the longest this worker's turns of curation took this
	// round (see awaitLast). The committer alone uses it.
	turnTook time.Duration
	// handedLast is set while the last new articles this worker had were
	// handed to the worker curating rather than written by this one: at
	// the round's end another worker stored them after this one's last
	// write (a round ends with none of them staged). The committer alone
	// uses it.
	handedLast bool

	mu      sync.Mutex
	claimed map[string]*claimant // canonical URLs and GUIDs taken this round
}

// claimant is the item that took a key this round; alias marks a key it
// took as the canonical address its page names, not as its own.
type claimant struct {
	link, feed string
	alias      bool
}

// by names the claimant to the item with the given link, its feed's
// address masked: the reason is logged, and kept in the source's last
// read, which sources list and the admin area show.
func (by *claimant) by(link string) string {
	feed := fetcher.Masked(by.feed)
	if by.link == link {
		return "another item of " + feed + " with the same link and GUID"
	}
	return by.link + " (" + feed + ")"
}

// claim takes the candidate's keys for it this round. When another item
// has one of them already, it takes nothing and names that item.
func (r *round) claim(c *candidate, feed string) string {
	return r.claimKey(c.canon, c.item.Link, feed, c.guid)
}

// claimKey takes keys for the item with the given link, or names the item
// that has one of them already.
func (r *round) claimKey(key, link, feed string, more ...string) string {
	keys := append([]string{key}, more...)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, k := range keys {
		if by := r.claimed[k]; k != "" && by != nil {
			return by.by(link)
		}
	}
	who := &claimant{link: link, feed: feed}
	for _, k := range keys {
		if k != "" {
			r.claimed[k] = who
		}
	}
	return ""
}

// forgetClaims lets the round's claimed keys go once no item is read any
// more; a claim after it panics.
func (r *round) forgetClaims() {
	r.mu.Lock()
	r.claimed = nil
	r.mu.Unlock()
}

// claimCanonical takes the canonical address a page names (see
// pageCanonical) for the item with the given link, or names the item that
// has it already: the item whose own address it is, or one whose page
// names it too. Two pages of a site naming an address of that site that is
// neither's own are one article when both links end in that address's
// slug (an article under two sections, "/politics/levy-vote" and
// "/elections/levy-vote" for "/news/levy-vote"), not otherwise: a template
// names one address ("/all") for the pages of many feeds of its site (see
// pageCanonicals). Copies on other sites name their original's.
func (r *round) claimCanonical(pc, link, feed string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	by := r.claimed[pc]
	if by == nil {
		r.claimed[pc] = &claimant{link: link, feed: feed, alias: true}
		return ""
	}
	if by.alias && sameSite(pc, link) && sameSite(pc, by.link) && !(slugOf(pc, link) && slugOf(pc, by.link)) {
		return ""
	}
	return by.by(link)
}

// slugOf reports whether a link ends in the last segment of the path of
// an article's address, an extension aside ("levy-vote.html"). A segment
// that names no article by itself ("index.html", which the addresses of
// every article of some sites end in) is no slug.
func slugOf(article, link string) bool {
	a, err1 := url.Parse(article)
	l, err2 := url.Parse(link)
	if err1 != nil || err2 != nil {
		return false
	}
	slug := path.Base(strings.TrimRight(a.Path, "/"))
	last := path.Base(strings.TrimRight(l.Path, "/"))
	return slug != "." && slug != "/" && !curate.GenericSlug(slug) && (last == slug || strings.TrimSuffix(last, path.Ext(last)) == slug)
}

// sameSite reports whether two addresses are on one registrable domain.
func sameSite(a, b string) bool {
	return curate.RegistrableDomain(hostOf(a)) == curate.RegistrableDomain(hostOf(b))
}

// ensureIndex brings the index up to date once per round, on first need:
// a round of 304s never reads the stored news.
func (r *round) ensureIndex(ctx context.Context) error {
	r.indexOnce.Do(func() { r.indexErr = r.in.index.ensure(ctx, r.in.st) })
	return r.indexErr
}

// known returns the key, of keys, that a stored article is known by, and
// that article's path as stored says (see index.lookup: "" when the key
// was known from the source's last feed); key is "" when there is none.
// purged is then the path of an article known by one of the keys that was
// purged (of gone, the tombstones the index found), if any.
func known(stored, gone map[string]string, keys ...string) (path, key, purged string) {
	for _, k := range keys {
		if k == "" {
			continue
		}
		if p, ok := stored[k]; ok {
			return p, k, ""
		}
		if purged == "" {
			purged = gone[k]
		}
	}
	return "", "", purged
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}
