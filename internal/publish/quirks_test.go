package publish

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/site"
	"newshub/internal/testutil"
)

// quirkHub holds records shaped like the irregular ones of Smartable's
// hubs, each modelled on the format's description: a file dated the day
// after its publication, a feed artefact ending an excerpt, no AMP page,
// no images, a provider without a logo, a demoted article whose heat is its
// quality, a related list of hundreds, a video giving only its
// originalUrl (no webUrl), and an event at a local offset; and
// learning resources as Smartable's later hubs write books and courses:
// their address as webUrl (no originalUrl), ratings and levels, a length
// left empty.
var quirkHub = map[string]string{
	"_learning/books/example-press-graphs-in-practice.md": "---\ntitle: \"Graphs in Practice\"\n" +
		"excerpt: \"A field guide to graph algorithms. \"\nwebUrl: https://books.example.com/graphs-in-practice/dp/0000000001/\n" +
		"type: book\nprice: $31.50\nlength: \nratings:\n  count: 412\n  average: 4.7\nheat: 75\n\n" +
		"provider:\n  name: Example Books\n  domain: books.example.com\n  authors:\n    - name: A. N. Author\n\n" +
		"levels:\n  - Beginner\n  - Intermediate\n\ntopics:\n  - Election\n\n" +
		"images:\n  - url: https://img.example.com/graphs.jpg\n    width: 160\n    height: 218\n    title: \"Graphs in Practice\"\n\n---\n\n",
	"_learning/courses/example-learn-counting-votes.md": "---\ntitle: \"Counting votes\"\nexcerpt: \"How ballots become results.\"\n" +
		"webUrl: https://learn.example.com/modules/counting-votes/\ntype: course\nprice: Free\nlength: PT58M\n" +
		"ratings:\n  count: 9\n  average: 4\nheat: 61\n\nprovider:\n  name: Example Learn\n  domain: learn.example.com\n\n" +
		"levels:\n  - Advanced\n\ntopics:\n  - Election\n\n---\n\n",
	"_config.yml": "title: Quirks\nurl: https://example.org\nbaseurl: \"/hub\"\nwebUrl: https://example.org/apps/hub\n" +
		"locale: \"en-us\"\ntopic: Election\ntimezone: America/Los_Angeles\n",
	"_data/topics/00-election.yaml": "taxonomy: topic\n_id: election\nname: Election\nkeywords:\nhashtags:\nimages:\n" +
		"services:\n  news: https://example.org/hub/api/news/",
	"_news/2020-09-01-late-and-bare.md": "---\ncategory: news\ntitle: \"Late and bare\"\n" +
		"excerpt: \"He said \\\"no\\\".\\n    \\n\"\npublishedDateTime: 2020-08-31T22:30:00Z\n" +
		"originalUrl: \"http://rss.example.com/~r/top/~3/x/late.html\"\nwebUrl: \"http://rss.example.com/~r/top/~3/x/late.html\"\n" +
		"type: article\nquality: 60\nheat: 60\npublished: true\n\nprovider:\n  name: Example Wire\n  domain: example-wire.com\n\n" +
		"topics:\n  - Election\n\nsecured: \"QUJD;REVG\"\n---\n\n",
	"_news/2020-09-02-demoted.md": "---\ncategory: news\ntitle: \"Demoted\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-02T10:00:00Z\n" +
		"originalUrl: \"https://example.com/demoted\"\nwebUrl: \"https://example.com/demoted\"\ntype: article\nquality: 53\nheat: 53\npublished: false\n\n" +
		"provider:\n  name: Example\n  domain: example.com\n\ntopics:\n  - Election\n\n---\n\n",
	"_news/2020-09-07-crowded.md": "---\ncategory: news\ntitle: \"Crowded\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-07T01:00:00Z\n" +
		"originalUrl: \"https://example.com/crowded\"\nwebUrl: \"https://example.com/crowded\"\ntype: article\nquality: 90\nheat: 5090\npublished: true\n\n" +
		"provider:\n  name: Example\n  domain: example.com\n\ntopics:\n  - Election\n\n" + quirkRelated(250) + "---\n\n",
	"_news/2020-09-03-debate-recap-video.md": "---\ncategory: news\ntitle: \"Debate recap, in five minutes\"\nexcerpt: \"x\"\n" +
		"publishedDateTime: 2020-09-03T18:12:14Z\noriginalUrl: \"https://video.example.com/watch?v=recap\"\ntype: video\n" +
		"quality: 70\nheat: 70\npublished: true\n\nfeaturedContent: \"<iframe src=\\\"https://video.example.com/embed/recap\\\"></iframe>\"\n\n" +
		"provider:\n  name: Example\n  domain: example.com\n\ntopics:\n  - Election\n\n---\n\n",
	"_events/2020-10-15-town-hall.md": "---\nname: \"Town Hall\"\nexcerpt: \"Questions.\"\noriginalUrl: https://example.org/town-hall\n" +
		"type: conference\nstartDateTime: 2020-10-15T17:00:00-07:00\nendDateTime: 2020-10-15T18:30:00-07:00\n\ntopics:\n  - Election\n\n---\n\n",
}

func quirkRelated(n int) string {
	var b strings.Builder
	b.WriteString("related:\n")
	for i := range n {
		s := strconv.Itoa(i)
		b.WriteString("  - title: \"Take " + s + "\"\n    excerpt: \"x\"\n    publishedDateTime: 2020-09-08T10:00:00Z\n" +
			"    webUrl: \"https://outlet" + s + ".example.com/story\"\n    type: article\n" +
			"    provider:\n      name: Outlet " + s + "\n      domain: outlet" + s + ".example.com\n    quality: " + strconv.Itoa(1000-i) + "\n")
	}
	return b.String() + "\n"
}

// TestSmartableQuirksPublishAsTheFormatSays builds quirkHub and checks what
// the API shows of each record: the path is the file's, whatever its date;
// text is as the file spells it; what a record lacks is null (news) or left
// out (events, V1); times are in the site's zone; a demoted article is on
// no page.
func TestSmartableQuirksPublishAsTheFormatSays(t *testing.T) {
	out := buildHub(t, quirkHub, time.Date(2020, 9, 20, 12, 0, 0, 0, time.UTC))
	items := func(doc string) map[string]*node {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, "api", doc))
		if err != nil {
			t.Fatal(err)
		}
		tree, err := parseTree(data)
		if err != nil {
			t.Fatal(err)
		}
		byPath := map[string]*node{}
		for _, e := range tree.get("value").elems {
			byPath[e.get("path").str] = e
		}
		return byPath
	}
	news, events, learning := items("news/index.json"), items("events/future/index.json"), items("learning/index.json")
	doc := func(rel string) map[string]*node {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(out, "api", filepath.FromSlash(rel), "index.json"))
		if err != nil {
			t.Fatal(err)
		}
		tree, err := parseTree(data)
		if err != nil {
			t.Fatal(err)
		}
		return map[string]*node{tree.get("path").str: tree}
	}
	graphs := doc("learning/books/example-press-graphs-in-practice")
	recap := doc("news/2020/09/03/debate-recap-video")
	tests := []struct {
		doc  map[string]*node
		path string
		key  string
		want string // the value as JSON; "absent" for a key left out
	}{
		{news, "_news/2020-09-01-late-and-bare.md", "publishedDateTime", `"string:2020-08-31T15:30:00-07:00"`},
		{news, "_news/2020-09-01-late-and-bare.md", "excerpt", `"string:He said \"no\".\n    \n"`},
		{news, "_news/2020-09-01-late-and-bare.md", "originalUrl", `"string:http://rss.example.com/~r/top/~3/x/late.html"`},
		{news, "_news/2020-09-01-late-and-bare.md", "ampWebUrl", `null`},
		{news, "_news/2020-09-01-late-and-bare.md", "cdnAmpWebUrl", `null`},
		{news, "_news/2020-09-01-late-and-bare.md", "images", `null`},
		{news, "_news/2020-09-01-late-and-bare.md", "provider", `{"authors":null,"domain":"string:example-wire.com","images":null,"name":"string:Example Wire","publishers":null}`},
		{news, "_news/2020-09-01-late-and-bare.md", "secured", `absent`},
		{news, "_news/2020-09-01-late-and-bare.md", "heat", `"number:60"`},
		{news, "_news/2020-09-02-demoted.md", "path", `absent`},
		{news, "_news/2020-09-07-crowded.md", "heat", `"number:5090"`},
		{news, "_news/2020-09-03-debate-recap-video.md", "webUrl", `"string:https://video.example.com/watch?v=recap"`},
		{news, "_news/2020-09-03-debate-recap-video.md", "originalUrl", `"string:https://video.example.com/watch?v=recap"`},
		{news, "_news/2020-09-03-debate-recap-video.md", "type", `"string:video"`},
		{news, "_news/2020-09-03-debate-recap-video.md", "featuredContent", `"string:\u003ciframe src=\"https://video.example.com/embed/recap\"\u003e\u003c/iframe\u003e"`},
		{recap, "_news/2020-09-03-debate-recap-video.md", "featuredContent", `"string:\u003ciframe src=\"https://video.example.com/embed/recap\"\u003e\u003c/iframe\u003e"`},
		{news, "_news/2020-09-01-late-and-bare.md", "featuredContent", `null`},
		{events, "_events/2020-10-15-town-hall.md", "startDateTime", `"string:2020-10-15T17:00:00-07:00"`},
		{events, "_events/2020-10-15-town-hall.md", "location", `absent`},
		{events, "_events/2020-10-15-town-hall.md", "provider", `absent`},
		{events, "_events/2020-10-15-town-hall.md", "images", `absent`},
		{learning, "_learning/books/example-press-graphs-in-practice.md", "webUrl", `"string:https://books.example.com/graphs-in-practice/dp/0000000001/"`},
		{learning, "_learning/books/example-press-graphs-in-practice.md", "originalUrl", `absent`},
		{learning, "_learning/books/example-press-graphs-in-practice.md", "length", `absent`},
		{learning, "_learning/books/example-press-graphs-in-practice.md", "ratings", `{"average":"number:4.7","count":"number:412"}`},
		{learning, "_learning/books/example-press-graphs-in-practice.md", "levels", `["string:Beginner","string:Intermediate"]`},
		{learning, "_learning/courses/example-learn-counting-votes.md", "webUrl", `"string:https://learn.example.com/modules/counting-votes/"`},
		{learning, "_learning/courses/example-learn-counting-votes.md", "ratings", `{"average":"number:4","count":"number:9"}`},
		{learning, "_learning/courses/example-learn-counting-votes.md", "levels", `["string:Advanced"]`},
		{graphs, "_learning/books/example-press-graphs-in-practice.md", "webUrl", `"string:https://books.example.com/graphs-in-practice/dp/0000000001/"`},
		{graphs, "_learning/books/example-press-graphs-in-practice.md", "originalUrl", `null`},
		{graphs, "_learning/books/example-press-graphs-in-practice.md", "ratings", `{"average":"number:4.7","count":"number:412"}`},
		{graphs, "_learning/books/example-press-graphs-in-practice.md", "levels", `["string:Beginner","string:Intermediate"]`},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.key, func(t *testing.T) {
			got := "absent"
			if e := tc.doc[tc.path]; e != nil {
				if v := e.get(tc.key); v != nil {
					b, _ := json.Marshal(nodeValue(v))
					got = string(b)
				}
			}
			if got != tc.want {
				t.Errorf("%s = %s, want %s", tc.key, got, tc.want)
			}
		})
	}
}

// buildHub writes files (site path to content) into a site folder, imports
// it into a new store and builds its API at now, returning the output.
func buildHub(t *testing.T, files map[string]string, now time.Time) string {
	t.Helper()
	dir := t.TempDir()
	for rel, data := range files {
		testutil.WriteFile(t, dir, rel, data)
	}
	ctx := context.Background()
	st := openStore(t)
	importDir(t, st, dir, nil)
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: Options{Now: func() time.Time { return now }}}); err != nil {
		t.Fatal(err)
	}
	return out
}

// readAPI returns the document at doc, a path under the API folder of the
// build in out.
func readAPI(t *testing.T, out, doc string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, "api", filepath.FromSlash(doc)))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestRelatedWithoutDateIsNull builds an article whose related coverage,
// edited by hand, gives one entry no date: the API gives it null, the
// others their time in the site's zone, where it gave 0001-01-01T00:00:00Z.
func TestRelatedWithoutDateIsNull(t *testing.T) {
	hub := map[string]string{
		"_config.yml":                   quirkHub["_config.yml"],
		"_data/topics/00-election.yaml": quirkHub["_data/topics/00-election.yaml"],
		"_news/2020-09-07-covered.md": "---\ncategory: news\ntitle: \"Covered\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-07T01:00:00Z\n" +
			"originalUrl: \"https://example.com/covered\"\nwebUrl: \"https://example.com/covered\"\ntype: article\nquality: 90\nheat: 130\npublished: true\n\n" +
			"provider:\n  name: Example\n  domain: example.com\n\ntopics:\n  - Election\n\nrelated:\n" +
			"  - title: \"Dated\"\n    excerpt: \"x\"\n    publishedDateTime: 2020-09-08T10:00:00Z\n    webUrl: \"https://one.example.com/story\"\n    type: article\n    quality: 80\n" +
			"  - title: \"Undated\"\n    excerpt: \"x\"\n    webUrl: \"https://two.example.com/story\"\n    type: article\n    quality: 70\n\n---\n\n",
	}
	out := buildHub(t, hub, time.Date(2020, 9, 20, 12, 0, 0, 0, time.UTC))
	tree, err := parseTree(readAPI(t, out, "news/2020/09/07/covered/index.json"))
	if err != nil {
		t.Fatal(err)
	}
	related := tree.get("related")
	want := map[string]string{"Dated": "string:2020-09-08T03:00:00-07:00", "Undated": "null:"}
	if related == nil || len(related.elems) != len(want) {
		t.Fatalf("related %+v; want %d entries", related, len(want))
	}
	for _, e := range related.elems {
		d := e.get("publishedDateTime")
		if d == nil {
			t.Fatalf("%s: no publishedDateTime", e.get("title").str)
		}
		if got := d.kind + ":" + d.str; got != want[e.get("title").str] {
			t.Errorf("%s: publishedDateTime %s; want %s", e.get("title").str, got, want[e.get("title").str])
		}
	}
}
