package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/metrics"
	"newshub/internal/metrics/metricstest"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// feedHost is a publisher's host that a test takes off the network and
// brings back at the same address: down, its address refuses connections;
// silent, it accepts them and never answers.
type feedHost struct {
	t    *testing.T
	addr string
	feed []byte
	srv  *httptest.Server

	mu    sync.Mutex
	mute  net.Listener
	conns []net.Conn
}

func newFeedHost(t *testing.T, site string) *feedHost {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "outage-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	h := &feedHost{t: t, feed: bytes.ReplaceAll(b, []byte("{{SITE}}"), []byte(site))}
	h.up()
	t.Cleanup(h.quiet)
	return h
}

func (h *feedHost) url() string { return "http://" + h.addr + "/feed.xml" }

// listen listens at the host's address, the one it had when it has one.
func (h *feedHost) listen() net.Listener {
	h.t.Helper()
	addr := h.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		h.t.Fatalf("listen at %s: %v", addr, err)
	}
	h.addr = ln.Addr().String()
	return ln
}

// up serves the feed.
func (h *feedHost) up() {
	h.quiet()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(h.feed)
	}))
	srv.Listener.Close()
	srv.Listener = h.listen()
	srv.Start()
	h.srv = srv
}

// down closes the address: connections are refused.
func (h *feedHost) down() {
	h.quiet()
}

// silent accepts connections at the address and never answers.
func (h *feedHost) silent() {
	h.quiet()
	ln := h.listen()
	h.mu.Lock()
	h.mute = ln
	h.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			h.mu.Lock()
			h.conns = append(h.conns, c)
			h.mu.Unlock()
		}
	}()
}

// quiet stops serving and listening.
func (h *feedHost) quiet() {
	if h.srv != nil {
		h.srv.Close()
		h.srv = nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.mute != nil {
		h.mute.Close()
		h.mute = nil
	}
	for _, c := range h.conns {
		c.Close()
	}
	h.conns = nil
}

// outageHub is a hub of sources each on a host of its own, read on a
// clock the test sets.
type outageHub struct {
	*hub
	hosts  []*feedHost
	in     *Ingester
	m      *metrics.Metrics
	scrape string // the address of its metrics
	opts   Options
	now    time.Time
	logged testutil.LogBuffer
}

// outageInterval is every source's interval, but those given one.
const outageInterval = 10 * time.Minute

func newOutageHub(t *testing.T, n int, intervals ...string) *outageHub {
	t.Helper()
	o := &outageHub{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	var srcs []model.Source
	for i := range n {
		fh := newFeedHost(t, fmt.Sprintf("courier-%d.example", i))
		o.hosts = append(o.hosts, fh)
		src := model.Source{URL: fh.url()}
		if i < len(intervals) {
			src.Interval = intervals[i]
		}
		srcs = append(srcs, src)
	}
	o.hub = newHub(t, true, srcs...)
	opts := testOptions()
	opts.SkipPages = true
	// A host that does not answer is given up on soon.
	opts.Fetch.ConnectTimeout, opts.Fetch.HeaderTimeout, opts.Fetch.Timeout = 100*time.Millisecond, 100*time.Millisecond, 150*time.Millisecond
	opts.Policy = scheduler.Policy{Min: outageInterval, Max: outageInterval, Default: outageInterval, PauseAfter: 2}
	opts.Now = func() time.Time { return o.now }
	opts.Log = slog.New(slog.NewTextHandler(&o.logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	o.m = metrics.New(metrics.Options{NoRuntime: true})
	srv := httptest.NewServer(o.m.Handler())
	t.Cleanup(srv.Close)
	o.scrape = srv.URL
	opts.Metrics = o.m
	o.opts = opts
	o.in = o.hub.ingester(opts)
	t.Cleanup(func() { o.in.Close() })
	return o
}

// restart has the next rounds run by another ingester of the hub: the
// ingest command run again by a timer, or serve restarted.
func (o *outageHub) restart() {
	o.in.Close()
	o.in = o.hub.ingester(o.opts)
}

// round runs a round at the time the first unpaused source is due.
func (o *outageHub) round(t *testing.T) Summary {
	t.Helper()
	states, err := o.st.SourceStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if next := (scheduler.Policy{}).NextWake(states, o.now); next.After(o.now) {
		o.now = next
	}
	sum, err := o.in.RunOnce(context.Background())
	if err != nil {
		t.Fatalf("round at %s: %v", o.now, err)
	}
	return sum
}

// source returns the state of the i'th source.
func (o *outageHub) source(t *testing.T, i int) store.SourceState {
	t.Helper()
	return o.state(t, o.hosts[i].url())
}

// networkDown reads newshub_ingest_network_down off the hub's metrics.
func (o *outageHub) networkDown(t *testing.T) float64 {
	t.Helper()
	v, ok := metricstest.Scrape(t, o.scrape).Value("newshub_ingest_network_down")
	if !ok {
		t.Fatal("no newshub_ingest_network_down in the metrics")
	}
	return v
}

// lines counts the log lines of the given level that hold what.
func (o *outageHub) lines(level, what string) int {
	n := 0
	for line := range strings.Lines(o.logged.String()) {
		if strings.Contains(line, "level="+level+" ") && strings.Contains(line, what) {
			n++
		}
	}
	return n
}

// An outage of the hub's own network, every host refusing connections or
// answering none, is no failure of its sources: their error counts do not
// grow, none is paused, each is due again after the hub's own wait, which
// doubles up to the shortest interval; one WARN line says the network is
// out, one line that it is back, and the next round reads every source.
func TestAnOutageOfTheHubsNetworkIsNoFailureOfItsSources(t *testing.T) {
	for _, c := range []struct {
		name string
		out  func(*feedHost)
	}{
		{"connections refused", (*feedHost).down},
		{"no answer", (*feedHost).silent},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 3
			o := newOutageHub(t, n)
			if sum := o.round(t); sum.Fetched != n {
				t.Fatalf("first round: %+v", sum)
			}
			for _, fh := range o.hosts {
				c.out(fh)
			}
			for _, wait := range []time.Duration{2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 10 * time.Minute} {
				sum := o.round(t)
				for i := range n {
					if s := o.source(t, i); s.Errors != 0 || s.Paused || !s.NextFetch.Equal(o.now.Add(wait)) {
						t.Fatalf("source %d after the round at %s: errors %d, paused %v, next fetch in %s; want 0, false, %s",
							i, o.now, s.Errors, s.Paused, s.NextFetch.Sub(o.now), wait)
					}
				}
				if sum.Due != n || sum.Failed != n || sum.NetworkOut != n {
					t.Fatalf("round at %s of the outage: due %d, failed %d, of them not counted %d; want %d each", o.now, sum.Due, sum.Failed, sum.NetworkOut, n)
				}
				if down := o.networkDown(t); down != 1 {
					t.Fatalf("newshub_ingest_network_down %v during the outage, want 1", down)
				}
			}
			// What ingest --once --metrics-file writes tells the outage's
			// failures from the feeds'.
			if v, ok := metricstest.Scrape(t, o.scrape).Value("newshub_ingest_fetches_not_counted_total"); !ok || v != 4*n {
				t.Errorf("newshub_ingest_fetches_not_counted_total %v (%v) after 4 rounds of the outage, want %d", v, ok, 4*n)
			}
			for _, fh := range o.hosts {
				fh.up()
			}
			if sum := o.round(t); sum.Fetched != n || sum.Failed != 0 {
				t.Fatalf("round once the network is back: %+v", sum)
			}
			if down := o.networkDown(t); down != 0 {
				t.Errorf("newshub_ingest_network_down %v once the network is back, want 0", down)
			}
			for i := range n {
				if s := o.source(t, i); s.Errors != 0 || s.Paused || !s.NextFetch.Equal(o.now.Add(outageInterval)) {
					t.Fatalf("source %d once the network is back: %+v", i, s)
				}
			}
			if out, back, failed := o.lines("WARN", "network out"), o.lines("INFO", "network back"), o.lines("WARN", "source failed"); out != 1 || back != 1 || failed != 0 {
				t.Errorf("logged %d WARN lines of the network out, %d lines of it back, %d WARN lines of sources failed; want 1, 1, 0\n%s",
					out, back, failed, o.logged.String())
			}
		})
	}
}

// Hosts that no fetch reached are their publishers' failures, counted as
// before, where the hub knows its network was up: a round reached another
// host; or the hosts were failing before, which says nothing new of the
// network (sources long down, due together on their backoff); or fewer
// than three hosts of sources that did not fail were not reached (one
// source due, its host down). A round that reaches a server again ends an
// outage, and the hosts it still does not reach fail from then on.
func TestHostsNotReachedWhileTheNetworkIsUpAreTheirFailures(t *testing.T) {
	for _, c := range []struct {
		name string
		n    int
		// intervals are the sources' own, by index ("" for none).
		intervals []string
		// steps run in turn before each round: hosts taken down and
		// brought back.
		steps []func(o *outageHub)
		// failing and paused are the sources' error counts and pauses
		// after the last round; counted are the failures the rounds
		// counted against the sources, in turn.
		failing []int
		paused  []bool
		counted []int
	}{
		{
			name: "one host down among three",
			n:    3,
			steps: []func(o *outageHub){
				func(o *outageHub) { o.hosts[0].down() },
				func(o *outageHub) {},
			},
			failing: []int{2, 0, 0},
			paused:  []bool{true, false, false},
			counted: []int{1, 1},
		},
		{
			name:      "hosts failing before, due alone",
			n:         4,
			intervals: []string{"", "", "", "1h"},
			steps: []func(o *outageHub){
				func(o *outageHub) { o.hosts[0].down(); o.hosts[1].silent(); o.hosts[2].down() },
				func(o *outageHub) {}, // the fourth source is not due
			},
			failing: []int{2, 2, 2, 0},
			paused:  []bool{true, true, true, false},
			counted: []int{3, 3},
		},
		{
			name: "one source due, its host down",
			n:    1,
			steps: []func(o *outageHub){
				func(o *outageHub) {},
				func(o *outageHub) { o.hosts[0].down() },
			},
			failing: []int{1},
			paused:  []bool{false},
			counted: []int{0, 1},
		},
		{
			name: "a host reached again ends the outage",
			n:    3,
			steps: []func(o *outageHub){
				func(o *outageHub) {},
				func(o *outageHub) {
					for _, fh := range o.hosts {
						fh.down()
					}
				},
				func(o *outageHub) { o.hosts[0].up() },
				func(o *outageHub) {},
			},
			failing: []int{0, 2, 2},
			paused:  []bool{false, true, true},
			counted: []int{0, 0, 2, 2},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			o := newOutageHub(t, c.n, c.intervals...)
			for i, step := range c.steps {
				step(o)
				sum := o.round(t)
				if got := sum.Failed - sum.NetworkOut; got != c.counted[i] {
					t.Errorf("round %d: %d failures counted against the sources (%d failed, %d not reached as the network was out), want %d",
						i+1, got, sum.Failed, sum.NetworkOut, c.counted[i])
				}
			}
			for i := range c.n {
				if s := o.source(t, i); s.Errors != c.failing[i] || s.Paused != c.paused[i] {
					t.Errorf("source %d: errors %d, paused %v; want %d, %v (%s)", i, s.Errors, s.Paused, c.failing[i], c.paused[i], s.LastStatus)
				}
			}
			if c.name == "a host reached again ends the outage" {
				if out, back := o.lines("WARN", "network out"), o.lines("INFO", "network back"); out != 1 || back != 1 {
					t.Errorf("logged %d lines of the network out, %d of it back; want 1 each\n%s", out, back, o.logged.String())
				}
			} else if out := o.lines("WARN", "network out"); out != 0 {
				t.Errorf("logged the network out %d times, want none\n%s", out, o.logged.String())
			}
		})
	}
}

// An ingest run by a timer (ingest --once) is a process a round: the
// outage goes on from the round the store logged last, so it is logged
// once, its wait doubles from run to run, and the run that reaches a
// server again says the network is back; and the hosts not reached in
// the runs before count toward it, as a sparse hub's rounds fetch one
// source or two.
func TestAnOutageGoesOnFromRunToRun(t *testing.T) {
	const n = 3
	o := newOutageHub(t, n, "", "12m", "14m") // due apart: one source a round
	for range n {
		o.round(t)
	}
	for _, fh := range o.hosts {
		fh.down()
	}
	counted := 0
	for range n {
		o.restart()
		sum := o.round(t)
		counted += sum.Failed - sum.NetworkOut
	}
	// The first two hosts could be down alone; the third makes an outage.
	if counted != 2 {
		t.Errorf("%d failures counted against the sources before the outage, want 2", counted)
	}
	var waits []time.Duration
	for range 3 {
		o.restart()
		if sum := o.round(t); sum.NetworkOut != sum.Due || sum.Due == 0 {
			t.Fatalf("round at %s of the outage: %+v", o.now, sum)
		}
		for i := range n {
			if s := o.source(t, i); s.LastFetch.Equal(o.now) {
				waits = append(waits, s.NextFetch.Sub(o.now))
				break
			}
		}
	}
	if want := []time.Duration{4 * time.Minute, 8 * time.Minute, 10 * time.Minute}; !slices.Equal(waits, want) {
		t.Errorf("the outage's waits from run to run: %v, want %v", waits, want)
	}
	for _, fh := range o.hosts {
		fh.up()
	}
	o.restart()
	if sum := o.round(t); sum.Fetched != sum.Due || sum.Due == 0 {
		t.Fatalf("round once the network is back: %+v", sum)
	}
	if out, back := o.lines("WARN", "network out"), o.lines("INFO", "network back"); out != 1 || back != 1 {
		t.Errorf("logged %d WARN lines of the network out, %d lines of it back; want 1 each\n%s", out, back, o.logged.String())
	}
}

// The hosts that rounds reaching no server did not reach are forgotten
// once no such round ran for long (the hub stopped for days): a round
// days later that reaches no server either judges by its own hosts. Two
// hosts went down before the stop and have failed since; days later a
// third is down, the only one of a source that had not failed: a
// publisher's failure, counted, where the two hosts kept from days before
// made three and an outage of the hub's network, counted against none.
func TestUnreachedHostsOfDaysAgoAreForgotten(t *testing.T) {
	for _, c := range []struct {
		name    string
		restart bool
	}{
		{"one worker all along", false},
		{"a worker started again", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			const n = 3
			o := newOutageHub(t, n, "", "12m", "14m") // due apart: one source a round
			for range n {
				o.round(t)
			}
			for _, fh := range o.hosts {
				fh.down()
			}
			counted := 0
			for range 2 {
				sum := o.round(t)
				counted += sum.Failed - sum.NetworkOut
			}
			if counted != 2 {
				t.Fatalf("%d failures counted of the two hosts down, want 2", counted)
			}
			o.now = o.now.Add(72 * time.Hour)
			if c.restart {
				o.restart()
			}
			sum := o.round(t)
			if sum.Due != n || sum.Failed != n || sum.NetworkOut != 0 {
				t.Errorf("round days later: due %d, failed %d, of them not counted %d; want %d, %d, 0", sum.Due, sum.Failed, sum.NetworkOut, n, n)
			}
			if out := o.lines("WARN", "network out"); out != 0 {
				t.Errorf("logged %d WARN lines of the network out, want none\n%s", out, o.logged.String())
			}
		})
	}
}
