package content

import (
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		path string
		kind model.Kind
		ok   bool
	}{
		{"_news/2021-06-27-a.md", model.KindNews, true},
		{"_archive/news/2021-06-27-a.md", model.KindNews, true},
		{"_people/joe-biden.md", model.KindPerson, true},
		{"_people/collections/democratic-senators.md", model.KindPeopleList, true},
		{"_events/2020-11-03-election-day-2020.md", model.KindEvent, true},
		{"_learning/articles/bbc-x.md", model.KindLearning, true},
		{"_learning/videos/usagov-x.md", model.KindLearning, true},
		{"_learning/collections/usagov-x.md", model.KindLearningList, true},
		{"_newsletters/election-smartable-2021-01-01.html", model.KindNewsletter, true},
		{"_data/topics/00-election.yaml", model.KindTopic, true},
		{"_data/organizations/npr.org.md", model.KindOrganization, true},
		{"_config.yml", model.KindConfig, true},
		{"_data/sources.yaml", model.KindSources, true},
		{"./_news/a.md", model.KindNews, true},
		{"_news/a.html", "", false},
		{"_news/sub/a.md", "", false},
		{"_news/.md", "", false},
		{"_data/topics/01-x.yml", model.KindTopic, true},
		{"_data/topics/x.json", "", false},
		{"api/news/index.json", "", false},
		{"README.md", "", false},
		{"_newsletters/a.md", "", false},
	}
	for _, tc := range tests {
		kind, ok := KindOf(tc.path)
		if kind != tc.kind || ok != tc.ok {
			t.Errorf("KindOf(%q) = %q, %v; want %q, %v", tc.path, kind, ok, tc.kind, tc.ok)
		}
	}
}

func TestSlugMatchesSampleFileNames(t *testing.T) {
	files := sampleFiles(t)
	n := 0
	for p, data := range files {
		if k, _ := KindOf(p); k != model.KindNews {
			continue
		}
		rec, err := Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		name := p[strings.LastIndexByte(p, '/')+1:]
		want := strings.TrimSuffix(name[len("2006-01-02-"):], ".md")
		if got := Slug(rec.Article.Title); got != want {
			t.Errorf("Slug(%q) = %q, want %q", rec.Article.Title, got, want)
		}
		n++
	}
	if n < 10 {
		t.Fatalf("only %d news samples", n)
	}
}

func TestSlugAndNewsPath(t *testing.T) {
	tests := []struct{ title, slug string }{
		{"Voting company sues Fox for $2.7bn over claims", "voting-company-sues-fox-for-27bn-over-claims"},
		{"  Trump – US politics live  ", "trump-us-politics-live"},
		{"Élection: ça change", "élection-ça-change"},
		{"???", ""},
		{strings.Repeat("word ", 100), strings.TrimSuffix(strings.Repeat("word-", 36), "-")},
	}
	for _, tc := range tests {
		if got := Slug(tc.title); got != tc.slug {
			t.Errorf("Slug(%q) = %q, want %q", tc.title, got, tc.slug)
		}
	}
	date := time.Date(2020, 8, 30, 22, 0, 0, 0, time.FixedZone("", -7*3600))
	if got, want := NewsPath(date, "Hello, World"), "_news/2020-08-31-hello-world.md"; got != want {
		t.Errorf("NewsPath = %q, want %q (UTC date)", got, want)
	}
	if got := NewsPath(date, "?!"); got != "_news/2020-08-31-untitled.md" {
		t.Errorf("NewsPath of an empty slug = %q", got)
	}
}

func TestParseOutsideFastSubset(t *testing.T) {
	// Flow maps, anchors, block scalars and single quotes all still parse.
	rec, err := Parse("_data/topics/02-joe-biden.yaml", readTestdata(t, "topic.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tp := rec.Topic
	if tp.Highlight == nil || tp.Highlight.TextColor != "#FFFFFF" || tp.Highlight.BackgroundColor != "#0015BC" || tp.Order != 2 {
		t.Fatalf("flow highlight decoded as %+v (order %d)", tp.Highlight, tp.Order)
	}
	data := "---\ntitle: &t \"Anchored\"\nexcerpt: |\n  line one\n  line two\npublishedDateTime: '2021-01-02T03:04:05Z'\nwebUrl: >-\n  https://a.example/x\ntopics: [Election, *t]\n---\n"
	rec, err = Parse("_news/a.md", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	a := rec.Article
	if a.Title != "Anchored" || a.Excerpt != "line one\nline two\n" || a.WebURL != "https://a.example/x" ||
		strings.Join(a.Topics, "|") != "Election|Anchored" || a.PublishedDateTime.Hour() != 3 {
		t.Fatalf("decoded %+v", a)
	}
	if err := Render(rec); err != nil || string(rec.Raw) != data {
		t.Fatalf("unchanged render: %v\n%s", err, rec.Raw)
	}
}

// TestLongKeysAreReadAsYAMLReadsThem checks the fast reader against
// YAML's longest plain key, 1,024 characters: a longer one is no key to
// YAML, and its line an error, so the fast reader leaves it to YAML.
func TestLongKeysAreReadAsYAMLReadsThem(t *testing.T) {
	for _, tt := range []struct {
		key     string
		invalid bool
	}{
		{strings.Repeat("k", 1024), false},
		{strings.Repeat("é", 1024), false},
		{strings.Repeat("k", 1025), true},
		{strings.Repeat("é", 1025), true},
	} {
		src := []byte("domain: a.example\n" + tt.key + ": v\n")
		_, fastErr := parseFast(src, 0, false)
		_, err := Parse("_data/organizations/a.example.md", []byte("---\n"+string(src)+"---\n"))
		if (fastErr != nil) != tt.invalid || (err != nil) != tt.invalid {
			t.Errorf("a key of %d bytes: fast reader %v, Parse %v; want an error: %v", len(tt.key), fastErr, err, tt.invalid)
		}
	}
}

func TestRenderEditsOtherKinds(t *testing.T) {
	files := sampleFiles(t)
	tests := []struct {
		path   string
		change func(r *model.Record)
		adds   []string
		gone   []string
	}{
		{"_data/topics/00-election.yaml", func(r *model.Record) {
			r.Topic.Highlight = &model.Highlight{TextColor: "#FFFFFF", BackgroundColor: "#0015BC"}
		}, // the file lacks a final newline: the insertion adds one
			[]string{"highlight:", `  textColor: "#FFFFFF"`, `  backgroundColor: "#0015BC"`, ""}, nil},
		{"_config.yml", func(r *model.Record) { r.Config.Timezone = "America/Los_Angeles"; r.Config.Title = "Hub" },
			[]string{"timezone: America/Los_Angeles", "title: Hub"}, []string{"title: Election Smartable"}},
		{"_data/organizations/nypost.com.md", func(r *model.Record) { r.Organization.Voice = "Republican Voice"; r.Organization.Quality = 60 },
			[]string{"voice: Republican Voice", "quality: 60"}, nil},
		{"_events/2020-10-15-second-presidential-debate.md", func(r *model.Record) { r.Event.Topics = append(r.Event.Topics, "Donald Trump") },
			[]string{"  - Donald Trump"}, nil},
		{"_people/joe-biden.md", func(r *model.Record) { r.Person.Twitter.Followers = 10 },
			[]string{"  followers: 10"}, []string{"  followers: 9551288"}},
		{"_learning/videos/usagov-how-to-become-president-of-the-united-states.md", func(r *model.Record) { r.Learning.FeaturedContent = "" },
			nil, []string{`featuredContent: "<iframe width=\"800\" height=\"500\" frameborder=\"0\" src=\"https://www.youtube.com/embed/2eXCG-hlaqI\" allow=\"accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture\" allowfullscreen></iframe>"`, ""}},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			rec, err := Parse(tc.path, files[tc.path])
			if err != nil {
				t.Fatal(err)
			}
			tc.change(rec)
			want := valueJSON(t, rec)
			if err := Render(rec); err != nil {
				t.Fatal(err)
			}
			removed, added := changedLines(string(files[tc.path]), string(rec.Raw))
			if !sameSet(added, tc.adds) || !sameSet(removed, tc.gone) {
				t.Fatalf("added %q removed %q, want added %q removed %q\n%s", added, removed, tc.adds, tc.gone, rec.Raw)
			}
			back, err := Parse(tc.path, rec.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if got := valueJSON(t, back); got != want {
				t.Fatalf("re-parsed\n%s\nwant\n%s", got, want)
			}
		})
	}
}

func TestRenderNewsletterBody(t *testing.T) {
	rec := &model.Record{Path: "_newsletters/election-smartable-2021-01-02.html", Kind: model.KindNewsletter,
		Newsletter: &model.Newsletter{Title: "Election Smartable (2021-01-02)", Excerpt: "A / B / C",
			PublishedDateTime: time.Date(2021, 1, 2, 14, 0, 0, 0, time.UTC), WebURL: "https://example.com/n/",
			Type: "article", Topics: []string{"Election"}, Body: "<html>\n---\n</html>\n"}}
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	want := "---\ntitle: \"Election Smartable (2021-01-02)\"\nexcerpt: \"A / B / C\"\npublishedDateTime: 2021-01-02T14:00:00Z\n" +
		"webUrl: \"https://example.com/n/\"\ntype: article\n\ntopics:\n  - Election\n\n---\n<html>\n---\n</html>\n"
	if string(rec.Raw) != want {
		t.Fatalf("got\n%s\nwant\n%s", rec.Raw, want)
	}
	rec.Newsletter.Body = "<p>new</p>"
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	back, err := Parse(rec.Path, rec.Raw)
	if err != nil || back.Newsletter.Body != "<p>new</p>" || back.Newsletter.Title != rec.Newsletter.Title {
		t.Fatalf("body edit: %v %+v", err, back)
	}
}

func TestRenderCuratedFieldsAndHas(t *testing.T) {
	data := "---\ntitle: \"T\"\npublishedDateTime: 2021-01-01T00:00:00Z\nwebUrl: \"u\"\n---\n\n"
	rec, err := Parse("_news/2021-01-01-t.md", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Article.Has != (model.Curated{}) {
		t.Fatalf("Has = %+v for a file without curated fields", rec.Article.Has)
	}
	// Zero values the file lacks stay out unless Has says they were decided.
	rec.Article.Quality = 40
	rec.Article.Has.Published = true
	if err := Render(rec); err != nil {
		t.Fatal(err)
	}
	want := "---\ntitle: \"T\"\npublishedDateTime: 2021-01-01T00:00:00Z\nwebUrl: \"u\"\nquality: 40\npublished: false\n---\n\n"
	if string(rec.Raw) != want {
		t.Fatalf("got\n%s\nwant\n%s", rec.Raw, want)
	}
	if rec.Article.Has != (model.Curated{Quality: true, Published: true}) {
		t.Fatalf("Has after Render = %+v", rec.Article.Has)
	}
}

func TestMisnamed(t *testing.T) {
	fm := []byte("---\ntitle: \"x\"\n---\n")
	tests := []struct {
		path string
		data []byte
		want string // words of the reason; "" for none
	}{
		{"_news/2021-06-27-a.md", fm, ""}, // read
		{"_news/2021-06-27-a.markdown", fm, "files named *.md directly in _news/"},
		{"_news/2021-06-27-a.MD", fm, "files named *.md directly in _news/"},
		{"_archive/news/2021/06/2021-06-27-a.md", fm, "directly in _archive/news/"},
		{"_learning/videos/old/a.md", fm, "directly in _learning/videos/"},
		{"_newsletters/a.md", append([]byte("\xef\xbb\xbf"), fm...), "files named *.html directly in _newsletters/"},
		{"_data/topics/old/01-x.yml", []byte("name: X\n"), "*.yaml or *.yml directly in _data/topics/"},
		{"_data/topics/01-x.json", []byte("{}"), ""},
		{"_data/organizations/example.org.yml", []byte("name: Example\ndomain: example.org\n"), "a data file Jekyll reads, but the records of _data/organizations/ that newshub reads are front matter in files named *.md"},
		{"_data/organizations/example.org.json", []byte(`{"domain": "example.org"}`), "a data file"},
		{"_data/organizations/logo.png", []byte("\x89PNG\r\n"), ""},
		// Data files Jekyll reads under the names of those newshub reads.
		{"_data/sources.yml", []byte("sources:\n  - url: https://example.com/feed\n"), "the data file Jekyll reads as site.data.sources, which newshub reads only from _data/sources.yaml"},
		{"_data/sources.YAML", []byte("sources: []\n"), "reads only from _data/sources.yaml"},
		{"_data/decisions.json", []byte(`{"decisions": []}`), "site.data.decisions, which newshub reads only from _data/decisions.yaml"},
		{"_data/sources.md", fm, ""},
		{"_data/sources-old.yml", []byte("sources: []\n"), ""},
		{"_news/a.markdown", []byte("Just text.\n"), ""}, // a static file to Jekyll
		{"_news/a.markdown~", fm, ""},                    // a backup, which Jekyll leaves out
		{"_news/#a.md#", fm, ""},
		{"_news/.a.markdown", fm, ""},
		{"_news/cover.png", []byte("\x89PNG\r\n"), ""},
		{"_learning/a.md", fm, ""}, // no folder of records newshub reads
		{"_challenges/a.md", fm, ""},
		{"assets/a.md", fm, ""},
	}
	for _, tc := range tests {
		got := Misnamed(tc.path, tc.data)
		if tc.want == "" && got != "" || !strings.Contains(got, tc.want) {
			t.Errorf("Misnamed(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}
