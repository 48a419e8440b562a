package fetcher

import (
	"context"
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

	mu    sync.Mutex
	hosts map[string]*hostLimit
}

type hostLimit struct {
	sem     chan struct{}
	limiter *rate.Limiter

	mu    sync.Mutex
	until time.Time // the host asked, by a Retry-After, to be left alone until then
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
	h := &hostLimits{conc: conc, rate: r, burst: burst, hosts: map[string]*hostLimit{}}
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
	h.mu.Lock()
	defer h.mu.Unlock()
	l := h.hosts[host]
	if l == nil {
		l = &hostLimit{sem: make(chan struct{}, h.conc), limiter: rate.NewLimiter(h.rate, h.burst)}
		h.hosts[host] = l
	}
	return l
}

// limitedTransport takes a host slot, a rate token and then a global slot
// before each round trip (redirect hops included) and gives the slots back
// when the body is closed.
type limitedTransport struct {
	next  http.RoundTripper
	hosts *hostLimits
}

// CloseIdleConnections closes the connections the next transport keeps:
// http.Client.CloseIdleConnections reaches them only through this.
func (t *limitedTransport) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

func (t *limitedTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	l := t.hosts.get(hostKey(req.URL))
	ctx := req.Context()
	select {
	case l.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := l.limiter.Wait(ctx); err != nil {
		<-l.sem
		return nil, err
	}
	release := func() { <-l.sem }
	if g := t.hosts.global; g != nil {
		select {
		case g <- struct{}{}:
		case <-ctx.Done():
			<-l.sem
			return nil, ctx.Err()
		}
		release = func() { <-g; <-l.sem }
	}
	resp, err := t.next.RoundTrip(req)
	if err != nil {
		release()
		return nil, err
	}
	resp.Body = &releaseBody{ReadCloser: resp.Body, release: release}
	return resp, nil
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
