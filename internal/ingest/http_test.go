package ingest

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// serverFeed is the feed the servers of TestWhatServersSend send, each
// in its own way: three items, as a small WordPress site writes them.
const serverFeed = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
	<title>Harbour Ledger</title>
	<link>{{BASE}}/</link>
	<description>News of the harbour town</description>
	<item>
		<title>Council passes the harbour budget</title>
		<link>{{BASE}}/2026/11/harbour-budget/</link>
		<guid isPermaLink="false">{{BASE}}/?p=101</guid>
		<pubDate>Mon, 02 Nov 2026 09:00:00 +0000</pubDate>
		<dc:creator>Ada Quill</dc:creator>
		<description><![CDATA[The council passed the budget by seven votes to two.]]></description>
	</item>
	<item>
		<title>Ferry timetable changes for winter</title>
		<link>{{BASE}}/2026/11/ferry-winter/</link>
		<guid isPermaLink="false">{{BASE}}/?p=102</guid>
		<pubDate>Tue, 03 Nov 2026 10:30:00 +0000</pubDate>
		<description><![CDATA[Two crossings a day are cut from December.]]></description>
	</item>
	<item>
		<title>Lighthouse reopens after repairs</title>
		<link>{{BASE}}/2026/11/lighthouse/</link>
		<guid isPermaLink="false">{{BASE}}/?p=103</guid>
		<pubDate>Wed, 04 Nov 2026 08:15:00 +0000</pubDate>
		<description><![CDATA[Visitors may climb the tower again from Saturday.]]></description>
	</item>
</channel>
</rss>
`

// serving is what a case's handler is given: the feed with its address
// in it, and the number of the request (from 1).
type serving struct {
	feed []byte
	n    int
	base string
}

func compress(enc string, b []byte) []byte {
	var buf bytes.Buffer
	var w interface {
		Write([]byte) (int, error)
		Close() error
	}
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "zlib":
		w = zlib.NewWriter(&buf)
	case "flate":
		w, _ = flate.NewWriter(&buf, 5)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// hijack writes raw bytes on the connection: a response Go's server
// would not send as it is.
func hijack(w http.ResponseWriter, raw string) {
	conn, bufw, err := w.(http.Hijacker).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	bufw.WriteString(raw)
	bufw.Flush()
}

// serverCase is one way a server answers a feed reader.
type serverCase struct {
	name   string
	rounds int // 1 when 0
	serve  func(w http.ResponseWriter, r *http.Request, s serving)
	// What the source's state is after the last round: stored articles
	// in all, failed (an error counted) or not, and what its status says.
	new    int
	failed bool
	status string
	check  func(t *testing.T, h *hub, feedURL string)
}

var serverCases = []serverCase{
	{name: "gzip", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(compress("gzip", s.feed))
	}, new: 3, status: "200 OK"},
	{name: "deflate as zlib", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "deflate")
		w.Write(compress("zlib", s.feed))
	}, new: 3, status: "200 OK"},
	{name: "deflate raw", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "deflate")
		w.Write(compress("flate", s.feed))
	}, new: 3, status: "200 OK"},
	{name: "gzip twice", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(compress("gzip", compress("gzip", s.feed)))
	}, new: 3, status: "200 OK"},
	{name: "gzip twice, labelled twice", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "gzip, gzip")
		w.Write(compress("gzip", compress("gzip", s.feed)))
	}, new: 3, status: "200 OK"},
	{name: "gzip unlabelled", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Write(compress("gzip", s.feed))
	}, new: 3, status: "200 OK"},
	{name: "brotli", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "br")
		w.Write([]byte("\x1b\x10\x01\x00\x00\x00\x00\x00\x00\x00garbage"))
	}, failed: true, status: `unsupported Content-Encoding "br"`},
	{name: "unknown encoding", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Encoding", "x-snappy")
		w.Write([]byte("\xff\x06\x00\x00sNaPpY\x01\x02\x03"))
	}, failed: true, status: `unsupported Content-Encoding "x-snappy": the body is no text`},
	{name: "Content-Length longer than the body", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		cut := bytes.Index(s.feed, []byte("<item>\n\t\t<title>Lighthouse"))
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n%s", len(s.feed), s.feed[:cut+20]))
	}, new: 2, status: "the body ended early (unexpected EOF)", check: noValidators},
	{name: "Content-Length longer than the body, cut in an item after its link", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		cut := bytes.Index(s.feed, []byte("<pubDate>Wed"))
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n%s", len(s.feed), s.feed[:cut+10]))
	}, new: 2, status: "the body ended early (unexpected EOF)"},
	{name: "cut in an item after its link, then whole", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if s.n == 1 {
			cut := bytes.Index(s.feed, []byte("<pubDate>Wed"))
			hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\n\r\n%s", len(s.feed), s.feed[:cut+10]))
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK", check: dated("Lighthouse reopens after repairs", "2026-11-04T08:15:00Z")},
	{name: "Content-Length shorter than the body", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		cut := bytes.Index(s.feed, []byte("<item>\n\t\t<title>Lighthouse"))
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s", cut+20, s.feed))
	}, new: 2, status: "malformed"},
	{name: "HTTP/1.0 without a length", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		hijack(w, "HTTP/1.0 200 OK\r\nContent-Type: text/xml\r\n\r\n"+string(s.feed))
	}, new: 3, status: "200 OK"},
	{name: "chunked, cut in a chunk", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		cut := bytes.Index(s.feed, []byte("<item>\n\t\t<title>Lighthouse"))
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s", len(s.feed), s.feed[:cut+20]))
	}, new: 2, status: "the body ended early (unexpected EOF)"},
	{name: "chunked, a bad chunk size", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\nzz\r\n", len(s.feed), s.feed))
	}, new: 3, status: "the body ended early (invalid byte in chunk length)"},
	{name: "gzip cut mid-way", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		gz := compress("gzip", s.feed)
		// It ends in the second item, after its link, before its date.
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n%s", len(gz), gz[:len(gz)*3/4]))
	}, new: 1, status: "the body ended early (unexpected EOF)"},
	{name: "raw deflate cut mid-way", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		fl := compress("flate", s.feed)
		// Raw DEFLATE, no zlib header, as IIS and some PHP setups send
		// it; cut as the gzip case above is.
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n%s", len(fl), fl[:len(fl)*3/4]))
	}, new: 1, status: "the body ended early (unexpected EOF)"},
	{name: "zlib deflate cut mid-way", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		zl := compress("zlib", s.feed)
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n%s", len(zl), zl[:len(zl)*3/4]))
	}, new: 1, status: "the body ended early (unexpected EOF)"},
	{name: "raw deflate whole, then the connection cut", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		fl := compress("flate", s.feed)
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\nContent-Length: %d\r\n\r\n%s", len(fl)+10, fl))
	}, new: 3, status: "the body ended early (unexpected EOF)"},
	{name: "cut before the first item", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		hijack(w, fmt.Sprintf("HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s", len(s.feed), s.feed[:200]))
	}, failed: true, status: "the body ended early (unexpected EOF) after 200 bytes, with no whole item before"},
	{name: "served as text/html", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "served as octet-stream", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "served as text/plain", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "no Content-Type", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header()["Content-Type"] = nil
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "header says UTF-8, the document Latin-1", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		doc := strings.Replace(string(s.feed), `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
		doc = strings.Replace(doc, "Ferry timetable", "Caf\xe9 ferry timetable", 1)
		w.Write([]byte(doc))
	}, new: 3, status: "200 OK", check: titled("Café ferry timetable changes for winter")},
	{name: "header says Latin-1, the document UTF-8", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/xml; charset=ISO-8859-1")
		w.Write(bytes.Replace(s.feed, []byte("Ferry timetable"), []byte("Café ferry timetable"), 1))
	}, new: 3, status: "200 OK", check: titled("Café ferry timetable changes for winter")},
	{name: "header says Windows-1251, the declaration UTF-8", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "application/rss+xml; charset=windows-1251")
		w.Write(bytes.Replace(s.feed, []byte("Ferry timetable"), []byte("\xcf\xe0\xf0\xee\xec ferry timetable"), 1))
	}, new: 3, status: "200 OK", check: titled("Паром ferry timetable changes for winter")},
	{name: "header says Latin-1, the declaration Windows-1251", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/xml; charset=ISO-8859-1") // a servlet container's default
		doc := bytes.Replace(s.feed, []byte(`encoding="UTF-8"`), []byte(`encoding="windows-1251"`), 1)
		w.Write(bytes.Replace(doc, []byte("Ferry timetable"), []byte("\xcf\xe0\xf0\xee\xec ferry timetable"), 1))
	}, new: 3, status: "200 OK", check: titled("Паром ferry timetable changes for winter")},
	{name: "UTF-16 with a BOM, header says UTF-8", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "application/xml; charset=utf-8")
		doc := strings.Replace(string(s.feed), `encoding="UTF-8"`, `encoding="UTF-16"`, 1)
		out := []byte{0xff, 0xfe}
		for _, c := range doc {
			out = append(out, byte(c), byte(c>>8))
		}
		w.Write(out)
	}, new: 3, status: "200 OK"},
	{name: "HTML page naming its feed", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><title>Harbour Ledger – News of the harbour town</title>
<link rel="alternate" type="application/rss+xml" title="Harbour Ledger &raquo; Feed" href="%s/feed/" />
<link rel="alternate" type="application/rss+xml" title="Harbour Ledger &raquo; Comments Feed" href="/comments/feed/" />
</head><body><h1>Harbour Ledger</h1></body></html>`, s.base)
	}, failed: true, status: `not a feed: an HTML page ("Harbour Ledger – News of the harbour town"), whose feed is {{BASE}}/feed/ (of 2 it names): list the source under that address`},
	{name: "HTML page naming its feed under its base href", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		fmt.Fprintf(w, `<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="UTF-8"><title>Harbour Ledger</title>
<link rel="alternate" type="application/rss+xml" title="Harbour Ledger &raquo; Feed" href="feed/" />
<base href="%s/ledger/">
</head><body><h1>Harbour Ledger</h1></body></html>`, s.base)
	}, failed: true, status: `not a feed: an HTML page ("Harbour Ledger"), whose feed is {{BASE}}/ledger/feed/: list the source under that address`},
	{name: "HTML page naming its feeds in its body", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Write([]byte(`<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"></head>
<body><svg><title>Menu</title></svg>
<link rel="alternate" type="application/atom+xml" title="News" href="/news/atom.xml">
<link rel="alternate" type="application/rss+xml" title="Sport" href="/sport/rss.xml">
<h1>Harbour Ledger</h1></body></html>`))
	}, failed: true, status: `not a feed: an HTML page, whose feed is {{BASE}}/news/atom.xml (of 2 it names): list the source under that address`},
	{name: "HTML error page", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>\n<head><title>Error establishing a database connection</title></head>\n<body><h1>Error establishing a database connection</h1></body></html>"))
	}, failed: true, status: `not a feed: an HTML page ("Error establishing a database connection") that names no feed`},
	{name: "Cloudflare challenge", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Header().Set("Server", "cloudflare")
		w.Header().Set("Cf-Mitigated", "challenge")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript><script src="/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1"></script></body></html>`))
	}, failed: true, status: "403 Forbidden: blocked by the site's bot protection: Cloudflare's bot challenge"},
	{name: "WAF page, 503", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Server", "cloudflare")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`<!DOCTYPE html><html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have been blocked</h1><span>Cloudflare Ray ID: 8a1b2c3d4e5f6a7b</span></body></html>`))
	}, failed: true, status: "503 Service Unavailable: blocked by the site's bot protection: Cloudflare's firewall"},
	{name: "bot check answered 200", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>Just a moment...</title><meta http-equiv="refresh" content="5"></head><body><div id="challenge-running">Checking your browser before accessing example.com.</div></body></html>`))
	}, failed: true, status: "blocked by the site's bot protection: a bot challenge"},
	{name: "moved permanently", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.URL.Path == "/feed" {
			http.Redirect(w, r, "/new/feed.xml", http.StatusMovedPermanently)
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK; moved permanently to {{BASE}}/new/feed.xml: list the source under that address"},
	{name: "moved permanently, then unchanged", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		switch {
		case r.URL.Path == "/feed":
			http.Redirect(w, r, "/feed.xml", http.StatusMovedPermanently)
		case r.Header.Get("If-None-Match") == `"v1"`:
			w.WriteHeader(http.StatusNotModified)
		default:
			w.Header().Set("ETag", `"v1"`)
			w.Write(s.feed)
		}
	}, new: 3, status: "304 Not Modified; moved permanently to {{BASE}}/feed.xml: list"},
	{name: "permanent redirect, relative, two hops", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		switch r.URL.Path {
		case "/feed":
			w.Header().Set("Location", "feed/")
			w.WriteHeader(http.StatusPermanentRedirect)
		case "/feed/":
			w.Header().Set("Location", "../rss.xml")
			w.WriteHeader(http.StatusMovedPermanently)
		default:
			w.Write(s.feed)
		}
	}, new: 3, status: "200 OK; moved permanently to {{BASE}}/rss.xml: list"},
	{name: "permanent after temporary redirect", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		switch r.URL.Path {
		case "/feed":
			http.Redirect(w, r, "/today", http.StatusFound)
		case "/today":
			http.Redirect(w, r, "/archive/feed.xml", http.StatusMovedPermanently)
		default:
			w.Write(s.feed)
		}
	}, new: 3, status: "200 OK |"},
	{name: "moved to an address that is not found", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.URL.Path == "/feed" {
			http.Redirect(w, r, "/blog/feed/", http.StatusMovedPermanently)
			return
		}
		http.NotFound(w, r)
	}, failed: true, status: "/feed: 404 Not Found (at {{BASE}}/blog/feed/)"},
	{name: "redirect to an address not in ASCII", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.URL.Path == "/feed" {
			w.Header().Set("Location", "/flux/actualités.xml")
			w.WriteHeader(http.StatusFound)
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "temporary redirect", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.URL.Path == "/feed" {
			http.Redirect(w, r, "/today.xml", http.StatusFound)
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "cookie wall", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if _, err := r.Cookie("visitor"); err != nil {
			http.SetCookie(w, &http.Cookie{Name: "visitor", Value: "a1b2c3", Path: "/"})
			http.Redirect(w, r, "/feed", http.StatusFound)
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "cookie wall, the cookie kept by no later fetch", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		// Each cookie says which request set it: the one just before.
		c, err := r.Cookie("visitor")
		switch {
		case err != nil:
			http.SetCookie(w, &http.Cookie{Name: "visitor", Value: fmt.Sprint(s.n), Path: "/"})
			http.Redirect(w, r, "/feed", http.StatusFound)
		case c.Value != fmt.Sprint(s.n-1):
			http.Error(w, "a cookie of an earlier fetch was sent again", http.StatusBadRequest)
		default:
			w.Write(s.feed)
		}
	}, new: 3, status: "200 OK"},
	{name: "redirect loop", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		http.Redirect(w, r, "/feed", http.StatusMovedPermanently)
	}, failed: true, status: "redirects"},
	{name: "gone", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		http.Error(w, "Gone", http.StatusGone)
	}, failed: true, status: "410 Gone: the feed was removed for good; paused until resumed", check: paused},
	{name: "404 then back", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if s.n == 1 {
			http.NotFound(w, r)
			return
		}
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "429 with Retry-After in seconds", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	}, failed: true, status: "429", check: nextAfter(55 * time.Minute)},
	{name: "503 with Retry-After as a date", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Retry-After", time.Now().Add(3*time.Hour).UTC().Format(http.TimeFormat))
		http.Error(w, "Service Unavailable", http.StatusServiceUnavailable)
	}, failed: true, status: "503", check: nextAfter(170 * time.Minute)},
	{name: "weak ETag", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.Header.Get("If-None-Match") == `W/"5f2a-1b"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `W/"5f2a-1b"`)
		w.Write(s.feed)
	}, new: 3, status: "304"},
	{name: "ETag without quotes", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.Header.Get("If-None-Match") == `5f2a1b` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `5f2a1b`)
		w.Write(s.feed)
	}, new: 3, status: "304"},
	{name: "Last-Modified in an odd format", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		const lm = "2026-11-04 08:15:00"
		if r.Header.Get("If-Modified-Since") == lm {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", lm)
		w.Write(s.feed)
	}, new: 3, status: "304"},
	{name: "validators ignored", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("ETag", fmt.Sprintf(`"%d"`, s.n))
		w.Write(s.feed)
	}, new: 3, status: "200 OK"},
	{name: "304 without validators", rounds: 2, serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if s.n > 1 {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v1"`)
		w.Write(s.feed)
	}, new: 3, status: "304"},
	{name: "304 to a request without validators", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.WriteHeader(http.StatusNotModified)
	}, failed: true, status: "304 Not Modified to a request that was not conditional"},
	{name: "200 with an empty body", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.WriteHeader(http.StatusOK)
	}, failed: true, status: "not a feed: the body is empty"},
	{name: "over the size cap, no item whole before it", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Write(s.feed[:bytes.Index(s.feed, []byte("<description>"))+13])
		w.Write(bytes.Repeat([]byte("Words of a very long entry. "), 12000))
	}, failed: true, status: "body exceeds the size cap (262144 bytes) and holds no whole item before it"},
	{name: "sent on to a login page", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		if r.URL.Path == "/feed" {
			http.Redirect(w, r, "/login?next=%2Ffeed", http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Write([]byte(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in – Harbour Ledger</title></head><body><form method="post" action="/login"><input name="user"><input name="password" type="password"><button>Sign in</button></form></body></html>`))
	}, failed: true, status: `/feed: 200 OK (at {{BASE}}/login?next=%2Ffeed): parse feed: not a feed: an HTML page ("Sign in – Harbour Ledger") that names no feed`},
	{name: "asks for a login", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Members"`)
		http.Error(w, "Unauthorized", http.StatusUnauthorized)
	}, failed: true, status: "401 Unauthorized"},
	{name: "stalls after two items", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		second := bytes.Index(s.feed, []byte("</item>")) + 1
		second += bytes.Index(s.feed[second:], []byte("</item>")) + len("</item>")
		w.Write(s.feed[:second+20])
		http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}, new: 2, status: "timed out after 3s) after", check: noValidators},
	{name: "slow to answer", serve: func(w http.ResponseWriter, r *http.Request, s serving) {
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
	}, failed: true, status: "timeout"},
}

func noValidators(t *testing.T, h *hub, feedURL string) {
	if s := h.state(t, feedURL); s.ETag != "" || s.LastModified != "" {
		t.Errorf("validators kept: %q %q", s.ETag, s.LastModified)
	}
}

func paused(t *testing.T, h *hub, feedURL string) {
	if s := h.state(t, feedURL); !s.Paused {
		t.Error("the source is not paused")
	}
}

func titled(title string) func(t *testing.T, h *hub, feedURL string) {
	return func(t *testing.T, h *hub, feedURL string) {
		for _, a := range h.news(t) {
			if a.Title == title {
				return
			}
		}
		t.Errorf("no article titled %q", title)
	}
}

// dated checks that the article of the given title has the date its item
// gives, and its text: an item read only up to a cut in it has neither.
func dated(title, date string) func(t *testing.T, h *hub, feedURL string) {
	return func(t *testing.T, h *hub, feedURL string) {
		for _, a := range h.news(t) {
			if a.Title == title {
				if got := a.PublishedDateTime.Format(time.RFC3339); got != date || a.Excerpt == "" {
					t.Errorf("%q dated %s with excerpt %q, want %s and its text", title, got, a.Excerpt, date)
				}
				return
			}
		}
		t.Errorf("no article titled %q", title)
	}
}

func nextAfter(d time.Duration) func(t *testing.T, h *hub, feedURL string) {
	return func(t *testing.T, h *hub, feedURL string) {
		if s := h.state(t, feedURL); time.Until(s.NextFetch) < d {
			t.Errorf("next fetch in %s, want %s or more", time.Until(s.NextFetch).Round(time.Second), d)
		}
	}
}

// TestWhatServersSend runs the whole ingest path over servers answering
// a feed reader as real servers do: every case ends the source's fetch,
// with the items a lenient reader finds stored, or with a reason.
func TestWhatServersSend(t *testing.T) {
	for _, c := range serverCases {
		t.Run(c.name, func(t *testing.T) {
			var n atomic.Int32
			var base string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(r.URL.Path, "/20") || r.URL.Path == "/robots.txt" {
					http.NotFound(w, r)
					return
				}
				c.serve(w, r, serving{feed: bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)),
					n: int(n.Add(1)), base: base})
			}))
			defer srv.Close()
			base = srv.URL
			feedURL := srv.URL + "/feed"
			h := newHub(t, true, model.Source{URL: feedURL})
			opts := testOptions()
			opts.SkipPages = true
			opts.All = true
			in := h.ingester(opts)
			defer in.Close()
			for range max(c.rounds, 1) {
				if _, err := in.RunOnce(context.Background()); err != nil {
					t.Fatal(err)
				}
			}
			s := h.state(t, feedURL)
			if got := len(h.news(t)); got != c.new {
				t.Errorf("%d articles stored, want %d", got, c.new)
			}
			said := s.LastStatus + " | " + s.LastRead.Malformed
			if want := strings.ReplaceAll(c.status, "{{BASE}}", base); (s.Errors > 0) != c.failed || !strings.Contains(said, want) {
				t.Errorf("the source says %q with %d errors, want it to say %q and failed=%v", said, s.Errors, want, c.failed)
			}
			if c.check != nil {
				c.check(t, h, feedURL)
			}
		})
	}
}

// TestPagesBehindBotProtectionAreCountedAsSuch serves a feed whose
// article pages are behind a bot challenge, answered 403 and 200: the
// items are stored from the feed, and the pages counted as blocked, not
// read (the challenge's title and picture are no article's).
func TestPagesBehindBotProtectionAreCountedAsSuch(t *testing.T) {
	const challenge = `<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta property="og:image" content="/cdn-cgi/images/trace.png"></head><body><noscript>Enable JavaScript and cookies to continue</noscript><script>(function(){window._cf_chl_opt={cType:'managed',cRay:'8e1f2a3b4c5d6e7f'};}());</script></body></html>`
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/feed":
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
		case strings.HasPrefix(r.URL.Path, "/2026/11/harbour"):
			w.Header().Set("Cf-Mitigated", "challenge")
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(challenge))
		case strings.HasPrefix(r.URL.Path, "/2026/11/ferry"):
			w.Header().Set("Content-Type", "text/html; charset=UTF-8")
			w.Write([]byte(challenge))
		case strings.HasPrefix(r.URL.Path, "/2026/"):
			w.Write([]byte(`<html><head><title>Lighthouse reopens after repairs</title></head><body><p>The tower is open.</p></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 3 || sum.Pages[pageBlocked] != 2 || sum.Pages[pageRead] != 1 {
		t.Fatalf("summary %+v: want 3 new, 2 pages blocked and 1 read", sum)
	}
	for _, a := range h.news(t) {
		if a.Title == "Just a moment..." {
			t.Errorf("the challenge's title was taken for %s's", a.OriginalURL)
		}
	}
}

// TestPagesLongerThanTheCapAreCountedAsSuch serves a feed whose first
// article page is longer than the size cap, as it is, compressed, and
// slowly with its length said (which is not waited for): the item is
// stored from the feed, and the page counted as left for its size, not
// as failed.
func TestPagesLongerThanTheCapAreCountedAsSuch(t *testing.T) {
	opts := testOptions()
	var page bytes.Buffer
	page.WriteString(`<!DOCTYPE html><html lang="en"><head><title>Council passes the harbour budget</title></head><body><article>`)
	for page.Len() < 2*int(opts.Fetch.MaxBodySize) {
		page.WriteString("<p>The council passed the budget by seven votes to two, after a debate on the breakwater.</p>\n")
	}
	page.WriteString("</article></body></html>")
	for _, sent := range []string{"plain", "gzip", "slowly, its length said"} {
		t.Run(sent, func(t *testing.T) {
			var base string
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch {
				case r.URL.Path == "/feed":
					w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
				case strings.HasPrefix(r.URL.Path, "/2026/11/harbour") && sent == "gzip":
					w.Header().Set("Content-Type", "text/html; charset=UTF-8")
					w.Header().Set("Content-Encoding", "gzip")
					zw := gzip.NewWriter(w)
					zw.Write(page.Bytes())
					zw.Close()
				case strings.HasPrefix(r.URL.Path, "/2026/11/harbour") && sent != "plain":
					w.Header().Set("Content-Type", "text/html; charset=UTF-8")
					w.Header().Set("Content-Length", strconv.Itoa(page.Len()))
					w.Write(page.Bytes()[:1024])
					http.NewResponseController(w).Flush()
					<-r.Context().Done()
				case strings.HasPrefix(r.URL.Path, "/2026/11/harbour"):
					w.Header().Set("Content-Type", "text/html; charset=UTF-8")
					w.Write(page.Bytes())
				case strings.HasPrefix(r.URL.Path, "/2026/"):
					w.Write([]byte(`<html><head><title>An article of the harbour</title></head><body><p>News.</p></body></html>`))
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			base = srv.URL
			h := newHub(t, true, model.Source{URL: srv.URL + "/feed"})
			in := h.ingester(opts)
			defer in.Close()
			sum, err := in.RunOnce(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if sum.New != 3 || sum.Pages[pageTooLarge] != 1 || sum.Pages[pageRead] != 2 || sum.Pages[pageFailed] != 0 {
				t.Fatalf("summary %+v: want 3 new, 1 page longer than the cap and 2 read", sum)
			}
		})
	}
}

// TestHostAskingToWaitIsLeftAlone serves a feed whose first article page
// answers 429 with a Retry-After of an hour: the other pages of the host
// are not asked for in the round, and are counted as such.
func TestHostAskingToWaitIsLeftAlone(t *testing.T) {
	var base string
	var pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/feed":
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
		case strings.HasPrefix(r.URL.Path, "/2026/"):
			pages.Add(1)
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed"})
	opts := testOptions()
	opts.Fetch.PerHostConcurrency = 1 // one page after the other
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pages.Load() != 1 || sum.New != 3 || sum.Pages[pageFailed] != 1 || sum.Pages[pageHeldOff] != 2 {
		t.Fatalf("%d pages asked for, summary %+v: want 1, and 2 left alone", pages.Load(), sum)
	}
}

// TestHostTimingOutIsNotAskedForMorePages serves a feed whose article
// pages stall (a site whose feed and robots.txt a cache still answers
// while its own server hangs): once one page has timed out, the host's
// other pages are not asked for in the round, each waiting the timeout,
// which held the round, and every other source's new articles, for the
// timeout again for each of them; the items are stored from the feed.
func TestHostTimingOutIsNotAskedForMorePages(t *testing.T) {
	var base string
	var pages atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/feed":
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
		case strings.HasPrefix(r.URL.Path, "/2026/"):
			pages.Add(1)
			<-r.Context().Done()
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed"})
	opts := testOptions()
	opts.Fetch.PerHostConcurrency = 1 // one page after the other
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if pages.Load() != 1 || sum.New != 3 || sum.Pages[pageFailed] != 1 || sum.Pages[pageHostTimedOut] != 2 {
		t.Fatalf("%d pages asked for, summary %+v: want 1, and 2 not asked for", pages.Load(), sum)
	}
	for _, a := range h.news(t) {
		if a.Excerpt == "" {
			t.Errorf("%s stored without its feed's text", a.OriginalURL)
		}
	}
}

// TestPagesOfABusyHostWaitForTheirTurnNoLongerThanTheTimeout serves
// four feeds of one host whose article pages are slow to come: the pages
// queued for the host's turn wait no longer than a fetch may take, and
// once one has, the host's other pages are not asked for in the round;
// the items are stored from their feeds, none of them failed.
func TestPagesOfABusyHostWaitForTheirTurnNoLongerThanTheTimeout(t *testing.T) {
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch section, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/"); {
		case rest == "feed":
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base+"/"+section)))
		case strings.HasPrefix(rest, "2026/"):
			time.Sleep(400 * time.Millisecond)
			w.Write([]byte(`<html><head><title>An article of the harbour</title></head><body><p>News.</p></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	base = srv.URL
	var srcs []model.Source
	for _, section := range []string{"town", "port", "sport", "arts"} {
		srcs = append(srcs, model.Source{URL: srv.URL + "/" + section + "/feed"})
	}
	h := newHub(t, true, srcs...)
	opts := testOptions()
	opts.Fetch.PerHostConcurrency, opts.Fetch.Timeout = 1, time.Second
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 12 || sum.Pages[pageNoTurn] == 0 || sum.Pages[pageFailed] != 0 {
		t.Fatalf("summary %+v: want 12 new, pages left for their host's turn, none failed", sum)
	}
}

// TestHostAskingToWaitIsLeftAloneAfterARestart serves a feed that answers
// 429 with a Retry-After of an hour; the process then starts again (a new
// ingester on the store) and a second feed of the host is listed: it is
// not asked while the wait runs, as the process before would not have
// asked it, nor counted a failure of its own.
func TestHostAskingToWaitIsLeftAloneAfterARestart(t *testing.T) {
	var asked atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		if r.URL.Path == "/politics.xml" {
			w.Header().Set("Retry-After", "3600")
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(serverFeed))
	}))
	defer srv.Close()
	ctx := context.Background()
	h := newHub(t, true, model.Source{URL: srv.URL + "/politics.xml"})
	opts := testOptions()
	opts.SkipPages = true
	first := h.ingester(opts)
	sum, err := first.RunOnce(ctx)
	first.Close()
	if err != nil || sum.Failed != 1 || asked.Load() != 1 {
		t.Fatalf("first round: %d requests, summary %+v, %v; want the feed asked once, failed", asked.Load(), sum, err)
	}
	list, err := sources.Load(ctx, h.st, "")
	if err != nil {
		t.Fatal(err)
	}
	economy := srv.URL + "/economy.xml"
	if err := list.Add(model.Source{URL: economy}); err != nil {
		t.Fatal(err)
	}
	if err := list.Save(ctx, h.st, ""); err != nil {
		t.Fatal(err)
	}
	again := h.ingester(opts)
	defer again.Close()
	if sum, err = again.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	s := h.state(t, economy)
	if asked.Load() != 1 || sum.HeldOff != 1 || s.Errors != 0 || time.Until(s.NextFetch) < 50*time.Minute {
		t.Fatalf("after the restart: %d requests, summary %+v, %s due in %s with %d errors; want it not asked until the hour is over",
			asked.Load(), sum, economy, time.Until(s.NextFetch).Round(time.Minute), s.Errors)
	}
}

// TestHostHeldFurtherOffThanAnyRetryAfterIsAsked stores holds of the
// feed's host that end years or a day past the longest wait a Retry-After
// is taken for, as a process whose clock ran that far ahead would have
// recorded them: no server asked for them, and a round asks the feed
// rather than leave the host alone for years. A hold within that wait is
// kept to.
func TestHostHeldFurtherOffThanAnyRetryAfterIsAsked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		until time.Duration // from now
		asked int32
	}{
		{"ten years", 10 * 365 * 24 * time.Hour, 1},
		{"eight days", 8 * 24 * time.Hour, 1},
		{"six days", 6 * 24 * time.Hour, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var asked atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				asked.Add(1)
				w.Write([]byte(serverFeed))
			}))
			defer srv.Close()
			ctx := context.Background()
			feed := srv.URL + "/politics.xml"
			h := newHub(t, true, model.Source{URL: feed})
			host := strings.TrimPrefix(srv.URL, "http://")
			now := time.Now()
			if err := h.st.PutHostHolds(ctx, map[string]time.Time{host: now.Add(tc.until)}, now); err != nil {
				t.Fatal(err)
			}
			opts := testOptions()
			opts.SkipPages = true
			in := h.ingester(opts)
			defer in.Close()
			sum, err := in.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if asked.Load() != tc.asked || sum.HeldOff != int(1-tc.asked) {
				t.Errorf("held until %s from now: %d requests, %d held off; want %d requests", tc.until, asked.Load(), sum.HeldOff, tc.asked)
			}
		})
	}
}

// TestHostAskingToWaitIsLeftAloneBeforeItsRobotsTxt serves a feed whose
// article pages are on a host that answered 429 with a Retry-After of an
// hour before its robots.txt was read: the pages are counted as left
// alone, as they are once it was read, not as robots.txt unreachable.
func TestHostAskingToWaitIsLeftAloneBeforeItsRobotsTxt(t *testing.T) {
	var asked atomic.Int32
	pagesSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked.Add(1)
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
	}))
	defer pagesSrv.Close()
	feedSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(pagesSrv.URL)))
	}))
	defer feedSrv.Close()
	h := newHub(t, true, model.Source{URL: feedSrv.URL + "/feed"})
	in := h.ingester(testOptions())
	defer in.Close()
	if _, err := in.fetch.Fetch(context.Background(), fetcher.Request{URL: pagesSrv.URL + "/feed"}); fetcher.RetryAfter(err) != time.Hour {
		t.Fatalf("the pages' host: %v, want a 429 asking to wait an hour", err)
	}
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if asked.Load() != 1 || sum.New != 3 || sum.Pages[pageHeldOff] != 3 {
		t.Fatalf("%d requests to the pages' host, summary %+v: want 1, and 3 pages left alone", asked.Load(), sum)
	}
}

// TestFeedAskingToWaitIsAskedOnceTheWaitIsOver serves a feed that answers
// 429 with a Retry-After of 2 s, most of a second after it was asked,
// then its items. Its host is left alone for 2 s from that answer, but the
// feed is due 2 s from when its fetch began: a round then does not send
// the fetch, which is no failure of the source's, so neither its error
// count nor its backoff grows, and the first round after the wait asks.
func TestFeedAskingToWaitIsAskedOnceTheWaitIsOver(t *testing.T) {
	var asked atomic.Int32
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != "/feed":
			http.NotFound(w, r)
		case asked.Add(1) == 1:
			time.Sleep(700 * time.Millisecond)
			w.Header().Set("Retry-After", "2")
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
		default:
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
		}
	}))
	defer srv.Close()
	base = srv.URL
	feedURL := srv.URL + "/feed"
	h := newHub(t, true, model.Source{URL: feedURL})
	opts := testOptions()
	opts.SkipPages = true
	opts.Fetch.MaxRetryWait = 100 * time.Millisecond // 2 s is a wait to schedule
	opts.Policy = scheduler.Policy{Min: time.Second, Default: time.Second}
	in := h.ingester(opts)
	defer in.Close()
	var sum Summary
	round := func(at time.Time) store.SourceState {
		t.Helper()
		time.Sleep(time.Until(at))
		var err error
		if sum, err = in.RunOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
		return h.state(t, feedURL)
	}
	s := round(time.Now())
	if s.Errors != 1 || asked.Load() != 1 || sum.Failed != 1 {
		t.Fatalf("after the 429: %d errors, %d requests, status %q, summary %+v", s.Errors, asked.Load(), s.LastStatus, sum)
	}
	// Due, its host's wait not over: not asked, and no failure.
	if s = round(s.NextFetch); s.Errors != 1 || asked.Load() != 1 || sum.Failed != 0 || sum.HeldOff != 1 {
		t.Fatalf("a round before the wait was over: %d errors, %d requests, next fetch in %s, status %q, summary %+v",
			s.Errors, asked.Load(), time.Until(s.NextFetch).Round(100*time.Millisecond), s.LastStatus, sum)
	}
	if s = round(s.NextFetch); s.Errors != 0 || asked.Load() != 2 || len(h.news(t)) != 3 {
		t.Fatalf("after the wait: %d errors, %d requests, %d articles, status %q", s.Errors, asked.Load(), len(h.news(t)), s.LastStatus)
	}
}

// TestHostAskingToWaitYearsIsAskedAgainWithinAWeek serves two feeds of one
// host, the first answering 429 with a Retry-After given as a date years
// away (a server's clock or template gone wrong): the second feed, not
// asked while the host's wait runs, is due again within the week a
// Retry-After in seconds is held to, as the first is, not years later.
func TestHostAskingToWaitYearsIsAskedAgainWithinAWeek(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/politics.xml" {
			w.Header().Set("Retry-After", time.Now().AddDate(10, 0, 0).UTC().Format(http.TimeFormat))
			http.Error(w, "Too Many Requests", http.StatusTooManyRequests)
			return
		}
		w.Write([]byte(serverFeed))
	}))
	defer srv.Close()
	feedURL := srv.URL + "/economy.xml"
	h := newHub(t, true, model.Source{URL: feedURL})
	in := h.ingester(testOptions())
	defer in.Close()
	if _, err := in.fetch.Fetch(context.Background(), fetcher.Request{URL: srv.URL + "/politics.xml"}); fetcher.RetryAfter(err) > 7*24*time.Hour {
		t.Errorf("the first feed: %v, want a wait of a week at most", err)
	}
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s := h.state(t, feedURL)
	if sum.HeldOff != 1 || time.Until(s.NextFetch) > 8*24*time.Hour {
		t.Fatalf("summary %+v, next fetch %s: want the feed not asked, and due again within a week", sum, s.NextFetch)
	}
}

// TestMovedSourceSaysWhereWithoutItsSecret reads private feeds moved for
// good (a password in the address, which a relative redirect keeps; a
// token in the query, which the new address carries on): the status says
// where each moved, with the secret masked, as the source's errors name
// it, where it held the password and the token for the admin area and
// the status command to show.
func TestMovedSourceSaysWhereWithoutItsSecret(t *testing.T) {
	const password, token = "s3cret-feed-pw", "s3cret-feed-token"
	var base string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/members/feed":
			http.Redirect(w, r, "/members/feed.xml", http.StatusMovedPermanently)
		case "/private/rss":
			http.Redirect(w, r, base+"/private/rss.xml?"+r.URL.RawQuery, http.StatusPermanentRedirect)
		default:
			w.Write(bytes.ReplaceAll([]byte(serverFeed), []byte("{{BASE}}"), []byte(base)))
		}
	}))
	defer srv.Close()
	base = srv.URL
	withPassword := strings.Replace(srv.URL, "http://", "http://reader:"+password+"@", 1) + "/members/feed"
	withToken := srv.URL + "/private/rss?token=" + token
	h := newHub(t, true, model.Source{URL: withPassword}, model.Source{URL: withToken})
	opts := testOptions()
	opts.SkipPages = true
	opts.All = true
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	for feedURL, want := range map[string]string{
		withPassword: "moved permanently to " + strings.Replace(srv.URL, "http://", "http://reader:xxxxx@", 1) + "/members/feed.xml",
		withToken:    "moved permanently to " + srv.URL + "/private/rss.xml?token=xxxxx",
	} {
		s := h.state(t, feedURL)
		if !strings.Contains(s.LastStatus, want) || strings.Contains(s.LastStatus, password) || strings.Contains(s.LastStatus, token) {
			t.Errorf("%s: the source says %q; want it to say %q, and no secret", fetcher.Masked(feedURL), s.LastStatus, want)
		}
	}
}
