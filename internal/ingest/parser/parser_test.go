package parser

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func parseFixture(t *testing.T, name, contentType, feedURL string) *Feed {
	t.Helper()
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse(body, contentType, feedURL)
	if err != nil {
		t.Fatalf("Parse(%s): %v", name, err)
	}
	return f
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		file, feedURL  string
		typ, title     string
		items          int
		firstTitle     string
		firstLink      string
		firstPublished string
	}{
		{"rss091.xml", "https://old.example.com/rss", "rss", "Old Times", 2, "Senate passes the budget", "https://old.example.com/2024/senate-budget.html", ""},
		{"rss10.rdf", "https://rdf.example.org/feed", "rss", "RDF News", 2, "First RDF story", "https://rdf.example.org/a", "2024-03-01T10:00:00Z"},
		{"rss20.xml", "https://news.example.com/feed", "rss", "Daily Example", 3, "Election night: what to watch", "https://news.example.com/politics/election-night?utm_source=rss", "2024-11-05T18:00:00Z"},
		{"atom03.xml", "https://atom03.example.net/atom", "atom", "Atom Zero Three", 1, "An Atom 0.3 entry", "https://atom03.example.net/entry-1", "2024-02-01T12:00:00Z"},
		{"atom10.xml", "https://atom.example.org/feed", "atom", "Atom One", 1, "Debate <recap>", "https://atom.example.org/blog/posts/debate-recap", "2024-04-01T08:00:00Z"},
		{"jsonfeed10.json", "https://json.example.com/feed.json", "json", "JSON One", 1, "JSON item one", "https://json.example.com/one", "2024-05-01T10:00:00Z"},
		{"jsonfeed11.json", "https://json11.example.com/feed.json", "json", "JSON One One", 1, "JSON 1.1 item", "https://json11.example.com/relative-item", "2024-05-02T14:00:00Z"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseFixture(t, tt.file, "", tt.feedURL)
			if f.Type != tt.typ || f.Title != tt.title || len(f.Items) != tt.items {
				t.Fatalf("got type %q title %q with %d items", f.Type, f.Title, len(f.Items))
			}
			it := f.Items[0]
			if it.Title != tt.firstTitle || it.Link != tt.firstLink {
				t.Fatalf("first item %q <%s>", it.Title, it.Link)
			}
			var pub string
			if !it.Published.IsZero() {
				pub = it.Published.Format(time.RFC3339)
			}
			if pub != tt.firstPublished {
				t.Fatalf("published %q, want %q", pub, tt.firstPublished)
			}
		})
	}
}

func TestParseResolvesRelativeLinks(t *testing.T) {
	f := parseFixture(t, "rss091.xml", "", "https://old.example.com/rss")
	if got := f.Items[1].Link; got != "https://old.example.com/2024/governor-bill.html" {
		t.Fatalf("relative link resolved to %q", got)
	}
	f = parseFixture(t, "rss20.xml", "", "https://news.example.com/feed")
	it := f.Items[1]
	if it.Link != "https://news.example.com/politics/relative-story" {
		t.Fatalf("link %q", it.Link)
	}
	// The content image is relative to the item's page.
	var found bool
	for _, im := range it.Images {
		if im.URL == "https://news.example.com/images/rel.png" && im.Width == 640 && im.Height == 360 {
			found = true
		}
	}
	if !found {
		t.Fatalf("relative content image not resolved: %+v", it.Images)
	}
}

// TestParseKeepsAFeedsPasswordOutOfItsLinks reads feeds of every format
// with relative links (the site's, items', pictures' and attachments')
// from a private feed's address, which holds a user name and password:
// resolved against it, each link carried them, and the hub published them
// with the records.
func TestParseKeepsAFeedsPasswordOutOfItsLinks(t *testing.T) {
	const feedURL = "https://reader:s3cret@private.example/feeds/all?token=t0k"
	for _, tt := range []struct {
		name, doc, link string
	}{
		{"rss", `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>/</link>
<item><title>One</title><link>/posts/1</link><description>&lt;img src="/i/1.jpg"&gt;</description><enclosure url="/a/1.mp3" type="audio/mpeg"/></item></channel></rss>`,
			"https://private.example/posts/1"},
		{"atom", `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><link href="/"/>
<entry><title>One</title><id>urn:1</id><link href="../posts/1"/><content type="html">&lt;img src="/i/1.jpg"&gt;</content></entry></feed>`,
			"https://private.example/posts/1"},
		{"json", `{"version":"https://jsonfeed.org/version/1.1","title":"T","home_page_url":"/","items":[
{"id":"1","url":"/posts/1","title":"One","image":"/i/1.jpg","attachments":[{"url":"/a/1.mp3","mime_type":"audio/mpeg"}]}]}`,
			"https://private.example/posts/1"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.doc), "", feedURL)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.Items) != 1 || f.Items[0].Link != tt.link {
				t.Fatalf("items %+v, want one linking to %s", f.Items, tt.link)
			}
			if got := fmt.Sprintf("%+v", f); strings.Contains(got, "s3cret") || strings.Contains(got, "reader@") {
				t.Errorf("the feed's user information is in what it gave: %s", got)
			}
		})
	}
}

func TestParseCollectsImages(t *testing.T) {
	f := parseFixture(t, "rss20.xml", "", "https://news.example.com/feed")
	want := [][]string{
		{"https://img.example.com/big1.jpg 1200x800", "https://img.example.com/thumb1.jpg 150x100"},
		{"https://img.example.com/enc.jpg 0x0", "https://news.example.com/images/rel.png 640x360"},
		{"https://img.example.com/g1.jpg 800x600", "https://img.example.com/inline.gif 0x0"},
	}
	for i, it := range f.Items {
		var got []string
		for _, im := range it.Images {
			got = append(got, im.URL+" "+itoa(im.Width)+"x"+itoa(im.Height))
		}
		if strings.Join(got, ",") != strings.Join(want[i], ",") {
			t.Errorf("item %d images %v, want %v", i, got, want[i])
		}
	}
	j := parseFixture(t, "jsonfeed10.json", "", "https://json.example.com/feed.json")
	if len(j.Items[0].Images) != 1 || j.Items[0].Images[0].URL != "https://json.example.com/one.jpg" {
		t.Fatalf("JSON feed image: %+v", j.Items[0].Images)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestParseTakesUntypedImageEnclosuresAsPictures checks enclosures
// written without the type RSS requires (and attachments without the
// mime_type JSON Feed requires), as gallery plugins write them: a
// picture's address makes it a picture of its item (and the link of an
// item with no other, as a typed one is), anything else the item's media.
func TestParseTakesUntypedImageEnclosuresAsPictures(t *testing.T) {
	f := parseFixture(t, "untyped-enclosures.xml", "", "https://ridgefieldgazette.example/photos/feed")
	tests := []struct{ link, image, media string }{
		{"https://ridgefieldgazette.example/photos/fire-hall-queue", "https://ridgefieldgazette.example/uploads/fire-hall-queue.jpg", ""},
		{"https://ridgefieldgazette.example/uploads/gym-count.PNG?w=1200", "https://ridgefieldgazette.example/uploads/gym-count.PNG?w=1200", ""},
		{"https://ridgefieldgazette.example/photos/clerk-update", "", "https://ridgefieldgazette.example/uploads/clerk-update.mp3"},
	}
	if len(f.Items) != len(tests) {
		t.Fatalf("%d items, want %d", len(f.Items), len(tests))
	}
	for i, tt := range tests {
		it := f.Items[i]
		var image string
		if len(it.Images) > 0 {
			image = it.Images[0].URL
		}
		if it.Link != tt.link || image != tt.image || strings.Join(it.Enclosures, " ") != tt.media {
			t.Errorf("item %d: link %q, picture %q, media %q; want %q, %q, %q", i+1, it.Link, image, it.Enclosures, tt.link, tt.image, tt.media)
		}
	}
	// A JSON Feed's attachments without their mime_type, likewise.
	j := parseFixture(t, "untyped-attachments.json", "", "https://ridgefieldgazette.example/photos/feed.json")
	if len(j.Items) != 2 || len(j.Items[0].Images) != 1 || len(j.Items[0].Enclosures) != 0 || j.Items[0].Link != "https://ridgefieldgazette.example/uploads/boxes-sealed.webp" ||
		len(j.Items[1].Images) != 0 || len(j.Items[1].Enclosures) != 1 {
		t.Errorf("JSON Feed attachments: %+v", j.Items)
	}
}

func TestParseCharsets(t *testing.T) {
	tests := []struct {
		file, contentType string
		title, itemTitle  string
	}{
		{"latin1-declared.xml", "", "Le Café", "Élection à Genève"},
		{"latin1-declared.xml", "application/rss+xml; charset=iso-8859-1", "Le Café", "Élection à Genève"},
		{"cp1252-undeclared.xml", "", "Undeclared", "“Quoted” price: 5 €"},
		{"cp1252-undeclared.xml", "text/xml; charset=windows-1252", "Undeclared", "“Quoted” price: 5 €"},
		{"wrong-declared.xml", "", "Le Café ✓", "Élection à Genève"},
		{"wrong-declared.xml", "text/xml; charset=iso-8859-1", "Le Café ✓", "Élection à Genève"},
		// Undeclared and not UTF-8: the encoding usual for the language the
		// feed declares, not Windows-1252.
		{"../../testdata/corpus/gb2312-undeclared.xml", "", "新闻中心", "国务院召开常务会议"},
		{"big5-undeclared.xml", "", "即時新聞", "颱風警報解除"},
		{"cp1251-undeclared.xml", "text/xml", "Новости", "Выборы в Москве"},
		{"shiftjis-undeclared.xml", "", "日記", "選挙の結果について"},
		// Declaring no language either: Chinese or Korean told by the
		// shape of the bytes (see TestDoubleByteEncodingLeavesOtherTextsAlone).
		{"euckr-nolanguage.xml", "", "동네 소식 블로그", "동네 도서관 새 단장"},
		{"gb2312-nolanguage.xml", "", "社区新闻", "社区图书馆重新开放"},
		{"big5-nolanguage.atom", "", "社區新聞", "社區圖書館重新開放"},
		// A header or a declaration still wins over the language.
		{"cp1251-undeclared.xml", "text/xml; charset=windows-1251", "Новости", "Выборы в Москве"},
		// The header's ISO-8859-1 (or its kin) is a server's default, which
		// Apache's AddDefaultCharset and Java's servlet containers add
		// knowing nothing of the document: the document's declaration wins.
		{"cp1253-declared.xml", "", "Νέα της πόλης", "Εκλογές στον δήμο την Κυριακή"},
		{"cp1253-declared.xml", "text/xml; charset=ISO-8859-1", "Νέα της πόλης", "Εκλογές στον δήμο την Κυριακή"},
		{"cp1253-declared.xml", "application/rss+xml; charset=us-ascii", "Νέα της πόλης", "Εκλογές στον δήμο την Κυριακή"},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.contentType, func(t *testing.T) {
			f := parseFixture(t, tt.file, tt.contentType, "https://x.example/feed")
			if f.Title != tt.title || f.Items[0].Title != tt.itemTitle {
				t.Fatalf("got %q / %q", f.Title, f.Items[0].Title)
			}
		})
	}
}

func TestParseItemsWithoutLinks(t *testing.T) {
	f := parseFixture(t, "nolinks.xml", "", "https://nolinks.example.com/feed")
	for _, it := range f.Items {
		if it.Link != "" {
			t.Fatalf("opaque GUID became link %q", it.Link)
		}
		if it.GUID == "" {
			t.Fatal("GUID lost")
		}
	}
}

func TestParseRejectsBadDocuments(t *testing.T) {
	tests := map[string][]byte{
		"HTML page":       []byte("<!doctype html><html><body>not a feed</body></html>"),
		"empty":           nil,
		"RSS in JSON":     []byte(`{"rss": {"channel": {"title": "T", "item": [{"title": "A", "link": "https://x.example/a"}]}}}`),
		"JSON list":       []byte(`[{"title": "A", "url": "https://x.example/a"}]`),
		"JSON, not a map": []byte(`"https://jsonfeed.org/version/1.1"`),
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			f, err := Parse(body, "", "https://x.example/feed")
			if err == nil && len(f.Items) > 0 {
				t.Fatalf("parsed %d items from a bad document", len(f.Items))
			}
			if err == nil {
				t.Fatalf("no error, feed %+v", f)
			}
		})
	}
	for name, body := range tests {
		if _, err := Parse(body, "", ""); !errors.Is(err, ErrNotAFeed) {
			t.Errorf("%s: %v, want ErrNotAFeed", name, err)
		}
	}
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestParseAtomEntryLinksLeaveOutTheAPIAddress checks that an Atom entry
// is read under its page (rel alternate, or no rel), never under its
// rel="self" or rel="edit" address in the feed's API: an entry with no
// page has no link.
func TestParseAtomEntryLinksLeaveOutTheAPIAddress(t *testing.T) {
	f := parseFixture(t, "atom-self-links.xml", "", "https://www.example.com/feeds/4411/posts/default")
	want := []struct{ title, link string }{
		{"Count night at the county hall", "https://blog.example.net/2026/11/count-night.html"},
		{"A draft the API still lists", ""},
		{"Turnout by precinct", "https://blog.example.net/2026/11/turnout.html"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for i, w := range want {
		if it := f.Items[i]; it.Title != w.title || it.Link != w.link {
			t.Errorf("item %d: %q at %q, want %q at %q", i, it.Title, it.Link, w.title, w.link)
		}
	}
}

// TestParseAtomEntryRelatedAndViaLinksAreNoPage checks entries of a link
// blog whose links are rel="related" (the page written about) or
// rel="via" (where it was seen): neither is the entry's own page, and
// feedparser takes neither as its link, but the entry's id where that
// is a URL, as newshub does; an entry with neither a page nor such an
// id has no link.
func TestParseAtomEntryRelatedAndViaLinksAreNoPage(t *testing.T) {
	f := parseFixture(t, "atom-related-links.xml", "", "https://harbourwatch.example.org/links.atom")
	want := []struct{ title, link string }{
		{"Ferry timetable changes from December", ""},
		{"Dredging starts at the north quay", ""},
		{"Fish market opening hours", ""},
		{"Lighthouse open day", "https://harbourwatch.example.org/links/104"},
		{"New moorings for the sailing club", "https://harbourwatch.example.org/links/105"},
		{"Storm warning lifted", "https://harbourwatch.example.org/links/106"},
	}
	if len(f.Items) != len(want) {
		t.Fatalf("%d items, want %d", len(f.Items), len(want))
	}
	for i, w := range want {
		if it := f.Items[i]; it.Title != w.title || it.Link != w.link {
			t.Errorf("item %d: %q at %q, want %q at %q", i, it.Title, it.Link, w.title, w.link)
		}
	}
}
