package ingest

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"newshub/internal/store"
)

// Round is an ingest round as the store logs it: when it started, what it
// did, and what stopped it.
type Round struct {
	Started time.Time `json:"-"`
	Summary
	Err string `json:",omitempty"` // what stopped the round; "" when nothing did
	// Network is what the hub knew of its own network after the round;
	// nil while it was up and no fetch had failed to reach a server.
	Network *Network `json:",omitempty"`
}

// logRound adds a round to the store's log. The log is for operators: a
// failure to write it is logged, and the round's outcome stands.
func (in *Ingester) logRound(ctx context.Context, started time.Time, sum Summary, err error) {
	r := Round{Started: started, Summary: sum}
	if n := in.net; !n.Out.IsZero() || len(n.Hosts) > 0 {
		r.Network = &n
	}
	if err != nil {
		r.Err = err.Error()
	}
	b, jerr := json.Marshal(r)
	if jerr != nil {
		in.log.Warn("ingest round not logged", "err", jerr)
		return
	}
	// A round stopped by shutdown is logged all the same.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := in.st.AddRound(ctx, store.Round{Started: started, Summary: b}); err != nil {
		in.log.Warn("ingest round not logged", "err", err)
	}
}

// Rounds returns the newest rounds logged in st, newest first, at most
// limit of them. A log entry this version cannot read is returned with
// Err saying so, not left out.
func Rounds(ctx context.Context, st store.Store, limit int) ([]Round, error) {
	logged, err := st.Rounds(ctx, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Round, len(logged))
	for i, l := range logged {
		if err := json.Unmarshal(l.Summary, &out[i]); err != nil {
			out[i] = Round{Err: fmt.Sprintf("unreadable log entry: %v", err)}
		}
		out[i].Started = l.Started
	}
	return out, nil
}

// recallLastRound recalls, before the first round of this Ingester, the
// last round the store logged (this worker's or another's): the metrics
// are told when it ended, where they said 0 until a round fetched
// something, and the rounds go on with what it knew of the hub's network
// (an outage is logged once, not at each run of a timer's). A store that
// fails here fails the round, which says so; the next one asks again.
func (in *Ingester) recallLastRound(ctx context.Context) {
	if in.told {
		return
	}
	rounds, err := Rounds(ctx, in.st, 1)
	if err != nil {
		return
	}
	in.told = true
	if len(rounds) == 0 {
		return
	}
	if n := rounds[0].Network; n != nil {
		if n.Last.IsZero() {
			n.Last = rounds[0].Started
		}
		if !n.stale(in.now(), in.opts.Policy) {
			in.net = *n
			in.opts.Metrics.NetworkDown(!n.Out.IsZero())
		}
	}
	in.opts.Metrics.LastRound(rounds[0].Started.Add(rounds[0].Duration))
}
