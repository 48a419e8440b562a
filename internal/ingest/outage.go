package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/scheduler"
)

// A hub whose own network is out (its link, its DNS, its router) fails
// every fetch of every round at the network level, which said nothing of
// its sources: counted against them, it backed each off for hours and
// paused it after PauseAfter rounds, and the hub came back from an hour's
// outage to sources waiting out their backoff, or paused for good.
//
// A round tells it apart by what the hub knows. A fetch that reached a
// server, whatever it answered, says the network is up: the round's
// fetches that reached none are their hosts' failures, as before. A
// round that reached no server is an outage once the hosts that no fetch
// reached since one last did, of sources that had not failed before,
// number outageHosts: a host down is one host, and a source that failed
// before says nothing new (were it counted, a round of the sources of
// hosts long down, due together on their backoff, would be taken for an
// outage at every turn and never paused). Then, and in the rounds after
// that reach no server either, until one does, no source's error count,
// backoff or pause grows for it; each is due again after the hub's own
// outage wait (scheduler.Policy.OutageWait).
//
// A round that the network drops out of half-way reached servers: its
// sources not reached after the drop count one failure each, whose wait
// is their interval (the first failure backs off no further), and the
// rounds after are the outage's.

// outageHosts is how many hosts, of sources that had not failed, no fetch
// must have reached in rounds that reached no server before the hub takes
// it for its own network being out.
const outageHosts = 3

// networkMemory is how long what the rounds that reached no server told
// is kept without another such round: the rounds of an outage, and those
// of a sparse hub in which hosts go unreached one after the other, come
// minutes apart (an hour or so for a timer's runs). A state older is of a
// hub stopped meanwhile, or of hosts unreached days apart, long failing
// since: counted toward an outage, a publisher's failure days later would
// be taken for the hub's network out.
const networkMemory = 6 * time.Hour

// Network is what an ingester's rounds told of the hub's own network. It
// is logged with each round (see Round), so that a worker started again
// (an ingest --once of a timer's, a restarted serve) goes on with it.
type Network struct {
	Out    time.Time `json:",omitzero"`  // when the outage began; zero while the network is up
	Rounds int       `json:",omitempty"` // rounds of the outage so far
	// Hosts are the hosts of sources that had not failed that no fetch
	// reached since one last reached a server, outageHosts at most.
	Hosts []string `json:",omitempty"`
	// Last is when the last round that reached no server began; zero in
	// what earlier versions logged, which takes the round's start.
	Last time.Time `json:",omitzero"`
}

// stale reports whether what n tells is too old to judge a round begun
// at now by (see networkMemory): the outage's waits, up to Min or Every,
// may space its rounds further.
func (n *Network) stale(now time.Time, p scheduler.Policy) bool {
	return !n.Last.IsZero() && now.Sub(n.Last) > max(networkMemory, 2*p.OutageWait(64))
}

// hold holds the result of a fetch that reached no server until the round
// knows whether any did (see settleNetwork), and hands on those it held
// as failures of their sources once one has. It reports whether it held
// res.
func (r *round) hold(res *result, q *queue) bool {
	switch {
	case res.unreached && !r.reached:
		r.unreached = append(r.unreached, res)
		return true
	case res.unreached:
		r.failUnreached(res)
	case !res.heldOff && !r.reached:
		r.reached = true
		for _, held := range r.unreached {
			r.failUnreached(held)
			q.put(held)
		}
		r.unreached = nil
	}
	return false
}

// failUnreached records a fetch that reached no server as its source's
// failure (see scheduler.Policy.Failure).
func (r *round) failUnreached(res *result) {
	st := &res.state
	r.in.opts.Policy.Failure(st, res.at, res.err, 0)
	r.in.logFailure(context.Background(), res.src.URL, st, res.err)
}

// settleNetwork ends the round's part in what the hub knows of its
// network, and queues the results held (see hold): as their sources'
// failures, or, when the round is an outage's, as fetches that did not
// reach them. An outage is logged once at WARN when it begins and once
// when a round reaches a server again.
func (r *round) settleNetwork(q *queue) {
	in, n := r.in, &r.in.net
	defer func() { in.opts.Metrics.NetworkDown(!n.Out.IsZero()) }()
	if r.reached {
		if !n.Out.IsZero() {
			in.log.Info("network back: the sources' hosts are reached again", "out_for", r.began.Sub(n.Out).Round(time.Second), "rounds", n.Rounds)
		}
		*n = Network{}
		return
	}
	if len(r.unreached) == 0 {
		return // nothing asked of the network (held off, or fetched elsewhere)
	}
	if n.stale(r.began, in.opts.Policy) {
		*n = Network{}
	}
	n.Last = r.began
	for _, res := range r.unreached {
		if h := pageHost(res.src.URL); res.state.Errors == 0 && len(n.Hosts) < outageHosts && !slices.Contains(n.Hosts, h) {
			n.Hosts = append(n.Hosts, h)
		}
	}
	held := r.unreached
	r.unreached = nil
	if n.Out.IsZero() && len(n.Hosts) < outageHosts {
		for _, res := range held {
			r.failUnreached(res)
			q.put(res)
		}
		return
	}
	if n.Out.IsZero() {
		n.Out = r.began
		in.log.Warn("network out: no fetch reached a server; the sources' failures are not counted until one does",
			"sources", len(held), "err", held[0].err)
	}
	n.Rounds, n.Hosts = n.Rounds+1, nil
	wait := in.opts.Policy.OutageWait(n.Rounds)
	for _, res := range held {
		res.outage = true
		in.opts.Policy.Unreached(&res.state, r.began, res.at, fmt.Errorf("not counted, the hub's network was out: %w", res.err), wait)
		in.log.Debug("source not reached: the hub's network is out", "url", fetcher.Masked(res.src.URL), "err", res.err)
		q.put(res)
	}
}
