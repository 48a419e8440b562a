package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newshub/internal/store"
)

// Search limits.
const (
	searchPageSize = 20
	searchMaxPage  = 500
)

// searchSpans are the time filters a search may use.
var searchSpans = []struct {
	Key, Label string
	Span       time.Duration
}{
	{"", "Any time", 0},
	{"day", "Past 24 hours", 24 * time.Hour},
	{"week", "Past week", 7 * 24 * time.Hour},
	{"month", "Past month", 30 * 24 * time.Hour},
	{"year", "Past year", 365 * 24 * time.Hour},
}

// searchRequest is a parsed search: what the user asked and the store query.
type searchRequest struct {
	Text, TopicID, When string
	Page                int
	q                   store.SearchQuery
}

// parseSearch reads q, topic, when and page; a wrong value is a badRequest
// that says what to change.
func (w *Web) parseSearch(s *snapshot, v url.Values) (*searchRequest, error) {
	req := &searchRequest{Text: strings.TrimSpace(v.Get("q")), TopicID: v.Get("topic"), When: v.Get("when"), Page: 1}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > searchMaxPage {
			return req, &badRequest{fmt.Sprintf("page must be a whole number from 1 to %d, not %q", searchMaxPage, p)}
		}
		req.Page = n
	}
	req.q = store.SearchQuery{Text: req.Text, Offset: (req.Page - 1) * searchPageSize, Limit: searchPageSize, RankLimit: w.rankLimit}
	if req.TopicID != "" {
		t := s.site.TopicByID(req.TopicID)
		if t == nil {
			return req, &badRequest{fmt.Sprintf("there is no topic %q: leave topic empty or use one of the topic ids in the menu", req.TopicID)}
		}
		// The root topic is the whole hub, as in the API's lists: searching
		// within it is searching everything, without the cost of a filter.
		if t != s.site.Root() {
			req.q.Topic = t.Name
		}
	}
	found := false
	for _, sp := range searchSpans {
		if sp.Key == req.When {
			found = true
			if sp.Span > 0 {
				req.q.Since = s.now.Add(-sp.Span)
			}
		}
	}
	if !found {
		return req, &badRequest{fmt.Sprintf("when must be one of day, week, month or year (or empty), not %q", req.When)}
	}
	return req, nil
}

type searchData struct {
	Req     *searchRequest
	Cards   []*card
	Total   int
	Ranked  int  // how many of Total pages reach (the store ranks a bounded set)
	Capped  bool // more than Total match
	Pages   int
	Error   string
	Topics  []navItem // id in Path
	Spans   []spanOption
	PageURL []pageLink
}

type spanOption struct {
	Key, Label string
	Selected   bool
}

// searchPage renders the search page. A bad query gives the page with the
// message and status 400.
func (w *Web) searchPage(ctx context.Context, s *snapshot, v url.Values, static bool) (*page, error) {
	pg := w.newPage(s, "search", "search/", "Search")
	pg.NoIndex = true
	pg.Static = static
	d := &searchData{}
	pg.Data = d
	for _, t := range s.site.Topics {
		d.Topics = append(d.Topics, navItem{Name: t.Name, Path: t.ID})
	}
	req, err := w.parseSearch(s, v)
	d.Req = req
	pg.Query = req.Text
	for _, sp := range searchSpans {
		d.Spans = append(d.Spans, spanOption{Key: sp.Key, Label: sp.Label, Selected: sp.Key == req.When})
	}
	if static {
		return pg, nil
	}
	if err == nil && req.Text != "" {
		var res store.SearchResult
		res, err = w.st.Search(ctx, req.q)
		if err == nil {
			d.Total, d.Ranked, d.Capped = res.Total, res.Ranked, res.Capped
			var cards []*card
			for _, r := range res.Hits {
				if r.Article != nil {
					cards = append(cards, s.newCard(r))
				}
			}
			if cards, err = s.withCoverage(ctx, w.st, cards); err == nil {
				for _, c := range cards {
					d.Cards = append(d.Cards, ownVoice(c))
				}
			}
		}
	}
	var bad *badRequest
	switch {
	case errors.As(err, &bad):
		d.Error = bad.msg
		pg.Status = http.StatusBadRequest
	case errors.Is(err, store.ErrBadQuery):
		d.Error = badQueryMessage(err)
		pg.Status = http.StatusBadRequest
	case err != nil:
		return nil, fmt.Errorf("search %q: %w", req.Text, err)
	}
	if req.Text != "" {
		pg.Title = "“" + req.Text + "” · Search · " + pg.SiteTitle
	}
	d.Pages = (d.Ranked + searchPageSize - 1) / searchPageSize
	link := func(n int) string {
		q := url.Values{"q": {req.Text}}
		if req.TopicID != "" {
			q.Set("topic", req.TopicID)
		}
		if req.When != "" {
			q.Set("when", req.When)
		}
		if n > 1 {
			q.Set("page", strconv.Itoa(n))
		}
		return "search/?" + q.Encode()
	}
	if req.Page > 1 && req.Page <= d.Pages+1 {
		pg.Prev = link(req.Page - 1)
	}
	if req.Page < d.Pages {
		pg.Next = link(req.Page + 1)
	}
	if d.Pages > 1 {
		for _, i := range pageWindow(req.Page, min(d.Pages, searchMaxPage)) {
			d.PageURL = append(d.PageURL, pageLink{N: i, Path: link(i), Current: i == req.Page})
		}
	}
	return pg, nil
}

// ownVoice makes a card show its article's voice rather than its story's:
// search lists articles, not stories.
func ownVoice(c *card) *card {
	c.Voices = nil
	if c.Voice != nil {
		c.Voices = []*badge{c.Voice}
	}
	return c
}

// badQueryMessage turns a store error into the sentence shown to the user.
func badQueryMessage(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, store.ErrBadQuery.Error()+": "); i >= 0 {
		msg = msg[i+len(store.ErrBadQuery.Error())+2:]
	}
	return "This search could not be understood: " + msg + ". Search for words, put \"exact phrases\" in quotes, end a word with * to match its beginning."
}

// searchItem is one hit of the JSON search API.
type searchItem struct {
	Path              string         `json:"path"`
	SitePath          string         `json:"sitePath"`
	URL               string         `json:"url,omitempty"`
	Title             string         `json:"title"`
	Excerpt           string         `json:"excerpt"`
	WebURL            string         `json:"webUrl"`
	PublishedDateTime time.Time      `json:"publishedDateTime"`
	Provider          searchProvider `json:"provider"`
	Topics            []string       `json:"topics"`
	Story             string         `json:"story,omitempty"`
	StoryPath         string         `json:"storyPath,omitempty"`
	Sources           int            `json:"sources"`
	Image             *searchImage   `json:"image"`
	Voice             *string        `json:"voice"`
}

type searchProvider struct {
	Name   string `json:"name"`
	Domain string `json:"domain"`
}

type searchImage struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

type searchResponse struct {
	Query    string       `json:"query"`
	Page     int          `json:"page"`
	Total    int          `json:"total"`
	Ranked   int          `json:"ranked"` // how many of total the pages reach
	Capped   bool         `json:"capped"` // more than total match
	Value    []searchItem `json:"value"`
	NextPage *int         `json:"nextPage"`
}

// serveSearchAPI answers GET /api/search?q=&topic=&when=&page= with JSON.
func (w *Web) serveSearchAPI(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := w.snapshot(ctx)
	if err != nil {
		w.log.Error("web search api", "err", err)
		writeJSON(rw, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	req, err := w.parseSearch(s, r.URL.Query())
	var bad *badRequest
	if errors.As(err, &bad) {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": bad.msg})
		return
	}
	if req.Text == "" {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": "q is required: give the words to search for, e.g. ?q=debate"})
		return
	}
	res, err := w.st.Search(ctx, req.q)
	if errors.Is(err, store.ErrBadQuery) {
		writeJSON(rw, http.StatusBadRequest, map[string]string{"error": badQueryMessage(err)})
		return
	}
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			w.log.Error("web search api", "q", req.Text, "err", err)
		}
		writeJSON(rw, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	out := searchResponse{Query: req.Text, Page: req.Page, Total: res.Total, Ranked: res.Ranked, Capped: res.Capped, Value: []searchItem{}}
	for _, rec := range res.Hits {
		if rec.Article == nil {
			continue
		}
		cs, err := s.withCoverage(ctx, w.st, []*card{s.newCard(rec)})
		if err != nil {
			w.log.Error("web search api", "q", req.Text, "err", err)
			writeJSON(rw, http.StatusInternalServerError, map[string]string{"error": "internal error"})
			return
		}
		c := cs[0]
		it := searchItem{Path: rec.Path, SitePath: c.Path, URL: w.absURL(nil, c.Path), Title: c.Title, Excerpt: c.Excerpt,
			WebURL: c.WebURL, PublishedDateTime: c.Time, Provider: searchProvider{c.Provider.Name, c.Provider.Domain},
			Topics: rec.Article.Topics, Story: rec.Article.Story, StoryPath: c.StoryPath, Sources: c.Sources}
		if it.Topics == nil {
			it.Topics = []string{}
		}
		if c.Image != nil {
			it.Image = &searchImage{c.Image.URL, c.Image.Width, c.Image.Height}
		}
		if c.Voice != nil {
			it.Voice = &c.Voice.Name
		}
		out.Value = append(out.Value, it)
	}
	if req.Page*searchPageSize < res.Ranked {
		n := req.Page + 1
		out.NextPage = &n
	}
	writeJSON(rw, http.StatusOK, out)
}

func writeJSON(rw http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	h.Set("X-Content-Type-Options", "nosniff")
	rw.WriteHeader(status)
	rw.Write(append(b, '\n'))
}
