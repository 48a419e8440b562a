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
	Data      any

	snap       *snapshot
	tmpl       *templates
	cacheCards bool // cards may come from the snapshot's cache

	// The static build renders each card and item once for all its pages
	// (see fragment): cards by record path for the whole build, items
	// for the pages of one story.
	cards *sync.Map
	items map[string][]string
}

// maxCachedParts bounds the rendered headers and footers a snapshot keeps.
const maxCachedParts = 5000

// Header renders the site header: the same for every page at one depth
// with the same current section, so it is kept with the snapshot.
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
	cacheable = cacheable && p.snap != nil
	if cacheable {
		if v, ok := p.snap.parts.Load(key); ok {
			return v.(template.HTML), nil
		}
	}
	var buf bytes.Buffer
	if err := p.tmpl.pages["home"].ExecuteTemplate(&buf, name, p); err != nil {
		return "", err
	}
	h := template.HTML(buf.String())
	if cacheable && p.snap.partCount.Add(1) <= maxCachedParts {
		p.snap.parts.Store(key, h)
	}
	return h, nil
}

// maxCachedCards bounds the rendered cards a snapshot keeps.
const maxCachedCards = 20000

type cardKey struct{ path, base string }

// Card renders a story card. Home and topic pages take it from the
// snapshot's cache: within one snapshot a card, its coverage and its "ago"
// text do not change, only the relative prefix of its links does.
func (p *page) Card(c *card) (template.HTML, error) {
	if p.cards != nil {
		var buf bytes.Buffer
		p.writeCardCached(&buf, c)
		return template.HTML(buf.String()), nil
	}
	key := cardKey{c.Path, p.Base}
	if p.cacheCards {
		if v, ok := p.snap.cards.Load(key); ok {
			return v.(template.HTML), nil
		}
	}
	var buf bytes.Buffer
	p.writeCard(&buf, c)
	h := template.HTML(buf.String())
	if p.cacheCards && p.snap.cardCount.Add(1) <= maxCachedCards {
		p.snap.cards.Store(key, h)
	}
	return h, nil
}

// baseMark stands for the page's relative base while a fragment is
// rendered for pages of any depth. Every use of the base in a card or an
// item starts a link, where escURL writes it as baseMarkHref; text cannot
// hold that, as quotes in it are escaped.
const (
	baseMark     = "\x01"
	baseMarkHref = `href="%01`
)

// fragment renders c as a card or an item with the base left out: the
// pieces between the links that start with it.
func (p *page) fragment(name string, c *card) []string {
	q := *p
	q.Base = baseMark
	var buf bytes.Buffer
	if name == "card" {
		q.writeCard(&buf, c)
	} else {
		q.writeItem(&buf, c)
	}
	return strings.Split(buf.String(), baseMarkHref)
}

type feedLink struct{ Title, Type, Href string }

type navItem struct{ Name, Path string }

// Limits of the lists pages show.
const (
	homeTop         = 13 // one lead story and a grid of twelve
	homeSectionSize = 4
)

// newPage fills what every page shares.
func (w *Web) newPage(s *snapshot, tmpl, path, heading string) *page {
	c := s.pageCommon()
	pg := &page{Template: tmpl, Path: path, Heading: heading, SiteTitle: c.title, Title: c.title, Lang: c.lang,
		Description: c.description, Feeds: c.feeds, Nav: c.nav,
		OGType: "website", Now: s.now, Loc: s.location(), snap: s, tmpl: w.tmpl}
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

// pageCommon is what every page of a snapshot shares; pages must not
// change its slices.
type pageCommon struct {
	title, lang, description string
	feeds                    []feedLink
	nav                      []navItem
}

// pageCommon returns what every page shares, made once per snapshot.
func (s *snapshot) pageCommon() *pageCommon {
	s.commonOnce.Do(func() {
		c := &pageCommon{title: siteTitle(s), lang: "en"}
		if l := s.site.Config.Locale; l != "" {
			if lang, region, ok := strings.Cut(l, "-"); ok {
				c.lang = strings.ToLower(lang) + "-" + strings.ToUpper(region)
			} else {
				c.lang = strings.ToLower(l)
			}
		}
		c.description = "Top stories and full coverage from " + c.title + "."
		c.feeds = siteFeeds(c.title, "")
		for _, t := range s.site.Topics {
			if t.Parent == "" && len(s.site.Topics) > 1 {
				continue
			}
			c.nav = append(c.nav, navItem{Name: topicShort(t), Path: "topics/" + url.PathEscape(t.ID) + "/"})
		}
		c.nav = append(c.nav, navItem{"Events", "events/"}, navItem{"People", "people/"}, navItem{"Learning", "learning/"})
		s.common = c
	})
	return s.common
}

func siteTitle(s *snapshot) string {
	if t := cleanText(s.site.Config.Title); t != "" {
		return t
	}
	if r := s.site.Root(); r != nil {
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

func (w *Web) homePage(ctx context.Context, s *snapshot) (*page, error) {
	pg := w.newPage(s, "home", "", "")
	pg.Active = "/" // marks "Top stories" current
	pg.cacheCards = true
	d := &homeData{}
	top, err := s.withCoverage(ctx, w.st, s.top[:min(homeTop, len(s.top))])
	if err != nil {
		return nil, err
	}
	if len(top) > 0 {
		d.Lead, d.Top = top[0], top[1:]
		pg.OGImage = imageURL(d.Lead.Image)
	}
	root := s.site.Root()
	for _, t := range s.site.Topics {
		if t == root {
			continue
		}
		cards := s.byTopic[t.Name]
		if len(cards) == 0 {
			continue
		}
		shown, err := s.withCoverage(ctx, w.st, cards[:min(homeSectionSize, len(cards))])
		if err != nil {
			return nil, err
		}
		sec := section{Name: t.Name, Path: "topics/" + url.PathEscape(t.ID) + "/", Cards: shown, More: len(cards)}
		if s.highlights[t.Name] != nil {
			sec.Badge = s.badge(t)
		}
		d.Sections = append(d.Sections, sec)
	}
	pg.Data = d
	return pg, nil
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
func (s *snapshot) pageSize() int { return s.site.Config.PageSize() }

func (w *Web) topicPage(ctx context.Context, s *snapshot, id string, n int) (*page, error) {
	t := s.site.TopicByID(id)
	if t == nil {
		return nil, errNotFound
	}
	cards := s.byTopic[t.Name]
	size := s.pageSize()
	pages := max(1, (len(cards)+size-1)/size)
	if n > pages {
		return nil, errNotFound
	}
	base := "topics/" + url.PathEscape(t.ID) + "/"
	path := topicPagePath(base, n)
	pg := w.newPage(s, "topic", path, t.Name)
	pg.cacheCards = true
	if n > 1 {
		pg.Title = fmt.Sprintf("%s, page %d · %s", t.Name, n, pg.SiteTitle)
	}
	pg.Active = base
	pg.Description = fmt.Sprintf("Top stories about %s, ranked by how much they are covered.", t.Name)
	pg.Feeds = append(siteFeeds(t.Name, t.ID), pg.Feeds...)
	if n > 1 {
		pg.Prev = topicPagePath(base, n-1)
	}
	if n < pages {
		pg.Next = topicPagePath(base, n+1)
	}
	d := &topicData{Name: t.Name, Page: n, Pages: pages, Total: len(cards)}
	shown, err := s.withCoverage(ctx, w.st, cards[min((n-1)*size, len(cards)):min(n*size, len(cards))])
	if err != nil {
		return nil, err
	}
	d.Cards = shown
	if s.highlights[t.Name] != nil {
		d.Badge = s.badge(t)
	}
	for _, i := range pageWindow(n, pages) {
		d.PageURL = append(d.PageURL, pageLink{N: i, Path: topicPagePath(base, i), Current: i == n})
	}
	if len(d.Cards) > 0 {
		pg.OGImage = imageURL(d.Cards[0].Image)
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

func (w *Web) storyPage(ctx context.Context, s *snapshot, id string) (*page, error) {
	recs, err := w.st.Story(ctx, id)
	if errors.Is(err, store.ErrNotFound) || err == nil && len(recs) == 0 {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	return w.storyView(s, s.storyCards(id, s.entries(recs)))
}

// storyView builds the full coverage page of a story.
func (w *Web) storyView(s *snapshot, sc *storyCards) (*page, error) {
	cards := sc.cards
	d := &storyData{Members: len(cards)}
	if len(cards) == 0 {
		return nil, errNotFound
	}
	lead := *cards[0]
	lead.StoryPath = "" // this is its full coverage
	d.Lead = &lead
	providers := map[string]bool{}
	byVoice := map[string][]*card{}
	for _, c := range cards {
		providers[strings.ToLower(c.Provider.Domain+"|"+c.Provider.Name)] = true
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
	for _, t := range s.voice {
		b := s.badge(t)
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
	if len(s.voice) >= 2 && d.Voiced >= 2 && float64(top) >= blindspotShare*float64(d.Voiced) {
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
	pg := w.newPage(s, "story", "stories/"+url.PathEscape(sc.id)+"/", d.Lead.Title)
	pg.Title = "Full coverage: " + d.Lead.Title + " · " + pg.SiteTitle
	pg.Description = fmt.Sprintf("%d articles from %d sources: %s", d.Members, d.Sources, d.Lead.Excerpt)
	pg.OGType = "article"
	pg.OGImage = imageURL(d.Lead.Image)
	pg.Data = d
	return pg, nil
}

type articleData struct {
	Card      *card
	Excerpt   template.HTML // sanitized
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

func (w *Web) articlePage(ctx context.Context, s *snapshot, y, m, d, slug string) (*page, error) {
	if len(y) != 4 || len(m) != 2 || len(d) != 2 {
		return nil, errNotFound
	}
	var rec *model.Record
	for _, p := range newsRecordPaths(y, m, d, slug) {
		r, err := w.st.Get(ctx, p)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", p, err)
		}
		if r.Article != nil {
			rec = r
			break
		}
	}
	if rec == nil {
		return nil, errNotFound
	}
	e := s.newEntry(rec)
	var sc *storyCards
	if a := rec.Article; a.Story != "" {
		members, err := w.st.Story(ctx, a.Story)
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("article %s: story %s: %w", rec.Path, a.Story, err)
		}
		if len(members) > 0 {
			sc = s.storyCards(a.Story, s.entries(members))
		}
	}
	return w.articleView(s, e, sc), nil
}

// entry is a news record as the story and article pages use it: its card
// and what its own page adds, without the rest of the record (a build
// keeps one for every article).
type entry struct {
	path      string
	card      *card // without its story's coverage
	provider  string
	voice     *model.Topic
	webURL    string // as in the record: related coverage linking to it is left out
	excerpt   string
	ampURL    string
	published bool
	related   []relatedRef

	// What ordering stories and ranking leads look at.
	quality, heat             int
	originalURL, canonicalURL string
}

func (s *snapshot) newEntry(r *model.Record) *entry {
	return s.newEntryCard(r, s.newCard(r))
}

// newEntryCard makes the entry of r with its card c.
func (s *snapshot) newEntryCard(r *model.Record, c *card) *entry {
	a := r.Article
	return &entry{path: r.Path, card: c, provider: providerKey(a.Provider), voice: s.voiceOf(a), webURL: a.WebURL,
		excerpt: a.Excerpt, ampURL: a.AmpWebURL, published: a.Published, related: relatedRefs(a.Related),
		quality: a.Quality, heat: a.Heat, originalURL: a.OriginalURL, canonicalURL: a.CanonicalURL}
}

// relatedRef is what an article's page shows of one of its related
// coverage.
type relatedRef struct {
	title, excerpt, webURL, provider string
	at                               time.Time
}

func relatedRefs(rel []model.Related) []relatedRef {
	if len(rel) == 0 {
		return nil
	}
	out := make([]relatedRef, len(rel))
	for i, r := range rel {
		out[i] = relatedRef{title: r.Title, excerpt: r.Excerpt, webURL: r.WebURL, provider: r.Provider.Name, at: r.PublishedDateTime}
	}
	return out
}

// entries makes the entries of the news records among recs.
func (s *snapshot) entries(recs []*model.Record) []*entry {
	es := make([]*entry, 0, len(recs))
	for _, r := range recs {
		if r.Article != nil {
			es = append(es, s.newEntry(r))
		}
	}
	return es
}

// storyCards are a story's members and their cards with its coverage.
type storyCards struct {
	id      string
	info    *storyInfo
	members []*entry
	cards   []*card
}

// storyCards puts the story's coverage on copies of its members' cards.
func (s *snapshot) storyCards(id string, members []*entry) *storyCards {
	sc := &storyCards{id: id, info: s.entryCoverage(id, members), members: members, cards: make([]*card, len(members))}
	for i, e := range members {
		c := *e.card
		s.applyCoverage(&c, sc.info)
		sc.cards[i] = &c
	}
	return sc
}

// articleView builds an article's page; sc is its story (nil when it has
// none).
func (w *Web) articleView(s *snapshot, e *entry, sc *storyCards) *page {
	c := e.card
	if sc != nil {
		c = nil
		for i, m := range sc.members {
			if m.path == e.path {
				c = sc.cards[i]
			}
		}
		if c == nil {
			cc := *e.card
			s.applyCoverage(&cc, sc.info)
			c = &cc
		}
	}
	data := &articleData{Card: c, Excerpt: richText(e.excerpt), Published: e.published}
	data.AmpURL = safeURL(e.ampURL)
	seen := map[string]bool{e.webURL: true}
	if sc != nil {
		for i, m := range sc.members {
			if m.path == e.path {
				continue
			}
			seen[m.webURL] = true
			data.Others = append(data.Others, sc.cards[i])
		}
	}
	for _, rel := range e.related {
		u := safeURL(rel.webURL)
		if u == "" || seen[rel.webURL] {
			continue
		}
		seen[rel.webURL] = true
		data.Related = append(data.Related, relatedView{Title: cleanText(rel.title), Excerpt: shorten(plainText(rel.excerpt), 160),
			URL: u, Provider: cleanText(rel.provider), Time: rel.at})
	}
	pg := w.newPage(s, "article", c.Path, c.Title)
	pg.Description = c.Excerpt
	pg.OGType = "article"
	pg.OGImage = imageURL(c.Image)
	pg.Data = data
	return pg
}

type eventsData struct{ Upcoming, Past []*eventView }

func (w *Web) eventsPage(s *snapshot) *page {
	pg := w.newPage(s, "events", "events/", "Events")
	pg.Description = "Upcoming and past events on " + pg.SiteTitle + "."
	pg.Data = &eventsData{Upcoming: s.upcoming, Past: s.past}
	return pg
}

type peopleData struct {
	People      []*personView
	Collections []*collectionView
}

func (w *Web) peoplePage(s *snapshot) *page {
	pg := w.newPage(s, "people", "people/", "People")
	pg.Description = "The people in the news on " + pg.SiteTitle + ", by how much they are talked about."
	pg.Data = &peopleData{People: s.people, Collections: s.peopleLists}
	return pg
}

type learningData struct {
	Articles, Videos []*learningView
	Collections      []*collectionView
}

func (w *Web) learningPage(s *snapshot) *page {
	pg := w.newPage(s, "learning", "learning/", "Learning")
	pg.Description = "Articles, videos and collections to understand the background."
	d := &learningData{Collections: s.learningLists}
	for _, l := range s.learning {
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

func (w *Web) notFoundPage(urlPath string) *page {
	pg := w.messagePage(urlPath, "Page not found", "There is nothing at this address. Try the search box, or start from the top stories.")
	pg.Template = "notfound"
	return pg
}

// messagePage is a page that only says something (errors). It does not need
// a snapshot, so it renders even when the store fails.
func (w *Web) messagePage(urlPath, heading, msg string) *page {
	s := w.snap.Load()
	if s == nil {
		s = &snapshot{now: w.now(), site: w.site}
		if s.site == nil {
			s.site = emptySite()
		}
	}
	pg := w.newPage(s, "message", "", heading)
	pg.Path = strings.TrimPrefix(urlPath, "/")
	pg.NoIndex = true
	pg.Base = relBase(urlPath)
	pg.Data = &messageData{Message: msg}
	return pg
}

func imageURL(im *imageView) string {
	if im == nil {
		return ""
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
