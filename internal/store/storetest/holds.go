package storetest

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"newshub/internal/store"
)

// testHostHolds checks the holds of hosts that asked to be left alone:
// read back as written, the later of two for one host kept, those over
// left out and forgotten, and no change of the generation.
func testHostHolds(t *testing.T, st store.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	gen := generation(t, st)
	if got, err := st.HostHolds(ctx, now); err != nil || len(got) != 0 {
		t.Fatalf("HostHolds of none = %v, %v; want none", got, err)
	}
	put := func(holds map[string]time.Time, at time.Time) {
		t.Helper()
		if err := st.PutHostHolds(ctx, holds, at); err != nil {
			t.Fatalf("PutHostHolds: %v", err)
		}
	}
	put(map[string]time.Time{
		"news.example.com":            now.Add(2 * time.Hour),
		"127.0.0.1:19201":             now.Add(time.Hour + 500*time.Microsecond),
		"over.example.org":            now.Add(-time.Minute), // over already: not kept
		"xn--nachrichten-q9a.example": now.Add(30 * time.Minute),
	}, now)
	want := map[string]time.Time{
		"news.example.com":            now.Add(2 * time.Hour),
		"127.0.0.1:19201":             now.Add(time.Hour + 500*time.Microsecond),
		"xn--nachrichten-q9a.example": now.Add(30 * time.Minute),
	}
	holds := func(at time.Time) map[string]time.Time {
		t.Helper()
		got, err := st.HostHolds(ctx, at)
		if err != nil {
			t.Fatalf("HostHolds: %v", err)
		}
		return got
	}
	if got := holds(now); !maps.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("HostHolds = %v, want %v", got, want)
	}
	// An earlier hold (another process's, older) leaves the later one; a
	// later one replaces it.
	put(map[string]time.Time{"news.example.com": now.Add(time.Hour), "127.0.0.1:19201": now.Add(3 * time.Hour)}, now)
	want["127.0.0.1:19201"] = now.Add(3 * time.Hour)
	if got := holds(now); !maps.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("after a second put, HostHolds = %v, want %v", got, want)
	}
	// Past one, it is left out, and forgotten once holds are put then.
	later := now.Add(45 * time.Minute)
	delete(want, "xn--nachrichten-q9a.example")
	if got := holds(later); !maps.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("at %s, HostHolds = %v, want %v", later, got, want)
	}
	put(nil, later)
	if got := holds(now); !maps.EqualFunc(got, want, time.Time.Equal) {
		t.Errorf("after a put at %s, HostHolds of before = %v, want %v: the hold over then forgotten", later, got, want)
	}
	if g := generation(t, st); g != gen {
		t.Errorf("generation %d after holds were put, was %d", g, gen)
	}
}

// testHostHoldsPutAtOnce has the workers of a hub record their holds at
// once, as each does once its sources' states are stored: each worker
// holds the hosts the others recorded (it read them at its round's start),
// and a put of one may not fail for another's under way.
func testHostHoldsPutAtOnce(t *testing.T, st store.Store) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Microsecond)
	holds := map[string]time.Time{}
	for i := range 200 {
		holds[fmt.Sprintf("feeds-%d.example.org", i)] = now.Add(time.Duration(i+1) * time.Minute)
	}
	const workers, puts = 4, 15
	errs := make(chan error, workers*puts)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range puts {
				// Each worker's holds end a little later than the last
				// recorded: every put changes every row.
				mine := make(map[string]time.Time, len(holds))
				for host, until := range holds {
					mine[host] = until.Add(time.Duration(w*puts+p) * time.Second)
				}
				errs <- st.PutHostHolds(ctx, mine, now)
			}
		}()
	}
	wg.Wait()
	close(errs)
	failed := 0
	for err := range errs {
		if err != nil {
			if failed == 0 {
				t.Errorf("PutHostHolds of one of %d workers at once: %v", workers, err)
			}
			failed++
		}
	}
	if failed > 0 {
		t.Errorf("%d of %d puts failed", failed, workers*puts)
	}
	got, err := st.HostHolds(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	last := time.Duration(workers*puts-1) * time.Second
	for host, until := range holds {
		if want := until.Add(last); !got[host].Equal(want) {
			t.Errorf("hold of %s until %s, want the latest put, %s", host, got[host], want)
		}
	}
}

// testHostHoldsStale records a hold on a clock a year ahead, then, the
// clock set back, a real one for the same host: the real one is kept and
// read back, where the stale one, ending later, won and hid it (the
// fetcher leaves a stale hold out, so the host was held by neither). A
// stale hold is not read back, nor recorded when put.
func testHostHoldsStale(t *testing.T, st store.Store) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ahead := now.AddDate(1, 0, 0)
	host := "news.example.com"
	if err := st.PutHostHolds(ctx, map[string]time.Time{host: ahead.Add(2 * time.Hour)}, ahead); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		holds map[string]time.Time
		want  map[string]time.Time
	}{
		{"before a put", nil, map[string]time.Time{}},
		{"a real hold put", map[string]time.Time{host: now.Add(time.Hour)}, map[string]time.Time{host: now.Add(time.Hour)}},
		{"a stale hold put", map[string]time.Time{host: now.Add(store.MaxHostHold + time.Minute), "feeds.example.org": now.Add(store.MaxHostHold + time.Minute)},
			map[string]time.Time{host: now.Add(time.Hour)}},
		{"the longest hold put", map[string]time.Time{"feeds.example.org": now.Add(store.MaxHostHold)},
			map[string]time.Time{host: now.Add(time.Hour), "feeds.example.org": now.Add(store.MaxHostHold)}},
	} {
		if tt.holds != nil {
			if err := st.PutHostHolds(ctx, tt.holds, now); err != nil {
				t.Fatalf("%s: PutHostHolds: %v", tt.name, err)
			}
		}
		got, err := st.HostHolds(ctx, now)
		if err != nil {
			t.Fatalf("%s: HostHolds: %v", tt.name, err)
		}
		if !maps.EqualFunc(got, tt.want, time.Time.Equal) {
			t.Errorf("%s, the clock set back a year: HostHolds = %v, want %v", tt.name, got, tt.want)
		}
	}
}
