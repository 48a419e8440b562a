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

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
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
	// Bad is the parameter (q, topic, when, page) a wrong value was
	// given to, so the page can tie the message to its field.
	Bad string
	q   store.SearchQuery
}

// parseSearch reads q, topic, when and page; a wrong value is a
// publish.BadRequest that says what to change.
func (w *Web) parseSearch(vc *viewCache, v url.Values) (*searchRequest, error) {
	req := &searchRequest{Text: strings.TrimSpace(v.Get("q")), TopicID: v.Get("topic"), When: v.Get("when"), Page: 1}
	if len(req.Text) > store.MaxSearchBytes {
		req.Bad = "q"
		// The page shows the words again, in its field and its title: their
		// start, for the user to shorten, not the whole of what was sent.
		req.Text = model.Clip(req.Text, store.MaxSearchBytes)
		return req, &publish.BadRequest{Reason: fmt.Sprintf("q is longer than %d bytes: search for fewer words", store.MaxSearchBytes)}
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > searchMaxPage {
			req.Bad = "page"
			return req, &publish.BadRequest{Reason: fmt.Sprintf("page must be a whole number from 1 to %d, not %s", searchMaxPage, model.Quoted(p))}
		}
		req.Page = n
	}
	req.q = store.SearchQuery{Text: req.Text, Public: true, Offset: (req.Page - 1) * searchPageSize, Limit: searchPageSize, RankLimit: w.rankLimit}
	if req.TopicID != "" {
		t := vc.site.TopicByID(req.TopicID)
		if t == nil {
			req.Bad = "topic"
			return req, &publish.BadRequest{Reason: fmt.Sprintf("there is no topic %s: leave topic empty or use one of the topic ids in the menu", model.Quoted(req.TopicID))}
		}
		// The root topic is the whole hub, as in the API's lists: searching
		// within it is searching everything, without the cost of a filter.
		if t != vc.site.Root() {
			req.q.Topic = t.Name
		}
	}
	found := false
	for _, sp := range searchSpans {
		if sp.Key == req.When {
			found = true
			if sp.Span > 0 {
				req.q.Since = vc.now.Add(-sp.Span)
			}
		}
	}
	if !found {
		req.Bad = "when"
		return req, &publish.BadRequest{Reason: fmt.Sprintf("when must be one of day, week, month or year (or empty), not %s", model.Quoted(req.When))}
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
	// LastPage is the path of the last page of results when the page asked
	// is past it (a link kept from before articles left the hub).
	LastPage string
	// PageSize is the hits of a page, for the static copy's script.
	PageSize int
}

type spanOption struct {
	Key, Label string
	Selected   bool
}

// searchPage renders the search page. A bad query gives the page with the
// message and status 400.
func (w *Web) searchPage(ctx context.Context, vc *viewCache, v url.Values, static bool) (*page, error) {
	pg := w.newPage(vc, "search", "search/", "Search")
	pg.NoIndex = true
	pg.Private = true
	pg.Static = static
	d := &searchData{PageSize: searchPageSize}
	pg.Data = d
	for _, t := range vc.site.Topics {
		d.Topics = append(d.Topics, navItem{Name: t.Name, Path: t.ID})
	}
	req, err := w.parseSearch(vc, v)
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
			for _, c := range vc.hitCards(res.Hits) {
				d.Cards = append(d.Cards, ownVoice(c))
			}
		}
	}
	var bad *publish.BadRequest
	switch {
	case errors.As(err, &bad):
		d.Error = bad.Reason
		pg.Status = http.StatusBadRequest
	case errors.Is(err, store.ErrBadQuery):
		d.Error = badQueryMessage(err)
		req.Bad = "q"
		pg.Status = http.StatusBadRequest
	case err != nil:
		return nil, fmt.Errorf("search %q: %w", req.Text, err)
	}
	// The title says what a screen reader first reads of the page: the
	// words, which page of their results, and a search that failed.
	if req.Text != "" {
		pg.Title = "“" + req.Text + "”"
		if req.Page > 1 {
			pg.Title += fmt.Sprintf(", page %d", req.Page)
		}
		pg.Title += " · Search · " + pg.SiteTitle
	}
	if d.Error != "" {
		pg.Title = "Error: " + pg.Title
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
	if req.Page > d.Pages && d.Pages > 0 {
		d.LastPage = link(d.Pages)
	}
	if d.Pages > 1 {
		for _, i := range pageWindow(req.Page, min(d.Pages, searchMaxPage)) {
			d.PageURL = append(d.PageURL, pageLink{N: i, Path: link(i), Current: i == req.Page})
		}
	}
	return pg, nil
}

// hitCards returns the cards of the search hits the view shows, with
// their story's coverage: the view's own cards, or for a record the view
// does not hold yet, one made from the record.
func (vc *viewCache) hitCards(hits []*model.Record) []*card {
	var cards []*card
	for _, r := range hits {
		if !vc.v.Shows(r) {
			continue
		}
		if e := vc.v.Entry(r.Path); e != nil {
			cards = append(cards, vc.card(e))
		} else {
			cards = append(cards, vc.newCard(recordSource(r)))
		}
	}
	return vc.withCoverage(cards)
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
	return "This search could not be understood: " + msg + ". Search for words, put \"exact phrases\" in quotes, end a word with * to match its beginning, put - before a word to leave it out."
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

// SearchDoc answers the search API, GET api/search?q=&topic=&when=&page=,
// from the current view and the store: a JSON document, or a
// publish.BadRequest saying what to change.
func (w *Web) SearchDoc(ctx context.Context, query url.Values) (*publish.Doc, error) {
	v, err := w.views.Current(ctx)
	if err != nil {
		return nil, err
	}
	vc := w.cacheOf(v)
	req, err := w.parseSearch(vc, query)
	if err != nil {
		return nil, err
	}
	if req.Text == "" {
		return nil, &publish.BadRequest{Reason: "q is required: give the words to search for, e.g. ?q=debate"}
	}
	res, err := w.st.Search(ctx, req.q)
	if errors.Is(err, store.ErrBadQuery) {
		return nil, &publish.BadRequest{Reason: badQueryMessage(err)}
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Text, err)
	}
	out := searchResponse{Query: req.Text, Page: req.Page, Total: res.Total, Ranked: res.Ranked, Capped: res.Capped, Value: []searchItem{}}
	var hits []*model.Record
	for _, r := range res.Hits {
		if v.Shows(r) {
			hits = append(hits, r)
		}
	}
	for i, c := range vc.hitCards(hits) {
		a := hits[i].Article
		it := searchItem{Path: c.rec, SitePath: c.Path, URL: absURL(v, c.Path), Title: c.Title, Excerpt: c.Excerpt,
			WebURL: c.WebURL, PublishedDateTime: c.Time, Provider: searchProvider{c.Provider.Name, c.Provider.Domain},
			Topics: a.Topics, Story: a.Story, StoryPath: c.StoryPath, Sources: c.Sources}
		if it.Topics == nil {
			it.Topics = []string{}
		}
		if c.Image != nil {
			u := c.Image.URL
			if c.Image.Local { // absolute in the API, as in every document
				u = site.Absolute(v.BaseURL(), "/"+u)
			}
			it.Image = &searchImage{u, c.Image.Width, c.Image.Height}
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
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", req.Text, err)
	}
	return publish.NewDoc(append(b, '\n'), publish.TypeJSON), nil
}
