package curate

import (
	"net"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// trackingParams are query parameters that say how a reader arrived, not
// what they read. They are dropped whatever their value.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "yclid": true,
	"ocid": true, "mc_cid": true, "mc_eid": true, "cmpid": true, "ncid": true,
	"taid": true, "icid": true, "igshid": true, "_ga": true, "_gl": true,
	"smid": true, "smtyp": true, "s_cid": true, "sr_share": true, "xtor": true,
	"__twitter_impression": true, "ito": true, "usqp": true, "amp_js_v": true,
	"amp_gsa": true, "cmp": true, "ref_src": true, "ref_url": true,
	// AT Internet's (Piano Analytics'), as the BBC's feeds add them
	// ("?at_medium=RSS&at_campaign=rss"); xtor above is its older one.
	"at_medium": true, "at_campaign": true, "at_campaign_type": true, "at_format": true,
	"at_link_id": true, "at_link_type": true, "at_link_origin": true, "at_ptr_name": true, "at_bbc_team": true,
}

// feedValueParams are dropped only when their value names a feed
// ("track=rss", "ref=rss", "source=feedburner"): elsewhere they can matter.
var feedValueParams = map[string]bool{
	"track": true, "ref": true, "source": true, "src": true, "via": true,
	"from": true, "partner": true, "mod": true, "rss": true, "feed": true,
}

// ampParams mark the AMP rendering of a page.
var ampParams = map[string]bool{"amp": true, "_amp": true, "outputtype": true}

// CanonicalURL returns the key under which two links to the same article
// compare equal: scheme folded to https, host lower-cased and in punycode
// with "www.", "m.", "mobile." and "amp." folded away, default port, user
// info and fragment dropped, tracking and AMP parameters removed, the rest
// of the query sorted, AMP path forms ("/amp/", "/amp", ".amp") folded, and
// no trailing slash. AMP-cache links are unwrapped to the page they cache,
// and feed-proxy links (feeds.foxnews.com/~r/…/~3/<id>/<slug>) become a key
// on the publisher's host when the slug names the article.
//
// A string that does not parse as an absolute URL is returned trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	if inner, ok := unwrapAMPCache(u); ok {
		u = inner
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme == "http" || scheme == "https" || scheme == "" {
		scheme = "https"
	}
	host := canonicalHost(u.Host)
	path := u.EscapedPath()
	if p, h, ok := feedProxyKey(host, path); ok {
		host, path = h, p
	}
	path = foldAMPPath(path)
	path = strings.TrimRight(path, "/")
	query := canonicalQuery(u.RawQuery)
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	b.WriteString(path)
	if query != "" {
		b.WriteByte('?')
		b.WriteString(query)
	}
	return b.String()
}

// ArticleKey returns the key an article with the given link is known by:
// key itself when it is the link's canonical URL refined by a "#" part
// (items of one feed that share a link and are told apart by a fragment,
// a GUID or an enclosure: a podcast's episodes, a day's posts on one
// page), else CanonicalURL(link). A key that is already the canonical
// URL is returned itself rather than an equal copy: ingest keeps the key
// of every arrival in its index, and the article would hold a second one.
func ArticleKey(key, link string) string {
	c := CanonicalURL(link)
	if c == key {
		return key
	}
	if rest, ok := strings.CutPrefix(key, c+"#"); ok && rest != "" {
		return key
	}
	return c
}

// canonicalHost lower-cases a host, converts it to punycode, drops the
// default ports and folds the prefixes that serve the same pages.
func canonicalHost(hostport string) string {
	host, port := hostport, ""
	if h, p, err := net.SplitHostPort(hostport); err == nil {
		host, port = h, p
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	for _, prefix := range []string{"www.", "m.", "mobile.", "amp."} {
		rest, ok := strings.CutPrefix(host, prefix)
		// Keep the prefix when what remains would be a bare suffix ("m.co").
		if ok && strings.Contains(rest, ".") {
			host = rest
			break
		}
	}
	if port != "" && port != "80" && port != "443" {
		if strings.Contains(host, ":") {
			host = "[" + host + "]"
		}
		host += ":" + port
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return host
}

// unwrapAMPCache turns https://www-example-com.cdn.ampproject.org/c/s/www.example.com/a
// into https://www.example.com/a.
func unwrapAMPCache(u *url.URL) (*url.URL, bool) {
	if !strings.HasSuffix(strings.ToLower(u.Hostname()), ".cdn.ampproject.org") {
		return nil, false
	}
	p := u.EscapedPath()
	scheme := "http"
	for _, kind := range []string{"/c/", "/v/", "/i/", "/r/"} {
		if rest, ok := strings.CutPrefix(p, kind); ok {
			if r, ok := strings.CutPrefix(rest, "s/"); ok {
				rest, scheme = r, "https"
			}
			inner, err := url.Parse(scheme + "://" + rest)
			if err != nil || inner.Host == "" {
				return nil, false
			}
			inner.RawQuery = u.RawQuery
			return inner, true
		}
	}
	return nil, false
}

// genericSlugs are last path segments that do not name an article by
// themselves, so a feed-proxy link ending in one keeps its item id.
var genericSlugs = map[string]bool{
	"": true, "index.html": true, "index.htm": true, "index": true,
	"story.html": true, "article.html": true, "default.aspx": true,
}

// GenericSlug reports whether the last segment of an address's path names
// no article by itself ("index.html", "story.html"): the addresses of many
// articles of a site may end in it.
func GenericSlug(segment string) bool {
	return genericSlugs[strings.ToLower(segment)]
}

// feedProxyKey maps a FeedBurner-style redirect path
// /~r/<feed>/<section…>/~3/<id>/<slug> on feeds.<publisher> or
// rss.<publisher> to <publisher>/<section…>/<slug> when the feed is named
// after the publisher (feeds.foxnews.com/~r/foxnews/politics/… gives
// foxnews.com/politics/<slug>, the page's own address), or to
// <publisher>/~r/<slug> otherwise. A generic slug such as index.html keeps
// the proxy link, whose item id is then the only stable part.
func feedProxyKey(host, path string) (string, string, bool) {
	rest, ok := strings.CutPrefix(path, "/~r/")
	if !ok {
		return "", "", false
	}
	feed, item, ok := strings.Cut(rest, "/~3/")
	if !ok {
		return "", "", false
	}
	_, slug, ok := strings.Cut(item, "/") // drop the item id
	if !ok || GenericSlug(strings.Trim(slug, "/")) {
		return "", "", false
	}
	publisher := ""
	for _, prefix := range []string{"feeds.", "rss.", "feed."} {
		if p, ok := strings.CutPrefix(host, prefix); ok && strings.Contains(p, ".") {
			publisher = p
			break
		}
	}
	if publisher == "" {
		return "", "", false // feedproxy.google.com and the like: publisher unknown
	}
	segs := strings.Split(strings.Trim(feed, "/"), "/")
	brand, _, _ := strings.Cut(publisher, ".")
	if len(segs) > 1 && strings.EqualFold(segs[0], brand) {
		return "/" + strings.Join(segs[1:], "/") + "/" + slug, publisher, true
	}
	return "/~r/" + slug, publisher, true
}

// foldAMPPath removes the AMP forms of an article path: a leading "/amp/",
// a trailing "/amp" and the ".amp" or ".amp.html" suffixes.
func foldAMPPath(p string) string {
	p = strings.TrimRight(p, "/")
	switch {
	case strings.HasSuffix(p, "/amp"):
		p = strings.TrimSuffix(p, "/amp")
	case strings.HasSuffix(p, ".amp.html"):
		p = strings.TrimSuffix(p, ".amp.html") + ".html"
	case strings.HasSuffix(p, ".amp"):
		p = strings.TrimSuffix(p, ".amp")
	}
	if rest, ok := strings.CutPrefix(p, "/amp/"); ok {
		p = "/" + rest
	}
	return p
}

// canonicalQuery drops tracking and AMP parameters and sorts the rest.
// The raw form of each kept pair is preserved (no re-escaping).
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	var kept []string
	for _, pair := range strings.Split(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		key = strings.ToLower(key)
		val, err := url.QueryUnescape(v)
		if err != nil {
			val = v
		}
		val = strings.ToLower(val)
		switch {
		case strings.HasPrefix(key, "utm_"), trackingParams[key]:
			continue
		case ampParams[key] && (key != "outputtype" || val == "amp"):
			continue
		case feedValueParams[key] && isFeedValue(val):
			continue
		}
		kept = append(kept, pair)
	}
	sort.Strings(kept)
	return strings.Join(kept, "&")
}

// isFeedValue reports whether a parameter value names a feed or a
// syndication channel rather than content.
func isFeedValue(v string) bool {
	for _, w := range []string{"rss", "feed", "atom", "syndication"} {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

// CdnAmpURL returns the Google AMP-cache address of an AMP page, as the
// records' cdnAmpWebUrl carries it:
// https://<host with "-" doubled and "." as "-">.cdn.ampproject.org/c/s/<page without scheme>
// ("/c/" alone for an http page). It returns "" for an empty or relative URL.
func CdnAmpURL(amp string) string {
	amp = strings.TrimSpace(amp)
	u, err := url.Parse(amp)
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if uni, err := idna.Lookup.ToUnicode(host); err == nil {
		host = uni
	}
	sub := strings.ReplaceAll(host, "-", "--")
	sub = strings.ReplaceAll(sub, ".", "-")
	if ascii, err := idna.Lookup.ToASCII(sub); err == nil {
		sub = ascii
	}
	rest := amp[len(u.Scheme)+len("://"):]
	kind := "/c/s/"
	if strings.EqualFold(u.Scheme, "http") {
		kind = "/c/"
	}
	return "https://" + sub + ".cdn.ampproject.org" + kind + rest
}

// RegistrableDomain returns the public-suffix-plus-one of a host
// ("edition.cnn.com" → "cnn.com", "news.bbc.co.uk" → "bbc.co.uk"), lower
// case, without port. A host that has none (an IP address, "localhost") is
// returned as it is, lower-cased.
func RegistrableDomain(host string) string {
	host = strings.TrimSpace(strings.ToLower(host))
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, ".[]")
	if ascii, err := idna.Lookup.ToASCII(host); err == nil {
		host = ascii
	}
	if net.ParseIP(host) != nil {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// ArticleKeys are the keys a stored article is known by when feed items
// arrive: its canonical URL and feed GUID, and its link's own canonical
// URL unless the article's key refines it (then other articles share the
// link: a podcast's episodes on one page).
func ArticleKeys(canonicalURL, guid, originalURL string) []string {
	keys := make([]string, 0, 3)
	for _, k := range []string{canonicalURL, guid} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	if originalURL != "" {
		c := CanonicalURL(originalURL)
		if c != canonicalURL && !strings.HasPrefix(canonicalURL, c+"#") {
			keys = append(keys, c)
		}
		if k := FragmentKey(canonicalURL, originalURL); k != "" && c == canonicalURL && k != guid {
			keys = append(keys, k)
		}
	}
	return keys
}

// FragmentKey returns the key of an item whose link names a part of a page
// ("…/2024/11/05.html#a1200", one of a day's posts on its page): key, the
// page's, refined by that part, as ingest keys items that share the page;
// "" when key is refined already or the link names no part. An item keyed
// by its page alone, the only one of the page in its feed, is known by it
// too: its feed may give the page's other parts later, or give them first.
func FragmentKey(key, link string) string {
	if key == "" || strings.Contains(key, "#") {
		return ""
	}
	u, err := url.Parse(link)
	if err != nil || u.Fragment == "" {
		return ""
	}
	return key + "#" + u.Fragment
}
