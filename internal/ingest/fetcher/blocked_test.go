package fetcher

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestFetchNamesBotProtections checks that the answers of bot
// protections fail with ErrBlocked, named, and are not retried, while
// a site's own pages that look like them in part are read or fail as
// they are.
func TestFetchNamesBotProtections(t *testing.T) {
	const (
		challenge = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta http-equiv="refresh" content="390"></head><body><div class="main-wrapper"><noscript>Enable JavaScript and cookies to continue</noscript></div><script>(function(){window._cf_chl_opt={cType:'managed'};var a=document.createElement('script');a.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8e1f2a3b4c5d6e7f';document.getElementsByTagName('head')[0].appendChild(a);}());</script></body></html>`
		sucuri    = `<!DOCTYPE html><html><head><title>Sucuri WebSite Firewall - Access Denied</title></head><body><h2>Access Denied - Sucuri Website Firewall</h2></body></html>`
		incapsula = `<html><head><META NAME="robots" CONTENT="noindex,nofollow"></head><body><iframe src="/_Incapsula_Resource?CWUDNSAI=9&xinfo=1-2-3"></iframe>Request unsuccessful. Incapsula incident ID: 123000450012345678-901234567890123</body></html>`
		// A page of the site's own that Cloudflare's script is put into,
		// and an article quoting a block page.
		ownPage = `<!DOCTYPE html><html><head><title>Council passes the harbour budget</title></head><body><p>Visitors saw "Sorry, you have been blocked" and a Cloudflare Ray ID.</p><script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>`
		// An article of the site's own so titled.
		article = `<!DOCTYPE html><html><head><title>Just a moment...</title></head><body><p>A short story of waiting.</p></body></html>`
		feed    = `<?xml version="1.0"?><rss version="2.0"><channel><title>Waiting</title><item><title>Just a moment...</title></item></channel></rss>`
	)
	cases := []struct {
		name    string
		status  int
		header  map[string]string
		body    string
		blocker string // "" when the answer is the site's
	}{
		{"Cloudflare's challenge", 403, map[string]string{"Cf-Mitigated": "challenge", "Server": "cloudflare"}, challenge, "Cloudflare's bot challenge"},
		{"Cloudflare's challenge, unmarked", 503, map[string]string{"Server": "cloudflare"}, challenge, "Cloudflare's bot challenge"},
		{"Cloudflare's challenge answered 200", 200, nil, challenge, "Cloudflare's bot challenge"},
		{"Cloudflare's firewall", 403, map[string]string{"Server": "cloudflare"}, `<html><head><title>Attention Required! | Cloudflare</title></head><body>Sorry, you have been blocked</body></html>`, "Cloudflare's firewall"},
		{"Vercel's challenge", 429, map[string]string{"X-Vercel-Mitigated": "challenge"}, `<html><head><title>Vercel Security Checkpoint</title></head></html>`, "Vercel's bot challenge"},
		{"Sucuri", 403, nil, sucuri, "Sucuri's firewall"},
		{"Incapsula", 200, nil, incapsula, "Imperva's firewall (Incapsula)"},
		{"Akamai", 403, map[string]string{"Server": "AkamaiGHost"}, `<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY>Reference #18.1234abcd</BODY></HTML>`, "Akamai's firewall"},
		{"DDoS-Guard's check", 403, map[string]string{"Server": "ddos-guard", "Set-Cookie": "__ddg1_=Xk2b9Qm; Path=/"}, `<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body><div id="ddg-l10n-title">Checking your browser before accessing example.com</div><script src="/.well-known/ddos-guard/check?context=free_splash"></script></body></html>`, "a bot challenge"},
		{"DDoS-Guard's check, answered 429", 429, map[string]string{"Server": "ddos-guard", "Retry-After": "5"}, `<!DOCTYPE html><html><head><title>DDoS-Guard</title></head><body><script src="/.well-known/ddos-guard/check?context=free_splash"></script></body></html>`, "DDoS-Guard's bot check"},
		{"the site's page with Cloudflare's script", 200, map[string]string{"Server": "cloudflare"}, ownPage, ""},
		{"an article so titled", 200, map[string]string{"Content-Type": "text/html"}, article, ""},
		{"a feed item so titled", 200, map[string]string{"Content-Type": "text/html"}, feed, ""},
		{"a 404 through Cloudflare", 404, map[string]string{"Server": "cloudflare"}, `<html><head><title>Attention Required! | Cloudflare</title></head></html>`, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			calls := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls++
				for k, v := range c.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(c.status)
				w.Write([]byte(c.body))
			}))
			defer srv.Close()
			resp, err := New(testOptions()).Fetch(context.Background(), Request{URL: srv.URL})
			if c.blocker == "" {
				if errors.Is(err, ErrBlocked) {
					t.Fatalf("taken for a bot protection: %v", err)
				}
				if c.status == 200 && (err != nil || string(resp.Body) != c.body) {
					t.Fatalf("the site's answer not read: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrBlocked) || !strings.Contains(err.Error(), ": "+c.blocker) {
				t.Fatalf("err = %v, want ErrBlocked by %s", err, c.blocker)
			}
			if calls != 1 {
				t.Fatalf("asked %d times: a bot protection answers a retry as it did", calls)
			}
		})
	}
}

// The head is lower-cased as bytes.ToLower does it for ASCII, which the
// marks are, and left as it is otherwise.
func TestLowerASCIIAsToLowerForTheMarks(t *testing.T) {
	for _, s := range []string{"<TITLE>Just a moment...</TITLE>", "Window._CF_chl_OPT", "Ünïcode STAYS ü", ""} {
		dst := make([]byte, len(s))
		got := string(lowerASCII(dst, []byte(s)))
		want := strings.Map(func(r rune) rune {
			if r < 0x80 {
				return []rune(strings.ToLower(string(r)))[0]
			}
			return r
		}, s)
		if got != want {
			t.Errorf("lowerASCII(%q) = %q, want %q", s, got, want)
		}
	}
}

// A 429 with a Retry-After is the host asking to wait, whoever's server
// words it: DDoS-Guard and Akamai pass a site's own rate limit on with
// their Server header, and the host is left alone as it asked rather
// than taken for blocked. Their check pages are told by what they hold.
func TestFetchTakesA429WithRetryAfterAsARateLimitWhateverTheServer(t *testing.T) {
	for _, server := range []string{"ddos-guard", "AkamaiGHost"} {
		t.Run(server, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Server", server)
				w.Header().Set("Retry-After", "120")
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(http.StatusTooManyRequests)
				w.Write([]byte("<html><head><title>429 Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>"))
			}))
			defer srv.Close()
			f := New(testOptions())
			_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/feed"})
			if errors.Is(err, ErrBlocked) || RetryAfter(err) != 120*time.Second {
				t.Fatalf("err = %v, want a rate limit of 120s", err)
			}
			_, err = f.Fetch(context.Background(), Request{URL: srv.URL + "/other"})
			var he *HeldOffError
			if !errors.As(err, &he) || calls.Load() != 1 {
				t.Fatalf("err = %v after %d calls, want the host held off", err, calls.Load())
			}
		})
	}
}
