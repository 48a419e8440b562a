package ingest

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

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

// countingLeases is a real store that counts the leases asked of it.
type countingLeases struct {
	store.Store
	asked atomic.Int32
}

func (s *countingLeases) Lease(ctx context.Context, holder string, ttl time.Duration, names ...string) ([]string, error) {
	s.asked.Add(1)
	return s.Store.Lease(ctx, holder, ttl, names...)
}

// A round of a program older than the store's schema (a newer program
// migrated it while this one ran) stops at its first lease, which the
// store refuses, with the refusal's one line, where the refusal was taken
// for a busy store and asked again, with a warning each time, until the
// round gave up at the fifth.
func TestARoundOfAnOlderProgramStopsAtItsFirstLease(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	srv := newWindowServer(t, 3)
	cl := &countingLeases{Store: st}
	h := newHubIn(t, cl, true, srv.sources(4)...)
	opts := testOptions()
	opts.All, opts.SkipPages = true, true
	in := h.ingester(opts)
	defer in.Close()

	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `INSERT INTO schema_version (version, name)
		SELECT max(version) + 1, 'newer.sql' FROM schema_version`); err != nil {
		t.Fatal(err)
	}

	_, err = in.RunOnce(ctx)
	if !errors.Is(err, store.ErrNewerSchema) || !strings.Contains(err.Error(), "newer than this program knows") {
		t.Fatalf("round: %v, want the store's refusal of a program older than its schema", err)
	}
	if n := cl.asked.Load(); n != 1 {
		t.Errorf("the round asked %d leases of the store, want 1: the refusal stops it", n)
	}
}
