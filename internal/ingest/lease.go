package ingest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
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

// release ends the leases on urls.
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
	return l.st.Release(context.WithoutCancel(ctx), l.holder, urls...)
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
	in := r.in
	// Start at a random place, so workers starting together ask for
	// different sources first.
	pending := make([]job, 0, len(due))
	start := rand.IntN(len(due))
	pending = append(append(pending, due[start:]...), due[:start]...)
	retry := min(max(in.opts.LeaseTTL/10, 100*time.Millisecond), time.Second)
	for len(pending) > 0 {
		var waiting []job
		for i := 0; i < len(pending); i += leaseChunk {
			part := pending[i:min(i+leaseChunk, len(pending))]
			urls := make([]string, len(part))
			for k, j := range part {
				urls[k] = j.src.URL
			}
			got, err := in.st.Lease(ctx, r.leases.holder, r.leases.ttl, urls...)
			if ctx.Err() != nil {
				return elsewhere, nil
			}
			if err != nil {
				return elsewhere, fmt.Errorf("ingest: lease sources: %w", err)
			}
			r.leases.add(got...)
			leased := make(map[string]bool, len(got))
			for _, u := range got {
				leased[u] = true
			}
			for _, j := range part {
				if !leased[j.src.URL] {
					waiting = append(waiting, j)
					continue
				}
				fresh, err := in.st.SourceState(ctx, j.src.URL)
				switch {
				case ctx.Err() != nil:
					return elsewhere, nil
				case err == nil && !fresh.LastFetch.Equal(j.state.LastFetch):
					elsewhere++ // fetched by another worker since this round began
					if err := r.leases.release(ctx, j.src.URL); err != nil {
						return elsewhere, fmt.Errorf("ingest: %w", err)
					}
					continue
				case err == nil:
					j.state = fresh
				case !errors.Is(err, store.ErrNotFound):
					return elsewhere, fmt.Errorf("ingest: %w", err)
				}
				select {
				case jobs <- j:
				case <-ctx.Done():
					return elsewhere, nil
				}
			}
		}
		if len(waiting) > 0 {
			// The other workers may be waiting for this one's sources
			// in turn: commit from now on as results come, releasing
			// their leases, rather than at the end of the round.
			r.queue.hurry()
			in.log.Debug("sources held by other workers", "sources", len(waiting))
			select {
			case <-ctx.Done():
				return elsewhere, nil
			case <-time.After(retry):
			}
		}
		pending = waiting
	}
	return elsewhere, nil
}
