package ingest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sync"
	"time"

	"newshub/internal/store"
)

// Several ingest processes may share one hub, on one machine or several.
// Each source is fetched by one of them at a time: a worker leases a
// source in the store before fetching it and releases it once the
// source's new state is committed, renewing its leases meanwhile. A worker
// that dies keeps its leases only until they expire; the others then take
// its sources. Curation of a batch and its writes are serialised by the
// store's exclusive lock (curateLock), so a story never gets two leads and
// a path is never given twice.

// DefaultLeaseTTL is how long a lease lasts unless renewed: how long the
// sources of a worker that died wait before another takes them.
const DefaultLeaseTTL = time.Minute

// curateLock names the store lock held while a batch is curated and
// written.
const curateLock = "curate"

// lookEvery is how often at most a worker asks again for sources other
// workers hold.
const lookEvery = 100 * time.Millisecond

// maxLeaseFailures is how many times in a row asking for leases may fail
// before the round gives up.
const maxLeaseFailures = 5

// leaseChunk is how many sources are asked for at once: enough to keep
// the workers busy between round trips, few enough that a worker holds
// little that another could be fetching.
const leaseChunk = 16

// holderID names this process among the hub's workers: host, process id
// and a random part, so a restarted process on a reused pid is another.
func holderID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d:%08x", host, os.Getpid(), rand.Uint32())
}

// leases are the sources this process holds in a round.
type leases struct {
	st     store.Store
	holder string
	ttl    time.Duration

	// op orders renewals and releases: a renewal of a lease being
	// released would claim it again.
	op   sync.Mutex
	mu   sync.Mutex
	held map[string]bool
}

func (l *leases) add(urls ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, u := range urls {
		l.held[u] = true
	}
}

func (l *leases) list() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]string, 0, len(l.held))
	for u := range l.held {
		out = append(out, u)
	}
	return out
}

// release ends the leases on urls. Those the store fails to release
// stay held, for releaseAll to try again at the round's end.
func (l *leases) release(ctx context.Context, urls ...string) error {
	if len(urls) == 0 {
		return nil
	}
	l.op.Lock()
	defer l.op.Unlock()
	l.mu.Lock()
	for _, u := range urls {
		delete(l.held, u)
	}
	l.mu.Unlock()
	if err := l.st.Release(context.WithoutCancel(ctx), l.holder, urls...); err != nil {
		l.add(urls...)
		return err
	}
	return nil
}

// Releases at the round's end are tried releaseTries times, waiting
// releaseRetry and then twice as long each time (about 4 s in all): a
// database restarting refuses them a second or two, and the leases left
// had the next worker's round wait a lease's life (a minute) for their
// sources.
const (
	releaseTries = 5
	releaseRetry = 250 * time.Millisecond
)

// releaseAll ends every lease held, trying again a few times while the
// store refuses; once ctx is done (the process is stopping), once only.
func (l *leases) releaseAll(ctx context.Context) error {
	wait := releaseRetry
	for try := 1; ; try++ {
		err := l.release(ctx, l.list()...)
		if err == nil || try == releaseTries || ctx.Err() != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// renew keeps the leases held until ctx is done, renewing them three times
// a lease's life. It reports leases lost (the process stalled past their
// expiry and another took them): their sources may be fetched twice, and
// curation merges what both stored.
func (l *leases) renew(ctx context.Context, log func(lost []string, err error)) {
	t := time.NewTicker(l.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		held, got, err := l.renewOnce(ctx)
		if err != nil {
			if ctx.Err() == nil {
				log(nil, err)
			}
			continue
		}
		if len(got) < len(held) {
			kept := make(map[string]bool, len(got))
			for _, u := range got {
				kept[u] = true
			}
			var lost []string
			for _, u := range held {
				if !kept[u] {
					lost = append(lost, u)
				}
			}
			log(lost, nil)
		}
	}
}

// renewOnce renews every lease held, and returns those it renewed.
func (l *leases) renewOnce(ctx context.Context) (held, got []string, err error) {
	l.op.Lock()
	defer l.op.Unlock()
	if held = l.list(); len(held) == 0 {
		return nil, nil, nil
	}
	got, err = l.st.Lease(ctx, l.holder, l.ttl, held...)
	return held, got, err
}

// dispatch hands the due sources to the workers, each once this process
// has leased it and found that no other worker fetched it since the round
// began (it would then be fetched twice in one round). Sources other
// workers hold are asked for again until they have been fetched or their
// leases have expired, so the round ends with every due source fetched by
// someone, even by a worker that died. It returns how many due sources
// other workers fetched.
func (r *round) dispatch(ctx context.Context, due []job, jobs chan<- job) (elsewhere int, err error) {
	// Start at a random place, so workers starting together ask for
	// different sources first.
	start := rand.IntN(len(due))
	pending := append(append(make([]job, 0, len(due)), due[start:]...), due[:start]...)
	w := &waiter{r: r}
	defer w.close()
	shared := false
	for len(pending) > 0 {
		var waiting []job
		for i := 0; i < len(pending); i += leaseChunk {
			held, n, err := r.dispatchChunk(ctx, pending[i:min(i+leaseChunk, len(pending))], jobs)
			elsewhere += n
			waiting = append(waiting, held...)
			if err != nil || ctx.Err() != nil {
				return elsewhere, err
			}
			if !shared && len(waiting) > 0 {
				// Other workers are at work, and curation is each one's
				// turn: commit in small batches while this one still
				// fetches, so the turns at the end are shorter.
				r.shared.Store(true)
				r.queue.setMin(r.batchMin())
				shared = true
			}
		}
		if len(waiting) == 0 {
			break
		}
		r.in.log.Debug("sources held by other workers", "sources", len(waiting))
		if !w.wait(ctx) {
			return elsewhere, nil
		}
		// Most of them are fetched by now: one read of every state tells
		// which, and only the rest are asked for again.
		states, err := r.in.st.SourceStates(ctx)
		if err != nil {
			return elsewhere, err
		}
		byURL := make(map[string]store.SourceState, len(states))
		for _, s := range states {
			byURL[s.URL] = s
		}
		pending = slices.DeleteFunc(waiting, func(j job) bool {
			s, ok := byURL[j.src.URL]
			fetched := ok && recordedSince(j.state, s)
			if fetched {
				elsewhere++
			}
			return fetched
		})
	}
	return elsewhere, nil
}

// dispatchChunk leases the sources of part and hands the workers those it
// got that no other worker fetched meanwhile. It returns the sources held
// by others, and how many others fetched.
func (r *round) dispatchChunk(ctx context.Context, part []job, jobs chan<- job) (held []job, elsewhere int, err error) {
	in := r.in
	urls := make([]string, len(part))
	for k, j := range part {
		urls[k] = j.src.URL
	}
	t0 := time.Now()
	got, err := in.st.Lease(ctx, r.leases.holder, r.leases.ttl, urls...)
	if ctx.Err() != nil {
		return nil, 0, nil
	}
	if took := time.Since(t0); took > 100*time.Millisecond {
		in.log.Debug("leasing sources waited", "took", took)
	}
	if err != nil {
		// The store may be busy a while (SQLite's other writer storing
		// a large batch): ask again later, up to a point. A store whose
		// schema a newer program migrated refuses until this one is
		// upgraded: the round stops at once, with its one line.
		if r.leaseFailures++; r.leaseFailures >= maxLeaseFailures || errors.Is(err, store.ErrNewerSchema) {
			return nil, 0, fmt.Errorf("lease sources: %w", err)
		}
		in.log.Warn("leasing sources failed: asking again later", "err", err)
		return part, 0, nil
	}
	r.leaseFailures = 0
	r.leases.add(got...)
	// The states of those leased, in one statement: one a source was
	// most of the statements of a round.
	fresh, err := in.st.SourceStatesOf(ctx, got...)
	if ctx.Err() != nil {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	leased := make(map[string]bool, len(got))
	for _, u := range got {
		leased[u] = true
	}
	var done []string // leased, but recorded by another worker since the round began
	defer func() {
		if rerr := r.leases.release(ctx, done...); rerr != nil && err == nil {
			err = rerr
		}
	}()
	for _, j := range part {
		if !leased[j.src.URL] {
			held = append(held, j)
			continue
		}
		if s, ok := fresh[j.src.URL]; ok {
			if recordedSince(j.state, s) {
				done = append(done, j.src.URL)
				continue
			}
			j.state = s
		}
		r.inFlight.Add(1)
		select {
		case jobs <- j:
		case <-ctx.Done():
			r.inFlight.Add(-1)
			return held, len(done), nil
		}
	}
	return held, len(done), nil
}

// waiter paces a worker waiting for sources other workers hold.
type waiter struct {
	r       *round
	changed <-chan int64 // the store's generation, once waiting
	cancel  func()       // ends the watch
	looked  time.Time
}

func (w *waiter) close() {
	if w.cancel != nil {
		w.cancel()
	}
}

// wait returns when it is time to ask again for the sources other workers
// hold: when another worker has committed (that is when its leases are
// released), at most every lookEvery, or after a while for leases that
// expire. Meanwhile this worker commits what it fetched, as the others may
// be waiting for its sources in turn. It returns false when ctx is done.
func (w *waiter) wait(ctx context.Context) bool {
	r := w.r
	if w.changed == nil {
		watching, stop := context.WithCancel(ctx)
		w.changed, w.cancel = r.in.st.Watch(watching), stop
	}
	// Once all this worker has taken are read (here, or by the writer
	// when the last is), commit them in one batch (each costs a read of
	// the stored window), and from then on as they come, rather than at
	// the end of the round.
	r.awaiting.Store(true)
	if r.inFlight.Load() == 0 {
		r.queue.hurry()
	}
	retry := min(max(r.in.opts.LeaseTTL/10, lookEvery), time.Second)
	t := time.NewTimer(retry)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		case <-w.changed:
			if wait := lookEvery - time.Since(w.looked); wait > 0 {
				t.Reset(wait) // a burst of commits is one reason to look
				continue
			}
		}
		w.looked = time.Now()
		return true
	}
}

// recordedSince reports whether another worker recorded a source since
// its state was before: it fetched it, or did not ask it as its host
// asked to wait (scheduler.Policy.NotAsked), which leaves the last fetch
// as it was and moves the next.
func recordedSince(before, now store.SourceState) bool {
	return !now.LastFetch.Equal(before.LastFetch) || !now.NextFetch.Equal(before.NextFetch)
}
