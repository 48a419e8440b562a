package postgres

import (
	"context"
	"fmt"
	"testing"
	"time"

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
