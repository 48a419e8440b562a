package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
)

// The newsletter pages: newsletters/ lists the issues, newest first, and
// newsletters/<slug>/ shows one. An issue is a whole HTML e-mail, written
// for mail clients, that this site did not write word for word: it is
// shown as it is inside an iframe with an empty sandbox (no script, no
// form, no access to the page, links opening a new tab), so no markup in
// it can reach the site.

// issueView is an issue as the pages list it.
type issueView struct {
	Path    string // the issue's page, a site path
	Title   string
	Excerpt string
	Time    time.Time
}

type newslettersData struct {
	Issues []issueView
}

type newsletterData struct {
	issueView
	SrcDoc     string // the e-mail, for the iframe's srcdoc
	Document   string // its API document, a site path
	Newer      *issueView
	Older      *issueView
	Unreadable bool // the store no longer holds the issue's body
}

func newIssueView(r *model.Record) issueView {
	n := r.Newsletter
	return issueView{Path: publish.NewsletterPath(publish.Slug(r.Path)), Title: cleanText(n.Title),
		Excerpt: shorten(publish.PlainText(n.Excerpt), 300), Time: n.PublishedDateTime}
}

// newsletterFeeds are the feeds of issues.
func newsletterFeeds(title string) []feedLink {
	return []feedLink{
		{title + " newsletter (RSS)", "application/rss+xml", "feeds/newsletters.rss.xml"},
		{title + " newsletter (Atom)", "application/atom+xml", "feeds/newsletters.atom.xml"},
	}
}

func (w *Web) newslettersPage(vc *viewCache) *page {
	pg := w.newPage(vc, "newsletters", "newsletters/", "Newsletter")
	pg.Description = "The daily digest of " + pg.SiteTitle + ": the day's top stories with their coverage."
	pg.Feeds = newsletterFeeds(pg.SiteTitle)
	d := &newslettersData{}
	for _, r := range vc.v.Newsletters() {
		d.Issues = append(d.Issues, newIssueView(r))
	}
	pg.Data = d
	return pg
}

func (w *Web) newsletterPage(ctx context.Context, vc *viewCache, slug string) (*page, error) {
	list := vc.v.Newsletters()
	i := -1
	for j, r := range list {
		if publish.Slug(r.Path) == slug {
			i = j
			break
		}
	}
	if i < 0 {
		return nil, errNotFound
	}
	d := &newsletterData{issueView: newIssueView(list[i]), Document: "api/newsletters/" + slug + "/"}
	body, err := vc.v.NewsletterHTML(ctx, slug)
	switch {
	case errors.Is(err, publish.ErrNotFound):
		d.Unreadable = true
	case err != nil:
		return nil, err
	default:
		// The e-mail is shown as it is, but for the characters HTML
		// forbids, which an attribute holds no more than a page.
		d.SrcDoc = linksInNewTab(site.SafeText(body))
	}
	if i > 0 {
		v := newIssueView(list[i-1])
		d.Newer = &v
	}
	if i+1 < len(list) {
		v := newIssueView(list[i+1])
		d.Older = &v
	}
	pg := w.newPage(vc, "newsletter", d.Path, d.Title)
	pg.Description = d.Excerpt
	pg.OGType = "article"
	pg.Feeds = newsletterFeeds(pg.SiteTitle)
	pg.Data = d
	return pg, nil
}

// linksInNewTab makes the links of an e-mail open a new tab: followed
// inside the frame, a publisher's page would mostly refuse to be framed.
// A base element goes at the start of the head (or of the document).
func linksInNewTab(doc string) string {
	const base = `<base target="_blank">`
	lower := strings.ToLower(doc)
	if i := strings.Index(lower, "<head"); i >= 0 {
		if j := strings.IndexByte(doc[i:], '>'); j >= 0 {
			k := i + j + 1
			return doc[:k] + base + doc[k:]
		}
	}
	return base + doc
}

// newsletters writes the newsletter pages of a static build.
func (b *builder) newsletters() {
	b.page(b.w.newslettersPage(b.vc), "")
	for _, r := range b.vc.v.Newsletters() {
		pg, err := b.w.newsletterPage(b.ctx, b.vc, publish.Slug(r.Path))
		if err != nil {
			b.fail(err)
			return
		}
		b.page(pg, "")
	}
}
