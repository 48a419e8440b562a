// Package web is the hub as people read it: server-rendered HTML pages
// (home, topics, full coverage of a story, articles, events, people,
// learning and a page for each of their records, search), with their CSS, favicon and a little JavaScript
// embedded in the binary. The pages there is one of per article or story
// (and the layout and cards) are written by Go code that escapes as
// html/template does; the others are html/template templates.
//
// The same code serves the pages (ServeHTTP) and writes them as a static
// website (Build). Every link a page holds is relative to the page itself, so
// both work under any base URL. Pages are rendered from the hub's view
// (package publish), the one the JSON API and the feeds render from: the
// ranked leads, the stories, events, people and learning. What the pages
// derive from a view (cards, a story's coverage, rendered cards and page
// parts) is made the first time a page needs it and kept with the view.
// The store is read for what a view does not hold: the related coverage
// on an article's page, and searches.
package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"

	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Config is what a Web needs.
type Config struct {
	// Views gives the view of the hub each served page renders from; a Web
	// that only builds (Build is given its view) needs none.
	Views *publish.Views
	// Store is read for searches and the related coverage of articles.
	Store store.Store
	// SiteDir is the site folder, whose assets/images are served and
	// built; "" serves none.
	SiteDir string
	Logger  *slog.Logger
}

// Web renders the website. It is safe for concurrent use.
type Web struct {
	views     *publish.Views
	st        store.Store
	siteDir   string
	log       *slog.Logger
	tmpl      *templates
	cache     atomic.Pointer[viewCache] // of the newest view a page asked for
	rankLimit int                       // store.SearchQuery.RankLimit of searches; 0 is the store's default
	onPage    func(name string)         // told of each page Build renders, for tests
}

// New returns a Web over the given views and store.
func New(cfg Config) (*Web, error) {
	if cfg.Store == nil {
		return nil, errors.New("web: no store")
	}
	t, err := parseTemplates()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	w := &Web{views: cfg.Views, st: cfg.Store, siteDir: cfg.SiteDir, log: cfg.Logger, tmpl: t}
	if w.log == nil {
		w.log = slog.Default()
	}
	return w, nil
}

// errNotFound makes a page answer 404.
var errNotFound = errors.New("page not found")

// ServeHTTP serves the website.
func (w *Web) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		rw.Header().Set("Allow", "GET, HEAD")
		rw.Header().Set("Cache-Control", noStore)
		http.Error(rw, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/"+PictureDir+"/"):
		// The site's pictures, then a static file a build puts beside
		// them.
		if !w.servePicture(rw, r, strings.TrimPrefix(p, "/"+PictureDir+"/")) && !w.serveStatic(rw, r, strings.TrimPrefix(p, "/")) {
			w.serveError(rw, r, errNotFound)
		}
		return
	case strings.HasPrefix(p, "/assets/"):
		if !w.serveAsset(rw, r, strings.TrimPrefix(p, "/assets/")) && !w.serveStatic(rw, r, strings.TrimPrefix(p, "/")) {
			w.serveError(rw, r, errNotFound)
		}
		return
	case !strings.HasSuffix(p, "/") && p != "/favicon.svg" && w.serveStatic(rw, r, strings.TrimPrefix(p, "/")):
		// The site's own files, which a build puts in OUT beside the
		// pages: a favicon.ico among them is the site's icon. The
		// website's own files (a build refuses a static one at their
		// paths) are answered first.
		return
	case p == "/favicon.ico" || p == "/favicon.svg":
		w.serveAsset(rw, r, "favicon.svg")
		return
	}
	// No page has a path that could lead a redirect elsewhere: "//host",
	// "/\host", or "/\t/host", which browsers read as "//host" once they
	// drop the tab.
	if strings.HasPrefix(p, "//") || strings.ContainsFunc(p, unsafeInPath) {
		w.serveError(rw, r, errNotFound)
		return
	}
	// Folder pages live at paths ending in "/": relative links depend on it.
	// The Location is made of the escaped path, never the decoded one.
	// A folder of the static folder with an index.html is a page too,
	// whatever its name holds.
	if p != "/search" && !strings.HasSuffix(p, "/") && (!strings.Contains(lastSegment(p), ".") || w.hasStaticIndex(strings.TrimPrefix(p, "/"))) {
		target := r.URL.EscapedPath() + "/"
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(rw, r, target, http.StatusMovedPermanently)
		return
	}
	ctx := r.Context()
	v, err := w.views.Current(ctx)
	if err != nil {
		w.serveError(rw, r, err)
		return
	}
	vc := w.cacheOf(v)
	pg, err := w.route(ctx, vc, r)
	if err != nil {
		if strings.HasSuffix(p, "/") && noPage(err) && w.serveStatic(rw, r, strings.TrimPrefix(p, "/")+"index.html") {
			// A static folder's index.html, which a build puts in OUT
			// where it makes no page (it refuses one where it does),
			// is what a static host answers at its folder's address.
			return
		}
		w.serveError(rw, r, err)
		return
	}
	if !pg.NoIndex {
		pg.Canonical = absURL(v, pg.Path)
	}
	status := http.StatusOK
	if pg.Status != 0 {
		status = pg.Status
	}
	w.writePage(rw, r, pg, status)
}

// route turns a request into a page.
func (w *Web) route(ctx context.Context, vc *viewCache, r *http.Request) (*page, error) {
	p := r.URL.Path
	seg := strings.Split(strings.Trim(p, "/"), "/")
	if p == "/" {
		seg = nil
	}
	switch {
	case len(seg) == 0:
		return w.homePage(vc), nil
	case seg[0] == "search" && len(seg) == 1:
		return w.searchPage(ctx, vc, r.URL.Query(), false)
	case seg[0] == "topics" && len(seg) == 2:
		return w.topicPage(vc, seg[1], 1)
	case seg[0] == "topics" && len(seg) == 4 && seg[2] == "page":
		n, err := strconv.Atoi(seg[3])
		if err != nil || n < 2 || strconv.Itoa(n) != seg[3] {
			return nil, errNotFound
		}
		return w.topicPage(vc, seg[1], n)
	case seg[0] == "stories" && len(seg) == 2:
		return w.storyPage(ctx, vc, seg[1])
	case seg[0] == "news" && len(seg) == 5:
		return w.articlePage(ctx, vc, strings.Join(seg[1:], "/"))
	case seg[0] == "events" && len(seg) == 1:
		return w.eventsPage(vc), nil
	case seg[0] == "people" && len(seg) == 1:
		return w.peoplePage(vc), nil
	case seg[0] == "learning" && len(seg) == 1:
		return w.learningPage(vc), nil
	case seg[0] == "newsletters" && len(seg) == 1:
		return w.newslettersPage(vc), nil
	case seg[0] == "newsletters" && len(seg) == 2:
		return w.newsletterPage(ctx, vc, seg[1])
	case (seg[0] == "event" || seg[0] == "people" || seg[0] == "learning") && strings.HasSuffix(p, "/"):
		return w.recordPage(vc, strings.Join(seg, "/"))
	}
	return nil, errNotFound
}

// noPage reports whether err says a build makes no page at the path
// asked for.
func noPage(err error) bool {
	var merged *publish.StoryMerged
	return errors.Is(err, errNotFound) || errors.As(err, &merged)
}

// maxDepth is more folders than any page or picture of a site is in
// (an article's page is in five).
const maxDepth = 16

// serveError answers a failed page: 404, 400 or 503 (logged).
func (w *Web) serveError(rw http.ResponseWriter, r *http.Request, err error) {
	var bad *publish.BadRequest
	var merged *publish.StoryMerged
	vc := w.cache.Load() // the newest view's, if there is one
	switch {
	case errors.As(err, &merged):
		w.writePage(rw, r, w.messagePage(vc, r.URL.Path, "Story merged", mergedMessage(vc, merged)), http.StatusNotFound)
	case errors.Is(err, errNotFound) && strings.Count(r.URL.Path, "/") > maxDepth:
		// No page is this deep, and each relative link of the 404 page
		// would climb the whole path: a path of 60 KB made a page of 2 MB.
		rw.Header().Set("Cache-Control", noStore)
		http.Error(rw, "Page not found.", http.StatusNotFound)
	case errors.Is(err, errNotFound):
		w.writePage(rw, r, w.notFoundPage(vc, r.URL.Path), http.StatusNotFound)
	case errors.As(err, &bad):
		w.writePage(rw, r, w.messagePage(vc, r.URL.Path, "Bad request", bad.Reason), http.StatusBadRequest)
	case errors.Is(err, context.Canceled):
		// The client went away; nothing to answer.
	case errors.Is(r.Context().Err(), context.DeadlineExceeded):
		// The server bounds a search's time.
		w.log.Warn("web page timed out", "path", r.URL.Path, "err", err)
		rw.Header().Set("Retry-After", "2")
		w.writePage(rw, r, w.messagePage(vc, r.URL.Path, "Search took too long",
			"This search took too long. More words, or a topic, narrow it."), http.StatusServiceUnavailable)
	default:
		// What fails here is the store (a page of the view never does):
		// a database restarting or failing over, back soon, as the API
		// says with its 503, logged once for an outage of the store.
		w.views.Outage().Failed(r.Context(), slog.LevelError, "web page", err, "path", r.URL.Path)
		rw.Header().Set("Retry-After", "10")
		w.writePage(rw, r, w.messagePage(vc, r.URL.Path, "Page unavailable",
			"This page could not be built just now. Please try again in a minute."), http.StatusServiceUnavailable)
	}
}

// mergedMessage says where the coverage of a story merged away is now.
func mergedMessage(vc *viewCache, m *publish.StoryMerged) string {
	msg := "An editor merged this story into another"
	if m.Now == "" {
		return msg + "; its coverage is not published now."
	}
	at := "stories/" + url.PathEscape(m.Now) + "/"
	if vc != nil {
		at = cmp.Or(absURL(vc.v, at), at)
	}
	return msg + ": its coverage is now at " + at
}

// writePage renders a page into a buffer first, so a template error never
// leaves half a page behind.
func (w *Web) writePage(rw http.ResponseWriter, r *http.Request, pg *page, status int) {
	if pg.Base == "" {
		pg.Base = relBase(r.URL.Path)
	}
	var buf bytes.Buffer
	if err := w.tmpl.render(&buf, pg); err != nil {
		w.log.Error("web render", "path", r.URL.Path, "err", err)
		rw.Header().Set("Cache-Control", noStore)
		http.Error(rw, "internal error", http.StatusInternalServerError)
		return
	}
	h := rw.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("Content-Security-Policy", contentSecurity)
	h.Set("X-Frame-Options", "SAMEORIGIN") // for browsers without frame-ancestors
	h.Set("Cache-Control", pageCacheControl(pg, status))
	if status == http.StatusOK {
		etag := pageETag(buf.Bytes())
		h.Set("ETag", etag)
		if etagMatches(r.Header.Get("If-None-Match"), etag) {
			// No body, so nothing for the server to compress (it
			// compresses HTML of a known length).
			h.Del("Content-Type")
			h.Del("Content-Length")
			h.Set("Vary", "Accept-Encoding")
			rw.WriteHeader(http.StatusNotModified)
			return
		}
	}
	rw.WriteHeader(status)
	if r.Method != http.MethodHead {
		rw.Write(buf.Bytes())
	}
}

// Cache-Control of the website's answers. A page is kept a minute, as an
// API document is: its news and its "2 h ago" move no faster. A search is
// the asker's own words, kept by their browser only. An error is kept by
// none: it is not the page, and what fails now may answer a moment later.
const (
	publicPage  = "public, max-age=60"
	privatePage = "private, max-age=60"
	noStore     = "no-store"
)

// pageCacheControl is the Cache-Control of pg answered with status.
func pageCacheControl(pg *page, status int) string {
	switch {
	case status != http.StatusOK:
		return noStore
	case pg.Private:
		return privatePage
	}
	return publicPage
}

// pageETag is the validator of a page's bytes. A page is rendered for each
// request (its times say "2 h ago"), so its bytes, not the view, tell
// whether a browser's copy is still the page. Weak, since the server may
// send the same page compressed.
func pageETag(page []byte) string {
	sum := sha256.Sum256(page)
	return `W/"` + base64.RawURLEncoding.EncodeToString(sum[:15]) + `"`
}

// etagMatches reports whether an If-None-Match value names etag, by the
// weak comparison RFC 9110 asks of it.
func etagMatches(inm, etag string) bool {
	etag = strings.TrimPrefix(etag, "W/")
	for t := range strings.SplitSeq(inm, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}

// absURL returns the absolute URL of a site path ("topics/x/") under the
// view's base URL, or "" when that is not known. A request's Host header
// never makes one: any client can send any host.
func absURL(v *publish.View, path string) string {
	if base := rootURL(v); base != "" {
		return base + path
	}
	return ""
}

// rootURL is the absolute URL of the site root, with a trailing slash,
// or "" when the view's base URL is not an absolute one.
func rootURL(v *publish.View) string {
	if v == nil || site.SafeURL(v.BaseURL()) == "" {
		return ""
	}
	return v.BaseURL() + "/"
}

// contentSecurity limits what a page may load and run: scripts and styles
// from the site only, images from anywhere, players from known hosts. Inline
// style attributes carry the voice colours. Only the site may frame a page.
const contentSecurity = "default-src 'self'; img-src 'self' https: http: data:; style-src 'self' 'unsafe-inline'; " +
	"script-src 'self'; connect-src 'self'; frame-src https://www.youtube.com https://www.youtube-nocookie.com https://player.vimeo.com; " +
	"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"

// relBase returns the relative path from the folder of urlPath to the site
// root: "./" for "/" and "/search", "../../" for "/topics/x/".
func relBase(urlPath string) string {
	depth := strings.Count(urlPath, "/") - 1
	if depth <= 0 {
		return "./"
	}
	return strings.Repeat("../", depth)
}

// unsafeInPath reports a character no page path holds and a browser reads
// otherwise than a server: a backslash (a slash to a browser) and the
// control characters (which browsers drop, or which end a header).
func unsafeInPath(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' }

func lastSegment(p string) string {
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
