package parser

import (
	"bytes"
	"cmp"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"
)

// The corpus is shared with ingest's end-to-end test: real-world shapes
// of feeds (YouTube, Reddit, Medium, WordPress, Blogger, Substack, GitHub,
// podcasts, microblogs, JSON Feed) and the ways real feeds are broken.
const corpus = "../testdata/corpus"

func readCorpus(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpus, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// parseCorpus reads the corpus file as the feed it is at feeds.example.
func parseCorpus(t *testing.T, file string) *Feed {
	t.Helper()
	f, err := Parse(readCorpus(t, file), "", "https://feeds.example/"+file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return f
}

// itemsOf lists what of gives of each of a feed's items, in order.
func itemsOf(f *Feed, of func(it *Item) string) []string {
	var out []string
	for i := range f.Items {
		out = append(out, of(&f.Items[i]))
	}
	return out
}

// itemLinks lists the links of a feed's items, in order.
func itemLinks(f *Feed) []string { return itemsOf(f, func(it *Item) string { return it.Link }) }

// TestParseAgreesWithGofeedOnWellFormedFeeds checks that the well-formed
// files of the corpus read exactly as gofeed reads them, item for item: the
// lenient paths are taken only where gofeed fails or loses items.
func TestParseAgreesWithGofeedOnWellFormedFeeds(t *testing.T) {
	for _, name := range []string{"youtube.xml", "reddit.xml", "medium.xml", "wordpress.xml", "blogger.xml",
		"substack.xml", "github-releases.atom", "podcast.xml", "scripting.xml", "mastodon.xml", "news-site.xml",
		"slashdot.rdf", "micro.json", "author-cards.xml", "link-posts.xml", "youtube-descriptions.xml"} {
		t.Run(name, func(t *testing.T) {
			body := readCorpus(t, name)
			gf, err := gofeed.NewParser().Parse(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("gofeed: %v", err)
			}
			f, err := Parse(body, "", "https://feeds.example/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if f.Malformed != "" || len(f.Unreadable) > 0 {
				t.Errorf("well-formed feed reported malformed: %q %v", f.Malformed, f.Unreadable)
			}
			if len(f.Items) != len(gf.Items) {
				t.Fatalf("%d items, gofeed reads %d", len(f.Items), len(gf.Items))
			}
			for i, it := range f.Items {
				if want := NormalizeSpace(gf.Items[i].Title); it.Title != PlainText(want) && it.Title != want {
					t.Errorf("item %d title %q, gofeed %q", i, it.Title, want)
				}
				if gl := gf.Items[i].Link; gl != "" && it.Link != gl {
					t.Errorf("item %d link %q, gofeed %q", i, it.Link, gl)
				}
			}
		})
	}
}

// TestParseRecoversMalformedXML checks each class of broken XML: every
// complete item is read, and the feed says what was wrong and where.
func TestParseRecoversMalformedXML(t *testing.T) {
	tests := []struct {
		file       string
		titles     []string // the items read, in order
		unreadable int
		where      string // what Malformed must say
	}{
		{"truncated.xml", []string{"Legislature adjourns without a budget", "Governor signs voting hours bill", "Recount rules, explained"}, 0, "line 22: document ends inside <item>"},
		{"truncated.atom", []string{"Ballot drop boxes close at 8", "Mail ballots: the postmark rule", "Where the 2020 margins were thinnest"}, 0, "document ends inside <entry>"},
		{"cdata-unterminated.xml", []string{"Transit runs free on election day", "Council race too close to call", "Turnout tops 60% in the city"}, 0, "line 11: CDATA section not closed"},
		{"bare-amp.xml", []string{"Q&A: the new voting machines", "Turnout < 40% in two precincts", "Results & reactions"}, 0, `line 16: unescaped "<" in text`},
		{"unclosed-wrapper.xml", []string{"Trustee race: final tally", "Library levy renewed"}, 0, "2 of 2 items read"},
		{"bom-junk.xml", []string{"Élections : les bureaux ferment à 20 heures", "Le taux de participation dépasse 60 %"}, 0, "stray bytes before the document"},
		{"invalid.xml", []string{"Unclosed tag"}, 0, "end tag </link> not closed"},
		{"attr-junk.xml", []string{"Turnout climbs in the north wards", "Two wards still counting", "Recount requested in ward 7"}, 0, `line 12: stray '"' in a tag; line 19: "<" in an attribute value`},
		{"cdata-nested.xml", []string{"Polls open at 7 across the county", "How the tally script checks the counts", "Valley turnout beats 2020"}, 0, `line 14: "]]>" inside a CDATA section`},
		{"comment-dashes.xml", []string{"Ridgeview approves the new polling place", "Mayor's race: the last debate", "Early voting ends Saturday"}, 0, `line 11: "--" inside a comment`},
		{"case-mismatch.xml", []string{"Sample ballots are posted", "Polling place changes for precinct 12", "Canvass board meets November 8"}, 0, "line 9: <Link> closed by </link>"},
		{"unquoted-attrs.xml", []string{"Episode 41: the budget vote", "Episode 40: committee week", "Episode 39: sine die"}, 0, "line 9: attribute value not quoted"},
		{"stray-end-tags.xml", []string{"How we checked the turnout numbers", "The precinct map, updated", "Absentee ballots by age group"}, 0, "line 8: end tag </span> of no open element; line 10: \"]]>\" in text"},
		{"prefixed-unclosed.xml", []string{"Episode 12: the sheriff's race", "Episode 11: roads and bridges", "Episode 10: meet the candidates"}, 0, "line 10: <itunes:title> not closed; line 18: <atom:updated> not closed"},
		{"unclosed-parts.atom", []string{"Council meeting, November 6", "Council meeting, October 30", "Council meeting, October 23"}, 0, "line 10: <yt:videoId> not closed; line 21: <author> not closed"},
		{"bad-charref.xml", []string{"Council minutes October session", "Ferry schedule changes for election day", "Harbor master retires after 30 years"}, 0, "line 8: reference to a character XML forbids"},
		{"surrogate-refs.xml", []string{"Block party after the polls close 🎉", "Bake sale for the school roof 🍰", "Lost cat on Quarry Lane please call"}, 0, "line 8: a character written as the two halves of a surrogate pair"},
		{"unclosed-category.xml", []string{"Levy for the new middle school passes", "Ferry fares frozen for another year", "Podcast: the county races, explained"}, 0, "line 18: <category> not closed; line 25: <category> not closed): all 3 items read"},
		{"unquoted-about.rdf", []string{"The November heron count", "First frost on the meadow"}, 0, "line 12: attribute value not quoted"},
		{"unclosed-description.xml", []string{"Bridge closure pushed to spring", "Library hours extended for exams", "Photos: the harvest fair"}, 0, "line 10: <description> not closed; line 18: <description> not closed): all 3 items read"},
		{"php-fatal.xml", []string{"Cider mill reopens after the fire", "Frost warning for the upper valley", "School bus routes change Monday"}, 0, "line 34: unescaped \"<\" in text; line 27: document ends inside <item>"},
		{"cesu8-emoji.xml", []string{"Block party after the vote 🎉", "Polling place moved to the library 📚", "Lost dog near the school"}, 0, "7 surrogate halves encoded one by one, as CESU-8 writes them"},
		{"unescaped-markup.xml", []string{"Parsing into Vec<String> without copies", "When HashMap<K, V> beats BTreeMap", "Benchmarks where n<ten thousand mislead", "Release notes for 0.9"}, 0, "line 9: <String> not closed; line 13: <br> not closed"},
		// Quotes left unescaped in attribute values, as RSS-Bridge's
		// Atom format wrote its categories: the words between them are
		// no attribute names.
		{"quoted-terms.atom", []string{"Measure A/B: what the two questions ask", "Turnout by ward, hour by hour", "Canvass board meeting notes"}, 0,
			`line 25: stray "A/B" in a tag`},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var body []byte
			if tt.file == "invalid.xml" {
				body = mustRead(t, tt.file)
			} else {
				body = readCorpus(t, tt.file)
			}
			f, err := Parse(body, "", "https://feeds.example/"+tt.file)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, it := range f.Items {
				got = append(got, it.Title)
				if !isHTTP(it.Link) {
					t.Errorf("item %q has no link", it.Title)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.titles, "|") {
				t.Errorf("items %q, want %q", got, tt.titles)
			}
			if len(f.Unreadable) != tt.unreadable {
				t.Errorf("unreadable %v", f.Unreadable)
			}
			if !strings.Contains(f.Malformed, tt.where) {
				t.Errorf("Malformed = %q, want it to say %q", f.Malformed, tt.where)
			}
		})
	}
}

// TestParseEndsPartsLeftOpen checks that an item's description left open
// holds its own text only, not the parts of the item after it, and that
// a media:content's own title and description leave it whole.
func TestParseEndsPartsLeftOpen(t *testing.T) {
	f, err := Parse(readCorpus(t, "unclosed-description.xml"), "", "https://riversidegazette.example/rss")
	if err != nil || len(f.Items) != 3 {
		t.Fatalf("%v, %+v", err, f)
	}
	for i, want := range []string{"The county delays the repairs by four months.", "Open until midnight through December.", "Pumpkins, quilts and a tractor parade."} {
		if got := strings.TrimSpace(f.Items[i].Summary); got != want {
			t.Errorf("item %d summary %q, want %q", i, got, want)
		}
	}
	if it := f.Items[0]; it.Published.IsZero() || it.GUID == "" {
		t.Errorf("the parts after the description were not read: %+v", it)
	}
	if im := f.Items[2].Images; len(im) != 1 || im[0].URL != "https://riversidegazette.example/img/fair.jpg" {
		t.Errorf("media:content read as %+v", im)
	}
}

// TestParseKeepsTextHoldingCDATAEnd checks that a "]]>" inside the text
// a CDATA section wraps (a script's own "//]]>", a line of code) is text:
// the item's HTML reads whole.
func TestParseKeepsTextHoldingCDATAEnd(t *testing.T) {
	f, err := Parse(readCorpus(t, "cdata-nested.xml"), "", "https://valleycourier.example/feed")
	if err != nil || len(f.Items) != 3 {
		t.Fatalf("%v, %d items", err, len(f.Items))
	}
	tests := []struct {
		item      int
		text      string
		inContent bool
	}{
		{0, "//<![CDATA[\nwindow.pollMap = {county: \"Valley\"};\n//]]></script><p>Lines were short before 8.</p>", true},
		{1, "if (votes[ward[0]]> limit) recount, and it runs after every batch.", false},
	}
	for _, tt := range tests {
		it := f.Items[tt.item]
		got := it.Summary
		if tt.inContent {
			got = it.Content
		}
		if !strings.HasSuffix(got, tt.text) {
			t.Errorf("item %d reads %q, want it to end %q", tt.item, got, tt.text)
		}
	}
}

// TestParseKeepsUnescapedHTML checks HTML a feed left unescaped, with
// elements never closed (<br>, <img …>, <p>): the item's HTML reads as
// written, its picture found, and nothing of the feed's own markup in it.
func TestParseKeepsUnescapedHTML(t *testing.T) {
	f, err := Parse(readCorpus(t, "unescaped-markup.xml"), "", "https://ferrousnotes.example/feed")
	if err != nil || len(f.Items) != 4 {
		t.Fatalf("%v, %d items", err, len(f.Items))
	}
	if got, want := f.Items[0].Summary, `<p>Borrowing the input buffer<br/>saves an allocation per field.<img src="/img/vec.png" width="600"/></p>`; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
	if im := f.Items[0].Images; len(im) != 1 || im[0].URL != "https://ferrousnotes.example/img/vec.png" || im[0].Width != 600 {
		t.Errorf("images %+v", im)
	}
	if got, want := f.Items[1].Summary, "<p>Lookups dominate.<p>Ordering does not matter.<hr/>"; got != want {
		t.Errorf("summary %q, want %q", got, want)
	}
}

// TestParseMendsAttributes checks the tags a template broke (a doubled
// quote, a "<" in a value): the item keeps its picture.
func TestParseMendsAttributes(t *testing.T) {
	f, err := Parse(readCorpus(t, "attr-junk.xml"), "", "https://lakeshoreledger.example/feed")
	if err != nil || len(f.Items) != 3 {
		t.Fatalf("%v, %d items", err, len(f.Items))
	}
	tests := []struct {
		item  int
		image string
		width int
	}{
		{0, "https://img.lakeshoreledger.example/2024/11/north.jpg", 640},
		{1, "https://img.lakeshoreledger.example/2024/11/count.jpg", 0},
	}
	for _, tt := range tests {
		im := f.Items[tt.item].Images
		if len(im) != 1 || im[0].URL != tt.image || im[0].Width != tt.width {
			t.Errorf("item %d images %+v, want %s %d wide", tt.item, im, tt.image, tt.width)
		}
	}
	// An unquoted value ending in "/" before the ">" of a channel's or
	// an item's start tag: the "/" is the value's, the element not empty.
	f, err = Parse(readCorpus(t, "unquoted-about.rdf"), "", "https://fieldnotes.example/index.rdf")
	if err != nil || f.Title != "Field Notes" || len(f.Items) != 2 || f.Items[0].Link != "https://fieldnotes.example/2024/11/heron-count/" {
		t.Fatalf("unquoted-about.rdf: %v %q %+v", err, f.Title, f.Items)
	}
}

// TestParseChoosesPictures checks the picture each item is given from its
// HTML and its media: no counter (a one-pixel image, FeedBurner's share
// buttons, a counter that states no size), advertisement or author's
// portrait, but a picture whose name only looks like one; an RSS 1.0
// listing's photo; a link post's picture relative to the site it was
// written on, not to the site it links to; a lazy-loaded picture.
func TestParseChoosesPictures(t *testing.T) {
	tests := []struct {
		file, feedURL string
		item          int
		image         string // "" for none
		width         int
	}{
		// FeedBurner's FeedFlare buttons and pixel after the text.
		{"feedflare.atom", "http://feeds.feedburner.example/PollworkerNotes", 0, "", 0},
		{"feedflare.atom", "http://feeds.feedburner.example/PollworkerNotes", 1, "https://blogger.googleusercontent.example/img/b/R29v/s640/turnout-hours.png", 640},
		// A counter of one by one before the text.
		{"feedflare.atom", "http://feeds.feedburner.example/PollworkerNotes", 2, "", 0},
		{"feedburner.xml", "https://feeds.feedburner.example/HarborviewDispatch", 0, "", 0},
		{"medium.xml", "https://medium.com/feed/@danawhit", 0, "https://cdn-images-1.medium.com/max/1024/1*xyz.png", 0},
		// Counters of no stated size: WordPress.com's statistics, with
		// the author's Gravatar as the item's media; Matomo's tracker
		// before the post's photo; Matomo through a proxy, a
		// "pixel.gif", a FeedBurner advertisement. A photo named
		// "pixel-…" is a photo.
		{"counters.xml", "https://harborward.example/feed/", 0, "", 0},
		{"counters.xml", "https://harborward.example/feed/", 1, "https://harborward.example/wp-content/uploads/2024/11/ferry-dock.jpg", 0},
		{"counters.xml", "https://harborward.example/feed/", 2, "", 0},
		{"counters.xml", "https://harborward.example/feed/", 3, "https://harborward.example/wp-content/uploads/2024/11/pixel-scanner.jpg", 0},
		// A listing's photo as an RSS 1.0 enclosure (Craigslist's).
		{"classifieds.rdf", "https://harborcity.classifieds.example/search/vol?format=rss", 0, "https://images.classifieds.example/00a1b_greeters_300x300.jpg", 0},
		{"classifieds.rdf", "https://harborcity.classifieds.example/search/vol?format=rss", 1, "", 0},
		// A post about a project elsewhere: its picture is the blog's.
		{"link-posts.xml", "https://ballotdom.example/posts.rss", 0, "https://ballotdom.example/assets/posts/TallyKitIcon-512.png", 256},
		// A post of the blog's own: its picture is relative to its page.
		{"link-posts.xml", "https://ballotdom.example/posts.rss", 1, "https://www.ballotdom.example/posts/2024/11/01/counting-sheets/tally-sheet.png", 600},
		// Lazy-loaded pictures: a placeholder or no src, the picture's
		// address in data-src, data-lazy-src, data-original or srcset
		// (its largest candidate, else its first), resolved as src is.
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 0, "https://birchfieldweekly.example/wp-content/uploads/2024/11/crosswalk.jpg", 640},
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 1, "https://cdn.birchfieldweekly.example/2024/11/library.jpg", 0},
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 2, "https://cdn.birchfieldweekly.example/2024/11/market.jpg", 0},
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 3, "https://birchfieldweekly.example/uploads/plow-1024.jpg", 0},
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 4, "https://cdn.birchfieldweekly.example/2024/11/tree.jpg", 0},
		// A placeholder with no address beside it is passed over.
		{"lazy-images.xml", "https://birchfieldweekly.example/feed/", 5, "https://cdn.birchfieldweekly.example/2024/11/council.jpg", 800},
		// Jekyll's feed of a site with no URL set: each post's xml:base
		// its page, relative, which a picture beside it is relative to.
		{"relative-base.atom", "https://captainslog.example/feed.xml", 0, "https://captainslog.example/2024/11/06/precinct-map.png", 800},
		{"relative-base.atom", "https://captainslog.example/feed.xml", 1, "https://captainslog.example/assets/img/checklist.jpg", 0},
		// A byline's portrait, stated under 50 by 50, is passed over; a
		// small thumbnail and a narrow banner are pictures.
		{"byline-avatars.xml", "https://eastbankcourier.example/feed/", 0, "https://eastbankcourier.example/uploads/2024/11/ferry-landing.jpg", 640},
		{"byline-avatars.xml", "https://eastbankcourier.example/feed/", 1, "", 0},
		{"byline-avatars.xml", "https://eastbankcourier.example/feed/", 2, "https://eastbankcourier.example/uploads/2024/11/results-thumb.jpg", 120},
		{"byline-avatars.xml", "https://eastbankcourier.example/feed/", 3, "https://eastbankcourier.example/uploads/2024/11/bridge-banner.jpg", 600},
	}
	for _, tt := range tests {
		f, err := Parse(readCorpus(t, tt.file), "", tt.feedURL)
		if err != nil || len(f.Items) <= tt.item {
			t.Fatalf("%s: %v, %+v", tt.file, err, f)
		}
		im := f.Items[tt.item].Images
		switch {
		case tt.image == "" && len(im) != 0:
			t.Errorf("%s item %d: images %+v, want none", tt.file, tt.item, im)
		case tt.image != "" && (len(im) != 1 || im[0].URL != tt.image || im[0].Width != tt.width):
			t.Errorf("%s item %d: images %+v, want %s %d wide", tt.file, tt.item, im, tt.image, tt.width)
		}
	}
}

// TestParseReadsVideoDescriptions checks that a video with no other text
// (YouTube's) has its media:group's description as its summary, escaped
// as HTML, and that an item with a description of its own keeps it (a
// photo's caption is not read for it).
func TestParseReadsVideoDescriptions(t *testing.T) {
	tests := []struct {
		file    string
		item    int
		summary string
	}{
		{"youtube.xml", 0, "We spent election night with the people who count the ballots."},
		{"youtube.xml", 1, "Turnout by age, county and hour."},
		{"youtube-descriptions.xml", 0, "Q&amp;A with the clerk: why results &lt; 100% at 9 p.m. are normal.\nFull schedule: https://www.civicchannel.example/schedule"},
		{"news-site.xml", 0, "Results from three states will decide the majority."},
		// A video's own description, in its media:content; a picture's
		// is its alternative text, not read.
		{"media-titles.xml", 0, "<p>Four members, one <b>Bible</b> and a short speech.</p>"},
		{"media-titles.xml", 3, "Line outside the annex at noon, umbrellas up."},
	}
	for _, tt := range tests {
		f, err := Parse(readCorpus(t, tt.file), "", "https://feeds.example/"+tt.file)
		if err != nil || len(f.Items) <= tt.item {
			t.Fatalf("%s: %v, %+v", tt.file, err, f)
		}
		if got := f.Items[tt.item].Summary; got != tt.summary {
			t.Errorf("%s item %d: summary %q, want %q", tt.file, tt.item, got, tt.summary)
		}
	}
}

// TestParseDecodesBase64Content reads Atom 0.3 content given in base64
// (mode="base64") as the HTML it encodes, its picture found as any other.
func TestParseDecodesBase64Content(t *testing.T) {
	f, err := Parse(readCorpus(t, "atom03-base64.atom"), "", "https://harborboard.example/atom.xml")
	if err != nil || len(f.Items) != 2 {
		t.Fatalf("%v, %+v", err, f)
	}
	want := `<div><p>The harbor board approved the new mooring plan.</p><img src="/images/mooring-plan.png" width="640" height="480"/><p>Comments close Friday.</p></div>`
	if got := f.Items[0].Content; got != want {
		t.Errorf("content %q, want %q", got, want)
	}
	if im := f.Items[0].Images; len(im) != 1 || im[0].URL != "https://harborboard.example/images/mooring-plan.png" {
		t.Errorf("images %+v", im)
	}
	if got := f.Items[1].Content; got != "<p>Dredging of the north channel starts Monday.</p>" {
		t.Errorf("escaped content %q", got)
	}
}

func TestParseTruncatedItemKeepsOnlyItsCompleteParts(t *testing.T) {
	f, err := Parse(readCorpus(t, "truncated.xml"), "", "https://statehousewire.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	last := f.Items[len(f.Items)-1]
	if last.Link != "https://statehousewire.example/2024/11/recount-rules" || last.Published.IsZero() || last.Summary != "" {
		t.Fatalf("truncated item %+v", last)
	}
}

// TestParseCutLeavesOutTheItemCutIn reads the same document as a body
// known to be cut (at the size cap, or by the server): the item it ends
// in is not read, only those before it, whole.
func TestParseCutLeavesOutTheItemCutIn(t *testing.T) {
	f, err := ParseCut(readCorpus(t, "truncated.xml"), "", "https://statehousewire.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range f.Items {
		titles = append(titles, it.Title)
	}
	if want := []string{"Legislature adjourns without a budget", "Governor signs voting hours bill"}; !slices.Equal(titles, want) {
		t.Fatalf("items %q, want %q", titles, want)
	}
}

func TestParseEncodings(t *testing.T) {
	tests := []struct{ file, title, first, link string }{
		{"utf16le.xml", "Διεθνή Νέα", "Οι κάλπες έκλεισαν", "https://diethni.example/kalpes-ekleisan"},
		{"utf16be.xml", "Διεθνή Νέα", "Οι κάλπες έκλεισαν", "https://diethni-be.example/kalpes-ekleisan"},
		{"atom-in-xhtml.html", "Harbor Gazette", "Harbor commission seats decided", "https://harborgazette.example/2024/harbor-commission"},
		// UTF-8 declared as ISO-8859-1, with two bytes of Windows-1252.
		{"utf8-declared-latin1.xml", "La Gaceta del Valle", "Elecciones: la participación superó el 60 %", "https://gacetadelvalle.example/2024/11/participacion"},
		// A PHP warning before the declaration, which names the encoding.
		{"php-warning-1251.xml", "Вести Заречья / Новости", "В Заречье открылся новый избирательный участок", "http://zarechye.example/news/1204/"},
		// GBK declared as GB2312, whose byte pairs happen to be more
		// valid UTF-8 than not: read as declared, as it reads whole.
		{"gbk-declared.xml", "山城快讯", "缆车恢复运营", "https://news.shancheng-wanbao.example/local/2024/1105/lanche.shtml"},
		// Japanese in ISO-2022-JP: ASCII, its characters written between
		// escape sequences.
		{"iso-2022-jp.rdf", "川辺町からのお知らせ", "町議会議員選挙の投票所について", "https://kawabe-town.example/news/2024/1105-senkyo.html"},
		// Windows-1251 declared by a misspelt label ("cp-1251"), with no
		// language to tell it by.
		{"cp-1251-label.xml", "Приречный вестник", "Участковые комиссии завершили подсчёт голосов", "http://prirechny-vestnik.example/news/2024/11/06/podschet.html"},
		// Japanese in EUC-JP, with neither its encoding nor its language
		// declared: told from GB2312, which has the same kana, by them.
		{"euc-jp-undeclared.rdf", "山の手日記", "投票所の受付は午後八時までです", "http://yamanote-nikki.example/archives/2024/11/000412.html"},
		// And in Shift_JIS.
		{"shift-jis-undeclared.xml", "みなと商店街だより", "選挙の日は午後七時で閉店します", "http://minato-shotengai.example/news/1105.html"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Parse(readCorpus(t, tt.file), "application/xml", "https://feeds.example/"+tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if f.Title != tt.title || len(f.Items) != 2 || f.Items[0].Title != tt.first || f.Items[0].Link != tt.link {
				t.Fatalf("got %q with %+v", f.Title, f.Items)
			}
		})
	}
	f, err := Parse(readCorpus(t, "php-warning-1251.xml"), "", "http://zarechye.example/rss.php")
	if err != nil || !strings.Contains(f.Malformed, "210 bytes of text before the XML declaration") {
		t.Fatalf("php-warning-1251: %v %q", err, f.Malformed)
	}
	f, err = Parse(readCorpus(t, "utf8-declared-latin1.xml"), "", "https://gacetadelvalle.example/rss")
	if err != nil || f.Items[1].Summary != "La oposición votó en contra." ||
		!strings.Contains(f.Malformed, "UTF-8 though another encoding is declared; 2 bytes that are not UTF-8 read as Windows-1252") {
		t.Fatalf("utf8-declared-latin1: %v %+v %q", err, f.Items, f.Malformed)
	}
	// A second declaration, added by a template before its own: the one
	// that names the encoding the document is in counts.
	doc := append([]byte(`<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<?xml version="1.0" encoding="ISO-8859-2"?>`+
		`<rss version="2.0"><channel><title>Wiadomo`), 0xB6)
	doc = append(doc, `ci</title><item><title>Wyniki g`...)
	doc = append(doc, 0xB3, 0xB1)
	doc = append(doc, `</title><link>https://wiadomosci.example/1</link></item></channel></rss>`...)
	f, err = Parse(doc, "", "https://wiadomosci.example/rss")
	if err != nil || f.Title != "Wiadomości" || len(f.Items) != 1 || f.Items[0].Title != "Wyniki głą" ||
		!strings.Contains(f.Malformed, "2 XML declarations") {
		t.Fatalf("two declarations: %v %q %+v %q", err, f.Title, f.Items, f.Malformed)
	}
	// A stray Latin-1 byte in a UTF-8 document costs that character only.
	f, err = Parse(readCorpus(t, "bom-junk.xml"), "", "https://lequotidien.example/feed")
	if err != nil || f.Title != "Le Quotidien — Politique" || !strings.Contains(f.Malformed, "1 bytes that are not UTF-8") ||
		!strings.Contains(f.Malformed, "1 control characters dropped") {
		t.Fatalf("bom-junk: %v %q %q", err, f.Title, f.Malformed)
	}
}

func TestParseJSONFeedLeniently(t *testing.T) {
	f, err := Parse(readCorpus(t, "wrong-types.json"), "application/feed+json", "https://feuilleton.example.de/feed.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 3 || len(f.Unreadable) != 1 || f.Unreadable[0].Item != 3 {
		t.Fatalf("items %d, unreadable %v", len(f.Items), f.Unreadable)
	}
	// The title is plain text: what looks like tags is words.
	if got := f.Items[0].Title; got != "Die Rückkehr von <i> und <b>" {
		t.Errorf("title %q", got)
	}
	if f.Items[0].GUID != "20241105" {
		t.Errorf("numeric id read as %q", f.Items[0].GUID)
	}
	for _, want := range []string{"item 1: tags: want a list of text, got text", `item 2: date_published: "gestern" is not a date`, "item 4: title: want text, got a list"} {
		if !strings.Contains(f.Malformed, want) {
			t.Errorf("Malformed = %q, want it to say %q", f.Malformed, want)
		}
	}
	for _, internal := range []string{"Go ", "struct", "unmarshal", "json:", "[]string"} {
		if strings.Contains(f.Malformed, internal) {
			t.Errorf("Malformed speaks of Go's internals (%q): %q", internal, f.Malformed)
		}
	}
	// A document cut short gives its complete items.
	f, err = Parse(readCorpus(t, "truncated-json.json"), "", "https://cutshort.example/feed.json")
	if err != nil || len(f.Items) != 2 || !strings.Contains(f.Malformed, "line 7: the document ends early") {
		t.Fatalf("truncated JSON Feed: %v, %d items, %q", err, len(f.Items), f.Malformed)
	}
	// Written by a template: commas before closing brackets, a line
	// break and a tab left raw in strings, a comment between items.
	f, err = Parse(readCorpus(t, "json-template.json"), "application/feed+json", "https://harbornotes.example/feed.json")
	if err != nil || len(f.Items) != 3 || len(f.Unreadable) != 0 {
		t.Fatalf("JSON Feed from a template: %v, %d items, %v, %q", err, len(f.Items), f.Unreadable, f.Malformed)
	}
	if got := f.Items[0].Content; got != "<p>The 7:10 boat runs twice.\nRiders with a ballot envelope ride free.</p>" {
		t.Errorf("content with a raw line break read as %q", got)
	}
	if got := f.Items[2].Title; got != "Candidate night at the grange hall" {
		t.Errorf("last title %q", got)
	}
	for _, want := range []string{"line 11: a line break or tab not escaped in a string", "line 13: a comma before a closing bracket", "line 15: a comment"} {
		if !strings.Contains(f.Malformed, want) {
			t.Errorf("Malformed = %q, want it to say %q", f.Malformed, want)
		}
	}
	// A PHP notice before the document.
	f, err = Parse(readCorpus(t, "php-warning.json"), "application/feed+json", "https://harborlights.example/feed.json")
	if err != nil {
		t.Fatalf("JSON Feed after a PHP notice: %v", err)
	}
	if len(f.Items) != 2 || f.Items[1].Title != "Volunteers clear the harbor beach" ||
		f.Malformed != "115 bytes of text before the JSON document: all 2 items read" {
		t.Fatalf("JSON Feed after a PHP notice: %+v, %q", f.Items, f.Malformed)
	}
	// Text a template pastes in raw (line breaks, tabs, a backslash that
	// starts no escape), as spatie/laravel-feed writes a summary, is
	// mended rather than the end of the feed.
	f, err = Parse(readCorpus(t, "hand-written-json.json"), "", "https://elections.harborcounty.example/feed.json")
	if err != nil || len(f.Items) != 3 || f.Items[1].Title != `Where to find the "results" files` ||
		!strings.Contains(f.Items[1].Content, `S:\Elections\Results on the county share,`+"\t") ||
		!strings.Contains(f.Malformed, "a line break or tab not escaped in a string") ||
		!strings.Contains(f.Malformed, "a backslash that starts no escape") {
		t.Fatalf("raw text in strings: %v, %d items, %q", err, len(f.Items), f.Malformed)
	}
	// So is a comma before a closing bracket.
	f, err = Parse([]byte(`{"version":"https://jsonfeed.org/version/1","title":"T","items":[`+
		`{"id":"1","url":"https://t.example/1","title":"One",},{"id":"2","url":"https://t.example/2","title":"Two"},]}`), "", "https://t.example/feed.json")
	if err != nil || len(f.Items) != 2 || !strings.Contains(f.Malformed, "a comma before a closing bracket") {
		t.Fatalf("trailing commas: %v, %d items, %q", err, len(f.Items), f.Malformed)
	}
	// Items that are no list: said once.
	f, err = Parse([]byte(`{"version":"https://jsonfeed.org/version/1.1","title":"Empty","items":null}`), "", "https://empty.example/feed.json")
	if err != nil || len(f.Items) != 0 || f.Malformed != "malformed JSON Feed, read what could be read: items: want a list of items" {
		t.Fatalf("items null: %v, %d items, %q", err, len(f.Items), f.Malformed)
	}
	// RSS converted to JSON is no JSON Feed.
	if _, err := Parse(readCorpus(t, "rss-in-json.json"), "application/json", "https://converted.example/feed"); err == nil || !strings.Contains(err.Error(), "not a feed") {
		t.Fatalf("RSS in JSON: %v", err)
	}
}

// TestParseItemLinks checks which link an item is known by where a feed
// offers several, or none but its media: the entry's web page before its
// other versions, the media file or image of an item with no page, an
// Atom link written as RSS writes it (an enclosure so written, before the
// page, is no page), the original address beside a
// FeedBurner redirect, a permalink GUID relative to the site, a link
// escaped twice, a host name in its ASCII form, a link that ends where
// markup starts, a link written with the feed's own entity, links relative
// to an xml:base that names a file (WordPress's "wp-atom.php"), links
// written without their scheme ("www.site.example/a", as python-feedgen
// writes a bare host), with one slash of it ("http:/site") or after a
// generator's own ("https://https://site", the site's link so written
// too), with HTTPS's port under the http scheme ("http://site:443/"), and a
// generator's placeholder for no link ("undefined", "None"), which is none,
// and the article an aggregator's redirect names (Google Alerts, Bing
// News, Google News).
func TestParseItemLinks(t *testing.T) {
	tests := []struct {
		file  string
		links []string // of each item, in order; "" for none
	}{
		{"photo-enclosures.xml", []string{"https://img.valleycourier.example/potd/2024-11-05.jpg", "https://valleycourier.example/potd/2024-11-06.jpg", ""}},
		{"attachments-only.json", []string{"https://cdn.precinctradio.example/pr-2024-11-06.m4a", "https://precinctradio.example/photos/precinct-4-closing.jpg", ""}},
		{"atom-alternates.atom", []string{"https://electionboard.example/reports/2024-general-certified", "https://electionboard.example/reports/2024-turnout", "https://electionboard.example/reports/2024-audit-plan.pdf"}},
		{"atom-text-links.atom", []string{"https://millbrook.example/announcements/city-hall-hours", "https://millbrook.example/announcements/free-rides?route=4&day=tue", "https://millbrook.example/announcements/leaf-pickup", "https://millbrook.example/announcements/polling-places"}},
		{"relative-guids.xml", []string{"https://canvassnotes.example/2024/11/day-one/", "https://canvassnotes.example/2024/11/training-night/", "", "https://canvassnotes.example/map?ward=3&precinct=12"}},
		{"feedburner.xml", []string{"https://harborviewdispatch.example/2024/11/ferry-fares-rise/", "https://harborviewdispatch.example/2024/11/breakwater-repairs/", "https://feedproxy.example/~r/HarborviewDispatch/~3/Zt5Vb3nYhe/"}},
		// An episode known by its enclosure, whose original FeedBurner
		// gives beside its redirect to the same file.
		{"feedburner-enclosures.xml", []string{"https://media.councilaloud.example/audio/council-2024-11-04.mp3",
			"https://feedproxy.example/~r/CouncilAloud/~5/Qe55TnVb2k/council-2024-10-28-part2.mp3"}},
		{"doctype-entities.xml", []string{"https://townrecords.example/notices/2024/zoning-map-hearing", "https://townrecords.example/notices/2024/special-election-hours"}},
		{"idn-links.xml", []string{"https://xn--brgerbote-q9a.example/2024/11/gemeinderat-vorsitz", "https://xn--brgerbote-q9a.example/2024/11/%C3%B6ffnungszeiten", "https://xn--brgerbote-q9a.example/2024/11/briefwahl?ref="}},
		{"xml-base.atom", []string{"https://quarrynotes.example/2024/11/precinct-maps/", "https://quarrynotes.example/2024/11/poll-worker-training/", "https://quarrynotes.example/2024/11/05.html#noon"}},
		{"xml-base.xml", []string{"https://townpress.example/news.php?id=5", "https://townpress.example/stories/2024/harbor-board.html"}},
		// An Atom Entry Document, as Blogger's API serves a post: a feed
		// of its one entry.
		{"entry-document.atom", []string{"https://pollbookdiary.blogspot.example/2024/11/a-long-day-at-precinct-9.html"}},
		// Atom's namespace under https, as ExpressionEngine's sample
		// template and hexo-generator-feed's have written it.
		{"atom-https-namespace.atom", []string{"https://elections.fenwickcounty.example/news/unofficial-results-posted",
			"https://elections.fenwickcounty.example/news/canvass-board-meets", "https://elections.fenwickcounty.example/news/in-line-at-8"}},
		// A "%" that starts no escape.
		{"percent-links.xml", []string{"https://dealsdesk.example/2024/11/coats-50%25-off", "https://dealsdesk.example/2024/11/refunds-100%25",
			"https://dealsdesk.example/2024/11/cafe%20week-20%25-off"}},
		{"bare-hosts.xml", []string{"https://www.wardwatch.example/ward-4", "http://www.wardwatch.example/ward-3", "https://www.wardwatch.example/ward-2?precinct=all"}},
		{"doubled-scheme.xml", []string{"https://carnet-bureau.example/blog/le-depouillement-etape-par-etape", "https://carnet-bureau.example/blog/procurations-ce-qui-change",
			"https://carnet-bureau.example/blog/tenir-un-bureau-de-vote"}},
		{"placeholder-links.xml", []string{"https://precinctreleases.example/releases/canvass-observers", "https://media.precinctreleases.example/briefings/2024-11-05.mp3", ""}},
		// A placeholder before the path, where the site's address was not
		// set ("undefined/blog/…", as jpmonette/feed writes it) or a
		// template's tag was not filled in: no link, and no page of the
		// feed's site; an address in the GUID is the item's.
		// Right-to-left and left-to-right marks and a zero-width space
		// around links, as editors of Arabic text leave them.
		{"rtl-marks.xml", []string{"https://akhbar-almadina.example/news/1001", "https://akhbar-almadina.example/news/1000",
			"https://akhbar-almadina.example/news/999"}},
		{"placeholder-prefixes.xml", []string{"https://wardnotes.example/blog/recount-requested-in-ward-6", "", ""}},
		// HTTPS's port under the http scheme, in the original link
		// beside a FeedBurner redirect and in a link of its own.
		{"https-port.xml", []string{"https://www.registrarsdesk.example/topics/ballots/provisional-ballots-checked/",
			"https://www.registrarsdesk.example/topics/canvass/schedule/?day=1"}},
		// Google News: the article its link's identifier names, where
		// it is of the older kind, which does; else the link itself.
		{"google-news.xml", []string{"https://countyledger.example/2024/11/04/where-to-vote/",
			"https://www.harborcityregister.example/news/politics/elections/2024/11/06/turnout-tops-70-percent-in-three-wards-after-late-surge-at-the-polls",
			"https://news.google.com/rss/articles/CBMiP0FVX3lxTFB2M2tYblFtOFRnUnoxV2JMYzVZZEhzN0pmS2UyTmFPdTRWaTlNdEdwRHg2WnJTcTBFd19CbC1IeQ?oc=5"}},
		// Through Google Alerts' and Bing News' redirects.
		{"google-alerts.atom", []string{"https://countyledger.example/2024/11/05/road-bond-passes/", "https://millbrookweekly.example/news/what-the-road-bond-pays-for?page=2",
			"https://millbrooklibrary.example/events/road-bond-forum"}},
		{"bing-news.xml", []string{"https://ledgerwire.example/news/canvass-begins-monday", "https://civictimes.example/explainers/canvass?id=77",
			"https://ridgebulletin.example/notices/canvass-observers"}},
		// Each item's page, and beside it, before or after, a <link
		// rel="self"> to the feed, as Arc XP writes them.
		{"self-links.xml", []string{"https://www.statehouseledger.example/politics/2024/11/06/recount-petitions/?utm_medium=referral&utm_source=rss&utm_campaign=headlines",
			"https://www.statehouseledger.example/politics/2024/11/06/turnout-map/?utm_medium=referral&utm_source=rss&utm_campaign=headlines",
			"https://www.statehouseledger.example/politics/2024/11/05/session-agenda/?utm_medium=referral&utm_source=rss&utm_campaign=headlines"}},
		// Links written as HTML anchors, as DreamVids' RSS view prints
		// them, and after a comment.
		{"anchor-links.xml", []string{"https://clipdepot.example/watch/481", "https://clipdepot.example/watch/482", "https://clipdepot.example/watch/483"}},
		// Backslashes for slashes ("http:\\site.example\posts\42").
		{"backslash-links.xml", []string{"http://barrio-blog.example/posts/41", "http://barrio-blog.example/posts/42?vista=completa"}},
		// Rels in capitals or with spaces around them.
		{"rel-case.atom", []string{"https://lakeshoretownship.example/clerk/news/unofficial-results",
			"https://lakeshoretownship.example/clerk/news/drop-box-hours", "https://lakeshoretownship.example/clerk/news/precinct-2-moves"}},
		// Blogger's feed cut between an entry's comments' page and its
		// alternate link: the page of its comments, without their anchor,
		// is the entry's.
		{"blogger-cut.atom", []string{"https://ballotbench.blogspot.example/2024/11/recount-request.html",
			"https://ballotbench.blogspot.example/2024/11/seal-logs.html", "https://ballotbench.blogspot.example/2024/11/last-voter.html"}},
		// Spaces around the addresses in href attributes, as hand-written
		// feeds leave them: no part of the address.
		{"spaced-hrefs.atom", []string{"https://orchardvalleywater.example/board/news/rate-hearing-moved",
			"https://orchardvalleywater.example/board/news/seat-3-certified", "https://media.orchardvalleywater.example/board/2024-11-04.mp3"}},
		// Cut so too, where the blog takes comments on Blogger's own
		// form: the page of its comments is that form, no page of the
		// entry's, and the cut entry has no link.
		{"blogger-comment-form-cut.atom", []string{"https://wardsix.blogspot.example/2024/11/provisional-ballots.html",
			"https://wardsix.blogspot.example/2024/11/school-gym-midnight.html", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			if got := itemLinks(parseCorpus(t, tt.file)); strings.Join(got, " ") != strings.Join(tt.links, " ") {
				t.Fatalf("links %q, want %q", got, tt.links)
			}
		})
	}
}

// TestParseReadsItemAuthors checks the names of each item's authors: an
// Atom entry naming none has its source's, else its feed's (RFC 4287), and
// an author written as markup (a byline's link, a card of elements, Dublin
// Core creators escaped as links) is the text of its name.
func TestParseReadsItemAuthors(t *testing.T) {
	tests := []struct {
		file    string
		authors []string // of each item, in order, joined by "; "
	}{
		{"atom-feed-authors.atom", []string{"Mei Tanaka", "Dana Whitfield; Luis Ortega", "Office of the County Clerk"}},
		{"markup-authors.xml", []string{"by Ann Lee", "Raj Patel", "Chidi Okafor (Ridgefield College), Linh Nguyen (State University)", "Courier Staff"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := itemsOf(parseCorpus(t, tt.file), func(it *Item) string { return strings.Join(it.Authors, "; ") })
			if !slices.Equal(got, tt.authors) {
				t.Fatalf("authors %q, want %q", got, tt.authors)
			}
		})
	}
}

// TestParseReadsJSONFeedAuthors checks the authors of a JSON Feed's
// items: 1.1's list, else 1.0's one author, else the feed's; a list
// written as one author, or as names; and one of no author's shape said
// in the feed's note.
func TestParseReadsJSONFeedAuthors(t *testing.T) {
	tests := []struct {
		name, field string // the item's field naming its authors
		authors     string // joined by "; "
		note        string
	}{
		{"list", `"authors":[{"name":"Mei Tanaka"},{"name":"Luis Ortega"}]`, "Mei Tanaka; Luis Ortega", ""},
		{"1.0's author", `"author":{"name":"Mei Tanaka","url":"https://harbornotes.example/mei"}`, "Mei Tanaka", ""},
		{"list before 1.0's author", `"author":{"name":"M. Tanaka"},"authors":[{"name":"Mei Tanaka"}]`, "Mei Tanaka", ""},
		{"none", ``, "Harbor Desk", ""},
		{"an avatar alone", `"authors":[{"avatar":"https://harbornotes.example/a.png"}]`, "Harbor Desk", ""},
		{"one without its list", `"authors":{"name":"Mei Tanaka"}`, "Mei Tanaka", ""},
		{"names", `"authors":["Mei Tanaka","Luis Ortega"]`, "Mei Tanaka; Luis Ortega", ""},
		{"a name alone", `"author":"Mei Tanaka"`, "Mei Tanaka", ""},
		{"a number", `"authors":42`, "Harbor Desk", "item 1: authors: want a list of authors, got a number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			item := `{"id":"1","url":"https://harbornotes.example/1","content_text":"Ferry runs twice."`
			if tt.field != "" {
				item += "," + tt.field
			}
			doc := `{"version":"https://jsonfeed.org/version/1.1","title":"Harbor Notes","authors":[{"name":"Harbor Desk"}],"items":[` + item + `}]}`
			f, err := Parse([]byte(doc), "application/feed+json", "https://harbornotes.example/feed.json")
			if err != nil || len(f.Items) != 1 {
				t.Fatalf("%v, %d items", err, len(f.Items))
			}
			if got := strings.Join(f.Items[0].Authors, "; "); got != tt.authors {
				t.Errorf("authors %q, want %q", got, tt.authors)
			}
			if tt.note == "" && f.Malformed != "" || !strings.Contains(f.Malformed, tt.note) {
				t.Errorf("note %q, want %q", f.Malformed, tt.note)
			}
		})
	}
}

// TestParseReadsAtomTextInRSS checks that an RSS item's <summary> or
// <content> of no namespace, Atom's, is its text where it has no other.
func TestParseReadsAtomTextInRSS(t *testing.T) {
	got := itemsOf(parseCorpus(t, "atom-text-in-rss.xml"), func(it *Item) string { return it.Summary })
	want := []string{"Four hundred doors, ninety conversations, two dogs.",
		"<p>Coffee for the poll workers is at the side door until seven.</p>", "We watched the count come in at the library."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("summaries %q, want %q", got, want)
	}
}

// TestParseReadsRelsInAnyCase checks that rel="Alternate" names the
// feed's site as it names its entries' pages.
func TestParseReadsRelsInAnyCase(t *testing.T) {
	if f := parseCorpus(t, "rel-case.atom"); f.SiteURL != "https://lakeshoretownship.example/clerk/" {
		t.Errorf("site %q", f.SiteURL)
	}
}

// TestParseMovesPreviewAddressesToTheSite checks a feed built with its
// generator's preview address (Jekyll's "http://localhost:4000"): its
// links, GUIDs and pictures name the site that serves it, unless that is
// this machine too.
func TestParseMovesPreviewAddressesToTheSite(t *testing.T) {
	body := readCorpus(t, "preview-host.atom")
	f, err := Parse(body, "", "https://wardnotes.example/wardnotes/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	it := f.Items[0]
	const page = "https://wardnotes.example/wardnotes/notes/2024/11/06/counting-day"
	if f.SiteURL != "https://wardnotes.example/wardnotes/" || it.Link != page+".html" || it.GUID != page ||
		len(it.Images) != 1 || it.Images[0].URL != "https://wardnotes.example/wardnotes/assets/img/tally-sheet.png" {
		t.Errorf("site %q, item %+v", f.SiteURL, it)
	}
	// Served from this machine, even where the site's link is public.
	public := bytes.Replace(body, []byte(`href="http://localhost:4000/wardnotes/" rel="alternate"`), []byte(`href="https://wardnotes.example/wardnotes/" rel="alternate"`), 1)
	for _, b := range [][]byte{body, public} {
		f, err = Parse(b, "", "http://127.0.0.1:4000/wardnotes/feed.xml")
		if err != nil || f.Items[0].Link != "http://localhost:4000/wardnotes/notes/2024/11/06/counting-day.html" {
			t.Fatalf("served from this machine: %v, %+v", err, f.Items)
		}
	}
}

// TestLinkHostNamesTheHostAsURLParseDoes checks the quick look at a
// link's host that spares parsing every link of every item.
func TestLinkHostNamesTheHostAsURLParseDoes(t *testing.T) {
	for _, link := range []string{
		"http://localhost:4000/notes/a.html", "https://LOCALHOST/a", "http://user:pw@127.0.0.1:8080/x?y=1",
		"http://[::1]:4000/", "http://[::1]/a", "https://site.example?x=1", "https://site.example#top",
		"https://site.example:8443/a/b", "/relative/path", "", "mailto:clerk@site.example",
	} {
		want := ""
		if u, err := url.Parse(link); err == nil {
			want = u.Hostname()
		}
		if got := linkHost(link); got != want {
			t.Errorf("linkHost(%q) = %q, url.Parse gives %q", link, got, want)
		}
	}
}

// TestParseReadsTitles checks titles written with what looks like markup:
// a tag of no HTML element ("</Suspense>", "<PrecinctMap />") is words
// about markup and kept, HTML escaped into a title is markup and dropped.
func TestParseReadsTitles(t *testing.T) {
	tests := []struct {
		file   string
		titles []string
	}{
		{"escaped-tag-titles.xml", []string{"Fixing </Suspense> boundaries that never resolve", "Why the ballot parser stops at </contest>",
			"Rendering <PrecinctMap /> on the server", "Release notes for results viewer 2.4"}},
		// Atom titles that are text (type "text", or none) naming HTML's
		// elements ("<br>", "<em>"), as Q&A sites' tag feeds write
		// them: text, where a title of type "html" is markup.
		{"text-titles.atom", []string{"Why does <br> inside a <label> break the ballot form layout?", "When to use <em> and when <i> for candidate names",
			"Styling the results table"}},
		// JSON Feed titles escaped twice ("&amp;#39;"), as RSS-Bridge
		// writes them: decoded as RSS and Atom titles so written are.
		{"double-escaped.json", []string{"The courthouse bell's first election night", `"Glass ballot boxes" & why they went away`,
			"The first clerk's ledger, R&D notes & all"}},
		// Items titled only by their video's media:title, as video sites
		// give them (feedparser reads it as the title); an item's own
		// title is kept over its video's file name, and a picture's title
		// (the author's Gravatar, as WordPress.com names it) titles no
		// untitled post.
		{"media-titles.xml", []string{"Canvass board swears in its new members", "Ballot drop box pickup, start to finish",
			"Public comment: the polling place on Birch Street", ""}},
		// Newsletters turned into a feed, their mail's line breaks
		// written as vertical tabs and form feeds (XML allows neither):
		// white space, not nothing.
		{"newsletter-controls.atom", []string{"Polls close at 8 what to bring with you", "The count, ward by ward"}},
		// A UTF-8 feed in Russian with an item in Windows-1251, as a site
		// keeps its older items: its bytes that are not UTF-8 are read in
		// its language's usual code page.
		// Noncharacters XML allows nowhere (U+FFFE, a byte-order mark
		// read the wrong way round, and U+FFFF) in an item: dropped,
		// where Go's XML decoder stopped on them.
		// Windows-1250 declared as ISO-8859-2, as Polish and Czech sites
		// write theirs: "Ś", "ź", the quotes and dash are C1 controls in
		// ISO-8859-2, and "ą" is its "š".
		{"cp1250-declared-latin2.xml", []string{"Źródło w parku znów czynne – „woda jest czysta”", "Żółte autobusy wracają na trasę do Łagowa"}},
		{"noncharacters.xml", []string{"Board adopts the 2025 levy", "Minutes of the October 28 meeting", "Polling place hours"}},
		{"mixed-1251.xml", []string{"Избирательные участки открылись в восемь утра", "Архив: как голосовали пять лет назад"}},
		// Titles escaped before a CDATA section wraps them, as WordPress
		// plugins write them ("&amp;#8217;" in the section), and soft
		// hyphens (&shy;), as German newsrooms break their long words:
		// read as the words a browser shows.
		{"escaped-in-cdata.xml", []string{`Landrat’s "Briefwahl" & the count`, "Bundestagswahl: Wahllokale öffnen"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := itemsOf(parseCorpus(t, tt.file), func(it *Item) string { return it.Title })
			if strings.Join(got, "|") != strings.Join(tt.titles, "|") {
				t.Errorf("titles %q, want %q", got, tt.titles)
			}
		})
	}
}

// TestParseReadsTextsEscapedTwice checks the text of items whose HTML a
// generator escaped again before wrapping it in a CDATA section, and
// that breaks its words with soft hyphens: an excerpt shows the words,
// not "&#8217;", "&nbsp;" or an invisible hyphen inside a word.
func TestParseReadsTextsEscapedTwice(t *testing.T) {
	got := itemsOf(parseCorpus(t, "escaped-in-cdata.xml"), func(it *Item) string { return PlainText(it.Summary) })
	want := []string{"The clerk’s office opened at 8 a.m. – a first.", "Die Wahllokale öffnen um acht."}
	if !slices.Equal(got, want) {
		t.Errorf("texts %q, want %q", got, want)
	}
}

// TestParseReadsITunesSummariesAsText checks podcast episodes described
// only by their iTunes summary, which is plain text: a "<" in it ("when
// k<n") is a character, where a summary that holds markup, as hosts write
// theirs, is HTML, and an episode's own description comes first. One
// described by its iTunes subtitle alone has that, as text too.
func TestParseReadsITunesSummariesAsText(t *testing.T) {
	tests := []struct {
		file      string
		summaries []string // the text of each item's, in order
	}{
		{"itunes-summaries.xml", []string{
			"When k<n ballots are left the count holds; when n>2k it is called. Turnout <40% in two wards.",
			"Where the drop boxes are. Who empties them, and when.",
			"Training day: k<n is fine.",
		}},
		{"itunes-subtitles.xml", []string{
			"Why some ballots wait a week, and when k<n of them can change a race.",
			"How a poll book is checked against the rolls, paper and tablet alike.",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := itemsOf(parseCorpus(t, tt.file), func(it *Item) string { return PlainText(it.Summary) })
			if !slices.Equal(got, tt.summaries) {
				t.Errorf("summaries %q, want %q", got, tt.summaries)
			}
		})
	}
}

// TestParseReadsAtomTextAsText checks Atom summaries and contents that are
// text (of type "text", or of none), as arXiv writes its abstracts: a "<"
// in them ("for $k<n$") is a character, not the start of a tag that would
// take the words after it, where a summary of type "html" is markup.
func TestParseReadsAtomTextAsText(t *testing.T) {
	f := parseCorpus(t, "text-summaries.atom")
	got := itemsOf(f, func(it *Item) string { return PlainText(it.Summary + " " + it.Content) })
	want := []string{
		"arXiv:2411.03117v1 Announce Type: new Abstract: We colour the adjacency graph of a county's precincts. For $k<n$ colours the bound holds, and for $n>2k$ it fails. The case p<q remains open.",
		"Abstract: A ballot's long list of measures folds under <details> and <summary>; a<b>c is not bold.",
		"Abstract: turnout peaks at 7.",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("texts %q, want %q", got, want)
	}
}

// TestParseReadsAtom03TextAsText checks that an Atom 0.3 title, summary or
// content escaped or in base64 is read as text when its type says it is
// (text/plain), as the draft has it, and as HTML when its type says so.
func TestParseReadsAtom03TextAsText(t *testing.T) {
	tests := []struct {
		name, elems string
		title, text string // the item's title and the plain text of its summary and content
	}{
		{"escaped content", `<content type="text/plain" mode="escaped">Wrap it in &lt;b&gt; &amp; it is bold</content>`,
			"Entry", "Wrap it in <b> & it is bold"},
		{"escaped summary", `<summary type="text/plain" mode="escaped">Hold &lt;Ctrl&gt; and click</summary>`,
			"Entry", "Hold <Ctrl> and click"},
		{"base64 content", `<content type="text/plain" mode="base64">V3JhcCBpdCBpbiA8Yj4gdG8gYm9sZA==</content>`,
			"Entry", "Wrap it in <b> to bold"},
		{"escaped title", `<title type="text/plain" mode="escaped">Why &lt;br&gt; breaks</title>`,
			"Why <br> breaks", ""},
		{"escaped HTML", `<title type="text/html" mode="escaped">An &lt;em&gt;HTML&lt;/em&gt; title</title><content type="text/html" mode="escaped">&lt;p&gt;Wrap it in &lt;b&gt;bold&lt;/b&gt;&lt;/p&gt;</content>`,
			"An HTML title", "Wrap it in bold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			elems := tt.elems
			if !strings.Contains(elems, "<title") {
				elems = "<title>Entry</title>" + elems
			}
			doc := `<?xml version="1.0" encoding="utf-8"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>Harbor Board</title>` +
				`<entry><link rel="alternate" type="text/html" href="https://harborboard.example/1"/><id>tag:harborboard.example,2024:1</id>` +
				`<issued>2024-11-05T10:30:02-08:00</issued>` + elems + `</entry></feed>`
			f, err := Parse([]byte(doc), "", "https://harborboard.example/atom.xml")
			if err != nil || len(f.Items) != 1 {
				t.Fatalf("%v, %d items", err, len(f.Items))
			}
			it := f.Items[0]
			if it.Title != tt.title {
				t.Errorf("title %q, want %q", it.Title, tt.title)
			}
			if got := PlainText(strings.TrimSpace(it.Summary + " " + it.Content)); got != tt.text {
				t.Errorf("text %q, want %q (summary %q, content %q)", got, tt.text, it.Summary, it.Content)
			}
		})
	}
}

// TestParseNamesAnAggregatorsPublishers checks the publisher an
// aggregator's item names in its <source>: Google News' items, whose links
// are on news.google.com, are their publishers', and their titles lose the
// publisher's name Google News ends them with; a feed's <source> naming its
// own site, or an item linking to the site its source names, names no
// other publisher.
func TestParseNamesAnAggregatorsPublishers(t *testing.T) {
	publishers := func(f *Feed) []string {
		return itemsOf(f, func(it *Item) string { return it.Publisher + " " + it.PublisherURL + " " + it.Title })
	}
	want := []string{
		"The County Ledger https://countyledger.example Where to vote: every polling place in the county",
		"Harbor City Register https://www.harborcityregister.example Turnout tops 70% in three wards",
		"Valley Wire https://valleywire.example Recount requested in District 9",
	}
	if got := publishers(parseCorpus(t, "google-news.xml")); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Google News: %q, want %q", got, want)
	}
	for _, got := range publishers(parseCorpus(t, "go-time-dates.xml")) {
		if !strings.HasPrefix(got, "  ") {
			t.Errorf("a feed's own source: %q", got)
		}
	}
	planet := `<rss version="2.0"><channel><title>Planet Precincts</title><link>https://planet.example/</link>
<item><title>Counting day - Ward Notes</title><link>https://wardnotes.example/counting-day</link>
<source url="https://wardnotes.example/feed.xml">Ward Notes</source></item></channel></rss>`
	f, err := Parse([]byte(planet), "", "https://planet.example/rss")
	if err != nil || len(f.Items) != 1 || f.Items[0].Publisher != "" || f.Items[0].Title != "Counting day - Ward Notes" {
		t.Errorf("planet: %v, %+v", err, f.Items)
	}
}

// TestParseRecoversOtherShapes covers shapes of brokenness seen less often:
// a truncated RSS 1.0 document, items outside any channel, a link broken
// over lines, text before the root element.
func TestParseRecoversOtherShapes(t *testing.T) {
	tests := []struct {
		name, doc string
		links     []string
	}{
		{"truncated RDF", `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/">
<channel rdf:about="https://r.example/"><title>R</title><link>https://r.example/</link></channel>
<item rdf:about="https://r.example/1"><title>One</title><link>https://r.example/1</link></item>
<item rdf:about="https://r.example/2"><title>Two</title><link>https://r.example/2</link><description>cut he`,
			[]string{"https://r.example/1", "https://r.example/2"}},
		{"items outside the channel", `<rss version="0.91"><channel><title>C</title><link>https://c.example/</link></channel>
<item><title>A</title><link>https://c.example/a</link></item><item><title>B</title><link>https://c.example/b</link></item></rss>`,
			[]string{"https://c.example/a", "https://c.example/b"}},
		{"link over two lines", `<rss version="2.0"><channel><title>L</title><item><title>A</title><link>https://l.example/2024/
  a-long-slug</link></item></channel></rss>`,
			[]string{"https://l.example/2024/a-long-slug"}},
		{"entity names as query parameters", `<rss version="2.0"><channel><title>E</title><item><title>A</title>
<link>https://e.example/story?id=7&reg=eu&lang=fr&amp;page=2</link><enclosure url="https://e.example/a.mp3?x=1&copy=2" type="audio/mpeg"/></item></channel></rss>`,
			[]string{"https://e.example/story?id=7&reg=eu&lang=fr&page=2"}},
		{"an Atom link in an RSS item", `<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel><title>T</title>
<item><title>A</title><atom:link href="https://t.example/a" rel="alternate"/></item></channel></rss>`,
			[]string{"https://t.example/a"}},
		{"prefixed Atom, truncated", `<atom:feed xmlns:atom="http://www.w3.org/2005/Atom"><atom:title>T</atom:title>
<atom:entry><atom:title>A</atom:title><atom:link href="https://p.example/a"/></atom:entry>
<atom:entry><atom:title>B</atom:title><atom:link href="https://p.example/b"/>`,
			[]string{"https://p.example/a", "https://p.example/b"}},
		{"a \"<\" in the root's start tag, cut short", `<rss version="2.0" generator="Newsroom <v2>"><channel><title>B</title>
<item><title>A</title><link>https://b.example/a</link></item><item><title>B</title><link>https://b.example/b</link></item><item><title>C</titl`,
			[]string{"https://b.example/a", "https://b.example/b", ""}},
		{"an internationalized host with a port", `<rss version="2.0"><channel><title>P</title><item><title>A</title><link>https://straße.example:8443/a</link></item></channel></rss>`,
			[]string{"https://xn--strae-oqa.example:8443/a"}},
		{"cut short just after \"<!\"", `<rss version="2.0"><channel><title>D</title><item><title>A</title><link>https://d.example/a</link></item><!`,
			[]string{"https://d.example/a"}},
		{"a warning before the document", "Warning: Cannot modify header information in feed.php on line 3\n" +
			`<?xml version="1.0"?><rss version="2.0"><channel><title>W</title><item><title>A</title><link>https://w.example/a</link></item></channel></rss>`,
			[]string{"https://w.example/a"}},
		{"Atom's namespace in lower case, with a slash after it", `<feed xmlns="http://www.w3.org/2005/atom/"><title>N</title>
<entry><title>A</title><link href="https://n.example/a"/><id>a</id></entry></feed>`,
			[]string{"https://n.example/a"}},
		{"Atom's namespace under https, given a prefix", `<atom:feed xmlns:atom='https://www.w3.org/2005/Atom'><atom:title>P</atom:title>
<atom:entry><atom:title>A</atom:title><atom:link href="https://p.example/a"/><atom:id>a</atom:id></atom:entry></atom:feed>`,
			[]string{"https://p.example/a"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse([]byte(tt.doc), "", "https://feeds.example/feed")
			if err != nil {
				t.Fatal(err)
			}
			if got := itemLinks(f); strings.Join(got, " ") != strings.Join(tt.links, " ") {
				t.Fatalf("links %q, want %q (malformed %q)", got, tt.links, f.Malformed)
			}
		})
	}
}

// TestParseBoundsEntityExpansion checks that a feed's own entities add
// at most the document's size: one of 10 KiB given 2,000 times in a feed
// of 30 KiB is read as far as that, the rest left as written and said.
func TestParseBoundsEntityExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n" + `<!DOCTYPE rss [<!ENTITY big "` + strings.Repeat("x", 10<<10) + `">]>` + "\n")
	b.WriteString("<rss version=\"2.0\"><channel><title>Big</title>\n")
	for i := range 10 {
		fmt.Fprintf(&b, "<item><title>Item %d</title><link>https://big.example/%d</link><description>%s</description></item>\n",
			i, i, strings.Repeat("&big;", 200))
	}
	b.WriteString("</channel></rss>\n")
	doc := []byte(b.String())
	f, err := Parse(doc, "", "https://big.example/feed")
	if err != nil {
		t.Fatal(err)
	}
	var read int
	for _, it := range f.Items {
		read += len(it.Summary)
	}
	if read > 2*len(doc) {
		t.Errorf("items hold %d bytes from a document of %d: the entity was expanded without bound", read, len(doc))
	}
	if !strings.Contains(f.Malformed, "expand past the document's size") {
		t.Errorf("malformed %q, want the expansion's limit said", f.Malformed)
	}
}

// TestParseUnwrapsEscapedCDATA checks titles and HTML that a generator
// wrapped in a CDATA section and then escaped ("&lt;![CDATA[…]]&gt;"): the
// section's text is the title or the HTML, as it is where the section is
// not escaped, not text that starts "<![CDATA[" or HTML that holds none.
func TestParseUnwrapsEscapedCDATA(t *testing.T) {
	f := parseCorpus(t, "escaped-cdata.xml")
	if f.Title != "Channel 9 Valley News" {
		t.Errorf("feed title %q", f.Title)
	}
	titles := itemsOf(f, func(it *Item) string { return it.Title })
	texts := itemsOf(f, func(it *Item) string { return PlainText(it.Summary + " " + it.Content) })
	for i, want := range [][2]string{
		{"Early voting lines wrap the library", "Some voters waited two hours on the last day."},
		{"Sample ballots mailed this week", "Check yours for the new precinct."},
		{"Polling place moves for precinct 14", "The church hall is under repair. Voters go to the fire station instead."},
	} {
		if titles[i] != want[0] || texts[i] != want[1] {
			t.Errorf("item %d: %q, %q; want %q", i, titles[i], texts[i], want)
		}
	}
	if im := f.Items[1].Images; len(im) != 1 || im[0].URL != "https://valleynews9.example/wp-content/uploads/2024/11/ballot.jpg" {
		t.Errorf("images %+v", im)
	}
}

// TestParseReadsItemDates checks the dates feeds write in other forms
// than RFC 822 and RFC 3339, each read as the time it says: Russian
// month names, a zone named by its abbreviation (Australia's, Japan's, New
// Zealand's too, which Go would read as UTC), a comment after the zone,
// Unix time in seconds and milliseconds, ordinal days, JSON Feed dates
// with a space for the "T" or an offset without its colon, ISO 8601's
// other forms (one-digit seconds, an offset in hours only, its basic
// format, "24:00:00"), slashes for dashes, an offset from GMT or UTC, the
// form Go prints a time in. A date that does not read (or Go's zero time)
// leaves the item undated, not unread.
func TestParseReadsItemDates(t *testing.T) {
	tests := []struct {
		file string
		want []string // each item's date, RFC 3339 in UTC; "" for none
	}{
		{"ru-dates.xml", []string{"2024-11-05T05:15:00Z", "2024-11-05T09:40:00Z", "2024-11-04T00:00:00Z"}},
		// Greek day and month names, as Greek sites write RFC 822's
		// (feedparser reads them), in Windows-1253.
		{"greek-dates.xml", []string{"2024-11-05T08:00:00Z", "2024-06-23T15:30:00Z", "2024-05-11T06:00:00Z"}},
		{"odd-dates.xml", []string{"2024-11-05T10:00:00Z", "2024-11-04T10:00:00Z", "2024-11-03T00:00:00Z", "2024-11-02T21:30:00Z", ""}},
		{"escaped-titles.json", []string{"2024-11-05T10:00:00Z", "2024-11-04T17:30:00Z", "2024-10-28T06:45:00Z"}},
		{"zone-names.xml", []string{"2024-11-04T23:00:00Z", "2024-11-04T09:30:00Z", "2024-11-02T19:15:00Z", "2024-11-02T21:30:00Z", "2024-11-01T08:00:00Z",
			"2024-10-31T21:30:00Z", "2024-10-31T03:00:00Z"}},
		{"iso-dates.xml", []string{"2024-11-05T11:35:09Z", "2024-11-04T15:00:00Z", "2024-11-03T09:00:00Z", "2024-11-03T00:00:00Z",
			"2024-11-01T16:30:00Z", "2024-10-31T16:00:00Z", "2024-10-30T14:00:00Z"}},
		// A Perforce date with its day name, in its zone; a month alone;
		// two-digit years; a year alone is no date.
		{"short-dates.xml", []string{"2024-11-01T12:30:00Z", "2024-10-01T00:00:00Z", "2024-10-28T00:00:00Z", "2024-10-27T00:00:00Z", ""}},
		{"go-time-dates.xml", []string{"2024-10-28T23:30:00Z", "2024-10-30T08:15:42Z", ""}},
		// Offsets with a one-digit hour, or glued to the time, as Indian
		// publishers' feeds write them ("22:52:30+5:30").
		// Persian digits, as Iranian WordPress sites' date plugins write an
		// Atom entry's <published>: Solar Hijri dates ("۱۴۰۳-۰۸-۱۵", which
		// feedparser reads as of the year 1403) and a Gregorian one.
		// Turkish and Polish day and month names, abbreviated or not,
		// as their news sites write RFC 822's (the Turkish in ISO-8859-9).
		{"tr-dates.xml", []string{"2024-11-05T07:00:00Z", "2024-10-14T05:30:00Z", "2024-12-02T09:15:00Z"}},
		{"pl-dates.xml", []string{"2024-11-05T09:00:00Z", "2024-10-14T06:00:00Z", "2024-11-05T14:30:00Z"}},
		// Dates as Japanese and Korean sites write them (the Korean in
		// EUC-KR): year, month and day by their signs, the afternoon
		// before its time.
		{"ja-dates.xml", []string{"2024-11-05T10:00:00Z", "2024-11-04T09:30:00Z"}},
		{"ko-dates.xml", []string{"2024-11-05T10:00:00Z", "2024-11-04T15:30:00Z"}},
		{"persian-dates.atom", []string{"2024-11-05T10:30:00Z", "2024-11-02T11:32:00Z", "2024-11-01T05:30:00Z"}},
		{"glued-offsets.xml", []string{"2024-11-06T17:22:30Z", "2024-11-06T02:35:00Z", "2024-11-05T13:55:00Z", "2024-11-05T13:00:00Z", "2024-11-05T04:30:00Z"}},
	}
	// A date that does not read is said in the feed's note, so its owner
	// can mend it.
	notes := map[string]string{
		"odd-dates.xml":     `1 item's date could not be read ("sometime last week"): dated by another date given, or when read: all 5 items read`,
		"short-dates.xml":   `1 item's date could not be read ("2024"): dated by another date given, or when read: all 5 items read`,
		"go-time-dates.xml": `1 item's date could not be read ("0001-01-01 00:00:00 +0000 UTC"): dated by another date given, or when read: all 3 items read`,
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f := parseCorpus(t, tt.file)
			got := itemsOf(f, func(it *Item) string {
				if it.Published.IsZero() {
					return ""
				}
				return it.Published.Format(time.RFC3339)
			})
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("dates %q, want %q", got, tt.want)
			}
			if f.Malformed != notes[tt.file] {
				t.Errorf("malformed %q, want %q", f.Malformed, notes[tt.file])
			}
		})
	}
}

// TestParseReadsOtherItemDates checks the dates an item gives only in
// another vocabulary's elements, as feedparser reads them: Atom 0.3's
// issued, created and modified, and Dublin Core's terms, inside RSS
// items; an Atom 1.0 updated inside one; dc:date inside an Atom entry.
// Each is read only where the item has no date of its own, issued and
// created as its publication, modified as its update.
func TestParseReadsOtherItemDates(t *testing.T) {
	tests := []struct {
		file string
		want []string // each item's "published updated", RFC 3339 in UTC; "-" for none
	}{
		{"ext-dates.xml", []string{
			"2024-10-18T09:00:00Z 2024-10-20T12:00:00Z", // atom03 issued, modified
			"- 2024-10-21T19:30:00Z",                    // atom03 modified only
			"2024-10-22T08:00:00Z -",                    // atom03 created
			"2024-10-23T10:00:00Z 2024-10-23T14:00:00Z", // dcterms created, modified
			"- 2024-10-24T16:45:00Z",                    // dcterms modified only
			"2024-10-25T11:00:00Z -",                    // dcterms issued
			"- 2024-10-26T13:20:00Z",                    // Atom 1.0 updated
			"2024-10-27T18:00:00Z -",                    // its own pubDate before dcterms created
		}},
		{"dc-dates.atom", []string{"2024-10-28T17:00:00Z -", "2024-10-29T07:00:00Z -"}},
		// An advisories' RDF feed whose dc:date is a note's last revision
		// and dcterms:issued its publication: issued is the item's date,
		// dc:date its update; alone, dc:date stays both, as gofeed reads it.
		{"dcterms-issued.rdf", []string{
			"2024-11-04T15:00:00Z 2024-11-12T00:30:00Z", // issued, with dc:date and modified
			"2024-11-01T05:00:00Z 2024-11-01T05:00:00Z", // dc:date only
			"2024-10-30T01:00:00Z 2024-11-08T09:00:00Z", // issued before dc:date, no modified
		}},
		// Atom's <updated> and <published> in RSS items, without its
		// namespace, as @astrojs/rss's customData adds them.
		{"custom-dates.xml", []string{"2024-11-05T00:00:00Z 2024-11-06T10:00:00Z", "- 2024-11-04T09:30:00Z", "2024-11-03T08:00:00Z -"}},
	}
	format := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Format(time.RFC3339)
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := itemsOf(parseCorpus(t, tt.file), func(it *Item) string { return format(it.Published) + " " + format(it.Updated) })
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("dates\n%q, want\n%q", got, tt.want)
			}
		})
	}
}

// TestParseDecodesEscapedJSONFeedTitles checks JSON Feed titles a
// generator escaped as HTML ("Q&amp;A", "&#8217;"): the references are
// decoded, as lenient readers decode them, and what looks like a tag, or
// a "&" that starts no reference, stays text.
func TestParseDecodesEscapedJSONFeedTitles(t *testing.T) {
	f, err := Parse(readCorpus(t, "escaped-titles.json"), "application/feed+json", "https://millerquarterly.example/feed/json")
	if err != nil {
		t.Fatal(err)
	}
	if f.Title != "Miller & Daughters Quarterly" {
		t.Errorf("feed title %q", f.Title)
	}
	want := []string{"The County Clerk’s Q&A: “Every ballot counts”", "Ranked choice, explained – with <i>one</i> chart", "Ballots & barns: voting in the valley"}
	var got []string
	for _, it := range f.Items {
		got = append(got, it.Title)
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("titles %q, want %q", got, want)
	}
	for in, want := range map[string]string{"R&D;s budget": "R&D;s budget", "&copy 2024 &amp;c.": "&copy 2024 &c.", "&#x1F5F3; Vote": "🗳 Vote",
		"&#65;&#55357;&#56832;&#xd83d;&#xde00;": "A😀😀", "&#55357; &#56832;": ""} {
		if got := unescapeText(in); got != want {
			t.Errorf("unescapeText(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestParseJoinsSurrogatePairs checks a character outside the Basic
// Multilingual Plane (an emoji) written, as some generators write it, as
// two references to the halves of its UTF-16 surrogate pair: the two are
// read as the one character, in the feed's XML, in HTML inside a CDATA
// section, and in a JSON Feed; a lone half is no character and is
// dropped.
func TestParseJoinsSurrogatePairs(t *testing.T) {
	tests := []struct {
		file   string
		titles []string
		texts  []string // each item's summary, or content when it has none, as plain text
	}{
		{"surrogate-refs.xml", []string{"Block party after the polls close 🎉", "Bake sale for the school roof 🍰", "Lost cat on Quarry Lane please call"},
			[]string{"Bring a dish 😀 and a chair.", "Pies, cakes & cookies 👍", "Grey, answers to Pebble."}},
		{"surrogate-refs.json", []string{"Community garden day 🌱"}, []string{"Gloves provided 👍"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Parse(readCorpus(t, tt.file), "", "https://quarrylane.example/feed")
			if err != nil {
				t.Fatal(err)
			}
			var titles, texts []string
			for _, it := range f.Items {
				titles = append(titles, it.Title)
				texts = append(texts, PlainText(cmp.Or(it.Summary, it.Content)))
				if html := it.Summary + it.Content; strings.Contains(html, "&#55") || strings.Contains(html, "&#xD8") {
					t.Errorf("item %q keeps the halves in its HTML: %q", it.Title, html)
				}
			}
			if strings.Join(titles, "|") != strings.Join(tt.titles, "|") {
				t.Errorf("titles %q, want %q", titles, tt.titles)
			}
			if strings.Join(texts, "|") != strings.Join(tt.texts, "|") {
				t.Errorf("texts %q, want %q", texts, tt.texts)
			}
		})
	}
}

// TestParseResolvesAgainstXMLBase checks what is relative to an xml:base
// naming a file ("…/wp-atom.php", a day's page): it is resolved as RFC
// 3986 (and feedparser, and browsers) resolve it, against the file's
// folder, not as if the file were a folder. An Atom id used as a link,
// the images of the HTML, and enclosures are resolved so too; an RSS
// enclosure is relative to the site, as Miniflux reads it, not to the
// item's page.
func TestParseResolvesAgainstXMLBase(t *testing.T) {
	f, err := Parse(readCorpus(t, "xml-base.atom"), "", "https://quarrynotes.example/feed/atom/")
	if err != nil || len(f.Items) != 3 {
		t.Fatalf("%v, %+v", err, f)
	}
	if f.SiteURL != "https://quarrynotes.example/" {
		t.Errorf("site %q", f.SiteURL)
	}
	it := f.Items[0]
	if it.GUID != "https://quarrynotes.example/wp-atom.php?p=412" {
		t.Errorf("id %q", it.GUID)
	}
	if im := it.Images; len(im) != 1 || im[0].URL != "https://quarrynotes.example/wp-content/uploads/2024/11/map.png" || im[0].Width != 640 {
		t.Errorf("images %+v", im)
	}
	if !strings.Contains(it.Summary, `src="https://quarrynotes.example/wp-content/uploads/2024/11/map.png"`) {
		t.Errorf("summary %q", it.Summary)
	}
	if e := it.Enclosures; len(e) != 1 || e[0] != "https://quarrynotes.example/media/precinct-maps.mp3" {
		t.Errorf("enclosures %q", e)
	}
	if im := f.Items[2].Images; len(im) != 1 || im[0].URL != "https://quarrynotes.example/img/noon-line.jpg" {
		t.Errorf("images %+v", im)
	}
	f, err = Parse(readCorpus(t, "xml-base.xml"), "", "https://townpress.example/rss.xml")
	if err != nil || len(f.Items) != 2 {
		t.Fatalf("%v, %+v", err, f)
	}
	if e := f.Items[1].Enclosures; len(e) != 1 || e[0] != "https://townpress.example/audio/harbor-board.mp3" {
		t.Errorf("enclosures %q", e)
	}
}

// TestXMLBaseResolvesEveryFormOfReference checks each form a reference
// takes against an xml:base naming a file, and one naming a folder: the
// link reads as Go's ResolveReference (RFC 3986) resolves it.
func TestXMLBaseResolvesEveryFormOfReference(t *testing.T) {
	for _, base := range []string{"https://d.example/2024/11/05.html?view=day", "https://d.example/posts/", "http://d.example:8080/index.php"} {
		for _, ref := range []string{"", "#a1", "?id=5", "?id=5#a1", "a.html", "./", "../up.html", "/root.html", "/",
			"//cdn.example/x.mp3", "https://other.example/y", "sub/dir/?q=1&r=2"} {
			b, _ := url.Parse(base)
			r, _ := url.Parse(ref)
			want := b.ResolveReference(r).String()
			doc := `<feed xmlns="http://www.w3.org/2005/Atom" xml:base="` + html.EscapeString(base) + `"><title>D</title>
<entry><title>A</title><link href="` + html.EscapeString(ref) + `"/><id>tag:d.example,2024:a</id></entry></feed>`
			f, err := Parse([]byte(doc), "", "https://feeds.example/feed")
			if err != nil || len(f.Items) != 1 {
				t.Fatalf("%s + %q: %v", base, ref, err)
			}
			if got := f.Items[0].Link; got != want {
				t.Errorf("%s + %q = %q, want %q", base, ref, got, want)
			}
		}
	}
}
