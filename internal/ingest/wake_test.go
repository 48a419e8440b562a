package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// sleepLog is a slog.Handler that tells on slept when Run goes to sleep
// until its next round.
type sleepLog struct{ slept chan struct{} }

func (h sleepLog) Enabled(context.Context, slog.Level) bool { return true }
func (h sleepLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h sleepLog) WithGroup(string) slog.Handler            { return h }

func (h sleepLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "ingest: next round" {
		select {
		case h.slept <- struct{}{}:
		default:
		}
	}
	return nil
}

// feedCounter serves an RSS feed of one item at every path, with an
// ETag, answering 304 to a request that names it. It counts the requests
// by path, telling each on ch, and records whether the last one of a path
// was conditional.
type feedCounter struct {
	mu          sync.Mutex
	asked       map[string]int
	conditional map[string]bool
	ch          chan string
}

func newFeedCounter() *feedCounter {
	return &feedCounter{asked: map[string]int{}, conditional: map[string]bool{}, ch: make(chan string, 8)}
}

func (f *feedCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.asked[r.URL.Path]++
	f.conditional[r.URL.Path] = r.Header.Get("If-None-Match") != ""
	f.mu.Unlock()
	select {
	case f.ch <- r.URL.Path:
	default:
	}
	w.Header().Set("ETag", `"v1"`)
	if r.Header.Get("If-None-Match") == `"v1"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %[1]s</title><link>https://example-news.com/</link>
<item><title>Election results in %[1]s</title><link>https://example-news.com%[1]s/results</link><guid>%[1]s-1</guid><pubDate>Sun, 01 Mar 2026 12:00:00 GMT</pubDate></item>
</channel></rss>`, r.URL.Path)
}

func (f *feedCounter) count(p string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.asked[p]
}

func (f *feedCounter) wasConditional(p string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.conditional[p]
}

// TestRunWakesForASourceChanged: a source added, resumed after failures
// or enabled again while Run sleeps (the one source it read due in half an
// hour, so for its longest wait) is read a second or so after the change,
// where Run slept through it until its next check, up to a minute on. The
// round's own writes, and the change, do not have the source read before
// read again.
func TestRunWakesForASourceChanged(t *testing.T) {
	off := false
	tests := []struct {
		name   string
		listed bool               // the other source is listed from the start
		src    model.Source       // as listed
		state  *store.SourceState // nil for a source never fetched
		change func(t *testing.T, st store.Store, url string)
	}{
		{"added", false, model.Source{}, nil, func(t *testing.T, st store.Store, url string) {
			changeList(t, st, func(l *sources.List) {
				if err := l.Add(model.Source{URL: url}); err != nil {
					t.Fatal(err)
				}
			})
		}},
		{"resumed from a pause", true, model.Source{}, &store.SourceState{Errors: 10, Paused: true, NextFetch: time.Now().Add(24 * time.Hour)}, resume},
		{"enabled again", true, model.Source{Enabled: &off}, nil, resume},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			feeds := newFeedCounter()
			srv := httptest.NewServer(feeds)
			defer srv.Close()
			news, other := srv.URL+"/feeds/news.xml", srv.URL+"/feeds/other.xml"
			srcs := []model.Source{{URL: news}}
			if tt.listed {
				src := tt.src
				src.URL = other
				srcs = append(srcs, src)
			}
			h := newHub(t, true, srcs...)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.state != nil {
				s := *tt.state
				s.URL = other
				if err := h.st.PutSourceState(ctx, s); err != nil {
					t.Fatal(err)
				}
			}
			log := sleepLog{slept: make(chan struct{}, 1)}
			opts := testOptions()
			opts.SkipPages, opts.Log = true, slog.New(log)
			in := h.ingester(opts)
			defer in.Close()
			ran := make(chan error, 1)
			go func() { ran <- in.Run(ctx) }()
			timeout := time.After(20 * time.Second)
			// until waits for Run to log its sleep, or for the feed at
			// path to be asked for.
			until := func(what, path string) {
				t.Helper()
				for {
					select {
					case <-log.slept:
						if path == "" {
							return
						}
					case p := <-feeds.ch:
						if p == path {
							return
						}
					case err := <-ran:
						t.Fatalf("Run returned %v before %s", err, what)
					case <-timeout:
						t.Fatalf("%s: not within 20s", what)
					}
				}
			}
			until("the first round", "")
			if n := feeds.count("/feeds/news.xml"); n != 1 {
				t.Fatalf("first round: news feed asked %d times, want 1", n)
			}
			tt.change(t, h.st, other)
			until("the source changed read (Run slept through the change)", "/feeds/other.xml")
			cancel()
			if err := <-ran; err != nil {
				t.Fatal(err)
			}
			if n := feeds.count("/feeds/news.xml"); n != 1 {
				t.Errorf("news feed asked %d times, want once: Run woke it before it fell due", n)
			}
		})
	}
}

// resume resumes the source at url, as newshub sources resume does.
func resume(t *testing.T, st store.Store, url string) {
	t.Helper()
	if err := sources.Resume(context.Background(), st, "", url); err != nil {
		t.Fatal(err)
	}
}
