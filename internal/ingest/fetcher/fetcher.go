// Package fetcher is ingest's HTTP client: conditional GET, timeouts on
// connect, headers and the whole body, a body cap that also bounds what
// gzip or deflate expand to, a redirect limit, a per-host concurrency and
// rate limit, and retries with Retry-After and exponential backoff on 429
// and 5xx. Connections go through the address guard unless the site allows
// private networks.
package fetcher

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/net/publicsuffix"

	"newshub/internal/ingest/guard"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Defaults for the zero values of Options.
const (
	DefaultConnectTimeout     = 10 * time.Second
	DefaultHeaderTimeout      = 15 * time.Second
	DefaultTimeout            = 30 * time.Second
	DefaultMaxBodySize        = 16 << 20
	DefaultMaxRedirects       = 5
	DefaultPerHostConcurrency = 2
	DefaultPerHostRate        = 10 // requests a second
	DefaultRetries            = 2
	DefaultBaseBackoff        = time.Second
	DefaultMaxRetryWait       = 10 * time.Second
	DefaultBodiesInUse        = 32
	DefaultSlowBody           = time.Second
	DefaultSlowBodies         = 32
)

// Options configures a Fetcher. Zero values take the defaults above.
type Options struct {
	UserAgent          string
	ConnectTimeout     time.Duration // TCP connect
	HeaderTimeout      time.Duration // from request sent to response headers
	Timeout            time.Duration // whole request, body included, per attempt, from its turn at its host
	MaxBodySize        int64         // bytes, before and after decompression
	MaxRedirects       int
	PerHostConcurrency int
	PerHostRate        float64 // requests a second per host; negative: unlimited
	PerHostBurst       int     // default: the rate rounded up
	Retries            int     // further attempts on 429 and 5xx; negative: none
	BaseBackoff        time.Duration
	MaxRetryWait       time.Duration // a longer Retry-After is returned, not slept
	// AllowPrivateNetworks turns the address guard off (tests, intranets).
	AllowPrivateNetworks bool
	// MaxInFlight bounds the requests in flight over all hosts, counted
	// from when a request has its host's slot and rate token until its
	// body is closed; 0 means no bound. A request waiting on a polite
	// host holds no global slot, so many hosts are read side by side.
	MaxInFlight int
	// BodiesInUse bounds the bodies FetchAndUse reads and hands to its
	// caller at once, over all hosts: the other requests wait with their
	// headers read. A news site's page is 100 KB to 1 MB of HTML, and
	// with hundreds of requests in flight the bodies read and waiting for
	// the CPU to parse them would otherwise fill the memory.
	BodiesInUse int
	// SlowBody is how long a body may take to arrive before its slot
	// goes to a request waiting for one: a body arriving at a slow
	// server's pace holds little memory and needs no processor, and the
	// slots held by a few such would otherwise keep every other page
	// waiting. It takes a slot again once read, to be used.
	SlowBody time.Duration
	// SlowBodies bounds the slow bodies that go on arriving without a
	// slot of BodiesInUse, each held in memory as it arrives: past it, a
	// slow body keeps its slot until another slow one has arrived. So no
	// more than BodiesInUse and SlowBodies bodies are held at once,
	// however many pages are in flight.
	SlowBodies int
}

func (o *Options) setDefaults() {
	if o.UserAgent == "" {
		o.UserAgent = "newshub"
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = DefaultConnectTimeout
	}
	if o.HeaderTimeout <= 0 {
		o.HeaderTimeout = DefaultHeaderTimeout
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBodySize <= 0 {
		o.MaxBodySize = DefaultMaxBodySize
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.PerHostConcurrency <= 0 {
		o.PerHostConcurrency = DefaultPerHostConcurrency
	}
	if o.PerHostRate == 0 {
		o.PerHostRate = DefaultPerHostRate
	}
	if o.PerHostBurst <= 0 {
		o.PerHostBurst = max(1, int(o.PerHostRate+0.999))
	}
	if o.Retries == 0 {
		o.Retries = DefaultRetries
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.BaseBackoff <= 0 {
		o.BaseBackoff = DefaultBaseBackoff
	}
	if o.MaxRetryWait <= 0 {
		o.MaxRetryWait = DefaultMaxRetryWait
	}
	if o.BodiesInUse <= 0 {
		o.BodiesInUse = DefaultBodiesInUse
	}
	if o.SlowBody <= 0 {
		o.SlowBody = DefaultSlowBody
	}
	if o.SlowBodies <= 0 {
		o.SlowBodies = DefaultSlowBodies
	}
}

// maxHeaderBytes bounds an answer's headers, as browsers bound them
// (Chromium at 256 KiB): a site's cookies and policies take a few
// kilobytes, and the default of 10 MiB, read into three times as much
// memory, let each of a hostile host's requests hold 30 MB before its
// body was asked for.
const maxHeaderBytes = 256 << 10

// Errors a fetch can wrap.
var (
	ErrTooLarge          = errors.New("body exceeds the size cap")
	ErrTooManyRedirects  = errors.New("too many redirects")
	ErrUnsupportedScheme = errors.New("unsupported URL scheme")
	ErrUnwantedType      = errors.New("content type not asked for")
)

// StatusError is an HTTP answer other than 2xx or 304.
type StatusError struct {
	URL string
	// At is the address that answered, when redirects led from URL to
	// another: the error is that address's, not URL's.
	At         string
	StatusCode int
	Status     string
	RetryAfter time.Duration // from the Retry-After header; 0 when absent
	// Blocker names the bot protection that answered in the site's
	// stead ("Cloudflare's bot challenge"); "" when the site did.
	Blocker string
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s: %s", e.URL, e.Status)
	if e.At != "" {
		msg += fmt.Sprintf(" (at %s)", e.At)
	}
	if e.Blocker != "" {
		msg += fmt.Sprintf(": %v: %s", ErrBlocked, e.Blocker)
	}
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// Is makes an answer of a bot protection match ErrBlocked.
func (e *StatusError) Is(target error) bool {
	return target == ErrBlocked && e.Blocker != ""
}

// Temporary reports whether the status is worth retrying later: not a
// bot protection's, which answers a retry as it did.
func (e *StatusError) Temporary() bool {
	return e.Blocker == "" && (e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500)
}

// HeldOffError is a request not sent: its host answered an earlier one
// 429 Too Many Requests with a Retry-After longer than a fetch waits, and
// is left alone until then, as it asked, rather than asked for every
// other page of a round. (A request to a host whose wait ends within
// MaxRetryWait waits it out, as a retry does. A 503's Retry-After may be
// one feed's alone, as one route of an RSSHub is down: it delays that
// source only.)
type HeldOffError struct {
	URL   string
	Until time.Time
	Wait  time.Duration // from the request's time to Until
}

func (e *HeldOffError) Error() string {
	return fmt.Sprintf("%s: not asked: its host asked, by a Retry-After, to be left alone until %s", e.URL, e.Until.UTC().Format(time.RFC1123))
}

// ErrUnreached is matched (errors.Is) by a fetch that reached no server:
// no connection to its host (refused, reset, no route to it, its name not
// resolved) or no answer from it before the timeout. Such a failure says
// nothing of the publisher by itself: the network between may be what
// failed, the hub's own included. A server's answer, whatever it is, and
// an address the guard refused are no such failure.
var ErrUnreached = errors.New("no server reached")

// unreachedError is a fetch error that matches ErrUnreached, worded as
// the error it wraps.
type unreachedError struct{ error }

func (e unreachedError) Unwrap() error        { return e.error }
func (e unreachedError) Is(target error) bool { return target == ErrUnreached }

// unreached reports whether err, the error of a request for name that
// got no response, says that no server was reached: neither the first
// hop's (a redirect is an answer) nor any on the way.
func unreached(ctx context.Context, name string, err error) bool {
	var ue *url.Error
	if errors.As(err, &ue) && Masked(ue.URL) != name {
		return false // redirected: a server answered
	}
	if errors.Is(err, guard.ErrRefused) {
		return false // refused here, not failed out there
	}
	if clockTimedOut(ctx) {
		return true
	}
	if ctx.Err() != nil {
		return false // stopped by the caller
	}
	var dns *net.DNSError
	var op *net.OpError
	var ne net.Error
	switch {
	case errors.As(err, &dns), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED):
		return true
	case errors.As(err, &op) && op.Op == "dial":
		return true
	case errors.As(err, &ne) && ne.Timeout():
		return true // the connection, the TLS handshake or the headers
	}
	return false
}

// Request is one GET. ETag and LastModified make it conditional.
type Request struct {
	URL          string
	ETag         string
	LastModified string
	Accept       string
	// Types, when set, are the media types whose body is read: "text/"
	// stands for the whole family. A response of another declared type
	// fails with ErrUnwantedType before its body is read (an article's
	// link to a podcast's audio file or a report's PDF); one that
	// declares no type is read.
	Types []string
	// Cut has a body longer than MaxBodySize cut at it rather than
	// refused (Response.Cut says so), and a body the server ended early
	// (its connection closed before the length it gave, a broken chunk,
	// compressed data cut off) or that was still arriving at the
	// timeout returned up to where it ended (Response.Short says so): a
	// feed is read from its start, so either still gives the items it
	// holds whole.
	Cut bool
	// MaxBodySize, when set and below the fetcher's, is this request's
	// cap on its body (see Options.MaxBodySize).
	MaxBodySize int64
	// MaxWait bounds the wait for the request's turn at its host (its
	// slot and rate token, and a slot of MaxInFlight), which Timeout does
	// not count; past it the request fails with ErrNoTurn. 0 waits as
	// long as it takes: politeness queues the many feeds of a host.
	MaxWait time.Duration
}

// Response is a fetched document. Body is decompressed and at most
// MaxBodySize bytes (the request's, when it sets a smaller one). NotModified is set for a 304, with an empty body.
type Response struct {
	URL          string // final URL, after redirects
	StatusCode   int
	Status       string
	Header       http.Header
	Body         []byte
	ETag         string
	LastModified string
	NotModified  bool
	Cut          bool  // Body is the first MaxBodySize bytes of a longer one (see Request.Cut)
	Short        error // what ended Body before its end (see Request.Cut); nil when it is whole
	// Moved is the address the one asked was moved to for good: the end
	// of the permanent redirects (301, 308) it led to first; "" when
	// there were none. A redirect past a temporary one does not count.
	Moved string
}

// Fetcher fetches documents politely and safely. It is safe for concurrent
// use.
type Fetcher struct {
	opts   Options
	client *http.Client
	hosts  *hostLimits
	bodies chan struct{} // see Options.BodiesInUse
	slow   chan struct{} // see Options.SlowBodies
	// bufs holds *bytes.Buffer: the bodies FetchAndUse hands on are read
	// into them, each read into again once its body is used. A round reads
	// tens of thousands of pages of 100 KB and more, and a buffer of its
	// own for each was half of what the round allocated.
	bufs sync.Pool
}

// New returns a Fetcher.
func New(opts Options) *Fetcher {
	return newFetcher(opts, nil)
}

// newFetcher builds a Fetcher; a non-nil control replaces the guard's
// dialer check (tests use it to admit one loopback server and no other).
func newFetcher(opts Options, control func(network, address string, c syscall.RawConn) error) *Fetcher {
	opts.setDefaults()
	hosts := newHostLimits(opts.PerHostConcurrency, opts.PerHostRate, opts.PerHostBurst, opts.MaxInFlight)
	dialer := guard.Dialer(opts.ConnectTimeout, opts.AllowPrivateNetworks)
	if control != nil {
		dialer.Control = control
	}
	tr := &http.Transport{
		Proxy:                  nil, // a proxy would hide the real address from the guard
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    opts.ConnectTimeout,
		ResponseHeaderTimeout:  opts.HeaderTimeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		ExpectContinueTimeout:  time.Second,
		MaxIdleConns:           0, // no global cap: many hosts, few connections each
		MaxIdleConnsPerHost:    opts.PerHostConcurrency,
		MaxConnsPerHost:        opts.PerHostConcurrency,
		IdleConnTimeout:        90 * time.Second,
		DisableCompression:     true, // decompressed here, under the size cap
		ForceAttemptHTTP2:      true,
	}
	maxRedirects := opts.MaxRedirects
	client := &http.Client{
		Transport: &limitedTransport{next: tr, hosts: hosts, maxWait: opts.MaxRetryWait},
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > maxRedirects {
				return fmt.Errorf("%w: stopped after %d", ErrTooManyRedirects, maxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("%w: redirect to %q", ErrUnsupportedScheme, req.URL.Scheme)
			}
			// A feed's bare host often sends it on to the www one that
			// asked to be left alone.
			return hosts.await(req.Context(), req.URL.String(), hostKey(req.URL), opts.MaxRetryWait)
		},
	}
	return &Fetcher{opts: opts, client: client, hosts: hosts,
		bodies: make(chan struct{}, opts.BodiesInUse), slow: make(chan struct{}, opts.SlowBodies)}
}

// Holds returns the hosts that asked, by a Retry-After, to be left alone
// past now, with until when, for a fetcher started again to keep to
// (see HoldOff). Hosts are named as the fetcher names them.
func (f *Fetcher) Holds(now time.Time) map[string]time.Time {
	return f.hosts.holds(now)
}

// HoldOff leaves each host of holds (as Holds names them) alone until its
// time, unless it is held longer already. A hold ending more than
// store.MaxHostHold from now is none (stale, see there).
func (f *Fetcher) HoldOff(holds map[string]time.Time) {
	latest := time.Now().Add(store.MaxHostHold)
	for host, until := range holds {
		if until.After(latest) {
			continue
		}
		f.hosts.holdOff(host, until)
	}
}

// Options returns the options in force, defaults filled in.
func (f *Fetcher) Options() Options { return f.opts }

// Close releases idle connections.
func (f *Fetcher) Close() { f.client.CloseIdleConnections() }

// Fetch GETs req.URL, retrying 429 and 5xx answers up to Retries times.
// It waits Retry-After when the server gives one, else an exponential
// backoff; a wait longer than MaxRetryWait is not slept but returned in
// the StatusError for the caller to schedule. After a 429 with a
// Retry-After the host is not asked again until it is over: a request
// for it waits, or fails with a HeldOffError when the wait is longer
// than MaxRetryWait.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	return f.FetchAndUse(ctx, req, nil)
}

// FetchAndUse is Fetch, calling use on the response before the request
// gives back its host's slot and its MaxInFlight slot: a caller that
// parses the body there bounds the bodies held at once, read or being
// parsed, by MaxInFlight. use should be quick and must not fetch.
func (f *Fetcher) FetchAndUse(ctx context.Context, req Request, use func(*Response)) (*Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := f.fetchOnce(ctx, req, use)
		var se *StatusError
		if err == nil || !errors.As(err, &se) || !se.Temporary() {
			return resp, err
		}
		if se.StatusCode == http.StatusTooManyRequests && se.RetryAfter > 0 {
			// The wait is the host's, however short: its other
			// addresses wait for it too (see HeldOffError).
			f.hosts.holdOff(answeredBy(se), time.Now().Add(se.RetryAfter))
		}
		if se.RetryAfter > f.opts.MaxRetryWait {
			return nil, err
		}
		wait := se.RetryAfter
		if wait <= 0 {
			wait = backoff(f.opts.BaseBackoff, attempt)
		}
		if attempt >= f.opts.Retries || wait > f.opts.MaxRetryWait {
			return resp, err
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("%w (while waiting to retry: %v)", err, ctx.Err())
		case <-t.C:
		}
	}
}

func (f *Fetcher) fetchOnce(ctx context.Context, req Request, use func(*Response)) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", req.URL, err)
	}
	// Errors name the address with its secrets masked: they are logged,
	// and kept as the source's last error.
	name := Masked(req.URL)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("fetch %s: %w %q", name, ErrUnsupportedScheme, u.Scheme)
	}
	if err := f.hosts.await(ctx, name, hostKey(u), f.opts.MaxRetryWait); err != nil {
		return nil, err
	}
	now := time.Now()
	// The timeout runs from the request's turn at its host (see
	// turnClock).
	ctx, clock, done := withTurnClock(ctx, f.opts.Timeout, req.MaxWait)
	defer done()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", name, err)
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	hreq.Header.Set("Accept-Encoding", "gzip, deflate")
	if req.Accept != "" {
		hreq.Header.Set("Accept", req.Accept)
	}
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	// The body's slot goes once the body is closed: its bytes never
	// outlive it.
	var slot *bodySlot
	defer func() { slot.release() }()
	resp, err := f.withCookies().Do(hreq)
	if err != nil {
		if unreached(ctx, name, err) {
			return nil, unreachedError{f.wrapErr(ctx, name, err)}
		}
		return nil, f.wrapErr(ctx, name, err)
	}
	defer resp.Body.Close()

	out := &Response{
		URL:          resp.Request.URL.String(),
		StatusCode:   resp.StatusCode,
		Status:       resp.Status,
		Header:       resp.Header,
		ETag:         resp.Header.Get("ETag"),
		LastModified: resp.Header.Get("Last-Modified"),
		Moved:        movedTo(resp.Request),
	}
	switch {
	case resp.StatusCode == http.StatusNotModified && req.ETag == "" && req.LastModified == "":
		// Nothing was asked to be compared: a cache answering for another
		// client. Taken as "unchanged", the source would never be read.
		return nil, &StatusError{URL: name, StatusCode: resp.StatusCode, Status: resp.Status + " to a request that was not conditional"}
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		if out.ETag == "" {
			out.ETag = req.ETag
		}
		if out.LastModified == "" {
			out.LastModified = req.LastModified
		}
		if use != nil {
			use(out)
		}
		return out, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		// The page's head says who answered; reading it lets the
		// connection be reused too.
		head, _ := f.readBody(resp, blockHead, nil)
		return nil, &StatusError{URL: name, At: Masked(redirectedTo(u.String(), out.URL)), StatusCode: resp.StatusCode, Status: resp.Status,
			RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), answeredAt(resp.Header, now)),
			Blocker:    blocker(resp.StatusCode, resp.Header, head)}
	}
	if mt, ok := wanted(req.Types, resp.Header.Get("Content-Type")); !ok {
		// Closing the body unread drops the connection rather than
		// downloading a large file to reuse it.
		return nil, fmt.Errorf("fetch %s: %w (%s)", name, ErrUnwantedType, mt)
	}
	limit := f.opts.MaxBodySize
	if req.MaxBodySize > 0 {
		limit = min(limit, req.MaxBodySize)
	}
	if resp.ContentLength > limit && !req.Cut {
		// Its length says it is over the cap: read up to the cap, it was
		// dropped then, and when it came slowly it timed out first.
		return nil, fmt.Errorf("fetch %s: body: %w (%d bytes, %d said)", name, ErrTooLarge, limit, resp.ContentLength)
	}
	var buf *bytes.Buffer
	if use != nil {
		// The body is read and used, then let go of, under one of the
		// slots for bodies (a body Fetch returns is its caller's to keep).
		slot = &bodySlot{slots: f.bodies, slow: f.slow}
		if err := slot.take(ctx); err != nil {
			return nil, f.wrapErr(ctx, name, err)
		}
		buf = f.buffer()
		defer f.reuse(buf)
	}
	stopWaiting := slot.slowAfter(f.opts.SlowBody)
	body, err := f.readBody(resp, limit, buf)
	stopWaiting()
	clock.stop()
	switch timedOut := clockTimedOut(ctx); {
	case err == nil || !req.Cut || len(body) == 0 || ctx.Err() != nil && !timedOut:
	case errors.Is(err, ErrTooLarge):
		out.Cut, err = true, nil
	case timedOut:
		// A body still arriving at the timeout (a server that stalls,
		// or keeps the connection open short of the length it gave)
		// is one ended there.
		out.Short, err = context.Cause(ctx), nil
	default:
		out.Short, err = err, nil
	}
	if err != nil {
		return nil, f.wrapErr(ctx, name, err)
	}
	if who := blocker(resp.StatusCode, resp.Header, body); who != "" {
		return nil, fmt.Errorf("fetch %s: %w: %s", name, ErrBlocked, who)
	}
	out.Body = body
	if use != nil {
		if err := slot.take(ctx); err != nil {
			return nil, f.wrapErr(ctx, name, err)
		}
		use(out)
		out.Body = nil // its buffer is read into again
	}
	return out, nil
}

// bodySlot is a request's hold of one of the slots for bodies (see
// Options.BodiesInUse), which a body slow to arrive trades for one of the
// slots for slow bodies meanwhile (see Options.SlowBody and SlowBodies).
// A body is read only under one or the other, and held until it is let
// go of under one: so the two bound the bodies in memory.
type bodySlot struct {
	slots, slow    chan struct{}
	held, slowHeld atomic.Bool
}

// take waits for a slot, unless one is held, and then gives up the slot
// for slow bodies, if held: the body has arrived.
func (s *bodySlot) take(ctx context.Context) error {
	if !s.held.Load() {
		select {
		case s.slots <- struct{}{}:
			s.held.Store(true)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if s.slowHeld.CompareAndSwap(true, false) {
		<-s.slow
	}
	return nil
}

// release gives back the slots held. A nil slot holds none.
func (s *bodySlot) release() {
	if s == nil {
		return
	}
	if s.held.CompareAndSwap(true, false) {
		<-s.slots
	}
	if s.slowHeld.CompareAndSwap(true, false) {
		<-s.slow
	}
}

// slowAfter trades the slot for one for slow bodies after d, once one is
// free, unless the returned stop is called first; stop returns once the
// slot is traded, if it is. Until one is free the body keeps its slot
// and goes on arriving: one waiting unread would hold what it has read
// all the same. A nil slot is never traded.
func (s *bodySlot) slowAfter(d time.Duration) (stop func()) {
	if s == nil {
		return func() {}
	}
	quit, done := make(chan struct{}), make(chan struct{})
	t := time.AfterFunc(d, func() {
		defer close(done)
		select {
		case s.slow <- struct{}{}:
			s.slowHeld.Store(true)
			if s.held.CompareAndSwap(true, false) {
				<-s.slots
			}
		case <-quit:
		}
	})
	return func() {
		if !t.Stop() {
			close(quit)
			<-done
		}
	}
}

// maxReused is the largest buffer kept for another body: a rare page of
// several megabytes is not held on to for the pages of common sizes.
const maxReused = 4 << 20

// buffer returns an empty buffer to read a body into.
func (f *Fetcher) buffer() *bytes.Buffer {
	if b, ok := f.bufs.Get().(*bytes.Buffer); ok {
		return b
	}
	return new(bytes.Buffer)
}

// reuse keeps buf, its body used, for another.
func (f *Fetcher) reuse(buf *bytes.Buffer) {
	if buf.Cap() <= maxReused {
		buf.Reset()
		f.bufs.Put(buf)
	}
}

// Masked returns the address raw with the secrets it may hold masked
// (https://user:xxxxx@host/feed?token=xxxxx, see model.MaskURL), for
// logs, metrics and errors: a feed read with Basic authentication carries
// its password in its address, a private feed its token in its query.
func Masked(raw string) string { return model.MaskURL(raw) }

// answeredBy returns the host that answered with se, as hostKey names it.
func answeredBy(se *StatusError) string {
	u, err := url.Parse(cmp.Or(se.At, se.URL))
	if err != nil {
		return ""
	}
	return hostKey(u)
}

// redirectedTo returns final, the address a request for asked ended
// at, when redirects led to another; "" otherwise.
func redirectedTo(asked, final string) string {
	if final == asked {
		return ""
	}
	return final
}

// withCookies returns the client with a jar of its own: the cookies a
// site sets on the way are sent back on the redirects of the same fetch
// (a "cookie wall" that sets one and redirects to the page asked, which
// without it redirects again and again), and forgotten with it, so no
// site follows the hub from one fetch to the next.
func (f *Fetcher) withCookies() *http.Client {
	c := *f.client
	c.Jar, _ = cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List}) // never fails
	return &c
}

// movedTo returns the address of the last request of the chain of
// permanent redirects that began the chain ending in last; "" when the
// first redirect was not permanent.
func movedTo(last *http.Request) string {
	var chain []*http.Request // from the first redirected request on
	for r := last; r.Response != nil; r = r.Response.Request {
		chain = append(chain, r)
	}
	moved := ""
	for i := len(chain) - 1; i >= 0; i-- {
		if c := chain[i].Response.StatusCode; c != http.StatusMovedPermanently && c != http.StatusPermanentRedirect {
			break
		}
		moved = chain[i].URL.String()
	}
	return moved
}

// wanted tells whether a response with the Content-Type header ct is one
// of types (see Request.Types), and returns its media type.
func wanted(types []string, ct string) (string, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if len(types) == 0 || ct == "" || err != nil {
		return mt, true // nothing asked, or nothing (readable) declared
	}
	for _, t := range types {
		if mt == t || strings.HasSuffix(t, "/") && strings.HasPrefix(mt, t) {
			return mt, true
		}
	}
	return mt, false
}

// wrapErr words an error with the URL, and the address a redirect led
// to when it was that address's (a private address the guard refused),
// naming a timeout as such.
func (f *Fetcher) wrapErr(ctx context.Context, u string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // url.Error repeats the URL
		if at, perr := url.Parse(ue.URL); perr == nil && at.IsAbs() && Masked(ue.URL) != u {
			u += " (redirected to " + Masked(ue.URL) + ")"
		}
	}
	var te *timeoutError
	if errors.As(context.Cause(ctx), &te) && !errors.As(err, &te) {
		return fmt.Errorf("fetch %s: %w: %w", u, te, err)
	}
	return fmt.Errorf("fetch %s: %w", u, err)
}

// readBody reads the body, decompressing it, with both the transferred and
// the decompressed size capped at max: a small gzip bomb cannot expand
// past it. It reads into buf when given one (a new buffer otherwise),
// so the body returned may be buf's bytes.
func (f *Fetcher) readBody(resp *http.Response, max int64, buf *bytes.Buffer) ([]byte, error) {
	raw := http.MaxBytesReader(nil, resp.Body, max)
	var r io.Reader = raw
	switch outerCoding(resp.Header.Get("Content-Encoding")) {
	case "", "identity":
	case "gzip", "x-gzip":
		br := bufio.NewReader(raw)
		if head, _ := br.Peek(2); len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
			r = br // labelled gzip, sent plain: read as it is
			break
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("decompress: %w", tooLarge(err, "body", max))
		}
		defer zr.Close()
		r = zr
	case "deflate":
		br := bufio.NewReader(raw)
		if head, _ := br.Peek(2); zlibHeader(head) {
			zr, err := zlib.NewReader(br)
			if err != nil {
				return nil, fmt.Errorf("decompress: %w", tooLarge(err, "body", max))
			}
			defer zr.Close()
			r = zr
		} else {
			return rawDeflate(br, max) // some servers send raw deflate, some none
		}
	case "br", "zstd", "compress", "x-compress":
		return nil, fmt.Errorf("unsupported Content-Encoding %q", resp.Header.Get("Content-Encoding"))
	default:
		// A label no client asked for ("UTF-8", "none", "binary"): servers
		// that send it send the body as it is, and readers take it so.
		// A body that is no text is in an encoding unknown here: its
		// bytes read as they are would be taken for a broken document.
		br := bufio.NewReader(raw)
		if head, _ := br.Peek(512); http.DetectContentType(head) == "application/octet-stream" {
			return nil, fmt.Errorf("unsupported Content-Encoding %q: the body is no text", resp.Header.Get("Content-Encoding"))
		}
		r = br
	}
	what := "body"
	if _, plain := r.(*bufio.Reader); r != raw && !plain {
		r, what = io.LimitReader(r, max+1), "decompressed body"
	}
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	if resp.ContentLength > 0 && resp.ContentLength <= max {
		buf.Grow(int(resp.ContentLength))
	}
	if _, err := buf.ReadFrom(r); err != nil {
		return firstBytes(buf.Bytes(), max), tooLarge(err, "body", max)
	}
	if int64(buf.Len()) > max {
		return firstBytes(buf.Bytes(), max), fmt.Errorf("%s: %w (%d bytes)", what, ErrTooLarge, max)
	}
	return gunzipLeft(buf.Bytes(), max)
}

// outerCoding returns the content coding applied last, in lower case: a
// body compressed twice may be labelled twice ("gzip, gzip"); it is
// undone first, and the one left is gzip's, which gunzipLeft undoes.
func outerCoding(v string) string {
	if i := strings.LastIndexByte(v, ','); i >= 0 {
		v = v[i+1:]
	}
	return strings.ToLower(strings.TrimSpace(v))
}

// gunzipLeft decompresses a body that is still gzip data once read as
// labelled: a cache plugin's compressed copy served with no
// Content-Encoding (W3 Total Cache's), or a body compressed twice (by PHP's
// zlib.output_compression, then by the server). No document a reader asks
// for starts with gzip's magic bytes. A body that does not decompress is
// returned as it is.
func gunzipLeft(body []byte, max int64) ([]byte, error) {
	if len(body) < 2 || body[0] != 0x1f || body[1] != 0x8b {
		return body, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return body, nil
	}
	defer zr.Close()
	out, err := io.ReadAll(io.LimitReader(zr, max+1))
	switch {
	case err != nil:
		return body, nil
	case int64(len(out)) > max:
		return firstBytes(out, max), fmt.Errorf("decompressed body: %w (%d bytes)", ErrTooLarge, max)
	}
	return out, nil
}

// firstBytes returns at most the first max bytes of b: what readBody
// gives with ErrTooLarge, for a request that takes a body cut at the cap.
func firstBytes(b []byte, max int64) []byte {
	return b[:min(int64(len(b)), max)]
}

// rawDeflate reads a body labelled deflate that has no zlib header: raw
// deflate data, or, when it does not inflate, the body as it was sent. A
// stream that ends early, or a connection that does, gives what inflated
// with the error, as a gzip body cut short does (see Request.Cut).
func rawDeflate(r io.Reader, max int64) ([]byte, error) {
	raw, readErr := io.ReadAll(r)
	readErr = tooLarge(readErr, "body", max)
	fr := flate.NewReader(bytes.NewReader(raw))
	defer fr.Close()
	out, err := io.ReadAll(io.LimitReader(fr, max+1))
	var corrupt flate.CorruptInputError
	switch {
	case int64(len(out)) > max:
		return firstBytes(out, max), fmt.Errorf("decompressed body: %w (%d bytes)", ErrTooLarge, max)
	case errors.As(err, &corrupt) || err != nil && len(out) == 0:
		return raw, readErr // labelled deflate, sent plain
	case readErr != nil:
		return out, readErr
	}
	return out, err
}

// tooLarge words the error of a body read past the cap as ErrTooLarge.
func tooLarge(err error, what string, max int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("%s: %w (%d bytes)", what, ErrTooLarge, max)
	}
	return err
}

// zlibHeader reports whether a deflate body starts with a zlib header.
func zlibHeader(b []byte) bool {
	return len(b) == 2 && b[0]&0x0f == 8 && (uint16(b[0])<<8|uint16(b[1]))%31 == 0
}

// backoff is base doubled for each attempt made, up to store.MaxRetryAfter (or
// base, if longer): doubled on, it overflowed to a negative or zero wait
// and the server was asked again at once for every retry left.
func backoff(base time.Duration, attempt int) time.Duration {
	wait := base
	for range attempt {
		if wait >= store.MaxRetryAfter {
			break
		}
		wait *= 2
	}
	return min(wait, max(base, store.MaxRetryAfter))
}

// answeredAt returns the time an answer was sent by the server's clock (its
// Date), else now: a Retry-After date is the server's clock too, and the
// wait it asks for is the difference of the two (RFC 9110, 10.2.3).
func answeredAt(h http.Header, now time.Time) time.Time {
	if t, err := http.ParseTime(h.Get("Date")); err == nil {
		return t
	}
	return now
}

// parseRetryAfter reads a Retry-After value: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	s, err := strconv.Atoi(v)
	switch {
	case err == nil && s < 0:
		return 0
	case err == nil:
		return time.Duration(min(s, int(store.MaxRetryAfter/time.Second))) * time.Second
	case errors.Is(err, strconv.ErrRange) && v[0] != '-':
		// More seconds than an int holds: a very long wait, not none.
		return store.MaxRetryAfter
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return min(d.Round(time.Second), store.MaxRetryAfter)
		}
	}
	return 0
}

// RetryAfter returns the wait a fetch error asks for: the server's
// Retry-After, what is left of an earlier one of its host, or 0.
func RetryAfter(err error) time.Duration {
	var se *StatusError
	if errors.As(err, &se) {
		return se.RetryAfter
	}
	var he *HeldOffError
	if errors.As(err, &he) {
		return he.Wait
	}
	return 0
}
