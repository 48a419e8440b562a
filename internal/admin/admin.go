// Package admin is a hub's admin area, served under /admin/: sign-in, the
// sources and the latest ingest rounds, the stories with their members, an
// article with its explanation, and the editorial decisions with their
// log. Every page is rendered on the server and works without JavaScript;
// pages link to the website's stylesheet and add a small one of their
// own.
//
// # Security
//
// Every path under /admin/ but the sign-in page and the admin stylesheet
// needs a session: a GET without one is sent to the sign-in page, any
// other request is refused (403). Sessions live in the store (see
// sessions), so every process serving the hub honours them and a restart
// keeps them, and are named by a random 256-bit identifier in a cookie
// that is HttpOnly, SameSite=Strict, limited to /admin/, and Secure when
// the browser is on https or the hub's address is https, but for a request
// over plain http from another machine to an IP address or localhost (see
// Handler.secure). Signing in always starts a new session; signing out
// ends it, in every process; a session ends after Config.IdleTimeout
// without a request, after Config.MaxAge in any case, and at once when its
// account is removed or given a new password.
//
// Every state-changing request is a POST and carries a token in a hidden
// field: the session's own (a MAC under its identifier), compared in
// constant time; the sign-in form, which has no session yet, carries a MAC
// of a nonce kept in a cookie of its own, under a key every process of the
// hub reads from the store. Requests that the browser marks as
// cross-site (Sec-Fetch-Site) or whose Origin is another host are refused
// before that (http.CrossOriginProtection).
//
// A feed's address may hold a secret (a password, a token in its query):
// pages, messages and log lines show it masked (model.MaskURL), and the
// forms that post it back masked name the listed source by it, whose
// address the store and the site folder keep whole.
//
// Sign-in attempts are limited, by each process on its own, per account
// name and per client address (an IPv6 client by its /64) with token
// buckets, kept for at most
// maxBuckets keys of each kind, the least recently used dropped first, so
// a flood of names or addresses neither grows them without end nor keeps
// out a user the flood has not reached; an unknown name and a
// wrong password get the same answer after the same work (see package
// users). A browser that signed in to an account keeps a cookie saying so
// (a MAC under the password's stamp) and has attempts of its own, counted
// neither with the account's nor with its address's, so a guesser who
// spends those, from however many addresses or from behind the proxy the
// user comes through, does not keep the user out.
package admin

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"newshub/internal/admin/users"
	"newshub/internal/editorial"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Prefix is the path the admin area is served under.
const Prefix = "/admin/"

// maxForm bounds a request's body.
const maxForm = 64 << 10

// Defaults of Config.
const (
	DefaultIdleTimeout = 2 * time.Hour
	DefaultMaxAge      = 12 * time.Hour
	DefaultSiteCSS     = "/assets/style.css"
)

// Config is what a Handler is made of.
type Config struct {
	Store store.Store
	// SiteDir is the site folder: the sources list is written there too,
	// and the accounts are read from it unless Users is set.
	SiteDir string
	// Users are the accounts that may sign in; nil means the site
	// folder's (users.Open(SiteDir, ...)).
	Users *users.Accounts
	// Editor takes the editorial decisions; nil leaves the decision
	// forms out.
	Editor Editor
	// BaseURL is the hub's absolute address; empty means the site's url.
	// When it is https, cookies are Secure whatever the request came
	// over (behind a proxy that ends TLS), but over plain http from
	// another machine to an IP address or localhost (a LAN address).
	BaseURL string
	// SiteCSS is the path of the website's stylesheet, which admin pages
	// link to; empty means DefaultSiteCSS.
	SiteCSS string
	// IdleTimeout and MaxAge bound a session's life; zero means the
	// defaults.
	IdleTimeout, MaxAge time.Duration
	// Limits bound sign-in attempts; the zero value means DefaultLimits.
	Limits Limits
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
	// Outage logs the store's outages, once each for every part of a
	// process that shares it; nil is the area's own, to Logger.
	Outage *store.Outage
}

// Handler serves the admin area. It is safe for concurrent use.
type Handler struct {
	cfg      Config
	log      *slog.Logger
	now      func() time.Time
	users    *users.Accounts
	sessions *sessions
	attempts *attempts
	origin   *http.CrossOriginProtection
	// keyMu guards key, which MACs the sign-in form's token: shared by
	// every process of the hub through the store, read at its first use.
	keyMu  sync.Mutex
	key    []byte
	pages  map[string]*template.Template
	assets map[string]asset
	mux    *http.ServeMux
	// hashing bounds the password checks running at once: each holds
	// the memory argon2id asks for.
	hashing chan struct{}

	sourcesMu sync.Mutex // the area's own changes of the sources list, one at a time

	siteMu  sync.Mutex
	siteGen int64
	site    *site.Site

	// folded is what the decisions log last read says (rules compiled,
	// the last decision on each thing), for the log's every page.
	folded editorial.Memo[*standing]
}

//go:embed templates assets
var files embed.FS

// New returns the admin area's handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("admin: no store")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = DefaultMaxAge
	}
	if cfg.SiteCSS == "" {
		cfg.SiteCSS = DefaultSiteCSS
	}
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	if cfg.Users == nil {
		cfg.Users = users.Open(cfg.SiteDir, users.Params{})
	}
	if cfg.Outage == nil {
		cfg.Outage = store.NewOutage(cfg.Logger)
	}
	h := &Handler{
		cfg: cfg, log: cfg.Logger, now: cfg.Now, users: cfg.Users,
		sessions: &sessions{st: cfg.Store, life: store.SessionLife{Idle: cfg.IdleTimeout, Max: cfg.MaxAge, Touch: touchOf(cfg.IdleTimeout)}},
		attempts: newAttempts(cfg.Limits),
		origin:   http.NewCrossOriginProtection(),
		hashing:  make(chan struct{}, 2),
	}
	var err error
	if h.pages, err = parsePages(); err != nil {
		return nil, err
	}
	if h.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	h.routes()
	return h, nil
}

// routes registers every path of the area with who may reach it.
func (h *Handler) routes() {
	m := http.NewServeMux()
	m.Handle("GET "+Prefix+"sign-in", h.public(h.signInPage))
	m.Handle("POST "+Prefix+"sign-in", h.public(h.signIn))
	m.Handle("GET "+Prefix+"assets/{name}", h.public(h.serveAsset))
	for _, r := range h.pageRoutes() {
		m.Handle(r.method+" "+r.path, h.signedIn(r.serve))
	}
	// Every other path and method: after the session check, 404 or 405,
	// so nothing says which paths exist to a client without a session.
	m.Handle(Prefix, h.signedIn(h.unknown))
	h.mux = m
}

// route is a page or action that needs a session.
type route struct {
	method, path string
	serve        handlerFunc
}

// handlerFunc serves a request of a signed-in user.
type handlerFunc func(w http.ResponseWriter, r *http.Request, s session)

func (h *Handler) pageRoutes() []route {
	return []route{
		{"GET", Prefix + "{$}", h.home},
		{"POST", Prefix + "sign-out", h.signOut},
		{"GET", Prefix + "sources/{$}", h.sourcesPage},
		{"POST", Prefix + "sources/add", h.sourceAdd},
		{"POST", Prefix + "sources/remove", h.sourceRemove},
		{"POST", Prefix + "sources/pause", h.sourcePause},
		{"POST", Prefix + "sources/resume", h.sourceResume},
		{"GET", Prefix + "rounds/{$}", h.roundsPage},
		{"GET", Prefix + "stories/{$}", h.storiesPage},
		{"GET", Prefix + "stories/{id}/{$}", h.storyPage},
		{"GET", Prefix + "article/{$}", h.articlePage},
		{"POST", Prefix + "decide", h.decide},
		{"GET", Prefix + "decisions/{$}", h.decisionsPage},
	}
}

// ServeHTTP serves the admin area. Every answer is private and never
// cached, framed or sniffed.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("X-Frame-Options", "DENY")
	hdr.Set("Referrer-Policy", "same-origin")
	hdr.Set("Content-Security-Policy",
		"default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	if !strings.HasPrefix(r.URL.Path, Prefix) {
		http.Redirect(w, r, Prefix, http.StatusSeeOther)
		return
	}
	// The largest form, a source to add, is a few KiB.
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	h.mux.ServeHTTP(w, r)
}

func (h *Handler) home(w http.ResponseWriter, r *http.Request, s session) {
	http.Redirect(w, r, Prefix+"sources/", http.StatusSeeOther)
}

func (h *Handler) unknown(w http.ResponseWriter, r *http.Request, s session) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodPost {
		w.Header().Set("Allow", "GET, HEAD, POST")
		h.fail(w, r, s, http.StatusMethodNotAllowed, "That method is not allowed here.")
		return
	}
	h.fail(w, r, s, http.StatusNotFound, "There is no such page in the admin area.")
}

// hub returns the hub's configuration, loaded again when the store
// changed.
func (h *Handler) hub(ctx context.Context) (*site.Site, error) {
	gen, err := h.cfg.Store.Generation(ctx)
	if err != nil {
		return nil, err
	}
	h.siteMu.Lock()
	defer h.siteMu.Unlock()
	if h.site != nil && gen == h.siteGen {
		return h.site, nil
	}
	s, err := site.Load(ctx, h.cfg.Store)
	if err != nil {
		return nil, err
	}
	h.site, h.siteGen = s, gen
	return s, nil
}

// secure reports whether cookies set in answer to r are to be Secure: when
// the browser is on https (TLS here, or X-Forwarded-Proto from a proxy), or
// when the hub's address is https and the request did not come over plain
// http from another machine to an IP address or localhost. A browser drops a Secure cookie sent
// over plain http, so one opening the area at a LAN address or through a
// tunnel (http://192.168.1.20:8080/admin/) could not keep a session. Not
// Secure there gives nothing away: the cookie is kept for that address,
// never sent to the hub's name, and whoever reads that plain http reads
// the password too. A proxy that ends TLS names its upstream (Host) by a
// name, which stays Secure, or says X-Forwarded-Proto: https. That header
// is taken from anyone: it can only ask for Secure, which withholds the
// asker's own cookies from plain http.
func (h *Handler) secure(r *http.Request) bool {
	if r.TLS != nil || strings.EqualFold(forwardedProto(r), "https") {
		return true
	}
	base, ok := h.httpsBase(r)
	if !ok {
		return false
	}
	host := hostname(r.Host)
	return !plainAddress(host) || strings.EqualFold(host, base.Hostname()) || fromLoopback(r)
}

// fromLoopback reports whether r came from this machine: from a proxy
// here, which may name its upstream by its address and say nothing of
// the scheme (nginx's bare proxy_pass sends Host: 127.0.0.1:8080), or
// from a tunnel. Cookies stay Secure then: a cookie a browser got over
// https without Secure would be sent over plain http to the hub's name,
// and browsers keep Secure cookies over plain http to localhost.
func fromLoopback(r *http.Request) bool {
	a, err := netip.ParseAddrPort(r.RemoteAddr)
	return err == nil && a.Addr().Unmap().IsLoopback()
}

// httpsBase returns the hub's address, BaseURL or else the site's url,
// when it is https.
func (h *Handler) httpsBase(r *http.Request) (*url.URL, bool) {
	base := h.cfg.BaseURL
	if base == "" {
		if s, err := h.hub(r.Context()); err == nil {
			base = s.Config.URL
		}
	}
	u, err := url.Parse(base)
	if err != nil || !strings.EqualFold(u.Scheme, "https") {
		return nil, false
	}
	return u, true
}

// forwardedProto is the scheme a proxy says the browser used, or "".
func forwardedProto(r *http.Request) string {
	v, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ",")
	return strings.TrimSpace(v)
}

// hostname is host without its port or brackets.
func hostname(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return strings.Trim(host, "[]")
}

// plainAddress reports whether host is an address a browser reaches over
// plain http, having no certificate for it: an IP address or localhost.
func plainAddress(host string) bool {
	if _, err := netip.ParseAddr(host); err == nil {
		return true
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "localhost" || strings.HasSuffix(host, ".localhost")
}

// asset is an embedded file with its content type.
type asset struct {
	body    []byte
	ctype   string
	version string
}

func (h *Handler) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := h.assets[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", a.ctype)
	// The stylesheet carries no secret: it may be cached, unlike pages.
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(a.body)
}

func loadAssets() (map[string]asset, error) {
	out := map[string]asset{}
	err := fs.WalkDir(files, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "assets/")
		ctype := "text/css; charset=utf-8"
		if !strings.HasSuffix(name, ".css") {
			ctype = "application/octet-stream"
		}
		out[name] = asset{body: b, ctype: ctype, version: digest(b)}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admin: assets: %w", err)
	}
	return out, nil
}
