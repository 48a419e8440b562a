package robots

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/fetcher"
)

func testFetcher() *fetcher.Fetcher {
	return fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostRate: -1, Retries: -1,
		Timeout: 2 * time.Second, UserAgent: "newshub/test"})
}

func TestCacheFetchesOncePerOrigin(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fetches.Add(1)
			w.Write([]byte("User-agent: newshub\nDisallow: /secret/\n"))
		}
	}))
	defer srv.Close()
	c := NewCache(testFetcher(), "newshub", time.Hour)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.Check(context.Background(), srv.URL+"/news/a"); err != nil {
				t.Errorf("allowed page refused: %v", err)
			}
			if err := c.Check(context.Background(), srv.URL+"/secret/b"); !errors.Is(err, ErrDisallowed) {
				t.Errorf("disallowed page: %v", err)
			}
		}()
	}
	wg.Wait()
	if fetches.Load() != 1 {
		t.Fatalf("robots.txt fetched %d times", fetches.Load())
	}
}

// TestCacheStatusRules checks RFC 9309 §2.3.1: a robots.txt that is not
// there (4xx) allows everything; one that cannot be read (5xx, a dropped
// connection, a body past the size cap) is an error, not a verdict.
func TestCacheStatusRules(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		want    error // nil, ErrDisallowed, or errUnread for any other error
	}{
		{"404", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) }, nil},
		{"403", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }, nil},
		{"304 to a request without validators", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) }, nil},
		{"500", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusInternalServerError) }, errUnread},
		{"503", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) }, errUnread},
		{"connection dropped", func(w http.ResponseWriter, r *http.Request) {
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
		}, errUnread},
		// Longer than the cap (the fetcher's 10,000 bytes here, MaxSize
		// where the fetcher's is larger): its rules up to it apply, and
		// a line the cap cuts, "Allow: /" of "Allow: /page", is none.
		{"longer than the cap", func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("User-agent: *\nDisallow: /\n" + strings.Repeat("# padding\n", 2000)))
		}, ErrDisallowed},
		{"a line cut by the cap", func(w http.ResponseWriter, r *http.Request) {
			rules := "User-agent: *\nDisallow: /\n"
			pad := strings.Repeat("#", 10000-len(rules)-len("Allow: /")-1) + "\n"
			w.Write([]byte(rules + pad + "Allow: /page\n" + strings.Repeat("# padding\n", 2000)))
		}, ErrDisallowed},
		{"ended early", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "5000")
			w.Write([]byte("User-agent: *\nAllow: /\n"))
		}, errUnread},
		{"disallowed", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nDisallow: /\n")) }, ErrDisallowed},
		// RFC 9309 §2.3.1.2: five redirects are followed, and past them
		// the file is unavailable, as a 4xx is: no rules.
		{"reached after five redirects", func(w http.ResponseWriter, r *http.Request) {
			if n, _ := strconv.Atoi(r.URL.Query().Get("n")); n < 5 {
				http.Redirect(w, r, "/robots.txt?n="+strconv.Itoa(n+1), http.StatusFound)
				return
			}
			w.Write([]byte("User-agent: *\nDisallow: /\n"))
		}, ErrDisallowed},
		{"redirected in a loop", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/robots.txt", http.StatusMovedPermanently)
		}, nil},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(tt.handler)
		f := fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostRate: -1, Retries: -1,
			Timeout: 2 * time.Second, UserAgent: "newshub/test", MaxBodySize: 10000})
		err := NewCache(f, "newshub", time.Hour).Check(context.Background(), srv.URL+"/page")
		switch {
		case tt.want == errUnread && (err == nil || errors.Is(err, ErrDisallowed)):
			t.Errorf("robots.txt %s: Check = %v, want a read error", tt.name, err)
		case tt.want != errUnread && !errors.Is(err, tt.want) && err != tt.want:
			t.Errorf("robots.txt %s: Check = %v, want %v", tt.name, err, tt.want)
		}
		srv.Close()
	}
}

var errUnread = errors.New("any read error")

// TestCacheAsksAgainWhenItsHostsWaitIsOver checks a robots.txt not asked
// for because its host answered 429 with a Retry-After: no verdict is
// kept past that wait, which is no error of the site's, so the site's
// pages are not refused for an hour after the site asked for a second.
func TestCacheAsksAgainWhenItsHostsWaitIsOver(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fetches.Add(1)
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
			return
		}
		w.Header().Set("Retry-After", "1")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	f := fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostRate: -1, Retries: -1,
		Timeout: 2 * time.Second, UserAgent: "newshub/test", MaxRetryWait: 10 * time.Millisecond})
	if _, err := f.Fetch(context.Background(), fetcher.Request{URL: srv.URL + "/feed"}); fetcher.RetryAfter(err) != time.Second {
		t.Fatalf("feed: %v, want a 429 asking to wait a second", err)
	}
	c := NewCache(f, "newshub", time.Hour)
	err := c.Check(context.Background(), srv.URL+"/news/a")
	var he *fetcher.HeldOffError
	if !errors.As(err, &he) || fetches.Load() != 0 {
		t.Fatalf("Check while held off = %v after %d fetches, want the host's wait", err, fetches.Load())
	}
	time.Sleep(time.Until(he.Until) + 10*time.Millisecond)
	if err := c.Check(context.Background(), srv.URL+"/news/a"); err != nil || fetches.Load() != 1 {
		t.Fatalf("Check after the wait = %v after %d fetches, want robots.txt read", err, fetches.Load())
	}
}

// TestCacheAsksAgainWhenTheWaitItWasGivenIsOver checks a robots.txt
// answered 429, or 503, with a Retry-After of a second: the site's pages
// are refused until then, as robots.txt could not be read, and it is
// asked again once the wait is over, not an hour later as one unreachable
// without a word of when to come back.
func TestCacheAsksAgainWhenTheWaitItWasGivenIsOver(t *testing.T) {
	for _, code := range []int{http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			var fetches atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if fetches.Add(1) == 1 {
					w.Header().Set("Retry-After", "1")
					http.Error(w, "come back later", code)
					return
				}
				w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
			}))
			defer srv.Close()
			f := fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostRate: -1, Retries: -1,
				Timeout: 2 * time.Second, UserAgent: "newshub/test", MaxRetryWait: 10 * time.Millisecond})
			c := NewCache(f, "newshub", time.Hour)
			if err := c.Check(context.Background(), srv.URL+"/news/a"); err == nil || errors.Is(err, ErrDisallowed) {
				t.Fatalf("Check during the wait = %v, want robots.txt unreadable", err)
			}
			time.Sleep(1100 * time.Millisecond)
			if err := c.Check(context.Background(), srv.URL+"/news/a"); err != nil || fetches.Load() != 2 {
				t.Fatalf("Check after the wait = %v after %d fetches, want robots.txt read", err, fetches.Load())
			}
		})
	}
}

// TestCacheForgetsTheOriginsItNoLongerAsks asks a few new origins a day
// for days, as the article pages of an aggregator's feed lead to ever new
// publishers: the cache holds the origins asked within its TTL, where it
// held every origin a long-running hub had ever asked, expired or not.
func TestCacheForgetsTheOriginsItNoLongerAsks(t *testing.T) {
	const days, perDay = 4, 3
	var origins []string
	for range days * perDay {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("User-agent: *\nDisallow: /private/\n"))
		}))
		defer srv.Close()
		origins = append(origins, srv.URL)
	}
	c := NewCache(testFetcher(), "newshub", 24*time.Hour)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	for day := range days {
		for _, o := range origins[day*perDay : (day+1)*perDay] {
			if err := c.Check(context.Background(), o+"/news/a"); err != nil {
				t.Fatalf("day %d, %s: %v", day, o, err)
			}
			if err := c.Check(context.Background(), o+"/private/b"); !errors.Is(err, ErrDisallowed) {
				t.Fatalf("day %d, %s: a disallowed page gave %v", day, o, err)
			}
		}
		now = now.Add(25 * time.Hour)
	}
	c.mu.Lock()
	held := len(c.origins)
	c.mu.Unlock()
	if held > perDay {
		t.Errorf("the cache holds %d origins after %d days of %d new ones a day with a TTL of a day, want at most %d", held, days, perDay, perDay)
	}
}
