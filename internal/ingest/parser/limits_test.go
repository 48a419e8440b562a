package parser

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// repeatItems returns n items written by item, each given its number.
func repeatItems(n int, item func(i int) string) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(item(i))
	}
	return b.String()
}

// TestParseReadsTheFirstMaxItems gives feeds five items more than
// MaxItems, in each format, one of them empty ones: the first MaxItems
// are read, and the feed's note counts the others. (Read whole, a feed of
// two million empty items, 16 MB, took the parsers 2 to 5 GB.)
func TestParseReadsTheFirstMaxItems(t *testing.T) {
	const n = MaxItems + 5
	tests := []struct{ name, doc string }{
		{"RSS", `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>` +
			repeatItems(n, func(i int) string {
				return fmt.Sprintf("<item><title>Item %d</title><link>https://news.example.com/%d</link></item>\n", i, i)
			}) + `</channel></rss>`},
		{"RSS, empty items", `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>` +
			strings.Repeat("<item/>", n) + `</channel></rss>`},
		{"Atom", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title>` +
			repeatItems(n, func(i int) string {
				return fmt.Sprintf(`<entry><title>Item %d</title><link href="https://news.example.com/%d"/></entry>`+"\n", i, i)
			}) + `</feed>`},
		{"JSON Feed", `{"version":"https://jsonfeed.org/version/1.1","title":"Wire","items":[` +
			strings.TrimSuffix(repeatItems(n, func(i int) string {
				return fmt.Sprintf(`{"id":"%d","title":"Item %d","url":"https://news.example.com/%d"},`, i, i, i)
			}), ",") + `]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.doc), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != MaxItems {
				t.Errorf("%d items read, want %d", len(f.Items), MaxItems)
			}
			if want := fmt.Sprintf("more than %d items: the 5 after them not read", MaxItems); !strings.Contains(f.Malformed, want) {
				t.Errorf("the feed says %q, want it to say %q", f.Malformed, want)
			}
			if last := f.Items[len(f.Items)-1]; !strings.HasPrefix(tt.name, "RSS, empty") && last.Title != fmt.Sprintf("Item %d", MaxItems-1) {
				t.Errorf("last item read %q", last.Title)
			}
		})
	}
}

// TestParseRefusesElementsNestedTooDeep nests elements in an item's
// description past maxDepth, and just short of it: the first is the
// feed's error, naming the line; the second reads. (Nested 5 million deep,
// 16 MB, it took the parsers 2.4 GB and 27 s.)
func TestParseRefusesElementsNestedTooDeep(t *testing.T) {
	for _, tt := range []struct {
		depth int
		voids int // unclosed <br>s before the nesting, as HTML left unescaped has them
		err   string
	}{
		{maxDepth - 10, 0, ""},
		{maxDepth - 10, 3 * maxDepth, ""}, // a <br> nests nothing
		{maxDepth, 0, fmt.Sprintf("elements nested more than %d deep (line 3)", maxDepth)},
		{20 * maxDepth, 0, fmt.Sprintf("elements nested more than %d deep (line 3)", maxDepth)},
	} {
		t.Run(fmt.Sprint(tt.depth, "+", tt.voids), func(t *testing.T) {
			doc := "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Wire</title>\n" +
				"<item><title>Deep</title><link>https://news.example.com/1</link><description>" +
				strings.Repeat("line<br>", tt.voids) + strings.Repeat("<div>", tt.depth) + "text" + strings.Repeat("</div>", tt.depth) +
				"</description></item></channel></rss>"
			f, err := Parse([]byte(doc), "", "https://news.example.com/feed")
			switch {
			case tt.err == "" && err != nil:
				t.Fatal(err)
			case tt.err == "" && len(f.Items) != 1:
				t.Errorf("%d items read", len(f.Items))
			case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
				t.Errorf("error %v, want one saying %q", err, tt.err)
			}
		})
	}
}

// TestPageNamingManyFeeds reads a page served for a feed that names
// 40,000 feeds, each twice, and its own address: each is counted once,
// the page's own not at all. (Each compared with those found before, a
// page of 16 MB naming 280,000 took minutes.)
func TestPageNamingManyFeeds(t *testing.T) {
	const n = 40000
	doc := `<html><head><title>Wire</title><link rel="alternate" type="application/rss+xml" href="/feed">` +
		repeatItems(2*n, func(i int) string {
			return fmt.Sprintf(`<link rel="alternate" type="application/rss+xml" href="/feeds/%d">`, i%n)
		}) + `</head><body></body></html>`
	base, err := url.Parse("https://news.example.com/feed")
	if err != nil {
		t.Fatal(err)
	}
	got := pageNotFeed([]byte(doc), base)
	if want := fmt.Sprintf(`an HTML page ("Wire"), whose feed is https://news.example.com/feeds/0 (of %d it names)`, n); !strings.HasPrefix(got, want) {
		t.Errorf("page read as %q, want %q", got, want)
	}
}

// TestJoinSurrogatesAfterManyUnendedRefs gives joinSurrogates a text of
// 3 MB of numeric references without their ";" and then a surrogate
// pair: the pair is joined, the rest kept. (Each "&#" had the rest of
// the text searched for a ";": an item's description of 1 MB so took
// 8 s, this one minutes.)
func TestJoinSurrogatesAfterManyUnendedRefs(t *testing.T) {
	junk := strings.Repeat("&#1234", 500000)
	if got, want := joinSurrogates(junk+"&#55357;&#56832;"), junk+"&#x1F600;"; got != want {
		t.Errorf("joinSurrogates gave %d bytes ending %q, want %d ending %q", len(got), got[max(0, len(got)-20):], len(want), want[len(want)-20:])
	}
}

// TestParseManyRelAttributes gives an item, beside its page, a <link> to
// the feed with 40,000 rel="self" attributes, and a description that
// speaks of 100,000 of them in its text: the item's page is its link.
// (Each rel had the tag, or the text back to its last tag, read again:
// the tag took 100 s, a text of 2 MB more than 10 minutes.)
func TestParseManyRelAttributes(t *testing.T) {
	for _, tt := range []struct{ name, link, description string }{
		{"in a tag", `<link>https://news.example.com/1</link><link` + strings.Repeat(` rel="self"`, 40000) + ` href="https://news.example.com/feed"/>`, "Text"},
		{"in text", `<link>https://news.example.com/1</link>`, strings.Repeat(` rel="self"`, 100000)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			doc := `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><item><title>A</title>` + tt.link +
				`<description>` + tt.description + `</description></item></channel></rss>`
			f, err := Parse([]byte(doc), "", "https://news.example.com/feed")
			if err != nil {
				t.Fatal(err)
			}
			if links := itemLinks(f); len(links) != 1 || links[0] != "https://news.example.com/1" {
				t.Errorf("links %q, want the item's page", links)
			}
		})
	}
}

// TestParseDateRefusesLongText gives ParseDate texts of a megabyte, one
// of them a date followed by a word that long: each is refused, counted,
// and quoted by its first characters only. (Each form tried read the
// text whole: a second a megabyte, the error quoting it all, and the
// date before the word was read as one.)
func TestParseDateRefusesLongText(t *testing.T) {
	const n = 1 << 20
	for _, s := range []string{
		strings.Repeat("1", n),
		"Tue, 05 Nov 2024 10:00:00 " + strings.Repeat("a", n-26),
	} {
		t.Run(s[:8], func(t *testing.T) {
			got, err := ParseDate(s)
			if err == nil {
				t.Fatalf("read as %v", got)
			}
			if want := fmt.Sprintf("%d bytes, more than the %d a date may have (%q)", n, maxDateLen, s[:39]+"…"); !strings.Contains(err.Error(), want) {
				t.Errorf("error of %d bytes %.200q, want one saying %q", len(err.Error()), err, want)
			}
		})
	}
}
