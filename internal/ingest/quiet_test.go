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
	srcs := make([]model.Source, n)
	for i := range srcs {
		srcs[i] = model.Source{URL: fmt.Sprintf("%s/feed/%d.xml", srv.URL, i)}
	}
	h := newHub(t, true, srcs...)
	var logged bytes.Buffer
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	opts := testOptions()
	opts.SkipPages = true
	opts.Policy = scheduler.Policy{Min: 10 * time.Minute, Max: 10 * time.Minute, Default: 10 * time.Minute}
	opts.Now = func() time.Time { return now }
	opts.Log = slog.New(slog.NewTextHandler(&logged, nil)) // the default level, info
	in := h.ingester(opts)
	t.Cleanup(in.Close)
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
func firstLines(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	return strings.Join(lines[:min(n, len(lines))], "")
}
