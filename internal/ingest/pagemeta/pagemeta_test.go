package pagemeta

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html/atom"

	"newshub/internal/model"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseReadsOpenGraphLinksAndJSONLD(t *testing.T) {
	m := Parse(read(t, "article.html"), "text/html; charset=utf-8", "https://www.example.com/politics/senate-budget?utm_source=rss")
	checks := []struct{ name, got, want string }{
		{"title", m.Title, "Senate passes the budget after a long night"},
		{"description", m.Description, "Lawmakers voted 51-49 & went home."},
		{"site name", m.SiteName, "Example News"},
		{"image", m.Image.URL, "https://www.example.com/images/senate.jpg"},
		{"canonical", m.Canonical, "https://www.example.com/politics/senate-budget"},
		{"amp", m.AMP, "https://www.example.com/amp/politics/senate-budget"},
		{"publisher", m.Publisher, "Example News Group"},
		{"headline", m.Headline, "Senate passes the budget"},
		{"published", m.Published.Format(time.RFC3339), "2024-03-01T14:30:00Z"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if m.Image.Width != 1200 || m.Image.Height != 630 {
		t.Errorf("image size %dx%d", m.Image.Width, m.Image.Height)
	}
}

func TestParseJSONLDArrayAndImageObject(t *testing.T) {
	m := Parse(read(t, "jsonld-only.html"), "", "https://example.org/a")
	if m.Title != "Only JSON-LD" || m.Publisher != "Array Publisher" {
		t.Fatalf("title %q publisher %q", m.Title, m.Publisher)
	}
	if got := m.Published.Format(time.RFC3339); got != "2024-06-02T06:15:00Z" {
		t.Fatalf("published %s", got)
	}
	if m.Image.URL != "https://cdn.example.org/lead.jpg" || m.Image.Width != 800 || m.Image.Height != 450 {
		t.Fatalf("image %+v", m.Image)
	}
}

// TestParseFollowsJSONLDReferences reads an @graph as Yoast SEO writes it:
// the article's publisher and picture are references by @id to other
// objects of the graph, and its strings carry the entities of the page.
func TestParseFollowsJSONLDReferences(t *testing.T) {
	m := Parse(read(t, "yoast-graph.html"), "text/html; charset=UTF-8", "https://harborledger.example/2024/11/05/ferry-fares/")
	checks := []struct{ name, got, want string }{
		{"publisher", m.Publisher, "Harbor Ledger Media & Print"},
		{"title", m.Title, "Ferry fares rise & routes shrink"},
		{"headline", m.Headline, "Ferry fares rise & routes shrink"},
		{"image", m.Image.URL, "https://harborledger.example/wp-content/uploads/2024/11/ferry.jpg"},
		{"published", m.Published.Format(time.RFC3339), "2024-11-05T14:00:00Z"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if m.Image.Width != 1200 || m.Image.Height != 800 {
		t.Errorf("image size %dx%d", m.Image.Width, m.Image.Height)
	}
}

// TestParseReadsPublisherForms reads a publisher given by its name alone,
// and an article that is a WebPage's mainEntity.
// TestParseReadsArticlesWithOddValues reads an article one of whose values
// is of another type than schema.org's usual one, which used to cost the
// whole object.
func TestParseReadsArticlesWithOddValues(t *testing.T) {
	page := `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":["2024-11-05T10:00:00Z"],
"url":["https://e.com/a","https://e.com/amp/a"],"publisher":{"@type":"Organization","name":"Tideline Gazette","url":null}}</script></head></html>`
	m := Parse([]byte(page), "", "https://e.com/a")
	if m.Publisher != "Tideline Gazette" || m.Published.Format(time.RFC3339) != "2024-11-05T10:00:00Z" {
		t.Fatalf("publisher %q, published %s", m.Publisher, m.Published)
	}
}

// TestParseReadsArticleKinds reads the other kinds of schema.org's Article,
// and types written as IRIs.
func TestParseReadsArticleKinds(t *testing.T) {
	for _, typ := range []string{`"SocialMediaPosting"`, `"Report"`, `"TechArticle"`, `"https://schema.org/NewsArticle"`, `"http://schema.org/BlogPosting"`, `["schema:Article"]`} {
		page := `<html><head><script type="application/ld+json">{"@type":` + typ + `,"headline":"H","datePublished":"2024-11-05T10:00:00Z","publisher":{"name":"Tideline Gazette"}}</script></head></html>`
		if m := Parse([]byte(page), "", "https://e.com/a"); m.Publisher != "Tideline Gazette" || m.Published.IsZero() {
			t.Errorf("%s: publisher %q, published %s", typ, m.Publisher, m.Published)
		}
	}
}

func TestParseReadsPublisherForms(t *testing.T) {
	for _, tt := range []struct{ name, ld string }{
		{"name", `{"@type":"NewsArticle","headline":"H","publisher":"Tideline Gazette"}`},
		{"main entity", `{"@type":"WebPage","mainEntity":{"@type":"NewsArticle","headline":"H","publisher":{"@type":"Organization","name":"Tideline Gazette"}}}`},
		{"main entities", `{"@type":"WebPage","mainEntity":[{"@type":"NewsArticle","headline":"H","publisher":{"@type":"Organization","name":"Tideline Gazette"}}]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			page := `<html><head><script type="application/ld+json">` + tt.ld + `</script></head></html>`
			if m := Parse([]byte(page), "", "https://e.com/a"); m.Publisher != "Tideline Gazette" || m.Headline != "H" {
				t.Fatalf("publisher %q, headline %q", m.Publisher, m.Headline)
			}
		})
	}
}

// TestParseReadsJSONLDTypedWithParameters reads a block whose type
// carries a charset, or is written in capitals.
func TestParseReadsJSONLDTypedWithParameters(t *testing.T) {
	for _, typ := range []string{"application/ld+json; charset=utf-8", "application/ld+json;charset=UTF-8", " Application/LD+JSON "} {
		page := `<html><head><script type="` + typ + `">{"@type":"NewsArticle","headline":"H","publisher":{"name":"Tideline Gazette"}}</script></head></html>`
		if m := Parse([]byte(page), "", "https://e.com/a"); m.Publisher != "Tideline Gazette" {
			t.Errorf("%q: publisher %q", typ, m.Publisher)
		}
	}
}

// TestParseTitlesWithoutTheSiteName reads the title of pages that give
// no og:title, or give one with the site's name, as themes write them.
func TestParseTitlesWithoutTheSiteName(t *testing.T) {
	for _, tt := range []struct{ name, head, want string }{
		{"Twitter's card only", `<title>Bridge closes | Harbor Herald</title><meta name="twitter:title" content="Bridge closes for repairs">`, "Bridge closes for repairs"},
		{"site name after", `<title>Bridge closes for repairs | The Harbor Herald</title><meta property="og:site_name" content="The Harbor Herald">`, "Bridge closes for repairs"},
		{"site name before", `<title>Harbor Herald - Bridge closes for repairs</title><meta property="og:site_name" content="Harbor Herald">`, "Bridge closes for repairs"},
		{"publisher's name", `<title>Bridge closes for repairs &#8211; Harbor Herald Media</title><script type="application/ld+json">{"@type":"NewsArticle","publisher":"Harbor Herald Media"}</script>`, "Bridge closes for repairs"},
		{"headline", `<title>Bridge closes for repairs » Herald</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Bridge closes for repairs"}</script>`, "Bridge closes for repairs"},
		{"og:title with the site name", `<meta property="og:title" content="Bridge closes for repairs - Harbor Herald"><meta property="og:site_name" content="Harbor Herald">`, "Bridge closes for repairs"},
		{"no site name known", `<title>Bridge closes for repairs - Harbor Herald</title>`, "Bridge closes for repairs - Harbor Herald"},
		// An untitled post's page, as themes title it, names no article.
		{"the name alone", `<title>Harbor Herald</title><meta property="og:site_name" content="Harbor Herald">`, ""},
		{"the publisher alone", `<meta property="og:title" content="Harbor Herald Media"><script type="application/ld+json">{"@type":"BlogPosting","publisher":"Harbor Herald Media"}</script>`, ""},
		{"an icon's title", `</head><body><svg viewBox="0 0 24 24"><title>Close</title><path d="M0 0"/></svg><title>Bridge closes for repairs</title>`, "Bridge closes for repairs"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse([]byte("<html><head>"+tt.head+"</html>"), "", "https://e.com/a").Title; got != tt.want {
				t.Fatalf("title %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseFallsBackToArticlePublishedTime(t *testing.T) {
	page := []byte(`<html><head><meta property="article:published_time" content="2024-01-02T03:04:05Z"></head></html>`)
	if got := Parse(page, "", "https://e.com/").Published.Format(time.RFC3339); got != "2024-01-02T03:04:05Z" {
		t.Fatalf("published %s", got)
	}
}

// TestParseReadsDatesAsTemplatesWriteThem reads the date of publication in
// the forms and places pages give it when they give no JSON-LD date, or
// one Go's layouts do not read.
func TestParseReadsDatesAsTemplatesWriteThem(t *testing.T) {
	ld := func(date string) string {
		return `<script type="application/ld+json">{"@type":"NewsArticle","headline":"H","datePublished":"` + date + `"}</script>`
	}
	for _, tt := range []struct{ name, head, want string }{
		{"JSON-LD in SQL's form", ld("2024-11-05 10:00:00"), "2024-11-05T10:00:00Z"},
		{"JSON-LD with an offset after a space", ld("2024-11-05 10:00:00 +0100"), "2024-11-05T09:00:00Z"},
		{"JSON-LD in RFC 1123", ld("Tue, 05 Nov 2024 10:00:00 GMT"), "2024-11-05T10:00:00Z"},
		{"Open Graph with milliseconds", `<meta property="article:published_time" content="2024-11-05T10:00:00.000+0100">`, "2024-11-05T09:00:00Z"},
		{"microdata meta", `<meta itemprop="datePublished" content="2024-11-05T10:00:00+01:00">`, "2024-11-05T09:00:00Z"},
		{"microdata time", `</head><body><time itemprop="datePublished" datetime="2024-11-05T10:00:00Z">Nov 5</time>`, "2024-11-05T10:00:00Z"},
		{"Sailthru", `<meta name="sailthru.date" content="2024-11-05 10:00:00">`, "2024-11-05T10:00:00Z"},
		{"Dublin Core", `<meta name="DC.date.issued" content="2024-11-05">`, "2024-11-05T00:00:00Z"},
		{"Open Graph before microdata", `<meta itemprop="datePublished" content="2024-11-04T10:00:00Z"><meta property="article:published_time" content="2024-11-05T10:00:00Z">`, "2024-11-05T10:00:00Z"},
		{"microdata before named tags", `<meta name="pubdate" content="2024-11-04T10:00:00Z"><meta itemprop="datePublished" content="2024-11-05T10:00:00Z">`, "2024-11-05T10:00:00Z"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := Parse([]byte("<html><head>"+tt.head+"</html>"), "", "https://e.com/a")
			if got := m.Published.Format(time.RFC3339); got != tt.want {
				t.Fatalf("published %s, want %s", got, tt.want)
			}
		})
	}
	// Blogger's templates give the date only as the title of an <abbr>.
	if got := Parse(read(t, "blogger-post.html"), "text/html", "https://precinctdiary.example/2024/11/quiet-morning.html").Published.Format(time.RFC3339); got != "2024-11-05T15:45:00Z" {
		t.Fatalf("Blogger post published %s", got)
	}
}

func TestParseDecodesDeclaredCharset(t *testing.T) {
	if got := Parse(read(t, "latin1.html"), "text/html", "https://e.fr/").Title; got != "Café crème" {
		t.Fatalf("title %q", got)
	}
}

// TestParseKeepsUTF8LabelledLatin1 reads a page in UTF-8, as its <meta
// charset> says, that its server labels ISO-8859-1.
func TestParseKeepsUTF8LabelledLatin1(t *testing.T) {
	m := Parse(read(t, "utf8-labelled-latin1.html"), "text/html; charset=ISO-8859-1", "https://lequai.example/terrasse")
	if m.Title != "Café crème\u00a0: la terrasse rouvre" || m.SiteName != "Le Quai à Rouen" {
		t.Fatalf("title %q, site %q", m.Title, m.SiteName)
	}
	// UTF-16 declared is decoded, though ASCII in it is valid UTF-8.
	page := []byte("<\x00t\x00i\x00t\x00l\x00e\x00>\x00A\x00<\x00/\x00t\x00i\x00t\x00l\x00e\x00>\x00")
	if got := Parse(page, "text/html; charset=utf-16le", "https://e.com/").Title; got != "A" {
		t.Fatalf("UTF-16 title %q", got)
	}
}

// TestParseReadsLegacyPagesLabelledUTF8 reads a page in Windows-1252, as
// its <meta> says, that its server labels UTF-8; and one that names no
// encoding as Windows-1252.
func TestParseReadsLegacyPagesLabelledUTF8(t *testing.T) {
	body := read(t, "cp1252-labelled-utf8.html")
	if m := Parse(body, "text/html; charset=UTF-8", "https://lequai.example/terrasse"); m.Title != "Café crème rouvre “enfin”" {
		t.Fatalf("title %q", m.Title)
	}
	page := []byte("<title>Caf\xe9 cr\xe8me</title>")
	if got := Parse(page, "text/html; charset=utf-8", "https://e.fr/").Title; got != "Café crème" {
		t.Fatalf("undeclared page's title %q", got)
	}
}

// TestParseReadsUTF8PagesWithAStrayByte reads a UTF-8 page naming no
// encoding itself, with one byte that is not UTF-8 far from its title (a
// footer's "\xa9" left from an older template), labelled UTF-8 by its
// server or, by a server's default, ISO-8859-1: it is UTF-8 still, as
// the feed parser reads such a feed, not a page in Windows-1252 whose
// every letter beyond ASCII is two.
func TestParseReadsUTF8PagesWithAStrayByte(t *testing.T) {
	page := []byte("<html><head><title>Café crème rouvre sur le quai</title></head>" +
		"<body><p>La terrasse rouvre à midi.</p><footer>\xa9 2026 Le Quai</footer></body></html>")
	for _, ct := range []string{"text/html; charset=utf-8", "text/html; charset=ISO-8859-1"} {
		if got := Parse(page, ct, "https://lequai.example/terrasse").Title; got != "Café crème rouvre sur le quai" {
			t.Errorf("labelled %q: title %q", ct, got)
		}
	}
}

func TestParseToleratesBrokenPages(t *testing.T) {
	for _, body := range [][]byte{read(t, "broken.html"), nil, []byte("\x00\xff garbage"), []byte(`<link rel="canonical" href="javascript:alert(1)">`)} {
		m := Parse(body, "", "https://e.com/")
		if m.Canonical != "" {
			t.Fatalf("canonical %q from %q", m.Canonical, body)
		}
	}
}

func TestDecodeJSONLDForms(t *testing.T) {
	tests := []struct {
		name, raw string
		want      []string // headlines, in order
	}{
		{"object", `{"@type":"NewsArticle","headline":"One"}`, []string{"One"}},
		{"array", ` [{"headline":"One"},{"headline":"Two"}] `, []string{"One", "Two"}},
		{"array in a comment", "<!--\n [{\"headline\":\"One\"}]\n-->", []string{"One"}},
		{"object in a comment", "<!-- {\"headline\":\"One\"} -->", []string{"One"}},
		{"graph", `{"@graph":[{"headline":"Inner"}],"headline":"Outer"}`, []string{"Outer", "Inner"}},
		{"main entity", `{"@type":"WebPage","mainEntity":{"headline":"Inner"}}`, []string{"", "Inner"}},
		// JSON as templates write it, mended.
		{"trailing commas", "{\"headline\":\"One\",\n \"publisher\":{\"name\":\"P\",},\n}", []string{"One"}},
		{"raw line break", "{\"headline\":\"One\",\"description\":\"a\nb\tc\"}", []string{"One"}},
		{"comment", "/* schema */\n{\"headline\":\"One\"}", []string{"One"}},
		{"CDATA in comments", "//<![CDATA[\n{\"headline\":\"One\"}\n//]]>", []string{"One"}},
		{"CDATA", "<![CDATA[{\"headline\":\"One\"}]]>", []string{"One"}},
		// Values of another type than the usual one cost that value only.
		{"headline in a list", `{"headline":["One","Uno"]}`, []string{"One"}},
		{"value object", `{"headline":{"@value":"One","@language":"en"}}`, []string{"One"}},
		{"number for a text", `{"headline":"One","url":404,"name":{"first":"x"}}`, []string{"One"}},
		{"graph as an object", `{"@graph":{"headline":"Inner"}}`, []string{"", "Inner"}},
		{"broken", `{"headline":`, nil},
		{"broken array", `[{"headline":"One"},`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, o := range decodeJSONLD([]byte(tt.raw)) {
				got = append(got, string(o.Headline))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("headlines %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseTellsErrorPages tells the error pages sites answer with 200 OK
// for a removed article from articles whose headlines begin alike.
func TestParseTellsErrorPages(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{`<title>Page not found &#8211; Harbor Ledger</title>`, true},
		{`<title>Page Not Found | Harbor Ledger</title><meta property="og:type" content="website">`, true},
		{`<title>404 - Page not found</title>`, true},
		{`<title>404 Not Found</title>`, true},
		{`<meta property="og:title" content="Not Found"><title>Harbor Ledger</title>`, true},
		{`<title>Seite nicht gefunden – Hafenbote</title>`, true},
		{`<title>Page introuvable - Le Quai</title>`, true},
		{`<title>Page non trouvée &#8211; Le Quai</title>`, true},
		{`<title>Página no encontrada | El Muelle</title>`, true},
		{`<title>Страница не найдена — Причал</title>`, true},
		{`<title>404 errors rise as the county's site moves</title>`, false},
		{`<title>Not found: the ballots of ward 9</title>`, false},
		{`<title>Page not found - a play in two acts</title><meta property="og:type" content="article">`, false},
		{`<title>Page not found - a play</title><script type="application/ld+json">{"@type":"NewsArticle","headline":"Page not found - a play"}</script>`, false},
	} {
		if got := Parse([]byte("<html><head>"+tt.head+"</head></html>"), "", "https://e.com/a").NotFound; got != tt.want {
			t.Errorf("%s: NotFound %v, want %v", tt.head, got, tt.want)
		}
	}
}

// TestParseReadsImageSizesWithUnits reads og:image's size written with
// CSS's unit, as many hand-written heads write it ("1200px").
func TestParseReadsImageSizesWithUnits(t *testing.T) {
	page := []byte(`<meta property="og:image" content="/lead.jpg"><meta property="og:image:width" content="1200px"><meta property="og:image:height" content=" 630 ">`)
	if im := Parse(page, "", "https://e.com/a").Image; im.Width != 1200 || im.Height != 630 {
		t.Fatalf("image %+v", im)
	}
}

// TestParseTakesTheArticlesPicture reads the picture a page gives as
// its article's: Open Graph's over the Twitter card's, which heads write
// first (a smaller crop), and none where what the page gives is a spacer
// of one pixel or an icon, which pages without a picture of their own
// name in its place.
func TestParseTakesTheArticlesPicture(t *testing.T) {
	for _, tt := range []struct {
		file string
		want model.Image
	}{
		{"card-before-og.html", model.Image{URL: "https://cdn.lakesidecourier.example/img/2024/11/ward7-1200.jpg", Width: 1200, Height: 675}},
		{"spacer-image.html", model.Image{}},
	} {
		if im := Parse(read(t, tt.file), "text/html; charset=utf-8", "https://e.com/a").Image; im != tt.want {
			t.Errorf("%s: image %+v, want %+v", tt.file, im, tt.want)
		}
	}
	// A card alone is the page's picture.
	page := []byte(`<meta name="twitter:image" content="/card.jpg">`)
	if im := Parse(page, "", "https://e.com/a").Image; im.URL != "https://e.com/card.jpg" {
		t.Errorf("card alone: image %+v", im)
	}
}

// TestParseResolvesAgainstTheBase resolves relative addresses against the
// page's first <base href>, as a browser does, not the page's address.
func TestParseResolvesAgainstTheBase(t *testing.T) {
	page := []byte(`<html><head><base href="https://static.example.net/site/"><base href="https://other.example/">
<meta property="og:image" content="img/lead.jpg"><link rel="canonical" href="news/ferry-fares"><link rel="amphtml" href="/amp/news/ferry-fares"></head></html>`)
	m := Parse(page, "", "https://www.example.com/2024/11/05/ferry-fares")
	if m.Image.URL != "https://static.example.net/site/img/lead.jpg" || m.Canonical != "https://static.example.net/site/news/ferry-fares" || m.AMP != "https://static.example.net/amp/news/ferry-fares" {
		t.Fatalf("image %q, canonical %q, amp %q", m.Image.URL, m.Canonical, m.AMP)
	}
	// A relative base is relative to the page.
	page = []byte(`<base href="/en/"><link rel="canonical" href="ferry-fares">`)
	if m := Parse(page, "", "https://www.example.com/2024/11/05/ferry-fares"); m.Canonical != "https://www.example.com/en/ferry-fares" {
		t.Fatalf("canonical %q", m.Canonical)
	}
}

// TestParseReadsRefreshes reads where a <meta http-equiv="refresh"> sends
// the reader at once, in a <noscript> too, as link shorteners write it;
// a page that reloads itself, or sends the reader on later, sends none.
func TestParseReadsRefreshes(t *testing.T) {
	for _, tt := range []struct{ head, want string }{
		{`<noscript><META http-equiv="refresh" content="0;URL=https://news.example/a"></noscript>`, "https://news.example/a"},
		{`<meta http-equiv="Refresh" content="0; url='/a?b=1'">`, "https://e.com/a?b=1"},
		{`<meta http-equiv="refresh" content='2;"https://news.example/a"'>`, "https://news.example/a"},
		{`<meta http-equiv="refresh" content="300">`, ""},
		{`<meta http-equiv="refresh" content="600; url=https://e.com/live">`, ""},
		{`<meta http-equiv="refresh" content="0;url=javascript:void(0)">`, ""},
	} {
		if got := Parse([]byte("<html><head>"+tt.head+"</head></html>"), "", "https://e.com/s/1").Refresh; got != tt.want {
			t.Errorf("%s: refresh %q, want %q", tt.head, got, tt.want)
		}
	}
	// Open Graph in a <noscript> is read as well.
	if m := Parse([]byte(`<head><noscript><meta property="og:image" content="/lead.jpg"></noscript></head>`), "", "https://e.com/a"); m.Image.URL != "https://e.com/lead.jpg" {
		t.Errorf("image %+v", m.Image)
	}
}

// TestParseLeavesOutThePublishersLogo leaves out the picture a page gives
// when it is its publisher's logo (Yoast SEO's default image for a post
// without one, which sites set to their logo): it is not the article's.
func TestParseLeavesOutThePublishersLogo(t *testing.T) {
	if m := Parse(read(t, "yoast-default-image.html"), "text/html", "https://harborledger.example/2024/12/01/ferry-schedule/"); m.Image.URL != "" {
		t.Fatalf("image %+v", m.Image)
	}
	// The article's own picture is taken in its place.
	page := []byte(`<meta property="og:image" content="/logo.png"><script type="application/ld+json">{"@type":"NewsArticle","headline":"H",
"image":"https://e.com/lead.jpg","publisher":{"@type":"Organization","name":"P","logo":"https://e.com/logo.png"}}</script>`)
	if m := Parse(page, "", "https://e.com/a"); m.Image.URL != "https://e.com/lead.jpg" {
		t.Fatalf("image %+v", m.Image)
	}
}

// A JSON-LD text read without encoding/json (a string with nothing to
// undo) is read as encoding/json reads it.
func TestLDTextReadsStringsAsJSONDoes(t *testing.T) {
	for _, raw := range []string{`"Plain headline"`, `""`, `"Smith &amp; Sons"`, `"say \"no\""`,
		`"caf\u00e9 \/ bar"`, `"tab\there"`, "\"bad \xff byte\"", `"日本語の見出し"`} {
		var want string
		if err := json.Unmarshal([]byte(raw), &want); err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		var got ldText
		if err := json.Unmarshal([]byte(raw), &got); err != nil || string(got) != want {
			t.Errorf("%s read as %q (%v), want %q", raw, got, err, want)
		}
	}
}

func TestTagAtomNamesTheElementOfARawTag(t *testing.T) {
	tests := []struct {
		raw  string
		want atom.Atom
	}{
		{`<meta property="og:title" content="x">`, atom.Meta},
		{`<META NAME=description>`, atom.Meta},
		{`<link/>`, atom.Link},
		{"<title\n>", atom.Title},
		{`</svg>`, atom.Svg},
		{`</SVG >`, atom.Svg},
		{`<li class="story-card">`, atom.Li},
		{`<my-custom-element-name data-x=1>`, 0},
		{`<`, 0},
		{``, 0},
	}
	for _, tt := range tests {
		if got := tagAtom([]byte(tt.raw)); got != tt.want {
			t.Errorf("tagAtom(%q) = %v, want %v", tt.raw, got, tt.want)
		}
	}
}

// A news site's page is thousands of elements around its article, of
// which Parse reads a few: passing over the others allocates nothing.
func TestParsePassesOverOtherElementsWithoutAllocating(t *testing.T) {
	head := `<!DOCTYPE html><html><head><meta charset="utf-8"><title>Levy passes</title>` +
		`<meta property="og:title" content="Levy passes"><link rel="canonical" href="https://news.example/levy"></head><body>`
	page := func(n int) []byte {
		return []byte(head + strings.Repeat("<div><ul><li><span>Another story</span></li></ul></div>\n", n) + "</body></html>")
	}
	allocs := func(b []byte) float64 {
		return testing.AllocsPerRun(20, func() { Parse(b, "text/html; charset=utf-8", "https://news.example/levy") })
	}
	small, large := allocs(page(10)), allocs(page(1010))
	// 8,000 more tags, start and end: a copy of each name would be 8,000
	// more allocations.
	if large-small > 100 {
		t.Errorf("1,000 more runs of elements took %.0f more allocations (%.0f against %.0f)", large-small, large, small)
	}
	m := Parse(page(1010), "text/html; charset=utf-8", "https://news.example/levy")
	if m.Title != "Levy passes" || m.Canonical != "https://news.example/levy" {
		t.Errorf("read %+v", m)
	}
}

// TestParseReadsJSONLDUpToThePagesBound gives a page its article's JSON-LD
// before, and after, blocks of breadcrumbs over maxPageJSONLD in all: the
// blocks past the bound are not decoded.
func TestParseReadsJSONLDUpToThePagesBound(t *testing.T) {
	block := func(v string) string { return `<script type="application/ld+json">` + v + "</script>\n" }
	article := block(`{"@type":"NewsArticle","headline":"The harbour budget passes"}`)
	crumb := `{"@type":"BreadcrumbList","name":"` + strings.Repeat("n", 10<<10) + `"}`
	padding := strings.Repeat(block(crumb), maxPageJSONLD/len(crumb)+1)
	for _, tt := range []struct {
		name, head, headline string
	}{
		{"article first", article + padding, "The harbour budget passes"},
		{"article past the bound", padding + article, ""},
	} {
		m := Parse([]byte("<html><head>"+tt.head+"</head><body></body></html>"), "text/html", "https://news.example.com/a")
		if m.Headline != tt.headline {
			t.Errorf("%s: headline %q, want %q", tt.name, m.Headline, tt.headline)
		}
	}
}

// TestParseCutsHugeTextsAsItReadsThem: a page's title, description, site
// name, headline or publisher far longer than a record holds is cut to
// the limit of the record's field it becomes as it is read, and named in
// Cut.
func TestParseCutsHugeTextsAsItReadsThem(t *testing.T) {
	huge := strings.Repeat("word ", 100<<10/5) // 100 KB, under the bound of a JSON-LD block
	for _, tt := range []struct {
		name, page string
		got        func(Meta) string
		max        int
	}{
		{"og:title", `<meta property="og:title" content="` + huge + `">`, func(m Meta) string { return m.Title }, model.MaxTitle},
		{"twitter:title", `<meta name="twitter:title" content="` + huge + `">`, func(m Meta) string { return m.Title }, model.MaxTitle},
		{"title", `<title>` + huge + `</title>`, func(m Meta) string { return m.Title }, model.MaxTitle},
		{"og:description", `<meta property="og:description" content="` + huge + `">`, func(m Meta) string { return m.Description }, model.MaxExcerpt},
		{"description", `<meta name="description" content="` + huge + `">`, func(m Meta) string { return m.Description }, model.MaxExcerpt},
		{"twitter:description", `<meta name="twitter:description" content="` + huge + `">`, func(m Meta) string { return m.Description }, model.MaxExcerpt},
		{"og:site_name", `<meta property="og:site_name" content="` + huge + `">`, func(m Meta) string { return m.SiteName }, model.MaxTitle},
		{"headline", `<script type="application/ld+json">{"@type":"NewsArticle","headline":"` + huge + `"}</script>`, func(m Meta) string { return m.Headline }, model.MaxTitle},
		{"publisher", `<script type="application/ld+json">{"@type":"NewsArticle","publisher":{"@type":"Organization","name":"` + huge + `"}}</script>`, func(m Meta) string { return m.Publisher }, model.MaxTitle},
	} {
		m := Parse([]byte("<html><head>"+tt.page+"</head><body></body></html>"), "text/html; charset=utf-8", "https://example.org/a")
		got := tt.got(m)
		if n := utf8.RuneCountInString(got); n > tt.max || !strings.HasPrefix(got, "word word") || !strings.HasSuffix(got, "…") {
			t.Errorf("%s: %d characters %.30q…, want it cut to at most %d", tt.name, n, got, tt.max)
		}
		if !slices.Equal(m.Cut, []string{tt.name}) {
			t.Errorf("%s: Cut = %q, want it named", tt.name, m.Cut)
		}
	}
	if m := Parse(read(t, "article.html"), "text/html; charset=utf-8", "https://www.example.com/a"); m.Cut != nil {
		t.Errorf("a page of usual texts: Cut = %q", m.Cut)
	}
}
