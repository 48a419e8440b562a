package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// rotatingFeeds serves at every path an RSS feed of three items that
// moves on by one item at each request of that path, as a feed read every
// round for months does: one new item a round, the oldest dropped.
type rotatingFeeds struct {
	mu    sync.Mutex
	asked map[string]int
}

func (f *rotatingFeeds) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.asked[r.URL.Path]++
	n := f.asked[r.URL.Path]
	f.mu.Unlock()
	name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/feeds/"), ".xml")
	var items strings.Builder
	for i := n; i > n-3 && i > 0; i-- {
		at := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&items, `<item><title>Election day %[2]d in %[1]s</title><link>https://example-news.com/%[1]s/%[2]d</link><guid>%[1]s-%[2]d</guid><pubDate>%[3]s</pubDate></item>`,
			name, i, at.Format(time.RFC1123Z))
	}
	w.Header().Set("Content-Type", "application/rss+xml")
	fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Feed %s</title><link>https://example-news.com/</link>%s</channel></rss>`,
		name, items.String())
}

// TestRoundsLeaveNoGoroutinesNorFiles runs 50 rounds over feeds that bring a new
// item each round, and a source that fails each round, and counts the
// goroutines and open files after the 5th round and after the 50th: a
// round's workers, writer, lease renewal and connections all end with it,
// so a hub that runs rounds for months holds as many as after its first.
func TestRoundsLeaveNoGoroutinesNorFiles(t *testing.T) {
	feeds := &rotatingFeeds{asked: map[string]int{}}
	mux := http.NewServeMux()
	mux.Handle("/feeds/", feeds)
	mux.HandleFunc("/broken.xml", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/a.xml"}, model.Source{URL: srv.URL + "/feeds/b.xml"},
		model.Source{URL: srv.URL + "/broken.xml"})
	opts := testOptions()
	opts.SkipPages, opts.All = true, true
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	const warm, rounds = 5, 50
	var base, baseFiles, stored int
	for i := 1; i <= rounds; i++ {
		sum, err := in.RunOnce(ctx)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		stored += sum.New
		if i == warm {
			base, baseFiles = runtime.NumGoroutine(), testutil.OpenFiles(t)
		}
	}
	if want := 2 * rounds; stored < want-2 {
		t.Fatalf("%d articles stored over %d rounds, want about %d: the rounds did not run as a hub's do", stored, rounds, want)
	}
	// A leak of one goroutine a round would leave 45 more.
	if n := testutil.SettledGoroutines(base); n > base+3 {
		t.Errorf("%d goroutines after %d rounds, %d after %d", n, rounds, base, warm)
	}
	if n := testutil.OpenFiles(t); n > baseFiles+3 {
		t.Errorf("%d files open after %d rounds, %d after %d", n, rounds, baseFiles, warm)
	}
}
