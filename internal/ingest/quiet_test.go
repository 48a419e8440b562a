package ingest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/model"
)

// TestQuietRoundLogsNothingPerSource reads a hub of 200 sources twice;
// the second round finds nothing new: nine in ten answer 304 Not
// Modified, one in ten sends its feed again whole, broken as before, and
// read leniently again. At the default level that round logs no line of
// its own (Run adds the round's one summary line): a line a source a
// round is a line a minute for every ten feeds read every ten minutes,
// which fills a disk over months, and what each source's read found is in
// its state (explain, status) and at debug.
func TestQuietRoundLogsNothingPerSource(t *testing.T) {
	broken, err := os.ReadFile("testdata/invalid.xml")
	if err != nil {
		t.Fatal(err)
	}
	const empty = `<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/feed/%d.xml", &n)
		if n%10 == 0 {
			w.Write(broken)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(empty))
	}))
	t.Cleanup(srv.Close)
	const n = 200 // 1,000 take some 6 s: the lines counted are a source's each
	var logged bytes.Buffer
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	in := quietIngester(t, srv.URL, n, 0, &now, &logged)
	ctx := context.Background()
	if _, err := in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	logged.Reset()
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Due != n || sum.NotModified != n-n/10 || sum.New != 0 || sum.Failed != 0 {
		t.Fatalf("the second round: %+v, want %d due, %d not modified, none new or failed", sum, n, n-n/10)
	}
	if lines := strings.Count(logged.String(), "\n"); lines > 0 {
		t.Errorf("a quiet round of %d sources logged %d lines at info:\n%s", n, lines, firstLines(logged.String(), 5))
	}
}

// firstLines returns the first n lines of s.
// quietIngester reads n feeds of the server at base (base/feed/N.xml)
// every ten minutes, pauses a feed after pauseAfter failures (0: the
// default), reads the time from now and logs to logged at the default
// level, info.
func quietIngester(t *testing.T, base string, n, pauseAfter int, now *time.Time, logged *bytes.Buffer) *Ingester {
	srcs := make([]model.Source, n)
	for i := range srcs {
		srcs[i] = model.Source{URL: fmt.Sprintf("%s/feed/%d.xml", base, i)}
	}
	h := newHub(t, true, srcs...)
	opts := testOptions()
	opts.SkipPages = true
	opts.Policy = scheduler.Policy{Min: 10 * time.Minute, Max: 10 * time.Minute, Default: 10 * time.Minute, PauseAfter: pauseAfter}
	opts.Now = func() time.Time { return *now }
	opts.Log = slog.New(slog.NewTextHandler(logged, nil))
	in := h.ingester(opts)
	t.Cleanup(in.Close)
	return in
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}

// TestFailingSourcesLogAtWarnWhenTheyBeginAndWhenPaused reads 100 dead
// feeds round after round until they are paused, and 50 feeds of a host
// that asks the hub to wait an hour. At the default level a dead feed
// logs its failure when it begins and when it is paused, not at each
// retry between (a directory's thousand dead feeds were a thousand WARN
// lines a round), and the feeds its host holds back log no line of
// their own: the round's summary counts them.
func TestFailingSourcesLogAtWarnWhenTheyBeginAndWhenPaused(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		rounds []int // "source failed" lines at the default level, a round each
		held   bool  // sources held back by their host's wait
	}{
		{"dead feeds", http.StatusInternalServerError, []int{100, 0, 0, 100}, false},
		{"a host that asks to wait", http.StatusTooManyRequests, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.held {
					w.Header().Set("Retry-After", "3600")
				}
				http.Error(w, "not now", tc.status)
			}))
			t.Cleanup(srv.Close)
			n := 100
			if tc.held {
				n = 50
			}
			var logged bytes.Buffer
			now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
			in := quietIngester(t, srv.URL, n, 4, &now, &logged)
			for round, want := range tc.rounds {
				logged.Reset()
				if _, err := in.RunOnce(context.Background()); err != nil {
					t.Fatal(err)
				}
				if got := strings.Count(logged.String(), `msg="source failed"`); got != want {
					t.Errorf("round %d: %d sources' failures logged, want %d:\n%s", round+1, got, want, firstLines(logged.String(), 5))
				}
				now = now.Add(2 * time.Hour)
			}
			if !tc.held {
				return
			}
			sum, err := in.RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.HeldOff == 0 {
				t.Fatalf("no source held back by its host's wait: %+v", sum)
			}
			if got := strings.Count(logged.String(), "not asked"); got != 0 {
				t.Errorf("%d sources held back logged a line each at the default level:\n%s", got, firstLines(logged.String(), 5))
			}
		})
	}
}
