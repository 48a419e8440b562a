package publish

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html"
	"slices"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Newsletter issues (_newsletters/<site-slug>-YYYY-MM-DD.html) are
// published as api/newsletters/ (the V1 envelope, every issue, newest
// first), api/newsletters/<slug>/ (one issue with its HTML as content),
// the website's newsletter pages, and the feeds of issues
// feeds/newsletters.rss.xml and feeds/newsletters.atom.xml (file names no
// topic's feed folder can take). The view keeps each issue without its
// body, a whole HTML e-mail: documents and pages read it from the store.

// Newsletters lists the newsletter issues, newest first (by
// publishedDateTime, then path). Their Body is not kept: see
// NewsletterHTML.
func (v *View) Newsletters() []*model.Record { return v.newsletters }

// Newsletter returns the issue whose slug ("<site-slug>-YYYY-MM-DD") is
// given, without its body, or nil.
func (v *View) Newsletter(slug string) *model.Record { return v.newsletterBy[slug] }

// NewsletterHTML reads the HTML e-mail of the issue with the slug from the
// store; ErrNotFound when the view has no such issue or the store lost it.
func (v *View) NewsletterHTML(ctx context.Context, slug string) (string, error) {
	r, err := v.newsletterRecord(ctx, slug)
	if err != nil {
		return "", err
	}
	return r.Newsletter.Body, nil
}

func (v *View) newsletterRecord(ctx context.Context, slug string) (*model.Record, error) {
	n := v.newsletterBy[slug]
	if n == nil {
		return nil, ErrNotFound
	}
	r, err := v.rd.Get(ctx, n.Path)
	if errors.Is(err, store.ErrNotFound) || (err == nil && r.Newsletter == nil) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("newsletter %s: %w", n.Path, err)
	}
	return r, nil
}

// NewsletterPath is the website's page of an issue, a site path.
func NewsletterPath(slug string) string { return "newsletters/" + slug + "/" }

func (v *View) addNewsletter(r *model.Record) {
	slug := Slug(r.Path)
	if !validID(slug) {
		return // no safe address; import names such files
	}
	r.Raw = nil
	r.Newsletter.Body = ""
	v.newsletters = append(v.newsletters, r)
	v.newsletterBy[slug] = r
}

func sortNewsletters(l []*model.Record) {
	slices.SortStableFunc(l, func(a, b *model.Record) int {
		if c := b.Newsletter.PublishedDateTime.Compare(a.Newsletter.PublishedDateTime); c != 0 {
			return c
		}
		return cmp.Compare(b.Path, a.Path)
	})
}

// newsletterJSON is an issue as api/newsletters/ lists it: the record's
// front matter with its addresses.
type newsletterJSON struct {
	Path              string   `json:"path"`
	Title             string   `json:"title"`
	Excerpt           string   `json:"excerpt"`
	SourceURL         string   `json:"sourceUrl"`
	WebURL            string   `json:"webUrl"`
	PublishedDateTime stamp    `json:"publishedDateTime"`
	Type              string   `json:"type"`
	Topics            []string `json:"topics"`
}

// newsletterDocJSON is an issue's own document: the list item and its
// HTML e-mail.
type newsletterDocJSON struct {
	newsletterJSON
	Content string `json:"content"`
}

func (v *View) newsletterItem(r *model.Record) newsletterJSON {
	n, slug := r.Newsletter, Slug(r.Path)
	return newsletterJSON{
		Path: r.Path, Title: n.Title, Excerpt: n.Excerpt,
		SourceURL:         v.apiURL("newsletters/" + slug),
		WebURL:            cmp.Or(n.WebURL, v.base+"/"+NewsletterPath(slug)),
		PublishedDateTime: stamp(n.PublishedDateTime.In(v.loc)),
		Type:              cmp.Or(n.Type, "article"),
		Topics:            nonNil(n.Topics),
	}
}

func (v *View) newslettersDoc() ([]byte, error) {
	items := make([]newsletterJSON, len(v.newsletters))
	for i, r := range v.newsletters {
		items[i] = v.newsletterItem(r)
	}
	return encodeIndent(v1Envelope{Title: "Newsletters", Path: "_newsletters", Page: 1, Value: items}, "")
}

func (v *View) newsletterDoc(ctx context.Context, slug string) ([]byte, error) {
	r, err := v.newsletterRecord(ctx, slug)
	if err != nil {
		return nil, err
	}
	it := newsletterDocJSON{newsletterJSON: v.newsletterItem(v.newsletterBy[slug]), Content: r.Newsletter.Body}
	return encodeIndent(it, "")
}

// newsletterFeedFile names the feeds of issues, by format.
var newsletterFeedFile = map[string]string{"rss": "newsletters.rss.xml", "atom": "newsletters.atom.xml"}

// newsletterFeed renders the feed of the newest FeedItems issues, each
// linking to its page on the website.
func (v *View) newsletterFeed(format string) ([]byte, string, error) {
	title := cmp.Or(v.site.Config.Title, "News") + ": newsletter"
	self := v.base + "/feeds/" + newsletterFeedFile[format]
	home := v.base + "/newsletters/"
	list := v.newsletters[:min(len(v.newsletters), FeedItems)]
	// When the feed last changed: its newest issue's time, or before the
	// first issue the hub's newest news's (as a topic's feeds with no
	// news say; readers showed 1970). RSS leaves the date out for a hub
	// with neither; Atom needs one.
	updated := time.Unix(0, 0).In(v.loc)
	switch {
	case len(list) > 0:
		updated = list[0].Newsletter.PublishedDateTime.In(v.loc)
	case len(v.leads) > 0:
		updated = v.leads[0].Time.In(v.loc)
	}
	lastBuild := updated.Format(time.RFC1123Z)
	if len(list) == 0 && len(v.leads) == 0 {
		lastBuild = ""
	}
	switch format {
	case "rss":
		doc := rssDoc{Version: "2.0", AtomNS: "http://www.w3.org/2005/Atom", Channel: rssChannel{
			Title: title, Link: home, Description: "The daily digest of " + cmp.Or(v.site.Config.Title, "the hub"),
			Language: site.Language(v.locale), LastBuildDate: lastBuild,
			Self: rssSelf{Href: self, Rel: "self", Type: "application/rss+xml"},
		}}
		for _, r := range list {
			n, slug := r.Newsletter, Slug(r.Path)
			// Readers render a description as HTML: the text is escaped
			// for it, as the news feeds' is.
			doc.Channel.Items = append(doc.Channel.Items, rssItem{Title: site.SafeText(n.Title), Link: v.base + "/" + NewsletterPath(slug),
				GUID:    rssGUID{IsPermaLink: "false", Value: v.apiURL("newsletters/" + slug)},
				PubDate: n.PublishedDateTime.In(v.loc).Format(time.RFC1123Z), Description: html.EscapeString(site.SafeText(n.Excerpt)),
				Categories: n.Topics})
		}
		b, err := marshalXML(doc)
		return b, TypeRSS, err
	case "atom":
		doc := atomFeed{Title: title, ID: self, Updated: updated.Format(time.RFC3339),
			Links: []atomLink{{Href: self, Rel: "self", Type: "application/atom+xml"}, {Href: home, Rel: "alternate"}}}
		for _, r := range list {
			n, slug := r.Newsletter, Slug(r.Path)
			at := n.PublishedDateTime.In(v.loc).Format(time.RFC3339)
			ent := atomEntry{Title: site.SafeText(n.Title), ID: v.apiURL("newsletters/" + slug),
				Link:      atomLink{Href: v.base + "/" + NewsletterPath(slug), Rel: "alternate"},
				Published: at, Updated: at, Summary: site.SafeText(n.Excerpt), Author: atomAuthor{Name: title}}
			for _, t := range n.Topics {
				ent.Categories = append(ent.Categories, atomCategory{Term: t})
			}
			doc.Entries = append(doc.Entries, ent)
		}
		b, err := marshalXML(doc)
		return b, TypeAtom, err
	}
	return nil, "", ErrNotFound
}
