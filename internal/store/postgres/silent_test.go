package postgres

import (
	"context"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

// TestWatchReconnectsAfterASilentNetworkLoss loses the watch's connection
// without a word: a watcher must find out by itself, connect again and
// hear of the writes, rather than wait for ever on a connection that
// will never answer.
func TestWatchReconnectsAfterASilentNetworkLoss(t *testing.T) {
	dsn := pgtest.DSN(t)
	link := pgtest.Forward(t, dsn)
	writer, watcher := openDSN(t, dsn), openDSN(t, link.DSN)
	defer writer.Close()
	defer watcher.Close()
	watcher.watch = watchTimes{ping: 200 * time.Millisecond, answer: 500 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := watcher.Watch(ctx)
	last := storetest.NextGeneration(t, ch, -1, 30*time.Second)

	link.Silence()
	rec := &model.Record{Path: "_people/p.md", Kind: model.KindPerson, Raw: []byte("---\nname: P\n---\n"), Person: &model.Person{Name: "P"}}
	if err := writer.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	want, err := writer.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for last != want {
		last = storetest.NextGeneration(t, ch, last, 30*time.Second)
	}
}

// TestReadsGoOnAfterASilentNetworkLoss loses the connections of a store's
// pool without a word, as a fail-over to another server or a firewall
// forgetting them does: a read must give up the dead connections and
// make new ones, rather than wait for an answer that never comes (a
// quarter of an hour, by the system's resending), which left serve's
// view and ingest's rounds stalled as long.
func TestReadsGoOnAfterASilentNetworkLoss(t *testing.T) {
	// Each dead connection is given up after the ping timeout: shorter
	// here, or the reads wait it out once per connection of the pool.
	defer func(d time.Duration) { pingTimeout = d }(pingTimeout)
	pingTimeout = 300 * time.Millisecond
	link := pgtest.Forward(t, pgtest.DSN(t))
	st := openDSN(t, link.DSN)
	// The connections lost are cut before the store closes: closing waits
	// up to 15 s for a silent one to end (pgx's pool).
	defer func() {
		link.Cut()
		st.Close()
	}()
	ctx := context.Background()
	// Connections in the pool, quiet long enough to be checked before use.
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := st.pool.Exec(ctx, `SELECT pg_sleep(0.2)`); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	time.Sleep(1500 * time.Millisecond)

	link.Silence()
	rctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for i := range 3 {
		if _, err := st.Generation(rctx); err != nil {
			t.Fatalf("read %d after the network was lost: %v", i, err)
		}
	}
}
