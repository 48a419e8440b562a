package fetcher

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"sync"
)

// ErrBlocked is wrapped when a site's bot protection answered in the
// site's stead: a challenge only a browser running its script passes
// (Cloudflare's "Just a moment..."), or a firewall's page saying access
// is denied. Asking again soon does not help: the site's owner has to let
// the hub's requests through.
var ErrBlocked = errors.New("blocked by the site's bot protection")

// blockHead is how much of a body is searched for a bot protection's
// marks: they are in the head of its page.
const blockHead = 16 << 10

// A blockMark is what a bot protection's answer has, in its headers or
// in its body, and the name it is called by.
type blockMark struct {
	header, value string // a header, and its value ("" for any)
	body          string // text in the page, lower case
	// sure says the mark is the protection's alone, so it is trusted on
	// a 2xx answer too; other marks name who sent an error status.
	sure bool
	// server says the mark is only the name of the proxy that answered:
	// it passes the site's own answers on too (see rateLimit).
	server bool
	who    string
}

// blockMarks are the marks of the bot protections feed readers meet
// most, as FreshRSS, Nextcloud News and the W3C's feed validator report
// them: Cloudflare's challenge (whose answers have carried
// "cf-mitigated: challenge" since 2023, whose page sets its options in
// window._cf_chl_opt, and before that a page "Checking your browser"
// that posted to chk_jschl; its title, "Just a moment...", is an
// article's too) and its firewall's block page ("Attention Required!"),
// Vercel's and AWS WAF's challenges, Sucuri's, Imperva's (Incapsula's)
// and Akamai's firewalls, and DDoS-Guard's check (a page titled
// "DDoS-Guard", as Prowlarr and Maigret tell it).
var blockMarks = []blockMark{
	{header: "Cf-Mitigated", value: "challenge", sure: true, who: "Cloudflare's bot challenge"},
	{header: "X-Vercel-Mitigated", sure: true, who: "Vercel's bot challenge"},
	{header: "X-Amzn-Waf-Action", sure: true, who: "AWS WAF's bot challenge"},
	{body: "window._cf_chl_opt", sure: true, who: "Cloudflare's bot challenge"},
	{body: "/cdn-cgi/l/chk_jschl", sure: true, who: "Cloudflare's bot challenge"},
	{body: "checking your browser before accessing", sure: true, who: "a bot challenge"},
	{body: "<title>just a moment...</title>", who: "Cloudflare's bot challenge"},
	{body: "sucuri website firewall", sure: true, who: "Sucuri's firewall"},
	{body: "incapsula incident id", sure: true, who: "Imperva's firewall (Incapsula)"},
	{body: "/cdn-cgi/challenge-platform/", who: "Cloudflare's bot challenge"},
	{body: "attention required! | cloudflare", who: "Cloudflare's firewall"},
	{body: "sorry, you have been blocked", who: "a firewall"},
	{body: "<title>ddos-guard</title>", who: "DDoS-Guard's bot check"},
	{header: "Server", value: "ddos-guard", server: true, who: "DDoS-Guard's bot check"},
	{header: "Server", value: "akamaighost", server: true, who: "Akamai's firewall"},
}

// heads are buffers for the lower-cased start of a body: every page a
// round reads is searched, and a copy each would be garbage as large as
// the pages' heads.
var heads = sync.Pool{New: func() any { return new([blockHead]byte) }}

// lowerASCII writes b with its ASCII letters in lower case into dst, which
// is at least as long, and returns that part of dst. The marks are ASCII,
// so other bytes need not change, as bytes.ToLower would change them.
func lowerASCII(dst, b []byte) []byte {
	dst = dst[:len(b)]
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[i] = c
	}
	return dst
}

// blocker names the bot protection that answered, from the answer's
// headers and the start of its body; "" when none did. Protections answer
// 403, 429 or 503; an answer of 2xx is judged by the sure marks alone,
// and only when its body is a web page: a feed, or an article about
// Cloudflare, is no challenge. (A 404 or a 52x is the site's, whoever
// words it.)
func blocker(status int, h http.Header, body []byte) string {
	ok := status >= 200 && status <= 299
	switch {
	case ok && !strings.HasPrefix(http.DetectContentType(body), "text/html"):
		return ""
	case !ok && status != http.StatusForbidden && status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable:
		return ""
	}
	buf := heads.Get().(*[blockHead]byte)
	defer heads.Put(buf)
	head := lowerASCII(buf[:], body[:min(len(body), blockHead)])
	limit := rateLimit(status, h)
	for _, m := range blockMarks {
		if ok && !m.sure || limit && m.server {
			continue
		}
		var found bool
		if m.header != "" {
			v := strings.ToLower(strings.TrimSpace(h.Get(m.header)))
			found = v != "" && (m.value == "" || v == m.value)
		} else {
			found = bytes.Contains(head, []byte(m.body))
		}
		if found {
			return m.who
		}
	}
	return ""
}

// rateLimit reports whether an answer is a 429 with a Retry-After: the
// host asking to wait, which a proxy in front of it (DDoS-Guard, Akamai)
// passes on under its own Server name. Only a check page's own marks
// make it a bot protection's.
func rateLimit(status int, h http.Header) bool {
	return status == http.StatusTooManyRequests && strings.TrimSpace(h.Get("Retry-After")) != ""
}
