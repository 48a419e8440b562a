package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/store/postgres/pgtest"
)

// TestIdleConnectionsAreHandedBack has one process of a hub (a server
// after a burst of requests) open as many connections as its role may
// have (CONNECTION LIMIT, or the server's max_connections shared by the
// hub's processes), then stand idle. Another process must get a
// connection once they have stood idle a while: kept open, they
// refused it every other process of the hub, whose rounds failed with
// "too many connections" for half an hour.
func TestIdleConnectionsAreHandedBack(t *testing.T) {
	defer func(d time.Duration) { connIdle = d }(connIdle)
	connIdle = 500 * time.Millisecond
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	admin := openDSN(t, dsn)
	defer admin.Close()
	const limit = 4
	for _, q := range []string{
		`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hubburst') THEN CREATE ROLE hubburst LOGIN; END IF; END $$`,
		`ALTER ROLE hubburst CONNECTION LIMIT 4`,
		`GRANT USAGE ON SCHEMA public TO hubburst`,
		`GRANT SELECT ON ALL TABLES IN SCHEMA public TO hubburst`,
	} {
		if _, err := admin.pool.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	limited := strings.Replace(dsn, "//newshub@", "//hubburst@", 1)

	busy := openDSN(t, limited)
	defer busy.Close()
	var wg sync.WaitGroup
	for range limit {
		wg.Go(func() {
			if _, err := busy.pool.Exec(ctx, `SELECT pg_sleep(0.3)`); err != nil {
				t.Errorf("a query of the burst: %v", err)
			}
		})
	}
	wg.Wait()
	if n := busy.pool.Stat().IdleConns(); n != limit {
		t.Fatalf("the burst left %d idle connections, want %d (the role's limit)", n, limit)
	}

	// Bounded, so that connections kept for ever fail the test rather
	// than hang it.
	octx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	var err error
	for octx.Err() == nil {
		var other *Store
		if other, err = Open(octx, limited); err == nil {
			other.Close()
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("another process of the role while the first stood idle: %v", err)
	}
}
