package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// RunShared runs the checks of what several processes sharing one store
// rely on (store.Shared, store.Sessions): leases, the exclusive lock,
// watching the generation and the admin area's sessions. open must
// return two handles on one new, empty store, as two processes would
// have; the suite closes both.
func RunShared(t *testing.T, open func(t *testing.T) (store.Store, store.Store)) {
	tests := []struct {
		name string
		fn   func(t *testing.T, a, b store.Store)
	}{
		{"LeaseIsExclusiveAcrossHandles", testLeaseExclusive},
		{"LeasesRacedForGoToOneHolderEach", testLeaseRace},
		{"LeaseExpires", testLeaseExpires},
		{"LeaseRenewedIsKept", testLeaseRenewal},
		{"ReleaseEndsOnlyTheHoldersLeases", testLeaseRelease},
		{"LeasesLeaveTheGenerationAlone", testLeaseGeneration},
		{"CommitTimesReadAlikeByBothHandles", testCommitTimesAlike},
		{"ExclusiveHasOneHolderAtATime", testExclusive},
		{"ExclusiveWaitEndsWithContext", testExclusiveCancel},
		{"WatchHearsTheOtherHandlesWrites", testWatch},
		{"WatchClosesWithContext", testWatchClose},
		{"StoredPathsSeesTheOtherHandlesWrites", testStoredPaths},
		{"SessionsAreSharedAndLeaveTheGenerationAlone", testSessionShared},
		{"SessionsExpireIdleOrOld", testSessionExpires},
		{"SessionsAreWrittenOnceATouch", testSessionTouch},
		{"SessionsAreCapped", testSessionCap},
		{"SessionsOfAUserEnd", testSessionEndUser},
		{"SessionNoteIsTakenOnce", testSessionNote},
		{"SessionKeyIsTheFirstStored", testSessionKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := open(t)
			t.Cleanup(func() {
				for _, st := range []store.Store{a, b} {
					if err := st.Close(); err != nil {
						t.Errorf("Close: %v", err)
					}
				}
			})
			tt.fn(t, a, b)
		})
	}
}

func lease(t *testing.T, st store.Store, holder string, ttl time.Duration, names ...string) []string {
	t.Helper()
	got, err := st.Lease(context.Background(), holder, ttl, names...)
	if err != nil {
		t.Fatalf("Lease(%s, %v): %v", holder, names, err)
	}
	return got
}

func wantLeased(t *testing.T, what string, got []string, want ...string) {
	t.Helper()
	if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
		t.Errorf("%s: leased %q, want %q", what, got, want)
	}
}

func testLeaseExclusive(t *testing.T, a, b store.Store) {
	wantLeased(t, "A asks for s1, s2", lease(t, a, "A", time.Hour, "s1", "s2"), "s1", "s2")
	wantLeased(t, "B asks for s3, s2, s1", lease(t, b, "B", time.Hour, "s3", "s2", "s1"), "s3")
	wantLeased(t, "A renews s1, s2 and asks for s3", lease(t, a, "A", time.Hour, "s2", "s3", "s1"), "s2", "s1")
	wantLeased(t, "B asks through A's handle", lease(t, a, "B", time.Hour, "s1", "s3", "s3"), "s3")
	wantLeased(t, "no names", lease(t, b, "B", time.Hour))
	if _, err := a.Lease(context.Background(), "", time.Hour, "s9"); err == nil {
		t.Error("Lease with no holder: no error")
	}
}

// testLeaseRace has goroutines of both handles ask for overlapping runs of
// the same names at once: each name must go to exactly one holder.
func testLeaseRace(t *testing.T, a, b store.Store) {
	const names, holders = 120, 6
	all := make([]string, names)
	for i := range all {
		all[i] = fmt.Sprintf("https://feeds.example.org/%03d.xml", i)
	}
	var (
		mu    sync.Mutex
		owner = map[string]string{}
		twice []string // names leased to two holders
		wg    sync.WaitGroup
		errs  = make(chan error, holders)
	)
	for h := range holders {
		st := []store.Store{a, b}[h%2]
		holder := fmt.Sprintf("worker-%d", h)
		wg.Go(func() {
			// Each asks in chunks, starting at its own place, as ingest
			// workers do.
			for i := 0; i < names; i += 10 {
				start := (i + h*20) % names
				chunk := append(slices.Clone(all[start:min(start+10, names)]), all[:max(0, start+10-names)]...)
				got, err := st.Lease(context.Background(), holder, time.Hour, chunk...)
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				for _, n := range got {
					if o, ok := owner[n]; ok && o != holder {
						twice = append(twice, fmt.Sprintf("%s to %s and %s", n, o, holder))
					}
					owner[n] = holder
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(twice) > 0 {
		t.Errorf("%d names leased to two holders, such as %s", len(twice), twice[0])
	}
	if len(owner) != names {
		t.Errorf("%d of %d names leased, want every one", len(owner), names)
	}
	// What the store holds agrees: renewing all, each holder gets back
	// just the names it won.
	for h := range holders {
		holder := fmt.Sprintf("worker-%d", h)
		var won []string
		for _, n := range all {
			if owner[n] == holder {
				won = append(won, n)
			}
		}
		wantLeased(t, holder+" renewing every name", lease(t, []store.Store{a, b}[h%2], holder, time.Hour, all...), won...)
	}
	wantLeased(t, "a newcomer", lease(t, b, "late", time.Hour, all...))
}

func testLeaseExpires(t *testing.T, a, b store.Store) {
	wantLeased(t, "A, short", lease(t, a, "A", 100*time.Millisecond, "short"), "short")
	wantLeased(t, "A, long", lease(t, a, "A", time.Hour, "long"), "long")
	time.Sleep(300 * time.Millisecond)
	wantLeased(t, "B after the short lease expired", lease(t, b, "B", time.Hour, "short", "long"), "short")
	wantLeased(t, "A again", lease(t, a, "A", time.Hour, "short", "long"), "long")
}

func testLeaseRenewal(t *testing.T, a, b store.Store) {
	wantLeased(t, "A, short", lease(t, a, "A", 100*time.Millisecond, "s1", "s2"), "s1", "s2")
	wantLeased(t, "A renews s1", lease(t, a, "A", time.Hour, "s1"), "s1")
	time.Sleep(300 * time.Millisecond)
	// s1 would have expired with the first lease: B gets only s2.
	wantLeased(t, "B", lease(t, b, "B", time.Hour, "s1", "s2"), "s2")
}

func testLeaseRelease(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	wantLeased(t, "A", lease(t, a, "A", time.Hour, "s1", "s2"), "s1", "s2")
	if err := b.Release(ctx, "B", "s1", "s2"); err != nil {
		t.Fatal(err)
	}
	wantLeased(t, "B after releasing what it does not hold", lease(t, b, "B", time.Hour, "s1", "s2"))
	if err := a.Release(ctx, "A", "s1"); err != nil {
		t.Fatal(err)
	}
	wantLeased(t, "B after A released s1", lease(t, b, "B", time.Hour, "s1", "s2"), "s1")
	if err := a.Release(ctx, "A"); err != nil {
		t.Errorf("Release of no names: %v", err)
	}
}

func testLeaseGeneration(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	before, err := a.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lease(t, a, "A", time.Hour, "s1")
	lease(t, b, "B", time.Hour, "s1", "s2")
	if err := a.Release(ctx, "A", "s1"); err != nil {
		t.Fatal(err)
	}
	if after, err := b.Generation(ctx); err != nil || after != before {
		t.Errorf("generation %d before leases, %d (%v) after: leases are not records", before, after, err)
	}
}

// testExclusive has goroutines of both handles take the lock in turn and
// checks that no two were ever inside at once, while another lock's name
// is free meanwhile.
func testExclusive(t *testing.T, a, b store.Store) {
	ctx := context.Background()
	var inside, most, runs atomic.Int32
	var wg sync.WaitGroup
	for i := range 6 {
		st := []store.Store{a, b}[i%2]
		wg.Go(func() {
			for range 3 {
				err := st.Exclusive(ctx, "curate", func(ctx context.Context) error {
					n := inside.Add(1)
					defer inside.Add(-1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					runs.Add(1)
					time.Sleep(5 * time.Millisecond)
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if most.Load() != 1 || runs.Load() != 18 {
		t.Errorf("%d runs, at most %d inside at once; want 18, 1", runs.Load(), most.Load())
	}
	// fn's error is Exclusive's, and the lock is free after it.
	boom := errors.New("boom")
	if err := a.Exclusive(ctx, "curate", func(context.Context) error { return boom }); !errors.Is(err, boom) {
		t.Errorf("Exclusive returned %v, want fn's error", err)
	}
	err := a.Exclusive(ctx, "curate", func(ctx context.Context) error {
		return b.Exclusive(ctx, "other", func(context.Context) error { return nil })
	})
	if err != nil {
		t.Errorf("a lock of another name while holding one: %v", err)
	}
}

func testExclusiveCancel(t *testing.T, a, b store.Store) {
	held := make(chan struct{})
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Exclusive(context.Background(), "curate", func(context.Context) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	ran := false
	err := b.Exclusive(ctx, "curate", func(context.Context) error { ran = true; return nil })
	if err == nil || ran {
		t.Errorf("Exclusive while another holds the lock: ran %v, err %v; want the context's error", ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// The waiter that gave up has not kept the lock.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel2()
	if err := b.Exclusive(ctx2, "curate", func(context.Context) error { return nil }); err != nil {
		t.Errorf("Exclusive once the lock is free: %v", err)
	}
}

// WatchWithin is how soon a watcher must hear of a write another process
// committed: the contract servers of one hub keep in step by.
const WatchWithin = 2 * time.Second

// NextGeneration waits for a generation other than last on ch, failing t
// when none comes within the time given or ch is closed.
func NextGeneration(t *testing.T, ch <-chan int64, last int64, within time.Duration) int64 {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case g, ok := <-ch:
			if !ok {
				t.Fatal("the watch channel closed")
			}
			if g != last {
				return g
			}
		case <-timeout:
			t.Fatalf("no generation after %d within %v", last, within)
		}
	}
}

func testWatch(t *testing.T, a, b store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := b.Watch(ctx)
	first := NextGeneration(t, ch, -1, 30*time.Second) // watching
	for i := range 3 {
		upsert(t, a, person(fmt.Sprintf("p%d", i), "Person", i))
		want, err := a.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		got := NextGeneration(t, ch, first, WatchWithin)
		for got != want {
			got = NextGeneration(t, ch, got, WatchWithin)
		}
		t.Logf("write %d heard of after %v", i, time.Since(start).Round(time.Millisecond))
		first = got
	}
}

func testWatchClose(t *testing.T, a, b store.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	ch := a.Watch(ctx)
	NextGeneration(t, ch, -1, 30*time.Second)
	cancel()
	timeout := time.After(30 * time.Second)
	for {
		select {
		case _, ok := <-ch:
			if !ok {
				return
			}
		case <-timeout:
			t.Fatal("the watch channel is still open after its context ended")
		}
	}
}

// pathLister is the lookup of taken paths a writer makes before it gives
// new records paths (ingest does); optional, checked where a store has it.
type pathLister interface {
	StoredPaths(ctx context.Context, paths []string) ([]string, error)
}

func testStoredPaths(t *testing.T, a, b store.Store) {
	pl, ok := b.(pathLister)
	if !ok {
		t.Skip("the store has no StoredPaths")
	}
	recs := []*model.Record{article("one", "One", hours(0)), article("two", "Two", hours(1))}
	upsert(t, a, recs...)
	ask := []string{recs[1].Path, "_news/2020-08-30-none.md", recs[0].Path, "bad\x00path", "_news/\xff.md"}
	got, err := pl.StoredPaths(context.Background(), ask)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	if want := []string{recs[0].Path, recs[1].Path}; !slices.Equal(got, want) {
		t.Errorf("StoredPaths(%q) = %q, want %q", ask, got, want)
	}
	// A path that is not UTF-8 (a news file named in Latin-1): StoredPaths
	// of it says what Get says of it, whether a store keeps it or not.
	latin1 := article("caf\xe9", "Caf\u00e9", hours(2))
	_ = a.Upsert(context.Background(), []*model.Record{latin1}) // a store may refuse it
	_, err = b.Get(context.Background(), latin1.Path)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	var want []string
	if err == nil {
		want = []string{latin1.Path}
	}
	got, err = pl.StoredPaths(context.Background(), []string{latin1.Path})
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("StoredPaths(%q) = %q, %v; want %q, as Get says", latin1.Path, got, err, want)
	}
	// A batch's paths, more than a store may look up at once: each stored
	// one is found once, whichever look-up it falls in.
	many := make([]*model.Record, 2500)
	ask = ask[:0]
	for i := range many {
		many[i] = article(fmt.Sprintf("many-%d", i), "Many", hours(2+i%40))
		ask = append(ask, many[i].Path, fmt.Sprintf("_news/2020-08-30-none-%d.md", i))
	}
	upsert(t, a, many...)
	got, err = pl.StoredPaths(context.Background(), ask)
	if err != nil {
		t.Fatal(err)
	}
	want = make([]string, len(many))
	for i, r := range many {
		want[i] = r.Path
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("StoredPaths of %d paths found %d, want the %d stored", len(ask), len(got), len(want))
	}
}
