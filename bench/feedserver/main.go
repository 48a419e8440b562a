// Command feedserver serves generated news feeds and their article pages
// on loopback, for benchmarking ingest: N feeds of M items each, spread
// over H listeners (one "publisher" per port), with ETag support so a
// second round is all 304s, robots.txt, and article pages carrying Open
// Graph, canonical, AMP and JSON-LD metadata. The text comes from
// newshub's site generator, so stories are covered by several feeds.
// With -rotate, every feed gains new items and drops old ones every
// period, for soak tests (bench/soak.sh), still answering 304 in between.
//
// It writes a sources list (_data/sources.yaml form) to -sources, prints
// "ready" on standard output once listening, and serves until interrupted
// or until -for has passed.
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"html"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
)

func main() {
	feeds := flag.Int("feeds", 1000, "number of feeds")
	items := flag.Int("items", 50, "items per feed")
	hosts := flag.Int("hosts", 1000, "listeners (publishers); feeds are spread over them")
	sourcesFile := flag.String("sources", "", "write the sources list (YAML) to this file")
	seed := flag.Uint64("seed", 1, "random seed")
	life := flag.Duration("for", 10*time.Minute, "stop after this long")
	rotate := flag.Duration("rotate", 0, "every this long, each feed gains -rotate-items new items and drops as many old ones (0: feeds never change)")
	rotateItems := flag.Int("rotate-items", 5, "items each feed gains and drops every -rotate")
	delay := flag.Duration("delay", 0, "wait this long before answering a feed request (a slow publisher)")
	pageDelay := flag.Duration("page-delay", 0, "wait this long before answering an article page request")
	pageTransfer := flag.Duration("page-transfer", 0, "send each article page's body in two halves this long apart, as a page arrives over a real network after its headers (0: at once)")
	slowEvery := flag.Int("page-transfer-every", 1, "send only every this many pages (by item number) so, the others at once: a few slow servers among fast ones")
	pageSize := flag.Int("page-size", 0, "pad each article page to about this many bytes with what real pages carry around the article (menus, links to other stories, scripts; 0: no padding)")
	content := flag.Int("content", 0, "give each item its full text in content:encoded, about this many bytes of HTML (as WordPress feeds do; 0: none)")
	flag.Parse()
	if *hosts > *feeds {
		*hosts = *feeds
	}

	g, err := newGenerator(*feeds, *items, *seed, time.Now().UTC().Truncate(time.Minute))
	if err != nil {
		log.Fatal(err)
	}
	g.delay, g.pageDelay, g.pageTransfer, g.content = *delay, *pageDelay, *pageTransfer, *content
	g.slowEvery = max(1, *slowEvery)
	g.padding = padding(*pageSize)
	var addrs []string
	var lns []net.Listener
	for i := 0; i < *hosts; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			log.Fatalf("listen: %v", err)
		}
		lns = append(lns, ln)
		addrs = append(addrs, "http://"+ln.Addr().String())
	}
	// Render every feed and page once, before serving: the server stands
	// in for publishers on other machines, so the CPU it spends on this
	// machine while newshub is measured should be as little as can be.
	g.prerender(addrs)
	if *rotate > 0 {
		g.rot = newRotation(g, *rotate, *rotateItems, *seed, time.Now())
	}
	var servers []*http.Server
	for i, ln := range lns {
		srv := &http.Server{Handler: g.handler(addrs[i]), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go srv.Serve(ln)
	}
	if *sourcesFile != "" {
		var b strings.Builder
		b.WriteString("sources:\n")
		for f := 0; f < *feeds; f++ {
			fmt.Fprintf(&b, "  - url: \"%s/feeds/%d.xml\"\n", addrs[f%len(addrs)], f)
		}
		if err := os.WriteFile(*sourcesFile, []byte(b.String()), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println("ready")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	select {
	case <-ctx.Done():
	case <-time.After(*life):
	}
	for _, s := range servers {
		s.Close()
	}
}

// story is the text of one generated article.
type story struct {
	title, excerpt string
	published      time.Time
}

// generator holds the articles of every feed: realistic titles and
// excerpts from newshub's own site generator (stories covered by several
// publishers, a real vocabulary), their dates squeezed from its half year
// into the last week, as a feed's latest 50 items span.
type generator struct {
	items   int
	stories []story // feed f's item i is stories[f*items+i]

	// Rendered by prerender: feed f is served by bases[f%len(bases)].
	bases []string
	feeds [][]byte // by feed
	pages [][]byte // like stories

	rot *rotation // nil: the feeds never change

	delay, pageDelay time.Duration // before answering a feed, a page
	pageTransfer     time.Duration // between a page body's two halves
	slowEvery        int           // of every this many pages (0 or 1: all)
	content          int           // bytes of full text per item (see fullText)
	padding          []byte        // put in every page before its footer (see padding)
}

// wait sleeps d, or until the request is given up.
func wait(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// prerender renders each feed and page as its own host serves it.
func (g *generator) prerender(bases []string) {
	nfeeds := len(g.stories) / g.items
	g.bases = bases
	g.feeds = make([][]byte, nfeeds)
	g.pages = make([][]byte, len(g.stories))
	for f := range nfeeds {
		base := bases[f%len(bases)]
		g.feeds[f] = g.feed(base, f, 0)
		for i := range g.items {
			g.pages[f*g.items+i] = g.page(base, f, i)
		}
	}
}

// rendered returns what prerender made for feed f (item i, or the feed
// itself when i < 0) when base is the host that serves it, else nil.
func (g *generator) rendered(base string, f, i int) []byte {
	if f < 0 || f >= len(g.feeds) || i >= g.items || g.bases[f%len(g.bases)] != base {
		return nil
	}
	if i < 0 {
		return g.feeds[f]
	}
	return g.pages[f*g.items+i]
}

func newGenerator(feeds, items int, seed uint64, now time.Time) (*generator, error) {
	g := &generator{items: items, stories: make([]story, 0, feeds*items)}
	var drafted []story
	until := now
	err := gen.Records(gen.Options{Articles: feeds * items, Seed: int64(seed), Until: until}, func(r *model.Record) error {
		if r.Kind != model.KindNews {
			return nil
		}
		age := until.Sub(r.Article.PublishedDateTime) * 7 / (180 * 24)
		drafted = append(drafted, story{r.Article.Title, r.Article.Excerpt, until.Add(-age).Truncate(time.Minute)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Consecutive drafts cover one story from different publishers: deal
	// them out across feeds, so a story's coverage lands in several feeds.
	g.stories = make([]story, feeds*items)
	for j, st := range drafted {
		if j >= feeds*items {
			break
		}
		g.stories[(j%feeds)*items+j/feeds] = st
	}
	for f := 0; f < feeds; f++ { // newest first, as feeds list them
		feed := g.stories[f*items : (f+1)*items]
		slices.SortStableFunc(feed, func(a, b story) int { return b.published.Compare(a.published) })
	}
	return g, nil
}

func (g *generator) handler(base string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("User-agent: *\nDisallow: /admin/\n"))
	})
	mux.HandleFunc("/feeds/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(strings.TrimSuffix(r.PathValue("n"), ".xml"))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		if !wait(r, g.delay) {
			return
		}
		round := g.rot.round()
		etag := fmt.Sprintf(`"feed-%d-v%d"`, n, round+1)
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		body := g.rendered(base, n, -1)
		if round > 0 {
			body = g.rot.feed(base, n, round)
		}
		if body == nil {
			body = g.feed(base, n, round)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
	mux.HandleFunc("/articles/{f}/{i}", func(w http.ResponseWriter, r *http.Request) {
		f, err1 := strconv.Atoi(r.PathValue("f"))
		i, err2 := strconv.Atoi(r.PathValue("i"))
		if err1 != nil || err2 != nil || !g.has(f, i) {
			http.NotFound(w, r)
			return
		}
		if !wait(r, g.pageDelay) {
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		body := g.rendered(base, f, i)
		if body == nil {
			body = g.page(base, f, i)
		}
		parts := [][]byte{body}
		if foot := bytes.LastIndex(body, []byte("<footer>")); len(g.padding) > 0 && foot >= 0 {
			parts = [][]byte{body[:foot], g.padding, body[foot:]}
		}
		g.writeBody(w, r, parts, g.slowEvery <= 1 || i%g.slowEvery == 0)
	})
	return mux
}

// writeBody sends the parts of a page's body: a slow page's first half
// then, after -page-transfer, the rest.
func (g *generator) writeBody(w http.ResponseWriter, r *http.Request, parts [][]byte, slow bool) {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	w.Header().Set("Content-Length", strconv.Itoa(n))
	half := n / 2
	for _, p := range parts {
		if slow && g.pageTransfer > 0 && half >= 0 && half < len(p) {
			w.Write(p[:half])
			http.NewResponseController(w).Flush()
			if !wait(r, g.pageTransfer) {
				return
			}
			p, half = p[half:], -1
		} else {
			half -= len(p)
		}
		w.Write(p)
	}
}

// story returns the title, text and date of item i of feed f.
func (g *generator) story(f, i int) (string, string, time.Time) {
	var st story
	if i < g.items {
		st = g.stories[f*g.items+i]
	} else {
		st, _ = g.rot.story(f, i)
	}
	return st.title, st.excerpt, st.published
}

// feed renders feed f as it is in round k (always 0 without -rotate).
func (g *generator) feed(base string, f, k int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Publisher %d</title><link>%s/</link><description>Generated feed %d</description>
`, f, base, f)
	for _, i := range g.listed(k) {
		title, text, pub := g.story(f, i)
		link := fmt.Sprintf("%s/articles/%d/%d", base, f, i)
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s?utm_source=rss</link><guid isPermaLink="false">%d-%d</guid><pubDate>%s</pubDate>
<description>&lt;p&gt;%s&lt;/p&gt;</description>%s<media:thumbnail url="%s/img/%d/%d-thumb.jpg" width="150" height="100"/></item>
`, html.EscapeString(title), link, f, i, pub.Format(time.RFC1123Z), html.EscapeString(text), g.fullText(text), base, f, i)
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// padding is about n bytes of what a news site's page holds beside its
// article: lists of links to its other stories, and inline scripts. One
// copy serves every page, so the server's memory does not grow with n.
func padding(n int) []byte {
	if n <= 0 {
		return nil
	}
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		if i%20 == 0 {
			b.WriteString(`<aside class="more-stories"><h2>More from this section</h2><ul>`)
		}
		fmt.Fprintf(&b, `<li class="story-card"><a href="/politics/2024/11/story-%d"><img src="/img/thumb-%d.jpg" alt="" loading="lazy" width="160" height="90"><span class="headline">Another headline from the section, number %d</span></a></li>`, i, i, i)
		if i%20 == 19 {
			b.WriteString("</ul></aside>\n")
			fmt.Fprintf(&b, `<script>window.dataLayer=window.dataLayer||[];dataLayer.push({"event":"module_view","module":"more-stories-%d","position":%d,"experiment":"b"});</script>`+"\n", i, i)
		}
	}
	if !bytes.HasSuffix(b.Bytes(), []byte("</script>\n")) {
		b.WriteString("</ul></aside>\n")
	}
	return b.Bytes()
}

// fullText is an item's content:encoded of about g.content bytes: its
// text in paragraphs again and again, as a blog's full post would be.
func (g *generator) fullText(text string) string {
	if g.content <= 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("<content:encoded><![CDATA[")
	for n := 0; n < g.content; n += len(text) + 7 {
		b.WriteString("<p>" + text + "</p>")
	}
	b.WriteString("]]></content:encoded>")
	return b.String()
}

func (g *generator) page(base string, f, i int) []byte {
	title, text, pub := g.story(f, i)
	t := html.EscapeString(title)
	link := fmt.Sprintf("%s/articles/%d/%d", base, f, i)
	return []byte(fmt.Sprintf(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>%s | Publisher %d</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="%s">
<meta property="og:description" content="%s">
<meta property="og:site_name" content="Publisher %d">
<meta property="og:image" content="%s/img/%d/%d.jpg">
<meta property="og:image:width" content="1200">
<meta property="og:image:height" content="675">
<link rel="canonical" href="%s">
<link rel="amphtml" href="%s/amp/articles/%d/%d">
<link rel="stylesheet" href="/static/site.css">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":%q,"datePublished":%q,"publisher":{"@type":"Organization","name":"Publisher %d"}}</script>
</head><body><header><nav><a href="/">Home</a> <a href="/politics">Politics</a></nav></header>
<article><h1>%s</h1><p>%s</p><p>%s</p><p>%s</p></article>
<footer>Copyright Publisher %d</footer></body></html>
`, t, f, t, html.EscapeString(text), f, base, f, i, link, base, f, i, title, pub.Format(time.RFC3339), f, t, text, text, text, f))
}
