package admin

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// cookieBrowser is an HTTP client that keeps cookies as a browser does (a
// Secure cookie is not sent over plain http but to localhost), sends
// Origin and Sec-Fetch-Site with its POSTs, and reaches every address it is given at one
// server on loopback, as though a LAN address or a public name led there.
type cookieBrowser struct {
	t       *testing.T
	c       *http.Client
	mu      sync.Mutex
	cookies []*http.Cookie // every cookie set to it
}

func newBrowser(t *testing.T, srv *httptest.Server) *cookieBrowser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srv.Listener.Addr().String())
	}}
	if srv.TLS != nil {
		pool := x509.NewCertPool()
		pool.AddCert(srv.Certificate())
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, ServerName: "example.com"} // the name in httptest's certificate
	}
	t.Cleanup(tr.CloseIdleConnections)
	b := &cookieBrowser{t: t}
	b.c = &http.Client{Jar: jar, Transport: b.record(tr)}
	return b
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// record keeps the cookies every answer sets, to check their attributes.
func (b *cookieBrowser) record(next http.RoundTripper) http.RoundTripper {
	return roundTripper(func(r *http.Request) (*http.Response, error) {
		resp, err := next.RoundTrip(r)
		if err == nil {
			b.mu.Lock()
			b.cookies = append(b.cookies, resp.Cookies()...)
			b.mu.Unlock()
		}
		return resp, err
	})
}

// send fetches u and returns the final answer's address, status and body.
func (b *cookieBrowser) send(method, u string, form url.Values) (*url.URL, int, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		origin, _ := url.Parse(u)
		r.Header.Set("Origin", origin.Scheme+"://"+origin.Host)
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	resp, err := b.c.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp.Request.URL, resp.StatusCode, string(text)
}

// signIn signs in at the admin area of base and returns where it led.
func (b *cookieBrowser) signIn(base string) (*url.URL, int, string) {
	b.t.Helper()
	_, code, page := b.send("GET", base+Prefix+"sign-in", nil)
	m := csrfInput.FindStringSubmatch(page)
	if code != http.StatusOK || m == nil {
		b.t.Fatalf("sign-in page: %d\n%s", code, page)
	}
	return b.send("POST", base+Prefix+"sign-in", url.Values{"csrf": {m[1]}, "name": {adminName},
		"password": {adminPassword}, "next": {Prefix + "sources/"}})
}

// TestSignInByAddress signs in through a real server, with a browser's
// cookie keeping, at a hub whose address is https: over plain http from
// another machine to its LAN address, the cookies are not Secure (a
// browser would drop them there) and the session holds; through a tunnel
// to localhost they are Secure, which browsers keep there; behind proxies
// that end TLS, whether they name the upstream, pass the Host on, say
// X-Forwarded-Proto or nothing, they are Secure with the __Secure- prefix; over
// plain http by a name, where they stay Secure, the sign-in page says why
// the sign-in cannot hold and where to go, where it looped.
func TestSignInByAddress(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.BaseURL = "https://news.example.org"
		c.Limits = Limits{AccountBurst: 20, AccountEvery: DefaultLimits().AccountEvery, AddressBurst: 20, AddressEvery: DefaultLimits().AddressEvery}
	})
	hub := httptest.NewServer(f.admin)
	t.Cleanup(hub.Close)
	upstream, err := url.Parse(hub.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := func(rewrite func(*httputil.ProxyRequest)) *httptest.Server {
		srv := httptest.NewTLSServer(&httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(upstream)
			rewrite(pr)
		}})
		t.Cleanup(srv.Close)
		return srv
	}
	// The hub as a browser on another machine of its network reaches it.
	lan := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = "192.168.1.77:51000"
		f.admin.ServeHTTP(w, r)
	}))
	t.Cleanup(lan.Close)
	for _, tc := range []struct {
		name, base string
		srv        *httptest.Server
		secure     bool
	}{
		{"a LAN address", "http://192.168.1.20:8080", lan, false},
		{"a tunnel to localhost", "http://localhost:8080", hub, true},
		{"a TLS proxy here saying nothing", "https://news.example.org", proxy(func(*httputil.ProxyRequest) {}), true},
		{"a TLS proxy naming its upstream", "https://news.example.org", proxy(func(pr *httputil.ProxyRequest) { pr.Out.Host = "newshub" }), true},
		{"a TLS proxy passing the Host on", "https://news.example.org", proxy(func(pr *httputil.ProxyRequest) { pr.Out.Host = pr.In.Host }), true},
		{"a TLS proxy to a loopback address saying the scheme", "https://news.example.org", proxy(func(pr *httputil.ProxyRequest) { pr.SetXForwarded() }), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := newBrowser(t, tc.srv)
			at, code, page := b.signIn(tc.base)
			if code != http.StatusOK || at.Path != Prefix+"sources/" || !strings.Contains(page, "Sign out") {
				t.Fatalf("sign-in at %s: %d at %s\n%s", tc.base, code, at, page)
			}
			if at, code, _ := b.send("GET", tc.base+Prefix, nil); code != http.StatusOK || strings.HasSuffix(at.Path, "sign-in") {
				t.Errorf("the admin page after sign-in: %d at %s", code, at)
			}
			for _, ck := range b.cookies {
				if ck.Secure != tc.secure || strings.HasPrefix(ck.Name, "__Secure-") != tc.secure {
					t.Errorf("cookie %s, want Secure %v", ck, tc.secure)
				}
			}
		})
	}

	t.Run("plain http by a name", func(t *testing.T) {
		b := newBrowser(t, hub)
		at, code, page := b.signIn("http://newsbox.lan:8080")
		if code != http.StatusForbidden || at.Path != Prefix+"sign-in" ||
			!strings.Contains(page, "plain http") || !strings.Contains(page, "https://news.example.org/admin/") {
			t.Errorf("sign-in over plain http by a name: %d at %s\n%s", code, at, page)
		}
	})
}
