package parser

import (
	"cmp"
	"fmt"
	"html"
	"strings"
	"testing"
)

// TestParseAtomHTMLLeftUnescaped reads Atom feeds whose texts of type
// "html" hold their HTML as elements, left unescaped, and the same feeds
// with it escaped as RFC 4287 has it: each reads as the escaped one, its
// HTML as written, and the feed says so once. XHTML in its <div> reads
// as the same HTML escaped, and is no fault.
func TestParseAtomHTMLLeftUnescaped(t *testing.T) {
	const head = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>`
	// entry is an entry whose content is %s, its HTML.
	const entry = `<entry><title>A</title><id>urn:a</id><updated>2024-11-05T10:00:00Z</updated><link href="https://news.example.com/a"/><content type="html">%s</content></entry>`
	const xhtml = `<entry><title>A</title><id>urn:a</id><updated>2024-11-05T10:00:00Z</updated><link href="https://news.example.com/a"/><content type="xhtml">%s</content></entry>`
	for _, tt := range []struct {
		name string
		doc  string // %s is where each HTML goes
		html []string
		// escaped is the document the HTML goes in escaped when not
		// doc, which then holds XHTML: no fault.
		escaped string
	}{
		{"nested markup", head + entry + `</feed>`,
			[]string{`<div><p>One <b>two <i>three</i></b></p><ul><li>a</li><li>b</li></ul></div>`}, ""},
		{"entities", head + entry + `</feed>`,
			[]string{`<p>Caf&#233; &amp; bar&nbsp;&#x2019;s &lt;tag&gt; &quot;q&quot;</p>`}, ""},
		{"a bare &", head + entry + `</feed>`,
			[]string{`<p>Fish & chips, <a href="https://news.example.com/?a=1&b=2">here</a></p>`}, ""},
		{`"]]>"`, head + entry + `</feed>`,
			[]string{`<p>a]]>b</p><pre>x[[y]]]>z]]</pre>`}, ""},
		{`">" in a quoted attribute`, head + entry + `</feed>`,
			[]string{`<p><a href="https://news.example.com/?q=a>b" title='1 > 0'>link</a></p>`}, ""},
		{"CDATA inside", head + entry + `</feed>`,
			[]string{"<p>Intro</p><script>//<![CDATA[\nvar a = 1 < 2 && b;\n//]]></script><p><![CDATA[x]]></p>"}, ""},
		{"elements left open", head + entry + `</feed>`,
			[]string{`<p>One<br>Two<img src="https://news.example.com/a.png"><p>Three`}, ""},
		{"summary, title, subtitle and rights, type in capitals", head +
			`<subtitle type="html">%s</subtitle><rights type="HTML">%s</rights>` +
			`<entry><title type="html">%s</title><id>urn:a</id><updated>2024-11-05T10:00:00Z</updated><link href="https://news.example.com/a"/><summary type="html">%s</summary></entry></feed>`,
			[]string{`The <em>county</em>'s news`, `&#169; <a href="https://news.example.com/">Wire</a>`,
				`Council <em>votes</em> 5&#8211;2`, `<p>The council voted.<br>Read more</p>`}, ""},
		{"a real-shaped feed", head + `<link href="https://news.example.com/"/><updated>2024-11-05T10:00:00Z</updated>` +
			`<entry><title type="html">Council votes on the budget</title><id>tag:news.example.com,2024:1</id><updated>2024-11-05T10:00:00Z</updated>` +
			`<link rel="alternate" type="text/html" href="https://news.example.com/2024/11/budget"/><author><name>Ann Lee</name></author>` +
			`<summary type="html">%s</summary><content type="html" xml:lang="en">%s</content></entry>` +
			`<entry><title>Ferry fares rise</title><id>tag:news.example.com,2024:2</id><updated>2024-11-04T10:00:00Z</updated>` +
			`<link href="https://news.example.com/2024/11/ferry"/><content type="html">%s</content></entry></feed>`,
			[]string{`The council voted 5-2.<br>Read more`,
				"\n<p><img class=\"wp-image-12\" src=\"https://news.example.com/wp-content/uploads/budget.jpg\" width=\"640\" height=\"360\" alt=\"The council &amp; the mayor\"></p>\n" +
					`<p>The council voted 5-2 on Tuesday.<br>The budget grows by 3%.<br><br>Next: <a href="/2024/11/schools">the schools</a>.</p><hr><p>Source: minutes</p>` + "\n",
				`<div class="entry"><p>Fares rise in <b>January</b>.</p></div>`}, ""},
		{"XHTML", head + fmt.Sprintf(xhtml, `<div xmlns="http://www.w3.org/1999/xhtml">%s</div>`) + `</feed>`,
			[]string{`<p>One <b>two</b> &amp; <a href="https://news.example.com/?a=1&amp;b=2">three</a><br/></p><p><![CDATA[x]]></p>`},
			head + entry + `</feed>`},
		{"XHTML, no <div>", head + xhtml + `</feed>`,
			[]string{`<p>One</p><p>Two</p>`}, head + entry + `</feed>`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, escaped := make([]any, len(tt.html)), make([]any, len(tt.html))
			for i, h := range tt.html {
				raw[i], escaped[i] = h, html.EscapeString(h)
			}
			got, err := Parse(fmt.Appendf(nil, tt.doc, raw...), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			want, err := Parse(fmt.Appendf(nil, cmp.Or(tt.escaped, tt.doc), escaped...), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			if want.Malformed != "" {
				t.Fatalf("the escaped feed read as malformed: %s", want.Malformed)
			}
			switch n := strings.Count(got.Malformed, "HTML not escaped"); {
			case tt.escaped != "" && got.Malformed != "":
				t.Errorf("read as malformed: %s", got.Malformed)
			case tt.escaped == "" && (n != 1 || len(got.Unreadable) > 0):
				t.Errorf("the feed says %q, unreadable %v: want it to say once that its HTML was not escaped", got.Malformed, got.Unreadable)
			}
			if got.Title != want.Title || len(got.Items) != len(want.Items) {
				t.Fatalf("feed %q of %d items, want %q of %d", got.Title, len(got.Items), want.Title, len(want.Items))
			}
			for i := range want.Items {
				if g, w := fmt.Sprintf("%+v", got.Items[i]), fmt.Sprintf("%+v", want.Items[i]); g != w {
					t.Errorf("item %d:\n got %s\nwant %s", i, g, w)
				}
			}
		})
	}
}

// TestParseAtomHTMLLeftUnescapedCostsLittle parses Atom feeds whose HTML
// is left unescaped in <content type="html">: what it allocates is
// bounded by a multiple of the feed's size, about what the same feed
// with its HTML escaped takes. (gofeed parsed such HTML into a tree:
// a 16 MB feed took 376 MB at its peak.)
func TestParseAtomHTMLLeftUnescapedCostsLittle(t *testing.T) {
	const unit = `<p><b>A</b> <i>b</i> <span class="x">c</span></p>`
	for _, tt := range []struct {
		name        string
		items, size int
	}{
		{"one entry", 1, 4 << 20},
		{"200 entries", 200, 1 << 20},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, perByte := parseAllocs(t, voidsFeed(true, "", tt.items, tt.size, unit))
			if len(f.Items) != tt.items || !strings.HasPrefix(f.Items[0].Content, unit+unit) {
				t.Fatalf("%d items read, the first's content starting %.60q", len(f.Items), f.Items[0].Content)
			}
			// Escaped, the feed takes 11 for each byte, in a CDATA
			// section 7; unescaped, it took 47.
			if perByte > 15 {
				t.Errorf("%.0f bytes allocated for each byte of the feed, want at most 15", perByte)
			}
		})
	}
}
