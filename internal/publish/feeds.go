package publish

import (
	"bytes"
	"encoding/xml"
	"html"
	"net/url"
	"time"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/site"
)

// FeedItems is how many leads a feed carries, newest first.
const FeedItems = 50

// Feed dates come from the items, never from the clock, so a feed of an
// unchanged store is byte for byte the same whenever it is made.

type rssDoc struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate,omitempty"`
	Self          rssSelf   `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssSelf struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Description string   `xml:"description"`
	Source      *rssSrc  `xml:"source,omitempty"`
	Categories  []string `xml:"category"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssSrc struct {
	URL   string `xml:"url,attr"`
	Value string `xml:",chardata"`
}

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomEntry struct {
	Title      string         `xml:"title"`
	ID         string         `xml:"id"`
	Link       atomLink       `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Summary    string         `xml:"summary"`
	Author     atomAuthor     `xml:"author"`
	Categories []atomCategory `xml:"category"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type jsonFeed struct {
	Version     string         `json:"version"`
	Title       string         `json:"title"`
	HomePageURL string         `json:"home_page_url"`
	FeedURL     string         `json:"feed_url"`
	Language    string         `json:"language,omitempty"`
	Items       []jsonFeedItem `json:"items"`
}

type jsonFeedItem struct {
	ID            string           `json:"id"`
	URL           string           `json:"url"`
	Title         string           `json:"title"`
	Summary       string           `json:"summary"`
	ContentText   string           `json:"content_text"`
	Image         string           `json:"image,omitempty"`
	DatePublished string           `json:"date_published"`
	Authors       []jsonFeedAuthor `json:"authors,omitempty"`
	Tags          []string         `json:"tags,omitempty"`
}

type jsonFeedAuthor struct {
	Name string `json:"name"`
}

// feedEntry is what a feed shows of an item: its title and excerpt as
// plain text within the record limits, its links by the website's rules
// (SafeURL). Feed readers follow an item's link and many render its
// description as HTML, so a script link or markup in an excerpt must not
// reach them.
type feedEntry struct {
	*Entry
	title, excerpt, link, image, provider string
	feed                                  string // the publisher's feed it came from, "" when not known
}

func (v *View) feedEntries(list []*Entry) []feedEntry {
	out := make([]feedEntry, len(list))
	for i, e := range list {
		d := e.Details()
		out[i] = feedEntry{Entry: e, title: site.SafeText(model.Clip(e.Title, model.MaxTitle)),
			excerpt: PlainText(d.Excerpt), link: site.SafeURL(d.WebURL), provider: site.SafeText(e.Provider), feed: publicFeed(e.Feed)}
		if out[i].link == "" {
			// The hub's own page of the article, which links out by the
			// same rule.
			out[i].link = v.base + "/news/" + e.Key + "/"
		}
		for _, im := range d.Images {
			if u := site.SafeURL(im.URL); u != "" {
				out[i].image = u
				break
			}
		}
	}
	return out
}

// publicFeed returns the address of the feed an entry came from as a
// feed names it, by the website's rules (SafeURL), or "" for a private
// feed's: one with user information, or a password or key that
// model.MaskURL masks, is read with a secret it holds, which its <source>
// published to every reader.
func publicFeed(raw string) string {
	u, err := url.Parse(site.SafeURL(raw))
	if err != nil || u.User != nil || model.MaskURL(u.String()) != u.String() {
		return ""
	}
	return u.String()
}

// feed renders the feed of a topic ("" for the whole hub) in a format.
func (v *View) feed(topicID, format string) ([]byte, string, error) {
	list := v.leads
	title := v.site.Config.Title
	prefix := v.base + "/feeds/"
	if topicID != "" {
		list = v.topicLeads[topicID]
		title += ": " + v.site.TopicByID(topicID).Name
		prefix += topicID + "/"
	}
	title = site.SafeText(title)
	if title == "" {
		title = "News"
	}
	if len(list) > FeedItems {
		list = list[:FeedItems]
	}
	items := v.feedEntries(list)
	// The page the feed mirrors, which a reader opens from the feed.
	home := v.web
	switch {
	case topicID != "":
		home = v.base + "/topics/" + topicID + "/"
	case home == "":
		home = v.base + "/"
	}
	// When the feed last changed: its newest item's time, or for a topic
	// with no news yet the hub's newest (a reader showed 1970 for it).
	// RSS leaves the date out for a hub with no news at all; Atom needs
	// one.
	var updated time.Time
	switch {
	case len(list) > 0:
		updated = list[0].Time.In(v.loc)
	case len(v.leads) > 0:
		updated = v.leads[0].Time.In(v.loc)
	default:
		updated = time.Unix(0, 0).In(v.loc)
	}
	lastBuild := updated.Format(time.RFC1123Z)
	if len(v.leads) == 0 {
		lastBuild = ""
	}
	desc := "Latest news"
	if v.root != nil {
		desc = "Latest news about " + site.SafeText(v.root.Name)
	}
	switch format {
	case "rss":
		doc := rssDoc{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", Channel: rssChannel{
			Title: title, Link: home, Description: desc, Language: site.Language(v.locale),
			LastBuildDate: lastBuild,
			Self:          rssSelf{Href: prefix + "rss.xml", Rel: "self", Type: "application/rss+xml"},
		}}
		for _, e := range items {
			// RSS readers render a description as HTML: the text is escaped
			// for it (and the XML encoder escapes that again).
			it := rssItem{Title: e.title, Link: e.link,
				GUID:    rssGUID{IsPermaLink: "false", Value: v.apiURL("news/" + e.Key)},
				PubDate: e.Time.In(v.loc).Format(time.RFC1123Z), Description: html.EscapeString(e.excerpt), Categories: e.Topics}
			// The channel the item came from (RSS 2.0), which is the
			// publisher's feed, not this one: an article read from a
			// file names none, and gets no <source> rather than a wrong
			// one.
			if e.feed != "" {
				it.Source = &rssSrc{URL: e.feed, Value: channelName(e)}
			}
			doc.Channel.Items = append(doc.Channel.Items, it)
		}
		b, err := marshalXML(doc)
		return b, TypeRSS, err
	case "atom":
		doc := atomFeed{Title: title, ID: prefix + "atom.xml", Updated: updated.Format(time.RFC3339),
			Links: []atomLink{{Href: prefix + "atom.xml", Rel: "self", Type: "application/atom+xml"}, {Href: home, Rel: "alternate"}}}
		for _, e := range items {
			ent := atomEntry{Title: e.title, ID: v.apiURL("news/" + e.Key), Link: atomLink{Href: e.link, Rel: "alternate"},
				Published: e.Time.In(v.loc).Format(time.RFC3339), Updated: e.Time.In(v.loc).Format(time.RFC3339),
				Summary: e.excerpt, Author: atomAuthor{Name: e.provider}}
			if ent.Author.Name == "" {
				ent.Author.Name = title
			}
			for _, t := range e.Topics {
				ent.Categories = append(ent.Categories, atomCategory{Term: t})
			}
			doc.Entries = append(doc.Entries, ent)
		}
		b, err := marshalXML(doc)
		return b, TypeAtom, err
	case "json":
		doc := jsonFeed{Version: "https://jsonfeed.org/version/1.1", Title: title, HomePageURL: home,
			FeedURL: prefix + "feed.json", Language: site.Language(v.locale), Items: []jsonFeedItem{}}
		for _, e := range items {
			it := jsonFeedItem{ID: v.apiURL("news/" + e.Key), URL: e.link, Title: e.title, Summary: e.excerpt,
				ContentText: e.excerpt, Image: e.image, DatePublished: e.Time.In(v.loc).Format(time.RFC3339), Tags: e.Topics}
			if e.provider != "" {
				it.Authors = []jsonFeedAuthor{{Name: e.provider}}
			}
			doc.Items = append(doc.Items, it)
		}
		b, err := encodeIndent(doc, "")
		return b, TypeJSONFeed, err
	}
	return nil, "", ErrNotFound
}

func marshalXML(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// channelName names the feed an item came from in its RSS <source>: the
// publisher's name, which for its own feed is the one its channel goes
// by. An aggregator's item (its link on the feed's site, its publisher
// another) came from the aggregator's channel, whose title the record
// does not keep: it is named by its host.
func channelName(e feedEntry) string {
	feed := hostOf(e.feed)
	if e.provider == "" {
		return feed
	}
	site := curate.RegistrableDomain(feed)
	if site != "" && e.Domain != "" && site == curate.RegistrableDomain(hostOf(e.link)) && site != curate.RegistrableDomain(e.Domain) {
		return feed
	}
	return e.provider
}

// hostOf returns the host of the URL u.
func hostOf(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	return p.Hostname()
}
