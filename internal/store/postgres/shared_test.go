package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

// TestWatchReconnectsAfterRestart restarts the server while a handle
// watches the generation: once the server is back, the watcher hears of a
// write committed after the restart, and of the next one.
func TestWatchReconnectsAfterRestart(t *testing.T) {
	dsn := pgtest.DSN(t)
	writer, watcher := openDSN(t, dsn), openDSN(t, dsn)
	defer writer.Close()
	defer watcher.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watcher.Watch(ctx)
	last := storetest.NextGeneration(t, ch, -1, 30*time.Second)

	pgtest.Restart(t)
	for i := range 2 {
		rec := &model.Record{Path: fmt.Sprintf("_people/p%d.md", i), Kind: model.KindPerson, Raw: []byte("---\nname: P\n---\n"),
			Person: &model.Person{Name: "P"}}
		// The writer's pool may hand out a connection the restart ended
		// before it notices: a write may fail once.
		var err error
		for try := 0; try < 5; try++ {
			if err = writer.Upsert(ctx, []*model.Record{rec}); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatalf("write after the restart: %v", err)
		}
		want, err := writer.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		for last != want {
			last = storetest.NextGeneration(t, ch, last, storetest.WatchWithin)
		}
		t.Logf("write %d after the restart heard of after %v", i, time.Since(start).Round(time.Millisecond))
	}
}

// TestExclusiveEndsWithItsSession ends the server session holding a
// store lock while fn runs, as a server restart, a fail-over or a lost
// network does: the server drops the lock and another process takes it,
// so fn must be told to stop rather than go on as if it alone held it.
func TestExclusiveEndsWithItsSession(t *testing.T) {
	dsn := pgtest.DSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	defer a.Close()
	defer b.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	admin, err := pgx.Connect(ctx, pgtest.Admin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(context.Background())
	db := a.pool.Config().ConnConfig.Database
	tries := []struct {
		name string
		run  func(fn func(context.Context) error) error
	}{
		{"Exclusive", func(fn func(context.Context) error) error { return a.Exclusive(ctx, "curate", fn) }},
		{"TryExclusive", func(fn func(context.Context) error) error {
			ran, err := a.TryExclusive(ctx, "curate", fn)
			if !ran && err == nil {
				return errors.New("the lock was not free")
			}
			return err
		}},
	}
	for _, tt := range tries {
		t.Run(tt.name, func(t *testing.T) {
			inside := make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- tt.run(func(ctx context.Context) error {
					close(inside)
					<-ctx.Done()
					return ctx.Err()
				})
			}()
			<-inside
			var ended bool
			err := admin.QueryRow(ctx, `SELECT coalesce(bool_or(pg_terminate_backend(l.pid)), false) FROM pg_locks l
				JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1`, db).Scan(&ended)
			if err != nil || !ended {
				t.Fatalf("ending the lock's session: %v, %v", ended, err)
			}
			// The lock is free on the server: another takes it.
			if err := b.Exclusive(ctx, "curate", func(context.Context) error { return nil }); err != nil {
				t.Fatalf("Exclusive of another handle once the session ended: %v", err)
			}
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), "session ended") {
					t.Errorf("%s: %v, want an error saying the lock's session ended", tt.name, err)
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s: fn still runs half a minute after its lock's session ended", tt.name)
			}
		})
	}
}

// TestServerNoticesAVanishedClient checks what the server is told to do
// of the store's sessions, the curate lock's among them: probe a quiet one
// soon. A machine that dies or leaves the network closes no connection;
// by the system's defaults the server then keeps its sessions, and the
// curate lock or a write transaction's lock one of them holds, for two
// hours and more, and the hub's other workers wait as long.
func TestServerNoticesAVanishedClient(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	var idle, interval, count int
	err := st.pool.QueryRow(ctx, `SELECT current_setting('tcp_keepalives_idle')::int,
		current_setting('tcp_keepalives_interval')::int, current_setting('tcp_keepalives_count')::int`).Scan(&idle, &interval, &count)
	if err != nil {
		t.Fatal(err)
	}
	if idle == 0 || interval == 0 || count == 0 || idle+interval*count > 120 {
		t.Errorf("keepalives after %ds, every %ds, %d times; want a vanished client noticed within two minutes", idle, interval, count)
	}
}

// TestWatchOfAStandbyHearsThePrimary watches a hot standby of the hub, a
// streaming replica as operators put API servers on: it refuses LISTEN,
// and the primary's notifications never reach it, yet the watch must
// report each generation the primary commits once the standby has it.
func TestWatchOfAStandbyHearsThePrimary(t *testing.T) {
	dsn := pgtest.DSN(t)
	primary := openDSN(t, dsn)
	defer primary.Close()
	replica := openDSN(t, pgtest.Standby(t, dsn))
	defer replica.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var standby bool
	if err := replica.pool.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil || !standby {
		t.Fatalf("the standby is in recovery: %v, %v", standby, err)
	}
	ch := replica.Watch(ctx)
	last := storetest.NextGeneration(t, ch, -1, 30*time.Second)
	for i := range 2 {
		rec := &model.Record{Path: fmt.Sprintf("_people/p%d.md", i), Kind: model.KindPerson,
			Person: &model.Person{Name: "Ana Horvat", Type: "person"}, Raw: []byte("---\nname: Ana Horvat\n---\n")}
		if err := primary.Upsert(ctx, []*model.Record{rec}); err != nil {
			t.Fatal(err)
		}
		want, err := primary.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for last != want {
			last = storetest.NextGeneration(t, ch, last, 30*time.Second)
		}
	}
}
