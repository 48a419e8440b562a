package publish

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// waitFor calls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// touch writes one news record again, which moves the store generation.
func touch(t *testing.T, vs *Views) {
	t.Helper()
	ctx := context.Background()
	recs, err := vs.cfg.Store.News(ctx, store.NewsQuery{Limit: 1})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no news: %v", err)
	}
	recs[0].Article.Title += " (updated)"
	if err := vs.cfg.Store.Upsert(ctx, []*model.Record{recs[0]}); err != nil {
		t.Fatal(err)
	}
}

func TestViewsLoadOnceThenFollowTheStore(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Millisecond, Options: genOptions()})
	if vs.Loaded() != nil {
		t.Fatal("a view before any was asked for")
	}
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := vs.Current(ctx); again != v || vs.Loaded() != v {
		t.Error("a second view of an unchanged store")
	}
	touch(t, vs)
	waitFor(t, "a view of the new generation", func() bool {
		cur, err := vs.Current(ctx)
		return err == nil && cur.Generation() != v.Generation()
	})
}

// TestViewsSpaceReloads checks that writes within the least time between
// loads are not shown by Current, which keeps serving the view it has,
// while Fresh, for a static build, waits for the store as it is.
func TestViewsSpaceReloads(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Nanosecond, MinReload: time.Hour, Options: genOptions()})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	touch(t, vs)
	for range 5 {
		if cur, _ := vs.Current(ctx); cur.Generation() != v.Generation() {
			t.Fatal("a reload within the least time between loads")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fresh, err := vs.Fresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Generation() == v.Generation() {
		t.Error("Fresh gave the stale view")
	}
	if cur, _ := vs.Current(ctx); cur != fresh {
		t.Error("Current does not give the view Fresh loaded")
	}
}

// TestViewsRankAgainAsTheClockMoves checks that an old ranking is made
// again from the same load: same generation and documents, leads ranked
// at the new time.
func TestViewsRankAgainAsTheClockMoves(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	var now atomic.Int64
	now.Store(genNow.UnixNano())
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Nanosecond, RankEvery: time.Hour,
		Options: Options{Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }}})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now.Add(int64(30 * time.Minute))
	for range 5 {
		if cur, _ := vs.Current(ctx); cur != v {
			t.Fatal("ranked again before its time")
		}
		time.Sleep(10 * time.Millisecond)
	}
	now.Add(int64(31 * time.Minute))
	var cur *View
	waitFor(t, "a ranking at the new time", func() bool {
		cur, _ = vs.Current(ctx)
		return cur.Now().Equal(genNow.Add(61 * time.Minute))
	})
	if cur.Generation() != v.Generation() || !cur.ModTime().Equal(v.ModTime()) || cur.docs != v.docs {
		t.Error("ranking again loaded the store again")
	}
}
