// Package server is newshub's HTTP front: the JSON API and the feeds from
// package publish, the search API, /healthz and /readyz, and the website
// handler for every other path.
//
// Every answer renders from the current view of the hub (publish.Views,
// whose refresh policy is the server's). API documents are rendered once
// per view and served from memory with a strong ETag, Last-Modified, a
// precompressed gzip form and CORS for GET; the search API's answers go
// the same way, with the same headers (but for a private Cache-Control)
// and the same JSON errors. Errors are never cached. Website
// pages are compressed as they are written. Searches, the one request
// whose cost a client chooses, are bounded in number and time.
package server

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/metrics"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Config is what a Server is made of.
type Config struct {
	Store store.Store
	// Views gives the view every answer renders from. Nil means views of
	// Store made here, with Site, Now, BaseURL and CheckEvery.
	Views *publish.Views
	// Site is the hub's configuration. Nil means it is loaded from the
	// store, again at each new generation.
	Site *site.Site
	// Web serves every path outside /api/ and /feeds/. Nil answers those
	// with 404.
	Web http.Handler
	// Static answers the site's static file at a path of the API or the
	// feeds that names no document, which a build puts in OUT there as
	// anywhere else, and reports whether there was one (Web.ServeStatic);
	// nil answers such a path with 404.
	Static func(w http.ResponseWriter, r *http.Request) bool
	// Search answers the search API, /api/search: a document, or a
	// *publish.BadRequest for a query to fix. Nil answers it with 404.
	Search func(ctx context.Context, query url.Values) (*publish.Doc, error)
	// Ingest, when set, runs beside the server in ListenAndServe (the
	// ingest scheduler) until the server stops.
	Ingest func(ctx context.Context) error
	// Logger receives access logs and errors; nil discards them.
	Logger *slog.Logger
	// Metrics, when set, counts requests and their latency by route
	// (Routes), and the time views made here take to load.
	Metrics *metrics.Metrics
	// Now is the clock for the events future/past split; nil is time.Now.
	Now func() time.Time
	// BaseURL overrides the site's url + baseurl in sourceUrl and feeds.
	BaseURL string
	// CheckEvery is how often at most the store generation is checked;
	// 0 means one second.
	CheckEvery time.Duration
	// CacheControl is the Cache-Control of API answers; empty means
	// "public, max-age=60".
	CacheControl string
	// Searches bounds the searches (the search page and API) run at once;
	// 0 means half the CPUs Go uses (GOMAXPROCS), at least one, so
	// searches leave the other half to pages. A search that finds every
	// place taken waits up to SearchWait (0: DefaultSearchWait), then is
	// answered 503 with Retry-After.
	Searches   int
	SearchWait time.Duration
	// SearchTimeout bounds the time of one search; 0 means
	// DefaultSearchTimeout.
	SearchTimeout time.Duration
}

// Search admission defaults.
const (
	DefaultSearchWait    = time.Second
	DefaultSearchTimeout = 5 * time.Second
)

// Server answers HTTP requests for one hub.
type Server struct {
	cfg      Config
	log      *slog.Logger
	views    *publish.Views
	mux      *http.ServeMux
	searches chan struct{} // a place per search running
}

// New returns a server for cfg.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = time.Second
	}
	if cfg.CacheControl == "" {
		cfg.CacheControl = "public, max-age=60"
	}
	cfg.Searches = cmp.Or(max(cfg.Searches, 0), max(runtime.GOMAXPROCS(0)/2, 1))
	cfg.SearchWait = cmp.Or(max(cfg.SearchWait, 0), DefaultSearchWait)
	cfg.SearchTimeout = cmp.Or(max(cfg.SearchTimeout, 0), DefaultSearchTimeout)
	s := &Server{cfg: cfg, log: cfg.Logger, views: cfg.Views, searches: make(chan struct{}, cfg.Searches)}
	if s.views == nil {
		s.views = publish.NewViews(publish.ViewsConfig{Store: cfg.Store, Site: cfg.Site, CheckEvery: cfg.CheckEvery,
			Options: publish.Options{BaseURL: cfg.BaseURL, Now: cfg.Now}, Logger: cfg.Logger,
			OnLoad:       func(d time.Duration) { cfg.Metrics.Published(metrics.PublishLoad, d) },
			OnLoadFailed: func() { cfg.Metrics.PublishFailed(metrics.PublishLoad) }})
	}
	s.mux = http.NewServeMux()
	handle := func(route string, h http.Handler, patterns ...string) {
		for _, p := range patterns {
			s.mux.Handle(p, cfg.Metrics.InstrumentRoute(route, h))
		}
	}
	// Ready with a view to answer from and a store that answers: pages
	// the view does not hold (articles, search) read it.
	ready := []metrics.Check{{Name: "view", Run: func(ctx context.Context) error {
		_, err := s.views.Current(ctx)
		return err
	}}}
	if cfg.Store != nil {
		ready = append(ready, metrics.StoreReachable(cfg.Store))
	}
	handle(RouteHealth, http.HandlerFunc(s.healthz), "/healthz")
	handle(RouteHealth, metrics.PublicReadyz(cfg.Logger, ready...), "/readyz")
	handle(RouteAPI, http.HandlerFunc(s.api), "/api", "/api/")
	handle(RouteFeeds, http.HandlerFunc(s.api), "/feeds", "/feeds/")
	handle(RouteSearch, s.admitSearch(http.HandlerFunc(s.search)), "/api/search", "/api/search/")
	handle(RouteWeb, s.admitSearch(http.HandlerFunc(s.web)), "/search", "/search/")
	handle(RouteWeb, http.HandlerFunc(s.web), "/")
	return s
}

// Routes of the requests, as metrics count them: the patterns the server
// routes by, so the route label has these values and no others, however
// many paths are asked for.
const (
	RouteHealth = "/healthz"
	RouteAPI    = "/api/"
	RouteFeeds  = "/feeds/"
	RouteSearch = "/api/search"
	RouteWeb    = "/"
)

// Loaded reports whether the server has a view of the hub to answer from
// (Serve loads it before it serves): the server is ready.
func (s *Server) Loaded() bool { return s.views.Loaded() != nil }

// ListenAndServe listens on addr and serves there (see Serve). It listens
// before it loads the hub's view, so a taken address fails at once.
func (s *Server) ListenAndServe(ctx context.Context, addr string, ready func(addr string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err // it names the address; the caller names the command
	}
	return s.Serve(ctx, ln, ready)
}

// Serve loads the hub's view, calls ready with the address of ln (bound
// by the caller before anything slow, so ":0" can be used and a taken
// address fails before the load), runs the ingest scheduler if configured,
// and serves on ln until ctx is done, then shuts down gracefully. It closes
// ln. Meanwhile the view follows the store (publish.Views.Follow): a write
// of any process shows within moments, without a request asking.
func (s *Server) Serve(ctx context.Context, ln net.Listener, ready func(addr string)) error {
	defer ln.Close() // srv.Serve closes it too, but not when the load fails
	if _, err := s.views.Current(ctx); err != nil {
		return err
	}
	fctx, stopFollow := context.WithCancel(ctx)
	followed := make(chan struct{})
	go func() { defer close(followed); s.views.Follow(fctx) }()
	defer func() { stopFollow(); <-followed }()
	srv := NewHTTPServer(s, s.log)
	srv.BaseContext = func(net.Listener) context.Context { return ctx }
	if ready != nil {
		ready(ln.Addr().String())
	}
	ictx, stopIngest := context.WithCancel(ctx)
	defer stopIngest()
	var wg sync.WaitGroup
	if s.cfg.Ingest != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.cfg.Ingest(ictx); err != nil && !errors.Is(err, context.Canceled) {
				s.log.Error("ingest stopped", "err", err)
			}
		}()
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		stopIngest()
		wg.Wait()
		return fmt.Errorf("serving HTTP: %w", err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	stopIngest()
	wg.Wait()
	if err != nil {
		return fmt.Errorf("serve: shutdown: %w", err)
	}
	return nil
}

// NewHTTPServer returns an HTTP server of h whose timeouts close the
// connection of a client that sends no request, or sends one or reads
// its answer too slowly, or keeps it idle: each connection holds a file
// and a goroutine of the process until it is closed.
func NewHTTPServer(h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// statusWriter records the status and size of an answer for the access log.
type statusWriter struct {
	http.ResponseWriter
	status int
	size   int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.size += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

var swPool = sync.Pool{New: func() any { return new(statusWriter) }}

// ServeHTTP routes a request and writes an access log line.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := swPool.Get().(*statusWriter)
	*sw = statusWriter{ResponseWriter: w}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.Error("panic serving request", "path", r.URL.Path, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
			if sw.status == 0 {
				writeError(sw, http.StatusInternalServerError, "internal error")
			}
		}
		if s.log.Enabled(r.Context(), slog.LevelInfo) {
			s.log.LogAttrs(r.Context(), slog.LevelInfo, "http",
				slog.String("method", r.Method), slog.String("path", r.URL.Path),
				slog.Int("status", sw.status), slog.Int("bytes", sw.size),
				slog.Duration("took", time.Since(start)), slog.String("remote", r.RemoteAddr))
		}
		sw.ResponseWriter = nil
		swPool.Put(sw)
	}()
	s.mux.ServeHTTP(sw, cleanAPIPath(r))
}

// cleanAPIPath returns r with its path cleaned when it holds a doubled
// slash or a dot segment and names the API or the feeds ("//api/news/",
// from a base URL joined with a slash too many): such a path is answered
// as its clean form, as a static host that merges slashes answers it,
// where the mux would redirect it, and a browser follows no redirect
// without CORS headers, nor any from a preflight. Other paths are left
// to the mux.
func cleanAPIPath(r *http.Request) *http.Request {
	ep := r.URL.EscapedPath()
	if !strings.Contains(ep, "//") && !strings.Contains(ep, "/.") {
		return r
	}
	c := path.Clean(ep)
	if strings.HasSuffix(ep, "/") && c != "/" {
		c += "/"
	}
	if c == ep || !strings.HasPrefix(c, "/api/") && !strings.HasPrefix(c, "/feeds/") {
		return r
	}
	p, err := url.PathUnescape(c)
	if err != nil {
		return r
	}
	u := *r.URL
	u.Path, u.RawPath = p, c
	r2 := *r
	r2.URL = &u
	return &r2
}

// web answers a page of the website, compressed when the client takes
// gzip.
func (s *Server) web(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Web == nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	if dir, ok := strings.CutSuffix(r.URL.Path, "/index.html"); ok {
		// A static build names each page's file so; links to it may too.
		r = r.Clone(r.Context())
		r.URL.Path, r.URL.RawPath = dir+"/", ""
	}
	gw := &gzipHTMLWriter{ResponseWriter: w, accepts: acceptsGzip(r.Header.Get("Accept-Encoding")), head: r.Method == http.MethodHead}
	defer gw.close()
	s.cfg.Web.ServeHTTP(gw, r)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		methodNotAllowed(w)
		return
	}
	// The generation answered is the view's as it is: a health check
	// starts no reload (it loads the first view, if need be).
	v, err := s.views.Loaded(), error(nil)
	if v == nil {
		v, err = s.views.Current(r.Context())
	}
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		s.storeFailed(w, r, "health check", "store unavailable", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "generation": v.Generation()})
}

// Precomputed header values, set without allocating per request.
var (
	corsAny      = []string{"*"}
	varyAEOrigin = []string{"Accept-Encoding, Origin"}
	gzipEnc      = []string{"gzip"}
	nosniff      = []string{"nosniff"}
	allowGet     = []string{"GET, HEAD, OPTIONS"}
	exposeHdrs   = []string{"ETag, Last-Modified"}
)

// api answers a document of the API or the feeds.
func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	v, ok := s.apiView(w, r)
	if !ok {
		return
	}
	d, err := v.Doc(r.Context(), r.URL.Path)
	if err != nil {
		var merged *publish.StoryMerged
		if (errors.Is(err, publish.ErrNotFound) || errors.As(err, &merged)) && s.cfg.Static != nil && s.cfg.Static(w, r) {
			return
		}
		s.writeErr(w, r, err)
		return
	}
	s.writeDoc(w, r, d, d.Modified, s.cfg.CacheControl)
}

// search answers the search API as the other API documents are answered.
// Its documents come from the store as well as the view: they carry no
// Last-Modified, only their ETag.
func (s *Server) search(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.apiView(w, r); !ok {
		return
	}
	if s.cfg.Search == nil {
		writeError(w, http.StatusNotFound, "not found")
		return
	}
	d, err := s.cfg.Search(r.Context(), r.URL.Query())
	if err != nil {
		s.writeErr(w, r, err)
		return
	}
	s.writeDoc(w, r, d, time.Time{}, searchCacheControl)
}

// searchCacheControl keeps a search's answer in the asker's browser only:
// its query is the asker's own words, and a shared cache would keep one
// answer per query anyone sends.
const searchCacheControl = "private, max-age=60"

// admitSearch runs a search when one of the places for searches is free
// within the configured wait, for at most the search timeout; else it
// answers 503 with Retry-After. Pages and the API do not wait for searches,
// nor do the requests that search nothing: a browser's preflight, another
// method's 405.
func (s *Server) admitSearch(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			next.ServeHTTP(w, r)
			return
		}
		select {
		case s.searches <- struct{}{}:
		default:
			t := time.NewTimer(s.cfg.SearchWait)
			select {
			case s.searches <- struct{}{}:
				t.Stop()
			case <-t.C:
				s.log.Warn("search refused: every place taken", "searches", cap(s.searches), "waited", s.cfg.SearchWait)
				tooBusy(w, r, "too many searches at once")
				return
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		defer func() { <-s.searches }()
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.SearchTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// tooBusy answers 503 with Retry-After: as JSON for the API, which a
// script of any origin reads, Retry-After too, as it reads the API's other
// answers, and as text for the search page.
func tooBusy(w http.ResponseWriter, r *http.Request, why string) {
	w.Header().Set("Retry-After", "2")
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header()["Access-Control-Allow-Origin"] = corsAny
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
		writeError(w, http.StatusServiceUnavailable, why+": try again in a few seconds")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusServiceUnavailable)
	io.WriteString(w, "The search is busy ("+why+"). Please try again in a few seconds.\n")
}

// apiView starts an API answer: CORS, the methods, preflight requests and
// the current view. It reports whether the answer goes on.
func (s *Server) apiView(w http.ResponseWriter, r *http.Request) (*publish.View, bool) {
	hdr := w.Header()
	hdr["Access-Control-Allow-Origin"] = corsAny
	switch r.Method {
	case http.MethodGet, http.MethodHead:
	case http.MethodOptions:
		hdr["Allow"] = allowGet
		hdr["Access-Control-Allow-Methods"] = allowGet
		hdr.Set("Access-Control-Max-Age", "86400")
		if h := r.Header.Values("Access-Control-Request-Headers"); h != nil {
			// Every header a script names is allowed: the answers read
			// only the validators and take no credentials, and a header
			// left out (a Content-Type or Cache-Control some clients
			// send with every request) makes the browser refuse the
			// request.
			hdr.Set("Access-Control-Allow-Headers", strings.Join(h, ", "))
			hdr.Add("Vary", "Access-Control-Request-Headers")
		}
		w.WriteHeader(http.StatusNoContent)
		return nil, false
	default:
		methodNotAllowed(w)
		return nil, false
	}
	v, err := s.views.Current(r.Context())
	if err != nil {
		s.storeFailed(w, r, "load view", "store unavailable", err)
		return nil, false
	}
	return v, true
}

// writeErr answers a failed document: 404, 400 with what to change, or
// 503 (logged).
func (s *Server) writeErr(w http.ResponseWriter, r *http.Request, err error) {
	var bad *publish.BadRequest
	var merged *publish.StoryMerged
	switch {
	case errors.As(err, &merged):
		writeError(w, http.StatusNotFound, merged.Error())
	case errors.Is(err, publish.ErrNotFound):
		writeError(w, http.StatusNotFound, "not found")
	case errors.As(err, &bad):
		writeError(w, http.StatusBadRequest, bad.Reason)
	case errors.Is(err, context.Canceled):
		// The client went away; nothing to answer.
	case errors.Is(r.Context().Err(), context.DeadlineExceeded):
		s.log.Warn("search timed out", "query", r.URL.RawQuery, "err", err)
		tooBusy(w, r, "the search took too long; more words or a topic narrow it")
	default:
		s.storeFailed(w, r, "render", "document unavailable", err)
	}
}

// storeFailed answers 503 with Retry-After for what the store failed to
// give (a database restarting or failing over is back within seconds),
// and logs err as msg, once for an outage of the store.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, msg, answer string, err error) {
	s.views.Outage().Failed(r.Context(), slog.LevelError, msg, err, "path", r.URL.Path)
	w.Header().Set("Retry-After", "10")
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Access-Control-Expose-Headers", "Retry-After")
	}
	writeError(w, http.StatusServiceUnavailable, answer)
}

// writeDoc answers with a document last modified at mod (zero: unknown),
// with the Cache-Control given, honouring conditional requests, ranges
// and gzip. The gzip form has its own ETag,
// as a strong validator must, and either ETag revalidates. This is the
// hot path, so it is not http.ServeContent: on the topic page that copies
// through a 32 KiB buffer and took 33 KB and 15 allocations per request,
// against 181 B and 9 here (BenchmarkServeTopicPage).
func (s *Server) writeDoc(w http.ResponseWriter, r *http.Request, d *publish.Doc, mod time.Time, cacheControl string) {
	hdr := w.Header()
	useGzip := acceptsGzip(r.Header.Get("Accept-Encoding")) && len(d.Body) > 512
	etag := d.ETag
	if useGzip {
		etag = d.ETag[:len(d.ETag)-1] + `-gz"`
	}
	hdr["Content-Type"] = []string{d.ContentType}
	hdr["Etag"] = []string{etag}
	if !mod.IsZero() {
		hdr["Last-Modified"] = []string{mod.UTC().Format(http.TimeFormat)}
	}
	hdr["Cache-Control"] = []string{cacheControl}
	hdr["Vary"] = varyAEOrigin
	hdr["X-Content-Type-Options"] = nosniff
	if r.Header["Origin"] != nil {
		// Only a cross-origin script reads these headers (hence Vary:
		// Origin). Leaving them out otherwise keeps the header map of an
		// uncompressed answer within eight keys, its small form, which saves
		// a third of what net/http allocates per request.
		hdr["Access-Control-Expose-Headers"] = exposeHdrs
	}
	if d.ModifiedShared {
		// Its date is no validator: a copy of the view before carries it
		// too. The ETag revalidates.
		mod = time.Time{}
	}
	if notModified(r, etag, d.ETag, mod) {
		delete(hdr, "Content-Type")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := d.Body
	if useGzip {
		body = d.Gzip()
		hdr["Content-Encoding"] = gzipEnc
	}
	if r.Header["Range"] != nil && r.Method == http.MethodGet {
		// Rare (a download resumed, a cache filled in parts), so left to
		// ServeContent, If-Range and 416 included. The range is of the
		// form chosen above, under that form's own ETag: a part of the
		// gzip form never resumes the identity form, or the reverse.
		http.ServeContent(w, r, "", mod, bytes.NewReader(body))
		return
	}
	hdr["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified evaluates If-None-Match (which wins when present) and
// If-Modified-Since.
func notModified(r *http.Request, etag, plain string, mod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for _, t := range strings.Split(inm, ",") {
			t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
			if t == "*" || t == etag || t == plain {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !mod.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !mod.Truncate(time.Second).After(t) {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip, by
// RFC 9110's rules: gzip (or x-gzip) named with a q-value above 0, else
// "*" with one; a q-value that does not read is 0.
func acceptsGzip(ae string) bool {
	if ae == "" {
		return false
	}
	named, star := -1.0, -1.0
	for part := range strings.SplitSeq(ae, ",") {
		name, params, _ := strings.Cut(part, ";")
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			named = max(named, qValue(params))
		case "*":
			star = max(star, qValue(params))
		}
	}
	if named >= 0 {
		return named > 0
	}
	return star > 0
}

// qValue reads the weight of a coding's parameters ("q=0.5"): 1 when
// there is none, 0 when it does not read.
func qValue(params string) float64 {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

func methodNotAllowed(w http.ResponseWriter) {
	w.Header()["Allow"] = allowGet
	writeError(w, http.StatusMethodNotAllowed, "method not allowed")
}

// writeError answers an error, which no cache keeps: it is not the
// document at the path, and what fails now may answer a moment later. A
// document's validators set before the failure are dropped.
func writeError(w http.ResponseWriter, status int, msg string) {
	h := w.Header()
	h.Del("Etag")
	h.Del("Last-Modified")
	h.Del("Content-Encoding")
	h.Set("Cache-Control", "no-store")
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeJSON answers with v as JSON: the health check and the errors.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", publish.TypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// gzipHTMLWriter compresses an HTML answer of the website when the client
// accepts gzip and the page is worth it; every HTML answer varies by
// Accept-Encoding. Other answers (assets, which serve ranges) pass as
// they are. A HEAD request gets the headers of its GET, compressed or
// not, and nothing written: net/http would count the bytes of an empty
// gzip stream as the length of the body.
type gzipHTMLWriter struct {
	http.ResponseWriter
	accepts bool
	head    bool
	started bool
	zw      *gzip.Writer
}

// minGzip is the smallest page worth compressing.
const minGzip = 512

var gzipPool = sync.Pool{New: func() any {
	zw, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // per request: speed over size
	return zw
}}

func (g *gzipHTMLWriter) WriteHeader(code int) {
	if !g.started {
		g.started = true
		h := g.Header()
		if strings.HasPrefix(h.Get("Content-Type"), "text/html") && h.Get("Content-Encoding") == "" {
			if !slices.Contains(h.Values("Vary"), "Accept-Encoding") {
				h.Add("Vary", "Accept-Encoding")
			}
			n, err := strconv.Atoi(h.Get("Content-Length"))
			if g.accepts && err == nil && n >= minGzip {
				h.Del("Content-Length")
				h.Set("Content-Encoding", "gzip")
				if !g.head {
					g.zw = gzipPool.Get().(*gzip.Writer)
					g.zw.Reset(g.ResponseWriter)
				}
			}
		}
	}
	g.ResponseWriter.WriteHeader(code)
}

func (g *gzipHTMLWriter) Write(b []byte) (int, error) {
	if !g.started {
		g.WriteHeader(http.StatusOK)
	}
	if g.zw != nil {
		return g.zw.Write(b)
	}
	return g.ResponseWriter.Write(b)
}

func (g *gzipHTMLWriter) Unwrap() http.ResponseWriter { return g.ResponseWriter }

// close ends the compressed stream, if any.
func (g *gzipHTMLWriter) close() {
	if g.zw == nil {
		return
	}
	g.zw.Close()
	g.zw.Reset(nil)
	gzipPool.Put(g.zw)
	g.zw = nil
}
