package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/metrics"
	"newshub/internal/model"
	"newshub/internal/store"
)

// write is the round's writer. It gathers the workers' results into a
// queue while a committer works through it: per batch it gives new records
// their paths, has the curator place them, stores them in one transaction
// and only then records the sources' new states. Gathering goes on while a
// batch is curated, so fetching never waits on the store; a batch takes
// every result queued meanwhile, because curating costs the stored window
// once per batch whatever its size. Once the round is cancelled it commits
// nothing more: sources whose results were not committed keep their old
// state and are fetched again in full next time.
func (r *round) write(ctx context.Context, sum *Summary) error {
	q := r.queue
	done := make(chan error, 1)
	go func() { done <- r.commitQueued(ctx, q, sum) }()
	for res := range r.results {
		if r.inFlight.Add(-1) == 0 && r.awaiting.Load() {
			r.in.log.Debug("every source taken is read")
			q.hurry() // see waiter.wait
		}
		if res.cancelled || ctx.Err() != nil {
			continue // drain, so the senders finish
		}
		if r.hold(res, q) {
			continue
		}
		q.put(res)
	}
	if ctx.Err() == nil {
		r.settleNetwork(q)
	}
	q.close()
	return <-done
}

// queue holds results gathered and not yet committed. put blocks while
// max records wait (the committer is behind: fetching waits rather than
// memory growing); take waits for min records, or for the end, or, once
// hurried, for anything.
type queue struct {
	done     chan struct{} // closed with the queue
	mu       sync.Mutex
	ready    *sync.Cond
	min, max int
	items    []*result
	nrecs    int
	closed   bool
	hurried  bool
}

func newQueue(min, max int) *queue {
	q := &queue{min: min, max: max, done: make(chan struct{})}
	q.ready = sync.NewCond(&q.mu)
	return q
}

// hurry has take return whatever is queued from now on, rather than wait
// for a batch: the round's last results are committed as they come, so
// the leases of their sources are released without waiting for the end.
func (q *queue) hurry() { q.set(&q.hurried) }

// setMin has take wait for min records (or sources) from now on.
func (q *queue) setMin(min int) {
	q.mu.Lock()
	q.min = min
	q.ready.Broadcast()
	q.mu.Unlock()
}

func (q *queue) set(flag *bool) {
	q.mu.Lock()
	*flag = true
	q.ready.Broadcast()
	q.mu.Unlock()
}

func (q *queue) put(res *result) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.nrecs >= q.max {
		q.ready.Wait()
	}
	q.items = append(q.items, res)
	q.nrecs += len(res.recs)
	q.ready.Broadcast()
}

func (q *queue) close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		close(q.done)
	}
	q.closed = true
	q.ready.Broadcast()
}

// take returns every queued result once there are enough records (or
// sources: their states are worth recording too), or any once hurried, or
// when the queue is closed; nil when it is closed and empty.
func (q *queue) take() []*result {
	if !q.await() {
		return nil
	}
	return q.takeNow()
}

// await waits until take would return, and reports whether it would
// return a batch: false once the queue is closed and empty.
func (q *queue) await() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.closed && q.nrecs < q.min && len(q.items) < q.min && !(q.hurried && len(q.items) > 0) {
		q.ready.Wait()
	}
	return len(q.items) > 0
}

// takeNow returns every queued result, without waiting.
func (q *queue) takeNow() []*result {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.items
	q.items, q.nrecs = nil, 0
	q.ready.Broadcast()
	return out
}

// commitQueued commits the queued results batch by batch until the queue
// is closed and empty.
func (r *round) commitQueued(ctx context.Context, q *queue, sum *Summary) error {
	var firstErr error
	paths := map[string]bool{} // paths given this round
	for q.await() {
		if ctx.Err() != nil {
			q.takeNow() // drain, so put never blocks
			continue
		}
		if err := r.commit(ctx, q, paths, sum); err != nil && firstErr == nil && ctx.Err() == nil {
			firstErr = err
		}
		r.committed.Store(true)
		q.setMin(r.batchMin())
	}
	if err := r.storeStaged(ctx, paths, sum); err != nil && firstErr == nil && ctx.Err() == nil {
		firstErr = err
	}
	return firstErr
}

// storeStaged ends a round with no arrival left staged: those this worker
// staged, which the holder of the curate lock may still be curating, and
// those of a worker that died before they were stored. It waits for the
// lock while any is staged, and stores what it then finds.
func (r *round) storeStaged(ctx context.Context, paths map[string]bool, sum *Summary) error {
	sg, ok := r.in.st.(store.Stager)
	if !ok || ctx.Err() != nil || r.unstageable {
		return nil
	}
	has, err := sg.HasStaged(ctx)
	if err != nil || !has {
		return err
	}
	return r.commitTurn(ctx, sg, r.queue, paths, sum)
}

func (r *round) count(res *result, sum *Summary) {
	switch {
	case res.failed:
		sum.Failed++
		if res.outage {
			sum.NetworkOut++
		}
	case res.heldOff:
		sum.HeldOff++
	case res.notModified:
		sum.NotModified++
	case res.fetched:
		sum.Fetched++
	}
	for outcome, n := range res.pages {
		if sum.Pages == nil {
			sum.Pages = map[string]int{}
		}
		sum.Pages[outcome] += n
	}
}

// sharedBatchShare is the part of Options.BatchSize a batch waits for
// while other workers are at work (see batchMin).
const sharedBatchShare = 25

// batchMin is how many records (or sources) a batch waits for. With a
// store that stages, where workers may share the hub, the first batch is
// small, and so are the rest once other workers are seen at work: their
// turns, each over what every worker gathered meanwhile, then run while
// the sources are read, where in batches of Options.BatchSize the workers'
// arrivals waited for one turn at the end of the round (7,700 of a round's
// 10,000 over three workers). A worker alone finds no other's arrivals
// staged nor the curate lock taken at its first batch, and gathers
// Options.BatchSize from then on.
func (r *round) batchMin() int {
	if _, ok := r.in.st.(store.Stager); ok && (!r.committed.Load() || r.shared.Load()) {
		return max(r.in.opts.BatchSize/sharedBatchShare, 1)
	}
	return r.in.opts.BatchSize
}

// countItems adds what a committed source's feed gave to the summary.
func countItems(rep store.ReadReport, sum *Summary) {
	sum.Items += rep.Items
	for reason, n := range rep.NotStored {
		if sum.NotStored == nil {
			sum.NotStored = map[string]int{}
		}
		sum.NotStored[reason] += n
		if reason == ReasonKnown || reason == ReasonKnownPage || reason == ReasonDuplicate || reason == ReasonPurged {
			sum.Duplicates += n
		} else {
			sum.Skipped += n
		}
	}
}

// commit stores one batch, holding the store's curate lock from the
// moment the batch is given paths until its sources' states are recorded:
// other workers of the hub curate and write in turn, so each curates
// against what the others stored (a story never gets two leads, an
// article is never stored twice) and no path is given twice. The batch is
// what is queued once the lock is held: results gathered while another
// worker held it join this batch rather than make one of their own, which
// would read the stored window again. Then it releases the leases of the
// batch's sources. When the records cannot be stored, the sources whose
// items were in it are recorded as failed and their validators dropped,
// so the next round fetches those items again.
//
// A store that can stage arrivals (store.Stager) spares the wait and the
// turn: when another worker holds the lock, the batch is staged with its
// sources' states and the holder stores it in its turn (see turn).
func (r *round) commit(ctx context.Context, q *queue, paths map[string]bool, sum *Summary) error {
	sg, ok := r.in.st.(store.Stager)
	if !ok {
		return r.commitTurn(ctx, nil, q, paths, sum)
	}
	asked := time.Now()
	ran, recorded, err := r.tryTurn(ctx, sg, q, paths, sum)
	if err == nil && !ran {
		r.shared.Store(true)
		batch := q.takeNow()
		recorded, err = r.stage(ctx, sg, batch, sum)
		r.in.log.Debug("batch staged for the worker curating", "sources", len(batch), "took", time.Since(asked).Round(time.Millisecond))
	}
	if rerr := r.leases.release(ctx, recorded...); rerr != nil {
		r.in.log.Warn("releasing source leases failed: they expire", "err", rerr)
	}
	if err != nil {
		return err
	}
	// The holder looks at the staged arrivals once more after it leaves
	// (see stage): a worker that staged while it held the lock and found
	// it taken is then sure they are stored.
	for range 3 {
		if has, err := sg.HasStaged(ctx); err != nil || !has || r.unstageable {
			return nil
		}
		ran, recorded, err := r.tryTurn(ctx, sg, q, paths, sum)
		if rerr := r.leases.release(ctx, recorded...); rerr != nil {
			r.in.log.Warn("releasing source leases failed: they expire", "err", rerr)
		}
		if err != nil || !ran {
			return err
		}
	}
	return nil
}

// tryTurn takes a turn (see turn) if the curate lock is free, and reports
// whether it did and the sources of this worker whose states it recorded.
func (r *round) tryTurn(ctx context.Context, sg store.Stager, q *queue, paths map[string]bool, sum *Summary) (ran bool, recorded []string, err error) {
	ran, err = sg.TryExclusive(ctx, curateLock, func(ctx context.Context) error {
		var err error
		recorded, err = r.turn(ctx, sg, q, paths, sum)
		return err
	})
	return ran, recorded, err
}

// commitTurn waits for the curate lock and takes a turn (see turn), then
// releases the leases of the sources it recorded.
func (r *round) commitTurn(ctx context.Context, sg store.Stager, q *queue, paths map[string]bool, sum *Summary) error {
	var recorded []string
	asked := time.Now()
	had := false
	err := r.in.st.Exclusive(ctx, curateLock, func(ctx context.Context) error {
		had = true
		r.in.log.Debug("curate lock taken", "waited", time.Since(asked).Round(time.Millisecond))
		var err error
		recorded, err = r.turn(ctx, sg, q, paths, sum)
		return err
	})
	if !had {
		// The lock was not had: the batch is given up, as a batch that
		// cannot be stored is; its sources' leases expire or are
		// released at the end of the round.
		for _, res := range q.takeNow() {
			r.count(res, sum)
		}
	}
	if rerr := r.leases.release(ctx, recorded...); rerr != nil {
		r.in.log.Warn("releasing source leases failed: they expire", "err", rerr)
	}
	return err
}

// curating tells Options.Curating, if set, that curation alone runs
// from now on (on), or no longer.
func (in *Ingester) curating(on bool) {
	if f := in.opts.Curating; f != nil {
		f(on)
	}
}

// curationTurns tells Options.Curating when a round's curation runs
// alone: from a batch's start once the sources are read, or from the
// moment they are all read when a batch is curated then, to the batch's
// end. A batch curated while sources are still read keeps the fetch's
// memory limit: under curation's, the two together had the collector run
// all the time; the rest of it, once they are read, does not.
type curationTurns struct {
	mu       sync.Mutex
	read     bool // the round's sources are all read
	curating bool // a batch is being curated and stored
	told     bool // Curating(true) was the last call
}

// batch notes that a batch's curation begins (on) or has ended.
func (c *curationTurns) batch(in *Ingester, on bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.curating = on
	c.tell(in)
}

// sourcesRead notes that the round's sources are all read.
func (c *curationTurns) sourcesRead(in *Ingester) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.read = true
	c.tell(in)
}

func (c *curationTurns) tell(in *Ingester) {
	if alone := c.read && c.curating; alone != c.told {
		c.told = alone
		in.curating(alone)
	}
}

// turn commits, under the curate lock, what the queue holds and, with a
// store that stages, the arrivals other workers staged, and again while
// more are staged meanwhile: one turn stores what would otherwise take
// one each. It returns the URLs of this worker's sources whose states it
// recorded.
func (r *round) turn(ctx context.Context, sg store.Stager, q *queue, paths map[string]bool, sum *Summary) ([]string, error) {
	var recorded []string
	for i := 0; ; i++ {
		r.awaitLast(ctx, sg, q)
		var (
			more []*result
			ids  []int64
		)
		if sg != nil && !r.unstageable {
			var err error
			if more, ids, err = r.takeStaged(ctx, sg); err != nil {
				r.in.log.Warn("reading staged arrivals failed: left for a later turn", "err", err)
			}
		}
		if len(ids) > 0 {
			r.shared.Store(true)
		}
		if i > 0 && len(ids) == 0 {
			// Past the first batch, only staged arrivals keep the turn
			// going: what this worker gathered meanwhile goes in its next.
			return recorded, nil
		}
		batch := q.takeNow()
		for _, res := range batch {
			r.count(res, sum)
		}
		batch = append(batch, more...)
		if len(batch) == 0 {
			return recorded, nil
		}
		r.in.log.Debug("curating", "sources", len(batch), "staged", len(ids))
		r.alone.batch(r.in, true)
		t0 := time.Now()
		rec, err := r.commitLocked(ctx, batch, paths, sum, ids)
		r.turnTook = max(r.turnTook, time.Since(t0))
		r.alone.batch(r.in, false)
		recorded = append(recorded, rec...)
		if err != nil {
			if len(ids) > 0 {
				r.unstageable = true
			}
			return recorded, err
		}
		if sg == nil {
			return recorded, nil
		}
	}
}

// lastArrivalsWait and maxLastArrivalsWait bound how long a holder of
// the curate lock waits for the other workers' last batches (see
// awaitLast): as long as a turn of its own took this round, within these.
// A batch that misses the turn needs one more, which reads the stored
// window again: waiting for it costs less than that turn, up to the turn's
// own length.
const (
	lastArrivalsWait    = time.Second
	maxLastArrivalsWait = 10 * time.Second
)

// lastArrivalsBound is how long a holder whose longest turn this round
// took turnTook waits for the other workers' last batches.
func lastArrivalsBound(turnTook time.Duration) time.Duration {
	return min(max(turnTook, lastArrivalsWait), maxLastArrivalsWait)
}

// awaitLast has the holder of the curate lock, once it has asked for every
// due source and waits only for those in flight, its own and other
// workers', wait in its turn for the round's end (the queue closes once
// each source is read by someone), up to lastArrivalsBound. The workers
// end their rounds at about the same time: their last batches, staged
// meanwhile, then join this turn rather than need one more. It waits once
// a round.
func (r *round) awaitLast(ctx context.Context, sg store.Stager, q *queue) {
	if sg == nil || r.unstageable || r.waitedLast || !r.awaiting.Load() {
		return
	}
	r.waitedLast = true
	t0 := time.Now()
	t := time.NewTimer(cmp.Or(r.lastWait, lastArrivalsBound(r.turnTook)))
	defer t.Stop()
	select {
	case <-q.done:
	case <-t.C:
	case <-ctx.Done():
	}
	r.in.log.Debug("waited for the other workers' last batches", "took", time.Since(t0).Round(time.Millisecond))
}

// takeStaged reads the staged arrivals as results (see fromStaged), with
// their IDs.
func (r *round) takeStaged(ctx context.Context, sg store.Stager) ([]*result, []int64, error) {
	staged, err := sg.Staged(ctx)
	if err != nil || len(staged) == 0 {
		return nil, nil, err
	}
	more, err := r.fromStaged(ctx, staged)
	if err != nil {
		return nil, nil, err
	}
	// Paths are given and stored news followed with the index, which a
	// worker that had no feed with items this round has not read yet.
	if err := r.ensureIndex(ctx); err != nil {
		return nil, nil, err
	}
	ids := make([]int64, len(staged))
	for i, s := range staged {
		ids[i] = s.ID
	}
	return more, ids, nil
}

// stage hands a batch to the worker holding the curate lock: its new
// records are staged and its sources' states recorded (store.Stager.Stage),
// so the sources count as read and their leases can go. The items stay
// uncounted as new here; the holder counts them when it stores them. It
// returns the URLs of the sources whose states it recorded.
func (r *round) stage(ctx context.Context, sg store.Stager, batch []*result, sum *Summary) ([]string, error) {
	in := r.in
	var arrivals []store.Staged
	states := make([]store.SourceState, 0, len(batch))
	for _, res := range batch {
		r.count(res, sum)
		st := res.state
		if res.failed && !res.outage {
			in.opts.Metrics.SourceFailed(fetcher.Masked(st.URL))
		}
		if res.fetched {
			st.LastRead = res.report
			countItems(res.report, sum)
		}
		for _, rec := range res.recs {
			arrivals = append(arrivals, store.Staged{Source: res.src.URL, Record: rec})
		}
		sum.Handed += len(res.recs)
		res.recs = nil
		states = append(states, st)
	}
	if err := sg.Stage(context.WithoutCancel(ctx), arrivals, states...); err != nil {
		sum.Handed -= len(arrivals)
		return nil, fmt.Errorf("stage %d new records: %w", len(arrivals), err)
	}
	if len(arrivals) > 0 {
		r.handedLast = true
	}
	r.keepUnread(ctx, batch, sum)
	recorded := make([]string, len(states))
	for i, st := range states {
		recorded[i] = st.URL
	}
	return recorded, nil
}

// fromStaged turns staged arrivals into results, one a source, as if this
// worker had fetched them: commitLocked stores them with its own and then
// adds what became of them to their sources' states (which their worker
// recorded when it staged them).
func (r *round) fromStaged(ctx context.Context, staged []store.Staged) ([]*result, error) {
	states, err := r.in.st.SourceStates(ctx)
	if err != nil {
		return nil, err
	}
	byURL := make(map[string]store.SourceState, len(states))
	for _, st := range states {
		byURL[st.URL] = st
	}
	var out []*result
	of := map[string]*result{}
	for _, s := range staged {
		res := of[s.Source]
		if res == nil {
			st, ok := byURL[s.Source]
			if !ok {
				st = store.SourceState{URL: s.Source}
			}
			res = &result{src: model.Source{URL: s.Source}, state: st, report: st.LastRead, fetched: true, staged: true}
			// What this worker stores of them is counted afresh.
			res.report.New, res.report.OffTopic = 0, 0
			of[s.Source] = res
			out = append(out, res)
		}
		res.recs = append(res.recs, s.Record)
	}
	return out, nil
}

// commitLocked is commit under the lock. It returns the URLs of this
// worker's sources whose new state it recorded. The staged arrivals among
// the batch (ids) are unstaged with the states once stored, and left
// staged when they cannot be.
func (r *round) commitLocked(ctx context.Context, batch []*result, paths map[string]bool, sum *Summary, ids []int64) ([]string, error) {
	in := r.in
	gen, err := in.st.Generation(ctx)
	if err != nil {
		return nil, err
	}
	// Unless the index has seen every write so far, another writer wrote.
	current := in.index.current(gen)
	var recs []*model.Record
	for _, res := range batch {
		for _, rec := range res.recs {
			p, err := r.freePath(rec.Article, paths)
			if err != nil {
				return nil, err
			}
			rec.Path = p
			recs = append(recs, rec)
		}
	}
	if err := r.placeAll(ctx, recs, paths); err != nil {
		return nil, err
	}
	var storeErr error
	kept := map[*model.Record]bool{}
	if len(recs) > 0 {
		t0 := time.Now()
		// Curated and stored over the stored records curation read: one
		// another writer changed meanwhile (an edit, an import) makes the
		// batch curated again rather than overwritten.
		out, attempts, err := in.curator.Commit(ctx, recs)
		in.opts.Metrics.Curated(metrics.CurateArrival, time.Since(t0))
		sum.Recurated += attempts - 1
		if err != nil && ctx.Err() != nil {
			return nil, err // stopped while curating: nothing written, nothing recorded
		}
		rejected := rejections(err)
		if len(rejected) > 0 {
			err = nil // the rest is stored; the rejected are reported
		}
		in.log.Debug("batch stored", "records", len(recs), "written", len(out), "took", time.Since(t0))
		if err != nil {
			storeErr = fmt.Errorf("store %d new records: %w", len(recs), err)
			in.log.Error("store failed", "records", len(recs), "err", err)
		} else {
			for _, rec := range out {
				kept[rec] = true
			}
			if len(out) > 0 {
				r.handedLast = false
			}
			for _, res := range batch {
				in.index.add(res.src.URL, keptOf(res, kept))
				r.settle(res, kept, rejected)
				sum.New += res.report.New
				sum.OffTopic += res.report.OffTopic
			}
			sum.Written += len(out)
		}
	}
	now := in.now()
	states := make([]store.SourceState, 0, len(batch))
	for _, res := range batch {
		st := res.state
		if res.staged {
			if storeErr == nil {
				// Its worker recorded the rest when it staged them.
				st.Items += res.report.New
				st.LastRead = res.report
				states = append(states, st)
			}
			res.recs = nil
			continue
		}
		if storeErr != nil && len(res.recs) > 0 {
			st.ETag, st.LastModified = "", ""
			in.opts.Policy.NotRead(&st, now, storeErr)
			in.opts.Metrics.SourceFailed(fetcher.Masked(st.URL))
		} else {
			if res.failed && !res.outage {
				in.opts.Metrics.SourceFailed(fetcher.Masked(st.URL))
			}
			st.Items += res.report.New
			if res.fetched {
				st.LastRead = res.report
				countItems(res.report, sum)
			}
		}
		// The records are stored: only the state is needed from here.
		res.recs = nil
		states = append(states, st)
	}
	if storeErr != nil {
		ids = nil // left staged, for a later turn
	} else {
		r.keepUnread(ctx, batch, sum)
	}
	if err := r.recordStates(context.WithoutCancel(ctx), ids, states); err != nil {
		return nil, err
	}
	var recorded []string
	for _, res := range batch {
		if !res.staged {
			recorded = append(recorded, res.state.URL)
		}
	}
	if current {
		// Only this worker wrote since: the index still holds everything.
		if g, err := in.st.Generation(context.WithoutCancel(ctx)); err == nil {
			in.index.advance(g)
		}
	}
	return recorded, storeErr
}

// recordStates stores the sources' states and, in the same transaction,
// deletes the staged arrivals that were stored.
func (r *round) recordStates(ctx context.Context, ids []int64, states []store.SourceState) error {
	var err error
	if sg, ok := r.in.st.(store.Stager); ok && len(ids) > 0 {
		err = sg.Unstage(ctx, ids, states...)
	} else {
		err = r.in.st.PutSourceState(ctx, states...)
	}
	if err != nil {
		return fmt.Errorf("record the state of %d sources: %w", len(states), err)
	}
	r.in.saveHolds(ctx)
	return nil
}

// placeAll gives a new path to each record whose path, or its path in
// the archive, holds a record or was a purged article's, until none does:
// freePath knows only the paths of this round.
func (r *round) placeAll(ctx context.Context, recs []*model.Record, taken map[string]bool) error {
	for len(recs) > 0 {
		ps := make([]string, 0, 2*len(recs))
		for _, rec := range recs {
			ps = append(ps, rec.Path)
			if a, ok := content.NewsPathIn(rec.Path, true); ok {
				ps = append(ps, a)
			}
		}
		found, err := storedPaths(ctx, r.in.st, ps)
		if err != nil {
			return fmt.Errorf("look up paths: %w", err)
		}
		purged, err := r.in.st.PurgedPaths(ctx, ps)
		if err != nil {
			return fmt.Errorf("look up paths: %w", err)
		}
		found = append(found, purged...)
		if len(found) == 0 {
			return nil
		}
		stored := make(map[string]bool, len(found))
		for _, p := range found {
			stored[p] = true
		}
		var again []*model.Record
		for _, rec := range recs {
			if a, _ := content.NewsPathIn(rec.Path, true); !stored[rec.Path] && !stored[a] {
				continue
			}
			p, err := r.freePath(rec.Article, taken)
			if err != nil {
				return err
			}
			rec.Path = p
			again = append(again, rec)
		}
		recs = again
	}
	return nil
}

// keptOf returns the records of a source's result that were stored.
func keptOf(res *result, kept map[*model.Record]bool) []*model.Record {
	var out []*model.Record
	for _, rec := range res.recs {
		if kept[rec] {
			out = append(out, rec)
		}
	}
	return out
}

// settle notes which of a source's new records were stored: the others
// curation merged into an article it already had (same canonical URL or
// GUID), or rejected.
func (r *round) settle(res *result, kept map[*model.Record]bool, rejected map[string]string) {
	for _, rec := range res.recs {
		if kept[rec] {
			res.report.New++
			if rec.Article.Withheld == model.WithheldOffTopic {
				res.report.OffTopic++
			}
			continue
		}
		a := rec.Article
		d := store.Drop{URL: a.OriginalURL, GUID: a.GUID, Title: a.Title, Reason: ReasonDuplicate,
			Detail: "curation merged it into the stored article with the same canonical URL or GUID"}
		if why, ok := rejected[rec.Path]; ok {
			d.Reason, d.Detail = ReasonRejected, why
		}
		res.drop(r.in.log, d)
	}
}

// rejections maps the paths of the arrivals curation rejected to why.
func rejections(err error) map[string]string {
	if !errors.Is(err, curate.ErrRejected) {
		return nil
	}
	out := map[string]string{}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		path, why, _ := strings.Cut(e.Error(), ": ")
		out[path] = why
	}
	return out
}

// freePath returns the record path for an article, numbered ("-2", "-3",
// ...) when another article of the round has it. placeAll then numbers
// the paths stored articles have, or purged ones had, in _news/ or in the
// archive (a record keeps its file name when it moves there, and the name
// is the address of its page).
func (r *round) freePath(a *model.Article, taken map[string]bool) (string, error) {
	base := content.NewsPath(a.PublishedDateTime, a.Title)
	stem := strings.TrimSuffix(base, ".md")
	for n := 1; ; n++ {
		p := base
		if n > 1 {
			p = stem + "-" + strconv.Itoa(n) + ".md"
		}
		if !taken[p] {
			taken[p] = true
			return p, nil
		}
		if n > 1000 {
			return "", fmt.Errorf("no free path for %q", base)
		}
	}
}
