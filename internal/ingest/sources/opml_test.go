package sources

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"newshub/internal/model"
)

// TestOPMLReadsTheEncodingsReadersWrite reads one list of feeds, a
// folder of them nested in another, as readers and editors save it: in
// UTF-16 (with its byte-order mark, as Windows tools write it), in a
// legacy encoding declared or not, with a UTF-8 byte-order mark. Each
// must give the feeds and their topics, accents and all, where UTF-16 and
// an undeclared Latin-1 file were refused as not UTF-8.
func TestOPMLReadsTheEncodingsReadersWrite(t *testing.T) {
	const doc = `<opml version="2.0"><head><title>Abonnements</title></head><body>
<outline text="Actualités"><outline text="Économie">
  <outline text="Le Café" type="rss" xmlUrl="https://cafe.example.fr/rss" category="Économie,Élection"/>
</outline></outline>
<outline text="Wire" type="rss" xmlUrl="https://wire.example.com/atom"/>
</body></opml>
`
	const decl = `<?xml version="1.0" encoding="%s"?>` + "\n"
	encode := func(enc encoding.Encoding, s string) []byte {
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	declared := func(label string) string { return fmt.Sprintf(decl, label) + doc }
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(declared("UTF-8"))},
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), declared("UTF-8")...)},
		{"UTF-16 little-endian", encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), declared("UTF-16"))},
		{"UTF-16 big-endian", encode(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), declared("UTF-16"))},
		{"ISO-8859-1 declared", encode(charmap.ISO8859_1, declared("ISO-8859-1"))},
		{"Windows-1252 declared", encode(charmap.Windows1252, declared("windows-1252"))},
		{"Latin-1 undeclared", encode(charmap.ISO8859_1, doc)},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := ReadOPML(bytes.NewReader(c.data))
			if err != nil {
				t.Fatalf("ReadOPML: %v", err)
			}
			srcs := doc.Sources()
			if len(srcs) != 2 || srcs[0].URL != "https://cafe.example.fr/rss" || srcs[1].URL != "https://wire.example.com/atom" {
				t.Fatalf("feeds %+v", srcs)
			}
			if want := []string{"Économie", "Élection"}; !slices.Equal(srcs[0].Topics, want) {
				t.Errorf("topics %q, want %q", srcs[0].Topics, want)
			}
		})
	}
}

// TestOPMLReadsWhatReadersExport reads files shaped as feed readers and
// podcast apps export them, and one made by hand: each feed with the line
// it is on, and each outline left out with the line and the reason,
// where a lower-case xmlurl, a podcast app's url, a folder, a link and a
// feed listed twice (http and https, a trailing slash) were dropped
// unsaid, and an address that is not absolute http(s) was refused
// without its line.
func TestOPMLReadsWhatReadersExport(t *testing.T) {
	type skip struct {
		line   int
		reason string
	}
	for _, c := range []struct {
		file  string
		feeds []OPMLFeed
		skips []skip
	}{
		{"feedly.opml", []OPMLFeed{
			{model.Source{URL: "https://ledger.example.org/feed.xml"}, 9},
			{model.Source{URL: "http://wire.example.com/rss/?a=1&b=2"}, 10},
		}, []skip{{8, SkipFolder}, {12, SkipFolder}, {13, SkipDuplicate}}},
		{"netnewswire.opml", []OPMLFeed{
			{model.Source{URL: "https://cafe.example.fr/feed.atom"}, 8},
			{model.Source{URL: "https://gazette.example.net/index.xml"}, 11},
		}, []skip{{9, SkipNoAddress}, {10, SkipFolder}}},
		{"podcasts.opml", []OPMLFeed{
			{model.Source{URL: "https://pod.example.com/brief.rss"}, 6},
			{model.Source{URL: "https://lower.example.com/feed"}, 9},
			{model.Source{URL: "https://url.example.com/podcast.xml"}, 10},
		}, []skip{{5, SkipFolder}, {7, SkipLink}}},
		{"handmade.opml", []OPMLFeed{
			{model.Source{URL: "https://atom.example.org/atom.xml"}, 7},
			{model.Source{URL: "https://entities.example.org/rss?x=1&y=2"}, 12},
		}, []skip{{8, SkipLink}, {9, SkipNoAddress}, {10, SkipRefused}, {11, SkipRefused}}},
	} {
		t.Run(c.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "opml", c.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			doc, err := ReadOPML(f)
			if err != nil {
				t.Fatalf("ReadOPML: %v", err)
			}
			if !reflect.DeepEqual(doc.Feeds, c.feeds) {
				t.Errorf("feeds\n%+v\nwant\n%+v", doc.Feeds, c.feeds)
			}
			var skips []skip
			for _, s := range doc.Skipped {
				skips = append(skips, skip{s.Line, s.Reason})
				if s.Detail == "" {
					t.Errorf("line %d: %s left out with no word of why", s.Line, s.Reason)
				}
			}
			if !slices.Equal(skips, c.skips) {
				t.Errorf("left out %v, want %v\n%+v", skips, c.skips, doc.Skipped)
			}
		})
	}
}

// TestOPMLRefusesWhatIsNotOPML: a page, a feed, an empty file, a file cut
// short and one too large are refused with the line that shows it, where
// an empty file was "EOF" and a file over the bound was cut to it and
// read as one cut short.
func TestOPMLRefusesWhatIsNotOPML(t *testing.T) {
	big := "<opml version=\"2.0\"><body>\n" + strings.Repeat("<outline text=\"x\"/>\n", maxOPML/20) + "</body></opml>\n"
	for _, c := range []struct {
		name, doc, want string
	}{
		{"HTML page", "<!DOCTYPE html>\n<html lang=\"en\">\n<head><title>Feeds</title></head>\n<body><p>x</p></body></html>\n",
			"line 2: not an OPML file: its root element is <html>, not <opml>"},
		{"RSS feed", "<?xml version=\"1.0\"?>\n\n<rss version=\"2.0\">\n<channel><title>x</title></channel></rss>\n",
			"line 3: not an OPML file: its root element is <rss>, not <opml>"},
		{"empty", "", "line 1: not an OPML file: it holds no element"},
		{"text", "feeds:\n  - https://a.example/feed\n", "line 1: not an OPML file: it holds no element"},
		{"cut short", "<opml version=\"2.0\">\n<body>\n<outline text=\"a\" xmlUrl=\"https://a.example/feed\"/>\n<outline text=\"b\"",
			"line 4: invalid OPML: unexpected EOF"},
		{"too large", big, "line 1: not read: an OPML file is at most 16 MB"},
		{"nested too deep", "<opml version=\"2.0\">\n<body>\n" + strings.Repeat("<outline text=\"a\">", 100*maxNesting) +
			strings.Repeat("</outline>", 100*maxNesting) + "\n</body></opml>\n",
			fmt.Sprintf("line 3: invalid OPML: outlines nested more than %d deep", maxNesting)},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := ReadOPML(strings.NewReader(c.doc))
			if err == nil || err.Error() != c.want {
				t.Errorf("ReadOPML: %v (%+v), want %q", err, doc, c.want)
			}
		})
	}
}

// TestOPMLSkipsQuoteAPrefix reads outlines whose names and addresses are
// a megabyte long, one with a password: each is counted skipped, with its
// reason, and its detail quotes the first characters, the password
// masked. (Each detail quoted the whole attribute, a duplicate's address
// unmasked.)
func TestOPMLSkipsQuoteAPrefix(t *testing.T) {
	long := strings.Repeat("a", 1<<20)
	doc := `<opml version="2.0"><body>` +
		`<outline text="` + long + `"><outline xmlUrl="https://reader:secret@news.example.com/` + long + `"/></outline>` +
		`<outline text="` + long + `"/>` +
		`<outline text="` + long + `" type="` + long + `" url="https://news.example.com/"/>` +
		`<outline xmlUrl="https://reader:secret@news.example.com/` + long + `"/>` +
		`<outline xmlUrl="ftp://reader:secret@news.example.com/` + long + `"/>` +
		`</body></opml>`
	o, err := ReadOPML(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, s := range o.Skipped {
		reasons = append(reasons, s.Reason)
		if len(s.Detail) > 300 || strings.Contains(s.Detail, "secret") {
			t.Errorf("%s skipped with a detail of %d bytes: %.300q", s.Reason, len(s.Detail), s.Detail)
		}
	}
	if want := []string{SkipFolder, SkipNoAddress, SkipLink, SkipDuplicate, SkipRefused}; !slices.Equal(reasons, want) || len(o.Feeds) != 1 {
		t.Errorf("%d feeds, skipped %q; want 1, skipped %q", len(o.Feeds), reasons, want)
	}
	err = Validate(model.Source{URL: "https://reader:secret@news.example.com/" + long, Interval: "10s"})
	if err == nil || len(err.Error()) > 300 || strings.Contains(err.Error(), "secret") {
		t.Errorf("Validate of an interval too short: %.300v", err)
	}
}

// TestOPMLImportsTenThousandFeeds reads and imports a file of 10,000
// feeds in 100 folders into a list holding half of them, some with the
// other scheme: each feed listed is counted as listed, each new one
// added once. The list was searched whole for each feed, twice, which
// took minutes for such a file.
func TestOPMLImportsTenThousandFeeds(t *testing.T) {
	const n = 10000
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\"><head><title>big</title></head><body>\n")
	l := &List{rec: &model.Record{Path: Path, Kind: model.KindSources, Sources: &model.Sources{}}}
	for i := range n {
		if i%100 == 0 {
			fmt.Fprintf(&b, "<outline text=\"folder %d\">\n", i/100)
		}
		u := fmt.Sprintf("https://f%d.example.com/feed", i)
		fmt.Fprintf(&b, "<outline type=\"rss\" text=\"Feed %d\" xmlUrl=\"%s\"/>\n", i, u)
		if i%100 == 99 {
			b.WriteString("</outline>\n")
		}
		if i%2 == 0 {
			if i%4 == 0 {
				u = strings.Replace(u, "https:", "http:", 1) + "/"
			}
			l.rec.Sources.Sources = append(l.rec.Sources.Sources, model.Source{URL: u})
		}
	}
	b.WriteString("</body></opml>\n")
	doc, err := ReadOPML(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Feeds) != n || len(doc.Skipped) != n/100 {
		t.Fatalf("%d feeds and %d outlines left out, want %d and %d", len(doc.Feeds), len(doc.Skipped), n, n/100)
	}
	if r := l.Import(doc.Feeds); r.Added != n/2 || r.Listed != n/2 || len(r.Rejected) != 0 {
		t.Errorf("imported %+v, want %d added and %d listed", r, n/2, n/2)
	}
	if len(l.Sources()) != n {
		t.Errorf("the list holds %d sources, want %d", len(l.Sources()), n)
	}
}

// TestOPMLExportIsValidOPML2 writes a hub's sources as readers read OPML
// 2.0 (version, head/title, dateCreated in RFC 822 form, a text on every
// outline) and reads them back into the same bytes, where it wrote no
// dateCreated.
func TestOPMLExportIsValidOPML2(t *testing.T) {
	created := time.Date(2024, 5, 2, 9, 12, 0, 0, time.FixedZone("CEST", 2*3600))
	srcs := []model.Source{
		{URL: "https://ledger.example.org/feed.xml?a=1&b=<2>", Provider: "ledger.example.org", Topics: []string{"Election", "Café"}},
		{URL: "https://wire.example.com/rss", Interval: "2h", Enabled: new(false)},
	}
	var first bytes.Buffer
	if err := WriteOPML(&first, `Hub "one" & <two>`, created, srcs); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Version string `xml:"version,attr"`
		Title   string `xml:"head>title"`
		Created string `xml:"head>dateCreated"`
		Texts   []struct {
			Text string `xml:"text,attr"`
		} `xml:"body>outline"`
	}
	if err := xml.Unmarshal(first.Bytes(), &doc); err != nil {
		t.Fatalf("strict XML: %v\n%s", err, first.String())
	}
	if when, err := time.Parse(time.RFC1123Z, doc.Created); err != nil || !when.Equal(created) {
		t.Errorf("dateCreated %q (%v), want %v in RFC 822 form", doc.Created, err, created)
	}
	if doc.Version != "2.0" || doc.Title != `Hub "one" & <two>` || len(doc.Texts) != 2 || doc.Texts[1].Text == "" {
		t.Errorf("read as %+v\n%s", doc, first.String())
	}
	back, err := ReadOPML(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var second bytes.Buffer
	if err := WriteOPML(&second, `Hub "one" & <two>`, created, back.Sources()); err != nil {
		t.Fatal(err)
	}
	if second.String() != first.String() {
		t.Errorf("read back and written again:\n%s\nwant\n%s", second.String(), first.String())
	}
}
