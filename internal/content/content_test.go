package content

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// sampleFiles returns every record file of the shared sample (outside
// api/), keyed by site path; the test is skipped when the sample is absent.
func sampleFiles(t testing.TB) map[string][]byte {
	t.Helper()
	return readSample(t, testutil.Shared(t, "smartable-sample"))
}

// readSample returns every file under dir (outside api/) by site path.
func readSample(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		if d.IsDir() {
			if rel == "api" {
				return filepath.SkipDir
			}
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no sample files")
	}
	return files
}

func TestSampleRoundTripIsByteIdentical(t *testing.T) {
	for path, data := range sampleFiles(t) {
		t.Run(path, func(t *testing.T) {
			if _, ok := KindOf(path); !ok {
				t.Fatalf("KindOf(%q) = false, want a record kind", path)
			}
			rec, err := Parse(path, data)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if string(rec.Raw) != string(data) {
				t.Fatal("Parse changed Raw")
			}
			if err := Render(rec); err != nil {
				t.Fatalf("Render: %v", err)
			}
			if string(rec.Raw) != string(data) {
				t.Fatalf("Render without change altered the file:\n%s", diffLines(string(data), string(rec.Raw)))
			}
		})
	}
}

// diffLines shows the lines that differ between a and b.
func diffLines(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	var out strings.Builder
	for i := 0; i < len(al) || i < len(bl); i++ {
		var x, y string
		if i < len(al) {
			x = al[i]
		}
		if i < len(bl) {
			y = bl[i]
		}
		if x != y || i >= len(al) || i >= len(bl) {
			out.WriteString("-" + x + "\n+" + y + "\n")
		}
	}
	return out.String()
}

// changedLines returns the lines of a missing from b and of b missing from
// a, as multisets.
func changedLines(a, b string) (removed, added []string) {
	count := map[string]int{}
	for _, l := range strings.Split(a, "\n") {
		count[l]++
	}
	for _, l := range strings.Split(b, "\n") {
		if count[l] > 0 {
			count[l]--
		} else {
			added = append(added, l)
		}
	}
	for l, n := range count {
		for ; n > 0; n-- {
			removed = append(removed, l)
		}
	}
	return removed, added
}

func TestSampleParseDecodesFields(t *testing.T) {
	files := sampleFiles(t)
	get := func(p string) *model.Record {
		t.Helper()
		rec, err := Parse(p, files[p])
		if err != nil {
			t.Fatal(err)
		}
		return rec
	}
	a := get("_news/2021-06-27-blinken-visit-to-pope-will-reset-us-vatican-ties-after-trump-years.md").Article
	if a.Title != "Blinken visit to pope will reset U.S-Vatican ties after Trump years" || a.Quality != 105 || a.Heat != 125 ||
		!a.Published || a.Provider.Domain != "reuters.com" || len(a.Provider.Images) != 1 || a.Provider.Images[0].Width != 50 ||
		len(a.Related) != 1 || a.Related[0].Quality != 35 || a.Related[0].Provider.Name != "U.S. News & World Report" ||
		a.PublishedDateTime.Format("2006-01-02T15:04:05Z07:00") != "2021-06-27T09:14:00Z" || a.Archived ||
		a.Has != (model.Curated{Quality: true, Heat: true, Published: true, Topics: true}) ||
		strings.Join(a.Topics, ",") != "Election,Donald Trump" || len(a.Images) != 1 || a.Images[0].IsCached == nil || !*a.Images[0].IsCached ||
		!strings.HasSuffix(a.Secured, "e1quswqBTfH7CYy9yAbi5Q==") {
		t.Errorf("news decoded wrong: %+v", a)
	}
	arch := get("_archive/news/2020-09-14-live-vp-mike-pence-speaks-at-rally-in-wisconsin.md").Article
	if !arch.Archived || arch.Heat != -1 || arch.Published {
		t.Errorf("archived news: Archived=%v Heat=%d Published=%v", arch.Archived, arch.Heat, arch.Published)
	}
	ev := get("_events/2020-10-15-second-presidential-debate.md").Event
	if _, off := ev.StartDateTime.Zone(); off != -7*3600 || ev.Provider == nil || ev.Provider.Name != "CPD" || ev.Location != "Miami, FL" {
		t.Errorf("event decoded wrong: %+v", ev)
	}
	tp := get("_data/topics/00-election.yaml").Topic
	if tp.Order != 0 || tp.ID != "election" || len(tp.Services) != 4 || tp.Services[3].Name != "newsletters" ||
		!strings.HasSuffix(tp.Services[3].Endpoint, "/api/newsletters/") || tp.Images != nil || tp.Hashtags[0] != "#Election2020" {
		t.Errorf("topic decoded wrong: %+v", tp)
	}
	if o := get("_data/topics/06-kamala-harris.yaml").Topic.Order; o != 6 {
		t.Errorf("topic order = %d, want 6", o)
	}
	if kw := get("_data/topics/01-republican-voice.yaml").Topic.Keywords; kw != nil {
		t.Errorf("empty keywords decoded as %q", kw)
	}
	cfg := get("_config.yml").Config
	if cfg.Title != "Election Smartable" || cfg.BaseURL != "/election" || cfg.Locale != "en-us" || cfg.Topic != "Election" ||
		cfg.URL != "https://smartableai.github.io" || cfg.WebURL != "https://smartable.ai/apps/election" {
		t.Errorf("config decoded wrong: %+v", cfg)
	}
	lv := get("_learning/videos/usagov-how-to-become-president-of-the-united-states.md").Learning
	if !strings.HasPrefix(lv.FeaturedContent, `<iframe width="800" height="500"`) || lv.Length != "PT2M22S" || lv.Heat != 219 {
		t.Errorf("learning decoded wrong: %+v", lv)
	}
	pr := get("_people/john-barrasso.md").Person
	if pr.YouTube == nil || pr.YouTube.Subscribers != 679 || pr.Facebook == nil || pr.Twitter.Followers != 149045 {
		t.Errorf("person decoded wrong: %+v", pr)
	}
	col := get("_people/collections/democratic-senators.md")
	if col.Kind != model.KindPeopleList || len(col.Person.Items) != 4 {
		t.Errorf("people collection decoded wrong: %+v", col.Person)
	}
	org := get("_data/organizations/nypost.com.md").Organization
	if org.Domain != "nypost.com" || len(org.Images) != 2 || org.Images[1].Width != 400 {
		t.Errorf("organization decoded wrong: %+v", org)
	}
}

func TestRenderChangesOnlyChangedFields(t *testing.T) {
	files := sampleFiles(t)
	const p = "_news/2021-06-27-blinken-visit-to-pope-will-reset-us-vatican-ties-after-trump-years.md"
	// The related block and the blank line after it.
	text := string(files[p])
	block := text[strings.Index(text, "related:\n"):strings.Index(text, "secured:")]
	relatedBlock := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
	tests := []struct {
		name          string
		change        func(a *model.Article)
		removed, adds []string
		check         func(a *model.Article) bool
	}{
		{"heat", func(a *model.Article) { a.Heat = 999 }, []string{"heat: 125"}, []string{"heat: 999"},
			func(a *model.Article) bool { return a.Heat == 999 }},
		{"quality and published", func(a *model.Article) { a.Quality, a.Published = 7, false },
			[]string{"quality: 105", "published: true"}, []string{"quality: 7", "published: false"},
			func(a *model.Article) bool { return a.Quality == 7 && !a.Published }},
		{"topics", func(a *model.Article) { a.Topics = append(a.Topics, "Joe Biden") }, nil, []string{"  - Joe Biden"},
			func(a *model.Article) bool { return len(a.Topics) == 3 && a.Topics[2] == "Joe Biden" }},
		{"related removed", func(a *model.Article) { a.Related = nil },
			relatedBlock, nil,
			func(a *model.Article) bool { return a.Related == nil }},
		{"related added", func(a *model.Article) {
			a.Related = append(a.Related, model.Related{Title: `A "quoted" title`, Quality: 20, Type: "article",
				Provider: model.Provider{Name: "X", Domain: "x.com"}})
		}, nil, []string{`  - title: "A \"quoted\" title"`, "    type: article", "    provider:", "      name: X", "      domain: x.com", "    quality: 20"},
			func(a *model.Article) bool { return len(a.Related) == 2 && a.Related[1].Title == `A "quoted" title` }},
		{"amp inserted", func(a *model.Article) { a.AmpWebURL = "https://example.com/amp" }, nil,
			[]string{`ampWebUrl: "https://example.com/amp"`},
			func(a *model.Article) bool { return a.AmpWebURL == "https://example.com/amp" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(p, files[p])
			if err != nil {
				t.Fatal(err)
			}
			tc.change(rec.Article)
			if err := Render(rec); err != nil {
				t.Fatal(err)
			}
			removed, added := changedLines(string(files[p]), string(rec.Raw))
			if !sameSet(removed, tc.removed) || !sameSet(added, tc.adds) {
				t.Fatalf("removed %q added %q, want removed %q added %q\n%s", removed, added, tc.removed, tc.adds, rec.Raw)
			}
			back, err := Parse(p, rec.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(back.Article) {
				t.Fatalf("re-parsed value lacks the change: %+v", back.Article)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	count := map[string]int{}
	for _, s := range a {
		count[s]++
	}
	for _, s := range b {
		if count[s] == 0 {
			return false
		}
		count[s]--
	}
	return true
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, path, data string
		line             int
		msg              string
	}{
		{"no front matter", "_news/a.md", "title: x\n", 1, "missing front matter"},
		{"empty front matter", "_news/a.md", "---\n---\n", 1, "empty front matter"},
		{"unclosed", "_news/a.md", "---\ntitle: x\n", 2, "not closed"},
		{"unclosed without newline", "_news/a.md", "---\ntitle: x\nexcerpt: y", 3, "not closed"},
		{"bad escape", "_news/a.md", "---\ntitle: \"a\\qb\"\n---\n", 2, "invalid YAML"},
		{"tab indent", "_news/a.md", "---\ntitle: t\n\tx: y\n---\n", 3, "invalid YAML"},
		{"bad bool", "_news/a.md", "---\ntitle: t\nwebUrl: u\npublishedDateTime: 2021-01-01T00:00:00Z\npublished: maybe\n---\n", 5, "published"},
		{"related item", "_news/a.md", "---\ntitle: t\nwebUrl: u\npublishedDateTime: 2021-01-01T00:00:00Z\nrelated:\n  - title: x\n    quality: [1]\n---\n", 7, "related[0].quality"},
		{"empty topic file", "_data/topics/01-a.yaml", "# nothing\n", 1, "empty file"},
		{"bad yaml", "_news/a.md", "---\ntitle: \"x\"\nexcerpt: [a\n---\n", 3, "invalid YAML"},
		// The parser names the line its list starts on: the line of the
		// mistake, far down a long list, is found.
		{"key indented out of its entry", "_data/decisions.yaml", "decisions:\n  - action: hide\n    article: https://a.example/x\n    at: 2026-12-07T10:00:00Z\n" +
			"  - action: show\n    article: https://a.example/y\n    at: 2026-12-07T10:01:00Z\n   note: oops\n  - action: hide\n    article: https://a.example/z\n    at: 2026-12-07T10:02:00Z\n", 8, "invalid YAML"},
		{"entry indented out of its list", "_data/sources.yaml", "sources:\n  - url: https://a.example/feed\n  - url: https://b.example/feed\n - url: https://c.example/feed\n  - url: https://d.example/feed\n", 4, "invalid YAML"},
		{"missing title", "_news/a.md", "---\npublishedDateTime: 2021-01-01T00:00:00Z\nwebUrl: u\n---\n", 2, `"title"`},
		{"missing url", "_news/a.md", "---\ntitle: t\npublishedDateTime: 2021-01-01T00:00:00Z\n---\n", 2, `required field "originalUrl" is missing`},
		{"empty date", "_news/a.md", "---\ntitle: t\nwebUrl: u\npublishedDateTime: ~\n---\n", 4, `required field "publishedDateTime" is empty`},
		{"empty title", "_news/a.md", "---\nwebUrl: u\npublishedDateTime: 2021-01-01T00:00:00Z\ntitle: \"\"\n---\n", 4, `required field "title" is empty`},
		{"empty event start", "_events/x.md", "---\nname: n\nstartDateTime:\n---\n", 3, `required field "startDateTime" is empty`},
		{"bad date", "_news/a.md", "---\ntitle: t\nwebUrl: u\npublishedDateTime: yesterday\n---\n", 4, "publishedDateTime"},
		{"bad int", "_news/a.md", "---\ntitle: t\nwebUrl: u\npublishedDateTime: 2021-01-01T00:00:00Z\nquality: high\n---\n", 5, "quality"},
		{"invalid utf8", "_news/a.md", "---\ntitle: t\nexcerpt: \xff\n---\n", 3, "invalid UTF-8: byte 0xFF in column 10"},
		{"windows-1252 quotes", "_news/a.md", "---\ntitle: t\nexcerpt: \"Le \x93mot\x94 \xe9t\xe9\"\n---\n", 3, "invalid UTF-8: byte 0x93 in column 14, as a file saved as Windows-1252 or Latin-1 holds"},
		// YAML takes no control character but tab and line breaks, and
		// the YAML parser names none and no line: the file's is found.
		{"control character", "_news/a.md", "---\ntitle: t\nwebUrl: u\nexcerpt: \"a\x01b\"\n---\n", 4, "control character U+0001 in column 12"},
		{"nul byte", "_news/a.md", "---\ntitle: t\n\nexcerpt: \"é\x00\"\n---\n", 4, "control character U+0000 in column 12"},
		{"delete after a tab", "_news/a.md", "---\ntitle: t\nexcerpt: \"\ta\x7f\"\n---\n", 3, "control character U+007F in column 13"},
		{"latin-1 after utf-8", "_data/topics/01-x.yaml", "name: \"Élection\"\n_id: x\nshortname: \xc9lection\n", 3, "byte 0xC9 in column 12"},
		// As Windows Notepad saves "Unicode": UTF-16 with a byte order mark.
		{"utf-16 config", "_config.yml", "\xff\xfet\x00i\x00t\x00l\x00e\x00:\x00 \x00P\x00\n\x00", 1, "the file is UTF-16; save it as UTF-8"},
		{"utf-16 big-endian topic", "_data/topics/01-x.yaml", "\xfe\xff\x00_\x00i\x00d\x00:\x00 \x00x\x00\n", 1, "UTF-16"},
		{"person name", "_people/x.md", "---\nbio: b\n---\n", 2, `"name"`},
		{"event start", "_events/x.md", "---\nname: n\n---\n", 2, `"startDateTime"`},
		{"topic id", "_data/topics/01-x.yaml", "name: X\n", 1, `"_id"`},
		{"organization domain", "_data/organizations/x.md", "---\nname: X\n---\n", 2, `"domain"`},
		{"duplicate key", "_news/a.md", "---\ntitle: t\ntitle: u\n---\n", 3, "already defined"},
		{"not a map", "_news/a.md", "---\n- a\n- b\n---\n", 2, "not a map"},
		{"nested type", "_news/a.md", "---\ntitle:\n  a: b\n---\n", 3, "title"},
		{"unknown path", "README.md", "x", 0, "not a record path"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.path, []byte(tc.data))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParseError", err, err)
			}
			if pe.Path != tc.path || pe.Line != tc.line || !strings.Contains(pe.Msg, tc.msg) {
				t.Fatalf("got %q (line %d), want line %d and %q", err, pe.Line, tc.line, tc.msg)
			}
		})
	}
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestFastReaderCoversSample guards the speed of the common path: every
// sample record except _config.yml (anchors, merge keys) must be read by
// the fast reader, not the YAML fallback.
func TestFastReaderCoversSample(t *testing.T) {
	for path, data := range sampleFiles(t) {
		kind, _ := KindOf(path)
		doc := &document{kind: kind, yamlEnd: len(data), bodyStart: -1}
		if hasFrontMatter(kind) {
			if err := doc.split(path, data); err != nil {
				t.Fatal(err)
			}
		}
		_, err := parseFast(data[doc.yamlStart:doc.yamlEnd], doc.lineBase, false)
		if path == "_config.yml" {
			if err == nil {
				t.Errorf("%s: the fast reader accepted anchors", path)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: fast reader: %v", path, err)
		}
	}
}

func TestNewsPathIn(t *testing.T) {
	tests := []struct {
		p        string
		archived bool
		want     string
		ok       bool
	}{
		{"_news/2021-06-27-slug.md", true, "_archive/news/2021-06-27-slug.md", true},
		{"_news/2021-06-27-slug.md", false, "_news/2021-06-27-slug.md", true},
		{"_archive/news/2021-06-27-slug.md", false, "_news/2021-06-27-slug.md", true},
		{"_archive/news/2021-06-27-slug.md", true, "_archive/news/2021-06-27-slug.md", true},
		{"_news/sub/2021-06-27-slug.md", true, "", false},
		{"_news/", true, "", false},
		{"_people/joe.md", true, "", false},
		{"news/2021-06-27-slug.md", true, "", false},
	}
	for _, tt := range tests {
		got, ok := NewsPathIn(tt.p, tt.archived)
		if got != tt.want || ok != tt.ok {
			t.Errorf("NewsPathIn(%q, %v) = %q, %v; want %q, %v", tt.p, tt.archived, got, ok, tt.want, tt.ok)
		}
	}
}

// TestParseTakesAByteOrderMark reads records whose file starts with a
// UTF-8 byte order mark, as some editors write them and as Jekyll takes
// them: the mark stays in the bytes, an edit leaves it in place, and the
// lines errors name still count from the top of the file.
func TestParseTakesAByteOrderMark(t *testing.T) {
	const bom = "\xef\xbb\xbf"
	tests := []struct {
		name, path, data string
		edit             func(*model.Record)
		want             string // a line the edited file holds
	}{
		{"news", "_news/2021-06-27-a.md", bom + string(readTestdata(t, "news.md")),
			func(r *model.Record) { r.Article.Heat = 999 }, "heat: 999\n"},
		{"event", "_events/2021-06-27-a.md", bom + string(readTestdata(t, "event.md")),
			func(r *model.Record) { r.Event.Name = "Renamed" }, "name: \"Renamed\"\n"},
		{"crlf", "_events/2021-06-27-a.md", bom + strings.ReplaceAll(string(readTestdata(t, "event.md")), "\n", "\r\n"),
			func(r *model.Record) {}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.path, []byte(tc.data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := Render(rec); err != nil || string(rec.Raw) != tc.data {
				t.Fatalf("Render without change: %v, altered the file:\n%s", err, diffLines(tc.data, string(rec.Raw)))
			}
			tc.edit(rec)
			if err := Render(rec); err != nil {
				t.Fatalf("Render: %v", err)
			}
			if !strings.HasPrefix(string(rec.Raw), bom+"---") || !strings.Contains(string(rec.Raw), tc.want) {
				t.Errorf("edited file lost its mark or lacks %q:\n%s", tc.want, rec.Raw)
			}
		})
	}
	_, err := Parse("_news/a.md", []byte(bom+"---\ntitle: \"a\\qb\"\n---\n"))
	var pe *ParseError
	if !errors.As(err, &pe) || pe.Line != 2 {
		t.Errorf("error %v, want one on line 2", err)
	}
}

func TestStaticFile(t *testing.T) {
	tests := []struct {
		path, data string
		want       bool
	}{
		{"_news/README.md", "# News\n", true},
		{"_news/2021-01-01-a.md", "", true},
		{"_events/2021-01-01-a.md", "\xef\xbb\xbfname: x\n", true},
		{"_news/2021-01-01-a.md", "---\ntitle: x\n", false}, // a record not closed: an error of its own
		{"_news/2021-01-01-a.md", "\xef\xbb\xbf---\r\ntitle: x\r\n---\r\n", false},
		{"_data/topics/00-a.yaml", "", false}, // YAML throughout
		{"_challenges/a.md", "text\n", false}, // no record path
	}
	for _, tc := range tests {
		if got := StaticFile(tc.path, []byte(tc.data)); got != tc.want {
			t.Errorf("StaticFile(%q, %q) = %v, want %v", tc.path, tc.data, got, tc.want)
		}
	}
}

// TestPersonAffiliationAndLinkedIn reads the organization a profile names
// under affiliation and its LinkedIn account, writes them back in the
// generator's place and style, and rewrites only what changed.
func TestPersonAffiliationAndLinkedIn(t *testing.T) {
	data := string(readTestdata(t, "person.md"))
	rec, err := Parse("_people/mira-okafor.md", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	p := rec.Person
	if a := p.Affiliation; a == nil || a.Name != "Contoso" || a.Domain != "contoso.com" || len(a.Images) != 1 ||
		a.Images[0].URL != "/assets/images/organizations/contoso.com-50x50.jpg" || a.Images[0].Width != 50 {
		t.Errorf("affiliation decoded wrong: %+v", p.Affiliation)
	}
	if p.LinkedIn == nil || p.LinkedIn.URL != "https://www.linkedin.com/in/mira-okafor" {
		t.Fatalf("linkedin decoded wrong: %+v", p.LinkedIn)
	}
	rec.Raw = nil
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	if string(rec.Raw) != data {
		t.Errorf("written from scratch differs from the fixture:\n%s", diffLines(data, string(rec.Raw)))
	}
	p.LinkedIn.URL = "https://www.linkedin.com/in/mokafor"
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(data, "/in/mira-okafor", "/in/mokafor", 1)
	if string(rec.Raw) != want {
		t.Errorf("edit of the LinkedIn address:\n%s", diffLines(want, string(rec.Raw)))
	}
}
