package parser

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// voidsFeed returns a feed of items (atom: entries) holding unit over
// and over, about size bytes in all: RSS's in the element named part,
// Atom's in <content type="html">.
func voidsFeed(atom bool, part string, items, size int, unit string) []byte {
	head := `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title><link>https://news.example.com/</link>`
	tail := `</channel></rss>`
	item := `<item><title>Item %d</title><link>https://news.example.com/%d</link><` + part + `>%s</` + part + `></item>`
	if atom {
		head = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>`
		tail = `</feed>`
		item = `<entry><title>Item %d</title><id>urn:item:%[1]d</id><updated>2024-11-05T10:00:00Z</updated><link href="https://news.example.com/%d"/><content type="html">%s</content></entry>`
	}
	body := strings.Repeat(unit, max(1, (size-len(head)-len(tail))/items/len(unit)))
	return []byte(head + repeatItems(items, func(i int) string { return fmt.Sprintf(item, i, i, body) }) + tail)
}

// TestParseVoidElementsLeftOpenCostLittle parses 4 MB feeds of HTML left
// unescaped whose <br>s are not closed: what it allocates is bounded by
// a multiple of the feed's size, about what the same feed written with
// <br/> takes. (Each <br> was nested in the one before: a 16 MB feed
// took 900 MB at its peak.)
func TestParseVoidElementsLeftOpenCostLittle(t *testing.T) {
	for _, tt := range []struct {
		name        string
		atom        bool
		part        string
		items, size int
		unit        string
		// bound is the bytes allocated for each of the feed's at most:
		// the same feed written with <br/> takes 35 (RSS) and 55 (<br>s
		// alone), gofeed's tokens mostly; unclosed, it took 92, 170 and
		// (Atom) 122. Atom's HTML is now read as the string it spells
		// (see wrapHTML), about 11.
		bound float64
	}{
		{"RSS description, one item", false, "description", 1, 4 << 20, "Line<br>", 60},
		{"RSS content:encoded, 200 items", false, "content:encoded", 200, 1 << 19, "Line<br>", 55},
		{"RSS, <br>s alone", false, "description", 1, 1 << 19, "<br>", 100},
		{"Atom content, one entry", true, "", 1, 1 << 19, "Line<br>", 90},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, perByte := parseAllocs(t, voidsFeed(tt.atom, tt.part, tt.items, tt.size, tt.unit))
			if len(f.Items) != tt.items {
				t.Errorf("%d items read, want %d", len(f.Items), tt.items)
			}
			if perByte > tt.bound {
				t.Errorf("%.0f bytes allocated for each byte of the feed, want at most %.0f", perByte, tt.bound)
			}
		})
	}
}

// parseAllocs parses doc and returns its feed and the bytes parsing it
// allocated for each of doc's.
func parseAllocs(t *testing.T, doc []byte) (*Feed, float64) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector's own allocations count in the bound")
	}
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f, err := Parse(doc, "", "https://news.example.com/feed")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	perByte := float64(after.TotalAlloc-before.TotalAlloc) / float64(len(doc))
	t.Logf("%d bytes: %.1f bytes allocated for each", len(doc), perByte)
	return f, perByte
}

// TestParseClosesVoidElementsLeftOpen reads items whose HTML, left
// unescaped, has void elements not closed: each reads as the same item
// written with them closed, and what is not a tag (in a CDATA section,
// in an attribute's value), an element closed by its own end tag and an
// RSS <source> are left as they are.
func TestParseClosesVoidElementsLeftOpen(t *testing.T) {
	const (
		rss  = `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Wire</title><link>https://news.example.com/</link>`
		atom = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>`
		link = `<link>https://news.example.com/1</link>`
	)
	for _, tt := range []struct {
		name, head, open, closed string
		note                     string // what Malformed says; "" for a feed read as well-formed
		keeps                    string // text the item's summary or content keeps as written
	}{
		{"<br>", rss, `<item><title>A</title>` + link + `<description>One<br>Two</description></item>`,
			`<item><title>A</title>` + link + `<description>One<br/>Two</description></item>`, "<br> not closed", ""},
		{"<BR>", rss, `<item><title>A</title>` + link + `<description>One<BR>Two</description></item>`,
			`<item><title>A</title>` + link + `<description>One<BR/>Two</description></item>`, "<BR> not closed", ""},
		{"<br >", rss, `<item><title>A</title>` + link + `<description>One<br >Two</description></item>`,
			`<item><title>A</title>` + link + `<description>One<br />Two</description></item>`, "<br> not closed", ""},
		{"<img>", rss, `<item><title>A</title>` + link + `<content:encoded><p>One</p><img src="https://news.example.com/a.png" alt="A"><p>Two</p></content:encoded></item>`,
			`<item><title>A</title>` + link + `<content:encoded><p>One</p><img src="https://news.example.com/a.png" alt="A"/><p>Two</p></content:encoded></item>`, "<img> not closed", ""},
		{"<img> of an unquoted value", rss, `<item><title>A</title>` + link + `<description>One<img src=a.png>Two</description></item>`,
			`<item><title>A</title>` + link + `<description>One<img src="a.png"/>Two</description></item>`, "not quoted", ""},
		{"<hr> in a paragraph", rss, `<item><title>A</title>` + link + `<description><p>One<br>Two<hr></p>Three</description></item>`,
			`<item><title>A</title>` + link + `<description><p>One<br/>Two<hr/></p>Three</description></item>`, "<br> not closed", ""},
		{"<br> in a description left open", rss, `<item><title>A</title><description>One<br>Two` + link + `</item>`,
			`<item><title>A</title><description>One<br/>Two</description>` + link + `</item>`, "<br> not closed", ""},
		{"<br> in the item", rss, `<item><title>A</title><br>` + link + `<description>One</description></item>`,
			`<item><title>A</title><br/>` + link + `<description>One</description></item>`, "<br> not closed", ""},
		{"<br> in a CDATA section", rss, `<item><title>A</title>` + link + `<description><![CDATA[One<br>Two]]></description></item>`,
			"", "", "One<br>Two"},
		{"<br> in an attribute's value", rss, `<item><title>A</title>` + link + `<description>One<img alt="<br>" src="a.png"/>Two</description></item>`,
			`<item><title>A</title>` + link + `<description>One<img alt="&lt;br>" src="a.png"/>Two</description></item>`, "in an attribute value", ""},
		{"<br></br>", rss, `<item><title>A</title>` + link + `<description>One<br></br>Two</description></item>`,
			"", "", ""},
		{"RSS <source>", rss, `<item><title>A</title>` + link + `<source url="https://paper.example/feed">The Paper</source><description>One<br>Two</description></item>`,
			`<item><title>A</title>` + link + `<source url="https://paper.example/feed">The Paper</source><description>One<br/>Two</description></item>`, "<br> not closed", ""},
		// Atom's HTML of type "html" left unescaped reads as escaped
		// (see wrapHTML), as written.
		{"Atom", atom, `<entry><title>A</title><id>1</id><link href="https://news.example.com/1"/><content type="html">One<br>Two<img src="https://news.example.com/a.png"></content></entry>`,
			`<entry><title>A</title><id>1</id><link href="https://news.example.com/1"/><content type="html">One&lt;br&gt;Two&lt;img src="https://news.example.com/a.png"&gt;</content></entry>`, "HTML not escaped", ""},
		{"a real-shaped feed", rss, `<item><title>Council votes on the budget</title><link>https://news.example.com/2024/11/budget</link><pubDate>Tue, 05 Nov 2024 10:00:00 +0000</pubDate>` +
			`<description>The council voted 5-2.<br>Read more<br></description>` +
			`<content:encoded><p><img class="wp-image-12" src="https://news.example.com/wp-content/uploads/budget.jpg" width="640" height="360"></p><p>The council voted 5-2 on Tuesday.<br>The budget grows by 3%.<br><br>Next: the schools.</p><hr><p>Source: minutes</p></content:encoded></item>` +
			`<item><title>Ferry fares rise</title><link>https://news.example.com/2024/11/ferry</link><description>Fares rise in <b>January</b>.<br>Passes too.</description></item>`,
			`<item><title>Council votes on the budget</title><link>https://news.example.com/2024/11/budget</link><pubDate>Tue, 05 Nov 2024 10:00:00 +0000</pubDate>` +
				`<description>The council voted 5-2.<br/>Read more<br/></description>` +
				`<content:encoded><p><img class="wp-image-12" src="https://news.example.com/wp-content/uploads/budget.jpg" width="640" height="360"/></p><p>The council voted 5-2 on Tuesday.<br/>The budget grows by 3%.<br/><br/>Next: the schools.</p><hr/><p>Source: minutes</p></content:encoded></item>` +
				`<item><title>Ferry fares rise</title><link>https://news.example.com/2024/11/ferry</link><description>Fares rise in <b>January</b>.<br/>Passes too.</description></item>`,
			"<br> not closed", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tail := "</channel></rss>"
			if tt.head == atom {
				tail = "</feed>"
			}
			got, err := Parse([]byte(tt.head+tt.open+tail), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case tt.note == "" && got.Malformed != "":
				t.Errorf("read as malformed: %s", got.Malformed)
			case tt.note != "" && !strings.Contains(got.Malformed, tt.note):
				t.Errorf("the feed says %q, want it to say %q", got.Malformed, tt.note)
			}
			if tt.keeps != "" && !strings.Contains(got.Items[0].Summary+got.Items[0].Content, tt.keeps) {
				t.Errorf("summary %q, content %q: want %q kept", got.Items[0].Summary, got.Items[0].Content, tt.keeps)
			}
			if tt.closed == "" {
				return
			}
			want, err := Parse([]byte(tt.head+tt.closed+tail), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Items) != len(want.Items) {
				t.Fatalf("%d items read, want %d", len(got.Items), len(want.Items))
			}
			for i := range want.Items {
				g, w := got.Items[i], want.Items[i]
				g.Images, w.Images = nil, nil
				if fmt.Sprint(g) != fmt.Sprint(w) {
					t.Errorf("item %d:\n got %+v\nwant %+v", i, g, w)
				}
				if len(got.Items[i].Images) != len(want.Items[i].Images) {
					t.Errorf("item %d: images %v, want %v", i, got.Items[i].Images, want.Items[i].Images)
				}
			}
		})
	}
}
