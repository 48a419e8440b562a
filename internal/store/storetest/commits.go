package storetest

import (
	"context"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// committed reads st's Commit, failing t on an error.
func committed(t *testing.T, st store.Reader) store.Commit {
	t.Helper()
	c, err := st.Committed(context.Background())
	if err != nil {
		t.Fatalf("Committed: %v", err)
	}
	return c
}

// testCommitTimes checks that each generation a write makes is dated by
// its commit, after the one before and knowing its time, and that reads
// leave the date alone.
func testCommitTimes(t *testing.T, st store.Store) {
	ctx := context.Background()
	last := committed(t, st)
	rec := article("commit", "Commit", hours(0), "Election")
	for i, write := range []func() error{
		func() error { return st.Upsert(ctx, []*model.Record{rec}) },
		func() error { return st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml"}) },
		func() error { return st.Delete(ctx, rec.Path) },
	} {
		start := time.Now()
		if err := write(); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		end := time.Now()
		c := committed(t, st)
		if g := generation(t, st); c.Generation != g || g == last.Generation {
			t.Errorf("write %d: Committed is of generation %d, Generation %d, the one before %d", i, c.Generation, g, last.Generation)
		}
		// The store's clock may be another machine's: a minute apart at most.
		if c.At.Before(start.Add(-time.Minute)) || c.At.After(end.Add(time.Minute)) {
			t.Errorf("write %d: committed at %v, written between %v and %v", i, c.At, start, end)
		}
		if c.At.Before(last.At) || !c.Prior.Equal(last.At) {
			t.Errorf("write %d: committed at %v after %v, prior %v; want prior the time before and no earlier", i, c.At, last.At, c.Prior)
		}
		if again := committed(t, st); again != c {
			t.Errorf("write %d: Committed read %+v, then %+v with no write", i, c, again)
		}
		last = c
	}
}

// testCommitTimesAlike checks that two handles, as two processes have,
// read one generation's commit time alike.
func testCommitTimesAlike(t *testing.T, a, b store.Store) {
	upsert(t, a, article("alike", "Alike", hours(0), "Election"))
	ca, cb := committed(t, a), committed(t, b)
	if ca != cb || ca.At.IsZero() {
		t.Errorf("one generation read as %+v by one handle and %+v by the other", ca, cb)
	}
}
