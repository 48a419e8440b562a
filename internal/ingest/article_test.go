package ingest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"

	"newshub/internal/ingest/pagemeta"
	"newshub/internal/ingest/parser"
	"newshub/internal/ingest/scheduler"
	"newshub/internal/model"
)

// TestArticlesOfAPublisherShareItsNames checks that the articles of one
// publisher share one copy of its name and domain, and that the domain is
// no part of a page's address: a round holds tens of thousands of new
// records until their batch is stored, and a domain cut from the address
// would keep all of it in each.
func TestArticlesOfAPublisherShareItsNames(t *testing.T) {
	h := newHub(t, true)
	in := h.ingester(testOptions())
	defer in.Close()
	src := model.Source{URL: "https://news.example/feed.xml"}
	var got []model.Provider
	for i := range 2 {
		page := fmt.Sprintf("https://www.news.example/articles/%d?ref=feed", i)
		c := &candidate{item: parser.Item{Link: page}, page: page,
			meta: pagemeta.Meta{SiteName: strings.Clone("News Example")}}
		got = append(got, in.provider(src, feedHead{title: "Feed title"}, c))
	}
	for _, p := range got {
		if p.Name != "News Example" || p.Domain != "news.example" {
			t.Fatalf("provider %q %q, want \"News Example\" \"news.example\"", p.Name, p.Domain)
		}
	}
	if unsafe.StringData(got[0].Name) != unsafe.StringData(got[1].Name) {
		t.Error("two articles of one publisher hold two copies of its name")
	}
	if unsafe.StringData(got[0].Domain) != unsafe.StringData(got[1].Domain) {
		t.Error("two articles of one publisher hold two copies of its domain")
	}
}

// TestCandidatesKeepOnlyTheTextTheirArticlesTake checks that a candidate
// lets go of its item's HTML and keeps no more of its text than its
// article takes, and that the excerpts and titles cut from what it keeps
// are those cut from the whole text.
func TestCandidatesKeepOnlyTheTextTheirArticlesTake(t *testing.T) {
	tests := []struct{ name, text string }{
		{"empty", ""},
		{"short", "Polls are closed."},
		{"exactly the length", strings.Repeat("a", 200)},
		{"one rune more", strings.Repeat("é", 201)},
		{"long", strings.Repeat("Counting continues through the night at the county building. ", 40)},
		{"long, multi-byte", strings.Repeat("選挙結果は金曜日に確定する予定です。", 30)},
		{"a word across the cut", strings.Repeat("x", 195) + " averyverylongwordacrossthecut and more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &candidate{item: parser.Item{Summary: "<p>" + tt.text + "</p>", Content: "<div>" + tt.text + "</div>"}}
			c.keepText(tt.text, 200)
			if c.item.Summary != "" || c.item.Content != "" {
				t.Error("the candidate still holds its item's HTML")
			}
			if n := utf8.RuneCountInString(c.text); n > 201 {
				t.Errorf("kept %d runes, want at most 201", n)
			}
			for _, n := range []int{untitledLength, 200} {
				if got, want := parser.Truncate(c.text, n), parser.Truncate(tt.text, n); got != want {
					t.Errorf("cut at %d: %q, want %q", n, got, want)
				}
			}
		})
	}
}

// TestFullPostsGiveTheirArticlesExcerptsAndTitles checks a blog's feed
// giving each post whole in content:encoded: the excerpt is the summary's
// when there is one, else the post's first words, and an untitled post is
// titled by its first words.
func TestFullPostsGiveTheirArticlesExcerptsAndTitles(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed/" {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "full-posts.xml"))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		w.Write(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(srv.URL)))
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed/"})
	in := h.ingester(testOptions())
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	tests := []struct{ path, title, excerpt string }{
		{"/2024/11/06/levy-vote-count/", "Levy vote: what the count showed",
			"The school levy passed by 412 votes after a night of counting at the county building."},
		{"/2024/11/05/decompte-hotel-de-ville/", "Élection municipale : le décompte à l’hôtel de ville",
			"À l’hôtel de ville, les bénévoles ont ouvert les urnes à vingt heures précises. Les premières feuilles de décompte sont arrivées du quartier de la gare, où la participation a dépassé soixante pour ..."},
		{"/2024/11/05/council-note/", "Council will meet on Thursday at six to hear the clerk’s report on the count ...",
			"Council will meet on Thursday at six to hear the clerk’s report on the count, and the public may speak for three minutes each on any item of the agenda, the levy included. Sign up at the door from ..."},
	}
	for _, tt := range tests {
		a := news[srv.URL+tt.path]
		if a == nil {
			t.Errorf("%s not stored; have %v", tt.path, keys(news))
			continue
		}
		if a.Title != tt.title || a.Excerpt != tt.excerpt {
			t.Errorf("%s: title %q, excerpt %q; want %q, %q", tt.path, a.Title, a.Excerpt, tt.title, tt.excerpt)
		}
	}
}

// TestPostFootersAreLeftOutOfExcerpts serves a WordPress feed whose SEO
// plugin ends each post's text with its footer ("The post … appeared first
// on …", in the site's language), linking to the post and to the site,
// and whose theme ends a post cut short with a link to read on: the
// excerpt is the post's words without them. A last paragraph of the
// post's own that links to it stays, and so does a link post's link.
func TestPostFootersAreLeftOutOfExcerpts(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/feed/" {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join("testdata", "post-footers.xml"))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=UTF-8")
		w.Write(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(srv.URL)))
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed/"})
	opts := testOptions()
	opts.SkipPages = true
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	tests := []struct{ path, excerpt string }{
		{"/2024/11/06/ward-count/", "The last box from the ferry terminal was counted at 12:40."},
		{"/2024/11/05/wahlbeteiligung/?utm_source=rss&utm_medium=rss", "Bis 16 Uhr hatten 48 Prozent gewählt."},
		{"/2024/11/05/izmir-sayim/", "İzmir'de oylar İl Seçim Kurulu'nda sayılıyor. İlçelerin İlk sonuçları İnciraltı, İzmir Limanı ve İkiçeşmelik sandıklarından geldi."},
		{"/2024/11/05/polling-station/", "The station at the school hall is closed for repairs. Read the council's notice for the new hours."},
		{"/2024/11/04/council-budget/", "The council met on Monday to go over the budget line by line …"},
		{"/2024/11/04/ferry-fares/", "The fares stay where they are until spring, the operator said […]"},
		{"https://ballots.example/guide", "Worth reading before Tuesday: the guide to the new ballot"},
	}
	for _, tt := range tests {
		a := news[tt.path]
		if strings.HasPrefix(tt.path, "/") {
			a = news[srv.URL+tt.path]
		}
		if a == nil {
			t.Errorf("%s not stored; have %v", tt.path, keys(news))
			continue
		}
		if a.Excerpt != tt.excerpt {
			t.Errorf("%s: excerpt %q, want %q", tt.path, a.Excerpt, tt.excerpt)
		}
	}
}

// TestImpossibleFeedDatesGiveWayToThePages serves a feed whose items are
// dated Unix time's zero (a CMS's placeholder for no date) or years ahead:
// an article is dated by its page where the page gives a date, and by the
// time it was fetched where it gives none.
func TestImpossibleFeedDatesGiveWayToThePages(t *testing.T) {
	srv := impossibleDatesServer(t)
	fetched := time.Date(2024, 11, 6, 12, 0, 0, 0, time.UTC)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
	opts := testOptions()
	opts.Now = func() time.Time { return fetched }
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for path, want := range map[string]string{
		"/notices/sample-ballots": "2024-10-28T08:00:00Z",
		"/notices/canvass-board":  "2024-11-04T09:30:00Z",
		"/notices/observers":      "2024-11-06T12:00:00Z",
	} {
		a := news[srv.URL+path]
		if a == nil {
			t.Errorf("%s not stored; have %v", path, keys(news))
		} else if got := a.PublishedDateTime.Format(time.RFC3339); got != want {
			t.Errorf("%s dated %s, want %s", path, got, want)
		}
	}
}

// impossibleDatesServer serves testdata/impossible-dates.xml at
// /feed.xml, and the pages of its items: two dated (28 October and 4
// November 2024), one not.
func impossibleDatesServer(t *testing.T) *httptest.Server {
	t.Helper()
	feed, err := os.ReadFile(filepath.Join("testdata", "impossible-dates.xml"))
	if err != nil {
		t.Fatal(err)
	}
	return siteServer(t, map[string]string{
		"/feed.xml": string(feed),
		"/notices/sample-ballots": `<html><head><title>Sample ballots are mailed</title>
<meta property="article:published_time" content="2024-10-28T08:00:00+00:00"></head><body></body></html>`,
		"/notices/canvass-board": `<html><head><title>Canvass board</title><script type="application/ld+json">
{"@context":"https://schema.org","@type":"NewsArticle","headline":"Canvass board","datePublished":"2024-11-04T09:30:00Z"}</script></head><body></body></html>`,
		"/notices/observers": `<html><head><title>Observers sign in at the door</title></head><body></body></html>`,
	})
}

// TestFeedDatedUnixTimesZeroIsFetchedAsAnUndatedOne serves a feed whose
// every item is dated Unix time's zero: the feed says nothing of how often
// it publishes, and is fetched at the default interval, not at the longest
// one, as a feed with nothing new for a week is.
func TestFeedDatedUnixTimesZeroIsFetchedAsAnUndatedOne(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("testdata", "impossible-dates.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := siteServer(t, map[string]string{
		"/feed.xml": strings.ReplaceAll(string(feed), "Fri, 05 Nov 2077 10:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 +0000"),
	})
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
	opts := testOptions()
	opts.SkipPages = true
	in := h.ingester(opts)
	defer in.Close()
	if sum, err := in.RunOnce(context.Background()); err != nil || sum.New != 3 {
		t.Fatalf("%+v, %v", sum, err)
	}
	if got := h.state(t, srv.URL+"/feed.xml").Interval; got != scheduler.DefaultInterval {
		t.Errorf("fetched every %s, want %s", got, scheduler.DefaultInterval)
	}
}

// TestNewItemsLetGoOfTheirItemsHTML checks that the candidates a feed's
// new items become, held while their pages are read, no longer hold the
// items' HTML: a blog's post each, for every source reading its pages.
func TestNewItemsLetGoOfTheirItemsHTML(t *testing.T) {
	h := newHub(t, true)
	in := h.ingester(testOptions())
	defer in.Close()
	b, err := os.ReadFile(filepath.Join("testdata", "full-posts.xml"))
	if err != nil {
		t.Fatal(err)
	}
	const base = "https://civic.example"
	feed, err := parser.Parse(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(base)), "application/rss+xml", base+"/feed/")
	if err != nil {
		t.Fatal(err)
	}
	src := model.Source{URL: base + "/feed/"}
	r := &round{in: in, claimed: map[string]*claimant{}}
	cands, _, err := r.newItems(context.Background(), src, feed, &result{src: src})
	if err != nil {
		t.Fatal(err)
	}
	if len(cands) != 3 {
		t.Fatalf("%d candidates, want 3", len(cands))
	}
	for _, c := range cands {
		if c.item.Summary != "" || c.item.Content != "" || c.text == "" ||
			utf8.RuneCountInString(c.text) > in.textKept()+1 {
			t.Errorf("%s: summary %d bytes, content %d, text %d runes", c.item.Link, len(c.item.Summary), len(c.item.Content), utf8.RuneCountInString(c.text))
		}
	}
}

// TestItemTextLeavesOutTheTitleRepeated checks that an item whose text
// is its headline again, alone or with its publisher's name after it (an
// aggregator's description), gives no excerpt, where a text that starts
// with the headline and goes on does.
func TestItemTextLeavesOutTheTitleRepeated(t *testing.T) {
	for _, tt := range []struct {
		item parser.Item
		want string
	}{
		{parser.Item{Title: "Recount requested in District 9", Publisher: "Valley Wire",
			Summary: `<a href="https://news.google.com/rss/articles/CBMi" target="_blank">Recount requested in District 9</a>&nbsp;&nbsp;<font color="#6f6f6f">Valley Wire</font>`}, ""},
		{parser.Item{Title: "Polls close at 8", Summary: "<p>Polls close at 8</p>"}, ""},
		{parser.Item{Title: "Polls close at 8", Summary: "<p>Polls close at 8 in every ward, the clerk said.</p>"}, "Polls close at 8 in every ward, the clerk said."},
		{parser.Item{Title: "Polls close", Summary: "Polls close Valley Wire"}, "Polls close Valley Wire"},
	} {
		if got := itemText(tt.item); got != tt.want {
			t.Errorf("itemText(%q) = %q, want %q", tt.item.Summary, got, tt.want)
		}
	}
}
