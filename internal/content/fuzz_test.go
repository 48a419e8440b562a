package content

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// fuzzPaths gives the fuzzer one path per record kind.
var fuzzPaths = []string{
	"_news/2021-01-01-a.md",
	"_archive/news/2021-01-01-a.md",
	"_people/a.md",
	"_people/collections/a.md",
	"_events/2021-01-01-a.md",
	"_learning/videos/a.md",
	"_learning/collections/a.md",
	"_newsletters/a.html",
	"_data/topics/03-a.yaml",
	"_data/organizations/a.com.md",
	"_config.yml",
	"_data/sources.yaml",
}

// seedSample adds the package's own fixtures and, when the shared sample
// is present, every sample file as fuzz seeds. Without the sample the
// target still runs its fixtures and the corpus under testdata/fuzz.
func seedSample(f *testing.F) {
	f.Helper()
	for _, p := range []string{"news.md", "topic.yaml", "event.md"} {
		data := readTestdata(f, p)
		for i, fp := range fuzzPaths {
			if strings.HasSuffix(fp, p[strings.LastIndexByte(p, '.'):]) {
				f.Add(uint8(i), data)
			}
		}
	}
	dir, ok := testutil.SharedIfPresent(f, "smartable-sample")
	if !ok {
		return
	}
	for p, data := range readSample(f, dir) {
		for i, fp := range fuzzPaths {
			k1, _ := KindOf(p)
			k2, _ := KindOf(fp)
			if k1 == k2 {
				f.Add(uint8(i), data)
				break
			}
		}
	}
}

// yamlLines counts the lines of data as YAML does, and so as an error's
// line number does: a lone CR ends a line, as LF and CR LF do.
func yamlLines(data []byte) int {
	s := strings.ReplaceAll(string(data), "\r\n", "\n")
	return strings.Count(s, "\n") + strings.Count(s, "\r") + 1
}

func FuzzParse(f *testing.F) {
	seedSample(f)
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		checkFastMatchesFull(t, path, data)
		rec, err := Parse(path, data)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is %T, want *ParseError", err, err)
			}
			if lines := yamlLines(data); pe.Path != path || pe.Line < 0 || pe.Line > lines {
				t.Fatalf("error %q has path %q line %d for a %d-line file", err, pe.Path, pe.Line, lines)
			}
			return
		}
		// An unchanged record renders to the same bytes (an empty Raw means
		// "write from scratch", so an empty file is the exception).
		if len(data) == 0 {
			return
		}
		if err := Render(rec); err != nil {
			t.Fatalf("Render of an unchanged record: %v", err)
		}
		if string(rec.Raw) != string(data) {
			t.Fatalf("Render changed an unchanged record:\n%s", diffLines(string(data), string(rec.Raw)))
		}
		// Written from scratch, the value reads back the same.
		want := valueJSON(t, rec)
		rec.Raw = nil
		if err := Render(rec); err != nil {
			t.Fatalf("Render from scratch: %v", err)
		}
		back, err := Parse(path, rec.Raw)
		if err != nil {
			t.Fatalf("written record does not parse: %v\n%s", err, rec.Raw)
		}
		if got := valueJSON(t, back); got != want {
			t.Fatalf("value changed through Render from scratch:\n got %s\nwant %s\n%s", got, want, rec.Raw)
		}
	})
}

// checkFastMatchesFull checks that whenever the fast reader accepts a
// document, the full YAML parser reads the same tree.
func checkFastMatchesFull(t *testing.T, path string, data []byte) {
	t.Helper()
	if !utf8.Valid(data) {
		return
	}
	kind, _ := KindOf(path)
	doc := &document{kind: kind, yamlEnd: len(data), bodyStart: -1}
	if hasFrontMatter(kind) {
		if doc.split(path, data) != nil {
			return
		}
	}
	src := data[doc.yamlStart:doc.yamlEnd]
	fast, err := parseFast(src, doc.lineBase, false)
	if err != nil {
		return
	}
	full, err := parseFull(path, src, doc.lineBase, false)
	if err != nil {
		t.Fatalf("fast reader accepted what the YAML parser rejects (%v):\n%s", err, src)
	}
	if msg := sameTree(fast, full, &fast.root, &full.root, "$"); msg != "" {
		t.Fatalf("fast reader and YAML parser disagree: %s\n%s", msg, src)
	}
}

func sameTree(ta, tb *tree, a, b *node, at string) string {
	if a.kind != b.kind {
		return at + ": kind " + a.describe() + " vs " + b.describe()
	}
	if a.kind == scalarNode && (ta.val(a) != tb.val(b) || a.quoted != b.quoted) {
		return at + ": value " + jsonString(ta.val(a)) + " vs " + jsonString(tb.val(b))
	}
	if a.n != b.n {
		return at + ": length differs"
	}
	ka, kb := ta.kids(a), tb.kids(b)
	for i := range ka {
		if ta.key(&ka[i]) != tb.key(&kb[i]) || a.kind == mapNode && ka[i].line != kb[i].line {
			return at + ": key " + jsonString(ta.key(&ka[i])) + " vs " + jsonString(tb.key(&kb[i]))
		}
		if msg := sameTree(ta, tb, &ka[i].val, &kb[i].val, at+"/"+ta.key(&ka[i])); msg != "" {
			return msg
		}
	}
	return ""
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// valueJSON is the record's value in a form where empty and absent lists,
// and equal instants, compare equal.
func valueJSON(t testing.TB, rec *model.Record) string {
	t.Helper()
	v := reflect.ValueOf(rec.Value())
	if v.IsNil() {
		t.Fatalf("record %s has no value", rec.Path)
	}
	c := reflect.New(v.Elem().Type())
	c.Elem().Set(v.Elem())
	normalize(c.Elem())
	if a, ok := c.Interface().(*model.Article); ok {
		a.Has = model.Curated{} // says what the file carried, not the value
	}
	b, err := json.Marshal(c.Interface())
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var timeType = reflect.TypeOf(time.Time{})

func normalize(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			c := reflect.New(v.Elem().Type())
			c.Elem().Set(v.Elem())
			normalize(c.Elem())
			v.Set(c)
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := 0; i < c.Len(); i++ {
			normalize(c.Index(i))
		}
		v.Set(c)
	case reflect.Struct:
		if v.Type() == timeType {
			t := v.Interface().(time.Time)
			if _, off := t.Zone(); off == 0 {
				v.Set(reflect.ValueOf(t.UTC()))
			}
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Field(i).CanSet() {
				normalize(v.Field(i))
			}
		}
	}
}

// FuzzRenderParse builds records from fuzzed values, renders them (from
// scratch and as an edit of an existing file) and checks that parsing gives
// the same value back.
func FuzzRenderParse(f *testing.F) {
	f.Add("Trump: a \"quote\"", "line\nbreak ...", "Election,Donald Trump", "https://example.com/a?b=c#d", 105, 125, true, int64(1624785240))
	f.Add("#hash", "- dash", "", "null", 0, -1, false, int64(0))
	f.Add("  spaced  ", "tab\there", "yes,no,~", "'single'", -5, 1<<40, true, int64(-62135596800))
	f.Add("ünïcødé ’quotes’ 🇺🇸", "\u2028\u0085\ufeff\x01", "a: b,c #d", "123", 7, 8, false, int64(253402300799))
	base := readTestdata(f, "news.md")
	f.Fuzz(func(t *testing.T, s1, s2, s3, s4 string, n1, n2 int, b bool, ts int64) {
		if !utf8.ValidString(s1) || !utf8.ValidString(s2) || !utf8.ValidString(s3) || !utf8.ValidString(s4) {
			rec := &model.Record{Path: fuzzPaths[0], Kind: model.KindNews, Article: &model.Article{Title: s1 + "x", Excerpt: s2,
				PublishedDateTime: time.Unix(0, 0), WebURL: "u", Topics: []string{s3}, Secured: s4}}
			if err := Render(rec); err == nil {
				t.Fatal("Render accepted invalid UTF-8")
			}
			return
		}
		// Texts over a field's limit are refused on reading (limits_test
		// holds that); here every text fits the smallest limit, so each
		// record is one the format can carry.
		s1, s2, s3, s4 = model.Clip(s1, model.MaxLabel), model.Clip(s2, model.MaxLabel), model.Clip(s3, model.MaxLabel), model.Clip(s4, model.MaxLabel)
		date := time.Unix(ts%253402300799, int64(n1)%1e9).UTC()
		if date.Year() < 1 {
			date = date.AddDate(2000, 0, 0)
		}
		if date.IsZero() { // the zero time means "absent"
			date = date.Add(time.Second)
		}
		nonEmpty := func(s string) string {
			if s == "" {
				return "x"
			}
			return s
		}
		var topics []string
		if s3 != "" {
			topics = strings.Split(s3, ",")
		}
		cached := b
		img := model.Image{URL: s4, Width: n1, Height: n2, IsCached: &cached, Title: s2}
		article := &model.Article{
			Category: s4, Title: nonEmpty(s1), Excerpt: s2, PublishedDateTime: date,
			OriginalURL: nonEmpty(s4), WebURL: s4, AmpWebURL: s1, Type: s3,
			Quality: n1, Heat: n2, Published: b,
			Provider: model.Provider{Name: s1, Domain: s2, Images: []model.Image{img}},
			Topics:   topics, Images: []model.Image{img, {URL: s1}},
			Related: []model.Related{{Title: s1, Excerpt: s2, PublishedDateTime: date, WebURL: s4, Type: s3,
				Provider: model.Provider{Name: s2}, Quality: n1, Images: []model.Image{img}}, {}},
			Secured: s2,
		}
		// A list gives each feed once (a second entry is refused).
		second := nonEmpty(s4)
		if second == nonEmpty(s1) {
			second += "2"
		}
		records := []*model.Record{
			{Path: fuzzPaths[0], Article: article},
			{Path: fuzzPaths[2], Person: &model.Person{Name: nonEmpty(s1), Bio: s2, Location: s3, Type: s4, Heat: n1, Website: s4,
				Twitter: &model.Twitter{Username: s1, URL: s2, Followers: n2}, YouTube: &model.Channel{URL: s3, Subscribers: n1},
				Facebook: &model.Channel{}, Items: topics, Topics: topics, Images: []model.Image{img}, Secured: s4}},
			{Path: fuzzPaths[4], Event: &model.Event{Name: nonEmpty(s1), Excerpt: s2, OriginalURL: s3, Type: s4,
				StartDateTime: date, EndDateTime: date.In(time.FixedZone("", -7*3600)), Location: s3,
				Provider: &model.Provider{Name: s4}, Topics: topics, Images: []model.Image{img}, FeaturedContent: s2}},
			{Path: fuzzPaths[5], Learning: &model.Learning{Title: s1, Excerpt: s2, OriginalURL: s3, Type: s4, Price: s1,
				Length: s2, PublishedDateTime: date, Heat: n2, FeaturedContent: s3, Provider: &model.Provider{Domain: s1},
				Items: topics, Topics: topics, Images: []model.Image{img}, Secured: s4}},
			{Path: fuzzPaths[7], Newsletter: &model.Newsletter{Title: s1, Excerpt: s2, PublishedDateTime: date, WebURL: s3,
				Type: s4, Topics: topics, Body: s2}},
			{Path: fuzzPaths[8], Topic: &model.Topic{Taxonomy: s4, ID: nonEmpty(s1), Name: nonEmpty(s2), Shortname: s3, Parent: s4,
				Keywords: topics, Hashtags: topics, Images: topics, Services: services(topics, s4),
				Highlight: &model.Highlight{TextColor: s1, BackgroundColor: s2}, Order: 3}},
			{Path: fuzzPaths[9], Organization: &model.Organization{Taxonomy: s1, ID: s2, Name: s3, Domain: nonEmpty(s4),
				Images: []model.Image{img}, Voice: s1, Quality: n1}},
			{Path: fuzzPaths[10], Config: &model.Config{Title: s1, URL: s2, BaseURL: s3, WebURL: s4, Locale: s1, Topic: s2,
				Timezone: "Asia/Tokyo", NewsPageSize: max(n1, 0), RelatedLimit: max(n2, 0), AllowPrivateNetworks: b, StoryWindow: "96h"}},
			{Path: fuzzPaths[11], Sources: &model.Sources{Sources: []model.Source{{URL: nonEmpty(s1), Provider: s2,
				Topics: topics, Interval: "45m", Enabled: &cached, Dedicated: b}, {URL: second}}}},
		}
		for _, rec := range records {
			rec.Kind, _ = KindOf(rec.Path)
			want := valueJSON(t, rec)
			if err := Render(rec); err != nil {
				t.Fatalf("%s: Render: %v", rec.Kind, err)
			}
			back, err := Parse(rec.Path, rec.Raw)
			if err != nil {
				t.Fatalf("%s: written record does not parse: %v\n%s", rec.Kind, err, rec.Raw)
			}
			if got := valueJSON(t, back); got != want {
				t.Fatalf("%s: value changed through Render:\n got %s\nwant %s\n%s", rec.Kind, got, want, rec.Raw)
			}
		}

		// The same values as an edit of an existing file.
		rec, err := Parse(fuzzPaths[0], base)
		if err != nil {
			t.Fatal(err)
		}
		a := rec.Article
		a.Title, a.Excerpt, a.Topics, a.Quality, a.Heat, a.Published = nonEmpty(s1), s2, topics, n1, n2, b
		a.AmpWebURL, a.Secured, a.Related = s4, s3, article.Related[:1]
		a.Images = nil
		want := valueJSON(t, rec)
		if err := Render(rec); err != nil {
			t.Fatalf("Render edit: %v", err)
		}
		back, err := Parse(rec.Path, rec.Raw)
		if err != nil {
			t.Fatalf("edited record does not parse: %v\n%s", err, rec.Raw)
		}
		if got := valueJSON(t, back); got != want {
			t.Fatalf("value changed through Render edit:\n got %s\nwant %s\n%s", got, want, rec.Raw)
		}
		if !strings.Contains(string(rec.Raw), "unknownField: kept as is\n") {
			t.Fatalf("edit lost an unknown field:\n%s", rec.Raw)
		}
	})
}

// services makes one uniquely named service per name.
func services(names []string, endpoint string) []model.Service {
	var out []model.Service
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, model.Service{Name: n, Endpoint: endpoint})
		}
	}
	return out
}
