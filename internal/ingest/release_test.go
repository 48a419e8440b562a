package ingest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

// refusingReleases is a real store whose first releases of leases are
// refused, as a database restarting refuses them.
type refusingReleases struct {
	store.Store
	refuse int32 // how many
	asked  atomic.Int32
}

func (s *refusingReleases) Release(ctx context.Context, holder string, names ...string) error {
	if s.asked.Add(1) <= s.refuse {
		return errStoreDown
	}
	return s.Store.Release(ctx, holder, names...)
}

// The leases of a round whose releases the store refused a while (a
// restart of the database) are released before the round ends, where they
// were left to expire and the next worker's round waited a lease's life
// for their sources.
func TestLeasesAreReleasedOnceTheStoreTakesItAgain(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	srv := newWindowServer(t, 3)
	srcs := srv.sources(4)
	rs := &refusingReleases{Store: st, refuse: 1}
	h := newHubIn(t, rs, true, srcs...)
	opts := testOptions()
	opts.All, opts.SkipPages = true, true
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if rs.asked.Load() == 0 {
		t.Fatal("the round asked no release of the store")
	}
	urls := make([]string, len(srcs))
	for i, s := range srcs {
		urls[i] = s.URL
	}
	got, err := st.Lease(ctx, "next-worker", time.Minute, urls...)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(urls) {
		t.Errorf("the next worker leases %d of the %d sources: the others are still held by the round that ended", len(got), len(urls))
	}
}
