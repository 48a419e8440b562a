package ingest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
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

// TestPageReadLateFoldsIntoTheArticleItNames serves one story under two
// feeds of a host, the second's item under its own section, whose page
// names the first's address as canonical. Its page gets no turn in the
// round that stores it, and is read in the next: its article folds into
// the first's, which keeps or takes the lead of their story and gains
// what the page gave, and is purged, its keys kept, so that its feed does
// not bring it back, as a page read at once would have had it dropped.
func TestPageReadLateFoldsIntoTheArticleItNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		late string // more of the second feed's item
		// lateLeads says the second feed's article leads the story
		// before its page is read: a picture, a longer text.
		lateLeads bool
	}{
		{name: "the stored article leads"},
		{name: "the late article leads", lateLeads: true,
			late: `<pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<enclosure url="{{BASE}}/img/levy-vote.jpg" type="image/jpeg" length="1"/>
<description>The council passed the levy by seven votes to two, after a debate of four hours on the harbour's future,
its fees and the berths the fishing fleet is to keep; the levy is due from the spring, and the first of it goes to the quay.</description>`},
	} {
		for _, db := range []string{"sqlite", "postgres"} {
			t.Run(tc.name+"/"+db, func(t *testing.T) {
				foldLate(t, db, tc.late, tc.lateLeads)
			})
		}
	}
}

func foldLate(t *testing.T, db, late string, lateLeads bool) {
	var base string
	var mu sync.Mutex
	asked := map[string]int{}
	var second atomic.Bool // the second feed gives the story
	feed := `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbour Ledger</title><link>%[1]s/</link><description>News</description>%[2]s</channel></rss>`
	item := `<item><title>Council passes the harbour levy</title><link>%s</link>%s</item>`
	short := `<pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
<description>The council passed the levy by seven votes to two.</description>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/town/feed":
			fmt.Fprintf(w, feed, base, fmt.Sprintf(item, base+"/news/harbour-levy/", short))
		case "/politics/feed":
			items := ""
			if second.Load() {
				items = fmt.Sprintf(item, base+"/politics/harbour-levy/", cmp.Or(strings.ReplaceAll(late, "{{BASE}}", base), short))
			}
			fmt.Fprintf(w, feed, base, items)
		case "/news/harbour-levy/", "/politics/harbour-levy/":
			mu.Lock()
			asked[r.URL.Path]++
			mu.Unlock()
			fmt.Fprintf(w, `<html><head><title>Council passes the harbour levy</title>
<link rel="canonical" href="%[1]s/news/harbour-levy/">
<meta property="og:image" content="%[1]s/img%[2]s.jpg"><meta property="og:site_name" content="Harbour Ledger Online">
</head><body><p>News.</p></body></html>`, base, strings.TrimSuffix(r.URL.Path, "/"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	first, again := base+"/news/harbour-levy/", base+"/politics/harbour-levy/"
	h := newHubOn(t, db, true, model.Source{URL: base + "/town/feed"}, model.Source{URL: base + "/politics/feed"})
	opts := testOptions()
	opts.All, opts.IgnoreRobots = true, true
	ctx := context.Background()
	round := func(in *Ingester) Summary {
		t.Helper()
		sum, err := in.RunOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d new, pages %v, unread %+v, not stored %v", sum.New, sum.Pages, sum.Unread, sum.NotStored)
		return sum
	}
	leads := func() map[string]bool { // by original URL
		out := map[string]bool{}
		err := h.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
			out[r.Article.OriginalURL] = r.Article.Published
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	in := h.ingester(opts)
	defer in.Close()
	if sum := round(in); sum.New != 1 {
		t.Fatalf("first round: %d new, want the first feed's", sum.New)
	}

	// A turn every 500 ms, waited for no longer than 100 ms: the feeds
	// take the turns, and the second's page has none.
	second.Store(true)
	tight := opts
	tight.Fetch.PerHostRate, tight.Fetch.PerHostBurst, tight.Fetch.Timeout = 2, 1, 100*time.Millisecond
	slow := h.ingester(tight)
	defer slow.Close()
	if sum := round(slow); sum.New != 1 || sum.Unread.Kept != 1 {
		t.Fatalf("second round: %d new, %d pages kept unread; want the second feed's, its page kept", sum.New, sum.Unread.Kept)
	}
	if got, want := leads(), map[string]bool{first: !lateLeads, again: lateLeads}; !maps.Equal(got, want) {
		t.Fatalf("before the late page is read, published by address %v, want %v", got, want)
	}

	sum := round(in)
	if sum.Unread.Read != 1 || sum.Unread.Folded != 1 || sum.Unread.Unfolded != 0 {
		t.Errorf("third round: unread %+v; want the page read and its article folded", sum.Unread)
	}
	if got, want := leads(), map[string]bool{first: true}; !maps.Equal(got, want) {
		t.Errorf("after, published by address %v, want %v: the first article alone, leading its story", got, want)
	}
	purged, err := h.st.PurgedKeys(ctx, []string{curate.CanonicalURL(again), curate.CanonicalURL(first)})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := purged[curate.CanonicalURL(again)]; !ok || len(purged) != 1 {
		t.Errorf("tombstones %v, want the late article's address alone", purged)
	}

	// The second feed gives the story again: its item is dropped, its
	// page not read again.
	sum = round(in)
	if sum.New != 0 || sum.NotStored[ReasonPurged] != 1 {
		t.Errorf("fourth round: %d new, not stored %v; want the second feed's item dropped as %q", sum.New, sum.NotStored, ReasonPurged)
	}
	if asked["/politics/harbour-levy/"] != 1 || asked["/news/harbour-levy/"] != 1 {
		t.Errorf("pages asked for %v, want each once", asked)
	}
}

// TestPageOfAStagedArticleWaitsForItToBeStored has a round read a kept
// page whose article another worker stages meanwhile (once this round's
// writer is done), while a third holds the curate lock: the article is
// not stored yet, and its page is kept, not given up as one of an article
// gone; the next round stores the article, reads the page again, and the
// article gains what the page gave.
func TestPageOfAStagedArticleWaitsForItToBeStored(t *testing.T) {
	ctx := context.Background()
	var base string
	var once sync.Once
	var stage func() error
	asked, staged := make(chan struct{}), make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed":
			w.Write([]byte(`<?xml version="1.0"?><rss version="2.0"><channel><title>Ledger</title><link>` + base + `/</link></channel></rss>`))
		case "/2026/count/":
			once.Do(func() { staged <- stage(); close(asked) })
			fmt.Fprintf(w, `<html><head><title>Count begins</title><meta property="og:image" content="%s/img/count.jpg">
<meta property="og:site_name" content="Ledger Online"></head><body><p>News.</p></body></html>`, base)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	feed := srv.URL + "/feed"
	st, err := postgres.Open(ctx, pgtest.DSN(t)) // the store through which workers stage
	if err != nil {
		t.Fatal(err)
	}
	h := newHubIn(t, st, true, model.Source{URL: feed})
	sg := store.Stager(st)
	opts := testOptions()
	opts.All = true
	in := h.ingester(opts)
	defer in.Close()

	// Another worker kept the article's page unread, and stages the
	// article while the page is asked for.
	at := time.Date(2026, 6, 12, 9, 30, 0, 0, time.UTC)
	link := srv.URL + "/2026/count/"
	arrival := &model.Record{Kind: model.KindNews, Article: &model.Article{Title: "Count begins", Excerpt: "The count begins.",
		PublishedDateTime: at, OriginalURL: link, WebURL: link, CanonicalURL: link, GUID: link, Source: feed,
		Type: "article", Provider: model.Provider{Name: "Ledger", Domain: "127.0.0.1"}, FetchedAt: at}}
	stage = func() error { return sg.Stage(ctx, []store.Staged{{Source: feed, Record: arrival}}) }
	page := store.UnreadPage{URL: link, Article: link, Source: feed, Host: pageHost(link), Added: at}
	if _, err := h.st.AddUnreadPages(ctx, []store.UnreadPage{page}, maxUnreadPerHost); err != nil {
		t.Fatal(err)
	}

	// The worker curating holds the lock until the page is asked for.
	other := make(chan error, 1)
	holding := make(chan struct{})
	go func() {
		other <- h.st.Exclusive(ctx, curateLock, func(context.Context) error {
			close(holding)
			<-asked
			return nil
		})
	}()
	<-holding
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := cmp.Or(<-other, <-staged); err != nil {
		t.Fatal(err)
	}
	t.Logf("beside the curating worker: unread %+v", sum.Unread)
	if left, err := h.st.UnreadPages(ctx, maxUnreadPerHost); err != nil || len(left) != 1 || sum.Unread.Gone != 0 {
		t.Fatalf("%d pages kept (%v), %d counted gone; want the staged article's page kept", len(left), err, sum.Unread.Gone)
	}

	// The next round stores the staged article, then reads its page.
	if sum, err = in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	t.Logf("next round: unread %+v", sum.Unread)
	news := h.news(t)
	if len(news) != 1 {
		t.Fatalf("%d articles stored, want the staged one", len(news))
	}
	for _, a := range news {
		if len(a.Images) == 0 || a.Images[0].URL != base+"/img/count.jpg" {
			t.Errorf("article %s: images %v, want its page's", a.OriginalURL, a.Images)
		}
	}
	if left, err := h.st.UnreadPages(ctx, maxUnreadPerHost); err != nil || len(left) != 0 {
		t.Errorf("%d pages left unread (%v), want none", len(left), err)
	}
}
