package robots

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"newshub/internal/ingest/fetcher"
)

// MaxSize is how much of a robots.txt is read: RFC 9309 (2.5) asks a
// crawler to read at least 500 KiB, and the rules past it are left out.
// Read whole, up to the size cap of 16 MiB, a hostile site's was kept
// as 23 MB of rules for each of its host names for a day, and every
// page asked of it compared with all of them (50 ms a page); one longer was
// an error, and none of the site's pages was read.
const MaxSize = 500 << 10

// Cache fetches each origin's robots.txt once per TTL and answers from
// it. Concurrent asks for one origin share one fetch. It is safe for
// concurrent use.
type Cache struct {
	f     *fetcher.Fetcher
	agent string
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	origins map[string]*entry
	swept   time.Time // when the expired entries were last dropped
}

type entry struct {
	ready   chan struct{}
	rules   *Rules
	err     error // robots.txt could not be read
	expires time.Time
}

// ErrDisallowed is returned by Check for a page robots.txt forbids.
var ErrDisallowed = errors.New("disallowed by robots.txt")

// NewCache returns a Cache fetching with f for the given agent token.
func NewCache(f *fetcher.Fetcher, agent string, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &Cache{f: f, agent: agent, ttl: ttl, now: time.Now, origins: map[string]*entry{}}
}

// Check says whether the page may be fetched: nil when it may,
// ErrDisallowed when robots.txt forbids it, and another error when
// robots.txt could not be read (a server error, the network, a body that
// cannot be read): RFC 9309 then asks to fetch nothing from the site, but
// that is no verdict of the site's.
func (c *Cache) Check(ctx context.Context, pageURL string) error {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return fmt.Errorf("robots.txt for %q: not an absolute URL", pageURL)
	}
	origin := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e := c.origins[origin]
	if now := c.now(); e == nil || (isDone(e.ready) && now.After(e.expires)) {
		c.sweep(now)
		e = &entry{ready: make(chan struct{})}
		c.origins[origin] = e
		c.mu.Unlock()
		e.rules, e.expires, e.err = c.fetch(ctx, origin)
		if ctx.Err() != nil {
			// The asker gave up: keep no verdict the site did not give.
			e.expires = time.Time{}
		}
		close(e.ready)
	} else {
		c.mu.Unlock()
		select {
		case <-e.ready:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if e.err != nil {
		return e.err
	}
	if !e.rules.Allowed(pageURL) {
		return ErrDisallowed
	}
	return nil
}

// sweep drops the entries expired at now, once in a while: a hub whose
// feeds link to ever new publishers (an aggregator's) asks ever new
// origins, and a long-running one held every origin it had ever asked.
// Call with c.mu held.
func (c *Cache) sweep(now time.Time) {
	if now.Sub(c.swept) < min(c.ttl, time.Hour) {
		return
	}
	c.swept = now
	for origin, e := range c.origins {
		if isDone(e.ready) && now.After(e.expires) {
			delete(c.origins, origin)
		}
	}
}

func isDone(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// fetch reads an origin's robots.txt. A 4xx means no rules, and so does
// a 3xx not followed (a 304 nothing asked for) and a chain of redirects
// longer than the fetcher follows (five: RFC 9309 §2.3.1.2 counts the file
// unavailable past them, as a 4xx, where it held the site's pages unread
// for an hour as unreachable); a 5xx, a
// network error, a refused address or a body that cannot be read is an
// error, for which nothing is fetched from the site for a while (RFC 9309
// §2.3.1), retried sooner than a good answer, or once the wait an answer's
// Retry-After gives is over. One not asked while its host is held off
// (see fetcher.HeldOffError) is asked again after.
func (c *Cache) fetch(ctx context.Context, origin string) (*Rules, time.Time, error) {
	resp, err := c.f.Fetch(ctx, fetcher.Request{URL: origin + "/robots.txt", Accept: "text/plain",
		MaxBodySize: MaxSize, Cut: true})
	now := c.now()
	if err == nil && resp.Short != nil {
		// Cut short, it may have lost the rules that forbid a path.
		err = fmt.Errorf("the body ended early after %d bytes: %w", len(resp.Body), resp.Short)
	}
	if err != nil {
		var se *fetcher.StatusError
		if errors.As(err, &se) && se.StatusCode < 500 && se.StatusCode != 429 || errors.Is(err, fetcher.ErrTooManyRedirects) {
			return AllowAll, now.Add(c.ttl), nil
		}
		var he *fetcher.HeldOffError
		if errors.As(err, &he) {
			// Not asked, as its host asked to wait: no error of the
			// site's, kept for the wait alone.
			return nil, he.Until, fmt.Errorf("robots.txt not asked: %w", err)
		}
		wait := min(c.ttl, time.Hour)
		if se != nil && se.RetryAfter > 0 {
			// The server said when to come back (a 429's or a 503's
			// Retry-After): asked again then, not an hour later.
			wait = min(wait, se.RetryAfter)
		}
		return nil, now.Add(wait), fmt.Errorf("robots.txt unreachable: %w", err)
	}
	body := resp.Body
	if resp.Cut {
		// Its rules up to the cap; a line cut there ("Allow: /" of
		// "Allow: /public/") would say another thing.
		body = body[:bytes.LastIndexByte(body, '\n')+1]
	}
	rules, err := Parse(body, c.agent)
	if err != nil {
		return nil, now.Add(min(c.ttl, time.Hour)), fmt.Errorf("%s/robots.txt: %w", origin, err)
	}
	return rules, now.Add(c.ttl), nil
}
