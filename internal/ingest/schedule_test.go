package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// steppingClock is a clock that moves on by step at each reading: each
// source of a round is then fetched at a time of its own, as in a large
// round where fetches wait their turn.
type steppingClock struct {
	mu   sync.Mutex
	t    time.Time
	step time.Duration
}

func (c *steppingClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.t
	c.t = c.t.Add(c.step)
	return t
}

func (c *steppingClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestRoundsKeepTheirSourcesTogether checks that the sources a round
// fetched, each at its own time, are due again together, so the next
// round takes them all; and that a round takes the sources due a little
// after it begins rather than leaving each a round of its own.
func TestRoundsKeepTheirSourcesTogether(t *testing.T) {
	const n = 6
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %s</title><link>https://example.org/</link></channel></rss>`, r.URL.Path)
	}))
	defer srv.Close()
	var srcs []model.Source
	for i := range n {
		srcs = append(srcs, model.Source{URL: fmt.Sprintf("%s/feeds/%d.xml", srv.URL, i)})
	}
	h := newHub(t, true, srcs...)
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := &steppingClock{t: start, step: 5 * time.Second}
	opts := testOptions()
	opts.Now, opts.Workers = clock.now, 1
	interval := 10 * time.Minute // a source may be a minute early
	opts.Policy = scheduler.Policy{Min: interval, Max: interval, Default: interval}
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()

	// together checks that the sources are due again at one time, an
	// interval after the round that began at or after began did.
	together := func(began time.Time) time.Time {
		t.Helper()
		var at time.Time
		for _, s := range srcs {
			st := h.state(t, s.URL)
			if at.IsZero() {
				at = st.NextFetch
			}
			if round := at.Add(-interval); !st.NextFetch.Equal(at) || round.Before(began) || st.LastFetch.Before(round) {
				t.Fatalf("%s: fetched %s, next %s; want next %s, with the round's other sources", s.URL, st.LastFetch, st.NextFetch, at)
			}
		}
		return at
	}
	sum, err := in.RunOnce(ctx)
	if err != nil || sum.Due != n || sum.Failed != 0 {
		t.Fatalf("first round: %+v, %v", sum, err)
	}
	together(start)
	if st0, stn := h.state(t, srcs[0].URL), h.state(t, srcs[n-1].URL); st0.LastFetch.Equal(stn.LastFetch) {
		t.Fatalf("sources fetched at one time (%s): the clock does not step", st0.LastFetch)
	}

	// Due at times spread over less than a minute: one round takes all.
	next := start.Add(2 * interval)
	var states []store.SourceState
	for i, s := range srcs {
		st := h.state(t, s.URL)
		st.NextFetch = next.Add(time.Duration(i) * 10 * time.Second)
		states = append(states, st)
	}
	if err := h.st.PutSourceState(ctx, states...); err != nil {
		t.Fatal(err)
	}
	clock.set(next)
	if sum, err := in.RunOnce(ctx); err != nil || sum.Due != n {
		t.Fatalf("round at the first source's time: %+v, %v; want all %d sources", sum, err, n)
	}
	later := together(next)
	// A source due more than a minute after a round begins waits.
	st := h.state(t, srcs[0].URL)
	st.NextFetch = later.Add(2 * time.Minute)
	if err := h.st.PutSourceState(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock.set(later)
	if sum, err := in.RunOnce(ctx); err != nil || sum.Due != n-1 {
		t.Fatalf("round with one source due later: %+v, %v; want %d sources", sum, err, n-1)
	}
}

// TestFailedRoundsBackOff: a round that failed (a store refusing writes
// leaves every source due) was followed by the next a second later,
// logging its failure each time; rounds failing in a row wait twice as
// long each, up to the longest wait, and one that succeeds waits as
// before.
func TestFailedRoundsBackOff(t *testing.T) {
	now := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	due := now.Add(-time.Minute) // sources already due
	tests := []struct {
		next   time.Time
		failed int
		want   time.Duration
	}{
		{due, 0, time.Second},
		{now.Add(20 * time.Second), 0, 20 * time.Second},
		{time.Time{}, 0, maxRoundWait},
		{due, 1, 2 * time.Second},
		{due, 2, 4 * time.Second},
		{due, 3, 8 * time.Second},
		{due, 5, 32 * time.Second},
		{due, 6, maxRoundWait},
		{due, 60, maxRoundWait},
		{now.Add(20 * time.Second), 1, 20 * time.Second},
	}
	for _, tt := range tests {
		if got := roundWait(tt.next, now, tt.failed); got != tt.want {
			t.Errorf("roundWait(next in %v, %d failed) = %v, want %v", tt.next.Sub(now), tt.failed, got, tt.want)
		}
	}
}

// TestRunWakesForTheSourcesListed gives the store the states of a source
// listed, of one listed but disabled and of one removed from the list,
// the last two due long ago as they are fetched no more: Run sleeps until
// the listed one falls due, where the others' times, past for good, woke
// it every second for as long as it ran, each time reading every
// source's state and the list again to find nothing due.
func TestRunWakesForTheSourcesListed(t *testing.T) {
	off := false
	h := newHub(t, true, model.Source{URL: "https://news.example.org/feed.xml"},
		model.Source{URL: "https://off.example.org/feed.xml", Enabled: &off})
	ctx := context.Background()
	now := time.Now().Truncate(time.Second) // as the store keeps it
	due := now.Add(20 * time.Minute)
	if err := h.st.PutSourceState(ctx,
		store.SourceState{URL: "https://news.example.org/feed.xml", NextFetch: due},
		store.SourceState{URL: "https://off.example.org/feed.xml", NextFetch: now.Add(-72 * time.Hour)},
		store.SourceState{URL: "https://removed.example.org/feed.xml", NextFetch: now.Add(-30 * 24 * time.Hour)},
	); err != nil {
		t.Fatal(err)
	}
	in := h.ingester(testOptions())
	defer in.Close()
	if got := in.nextWake(ctx); !got.Equal(due) {
		t.Errorf("Run wakes at %s (in %v), want when the listed source falls due, in %v",
			got.Format(time.RFC3339), got.Sub(now).Round(time.Second), due.Sub(now).Round(time.Second))
	}
}

// TestRunWakesForASourceDueAtOnce: a source added, or resumed, while a
// round ran has no next fetch, or none set, and is due at once; Run
// passed it over and slept its longest wait, or until the next source it
// knew of fell due. One paused, or disabled, wakes it never.
func TestRunWakesForASourceDueAtOnce(t *testing.T) {
	const other = "https://other.example.org/feed.xml"
	off := false
	tests := []struct {
		name     string
		src      model.Source
		state    *store.SourceState // nil for a source never fetched
		resume   bool               // newshub sources resume
		wakesNow bool
	}{
		{"added", model.Source{URL: other}, nil, false, true},
		{"resumed after failures", model.Source{URL: other},
			&store.SourceState{URL: other, Errors: 3, NextFetch: time.Now().Add(6 * time.Hour)}, true, true},
		{"resumed from a pause", model.Source{URL: other},
			&store.SourceState{URL: other, Errors: 10, NextFetch: time.Now().Add(24 * time.Hour), Paused: true}, true, true},
		{"paused", model.Source{URL: other}, &store.SourceState{URL: other, Errors: 10, Paused: true}, false, false},
		{"disabled, never fetched", model.Source{URL: other, Enabled: &off}, nil, false, false},
		{"disabled", model.Source{URL: other, Enabled: &off}, &store.SourceState{URL: other}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			const news = "https://news.example.org/feed.xml"
			h := newHub(t, true, model.Source{URL: news}, tt.src)
			ctx := context.Background()
			now := time.Now().Truncate(time.Second) // as the store keeps it
			due := now.Add(20 * time.Minute)
			states := []store.SourceState{{URL: news, NextFetch: due}}
			if tt.state != nil {
				states = append(states, *tt.state)
			}
			if err := h.st.PutSourceState(ctx, states...); err != nil {
				t.Fatal(err)
			}
			if tt.resume {
				if err := sources.Resume(ctx, h.st, "", other); err != nil {
					t.Fatal(err)
				}
			}
			opts := testOptions()
			opts.Now = func() time.Time { return now }
			in := h.ingester(opts)
			defer in.Close()
			want := due
			if tt.wakesNow {
				want = now
			}
			if got := in.nextWake(ctx); !got.Equal(want) {
				t.Errorf("Run wakes at %s, want %s", got.Format(time.RFC3339), want.Format(time.RFC3339))
			}
		})
	}
}

// TestRoundsFollowTheClockStepped steps the hub's clock back a day, on a
// year, and back to where it was, as NTP or an operator does: each step
// has the sources read at the next round, a failing one's count of
// failures growing by one a round and no pause; and a round right after
// takes none. Set back, the sources were left unread for a day, and put
// right after a year ahead, for a year, their next fetches counted on the
// clock as it was.
func TestRoundsFollowTheClockStepped(t *testing.T) {
	var mu sync.Mutex
	asked := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked[r.URL.Path]++
		mu.Unlock()
		if r.URL.Path == "/down.xml" {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><link>https://example.org/</link></channel></rss>`)
	}))
	defer srv.Close()
	up, down := srv.URL+"/up.xml", srv.URL+"/down.xml"
	h := newHub(t, true, model.Source{URL: up}, model.Source{URL: down})
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := &steppingClock{t: start}
	opts := testOptions()
	opts.Now = clock.now
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	for i, at := range []time.Time{start, start.AddDate(0, 0, -1), start.AddDate(1, 0, 0), start} {
		clock.set(at)
		sum, err := in.RunOnce(ctx)
		if err != nil || sum.Due != 2 {
			t.Fatalf("round at %s: %+v, %v; want both sources due", at, sum, err)
		}
		mu.Lock()
		got := [2]int{asked["/up.xml"], asked["/down.xml"]}
		mu.Unlock()
		if want := [2]int{i + 1, i + 1}; got != want {
			t.Fatalf("round at %s: sources asked %v times, want %v", at, got, want)
		}
		if st := h.state(t, down); st.Errors != i+1 || st.Paused {
			t.Fatalf("round at %s: the failing source has %d failures, paused %v; want %d, not paused", at, st.Errors, st.Paused, i+1)
		}
		if st := h.state(t, up); !st.NextFetch.After(at) || st.NextFetch.Sub(at) > scheduler.DefaultMax {
			t.Fatalf("round at %s: next fetch %s, want within a day after", at, st.NextFetch)
		}
		clock.set(at.Add(time.Minute))
		if sum, err := in.RunOnce(ctx); err != nil || sum.Due != 0 {
			t.Fatalf("round a minute after %s: %+v, %v; want none due", at, sum, err)
		}
	}
}
