package fetcher

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/idna"
	"golang.org/x/time/rate"
)

// hostLimits holds, per host (with port, see hostKey), a concurrency semaphore and a
// token-bucket rate limiter, and a semaphore over all hosts (nil when
// unbounded).
type hostLimits struct {
	conc   int
	rate   rate.Limit
	burst  int
	global chan struct{}

	now func() time.Time

	mu    sync.Mutex
	hosts map[string]*hostLimit
	swept time.Time // when the hosts left alone were last dropped
}

type hostLimit struct {
	sem     chan struct{}
	limiter *rate.Limiter
	used    time.Time // when the host was last asked; guarded by hostLimits.mu

	mu    sync.Mutex
	until time.Time // the host asked, by a Retry-After, to be left alone until then
	// timedOut is when a request last timed out after it had its turn
	// at the host (see turnClock).
	timedOut time.Time
}

// markTimedOut records that a request that had its turn at the host
// timed out at now.
func (l *hostLimit) markTimedOut(now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timedOut = now
}

// timedOutSince reports whether a request timed out at the host after
// since.
func (l *hostLimit) timedOutSince(since time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.timedOut.After(since)
}

// holdOff records that host asked to be left alone until until.
func (h *hostLimits) holdOff(host string, until time.Time) {
	l := h.get(host)
	l.mu.Lock()
	defer l.mu.Unlock()
	if until.After(l.until) {
		l.until = until
	}
}

// holds returns the hosts held off past now, with until when.
func (h *hostLimits) holds(now time.Time) map[string]time.Time {
	h.mu.Lock()
	hosts := make(map[string]*hostLimit, len(h.hosts))
	for host, l := range h.hosts {
		hosts[host] = l
	}
	h.mu.Unlock()
	out := map[string]time.Time{}
	for host, l := range hosts {
		l.mu.Lock()
		if l.until.After(now) {
			out[host] = l.until
		}
		l.mu.Unlock()
	}
	return out
}

// heldOff returns until when host asked to be left alone, if that is
// after now; the zero time otherwise.
func (h *hostLimits) heldOff(host string, now time.Time) time.Time {
	l := h.get(host)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.until.After(now) {
		return l.until
	}
	return time.Time{}
}

// await waits, for a request for asked that would go to host, until the
// host's hold is over, when it ends within maxWait, as the request that
// met the 429 waits before it asks again; it returns the HeldOffError of
// a longer hold, and ctx's error if it ends first.
func (h *hostLimits) await(ctx context.Context, asked, host string, maxWait time.Duration) error {
	for {
		now := time.Now()
		until := h.heldOff(host, now)
		if until.IsZero() {
			return nil
		}
		if until.Sub(now) > maxWait {
			return &HeldOffError{URL: asked, Until: until, Wait: until.Sub(now).Round(time.Second)}
		}
		t := time.NewTimer(until.Sub(now))
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: waiting for its host's Retry-After to be over: %w", asked, ctx.Err())
		case <-t.C:
		}
	}
}

func newHostLimits(conc int, perSecond float64, burst, inFlight int) *hostLimits {
	r := rate.Limit(perSecond)
	if perSecond < 0 {
		r = rate.Inf
	}
	h := &hostLimits{conc: conc, rate: r, burst: burst, now: time.Now, hosts: map[string]*hostLimit{}}
	if inFlight > 0 {
		h.global = make(chan struct{}, inFlight)
	}
	return h
}

// hostKey names the host u is asked of, one name for all its spellings:
// in lower case, without a trailing dot, in ASCII (punycode) and without
// the scheme's default port, so "https://EXAMPLE.com.:443" is held and
// limited as "https://example.com" is.
func hostKey(u *url.URL) string {
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	port := u.Port()
	if port == "" || port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		return host
	}
	return net.JoinHostPort(host, port)
}

func (h *hostLimits) get(host string) *hostLimit {
	now := h.now()
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.hosts[host]
	if l == nil {
		h.sweep(now)
		l = &hostLimit{sem: make(chan struct{}, h.conc), limiter: rate.NewLimiter(h.rate, h.burst)}
		h.hosts[host] = l
	}
	l.used = now
	return l
}

// hostIdle is how long a host's limits are kept once it is no longer
// asked: its rate has long refilled by then, and no request waits there.
const hostIdle = time.Hour

// sweep drops, once per hostIdle at most, the limits of the hosts not
// asked for hostIdle, with no request under way and no hold in force: a
// hub whose feeds link to ever new publishers (an aggregator's) asks ever
// new hosts, and a long-running one kept the limits of every host it had
// ever asked. Call with h.mu held.
func (h *hostLimits) sweep(now time.Time) {
	if now.Sub(h.swept) < hostIdle {
		return
	}
	h.swept = now
	for host, l := range h.hosts {
		if now.Sub(l.used) < hostIdle || len(l.sem) > 0 {
			continue
		}
		l.mu.Lock()
		held := l.until.After(now)
		l.mu.Unlock()
		if !held {
			delete(h.hosts, host)
		}
	}
}

// limitedTransport takes a host slot, a rate token and then a global slot
// before each round trip (redirect hops included) and gives the slots back
// when the body is closed. The request's timeout runs from when it has
// them (see turnClock); one that waited for them while another request
// to the host timed out is not sent (see ErrHostTimedOut).
type limitedTransport struct {
	next    http.RoundTripper
	hosts   *hostLimits
	maxWait time.Duration // the longest hold waited for (Options.MaxRetryWait)
}

// CloseIdleConnections closes the connections the next transport keeps:
// http.Client.CloseIdleConnections reaches them only through this.
func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	host := hostKey(req.URL)
	l := t.hosts.get(host)
	ctx := req.Context()
	c, _ := ctx.Value(turnClockKey{}).(*turnClock)
	queued := time.Now()
	release, err := t.turn(ctx, c, l)
	for err == nil && !t.hosts.heldOff(host, time.Now()).IsZero() {
		// The host answered 429 with a Retry-After while the request
		// waited for its turn: hundreds of a publisher's feeds queued
		// there were sent anyway, each answered 429 again.
		release()
		if err = t.hosts.await(ctx, Masked(req.URL.String()), host, t.maxWait); err == nil {
			release, err = t.turn(ctx, c, l)
		}
	}
	if err != nil {
		return nil, err
	}
	if l.timedOutSince(queued) {
		release()
		return nil, ErrHostTimedOut
	}
	if c != nil {
		c.start(l)
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		// Held here, before the slot is given back, where only Fetch held
		// it once the body was closed: a request waiting for the slot
		// took it first and was sent.
		now := time.Now()
		if wait := parseRetryAfter(resp.Header.Get("Retry-After"), answeredAt(resp.Header, now)); wait > 0 {
			t.hosts.holdOff(host, now.Add(wait))
		}
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
	return resp, nil
}

// turn waits for the request's turn at l: its host's slot and rate
// token, then a global slot; for no longer than the request's MaxWait,
// when its clock has one (see Request.MaxWait). It returns the function
// that gives the slots back.
func (t *limitedTransport) turn(ctx context.Context, c *turnClock, l *hostLimit) (func(), error) {
	wait := ctx
	if c != nil && c.maxWait > 0 {
		var cancel context.CancelFunc
		wait, cancel = context.WithTimeout(ctx, c.maxWait)
		defer cancel()
	}
	waitErr := func() error {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return fmt.Errorf("%w (%s)", ErrNoTurn, c.maxWait)
	}
	select {
	case l.sem <- struct{}{}:
	case <-wait.Done():
		return nil, waitErr()
	}
	if err := l.limiter.Wait(wait); err != nil {
		<-l.sem
		return nil, waitErr()
	}
	g := t.hosts.global
	if g == nil {
		return func() { <-l.sem }, nil
	}
	select {
	case g <- struct{}{}:
	case <-wait.Done():
		<-l.sem
		return nil, waitErr()
	}
	return func() { <-g; <-l.sem }, nil
}

type releaseBody struct {
	io.ReadCloser
	once    sync.Once
	release func()
}

func (b *releaseBody) Close() error {
	err := b.ReadCloser.Close()
	b.once.Do(b.release)
	return err
}

// ErrHostTimedOut is a request not sent: another request to its host
// timed out while it waited for its turn there. The host is not
// answering, and the requests queued behind would otherwise each wait
// the timeout in turn. It is a timeout (net.Error).
var ErrHostTimedOut error = hostTimedOutError{}

type hostTimedOutError struct{}

func (hostTimedOutError) Error() string {
	return "not asked: another request to its host timed out while this one waited its turn"
}
func (hostTimedOutError) Timeout() bool   { return true }
func (hostTimedOutError) Temporary() bool { return true }

// ErrNoTurn is wrapped by a request not sent: its turn at its host did
// not come within its MaxWait.
var ErrNoTurn = errors.New("not asked: its turn at its host did not come in time")

// timeoutError is what a request's turnClock cancels it with. It is a
// timeout (net.Error), and is context.DeadlineExceeded as a deadline's is.
type timeoutError struct{ after time.Duration }

func (e *timeoutError) Error() string        { return fmt.Sprintf("timed out after %s", e.after) }
func (e *timeoutError) Timeout() bool        { return true }
func (e *timeoutError) Temporary() bool      { return true }
func (e *timeoutError) Is(target error) bool { return target == context.DeadlineExceeded }

// clockTimedOut reports whether ctx was ended by its turnClock.
func clockTimedOut(ctx context.Context) bool {
	var te *timeoutError
	return errors.As(context.Cause(ctx), &te)
}

type turnClockKey struct{}

// turnClock times a request out once it has had its turn at its host
// for the timeout: the waits for the host's slots and rate (politeness,
// the hub's own queue) do not count, where a request at the back of a
// queue of many feeds of one host timed out unsent, as though the host
// had not answered it. The host whose turn it had when it timed out is
// marked (see ErrHostTimedOut).
type turnClock struct {
	after   time.Duration
	maxWait time.Duration // see Request.MaxWait
	cancel  context.CancelCauseFunc

	mu      sync.Mutex
	timer   *time.Timer
	host    *hostLimit // the host of the hop that has its turn
	stopped bool
}

// withTurnClock returns ctx with a turnClock of the timeout after, which
// the request made with it starts once it has its turn (waited for no
// longer than maxWait, when set), and a function that lets ctx go.
func withTurnClock(ctx context.Context, after, maxWait time.Duration) (context.Context, *turnClock, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	c := &turnClock{after: after, maxWait: maxWait, cancel: cancel}
	return context.WithValue(ctx, turnClockKey{}, c), c, func() { c.stop(); cancel(nil) }
}

// start starts the clock, if it has not started, at the request's turn
// at host; a redirect's hop to another host runs on the same clock.
func (c *turnClock) start(host *hostLimit) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.host = host
	if c.timer != nil || c.stopped {
		return
	}
	c.timer = time.AfterFunc(c.after, func() {
		c.mu.Lock()
		h, stopped := c.host, c.stopped
		c.mu.Unlock()
		if stopped {
			return
		}
		h.markTimedOut(time.Now())
		c.cancel(&timeoutError{after: c.after})
	})
}

// stop stops the clock: the body is read, and what is done with it is
// no wait for the host.
func (c *turnClock) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stopped = true
	if c.timer != nil {
		c.timer.Stop()
	}
}
