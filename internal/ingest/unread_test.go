package ingest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestPagesLeftUnreadAreReadInTheNextRounds serves six feeds of one
// host, whose pages a round cannot all read at its rate: the articles are
// stored from their feeds, their pages left for later, and the next
// rounds read them, oldest first, each once, until every article has its
// page's picture and site name, in its stored record and
// its file.
func TestPagesLeftUnreadAreReadInTheNextRounds(t *testing.T) {
	var base string
	var mu sync.Mutex
	asked := map[string]int{}
	feed := strings.Replace(serverFeed, "<title>Harbour Ledger</title>", "", 1) // named by its pages alone
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch section, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); {
		case rest == "feed":
			w.Write(bytes.ReplaceAll([]byte(feed), []byte("{{BASE}}"), []byte(base+"/"+section)))
		case strings.HasPrefix(rest, "2026/"):
			mu.Lock()
			asked[r.URL.Path]++
			mu.Unlock()
			fmt.Fprintf(w, `<html><head><title>Harbour news</title>
<meta property="og:image" content="%s/img%s.jpg"><meta property="og:site_name" content="Harbour Ledger Online">
<meta name="description" content="The whole account of %s, as the page gives it to its readers.">
</head><body><p>News.</p></body></html>`, base, strings.TrimSuffix(r.URL.Path, "/"), r.URL.Path)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	var srcs []model.Source
	for _, section := range []string{"town", "port", "sport", "arts", "weather", "courts"} {
		srcs = append(srcs, model.Source{URL: srv.URL + "/" + section + "/feed"})
	}
	h := newHub(t, true, srcs...)
	opts := testOptions()
	// A turn every 33 ms, waited for no longer than 300 ms: a round
	// reads about half of the 18 pages.
	opts.Fetch.PerHostRate, opts.Fetch.PerHostBurst, opts.Fetch.Timeout = 30, 1, 300*time.Millisecond
	opts.All = true
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	var kept, read, completed int
	for round := 1; round <= 6; round++ {
		sum, err := in.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: %d new, pages %v, unread %+v", round, sum.New, sum.Pages, sum.Unread)
		kept, read, completed = kept+sum.Unread.Kept, read+sum.Unread.Read, completed+sum.Unread.Completed
		if round == 1 && (sum.New != 18 || sum.Unread.Kept == 0 || sum.Unread.Kept != sum.Pages[pageNoTurn]+sum.Pages[pageHostTimedOut]) {
			t.Fatalf("first round: %+v; want 18 new, the pages with no turn kept", sum)
		}
		if left, err := h.st.UnreadPages(ctx, maxUnreadPerHost); err != nil || len(left) == 0 {
			if err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	if read != kept || completed != kept {
		t.Errorf("%d pages kept unread, %d read later, %d articles completed: want all", kept, read, completed)
	}
	if left, err := h.st.UnreadPages(ctx, maxUnreadPerHost); err != nil || len(left) != 0 {
		t.Errorf("after six rounds, %d pages unread (%v)", len(left), err)
	}
	for p, n := range asked {
		if n != 1 {
			t.Errorf("page %s asked for %d times, want once", p, n)
		}
	}
	if len(asked) != 18 {
		t.Errorf("%d pages asked for, want 18", len(asked))
	}
	files := h.records(t)
	news := 0
	err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		news++
		a := r.Article
		link := strings.TrimPrefix(a.OriginalURL, base)
		img := base + "/img" + strings.TrimSuffix(link, "/") + ".jpg"
		if len(a.Images) == 0 || a.Images[0].URL != img || !strings.Contains(files[r.Path], img) {
			t.Errorf("%s: images %v, want %s, in its file too", link, a.Images, img)
		}
		if a.Provider.Name != "Harbour Ledger Online" {
			t.Errorf("%s: publisher %+v, want its page's site name", link, a.Provider)
		}
		return nil
	})
	if err != nil || news != 18 {
		t.Fatalf("%d news stored (%v), want 18", news, err)
	}
}
