package admin

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// storyID returns the story of the fixture's border-bill lead.
func (f *fixture) storyID(t testing.TB) string {
	t.Helper()
	rec, err := f.st.ArticleByURL(context.Background(), "https://capitolwire.example/2026/11/20/senate-border-bill")
	if err != nil {
		t.Fatal(err)
	}
	return rec.Article.Story
}

// routePaths returns a request path for every route that needs a
// session, and a few paths no route has.
func routePaths(h *Handler, story string) [][2]string {
	var out [][2]string
	for _, r := range h.pageRoutes() {
		p := strings.ReplaceAll(strings.ReplaceAll(r.path, "{$}", ""), "{id}", story)
		out = append(out, [2]string{r.method, p})
	}
	for _, p := range []string{Prefix + "nope", Prefix + "stories/" + story + "/members", Prefix + "assets/", Prefix + ".git/config"} {
		out = append(out, [2]string{"GET", p})
	}
	return out
}

// snapshot is what a refused request must leave as it was: the site
// folder's files, the store's generation, the decisions.
type snapshot struct {
	files map[string]string
	gen   int64
}

func (f *fixture) snapshot(t testing.TB) snapshot {
	t.Helper()
	files := map[string]string{}
	for _, p := range []string{"_data/sources.yaml", "_data/decisions.jsonl", ".newshub/users.yaml"} {
		b, err := os.ReadFile(filepath.Join(f.dir, p))
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		files[p] = string(b)
	}
	gen, err := f.st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return snapshot{files: files, gen: gen}
}

func (f *fixture) unchanged(t testing.TB, what string, before snapshot) {
	t.Helper()
	after := f.snapshot(t)
	if !maps.Equal(before.files, after.files) {
		for p := range before.files {
			if before.files[p] != after.files[p] {
				t.Errorf("%s changed %s", what, p)
			}
		}
	}
	if after.gen != before.gen {
		t.Errorf("%s wrote to the store (generation %d -> %d)", what, before.gen, after.gen)
	}
}

// TestNothingIsReachableWithoutASession requests every route of the area,
// and paths of none, with every method, as clients without a live
// session: none gets a page or changes anything.
func TestNothingIsReachableWithoutASession(t *testing.T) {
	f := newFixture(t, nil)
	story := f.storyID(t)

	expired := f.signedIn(t)
	removed := newClient(t, f.admin)
	if err := f.admin.users.Add("grace", "another good password", false, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	if w := removed.signIn("grace", "another good password"); w.Code != http.StatusSeeOther {
		t.Fatalf("grace signs in: %d", w.Code)
	}
	if err := f.admin.users.Remove("grace"); err != nil {
		t.Fatal(err)
	}
	forged := newClient(t, f.admin)
	forged.jar[sessionCookie] = &http.Cookie{Name: sessionCookie, Value: token()}
	// The session idles past its timeout while the others are made.
	f.clock.advance(DefaultIdleTimeout + time.Second)
	before := f.snapshot(t)

	clients := map[string]*client{"no cookie": newClient(t, f.admin), "a forged session": forged,
		"an expired session": expired, "a removed account's session": removed}
	methods := []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
	secrets := []string{f.feeds, "border security bill", "Polls tighten", "story " + story}
	for name, c := range clients {
		for _, rp := range routePaths(f.admin, story) {
			for _, m := range methods {
				form := url.Values{"url": {f.feeds + "/feeds/wire.xml"}, "action": {"hide"}, "article": {"https://capitolwire.example/2026/11/20/senate-border-bill"}}
				w := c.do(m, rp[1], form)
				switch m {
				case "GET", "HEAD":
					if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, Prefix+"sign-in?next=") {
						t.Errorf("%s: %s %s: %d to %q, want 303 to the sign-in page", name, m, rp[1], w.Code, loc)
					}
				default:
					if w.Code != http.StatusForbidden {
						t.Errorf("%s: %s %s: %d, want 403", name, m, rp[1], w.Code)
					}
				}
				for _, s := range secrets {
					if strings.Contains(w.Body.String(), s) {
						t.Errorf("%s: %s %s: the answer shows %q", name, m, rp[1], s)
					}
				}
			}
		}
	}
	f.unchanged(t, "requests without a session", before)
	// What the area serves without a session: the sign-in page and the
	// stylesheet.
	c := newClient(t, f.admin)
	for _, p := range []string{Prefix + "sign-in", Prefix + "assets/admin.css"} {
		if w := c.do("GET", p, nil); w.Code != http.StatusOK {
			t.Errorf("GET %s without a session: %d, want 200", p, w.Code)
		}
	}
}

// postRoutes returns the area's state-changing routes.
func postRoutes(h *Handler) []string {
	var out []string
	for _, r := range h.pageRoutes() {
		if r.method == "POST" {
			out = append(out, r.path)
		}
	}
	return out
}

// TestEveryFormRejectsAMissingOrWrongToken posts every form of the area,
// signed in, with the token missing, wrong, another session's, in the
// query instead of the form, or from another site: each is refused and
// changes nothing; with its own token, each is done.
func TestEveryFormRejectsAMissingOrWrongToken(t *testing.T) {
	f := newFixture(t, nil)
	wire := f.feeds + "/feeds/wire.xml"
	forms := map[string]url.Values{
		Prefix + "sources/add":    {"url": {"https://example.org/new.xml"}},
		Prefix + "sources/remove": {"url": {wire}},
		Prefix + "sources/pause":  {"url": {wire}},
		Prefix + "sources/resume": {"url": {f.feeds + "/broken.xml"}},
		Prefix + "decide":         {"action": {"hide"}, "article": {"https://capitolwire.example/2026/11/20/senate-border-bill"}},
		Prefix + "sign-out":       {},
	}
	for _, p := range postRoutes(f.admin) {
		if _, ok := forms[p]; !ok {
			t.Fatalf("no form for %s: add one to this test", p)
		}
	}
	c, other := f.signedIn(t), f.signedIn(t)
	good, otherToken := c.token(Prefix+"sources/"), other.token(Prefix+"sources/")
	if good == otherToken {
		t.Fatal("two sessions share a token")
	}
	cases := []struct {
		name   string
		token  string
		query  bool
		header map[string]string
	}{
		{name: "no token"},
		{name: "a wrong token", token: good[:len(good)-1] + "x"},
		{name: "another session's token", token: otherToken},
		{name: "the token in the query", token: good, query: true},
		{name: "a cross-site request", token: good, header: map[string]string{"Sec-Fetch-Site": "cross-site"}},
		{name: "another origin", token: good, header: map[string]string{"Origin": "https://evil.example"}},
	}
	for _, path := range slices.Sorted(maps.Keys(forms)) {
		for _, tc := range cases {
			before := f.snapshot(t)
			form := url.Values{}
			maps.Copy(form, forms[path])
			target := path
			switch {
			case tc.query:
				target += "?csrf=" + url.QueryEscape(tc.token)
			case tc.token != "":
				form.Set("csrf", tc.token)
			}
			c.header = http.Header{}
			for k, v := range tc.header {
				c.header.Set(k, v)
			}
			w := c.do("POST", target, form)
			c.header = http.Header{}
			if w.Code != http.StatusForbidden {
				t.Errorf("POST %s with %s: %d, want 403", path, tc.name, w.Code)
			}
			f.unchanged(t, "POST "+path+" with "+tc.name, before)
			if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusOK {
				t.Fatalf("after POST %s with %s the session is gone: %d", path, tc.name, w.Code)
			}
		}
	}
	// With its own token each form is done (sign-out last: it ends the
	// session).
	for _, path := range slices.Sorted(maps.Keys(forms)) {
		if path == Prefix+"sign-out" {
			continue
		}
		before := f.snapshot(t)
		if w := c.post(path, forms[path]); w.Code != http.StatusSeeOther {
			t.Errorf("POST %s with its token: %d", path, w.Code)
		}
		if after := f.snapshot(t); maps.Equal(before.files, after.files) && before.gen == after.gen {
			t.Errorf("POST %s with its token changed nothing", path)
		}
	}
	if w := c.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther {
		t.Errorf("sign-out with its token: %d", w.Code)
	}
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("after sign-out: %d, want the sign-in page", w.Code)
	}

	// The sign-in form has a token of its own.
	s := newClient(t, f.admin)
	tok := s.token(Prefix + "sign-in")
	for _, tc := range []struct {
		name  string
		form  url.Values
		cross bool
	}{
		{"no token", url.Values{"name": {adminName}, "password": {adminPassword}}, false},
		{"a wrong token", url.Values{"csrf": {tok[:len(tok)-1] + "x"}, "name": {adminName}, "password": {adminPassword}}, false},
		{"a session's token", url.Values{"csrf": {otherToken}, "name": {adminName}, "password": {adminPassword}}, false},
		{"a cross-site request", url.Values{"csrf": {tok}, "name": {adminName}, "password": {adminPassword}}, true},
	} {
		if tc.cross {
			s.header.Set("Sec-Fetch-Site", "cross-site")
		}
		w := s.do("POST", Prefix+"sign-in", tc.form)
		s.header = http.Header{}
		if w.Code != http.StatusForbidden || s.jar[sessionCookie] != nil {
			t.Errorf("sign-in with %s: %d, session cookie %v; want 403 and none", tc.name, w.Code, s.jar[sessionCookie])
		}
	}
	// Without a cookie of its own, a token copied from another browser
	// is worth nothing either.
	thief := newClient(t, f.admin)
	if w := thief.do("POST", Prefix+"sign-in", url.Values{"csrf": {tok}, "name": {adminName}, "password": {adminPassword}}); w.Code != http.StatusForbidden {
		t.Errorf("sign-in with another browser's token: %d, want 403", w.Code)
	}
}

// signInAnswer is a failed sign-in's answer with what may differ between
// two attempts taken out: the name typed, echoed in the form.
func signInAnswer(w *httptest.ResponseRecorder, name string) string {
	var b strings.Builder
	b.WriteString(w.Result().Status + "\n")
	for _, k := range slices.Sorted(maps.Keys(w.Header())) {
		b.WriteString(k + ": " + strings.Join(w.Header()[k], ", ") + "\n")
	}
	b.WriteString(strings.ReplaceAll(w.Body.String(), `value="`+name+`"`, `value="NAME"`))
	return b.String()
}

// TestSignInAnswersTheSameForUnknownUserAndWrongPassword compares the
// answers to a wrong password and to a name without an account, byte for
// byte but for the name echoed in the form. (That both cost one key
// derivation of the same parameters is tested in package users.)
func TestSignInAnswersTheSameForUnknownUserAndWrongPassword(t *testing.T) {
	f := newFixture(t, nil)
	c := newClient(t, f.admin)
	wrong := c.signIn(adminName, "not the password")
	unknown := c.signIn("mallory", "not the password")
	if wrong.Code != http.StatusUnauthorized || !strings.Contains(wrong.Body.String(), msgWrong) {
		t.Fatalf("wrong password: %d\n%s", wrong.Code, wrong.Body)
	}
	if a, b := signInAnswer(wrong, adminName), signInAnswer(unknown, "mallory"); a != b {
		t.Errorf("the answers differ:\nwrong password:\n%s\nunknown name:\n%s", a, b)
	}
	if c.jar[sessionCookie] != nil {
		t.Error("a failed sign-in set a session cookie")
	}
}

// TestSignInIsRateLimited checks both limits: per account name, whatever
// the address, and per client address, whatever the name; a refused
// attempt is not even checked, the right password included.
func TestSignInIsRateLimited(t *testing.T) {
	f := newFixture(t, nil)
	lim := DefaultLimits()

	// One account, from addresses all different.
	for i := range lim.AccountBurst {
		c := newClient(t, f.admin)
		c.addr = "198.51.100." + string(rune('1'+i)) + ":1234"
		if w := c.signIn(adminName, "not the password"); w.Code != http.StatusUnauthorized {
			t.Fatalf("attempt %d: %d, want 401", i+1, w.Code)
		}
	}
	c := newClient(t, f.admin)
	c.addr = "203.0.113.7:1234"
	w := c.signIn(adminName, adminPassword)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), msgLimited) || w.Header().Get("Retry-After") == "" {
		t.Fatalf("attempt past the account's limit: %d, want 429 with Retry-After", w.Code)
	}
	if c.jar[sessionCookie] != nil {
		t.Fatal("a limited attempt signed in")
	}
	// Another account is not held back by it.
	if err := f.admin.users.Add("grace", "another good password", false, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	if w := c.signIn("grace", "another good password"); w.Code != http.StatusSeeOther {
		t.Errorf("another account: %d, want a sign-in", w.Code)
	}
	// The bucket refills: one attempt per AccountEvery.
	f.clock.advance(lim.AccountEvery)
	if w := newClient(t, f.admin).signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Errorf("after %s: %d, want a sign-in", lim.AccountEvery, w.Code)
	}

	// One address, names all different; an IPv6 client by its /64.
	f.clock.advance(time.Hour)
	for i := range lim.AddressBurst {
		c := newClient(t, f.admin)
		c.addr = "[2001:db8:1:2::" + strings.Repeat("a", 1+i%3) + "]:5555"
		name := "user" + string(rune('a'+i))
		if w := c.signIn(name, "not the password"); w.Code != http.StatusUnauthorized {
			t.Fatalf("address attempt %d: %d, want 401", i+1, w.Code)
		}
	}
	same := newClient(t, f.admin)
	same.addr = "[2001:db8:1:2:ffff::1]:5555"
	if w := same.signIn(adminName, adminPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("attempt past the address's limit: %d, want 429", w.Code)
	}
	elsewhere := newClient(t, f.admin)
	elsewhere.addr = "[2001:db8:1:3::1]:5555"
	if w := elsewhere.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Errorf("from another /64: %d, want a sign-in", w.Code)
	}
}

// TestAGuesserCannotKeepTheUserOut has a guesser try one account's
// password from many addresses, without end, at the rate its limit
// allows: the account's own user still signs in from a browser that
// signed in before, while a browser that never did (the guesser's) stays
// limited, and a browser known for another account is not known for it.
func TestAGuesserCannotKeepTheUserOut(t *testing.T) {
	f := newFixture(t, nil)
	lim := DefaultLimits()
	if err := f.admin.users.Add("grace", "another good password", false, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	own := newClient(t, f.admin)
	own.addr = "203.0.113.7:1234"
	other := newClient(t, f.admin)
	other.addr = "203.0.113.8:1234"
	for _, c := range []struct {
		cl   *client
		name string
		pw   string
	}{{own, adminName, adminPassword}, {other, "grace", "another good password"}} {
		if w := c.cl.signIn(c.name, c.pw); w.Code != http.StatusSeeOther {
			t.Fatalf("sign-in of %s: %d", c.name, w.Code)
		}
		if w := c.cl.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("sign-out of %s: %d", c.name, w.Code)
		}
	}
	guess := 0
	guessing := func(n int) {
		for range n {
			g := newClient(t, f.admin)
			g.addr = fmt.Sprintf("198.51.100.%d:1234", 1+guess%200)
			guess++
			g.signIn(adminName, "guess number "+strconv.Itoa(guess))
		}
	}
	guessing(lim.AccountBurst)
	for round := range 3 {
		f.clock.advance(lim.AccountEvery)
		guessing(1) // takes the attempt that came back
		if w := newClient(t, f.admin).signIn(adminName, adminPassword); w.Code != http.StatusTooManyRequests {
			t.Errorf("round %d: a browser that never signed in: %d, want 429", round, w.Code)
		}
		if w := other.signIn(adminName, adminPassword); w.Code != http.StatusTooManyRequests {
			t.Errorf("round %d: a browser known for another account: %d, want 429", round, w.Code)
		}
		if w := own.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
			t.Fatalf("round %d: the user's own browser: %d, want a sign-in\n%s", round, w.Code, w.Body)
		}
		if w := own.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther {
			t.Fatalf("sign-out: %d", w.Code)
		}
	}
}

// TestAGuesserBehindTheUsersProxyCannotKeepTheUserOut serves every
// client from one address, as behind a proxy that ends TLS: a guesser
// trying many names spends that address's attempts, and the user still
// signs in from a browser that signed in before, while a browser that
// never did stays limited.
func TestAGuesserBehindTheUsersProxyCannotKeepTheUserOut(t *testing.T) {
	f := newFixture(t, nil)
	lim := DefaultLimits()
	const proxy = "10.0.0.1:8080"
	own := newClient(t, f.admin)
	own.addr = proxy
	if w := own.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", w.Code)
	}
	if w := own.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", w.Code)
	}
	for i := range lim.AddressBurst + 5 {
		g := newClient(t, f.admin)
		g.addr = proxy
		g.signIn(fmt.Sprintf("guess%d", i), "not a password")
	}
	fresh := newClient(t, f.admin)
	fresh.addr = proxy
	if w := fresh.signIn(adminName, adminPassword); w.Code != http.StatusTooManyRequests {
		t.Errorf("a browser that never signed in: %d, want 429", w.Code)
	}
	if w := own.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Errorf("the user's own browser: %d, want a sign-in", w.Code)
	}
}

// TestRedirectsStayInTheArea posts the sign-in form and a decision form
// with addresses to go back to that leave the area, by another host or
// by dot segments, and checks that the browser is sent within the area
// (its start) each time, while an address of the area is followed.
func TestRedirectsStayInTheArea(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	for _, tc := range []struct{ back, want string }{
		{"https://evil.example/admin/", Prefix},
		{"//evil.example/", Prefix},
		{"/\\evil.example/", Prefix},
		{"/admin/../search/", Prefix},
		{"/admin/..//evil.example/", Prefix},
		{"/admin/sources/../../evil", Prefix},
		{"/admin/%2e%2e/evil", Prefix},
		{"/admin/\t/evil", Prefix},
		{"/admin/decisions/", "/admin/decisions/"},
		{"/admin/stories/?page=2", "/admin/stories/?page=2"},
	} {
		w := c.post(Prefix+"decide", url.Values{"action": {"nonsense"}, "back": {tc.back}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != tc.want {
			t.Errorf("decision going back to %q: %d to %q, want %q", tc.back, w.Code, loc, tc.want)
		}
		f.clock.advance(DefaultLimits().AccountEvery) // an attempt more for the account
		s := newClient(t, f.admin)
		tok := s.token(Prefix + "sign-in")
		w = s.do("POST", Prefix+"sign-in", url.Values{"csrf": {tok}, "name": {adminName}, "password": {adminPassword}, "next": {tc.back}})
		if loc := w.Header().Get("Location"); w.Code != http.StatusSeeOther || loc != tc.want {
			t.Errorf("sign-in going on to %q: %d to %q, want %q", tc.back, w.Code, loc, tc.want)
		}
	}
}

// TestSessionCookie checks the session cookie's attributes over plain
// HTTP, over TLS and behind an https address, and the session's life:
// a new identifier at each sign-in, an end at sign-out, after idling and
// after the longest life.
func TestSessionCookie(t *testing.T) {
	for _, tc := range []struct {
		name, base, siteURL string
		secure              bool
	}{
		{"plain HTTP", "http://hub.test", "http://hub.test", false},
		{"over TLS", "https://hub.test", "http://hub.test", true},
		{"an https hub behind a proxy", "http://hub.test", "https://hub.example.org", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t, func(c *Config) { c.BaseURL = tc.siteURL })
			c := newClient(t, f.admin)
			c.base, c.origin = tc.base, tc.base
			w := c.signIn(adminName, adminPassword)
			var ck *http.Cookie
			for _, x := range w.Result().Cookies() {
				if strings.HasSuffix(x.Name, sessionCookie) {
					ck = x
				}
			}
			if w.Code != http.StatusSeeOther || ck == nil {
				t.Fatalf("sign-in: %d, cookies %v", w.Code, w.Result().Cookies())
			}
			want := sessionCookie
			if tc.secure {
				want = "__Secure-" + sessionCookie
			}
			if ck.Name != want || !ck.HttpOnly || ck.Secure != tc.secure || ck.SameSite != http.SameSiteStrictMode || ck.Path != Prefix || len(ck.Value) < 43 {
				t.Errorf("session cookie %s", ck.String())
			}
			raw := w.Header().Values("Set-Cookie")
			if !slices.ContainsFunc(raw, func(s string) bool { return strings.Contains(s, "HttpOnly") && strings.Contains(s, "SameSite=Strict") }) {
				t.Errorf("Set-Cookie: %q", raw)
			}
		})
	}

	f := newFixture(t, nil)
	// Signing in with a session identifier planted before (here a live
	// one) gives a new identifier, and ends the old session.
	planted := *f.signedIn(t).jar[sessionCookie]
	c := newClient(t, f.admin)
	tok := c.token(Prefix + "sign-in")
	c.jar[sessionCookie] = &planted
	w := c.do("POST", Prefix+"sign-in", url.Values{"csrf": {tok}, "name": {adminName}, "password": {adminPassword}})
	if w.Code != http.StatusSeeOther || c.jar[sessionCookie] == nil || c.jar[sessionCookie].Value == planted.Value {
		t.Fatalf("sign-in over a planted identifier: %d, cookie %v", w.Code, c.jar[sessionCookie])
	}
	old := newClient(t, f.admin)
	old.jar[sessionCookie] = &planted
	if w := old.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("the session before the new sign-in still serves: %d", w.Code)
	}
	// Idle: alive just before the timeout, gone at it.
	f.clock.advance(DefaultIdleTimeout - time.Second)
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusOK {
		t.Fatalf("a session used within its idle time: %d", w.Code)
	}
	for range 6 { // used every 2 hours less a second: alive until MaxAge
		f.clock.advance(DefaultIdleTimeout - time.Second)
		w := c.do("GET", Prefix+"sources/", nil)
		if w.Code != http.StatusOK && w.Code != http.StatusSeeOther {
			t.Fatalf("status %d", w.Code)
		}
	}
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("a session past its longest life (%s) still serves: %d", DefaultMaxAge, w.Code)
	}
	c = f.signedIn(t)
	f.clock.advance(DefaultIdleTimeout)
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("a session idle for %s still serves: %d", DefaultIdleTimeout, w.Code)
	}
	// Sign-out ends the session on the server, whatever the browser keeps.
	c = f.signedIn(t)
	kept := *c.jar[sessionCookie]
	if w := c.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther || c.jar[sessionCookie] != nil {
		t.Fatalf("sign-out: %d, cookie left %v", w.Code, c.jar[sessionCookie])
	}
	c.jar[sessionCookie] = &kept
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
		t.Errorf("the signed-out session still serves: %d", w.Code)
	}
}

// TestPublicPagesUnaffected serves the public site with the admin area
// mounted beside it, as serve does, and compares each public answer with
// the public server's alone, with and without an admin session cookie:
// the same status, headers and bytes, cacheable, no cookie set.
func TestPublicPagesUnaffected(t *testing.T) {
	f, _ := liveHub(t)
	public := publicHandler(t, f)
	both := mount(public, f.admin)
	c := f.signedIn(t)
	session := c.jar[sessionCookie]
	for _, p := range []string{"/", "/api/news/", "/api/topics/", "/feeds/rss.xml", "/assets/style.css", "/search/?q=senate", "/healthz", "/nope/"} {
		for _, withCookie := range []bool{false, true} {
			alone, mounted := httptest.NewRecorder(), httptest.NewRecorder()
			for _, x := range []struct {
				h http.Handler
				w *httptest.ResponseRecorder
			}{{public, alone}, {both, mounted}} {
				r := httptest.NewRequest("GET", p, nil)
				if withCookie {
					r.AddCookie(session)
				}
				x.h.ServeHTTP(x.w, r)
			}
			if mounted.Code != alone.Code || mounted.Body.String() != alone.Body.String() {
				t.Errorf("GET %s (cookie %v): mounted %d, alone %d, bodies equal %v", p, withCookie, mounted.Code, alone.Code,
					mounted.Body.String() == alone.Body.String())
			}
			for _, k := range []string{"Cache-Control", "Content-Type", "Etag", "Vary", "Set-Cookie"} {
				if a, b := mounted.Header().Values(k), alone.Header().Values(k); !slices.Equal(a, b) {
					t.Errorf("GET %s: %s %q mounted, %q alone", p, k, a, b)
				}
			}
			if mounted.Header().Get("Set-Cookie") != "" {
				t.Errorf("GET %s sets a cookie", p)
			}
		}
	}
	// The area itself is never cached.
	if w := c.do("GET", Prefix+"sources/", nil); w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("admin page Cache-Control %q", w.Header().Get("Cache-Control"))
	}
}

// TestConcurrentSessions signs in, reads pages and posts forms from many
// clients at once (for the race detector), and checks that each ends
// with its own session and every change landed.
func TestConcurrentSessions(t *testing.T) {
	f := newFixture(t, func(c *Config) {
		c.Limits = Limits{AccountBurst: 100, AccountEvery: time.Second, AddressBurst: 100, AddressEvery: time.Second}
	})
	const n = 8
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := newClient(t, f.admin)
			if w := c.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
				t.Errorf("client %d: sign-in %d", i, w.Code)
				return
			}
			ids[i] = c.jar[sessionCookie].Value
			u := fmt.Sprintf("https://feed%d.example/rss", i)
			if w := c.post(Prefix+"sources/add", url.Values{"url": {u}}); w.Code != http.StatusSeeOther {
				t.Errorf("client %d: add %d", i, w.Code)
			}
			for _, p := range []string{"sources/", "stories/", "rounds/", "decisions/"} {
				if w := c.do("GET", Prefix+p, nil); w.Code != http.StatusOK {
					t.Errorf("client %d: GET %s %d", i, p, w.Code)
				}
			}
		}()
	}
	wg.Wait()
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != n {
		t.Errorf("sessions share identifiers: %v", ids)
	}
	list := readFile(t, filepath.Join(f.dir, "_data", "sources.yaml"))
	for i := range n {
		if !strings.Contains(list, fmt.Sprintf("https://feed%d.example/rss", i)) {
			t.Errorf("the source added by client %d is lost", i)
		}
	}
}

// TestOversizedFormsAreRefused posts a form past the size bound: it is
// refused without being read whole, signed in or not.
func TestOversizedFormsAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	before := f.snapshot(t)
	big := url.Values{"csrf": {c.token(Prefix + "sources/")}, "url": {"https://example.org/" + strings.Repeat("a", maxForm)}}
	if w := c.do("POST", Prefix+"sources/add", big); w.Code != http.StatusForbidden {
		t.Errorf("oversized form: %d, want 403", w.Code)
	}
	f.unchanged(t, "an oversized form", before)
	s := newClient(t, f.admin)
	tok := s.token(Prefix + "sign-in")
	w := s.do("POST", Prefix+"sign-in", url.Values{"csrf": {tok}, "name": {strings.Repeat("n", maxForm)}, "password": {"x"}})
	if w.Code != http.StatusForbidden || s.jar[sessionCookie] != nil {
		t.Errorf("oversized sign-in: %d", w.Code)
	}
}

// TestNewPasswordEndsSessions sets a new password for an account, as
// `newshub admin add-user --replace` does: the sessions signed in with the
// old one end, whoever holds them, and the new password signs in.
func TestNewPasswordEndsSessions(t *testing.T) {
	f := newFixture(t, nil)
	stolen := f.signedIn(t)
	other := f.signedIn(t)
	if err := f.admin.users.Add(adminName, "a brand new password", true, f.clock.now()); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*client{"a session signed in with the old password": stolen, "another": other} {
		if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusSeeOther {
			t.Errorf("%s still serves after the password changed: %d", name, w.Code)
		}
	}
	c := newClient(t, f.admin)
	if w := c.signIn(adminName, "a brand new password"); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in with the new password: %d", w.Code)
	}
	if w := c.do("GET", Prefix+"sources/", nil); w.Code != http.StatusOK {
		t.Errorf("the session signed in with the new password: %d", w.Code)
	}
}

// TestAFloodOfSignInsKeepsNoOneOut floods the sign-in form from more
// client addresses, with more names, than the limiter keeps buckets for:
// its tables stay within their bound, and the user still signs in, from
// a browser that signed in before and from one that never did, at an
// address of their own.
func TestAFloodOfSignInsKeepsNoOneOut(t *testing.T) {
	f := newFixture(t, nil)
	const keep = 40
	f.admin.attempts.account.max, f.admin.attempts.address.max = keep, keep
	own := newClient(t, f.admin)
	own.addr = "203.0.113.7:1234"
	if w := own.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", w.Code)
	}
	if w := own.post(Prefix+"sign-out", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", w.Code)
	}
	for i := range 3 * keep {
		g := newClient(t, f.admin)
		g.addr = fmt.Sprintf("198.51.%d.%d:1234", 100+i/250, 1+i%250)
		g.signIn(fmt.Sprintf("flood%d", i), "not a password")
	}
	for _, b := range []*buckets{f.admin.attempts.account, f.admin.attempts.address} {
		if n := len(b.m); n > keep {
			t.Errorf("%d buckets kept after the flood, want at most %d", n, keep)
		}
	}
	if w := own.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Errorf("the user's own browser: %d, want a sign-in", w.Code)
	}
	fresh := newClient(t, f.admin)
	fresh.addr = "203.0.113.9:1234"
	if w := fresh.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Errorf("a new browser at an address of the user's own: %d, want a sign-in", w.Code)
	}
}
