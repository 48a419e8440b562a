package ingest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"

	"newshub/internal/model"
)

// corpusCase is what one file of testdata/corpus gives when ingested:
// lenient is how many items with an http(s) link a lenient reader finds
// in it (gofeed's count where gofeed reads the file, checked below; else
// counted by hand), stored how many become articles, and notStored the
// reasons for the rest.
type corpusCase struct {
	file      string
	lenient   int
	stored    int
	notStored map[string]int
	failed    bool // not a feed
	// group names files that carry one article between them: which of
	// them stores it depends on which is read first, so their counts
	// are checked summed.
	group string
}

var corpusCases = []corpusCase{
	{file: "youtube.xml", lenient: 2, stored: 2},
	{file: "reddit.xml", lenient: 2, stored: 2},
	{file: "medium.xml", lenient: 2, stored: 2},
	{file: "wordpress.xml", lenient: 3, stored: 3, group: "county ledger"},
	{file: "blogger.xml", lenient: 2, stored: 2},
	{file: "substack.xml", lenient: 2, stored: 2},
	{file: "github-releases.atom", lenient: 2, stored: 2},
	{file: "slashdot.rdf", lenient: 2, stored: 2},
	// Authors given as cards, each with a job <title> of its own.
	{file: "author-cards.xml", lenient: 2, stored: 2},
	// Five episodes linking to the show's page: four distinct ones, and
	// one given twice (same GUID and enclosure).
	{file: "podcast.xml", lenient: 5, stored: 4, notStored: map[string]int{ReasonDuplicate: 1}},
	// Episodes with no <link>, known by their media files (gofeed gives
	// them no link; readers such as Miniflux keep them), and a note with
	// neither.
	{file: "podcast-no-link.xml", lenient: 3, stored: 3, notStored: map[string]int{ReasonNoLink: 1}},
	// A day's posts on one page, told apart by their fragments; three
	// have no title.
	{file: "scripting.xml", lenient: 4, stored: 4},
	{file: "mastodon.xml", lenient: 3, stored: 3},
	// Untitled posts whose text breaks a line after a link, or runs over
	// two paragraphs: titled by their first words, the break a space.
	{file: "mastodon-breaks.xml", lenient: 2, stored: 2},
	{file: "micro.json", lenient: 3, stored: 3},
	// Its school-board item is the County Ledger's (wordpress.xml) with
	// tracking parameters; one item has no link.
	{file: "news-site.xml", lenient: 3, stored: 2, notStored: map[string]int{ReasonDuplicate: 1, ReasonNoLink: 1}, group: "county ledger"},
	// One item is no object, one has neither title nor text.
	{file: "wrong-types.json", lenient: 3, stored: 2, notStored: map[string]int{ReasonMalformed: 1, ReasonNoTitle: 1}},
	{file: "rss-in-json.json", failed: true},
	{file: "truncated-json.json", lenient: 2, stored: 2},
	// Written by a template: trailing commas, raw line breaks, a comment.
	{file: "json-template.json", lenient: 3, stored: 3},
	// A PHP notice before the JSON.
	{file: "php-warning.json", lenient: 2, stored: 2},
	{file: "truncated.xml", lenient: 3, stored: 3},
	{file: "truncated.atom", lenient: 3, stored: 3},
	// Cut in its last item's end tag, where a PHP fatal error was written.
	{file: "php-fatal.xml", lenient: 3, stored: 3},
	{file: "cdata-unterminated.xml", lenient: 3, stored: 3},
	{file: "cdata-nested.xml", lenient: 3, stored: 3},
	{file: "attr-junk.xml", lenient: 3, stored: 3},
	{file: "bare-amp.xml", lenient: 3, stored: 3},
	{file: "bom-junk.xml", lenient: 2, stored: 2},
	{file: "unclosed-wrapper.xml", lenient: 2, stored: 2},
	{file: "utf16le.xml", lenient: 2, stored: 2},
	{file: "utf16be.xml", lenient: 2, stored: 2},
	// Chinese in GB2312 with no encoding declared: read as the language's
	// usual encoding, not as Windows-1252 (a title is checked below).
	{file: "gb2312-undeclared.xml", lenient: 2, stored: 2},
	// Windows-1251, declared after a PHP warning.
	{file: "php-warning-1251.xml", lenient: 2, stored: 2},
	// UTF-8, but for two bytes, declared as ISO-8859-1.
	{file: "utf8-declared-latin1.xml", lenient: 2, stored: 2},
	{file: "atom-in-xhtml.html", lenient: 2, stored: 2},
	{file: "comment-dashes.xml", lenient: 3, stored: 3},
	{file: "case-mismatch.xml", lenient: 3, stored: 3},
	{file: "unquoted-attrs.xml", lenient: 3, stored: 3},
	// Items whose unquoted rdf:about ends in "/" before the ">".
	{file: "unquoted-about.rdf", lenient: 2, stored: 2},
	{file: "bad-charref.xml", lenient: 3, stored: 3},
	{file: "unclosed-parts.atom", lenient: 3, stored: 3},
	{file: "prefixed-unclosed.xml", lenient: 3, stored: 3},
	{file: "stray-end-tags.xml", lenient: 3, stored: 3},
	// Categories left open; an iTunes category around its subcategory.
	{file: "unclosed-category.xml", lenient: 3, stored: 3},
	// Descriptions left open, before the item's link and before its end.
	{file: "unclosed-description.xml", lenient: 3, stored: 3},
	// Photos posted on their own, known by their images; one item has
	// neither page nor picture.
	{file: "photo-enclosures.xml", lenient: 2, stored: 2, notStored: map[string]int{ReasonNoLink: 1}},
	{file: "attachments-only.json", lenient: 2, stored: 2, notStored: map[string]int{ReasonNoLink: 1}},
	{file: "atom-alternates.atom", lenient: 3, stored: 3},
	{file: "idn-links.xml", lenient: 3, stored: 3},
	// Links with a "%" that starts no escape ("50%-off").
	{file: "percent-links.xml", lenient: 3, stored: 3},
	{file: "atom-text-links.atom", lenient: 4, stored: 4},
	// Permalink GUIDs relative to the site; a draft's opaque one is no link.
	{file: "relative-guids.xml", lenient: 3, stored: 3, notStored: map[string]int{ReasonNoLink: 1}},
	// Titles naming tags of no HTML element ("</Suspense>").
	{file: "escaped-tag-titles.xml", lenient: 4, stored: 4},
	// Titles holding a "<" ("Vec<String>") and HTML not escaped.
	{file: "unescaped-markup.xml", lenient: 4, stored: 4},
	// Links through FeedBurner's redirect, the original address beside.
	{file: "feedburner.xml", lenient: 3, stored: 3},
	// Links written with entities its document type declares.
	{file: "doctype-entities.xml", lenient: 2, stored: 2},
	// Every item has the site's address as its GUID.
	{file: "shared-guid.xml", lenient: 3, stored: 3},
	// Dates with Russian month names; Unix times, ordinal days and one
	// date that does not read (its item is stored all the same).
	{file: "ru-dates.xml", lenient: 3, stored: 3},
	{file: "odd-dates.xml", lenient: 5, stored: 5},
	// Zones named by abbreviations Go does not know (AEDT, JST, NZDT,
	// MEST, PT).
	{file: "zone-names.xml", lenient: 7, stored: 7},
	// JSON Feed titles escaped as HTML, dates in SQL's form.
	{file: "escaped-titles.json", lenient: 3, stored: 3},
	// A cache plugin's gzip copy of a feed, served with no
	// Content-Encoding (the fetcher decompresses it).
	{file: "cached-gzip.xml", lenient: 2, stored: 2},
	// Offsets with a one-digit hour, or glued to the time.
	{file: "glued-offsets.xml", lenient: 5, stored: 5},
	// Atom titles that are text naming HTML's elements.
	{file: "text-titles.atom", lenient: 3, stored: 3},
	// Atom summaries and contents that are text holding a "<".
	{file: "text-summaries.atom", lenient: 3, stored: 3},
	// Episodes described only by their iTunes summaries, one holding "<".
	{file: "itunes-summaries.xml", lenient: 3, stored: 3},
	// One article given twice, its GUID the article's address with a
	// count of its republishing after a "#" ("#0", "#3").
	{file: "republished.xml", lenient: 4, stored: 3, notStored: map[string]int{ReasonDuplicate: 1}},
	// A day's posts on the day's page, told apart by their fragments,
	// with no GUIDs.
	{file: "day-pages.xml", lenient: 3, stored: 3},
	// A day's bulletins on the day's page, with neither fragments nor
	// GUIDs: told apart by their titles.
	{file: "day-bulletins.xml", lenient: 3, stored: 3},
	// Jekyll with no site URL: links and xml:base relative to the site.
	{file: "relative-base.atom", lenient: 2, stored: 2},
	// Titles and HTML wrapped in CDATA sections that are escaped.
	{file: "escaped-cdata.xml", lenient: 3, stored: 3},
	// JSON Feed titles escaped twice.
	{file: "double-escaped.json", lenient: 3, stored: 3},
	// Links relative to an xml:base naming a file (WordPress's
	// wp-atom.php, a script, a day's page).
	{file: "xml-base.atom", lenient: 3, stored: 3},
	{file: "xml-base.xml", lenient: 2, stored: 2},
	// Dates in ISO 8601's other forms, with slashes, with offsets from
	// GMT or UTC.
	{file: "iso-dates.xml", lenient: 7, stored: 7},
	// Perforce's dates with a day name before them, a month alone,
	// two-digit years, a year alone (no date).
	{file: "short-dates.xml", lenient: 5, stored: 5},
	// Atom 0.3 content in base64.
	{file: "atom03-base64.atom", lenient: 2, stored: 2},
	// Blogger through FeedBurner: share buttons and counters in the HTML.
	{file: "feedflare.atom", lenient: 3, stored: 3},
	// A link blog: posts about pages of other sites.
	{file: "link-posts.xml", lenient: 2, stored: 2},
	// Videos whose only text is their description.
	{file: "youtube-descriptions.xml", lenient: 2, stored: 2},
	// Counters that state no size, an author's Gravatar.
	{file: "counters.xml", lenient: 4, stored: 4},
	// Listings with their photos as RSS 1.0 enclosures.
	{file: "classifieds.rdf", lenient: 2, stored: 2},
	// Dates only in Atom 0.3's or Dublin Core's elements, in RSS items
	// and in Atom entries.
	{file: "ext-dates.xml", lenient: 8, stored: 8},
	{file: "dc-dates.atom", lenient: 2, stored: 2},
	// Emoji written as the two halves of their surrogate pairs.
	{file: "surrogate-refs.xml", lenient: 3, stored: 3},
	{file: "surrogate-refs.json", lenient: 1, stored: 1},
	// Emoji encoded as their surrogate halves (CESU-8), one half alone.
	{file: "cesu8-emoji.xml", lenient: 3, stored: 3},
	// Pictures loaded lazily, their addresses in data-src or srcset.
	{file: "lazy-images.xml", lenient: 6, stored: 6},
	// Authors' portraits beside their bylines.
	{file: "byline-avatars.xml", lenient: 4, stored: 4},
	// Links written without their scheme, as python-feedgen writes a
	// bare host ("www.site.example/a"), or with one slash ("http:/"):
	// lenient readers keep them as written, one of them a web address.
	{file: "bare-hosts.xml", lenient: 3, stored: 3},
	// Dates as Go prints a time (a generator that formats none), one of
	// them the zero time.
	{file: "go-time-dates.xml", lenient: 3, stored: 3},
	// A JSON Feed written by a template that pastes text in raw (line
	// breaks, backslashes), as spatie/laravel-feed writes summaries:
	// feedparser reads none of it.
	{file: "hand-written-json.json", lenient: 3, stored: 3},
	// Placeholders for no link ("undefined", as jpmonette/feed writes one;
	// "None"): one item is known by its GUID, one by its media file, one
	// by neither.
	{file: "placeholder-links.xml", lenient: 2, stored: 2, notStored: map[string]int{ReasonNoLink: 1}},
	// A generator's "https://" before addresses that have their own, the
	// site's among them.
	{file: "doubled-scheme.xml", lenient: 3, stored: 3},
	// Jekyll built with its preview address: every link on localhost.
	{file: "preview-host.atom", lenient: 2, stored: 2},
	// Links through Google Alerts' and Bing News' redirects, stored under
	// the articles' own addresses: the road bond's is the County Ledger's
	// (wordpress.xml).
	{file: "google-alerts.atom", lenient: 3, stored: 2, notStored: map[string]int{ReasonDuplicate: 1}, group: "county ledger"},
	{file: "bing-news.xml", lenient: 3, stored: 3},
	// HTTPS's port under the http scheme ("http://site.example:443/").
	{file: "https-port.xml", lenient: 2, stored: 2},
	// Google News: two links name their articles, one of them the County
	// Ledger's; the third is opaque, and stored as it is.
	{file: "google-news.xml", lenient: 3, stored: 2, notStored: map[string]int{ReasonDuplicate: 1}, group: "county ledger"},
	// Each item's page beside a <link rel="self"> to the feed, as Arc XP
	// writes them; the channel's hub too.
	{file: "self-links.xml", lenient: 3, stored: 3},
	// Items titled only by their video's media:title, one with its
	// video's description as its only text; an untitled post beside its
	// author's Gravatar.
	{file: "media-titles.xml", lenient: 4, stored: 4},
	// Chinese in GBK, declared as GB2312, whose byte pairs happen to be
	// more valid UTF-8 than not (a title is checked below).
	{file: "gbk-declared.xml", lenient: 2, stored: 2},
	// Japanese in ISO-2022-JP, which is ASCII (a title is checked below).
	{file: "iso-2022-jp.rdf", lenient: 2, stored: 2},
	// Dates with Greek day and month names.
	{file: "greek-dates.xml", lenient: 3, stored: 3},
	// Atom's namespace under https (gofeed reads no entry of it).
	{file: "atom-https-namespace.atom", lenient: 3, stored: 3},
	// An Atom Entry Document (a post as Blogger's API serves it).
	{file: "entry-document.atom", lenient: 1, stored: 1},
	// A PHP template's RSS: links printed as HTML anchors (as DreamVids'
	// view prints them) or after a comment, <br/> between elements.
	{file: "anchor-links.xml", lenient: 3, stored: 3},
	// Links written with backslashes, as PHP templates on Windows write
	// them ("http:\\site.example\posts\42").
	{file: "backslash-links.xml", lenient: 2, stored: 2},
	// Newsletters made a feed, as Kill the Newsletter! makes them, with
	// the vertical tabs of their mail's line breaks.
	{file: "newsletter-controls.atom", lenient: 2, stored: 2},
	// Quotes left unescaped in category terms, as RSS-Bridge's Atom
	// format wrote them ("Ballot "A/B" measures").
	{file: "quoted-terms.atom", lenient: 3, stored: 3},
	// A mirror of a microblog titling each post with its whole text, one
	// longer than a record's title may be: stored, its title cut. A link
	// longer than a record's address may be is none.
	{file: "long-post-titles.xml", lenient: 3, stored: 2, notStored: map[string]int{ReasonNoLink: 1}},
	// Blogger's feed cut by a proxy in its last entry, after the link to
	// the entry's comments and before its alternate link.
	{file: "blogger-cut.atom", lenient: 3, stored: 3},
	// Cut so too, where the blog takes comments on Blogger's own form
	// (comment.g): that form is no page of the entry's.
	{file: "blogger-comment-form-cut.atom", lenient: 2, stored: 2, notStored: map[string]int{ReasonNoLink: 1}},
	// Windows-1251 under a misspelt label ("cp-1251").
	{file: "cp-1251-label.xml", lenient: 2, stored: 2},
	// Japanese in EUC-JP and in Shift_JIS, their encodings and language
	// undeclared.
	{file: "euc-jp-undeclared.rdf", lenient: 2, stored: 2},
	{file: "shift-jis-undeclared.xml", lenient: 2, stored: 2},
	// A UTF-8 feed in Russian with an item in Windows-1251.
	{file: "mixed-1251.xml", lenient: 2, stored: 2},
	// Atom rels in capitals ("Alternate") or with spaces around them.
	{file: "rel-case.atom", lenient: 3, stored: 3},
	// Atom's <updated> and <published> in RSS items, without its
	// namespace (@astrojs/rss's customData).
	{file: "custom-dates.xml", lenient: 3, stored: 3},
	// Atom's <summary> and <content> in RSS items, without its
	// namespace: one item has no title, and its text titles it.
	{file: "atom-text-in-rss.xml", lenient: 3, stored: 3},
	// Dates in Persian digits, Solar Hijri ones among them.
	{file: "persian-dates.atom", lenient: 3, stored: 3},
	// Day and month names in Turkish (in ISO-8859-9) and Polish.
	{file: "tr-dates.xml", lenient: 3, stored: 3},
	{file: "pl-dates.xml", lenient: 3, stored: 3},
	// Dates by their signs for year, month and day, in Japanese and
	// Korean (in EUC-KR).
	{file: "ja-dates.xml", lenient: 2, stored: 2},
	{file: "ko-dates.xml", lenient: 2, stored: 2},
	// Links after a placeholder where the site's address was left out
	// ("undefined/blog/…"): lenient readers keep them as they are, no web
	// address; one item has an address for its GUID.
	{file: "placeholder-prefixes.xml", lenient: 0, stored: 1, notStored: map[string]int{ReasonNoLink: 2}},
	// U+FFFE and U+FFFF in an item's title and text (gofeed reads no
	// item of it).
	{file: "noncharacters.xml", lenient: 3, stored: 3},
	// Invisible marks around links; lenient readers take the link that
	// starts with one for no web address.
	{file: "rtl-marks.xml", lenient: 2, stored: 3},
	// Windows-1250 declared as ISO-8859-2.
	{file: "cp1250-declared-latin2.xml", lenient: 2, stored: 2},
}

// TestCorpusIngestedInOneRound serves the corpus on loopback, ingests it
// in one round and accounts for every item: each one a lenient reader
// finds is stored or counted under a named reason, and the sum is
// checked against the lenient count.
func TestCorpusIngestedInOneRound(t *testing.T) {
	srv := newFixtureServer(t)
	var srcs []model.Source
	for _, c := range corpusCases {
		srcs = append(srcs, model.Source{URL: srv.URL + "/corpus/" + c.file})
		if body, err := os.ReadFile(filepath.Join("testdata", "corpus", c.file)); err != nil {
			t.Fatal(err)
		} else if gf, err := gofeed.NewParser().Parse(bytes.NewReader(body)); err == nil && !c.failed {
			n := 0
			for _, it := range gf.Items {
				if strings.HasPrefix(it.Link, "http") {
					n++
				}
			}
			// Where gofeed reads the file whole, its count is the
			// lenient count (it misses items only in broken files).
			if n != c.lenient && n >= c.lenient {
				t.Errorf("%s: gofeed finds %d items with a link, the table says %d", c.file, n, c.lenient)
			}
		}
	}
	h := newHub(t, true, srcs...)
	opts := testOptions()
	opts.SkipPages = true // the items link to sites of the world, not to this server
	// No server here is hostile: the limits only have to outlast a loaded
	// machine running the race detector over every file of the corpus.
	opts.Fetch.HeaderTimeout, opts.Fetch.Timeout = 30*time.Second, 30*time.Second
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	lenient, stored := 0, 0
	type counts struct {
		stored    int
		notStored map[string]int
	}
	want, got := map[string]*counts{}, map[string]*counts{}
	for _, c := range corpusCases {
		st := h.state(t, srv.URL+"/corpus/"+c.file)
		if c.failed {
			if st.Errors != 1 || !strings.Contains(st.LastStatus, "not a feed") {
				t.Errorf("%s: state %+v, want it failed as not a feed", c.file, st)
			}
			continue
		}
		rep := st.LastRead
		lenient += c.lenient
		stored += rep.New
		if st.Errors != 0 {
			t.Errorf("%s: %d errors, %q", c.file, st.Errors, st.LastStatus)
		}
		counted := rep.New
		for _, n := range rep.NotStored {
			counted += n
		}
		if counted != rep.Items {
			t.Errorf("%s: %d items, %d stored or counted", c.file, rep.Items, counted)
		}
		key := cmp.Or(c.group, c.file)
		if want[key] == nil {
			want[key], got[key] = &counts{notStored: map[string]int{}}, &counts{notStored: map[string]int{}}
		}
		want[key].stored += c.stored
		got[key].stored += rep.New
		for r, n := range c.notStored {
			want[key].notStored[r] += n
		}
		for r, n := range rep.NotStored {
			got[key].notStored[r] += n
		}
	}
	for key, w := range want {
		g := got[key]
		if g.stored != w.stored || !maps.Equal(g.notStored, w.notStored) {
			t.Errorf("%s: %d stored, not stored %v; want %d, %v", key, g.stored, g.notStored, w.stored, w.notStored)
		}
	}
	t.Logf("lenient reader: %d items with a link; stored %d; summary %+v", lenient, stored, sum.NotStored)
	if sum.New != stored || stored*100 < lenient*95 {
		t.Errorf("stored %d of %d items (summary says %d new)", stored, lenient, sum.New)
	}
	news := h.news(t)
	for link, title := range map[string]string{
		"https://feuilleton.example.de/artikel/rueckkehr-i-und-b":                             "Die Rückkehr von <i> und <b>",
		"https://mastodon.example/@clerk/113403":                                              "Reminder: bring ID.",
		"https://social.example/@harborward/113500":                                           "https://results.harborward.example/ Ward results, precinct by precinct",
		"https://social.example/@harborward/113501":                                           "Precinct 4 has reported. Turnout was 61 percent.",
		"http://scripting.example.com/2017/06/26.html#a101044":                                "I've been using a new outliner all day & it's great.",
		"https://diethni.example/kalpes-ekleisan":                                             "Οι κάλπες έκλεισαν",
		"https://news.example.cn/2018/09/24/a1.html":                                          "国务院召开常务会议",
		"https://ballotbox.example/audio/2024-11-07.mp3":                                      "Turnout, county by county",
		"https://millerquarterly.example/2024/11/county-clerks-q-and-a/":                      "The County Clerk’s Q&A: “Every ballot counts”",
		"https://quarrynotes.example/2024/11/precinct-maps/":                                  "Precinct maps, redrawn",
		"https://quarrylane.example/posts/block-party":                                        "Block party after the polls close 🎉",
		"https://quarrylane.example/posts/garden-day":                                         "Community garden day 🌱",
		"https://qa.example/questions/79161190/when-to-use-em-and-when-i-for-candidate-names": "When to use <em> and when <i> for candidate names",
		"https://www.statehouseledger.example/politics/2024/11/06/turnout-map/?utm_medium=referral&utm_source=rss&utm_campaign=headlines": "Turnout by county, mapped",
		"https://news.shancheng-wanbao.example/local/2024/1104/yeshi.shtml":                                                               "夜市搬迁",
		"https://kawabe-town.example/news/2024/1104-teibou.html":                                                                          "堤防の工事が完了しました",
	} {
		if a := news[link]; a == nil || a.Title != title {
			t.Errorf("%s stored as %+v, want title %q", link, a, title)
		}
	}
	// A title longer than a record holds is cut to its limit.
	if a := news["https://mirror.example/countyclerk/status/1853931006482013#m"]; a == nil ||
		utf8.RuneCountInString(a.Title) != model.MaxTitle || !strings.HasPrefix(a.Title, "Thread on tonight's count") || !strings.HasSuffix(a.Title, "…") {
		t.Errorf("the long post stored as %+v, want its title cut to %d characters", a, model.MaxTitle)
	}
	for link, date := range map[string]string{
		"https://gorodnews.example/news/2024/11/05/yavka/":                                   "2024-11-05T09:40:00Z",
		"https://precinctnotes.example/posts/ballot-printing":                                "2024-11-04T10:00:00Z",
		"https://millerquarterly.example/2024/11/county-clerks-q-and-a/":                     "2024-11-05T10:00:00Z",
		"https://ridgebulletin.example/notices/observers-briefing":                           "2024-10-31T16:00:00Z",
		"https://millpondclerk.example/notices/precinct-3-moves":                             "2024-10-21T19:30:00Z",
		"https://fernhillwatch.example/2024/10/training":                                     "2024-10-28T17:00:00Z",
		"https://precinctlog.example/doors-week-one.html":                                    "2024-10-28T23:30:00Z",
		"https://www.metroballotdesk.example/elections/counting-resumes-11730908950123.html": "2024-11-06T17:22:30Z",
	} {
		if a := news[link]; a == nil || a.PublishedDateTime.Format(time.RFC3339) != date {
			t.Errorf("%s stored as %+v, want it dated %s", link, a, date)
		}
	}
	// Pictures: none for a post whose HTML holds only counters and share
	// buttons, or whose media is its author's portrait; a link post's
	// from its own site; a listing's photo given as an RSS 1.0 enclosure.
	for link, image := range map[string]string{
		"https://pollworkernotes.example/2024/11/what-canvass-board-checks.html": "",
		"https://pollworkernotes.example/2024/11/turnout-by-hour.html":           "https://blogger.googleusercontent.example/img/b/R29v/s640/turnout-hours.png",
		"https://code.example/ballotdom/tallykit":                                "https://ballotdom.example/assets/posts/TallyKitIcon-512.png",
		"https://harborward.example/2024/11/06/precinct-9-moves/":                "",
		"https://harborcity.classifieds.example/vol/7701.html":                   "https://images.classifieds.example/00a1b_greeters_300x300.jpg",
	} {
		a := news[link]
		if a == nil {
			t.Errorf("%s not stored", link)
			continue
		}
		var got string
		if len(a.Images) > 0 {
			got = a.Images[0].URL
		}
		if got != image || len(a.Images) > 1 {
			t.Errorf("%s stored with images %+v, want %q", link, a.Images, image)
		}
	}
	// An article found through an aggregator's redirect is its
	// publisher's, not named after the alert or search that found it; a
	// feed's own item, after its feed.
	for link, want := range map[string]model.Provider{
		"https://millbrookweekly.example/news/what-the-road-bond-pays-for?page=2": {Name: "millbrookweekly.example", Domain: "millbrookweekly.example"},
		// An episode known by its file on a podcast host is its show's.
		"https://traffic.podhost.example/ballotbox/2024-11-12.mp3": {Name: "Ballot Box Radio", Domain: "podhost.example"},
		"https://civictimes.example/explainers/canvass?id=77":      {Name: "civictimes.example", Domain: "civictimes.example"},
		"https://www.harborcityregister.example/news/politics/elections/2024/11/06/turnout-tops-70-percent-in-three-wards-after-late-surge-at-the-polls": {Name: "Harbor City Register", Domain: "harborcityregister.example"},
	} {
		if a := news[link]; a == nil || a.Provider.Domain != want.Domain || a.Provider.Name != want.Name {
			t.Errorf("%s stored as %+v, want it %s's", link, a, want.Name)
		}
	}
	// A Google News item whose link is opaque is its publisher's, by the
	// <source> it names, under the headline without that name.
	if a := news["https://news.google.com/rss/articles/CBMiP0FVX3lxTFB2M2tYblFtOFRnUnoxV2JMYzVZZEhzN0pmS2UyTmFPdTRWaTlNdEdwRHg2WnJTcTBFd19CbC1IeQ?oc=5"]; a == nil ||
		a.Provider.Name != "Valley Wire" || a.Provider.Domain != "valleywire.example" || a.Title != "Recount requested in District 9" ||
		a.Excerpt != "" {
		// Its description, the headline and the publisher again, is
		// no excerpt.
		t.Errorf("Google News item stored as %+v", a)
	}
	// An abstract that is text keeps what follows its "<".
	if a := news["https://preprints.example/abs/2411.03117"]; a == nil || !strings.Contains(a.Excerpt, "For $k<n$ colours the bound holds, and for $n>2k$ it fails. The case p<q remains open.") {
		t.Errorf("abstract stored as %+v", a)
	}
	// So does an episode's iTunes summary.
	if a := news["https://tallytalk.example/episodes/41"]; a == nil || !strings.Contains(a.Excerpt, "When k<n ballots are left the count holds; when n>2k it is called.") {
		t.Errorf("episode stored as %+v", a)
	}
	// A video's excerpt is its description.
	if a := news["https://www.youtube.com/watch?v=Qa7bC3dE9fG"]; a == nil || !strings.HasPrefix(a.Excerpt, "Q&A with the clerk: why results < 100% at 9 p.m. are normal.") {
		t.Errorf("video stored as %+v", a)
	}
}

// TestItemsSharingALinkStayDistinctAcrossRounds checks that a podcast's
// next episode, linking to the same show page as every other, is stored
// the next round, and that the episodes already stored are known.
func TestItemsSharingALinkStayDistinctAcrossRounds(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "podcast.xml"))
	if err != nil {
		t.Fatal(err)
	}
	round := 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := body
		if round == 2 {
			b = bytes.Replace(body, []byte("    <item>"), []byte(`    <item>
      <title>The morning after</title>
      <link>https://civicsweekly.example/</link>
      <guid isPermaLink="false">civicsweekly-episode-132</guid>
      <enclosure url="https://media.civicsweekly.example/episodes/132.mp3" length="1" type="audio/mpeg"/>
    </item>
    <item>`), 1)
		}
		w.Write(b)
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/podcast.xml"})
	opts := testOptions()
	opts.SkipPages, opts.All = true, true
	in := h.ingester(opts)
	defer in.Close()
	first, err := in.RunOnce(context.Background())
	if err != nil || first.New != 4 {
		t.Fatalf("first round: %+v, %v", first, err)
	}
	round = 2
	second, err := in.RunOnce(context.Background())
	if err != nil || second.New != 1 || second.NotStored[ReasonKnown] != 5 {
		t.Fatalf("second round: %+v, %v", second, err)
	}
	if n := len(h.news(t)); n != 1 {
		// news() keys by link: five episodes, one show page.
		t.Fatalf("episodes keyed by link: %d", n)
	}
	var stored int
	h.st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		stored++
		return nil
	})
	if stored != 5 {
		t.Fatalf("%d episodes stored, want 5", stored)
	}
}

// TestItemsSharingAGUIDAreToldApartByTheirLinks checks a feed whose
// generator gives every item one GUID: its items, with links of their
// own, are stored, known the next round, and a new one stored then.
func TestItemsSharingAGUIDAreToldApartByTheirLinks(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "shared-guid.xml"))
	if err != nil {
		t.Fatal(err)
	}
	rounds := []struct {
		body      []byte
		new, know int
	}{
		{body, 3, 0},
		{body, 0, 3},
		{bytes.Replace(body, []byte("<item>"), []byte(`<item>
<title>Results, ward by ward</title>
<link>https://eastsideweekly.example/news/results</link>
<guid isPermaLink="false">https://eastsideweekly.example/</guid>
</item>
<item>`), 1), 1, 3},
	}
	round := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(rounds[round].body)
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
	opts := testOptions()
	opts.SkipPages, opts.All = true, true
	in := h.ingester(opts)
	defer in.Close()
	for n, want := range rounds {
		round = n
		sum, err := in.RunOnce(context.Background())
		if err != nil || sum.New != want.new || sum.NotStored[ReasonKnown] != want.know || len(sum.NotStored) > min(want.know, 1) {
			t.Fatalf("round %d: %+v, %v", n+1, sum, err)
		}
	}
}

// TestPartsOfAPageAreKnownAloneOrNot checks a feed of a day's posts on
// the day's page, known by their fragments, without GUIDs: a post given
// alone on its page one round, with the page's other posts the next, or
// the other way round, is known, not stored again.
func TestPartsOfAPageAreKnownAloneOrNot(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "day-pages.xml"))
	if err != nil {
		t.Fatal(err)
	}
	without := func(part string) []byte {
		return regexp.MustCompile(`(?s)<item>(?:[^<]|<[^/]|</[^i])*?`+part+`</link>\s*</item>`).ReplaceAll(body, nil)
	}
	for _, tt := range []struct {
		name   string
		rounds [][]byte
		new    []int
	}{
		{"alone first", [][]byte{without("#a1530"), body}, []int{2, 1}},
		{"alone after", [][]byte{body, without("#a0915")}, []int{3, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			round := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write(tt.rounds[round])
			}))
			defer srv.Close()
			h := newHub(t, true, model.Source{URL: srv.URL + "/rss.xml"})
			opts := testOptions()
			opts.SkipPages, opts.All = true, true
			in := h.ingester(opts)
			defer in.Close()
			for n, want := range tt.new {
				round = n
				sum, err := in.RunOnce(context.Background())
				known := bytes.Count(tt.rounds[n], []byte("<item>")) - want
				if err != nil || sum.New != want || sum.NotStored[ReasonKnown] != known || len(sum.NotStored) > min(known, 1) {
					t.Fatalf("round %d: %+v, %v; want %d new, %d known", n+1, sum, err, want, known)
				}
			}
		})
	}
}

// TestPostsOfAPageToldApartByTitleAreKnownAloneOrNot serves a feed whose
// posts of a day all link to the day's page, with neither an anchor nor a
// GUID: a post stored while it was the page's only one in the feed, or
// while the page had others there, is known once they come or go, as the
// feed's window moves on, rather than stored again.
func TestPostsOfAPageToldApartByTitleAreKnownAloneOrNot(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "corpus", "day-bulletins.xml"))
	if err != nil {
		t.Fatal(err)
	}
	without := func(title string) []byte {
		return regexp.MustCompile(`(?s)\s*<item>\s*<title>`+title+`[^<]*</title>.*?</item>`).ReplaceAll(body, nil)
	}
	for _, tt := range []struct {
		name   string
		rounds [][]byte
		new    []int
	}{
		{"alone first", [][]byte{without("Ward 3 polling"), body}, []int{2, 1}},
		{"alone after", [][]byte{body, without("Ward 3 polling")}, []int{3, 0}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			round := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write(tt.rounds[round])
			}))
			defer srv.Close()
			h := newHub(t, true, model.Source{URL: srv.URL + "/bulletins.rss"})
			opts := testOptions()
			opts.SkipPages, opts.All = true, true
			in := h.ingester(opts)
			defer in.Close()
			for n, want := range tt.new {
				round = n
				sum, err := in.RunOnce(context.Background())
				known := bytes.Count(tt.rounds[n], []byte("<item>")) - want
				if err != nil || sum.New != want || sum.NotStored[ReasonKnown] != known || len(sum.NotStored) > min(known, 1) {
					t.Fatalf("round %d: %+v, %v; want %d new, %d known", n+1, sum, err, want, known)
				}
			}
			var titles []string
			h.st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
				titles = append(titles, r.Article.Title)
				return nil
			})
			if len(titles) != 3 {
				t.Errorf("stored %q, want each of the 3 posts once", titles)
			}
		})
	}
}

// TestMediaFilesAreNotReadAsPages checks that an episode known by its
// media file (no <link>, or a <link> to the file itself), or a photo known
// by its image, is stored with
// the feed's data, and its file is never fetched as if it were a page;
// nor is a link to a file that turns out not to be a web page read.
func TestMediaFilesAreNotReadAsPages(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/show.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>Show</title><link>%[1]s/</link>
<item><title>Episode 2</title><guid isPermaLink="false">ep-2</guid><enclosure url="%[1]s/media/2.mp3" type="audio/mpeg"/></item>
<item><title>Episode 1</title><link>%[1]s/media/1.mp3</link><enclosure url="%[1]s/media/1.mp3" type="audio/mpeg"/></item>
<item><title>Show notes</title><link>%[1]s/notes</link><enclosure url="%[1]s/media/0.mp3" type="audio/mpeg"/></item>
<item><title>The report</title><link>%[1]s/report.pdf</link><description>The audit's report.</description></item>
<item><title>The line at 7</title><guid isPermaLink="false">photo-1</guid><enclosure url="%[1]s/media/line.jpg" type="image/jpeg"/></item>
</channel></rss>`, srv.URL)
		case "/notes":
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>Show notes</title></head><body>Notes.</body></html>`)
		case "/report.pdf":
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(make([]byte, 1<<20))
		default:
			w.Header().Set("Content-Type", "audio/mpeg")
			w.Write(make([]byte, 1<<20))
		}
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/show.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for _, link := range []string{srv.URL + "/media/2.mp3", srv.URL + "/media/1.mp3", srv.URL + "/notes", srv.URL + "/report.pdf", srv.URL + "/media/line.jpg"} {
		if news[link] == nil {
			t.Errorf("%s not stored; stored %v", link, slices.Sorted(maps.Keys(news)))
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, p := range []string{"/media/0.mp3", "/media/1.mp3", "/media/2.mp3", "/media/line.jpg"} {
		if hits[p] != 0 {
			t.Errorf("%s fetched %d times", p, hits[p])
		}
	}
	if sum.New != 5 || sum.Pages[pageMedia] != 3 || sum.Pages[pageRead] != 1 || sum.Pages[pageNotHTML] != 1 || hits["/notes"] != 1 {
		t.Errorf("summary %+v, hits %v", sum, hits)
	}
}

// TestAggregatorPagesAreNotRead checks that the page behind an
// aggregator's opaque link (Google News' news.google.com/rss/articles/…,
// whose item names its publisher in <source>) is not read for the article:
// it is the aggregator's, and its picture and site name are not the
// article's; the article keeps its publisher's name and the feed's text.
// An item of the same feed linking to its publisher's page has it read.
func TestAggregatorPagesAreNotRead(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		mu.Unlock()
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
		case "/rss/search":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<rss version="2.0"><channel><title>"recount" - News Search</title><link>%[1]s/search?q=recount</link>
<item><title>Recount requested in District 9 - Valley Wire</title><link>%[1]s/rss/articles/AU_yqLPv3kXn?oc=5</link>
<description>Recount requested in District 9 Valley Wire</description><source url="https://valleywire.example">Valley Wire</source></item>
</channel></rss>`, srv.URL)
		default:
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, `<html><head><title>News Search</title><meta property="og:site_name" content="News Search">
<meta property="og:image" content="https://static.search.example/logo.png"></head><body>Redirecting…</body></html>`)
		}
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/rss/search"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	a := h.news(t)[srv.URL+"/rss/articles/AU_yqLPv3kXn?oc=5"]
	if a == nil || a.Provider.Name != "Valley Wire" || a.Provider.Domain != "valleywire.example" || len(a.Images) != 0 || a.Title != "Recount requested in District 9" {
		t.Errorf("stored as %+v", a)
	}
	mu.Lock()
	defer mu.Unlock()
	if sum.New != 1 || sum.Pages[pageAggregator] != 1 || hits["/rss/articles/AU_yqLPv3kXn"] != 0 {
		t.Errorf("summary %+v, hits %v", sum, hits)
	}
}

// TestUntitledItemsAreTitledOrCounted checks microposts: an untitled item
// takes its page's title, else its first words; one with neither title
// nor text nor a titled page is counted, and does not keep another
// feed's titled item with the same link from being stored.
func TestUntitledItemsAreTitledOrCounted(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/untitled.xml"}, model.Source{URL: srv.URL + "/feeds/titled-copy.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	news := h.news(t)
	for path, title := range map[string]string{
		"/articles/micropost":  "County Clerk (@clerk@mastodon.example)",
		"/articles/bare-post":  "Counting continues through the night at the county building.",
		"/articles/photo-only": "Photo: the line outside the county building",
	} {
		if a := news[srv.URL+path]; a == nil || a.Title != title {
			t.Errorf("%s stored as %+v, want title %q", path, a, title)
		}
	}
	st := h.state(t, srv.URL+"/feeds/untitled.xml")
	if sum.New != 3 || st.LastRead.NotStored[ReasonNoTitle] != 1 || len(st.LastRead.Drops) != 1 ||
		st.LastRead.Drops[0].URL != srv.URL+"/articles/photo-only" {
		t.Fatalf("summary %+v, report %+v", sum, st.LastRead)
	}
}

// TestPagesBehindAnUnreachableRobotsTxtAreCountedAsSuch checks that a
// robots.txt answering 500 keeps the pages unread, counted as robots.txt
// unreachable rather than disallowed, and the items stored from the feed.
func TestPagesBehindAnUnreachableRobotsTxtAreCountedAsSuch(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/robots.txt":
			w.WriteHeader(http.StatusInternalServerError)
		case r.URL.Path == "/feed.xml":
			b, _ := os.ReadFile(filepath.Join("testdata", "untitled.xml"))
			w.Write(bytes.ReplaceAll(b, []byte("{{BASE}}"), []byte(srv.URL)))
		default:
			t.Errorf("page %s read although robots.txt could not be", r.URL.Path)
		}
	}))
	defer srv.Close()
	h := newHub(t, true, model.Source{URL: srv.URL + "/feed.xml"})
	in := h.ingester(testOptions())
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pages[pageRobotsError] != 3 || sum.Pages[pageDisallowed] != 0 || sum.Pages[pageRead] != 0 || sum.New != 2 {
		t.Fatalf("summary %+v", sum)
	}
}
