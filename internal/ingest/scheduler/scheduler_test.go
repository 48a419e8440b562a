package scheduler

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"newshub/internal/store"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func ago(ds ...time.Duration) []time.Time {
	var out []time.Time
	for _, d := range ds {
		out = append(out, now.Add(-d))
	}
	return out
}

func TestIntervalAdaptsToPublishingRate(t *testing.T) {
	p := Policy{}
	tests := []struct {
		name       string
		configured time.Duration
		previous   time.Duration
		published  []time.Time
		want       time.Duration
	}{
		{"configured wins", 45 * time.Minute, 0, ago(time.Minute, 2*time.Minute), 45 * time.Minute},
		{"configured below the minimum is raised", time.Minute, 0, nil, 5 * time.Minute},
		{"configured above the maximum is kept", 72 * time.Hour, 0, ago(time.Minute, 2*time.Minute), 72 * time.Hour},
		{"busy feed hits the minimum", 0, 0, ago(time.Minute, 2*time.Minute, 3*time.Minute, 4*time.Minute), 5 * time.Minute},
		{"hourly feed", 0, 0, ago(time.Hour, 2*time.Hour, 3*time.Hour, 4*time.Hour), time.Hour},
		{"quiet for a week gets the maximum", 0, 0, ago(10*24*time.Hour, 20*24*time.Hour), 24 * time.Hour},
		{"daily feed", 0, 0, ago(24*time.Hour, 48*time.Hour, 72*time.Hour), 24 * time.Hour},
		{"undated items keep the previous interval", 0, 2 * time.Hour, []time.Time{{}, {}}, 2 * time.Hour},
		{"nothing known gives the default", 0, 0, nil, 30 * time.Minute},
		{"future dates count as now", 0, 0, []time.Time{now.Add(time.Hour), now.Add(2 * time.Hour), now.Add(-3 * time.Hour)}, time.Hour},
	}
	for _, tt := range tests {
		if got := p.Interval(tt.configured, tt.previous, tt.published, now); got != tt.want {
			t.Errorf("%s: Interval = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestEveryIsEverySourcesInterval checks the one interval serve
// --fetch-interval gives every source: configured or adapted, after a
// success or a failure.
func TestEveryIsEverySourcesInterval(t *testing.T) {
	p := Policy{Min: 10 * time.Second, Max: 10 * time.Second, Default: 10 * time.Second, Every: 10 * time.Second}
	for _, configured := range []time.Duration{0, time.Minute, 72 * time.Hour} {
		if got := p.Interval(configured, time.Hour, ago(time.Hour, 2*time.Hour), now); got != p.Every {
			t.Errorf("Interval(configured %s) = %s, want %s", configured, got, p.Every)
		}
	}
	st := store.SourceState{URL: "https://e.com/feed", Interval: 72 * time.Hour}
	p.Failure(&st, now, errors.New("fetch: 500 Internal Server Error"), 0)
	if wait := st.NextFetch.Sub(now); wait != p.Every {
		t.Errorf("after a failure, due in %s, want %s", wait, p.Every)
	}
}

// TestSourcesFetchedLessThanDailyKeepTheirInterval checks a source its
// operator has fetched every three days: its interval after a success,
// and its backoff after failures, which grows from that interval and no
// further.
func TestSourcesFetchedLessThanDailyKeepTheirInterval(t *testing.T) {
	p := Policy{}
	every := 72 * time.Hour
	var st store.SourceState
	p.Success(&st, now, now, "200 OK", p.Interval(every, 0, nil, now))
	if st.Interval != every || st.NextFetch.Sub(now) != every {
		t.Fatalf("after a success: interval %s, due in %s; want %s", st.Interval, st.NextFetch.Sub(now), every)
	}
	for i := range 2 {
		p.Failure(&st, now, errors.New("fetch: 503 Service Unavailable"), 0)
		if wait := st.NextFetch.Sub(now); wait != every {
			t.Errorf("failure %d: due in %s, want %s", i+1, wait, every)
		}
	}
}

// TestLongIntervalsBackOffWithoutOverflow checks sources whose operator
// gave intervals of decades, up to the longest a duration holds: each
// failure backs off by the interval itself, never by a doubling that
// wraps to a wait in the past (fetched at once, round after round).
func TestLongIntervalsBackOffWithoutOverflow(t *testing.T) {
	p := Policy{PauseAfter: 40}
	for _, every := range []time.Duration{
		200000 * time.Hour,           // some 23 years: the fifth failure's wait wraps
		100000 * 24 * time.Hour,      // the longest interval in days: the second's wraps
		1<<62 + 1,                    // past half the longest duration
		time.Duration(math.MaxInt64), // the longest
	} {
		var st store.SourceState
		p.Success(&st, now, now, "200 OK", p.Interval(every, 0, nil, now))
		for i := range 40 {
			p.Failure(&st, now, errors.New("fetch: 503 Service Unavailable"), 0)
			if wait := st.NextFetch.Sub(now); wait != every {
				t.Errorf("interval %s, failure %d: due in %s, want %s", every, i+1, wait, every)
				break
			}
		}
	}
}

// TestBackoffStopsAtItsLimit checks the doubling of a short interval over
// many failures in a row (a source paused late, or resumed into the same
// fault): it grows to the limit and stays there.
func TestBackoffStopsAtItsLimit(t *testing.T) {
	p := Policy{PauseAfter: 100}
	st := store.SourceState{URL: "https://e.com/feed", Interval: 10 * time.Minute}
	prev := time.Duration(0)
	for i := range 100 {
		p.Failure(&st, now, errors.New("fetch: 500 Internal Server Error"), 0)
		wait := st.NextFetch.Sub(now)
		if wait < prev || wait > DefaultMax {
			t.Fatalf("failure %d: due in %s after %s; want it to grow to %s", i+1, wait, prev, DefaultMax)
		}
		prev = wait
	}
	if prev != DefaultMax {
		t.Errorf("after 100 failures due in %s, want %s", prev, DefaultMax)
	}
}

func TestFailureBacksOffThenPauses(t *testing.T) {
	p := Policy{PauseAfter: 4}
	st := store.SourceState{URL: "https://e.com/feed", Interval: 10 * time.Minute}
	var waits []time.Duration
	for i := 0; i < 4; i++ {
		p.Failure(&st, now, errors.New("fetch: 500 Internal Server Error"), 0)
		waits = append(waits, st.NextFetch.Sub(now))
		if st.Errors != i+1 {
			t.Fatalf("errors = %d", st.Errors)
		}
	}
	want := []time.Duration{10 * time.Minute, 20 * time.Minute, 40 * time.Minute, 80 * time.Minute}
	for i := range want {
		if waits[i] != want[i] {
			t.Fatalf("backoff %v, want %v", waits, want)
		}
	}
	if !st.Paused || p.Due(st, now.Add(48*time.Hour)) {
		t.Fatal("source not paused after 4 failures")
	}
	if !strings.Contains(st.LastStatus, "500") {
		t.Fatalf("status %q", st.LastStatus)
	}
	Resume(&st)
	if !p.Due(st, now) || st.Errors != 0 {
		t.Fatal("resume")
	}
	p.Success(&st, now, now, "200 OK", time.Hour)
	if st.Errors != 0 || st.NextFetch != now.Add(time.Hour) || st.LastSuccess != now {
		t.Fatalf("success: %+v", st)
	}
}

// A fetch not sent while its host's wait runs is no failure: the error
// count and the backoff stay, and no round begun before the wait is over
// takes the source.
func TestNotAskedWaitsForItsHostWithoutFailing(t *testing.T) {
	p := Policy{}
	until := now.Add(time.Hour)
	st := store.SourceState{Interval: 30 * time.Minute, Errors: 1, NextFetch: now}
	p.NotAsked(&st, now, errors.New("not asked: its host asked to wait"), until)
	if st.Errors != 1 || st.Paused || !strings.Contains(st.LastStatus, "not asked") {
		t.Fatalf("state %+v", st)
	}
	if p.RoundTakes(st, until.Add(-time.Second)) || !p.RoundTakes(st, until) {
		t.Fatalf("next fetch at %s, want a round at the wait's end to take it and none before", st.NextFetch.Sub(now))
	}
}

// TestFailureHonoursRetryAfter checks that no round takes a source before
// the Retry-After its server gave is over, though rounds take sources a
// little before they are due, and that one begun then does; a backoff
// longer than the Retry-After is kept.
func TestFailureHonoursRetryAfter(t *testing.T) {
	p := Policy{}
	for _, c := range []struct {
		name       string
		st         store.SourceState
		retryAfter time.Duration
		due        time.Duration // when a round first takes the source
	}{
		{"longer than the backoff", store.SourceState{Interval: 5 * time.Minute}, 3 * time.Hour, 3 * time.Hour},
		{"just under the backoff", store.SourceState{Interval: 30 * time.Minute}, 29 * time.Minute, 29*time.Minute + 30*time.Second},
		{"the backoff's length", store.SourceState{Interval: 30 * time.Minute, Errors: 1}, time.Hour, time.Hour},
		{"shorter than the backoff", store.SourceState{Interval: 5 * time.Minute, Errors: 5}, time.Second, 160*time.Minute - 30*time.Second},
	} {
		st := c.st
		p.Failure(&st, now, errors.New("503 Service Unavailable"), c.retryAfter)
		if p.RoundTakes(st, now.Add(c.due-time.Second)) || !p.RoundTakes(st, now.Add(c.due)) {
			t.Errorf("%s: next fetch %s after the failure, want a round first taking it %s after", c.name, st.NextFetch.Sub(now), c.due)
		}
	}
}

func TestDue(t *testing.T) {
	p := Policy{}
	st := store.SourceState{URL: "a", NextFetch: now.Add(time.Hour)}
	if p.Due(st, now) || !p.Due(st, now.Add(time.Hour)) || !p.Due(store.SourceState{}, now) {
		t.Fatal("Due")
	}
}

// TestDueOnAClockSetBack checks a source last fetched ahead of now: on a
// clock since set back further than workers' clocks are apart, it is due
// at once, and wakes the loop now; on another worker's clock a little
// ahead, it waits its time. Not asked then, as its host asked to wait, it
// waits for its host, where every round took it again.
func TestDueOnAClockSetBack(t *testing.T) {
	p := Policy{}
	tests := []struct {
		name  string
		ahead time.Duration // the last fetch's ahead of now
		due   bool
	}{
		{"fetched before now", -time.Minute, false},
		{"another worker's clock ahead", 10 * time.Minute, false},
		{"as far ahead as clocks may be apart", store.ClockSkew, false},
		{"clock set back a day", 24 * time.Hour, true},
		{"clock set back a year", 365 * 24 * time.Hour, true},
	}
	for _, tt := range tests {
		fetched := now.Add(tt.ahead)
		st := store.SourceState{URL: "a", LastFetch: fetched, NextFetch: fetched.Add(30 * time.Minute)}
		if got := p.Due(st, now); got != tt.due {
			t.Errorf("%s: due %v, want %v", tt.name, got, tt.due)
		}
		if got := p.NextWake([]store.SourceState{st}, now); got.Equal(now) != tt.due {
			t.Errorf("%s: wakes at %s, want now %v", tt.name, got, tt.due)
		}
		if st.Paused = true; p.Due(st, now) {
			t.Errorf("%s: paused, due", tt.name)
		}
		st.Paused = false
		p.NotAsked(&st, now, errors.New("not asked: its host asked to wait"), now.Add(time.Hour))
		if p.RoundTakes(st, now.Add(time.Minute)) || !p.RoundTakes(st, now.Add(time.Hour)) {
			t.Errorf("%s: not asked, next fetch %s, last %s; want a round at the wait's end to take it and none before", tt.name, st.NextFetch, st.LastFetch)
		}
	}
}

// TestNextWake checks that a source with no next fetch set (never
// fetched, or resumed) wakes the loop now, as it is due, where it was
// passed over and the loop slept its longest wait; and that a paused
// source wakes it never, whatever its time.
func TestNextWake(t *testing.T) {
	hour := store.SourceState{URL: "a", NextFetch: now.Add(time.Hour)}
	soon := store.SourceState{URL: "b", NextFetch: now.Add(10 * time.Minute)}
	resumed := store.SourceState{URL: "r"}
	tests := []struct {
		name   string
		states []store.SourceState
		want   time.Time
	}{
		{"the earliest", []store.SourceState{hour, soon, {URL: "c", NextFetch: now.Add(-time.Minute), Paused: true}}, soon.NextFetch},
		{"resumed, listed last", []store.SourceState{hour, soon, resumed}, now},
		{"resumed, listed first", []store.SourceState{resumed, hour, soon}, now},
		{"resumed alone", []store.SourceState{resumed}, now},
		{"due before now", []store.SourceState{resumed, {URL: "d", NextFetch: now.Add(-time.Minute)}}, now.Add(-time.Minute)},
		{"paused with no next fetch", []store.SourceState{{URL: "p", Paused: true}, hour}, hour.NextFetch},
		{"all paused", []store.SourceState{{URL: "p", Paused: true}, {URL: "q", NextFetch: now, Paused: true}}, time.Time{}},
		{"none", nil, time.Time{}},
	}
	for _, tt := range tests {
		if got := (Policy{}).NextWake(tt.states, now); !got.Equal(tt.want) {
			t.Errorf("%s: NextWake = %s, want %s", tt.name, got, tt.want)
		}
	}
}

// TestRoundKeepsItsSourcesTogether checks that the sources a round
// fetches are due again together, an interval after the round began,
// unless a fetch waited in the round longer than a source may be early;
// and that a round takes the sources due a little after it begins.
func TestRoundKeepsItsSourcesTogether(t *testing.T) {
	p := Policy{Min: 10 * time.Minute} // gather: 1 minute
	tests := []struct {
		name    string
		round   time.Time
		fetched time.Duration // after the round began
		want    time.Time
	}{
		{"fetched as the round began", now, 0, now.Add(time.Hour)},
		{"fetched later in the round", now, 40 * time.Second, now.Add(time.Hour)},
		{"fetched a gather after", now, time.Minute, now.Add(time.Hour)},
		{"waited longer in the round", now, 3 * time.Minute, now.Add(3*time.Minute + time.Hour)},
		{"no round", time.Time{}, 0, now.Add(time.Hour)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st store.SourceState
			fetched := now.Add(tt.fetched)
			p.Success(&st, tt.round, fetched, "200 OK", time.Hour)
			if !st.NextFetch.Equal(tt.want) || !st.LastFetch.Equal(fetched) || !st.LastSuccess.Equal(fetched) {
				t.Fatalf("next %s, last fetch %s, last success %s; want next %s, fetched %s", st.NextFetch, st.LastFetch, st.LastSuccess, tt.want, fetched)
			}
		})
	}
	for _, tt := range []struct {
		next time.Duration // after the round begins
		take bool
	}{{-time.Hour, true}, {0, true}, {59 * time.Second, true}, {time.Minute, true}, {61 * time.Second, false}, {time.Hour, false}} {
		st := store.SourceState{NextFetch: now.Add(tt.next)}
		if got := p.RoundTakes(st, now); got != tt.take {
			t.Errorf("due %s after the round begins: taken %v, want %v", tt.next, got, tt.take)
		}
		if st.Paused = true; p.RoundTakes(st, now) {
			t.Errorf("paused source due %s after the round begins: taken", tt.next)
		}
	}
}

func TestClipKeepsUTF8(t *testing.T) {
	s := clip(strings.Repeat("é", 400))
	if !strings.HasSuffix(s, "…") || len(s) > maxStatus+4 {
		t.Fatalf("clip len %d", len(s))
	}
	for _, r := range strings.TrimSuffix(s, "…") {
		if r != 'é' {
			t.Fatal("cut inside a rune")
		}
	}
}

// A source the hub's own network did not let it reach keeps its error
// count and is due again after the hub's outage wait, which doubles from
// a fifth of the shortest interval up to it (Every's, when set), however
// long the outage.
func TestUnreachedWaitsOutTheOutageWithoutFailing(t *testing.T) {
	for _, c := range []struct {
		name   string
		policy Policy
		want   []time.Duration // the waits of the outage's rounds 1, 2, ...
	}{
		{"defaults", Policy{}, []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 5 * time.Minute, 5 * time.Minute}},
		{"shortest interval of an hour", Policy{Min: time.Hour}, []time.Duration{12 * time.Minute, 24 * time.Minute, 48 * time.Minute, time.Hour}},
		{"every", Policy{Min: time.Minute, Max: time.Minute, Every: time.Minute}, []time.Duration{time.Minute, time.Minute}},
	} {
		t.Run(c.name, func(t *testing.T) {
			for i, want := range c.want {
				if got := c.policy.OutageWait(i + 1); got != want {
					t.Errorf("round %d of the outage: wait %s, want %s", i+1, got, want)
				}
			}
			if got := c.policy.OutageWait(math.MaxInt32); got != c.want[len(c.want)-1] {
				t.Errorf("after many rounds: wait %s, want %s", got, c.want[len(c.want)-1])
			}
			st := store.SourceState{Interval: 30 * time.Minute, Errors: 2, NextFetch: now}
			c.policy.Unreached(&st, now, now, errors.New("dial tcp: connect: network is unreachable"), c.want[0])
			if st.Errors != 2 || st.Paused || !st.NextFetch.Equal(now.Add(c.want[0])) || !st.LastFetch.Equal(now) || !strings.Contains(st.LastStatus, "unreachable") {
				t.Fatalf("state %+v", st)
			}
		})
	}
}
