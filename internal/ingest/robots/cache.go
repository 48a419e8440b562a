package robots

import (
	"context"
	"errors"
	"net/url"
	"sync"
	"time"

	"newshub/internal/ingest/fetcher"
)

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
}

type entry struct {
	ready   chan struct{}
	rules   *Rules
	expires time.Time
}

// NewCache returns a Cache fetching with f for the given agent token.
func NewCache(f *fetcher.Fetcher, agent string, ttl time.Duration) *Cache {
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	return &Cache{f: f, agent: agent, ttl: ttl, now: time.Now, origins: map[string]*entry{}}
}

// Allowed reports whether the page may be fetched.
func (c *Cache) Allowed(ctx context.Context, pageURL string) bool {
	u, err := url.Parse(pageURL)
	if err != nil || u.Host == "" {
		return false
	}
	origin := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e := c.origins[origin]
	if e == nil || (isDone(e.ready) && c.now().After(e.expires)) {
		e = &entry{ready: make(chan struct{})}
		c.origins[origin] = e
		c.mu.Unlock()
		e.rules, e.expires = c.fetch(ctx, origin)
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
			return false
		}
	}
	return e.rules.Allowed(pageURL)
}

func isDone(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// fetch reads an origin's robots.txt. A 4xx means no rules; a 5xx, a
// network error or a refused address means disallow everything for a
// while (RFC 9309 §2.3.1), retried sooner than a good answer.
func (c *Cache) fetch(ctx context.Context, origin string) (*Rules, time.Time) {
	resp, err := c.f.Fetch(ctx, fetcher.Request{URL: origin + "/robots.txt", Accept: "text/plain"})
	now := c.now()
	if err != nil {
		var se *fetcher.StatusError
		if errors.As(err, &se) && se.StatusCode >= 400 && se.StatusCode < 500 && se.StatusCode != 429 {
			return AllowAll, now.Add(c.ttl)
		}
		return DisallowAll, now.Add(min(c.ttl, time.Hour))
	}
	return Parse(resp.Body, c.agent), now.Add(c.ttl)
}
