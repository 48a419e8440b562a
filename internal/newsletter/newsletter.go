// Package newsletter makes the daily digest of a hub: one issue a day,
// holding the day's top stories by heat with their related coverage,
// grouped by topic. An issue is kept as Smartable kept its newsletters, a
// record _newsletters/<site-slug>-YYYY-MM-DD.html (front matter and a
// complete HTML e-mail), and is sent by mail where the site configures
// smtp:, as HTML with a plain-text alternative.
//
// Compose reads the store and builds an Issue; Issue.HTML, Issue.Text and
// Issue.Record render it; Save writes the record to the store and the site
// folder; Mailer sends it; Due says when the next issue is due. Issues and
// Latest read the issues back for publishing. The store keeps each issue
// as composed beside its record, and Refresh writes it again without the
// articles withheld from publication since, and with them once published
// again: the issue's pages, documents and feeds follow its record.
package newsletter

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate"
	"newshub/internal/ingest/parser"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// ErrNoNews is returned by Compose for a day without news: no issue is
// made for it.
var ErrNoNews = errors.New("no news that day")

// Defaults of Options.
const (
	DefaultMaxStories = 20
	DefaultMaxRelated = 4
)

// Options tune an issue.
type Options struct {
	MaxStories int // stories in an issue (the hottest); 0 means DefaultMaxStories
	MaxRelated int // related articles listed under a story; 0 means DefaultMaxRelated
	// Now returns the current time; nil means time.Now. An issue of a day
	// not yet over is dated now rather than at its due time.
	Now func() time.Time
}

func (o Options) withDefaults() Options {
	if o.MaxStories <= 0 {
		o.MaxStories = DefaultMaxStories
	}
	if o.MaxRelated <= 0 {
		o.MaxRelated = DefaultMaxRelated
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Issue is one day's digest, the single model the record, the HTML e-mail
// and its text part are rendered from. Every text is plain (markup removed,
// white space folded) and every URL is an absolute http(s) URL or "".
type Issue struct {
	Date      Date
	Path      string    // site path of the record
	Title     string    // "<site title> (YYYY-MM-DD)", Smartable's form
	Excerpt   string    // the top three headlines joined with " / "
	Published time.Time // publishedDateTime, UTC
	WebURL    string    // the issue online
	Topics    []string  // the root topic

	SiteName string
	SiteURL  string
	// Lang is the site's language as HTML's lang writes it ("en-US");
	// an issue composed before issues kept it has none (see HTMLLang).
	Lang     string `json:",omitempty"`
	Day      string // the day spelled out, e.g. "Monday, October 19, 2026"
	Sections []Section

	Stories    int // stories listed
	DayStories int // stories of the day: more than Stories when the hottest were picked
	Publishers int // publishers among the stories and their coverage
	Unlinked   int // titles shown without a link: the record had no http(s) URL
}

// Section is the stories of one topic, hottest first.
type Section struct {
	Topic   string
	Stories []*Story
}

// Story is a lead article with its related coverage.
type Story struct {
	Path      string // the lead's record path
	Key       string // the lead's canonical URL: the article Refresh looks up
	Rank      int    // place among the issue's stories by heat, from 0
	Publisher string // the publisher's key, to count the issue's publishers
	Title     string
	Excerpt   string
	URL       string // the article at its publisher
	Provider  string
	Time      string // local time of publication, e.g. "3:04 PM"
	Heat      int
	Voice     *Voice
	Image     *Image
	Related   []Link
	More      int // related articles not listed
	// MorePublishers are the publishers of those (keys), counted among
	// the issue's publishers.
	MorePublishers []string `json:",omitempty"`
}

// Link is one related article.
type Link struct {
	Title, URL, Provider string
	Voice                *Voice
	Key                  string // the article's canonical URL
	Publisher            string // the publisher's key
}

// Voice is the voice label of a publisher, with its colours (hex).
type Voice struct {
	Name, Color, Background string
}

// Image is a story's picture as the e-mail shows it: a thumbnail of fixed
// width, its height kept in proportion.
type Image struct {
	URL           string
	Width, Height int
	Alt           string
}

// Compose builds the issue of day d (in the site's time zone) from the
// published leads of that day, hottest first. A day without news gives
// ErrNoNews.
func Compose(ctx context.Context, st store.Store, s *site.Site, d Date, opt Options) (*Issue, error) {
	opt = opt.withDefaults()
	cfg := s.Config
	loc := cfg.Location()
	q := store.NewsQuery{
		PublishedOnly: true,
		Since:         d.Start(loc),
		Until:         d.AddDays(1).Start(loc),
		Order:         store.ByHeat,
		Limit:         opt.MaxStories,
		NoRaw:         true,
	}
	recs, err := st.News(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("newsletter %s: %w", d, err)
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("newsletter %s: %w", d, ErrNoNews)
	}
	is := newIssue(s, d, opt.Now())
	is.DayStories = len(recs)
	if len(recs) == opt.MaxStories {
		if is.DayStories, err = st.CountNews(ctx, q); err != nil {
			return nil, fmt.Errorf("newsletter %s: %w", d, err)
		}
	}
	c := composer{site: s, loc: loc, opt: opt}
	bySection := map[string][]*Story{}
	for i, r := range recs {
		st := c.story(r)
		st.Rank = i
		sec := c.section(r.Article)
		bySection[sec] = append(bySection[sec], st)
	}
	for _, t := range s.Topics {
		if stories := bySection[t.Name]; len(stories) > 0 {
			is.Sections = append(is.Sections, Section{Topic: t.Name, Stories: stories})
			delete(bySection, t.Name)
		}
	}
	if stories := bySection[""]; len(stories) > 0 {
		is.Sections = append(is.Sections, Section{Topic: "More news", Stories: stories})
	}
	is.summarize()
	if err := is.fit(); err != nil {
		return nil, err
	}
	return is, nil
}

// maxHTML is the most an issue's HTML may weigh, in bytes: Gmail shows
// the first 102 KB of a message's HTML and puts the rest behind a link
// ("[Message clipped]"), the issue's last stories and its footer with it.
const maxHTML = 100_000

// fit leaves out the issue's coldest stories, one at a time, until its
// HTML weighs no more than maxHTML; its introduction then says how many
// of the day's stories it holds, as when the day had more than
// MaxStories. One story is kept whatever it weighs (some 50 KB at most,
// every text and address at its limit).
func (is *Issue) fit() error {
	for is.Stories > 1 {
		doc, err := is.HTML()
		if err != nil {
			return err
		}
		if len(doc) <= maxHTML {
			return nil
		}
		is.dropColdest()
	}
	return nil
}

// dropColdest takes the story of the highest rank out of the issue, and
// its section with it when it was the section's last.
func (is *Issue) dropColdest() {
	si, sj := -1, -1
	for i, sec := range is.Sections {
		for j, st := range sec.Stories {
			if si < 0 || st.Rank > is.Sections[si].Stories[sj].Rank {
				si, sj = i, j
			}
		}
	}
	if si < 0 {
		return
	}
	sec := &is.Sections[si]
	sec.Stories = slices.Delete(sec.Stories, sj, sj+1)
	if len(sec.Stories) == 0 {
		is.Sections = slices.Delete(is.Sections, si, si+1)
	}
	is.summarize()
}

// summarize counts the issue's stories, publishers and titles without a
// link, and takes its excerpt from the three hottest stories, from the
// stories its sections hold.
func (is *Issue) summarize() {
	var stories []*Story
	publishers := map[string]bool{}
	is.Unlinked = 0
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			stories = append(stories, st)
			publishers[st.Publisher] = true
			if st.URL == "" {
				is.Unlinked++
			}
			for _, l := range st.Related {
				publishers[l.Publisher] = true
				if l.URL == "" {
					is.Unlinked++
				}
			}
			for _, p := range st.MorePublishers {
				publishers[p] = true
			}
		}
	}
	slices.SortStableFunc(stories, func(a, b *Story) int { return cmp.Compare(a.Rank, b.Rank) })
	var headlines []string
	for _, st := range stories[:min(len(stories), 3)] {
		headlines = append(headlines, st.Title)
	}
	is.Excerpt = strings.Join(headlines, " / ")
	is.Stories = len(stories)
	is.Publishers = len(publishers)
}

// newIssue fills what an issue takes from the site and the day.
func newIssue(s *site.Site, d Date, now time.Time) *Issue {
	cfg := s.Config
	slug := siteSlug(cfg) + "-" + d.String()
	is := &Issue{
		Date:      d,
		Path:      Dir + "/" + slug + ".html",
		Title:     siteName(cfg) + " (" + d.String() + ")",
		Published: IssueTime(d, cfg),
		SiteName:  siteName(cfg),
		SiteURL:   site.SafeURL(siteURL(cfg)),
		Lang:      site.HTMLLang(cfg.Locale),
		Day:       d.Start(time.UTC).Format("Monday, January 2, 2006"),
	}
	if now = now.UTC().Truncate(time.Second); now.Before(is.Published) {
		is.Published = now // the day is not over: dated when written
	}
	is.WebURL = issueURL(cfg, slug)
	if root := s.Root(); root != nil {
		is.Topics = []string{root.Name}
	} else if cfg.Topic != "" {
		is.Topics = []string{cfg.Topic}
	}
	return is
}

// composer turns records into the issue's stories.
type composer struct {
	site *site.Site
	loc  *time.Location
	opt  Options
}

func (c *composer) story(r *model.Record) *Story {
	a := r.Article
	st := &Story{
		Path:      r.Path,
		Key:       articleKey(a),
		Publisher: publisherKey(a.Provider),
		Title:     text(a.Title),
		Excerpt:   parser.Truncate(text(a.Excerpt), 280),
		URL:       cmp.Or(site.SafeURL(a.WebURL), site.SafeURL(a.OriginalURL)),
		Provider:  c.providerName(a.Provider),
		Time:      a.PublishedDateTime.In(c.loc).Format("3:04 PM"),
		Heat:      a.Heat,
		Voice:     c.voice(a.Topics, a.Provider.Domain),
		Image:     thumbnail(a.Images, text(a.Title), c.site.BaseURL()),
	}
	if st.Title == "" {
		st.Title = "(untitled)"
	}
	if st.Excerpt == st.Title {
		st.Excerpt = ""
	}
	for _, rel := range a.Related {
		if len(st.Related) == c.opt.MaxRelated {
			st.More++
			st.MorePublishers = append(st.MorePublishers, publisherKey(rel.Provider))
			continue
		}
		l := Link{Title: text(rel.Title), URL: site.SafeURL(rel.WebURL), Provider: c.providerName(rel.Provider),
			Voice: c.voice(nil, rel.Provider.Domain), Key: curate.CanonicalURL(rel.WebURL), Publisher: publisherKey(rel.Provider)}
		if l.Title == "" {
			l.Title = "(untitled)"
		}
		st.Related = append(st.Related, l)
	}
	return st
}

// section returns the topic an article is listed under: its first topic,
// in the taxonomy's display order, that is neither the root (every article
// has it) nor a voice (a label, not a subject); else the root; else "".
func (c *composer) section(a *model.Article) string {
	root := c.site.Root()
	for _, t := range c.site.Topics {
		if t == root || site.TopicHighlight(t) != nil || !slices.Contains(a.Topics, t.Name) {
			continue
		}
		return t.Name
	}
	if root != nil {
		return root.Name
	}
	return ""
}

// voice returns the voice label of an article: the first voice topic it
// carries, else its publisher's voice (as the website labels cards).
func (c *composer) voice(topics []string, domain string) *Voice {
	name, hl := c.site.Highlight(topics)
	if hl == nil {
		o := c.site.Organization(domain)
		if o == nil || o.Voice == "" {
			return nil
		}
		name = o.Voice
		if t := c.site.TopicByName(o.Voice); t != nil {
			hl = site.TopicHighlight(t)
		}
	}
	v := &Voice{Name: name, Color: "#ffffff", Background: "#4b5563"}
	if hl != nil && model.IsColor(hl.TextColor) && model.IsColor(hl.BackgroundColor) {
		v.Color, v.Background = hl.TextColor, hl.BackgroundColor
	}
	return v
}

func (c *composer) providerName(p model.Provider) string {
	if n := text(p.Name); n != "" {
		return n
	}
	if o := c.site.Organization(p.Domain); o != nil && o.Name != "" {
		return text(o.Name)
	}
	return text(p.Domain)
}

// articleKey is the key the store finds an article by (ArticleByURL).
func articleKey(a *model.Article) string {
	if a.CanonicalURL != "" {
		return a.CanonicalURL
	}
	return curate.CanonicalURL(cmp.Or(a.OriginalURL, a.WebURL))
}

func publisherKey(p model.Provider) string {
	if p.Domain != "" {
		return strings.TrimPrefix(strings.ToLower(p.Domain), "www.")
	}
	return strings.ToLower(p.Name)
}

// thumbnailWidth is the width of a story's picture in the e-mail.
const thumbnailWidth = 120

// thumbnail returns the first picture with an http(s) URL, a site-relative
// one resolved against base, sized to the thumbnail width (16:9 when the
// record gives no size).
func thumbnail(ims []model.Image, alt, base string) *Image {
	for _, im := range ims {
		u := site.SafeURL(site.Absolute(base, im.URL))
		if u == "" {
			continue
		}
		h := thumbnailWidth * 9 / 16
		if im.Width > 0 && im.Height > 0 {
			h = min(max(thumbnailWidth*im.Height/im.Width, 60), 160)
		}
		return &Image{URL: u, Width: thumbnailWidth, Height: h, Alt: alt}
	}
	return nil
}

// text turns a title or name that may hold markup into plain text,
// without the characters HTML forbids (site.SafeText).
func text(s string) string { return site.SafeText(parser.PlainText(s)) }

// siteName is the name the digest goes by.
func siteName(cfg *model.Config) string {
	return cmp.Or(text(cfg.Title), text(cfg.Topic), "News")
}

// siteSlug is the first part of an issue's file name, as Smartable's
// "election-smartable-YYYY-MM-DD.html" comes from "Election Smartable".
func siteSlug(cfg *model.Config) string {
	return cmp.Or(slug(cfg.Title), slug(cfg.Topic), "newsletter")
}

// issueURL is where the issue is read online: in the web app of webUrl at
// newsletter/<slug>/, as Smartable's were, else on the hub's own website
// (url and baseurl) at newsletters/<slug>/; "" when neither is set.
func issueURL(cfg *model.Config, slug string) string {
	switch {
	case cfg.WebURL != "":
		return site.SafeURL(strings.TrimRight(cfg.WebURL, "/") + "/newsletter/" + url.PathEscape(slug) + "/")
	case cfg.URL != "":
		return site.SafeURL(strings.TrimRight(siteURL(cfg), "/") + "/newsletters/" + url.PathEscape(slug) + "/")
	}
	return ""
}

// siteURL is where the site's pages live: webUrl, else url and baseurl.
func siteURL(cfg *model.Config) string {
	if cfg.WebURL != "" {
		return cfg.WebURL
	}
	if cfg.URL == "" {
		return ""
	}
	return strings.TrimRight(cfg.URL, "/") + "/" + strings.Trim(cfg.BaseURL, "/")
}
