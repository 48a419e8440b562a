package ingest

import (
	"context"
	"maps"
	"time"
)

// A host that answered with a Retry-After too long to wait is held off by
// the fetcher (see fetcher.HeldOffError): its sources are not asked, nor
// its pages read, until the wait is over. The holds are kept in the store
// beside the sources' states, so that a process started again, or another
// worker of the hub, keeps to them rather than ask the host at once.

// loadHolds has the fetcher keep to the holds the store records.
func (in *Ingester) loadHolds(ctx context.Context) {
	holds, err := in.st.HostHolds(ctx, time.Now())
	if err != nil {
		in.log.Warn("reading the hosts that asked to wait failed", "err", err)
		return
	}
	in.fetch.HoldOff(holds)
}

// saveHolds records the fetcher's holds when they changed since it last
// did. The fetcher's holds run on the wall clock, whatever the round's.
func (in *Ingester) saveHolds(ctx context.Context) {
	in.holdsMu.Lock()
	defer in.holdsMu.Unlock()
	now := time.Now()
	holds := in.fetch.Holds(now)
	if maps.EqualFunc(holds, in.holdsSaved, time.Time.Equal) {
		return
	}
	if err := in.st.PutHostHolds(ctx, holds, now); err != nil {
		in.log.Warn("recording the hosts that asked to wait failed", "err", err)
		return
	}
	in.holdsSaved = holds
}
