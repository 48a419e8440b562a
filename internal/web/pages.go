package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
)

// page is what the layout template renders.
type page struct {
	Template    string // the content template: "home", "topic", …
	Base        string // relative path from this page to the site root
	Path        string // this page's site path ("" for the home page)
	Title       string // the document title
	Heading     string
	Description string
	Canonical   string
	NoIndex     bool
	OGType      string
	OGImage     string
	Feeds       []feedLink
	Prev, Next  string // site paths of the neighbouring pages

	SiteTitle string
	Lang      string // e.g. "en-US"
	Nav       []navItem
	Active    string // Path of the nav item to mark current
	Query     string // the search box's text
	Now       time.Time
	Loc       *time.Location
	Static    bool // written by Build: search runs in the browser
	Status    int  // HTTP status when not 200
	Private   bool // the asker's own (a search): kept by no shared cache
	Data      any

	vc         *viewCache
	tmpl       *templates
	cacheCards bool // cards may come from the view's cache

	// The static build renders each card and item once for all its pages
	// (see fragment), by record path.
	cards, items *sync.Map
}

// Header renders the site header: the same for every page at one depth
// with the same current section, so it is kept with the view's cache.
func (p *page) Header() (template.HTML, error) {
	return p.part("header", "h\x00"+p.Base+"\x00"+p.Active, p.Query == "")
}

// HeadLinks renders the feed, icon, style and script links of the head,
// kept like the header.
func (p *page) HeadLinks() (template.HTML, error) {
	key := "l\x00" + p.Base
	if len(p.Feeds) > 0 {
		key += "\x00" + p.Feeds[0].Href
	}
	return p.part("headlinks", key, true)
}

// Footer renders the site footer, kept like the header.
func (p *page) Footer() (template.HTML, error) {
	key := "f\x00" + p.Base
	if len(p.Feeds) > 0 {
		key += "\x00" + p.Feeds[0].Href
	}
	return p.part("footer", key, true)
}

func (p *page) part(name, key string, cacheable bool) (template.HTML, error) {
	cacheable = cacheable && p.vc != nil
	if cacheable {
		if v, ok := p.vc.parts.Load(key); ok {
			return v.(template.HTML), nil
		}
	}
	var buf bytes.Buffer
	if err := p.tmpl.pages["home"].ExecuteTemplate(&buf, name, p); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if cacheable && p.vc.partsN.Add(1) <= maxCachedParts {
		p.vc.parts.Store(key, h)
	}
	return h, nil
}

// Card renders a story card. Home and topic pages take it from the
// view's cache: within one view a card, its coverage and its "ago" text
// do not change, only the relative prefix of its links does.
func (p *page) Card(c *card) (template.HTML, error) {
	if p.cards != nil {
		var buf bytes.Buffer
		p.writeCardCached(&buf, c)
		return template.HTML(buf.String()), nil
	}
	key := cardKey{c.Path, p.Base}
	if p.cacheCards {
		if h, ok := p.vc.renderedCard(key); ok {
			return h, nil
		}
	}
	var buf bytes.Buffer
	p.writeCard(&buf, c)
	h := template.HTML(buf.String())
	if p.cacheCards {
		p.vc.keepCard(key, h)
	}
	return h, nil
}

// baseMark stands for the page's relative base while a fragment is
// rendered for pages of any depth. Every use of the base in a card or an
// item starts a URL attribute (a link's href, a site picture's src),
// where escURL writes it as baseMarkAttr; text cannot hold that, as
// quotes in it are escaped.
const (
	baseMark     = "\x01"
	baseMarkAttr = `="%01`
)

// fragment renders c as a card or an item with the base left out: the
// pieces between the URL attributes that start with it.
func (p *page) fragment(name string, c *card) []string {
	q := *p
	q.Base = baseMark
	var buf bytes.Buffer
	if name == "card" {
		q.writeCard(&buf, c)
	} else {
		q.writeItem(&buf, c)
	}
	return strings.Split(buf.String(), baseMarkAttr)
}

type feedLink struct{ Title, Type, Href string }

type navItem struct{ Name, Path string }

// Limits of the lists pages show.
const (
	homeTop         = 13 // one lead story and a grid of twelve
	homeSectionSize = 4
)

// newPage fills what every page shares.
func (w *Web) newPage(vc *viewCache, tmpl, path, heading string) *page {
	c := vc.pageCommon()
	pg := &page{Template: tmpl, Path: path, Heading: heading, SiteTitle: c.title, Title: c.title, Lang: c.lang,
		Description: c.description, Feeds: c.feeds, Nav: c.nav,
		OGType: "website", Now: vc.now, Loc: vc.loc, vc: vc, tmpl: w.tmpl}
	if heading != "" {
		pg.Title = heading + " · " + c.title
	}
	// Only a section page is marked current (and the header of all the
	// others is then the same, and cached, at each depth).
	for _, n := range pg.Nav {
		if n.Path == path {
			pg.Active = path
		}
	}
	return pg
}

// pageCommon is what every page of a view shares; pages must not change
// its slices.
type pageCommon struct {
	title, lang, description string
	feeds                    []feedLink
	nav                      []navItem
}

// pageCommon returns what every page shares, made once per view.
func (vc *viewCache) pageCommon() *pageCommon {
	vc.commonOnce.Do(func() {
		c := &pageCommon{title: siteTitle(vc.site), lang: site.HTMLLang(vc.site.Config.Locale)}
		c.description = "Top stories and full coverage from " + c.title + "."
		c.feeds = siteFeeds(c.title, "")
		for _, t := range vc.site.Topics {
			if t.Parent == "" && len(vc.site.Topics) > 1 {
				continue
			}
			c.nav = append(c.nav, navItem{Name: topicShort(t), Path: "topics/" + url.PathEscape(t.ID) + "/"})
		}
		c.nav = append(c.nav, navItem{"Events", "events/"}, navItem{"People", "people/"}, navItem{"Learning", "learning/"})
		if vc.v != nil && len(vc.v.Newsletters()) > 0 {
			c.nav = append(c.nav, navItem{"Newsletter", "newsletters/"})
		}
		vc.common = c
	})
	return vc.common
}

func siteTitle(s *site.Site) string {
	if t := cleanText(s.Config.Title); t != "" {
		return t
	}
	if r := s.Root(); r != nil {
		return r.Name + " news"
	}
	return "newshub"
}

func topicShort(t *model.Topic) string {
	if t.Shortname != "" {
		return t.Shortname
	}
	return t.Name
}

// siteFeeds lists the feeds of the site, or of one topic.
func siteFeeds(title, topicID string) []feedLink {
	dir, name := "feeds/", title
	if topicID != "" {
		dir = "feeds/" + url.PathEscape(topicID) + "/"
	}
	return []feedLink{
		{name + " (RSS)", "application/rss+xml", dir + "rss.xml"},
		{name + " (Atom)", "application/atom+xml", dir + "atom.xml"},
		{name + " (JSON Feed)", "application/feed+json", dir + "feed.json"},
	}
}

type homeData struct {
	Lead     *card
	Top      []*card
	Sections []section
}

type section struct {
	Name, Path string
	Badge      *badge
	Cards      []*card
	More       int
}

func (w *Web) homePage(vc *viewCache) *page {
	pg := w.newPage(vc, "home", "", "")
	pg.Active = "/" // marks "Top stories" current
	pg.cacheCards = true
	d := &homeData{}
	ranked := vc.v.Ranked()
	top := vc.withCoverage(vc.cardsOf(ranked[:min(homeTop, len(ranked))]))
	if len(top) > 0 {
		d.Lead, d.Top = top[0], top[1:]
		pg.OGImage = vc.imageURL(d.Lead.Image)
	}
	root := vc.site.Root()
	for _, t := range vc.site.Topics {
		if t == root {
			continue
		}
		leads := vc.v.RankedIn(t.ID)
		if len(leads) == 0 {
			continue
		}
		shown := vc.withCoverage(vc.cardsOf(leads[:min(homeSectionSize, len(leads))]))
		sec := section{Name: t.Name, Path: "topics/" + url.PathEscape(t.ID) + "/", Cards: shown, More: len(leads)}
		if vc.highlights[t.Name] != nil {
			sec.Badge = vc.badge(t)
		}
		d.Sections = append(d.Sections, sec)
	}
	pg.Data = d
	return pg
}

// cardsOf returns the cards of entries of the view.
func (vc *viewCache) cardsOf(es []*publish.Entry) []*card {
	out := make([]*card, len(es))
	for i, e := range es {
		out[i] = vc.card(e)
	}
	return out
}

type topicData struct {
	Name    string
	Badge   *badge
	Cards   []*card
	Page    int
	Pages   int
	Total   int
	PageURL []pageLink
}

type pageLink struct {
	N       int
	Path    string
	Current bool
}

// pageSize is the number of stories a topic page lists.
func (vc *viewCache) pageSize() int { return vc.site.Config.PageSize() }

func (w *Web) topicPage(vc *viewCache, id string, n int) (*page, error) {
	t := vc.site.TopicByID(id)
	if t == nil {
		return nil, errNotFound
	}
	leads := vc.v.RankedIn(t.ID)
	size := vc.pageSize()
	pages := max(1, (len(leads)+size-1)/size)
	if n > pages {
		return nil, errNotFound
	}
	base := "topics/" + url.PathEscape(t.ID) + "/"
	path := topicPagePath(base, n)
	pg := w.newPage(vc, "topic", path, t.Name)
	pg.cacheCards = true
	if n > 1 {
		pg.Title = fmt.Sprintf("%s, page %d · %s", t.Name, n, pg.SiteTitle)
	}
	pg.Active = base
	pg.Description = fmt.Sprintf("Top stories about %s, ranked by how much they are covered.", t.Name)
	// The root topic's feeds are the hub's, which the page lists
	// already: there is no feeds/<root>/ to serve or build.
	if t != vc.site.Root() {
		pg.Feeds = append(siteFeeds(t.Name, t.ID), pg.Feeds...)
	}
	if n > 1 {
		pg.Prev = topicPagePath(base, n-1)
	}
	if n < pages {
		pg.Next = topicPagePath(base, n+1)
	}
	d := &topicData{Name: t.Name, Page: n, Pages: pages, Total: len(leads)}
	d.Cards = vc.withCoverage(vc.cardsOf(leads[min((n-1)*size, len(leads)):min(n*size, len(leads))]))
	if vc.highlights[t.Name] != nil {
		d.Badge = vc.badge(t)
	}
	for _, i := range pageWindow(n, pages) {
		d.PageURL = append(d.PageURL, pageLink{N: i, Path: topicPagePath(base, i), Current: i == n})
	}
	if len(d.Cards) > 0 {
		pg.OGImage = vc.imageURL(d.Cards[0].Image)
	}
	pg.Data = d
	return pg, nil
}

func topicPagePath(base string, n int) string {
	if n <= 1 {
		return base
	}
	return base + "page/" + strconv.Itoa(n) + "/"
}

// pageWindow returns the page numbers a pager shows: the first, the last and
// two on each side of the current one (0 marks a gap).
func pageWindow(cur, pages int) []int {
	var out []int
	last := 0
	for i := 1; i <= pages; i++ {
		if i == 1 || i == pages || (i >= cur-2 && i <= cur+2) {
			if last != 0 && i > last+1 {
				out = append(out, 0)
			}
			out = append(out, i)
			last = i
		}
	}
	return out
}

type storyData struct {
	Lead      *card
	Members   int
	Sources   int
	Groups    []voiceGroup
	Bar       []barSegment
	Unvoiced  int
	Voiced    int
	Blindspot string
	Timeline  []timelineEntry
}

type voiceGroup struct {
	Badge *badge // nil: no voice label
	Cards []*card
}

type barSegment struct {
	Badge   *badge
	Count   int
	Percent int
	Width   template.CSS // e.g. "62.50%"
}

type timelineEntry struct {
	Card  *card
	First bool
	After string // e.g. "3 h" after the first report
}

// blindspotShare is the share of voiced coverage from one voice at which a
// story is flagged as a blindspot for the others.
const blindspotShare = 0.75

func (w *Web) storyPage(ctx context.Context, vc *viewCache, id string) (*page, error) {
	s := vc.v.Story(id)
	if s == nil {
		// An editor's merge says where it went (serveError).
		err := vc.v.StoryMerged(ctx, id)
		var merged *publish.StoryMerged
		if errors.As(err, &merged) || !errors.Is(err, publish.ErrNotFound) {
			return nil, err
		}
		return nil, errNotFound
	}
	return w.storyView(vc, vc.storyCards(s))
}

// storyView builds the full coverage page of a story.
func (w *Web) storyView(vc *viewCache, sc *storyCards) (*page, error) {
	cards := sc.cards
	d := &storyData{Members: len(cards)}
	if len(cards) == 0 {
		return nil, errNotFound
	}
	lead := *cards[0]
	lead.StoryPath = "" // this is its full coverage
	d.Lead = &lead
	providers := map[providerID]bool{}
	byVoice := map[string][]*card{}
	for _, c := range cards {
		providers[providerID{strings.ToLower(c.Provider.Domain), strings.ToLower(c.Provider.Name)}] = true
		name := ""
		if c.Voice != nil {
			name = c.Voice.Full
			d.Voiced++
		} else {
			d.Unvoiced++
		}
		byVoice[name] = append(byVoice[name], c)
	}
	d.Sources = len(providers)
	top, topName := 0, ""
	for _, t := range vc.voice {
		b := vc.badge(t)
		if cs := byVoice[b.Full]; len(cs) > 0 {
			d.Groups = append(d.Groups, voiceGroup{Badge: b, Cards: cs})
			pct := float64(len(cs)) / float64(d.Voiced) * 100
			d.Bar = append(d.Bar, barSegment{Badge: b, Count: len(cs), Percent: int(pct + 0.5), Width: template.CSS(strconv.FormatFloat(pct, 'f', 2, 64) + "%")})
			if len(cs) > top {
				top, topName = len(cs), t.Name
			}
		}
	}
	if cs := byVoice[""]; len(cs) > 0 {
		d.Groups = append(d.Groups, voiceGroup{Cards: cs})
	}
	if len(vc.voice) >= 2 && d.Voiced >= 2 && float64(top) >= blindspotShare*float64(d.Voiced) {
		d.Blindspot = fmt.Sprintf("%d of the %d articles with a voice label come from %s outlets: other voices have barely covered this story.", top, d.Voiced, topName)
	}
	tl := append([]*card(nil), cards...)
	sort.SliceStable(tl, func(i, j int) bool { return tl[i].Time.Before(tl[j].Time) })
	for i, c := range tl {
		e := timelineEntry{Card: c, First: i == 0}
		if i > 0 {
			e.After = shortDuration(c.Time.Sub(tl[0].Time))
		}
		d.Timeline = append(d.Timeline, e)
	}
	pg := w.newPage(vc, "story", "stories/"+url.PathEscape(sc.id)+"/", d.Lead.Title)
	pg.Title = "Full coverage: " + d.Lead.Title + " · " + pg.SiteTitle
	pg.Description = fmt.Sprintf("%d articles from %d sources: %s", d.Members, d.Sources, d.Lead.Excerpt)
	pg.OGType = "article"
	pg.OGImage = vc.imageURL(d.Lead.Image)
	pg.Data = d
	return pg, nil
}

type articleData struct {
	Card    *card
	Excerpt template.HTML // sanitized
	// Embed is the video player the record embeds, sanitized: an iframe
	// from a known video host, or "" (the page then links to the video).
	Embed     template.HTML
	AmpURL    string
	Others    []*card // other articles of the story
	Related   []relatedView
	Published bool
}

type relatedView struct {
	Title, Excerpt, URL string
	Provider            string
	Time                time.Time
}

// articlePage builds the page of the article at key ("YYYY/MM/DD/slug").
// The view has what it shows but the related coverage, which the record
// in the store has; an archived article is made from its record alone.
func (w *Web) articlePage(ctx context.Context, vc *viewCache, key string) (*page, error) {
	e := vc.v.Article(key)
	if e == nil {
		r, err := vc.v.Archived(ctx, key)
		switch {
		case errors.Is(err, publish.ErrNotFound):
			return nil, errNotFound
		case err != nil:
			return nil, err
		}
		return w.archivedView(vc, r), nil
	}
	var related []model.Related
	r, err := w.st.Get(ctx, e.Path)
	switch {
	case err == nil && r.Article != nil:
		related = r.Article.Related
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("article %s: %w", e.Path, err)
	}
	var sc *storyCards
	if s := vc.v.Story(e.Story); s != nil {
		sc = vc.storyCards(s)
	}
	return w.articleView(vc, e, sc, related), nil
}

// archivedView builds the page of an archived article from its record:
// the view holds neither the article nor its story, so the page shows no
// other article of the story but what the record's related coverage
// lists, and a static build writes the same page.
func (w *Web) archivedView(vc *viewCache, r *model.Record) *page {
	return w.articleView(vc, vc.v.ArchivedEntry(r), nil, r.Article.Related)
}

// storyCards are a story's members and their cards with its coverage.
type storyCards struct {
	id      string
	members []*publish.Entry
	cards   []*card
}

// storyCards puts the story's coverage on copies of its members' cards.
func (vc *viewCache) storyCards(s *publish.Story) *storyCards {
	return &storyCards{id: s.ID, members: s.Members, cards: vc.withCoverage(vc.cardsOf(s.Members))}
}

// articleView builds an article's page from its entry in the view, its
// story (nil when it has none) and the related coverage of its record.
func (w *Web) articleView(vc *viewCache, e *publish.Entry, sc *storyCards, related []model.Related) *page {
	c := vc.card(e)
	if sc != nil {
		for i, m := range sc.members {
			if m == e {
				c = sc.cards[i]
			}
		}
	}
	d := e.Details()
	data := &articleData{Card: c, Excerpt: richText(d.Excerpt), Embed: embedHTML(d.FeaturedContent), Published: e.Published}
	data.AmpURL = site.SafeURL(d.AmpWebURL)
	seen := map[string]bool{d.WebURL: true}
	if sc != nil {
		for i, m := range sc.members {
			if m == e {
				continue
			}
			seen[sc.cards[i].rawURL] = true
			data.Others = append(data.Others, sc.cards[i])
		}
	}
	for _, rel := range related {
		u := site.SafeURL(rel.WebURL)
		if u == "" || seen[rel.WebURL] {
			continue
		}
		seen[rel.WebURL] = true
		data.Related = append(data.Related, relatedView{Title: cleanText(rel.Title), Excerpt: shorten(publish.PlainText(rel.Excerpt), 160),
			URL: u, Provider: cleanText(rel.Provider.Name), Time: rel.PublishedDateTime})
	}
	pg := w.newPage(vc, "article", c.Path, c.Title)
	pg.Description = c.Excerpt
	pg.OGType = "article"
	pg.OGImage = vc.imageURL(c.Image)
	pg.Data = data
	return pg
}

type eventsData struct{ Upcoming, Past []*eventView }

func (w *Web) eventsPage(vc *viewCache) *page {
	o := vc.others()
	pg := w.newPage(vc, "events", "events/", "Events")
	pg.Description = "Upcoming and past events on " + pg.SiteTitle + "."
	pg.Data = &eventsData{Upcoming: o.upcoming, Past: o.past}
	return pg
}

type peopleData struct {
	People      []*personView
	Collections []*collectionView
}

func (w *Web) peoplePage(vc *viewCache) *page {
	o := vc.others()
	pg := w.newPage(vc, "people", "people/", "People")
	pg.Description = "The people in the news on " + pg.SiteTitle + ", by how much they are talked about."
	pg.Data = &peopleData{People: o.people, Collections: o.peopleLists}
	return pg
}

type learningData struct {
	Articles, Videos []*learningView
	Collections      []*collectionView
}

func (w *Web) learningPage(vc *viewCache) *page {
	o := vc.others()
	pg := w.newPage(vc, "learning", "learning/", "Learning")
	pg.Description = "Articles, videos and collections to understand the background."
	d := &learningData{Collections: o.learningLists}
	for _, l := range o.learning {
		if l.Type == "video" {
			d.Videos = append(d.Videos, l)
		} else {
			d.Articles = append(d.Articles, l)
		}
	}
	pg.Data = d
	return pg
}

type messageData struct{ Message string }

func (w *Web) notFoundPage(vc *viewCache, urlPath string) *page {
	pg := w.messagePage(vc, urlPath, "Page not found", "There is nothing at this address. Try the search box, or start from the top stories.")
	pg.Template = "notfound"
	return pg
}

// messagePage is a page that only says something (errors). Without a
// view (vc nil) it still renders, so a failing store gets an answer.
func (w *Web) messagePage(vc *viewCache, urlPath, heading, msg string) *page {
	if vc == nil {
		vc = &viewCache{now: time.Now(), loc: time.UTC, site: emptySite()}
	}
	pg := w.newPage(vc, "message", "", heading)
	pg.Path = strings.TrimPrefix(urlPath, "/")
	pg.NoIndex = true
	pg.Base = relBase(urlPath)
	pg.Data = &messageData{Message: msg}
	return pg
}

// imageURL is the absolute URL of a picture (for the social tags), or ""
// when it is one of the site's own and the site's URL is unknown.
func (vc *viewCache) imageURL(im *imageView) string {
	switch {
	case im == nil:
		return ""
	case im.Local:
		return absURL(vc.v, im.URL)
	}
	return im.URL
}

// shortDuration writes d as "45 min", "3 h" or "2 d".
func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "0 min"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	default:
		return strconv.Itoa(int(d/(24*time.Hour))) + " d"
	}
}

// emptySite is the configuration of a hub whose configuration could not be
// read.
func emptySite() *site.Site { return site.New(&model.Config{}, nil, nil) }
