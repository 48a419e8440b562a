package parser

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPlainTextSanitizesAndNormalizes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>Polls close at <b>7 p.m.</b></p>\n\n   in six states.", "Polls close at 7 p.m. in six states."},
		{`<script>alert("x")</script>Safe &amp; sound`, "Safe & sound"},
		{"AT&amp;T and &lt;b&gt;", "AT&T and <b>"},
		{"  plain\u00a0text\t\r\n", "plain text"},
		{`<img src=x onerror=alert(1)>caption`, "caption"},
		{"", ""},
		// Paragraphs, line breaks and other blocks end a word where the
		// markup has no white space between them; inline markup does not.
		{"<p>Precinct 4 has reported.</p><p>Turnout was 61 percent.</p>", "Precinct 4 has reported. Turnout was 61 percent."},
		{"Ward 3<br>Ward 4<br/>Ward 5<BR />Ward 6", "Ward 3 Ward 4 Ward 5 Ward 6"},
		{"<div><cite>Harbor Gazette</cite></div><div>DOI: 10.5555/hg.2024.113</div>", "Harbor Gazette DOI: 10.5555/hg.2024.113"},
		{"<ul><li>Ward 1</li><li>Ward 2</li></ul><h2>Totals</h2><table><tr><td>61</td><td>39</td></tr></table>", "Ward 1 Ward 2 Totals 61 39"},
		{"<details><summary>Totals</summary>Ward 3 leads.</details>", "Totals Ward 3 leads."},
		{"<b>Pre</b>cinct <a href=\"https://example.com/\">maps</a><span>,</span> <em>re</em>drawn", "Precinct maps, redrawn"},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTruncateCutsAtWordBoundary(t *testing.T) {
	long := strings.Repeat("word ", 100)
	got := Truncate(NormalizeSpace(long), 50)
	if !strings.HasSuffix(got, " ...") || utf8.RuneCountInString(got) > 54 {
		t.Fatalf("Truncate = %q", got)
	}
	if strings.Contains(strings.TrimSuffix(got, " ..."), "wor ") || strings.HasSuffix(strings.TrimSuffix(got, " ..."), "wor") {
		t.Fatalf("cut inside a word: %q", got)
	}
	if Truncate("short", 50) != "short" {
		t.Fatal("short text changed")
	}
	if got := Truncate(strings.Repeat("é", 60), 10); got != strings.Repeat("é", 10)+" ..." {
		t.Fatalf("rune cut = %q", got)
	}
}

// TestExcerptDropsAReferenceCutAtTheEnd reads excerpts their publisher
// cut in the middle of a character reference: the reference is dropped,
// where "&#823" of "&#8230;" read as U+0337, a stroke over the last
// letter, and "&amp" as "&"; a name HTML does not read without its ";"
// ("R&D", "AT&T") stays text.
func TestExcerptDropsAReferenceCutAtTheEnd(t *testing.T) {
	f := parseFixture(t, "cut-references.xml", "application/rss+xml", "https://www.riverside-gazette.example/feed")
	want := []struct{ title, excerpt string }{
		{"Bridge repairs to start in spring", "The council said it\u2019s time to act on the old bridge, and that the work"},
		{"Union leaders meet the mayor", "Union leaders met the mayor and the city\u2019s transport board"},
		{"Exporters report a record quarter", "Exports rose by a fifth, the chamber"},
		{"Lab opens a new wing", "The wing adds room for 40 more researchers in R&D"},
		{"Telecoms merger cleared", "Regulators cleared the deal between AT&T"},
		{"It\u2019s a record year for the harbour", "It\u2019s a record year for the harbour"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items; want %d", len(f.Items), len(want))
	}
	for i, it := range f.Items {
		if it.Title != want[i].title {
			t.Errorf("item %d: title %q; want %q", i, it.Title, want[i].title)
		}
		if got := Excerpt(it.Summary, 200); got != want[i].excerpt {
			t.Errorf("item %d: excerpt %q; want %q", i, got, want[i].excerpt)
		}
	}
}
