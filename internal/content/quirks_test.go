package content

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// quirkNews is a news record in the generator's layout, with the lines
// between its curated fields and its closing delimiter given by the case:
// provider, topics, images, related, secured.
func quirkNews(head, tail string) string {
	return "---\ncategory: news\n" + head + "type: article\nquality: 80\nheat: 100\npublished: true\n\n" + tail + "---\n\n"
}

const quirkProvider = "provider:\n  name: Example Wire\n  domain: example-wire.com\n\ntopics:\n  - Election\n\n"

// quirkRelated returns a related list of n entries, quality descending.
func quirkRelated(n int) string {
	var b strings.Builder
	b.WriteString("related:\n")
	for i := range n {
		b.WriteString("  - title: \"Another take, number " + strconv.Itoa(i) + "\"\n")
		b.WriteString("    excerpt: \"An outlet's version of the story.\"\n")
		b.WriteString("    publishedDateTime: 2020-09-08T10:00:00Z\n")
		b.WriteString("    webUrl: \"https://outlet" + strconv.Itoa(i) + ".example.com/story\"\n")
		b.WriteString("    type: article\n")
		b.WriteString("    provider:\n      name: Outlet " + strconv.Itoa(i) + "\n      domain: outlet" + strconv.Itoa(i) + ".example.com\n")
		b.WriteString("    quality: " + strconv.Itoa(2000-i) + "\n")
	}
	return b.String() + "\n"
}

// TestSmartableQuirks reads records shaped like the irregular ones
// Smartable's hubs hold (each modelled on the format's description, not
// taken from a hub): the file reads back byte for byte, its fields decode
// to what the record means, and an edit such as curation changing the heat
// rewrites the lines of that field only, keeping the file's own spelling,
// quoting and order elsewhere.
func TestSmartableQuirks(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	heat := func(r *model.Record) { r.Article.Heat = 7 }
	tests := []struct {
		name, path, data string
		check            func(r *model.Record) bool
		edit             func(r *model.Record)
		removed, added   []string
	}{
		{
			name: "file date is the day after the publication",
			path: "_news/2020-09-01-late-story.md",
			data: quirkNews("title: \"Late story\"\nexcerpt: \"x\"\npublishedDateTime: 2020-08-31T22:30:00Z\noriginalUrl: \"https://a.example/late\"\nwebUrl: \"https://a.example/late\"\n", quirkProvider),
			check: func(r *model.Record) bool {
				return r.Article.PublishedDateTime.Equal(utc("2020-08-31T22:30:00Z")) && r.Path == "_news/2020-09-01-late-story.md"
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "feed artefact at the end of the excerpt, escaped quotes, curly quotes",
			path: "_news/2021-02-05-feed-artefact.md",
			data: quirkNews("title: \"A “quoted” headline’s end\"\nexcerpt: \"He said \\\"no\\\".\\n    \\n\"\npublishedDateTime: 2021-02-05T19:46:00Z\noriginalUrl: \"http://rss.example.com/~r/top/~3/x/story.html\"\nwebUrl: \"http://rss.example.com/~r/top/~3/x/story.html\"\n", quirkProvider),
			check: func(r *model.Record) bool {
				return r.Article.Excerpt == "He said \"no\".\n    \n" && r.Article.Title == "A “quoted” headline’s end"
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "excerpt cut with an ellipsis, no amp, no images, no related, provider without logo",
			path: "_news/2021-02-06-bare.md",
			data: quirkNews("title: \"Bare\"\nexcerpt: \"Words and more words ...\"\npublishedDateTime: 2021-02-06T01:00:00Z\noriginalUrl: \"https://a.example/bare\"\nwebUrl: \"https://a.example/bare\"\n", quirkProvider+"secured: \"QUJD;REVG\"\n"),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Excerpt == "Words and more words ..." && a.AmpWebURL == "" && a.CdnAmpWebURL == "" &&
					a.Images == nil && a.Related == nil && a.Provider.Images == nil && a.Secured == "QUJD;REVG"
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "demoted with heat equal to quality",
			path: "_news/2020-09-13-demoted.md",
			data: strings.Replace(quirkNews("title: \"Demoted\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-13T10:00:00Z\noriginalUrl: \"https://a.example/d\"\nwebUrl: \"https://a.example/d\"\n", quirkProvider),
				"quality: 80\nheat: 100\npublished: true", "quality: 53\nheat: 53\npublished: false", 1),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Quality == 53 && a.Heat == 53 && !a.Published && a.Has.Published
			},
			edit:    func(r *model.Record) { r.Article.Heat = -1 },
			removed: []string{"heat: 53"}, added: []string{"heat: -1"},
		},
		{
			name: "related entry later than the article, one address twice",
			path: "_news/2020-09-05-twice.md",
			data: quirkNews("title: \"Twice\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-04T23:10:00Z\noriginalUrl: \"https://a.example/t\"\nwebUrl: \"https://a.example/t\"\n",
				quirkProvider+"related:\n  - title: \"Same page\"\n    excerpt: \"First excerpt.\"\n    publishedDateTime: 2020-09-09T11:00:00Z\n    webUrl: \"https://b.example/s\"\n    type: article\n    provider:\n      name: B\n      domain: b.example\n    quality: 70\n"+
					"  - title: \"Same page\"\n    excerpt: \"Second excerpt.\"\n    publishedDateTime: 2020-09-09T11:00:00Z\n    webUrl: \"https://b.example/s\"\n    type: article\n    provider:\n      name: B\n      domain: b.example\n    quality: 70\n\n"),
			check: func(r *model.Record) bool {
				rel := r.Article.Related
				return len(rel) == 2 && rel[0].WebURL == rel[1].WebURL && rel[1].Excerpt == "Second excerpt." &&
					rel[0].PublishedDateTime.After(r.Article.PublishedDateTime)
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "hundreds of related entries",
			path: "_news/2020-09-07-crowded.md",
			data: quirkNews("title: \"Crowded\"\nexcerpt: \"x\"\npublishedDateTime: 2020-09-07T01:00:00Z\noriginalUrl: \"https://a.example/c\"\nwebUrl: \"https://a.example/c\"\n", quirkProvider+quirkRelated(350)),
			check: func(r *model.Record) bool {
				rel := r.Article.Related
				return len(rel) == 350 && rel[349].Quality == 2000-349
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "explicit nulls and empty lists where fields are absent elsewhere",
			path: "_news/2021-03-01-nulls.md",
			data: quirkNews("title: \"Nulls\"\nexcerpt: \"x\"\npublishedDateTime: 2021-03-01T08:00:00Z\noriginalUrl: \"https://a.example/n\"\nwebUrl: \"https://a.example/n\"\nampWebUrl: null\ncdnAmpWebUrl: ~\n",
				"provider:\n  name: Example Wire\n  domain: example-wire.com\n  images:\n\ntopics:\n  - Election\n\nimages: []\n\nrelated:\n\n"),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.AmpWebURL == "" && a.CdnAmpWebURL == "" && len(a.Images) == 0 && len(a.Related) == 0 && len(a.Provider.Images) == 0
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "comments, single quotes, a quoted and a fractional time",
			path: "_news/2021-03-02-styles.md",
			data: "---\n# written by hand\ncategory: news\ntitle: 'It''s a title'\nexcerpt: \"x\"   # trailing comment\npublishedDateTime: \"2021-03-02T08:00:00.250Z\"\noriginalUrl: https://a.example/s\nwebUrl: https://a.example/s\ntype: article\nquality: 80\nheat: 100\npublished: true\n\nprovider:\n  name: Example Wire\n  domain: example-wire.com\n\ntopics: [Election, Joe Biden]\n\n---\n\n",
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Title == "It's a title" && a.Excerpt == "x" && a.PublishedDateTime.Equal(utc("2021-03-02T08:00:00.25Z")) &&
					strings.Join(a.Topics, ",") == "Election,Joe Biden"
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "dates as Jekyll writes a post's: a space before the zone, which has no colon, or none at all",
			path: "_news/2016-12-07-written-by-hand.md",
			data: quirkNews("title: \"Written by hand\"\nexcerpt: \"x\"\npublishedDateTime: 2016-12-07 14:51:39 +0100\noriginalUrl: \"https://a.example/h\"\nwebUrl: \"https://a.example/h\"\n",
				quirkProvider+"related:\n  - title: \"Other\"\n    excerpt: \"y\"\n    publishedDateTime: 2016-12-7 9:05:00\n    webUrl: \"https://b.example/o\"\n    type: article\n    provider:\n      name: B\n      domain: b.example\n    quality: 70\n\n"),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.PublishedDateTime.Equal(utc("2016-12-07T13:51:39Z")) && len(a.Related) == 1 &&
					a.Related[0].PublishedDateTime.Equal(utc("2016-12-07T09:05:00Z"))
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "event dated as Jekyll writes a post's, the zone with its colon",
			path: "_events/2020-10-15-debate-watch.md",
			data: "---\nname: \"Debate watch\"\nexcerpt: \"x\"\noriginalUrl: https://www.example.org/watch\ntype: conference\nstartDateTime: 2020-10-15 17:00:00 -07:00\nendDateTime: 2020-10-15 18:30:00 -0700\n\ntopics:\n  - Election\n\n---\n\n",
			check: func(r *model.Record) bool {
				e := r.Event
				_, off := e.StartDateTime.Zone()
				return e.StartDateTime.Equal(utc("2020-10-16T00:00:00Z")) && off == -7*3600 && e.EndDateTime.Equal(utc("2020-10-16T01:30:00Z"))
			},
			edit:    func(r *model.Record) { r.Event.Name = "Debate night" },
			removed: []string{"name: \"Debate watch\""}, added: []string{"name: \"Debate night\""},
		},
		{
			name: "comments an editor left beside values that curation and edits change",
			path: "_news/2021-03-06-noted.md",
			data: strings.Replace(quirkNews("title: \"Issue #5\" # renumbered later\nexcerpt: \"x\"\npublishedDateTime: 2021-03-06T08:00:00Z\noriginalUrl: \"https://a.example/c\"\nwebUrl: \"https://a.example/c\"\n", quirkProvider),
				"quality: 80\nheat: 100\n", "quality: 80  # raised by hand\nheat: 100\t# hot\n", 1),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Title == "Issue #5" && a.Quality == 80 && a.Heat == 100
			},
			edit:    func(r *model.Record) { r.Article.Heat, r.Article.Quality, r.Article.Title = 7, 90, "Issue #6" },
			removed: []string{"heat: 100\t# hot", "quality: 80  # raised by hand", "title: \"Issue #5\" # renumbered later"},
			added:   []string{"heat: 7\t# hot", "quality: 90  # raised by hand", "title: \"Issue #6\" # renumbered later"},
		},
		{
			name: "values aligned as Jekyll writes a post's front matter, a quoted key, a blank before a colon",
			path: "_news/2016-12-07-aligned.md",
			data: "---\ncategory: news\ntitle:  \"Aligned\"\nexcerpt: \"x\"\npublishedDateTime:   2016-12-07 14:51:39 +0100\noriginalUrl: \"https://a.example/al\"\ntype : article\n'quality': 80\nheat:    100\npublished: true\n---\n",
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Title == "Aligned" && a.Type == "article" && a.Quality == 80 && a.Heat == 100
			},
			edit: func(r *model.Record) {
				r.Article.Title, r.Article.Type, r.Article.Quality, r.Article.Heat = "Aligned again", "video", 90, 7
				r.Article.PublishedDateTime = r.Article.PublishedDateTime.Add(time.Hour)
			},
			removed: []string{"title:  \"Aligned\"", "type : article", "'quality': 80", "heat:    100", "publishedDateTime:   2016-12-07 14:51:39 +0100"},
			added:   []string{"title:  \"Aligned again\"", "type : video", "'quality': 90", "heat:    7", "publishedDateTime:   2016-12-07T14:51:39Z"},
		},
		{
			name: "excerpt folded over lines",
			path: "_news/2021-03-03-folded.md",
			data: quirkNews("title: \"Folded\"\nexcerpt: \"A long excerpt that a YAML writer\n  folded over two lines.\"\npublishedDateTime: 2021-03-03T08:00:00Z\noriginalUrl: \"https://a.example/f\"\nwebUrl: \"https://a.example/f\"\n", quirkProvider),
			check: func(r *model.Record) bool {
				return r.Article.Excerpt == "A long excerpt that a YAML writer folded over two lines."
			},
			edit: heat, removed: []string{"heat: 100"}, added: []string{"heat: 7"},
		},
		{
			name: "Windows line endings",
			path: "_news/2021-03-04-crlf.md",
			data: strings.ReplaceAll(quirkNews("title: \"CRLF\"\nexcerpt: \"x\"\npublishedDateTime: 2021-03-04T08:00:00Z\noriginalUrl: \"https://a.example/w\"\nwebUrl: \"https://a.example/w\"\n", quirkProvider), "\n", "\r\n"),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Title == "CRLF" && a.WebURL == "https://a.example/w" && a.Provider.Domain == "example-wire.com" && a.Heat == 100
			},
			edit: heat, removed: []string{"heat: 100\r"}, added: []string{"heat: 7\r"},
		},
		{
			name: "lines ending both ways: CR LF in the lines a Windows editor wrote, LF in the generator's",
			path: "_news/2021-03-05-mixed.md",
			data: strings.Replace(quirkNews("title: \"Mixed\"\nexcerpt: \"x\"\npublishedDateTime: 2021-03-05T08:00:00Z\noriginalUrl: \"https://a.example/m\"\nwebUrl: \"https://a.example/m\"\n", quirkProvider),
				"---\ncategory: news\ntitle: \"Mixed\"\n", "---\r\ncategory: news\r\ntitle: \"Mixed\"\r\n", 1),
			check: func(r *model.Record) bool {
				a := r.Article
				return a.Title == "Mixed" && a.Category == "news" && a.Heat == 100
			},
			edit:    func(r *model.Record) { r.Article.Heat = 7; r.Article.Title = "Mixed up" },
			removed: []string{"heat: 100", "title: \"Mixed\"\r"}, added: []string{"heat: 7", "title: \"Mixed up\"\r"},
		},
		{
			name: "event at a local offset, unquoted address, no location, provider or images",
			path: "_events/2020-10-15-town-hall.md",
			data: "---\nname: \"Town Hall\"\nexcerpt: \"Questions from voters.\"\noriginalUrl: https://www.example.org/town-hall\ntype: conference\nstartDateTime: 2020-10-15T17:00:00-07:00\nendDateTime: 2020-10-15T18:30:00-07:00\n\ntopics:\n  - Election\n\n---\n\n",
			check: func(r *model.Record) bool {
				e := r.Event
				_, off := e.StartDateTime.Zone()
				return e.StartDateTime.Equal(utc("2020-10-16T00:00:00Z")) && off == -7*3600 && e.OriginalURL == "https://www.example.org/town-hall" &&
					e.Location == "" && e.Provider == nil && e.Images == nil
			},
			edit:    func(r *model.Record) { r.Event.Topics = append(r.Event.Topics, "Democratic Voice") },
			removed: nil, added: []string{"  - Democratic Voice"},
		},
		{
			name: "topic with empty keywords and images, no shortname, no final newline",
			path: "_data/topics/03-some-voice.yaml",
			data: "taxonomy: topic\n_id: some-voice\nname: Some Voice\nparent: Election\nkeywords:\nhashtags:\n  - \"#Some\"\nimages:\nservices:\n  news: https://example.org/api/news/some-voice/",
			check: func(r *model.Record) bool {
				tp := r.Topic
				return tp.Keywords == nil && tp.Images == nil && tp.Shortname == "" && tp.Order == 3 &&
					len(tp.Services) == 1 && tp.Services[0].Endpoint == "https://example.org/api/news/some-voice/"
			},
			edit:    func(r *model.Record) { r.Topic.Hashtags = append(r.Topic.Hashtags, "#Voice") },
			removed: nil, added: []string{"  - \"#Voice\""},
		},
		{
			name: "topic file without an NN- prefix comes after the numbered ones",
			path: "_data/topics/ballot-design.yaml",
			data: "taxonomy: topic\n_id: ballot-design\nname: Ballot Design\nshortname: Ballots\nparent: Election\nkeywords:\n  - ballot design\nimages:\n  - https://example.org/assets/images/topics/ballot-design.jpg\nservices:\n  learning: https://example.org/api/learning/ballot-design/\n",
			check: func(r *model.Record) bool {
				return r.Topic.ID == "ballot-design" && r.Topic.Order > 999_999_999 // after any prefix of 9 digits
			},
			edit:    func(r *model.Record) { r.Topic.Shortname = "Design" },
			removed: []string{"shortname: Ballots"}, added: []string{"shortname: Design"},
		},
		{
			name: "learning book giving its address as webUrl, with ratings, levels and an empty length",
			path: "_learning/books/example-press-counting-the-vote.md",
			data: "---\ntitle: \"Counting the Vote\"\nexcerpt: \"How a count is run, from the polls to certification. \"\nwebUrl: https://books.example.com/counting-the-vote/dp/0000000002/\ntype: book\nprice: $24.10\nlength: \nratings:\n  count: 412\n  average: 4.7\nheat: 75\n\nprovider:\n  name: Example Books\n  domain: books.example.com\n  images:\n    - url: /assets/images/organizations/books.example.com-50x50.jpg\n      width: 50\n      height: 50\n  authors:\n    - name: A. N. Author\n\nlevels:\n  - Beginner\n  - Intermediate\n\ntopics:\n  - Election\n\nimages:\n  - url: https://img.example.com/counting.jpg\n    width: 160\n    height: 218\n    title: \"Counting the Vote\"\n\n---\n\n",
			check: func(r *model.Record) bool {
				l := r.Learning
				return l.WebURL == "https://books.example.com/counting-the-vote/dp/0000000002/" && l.OriginalURL == "" && l.Length == "" &&
					l.Ratings != nil && l.Ratings.Count == 412 && l.Ratings.Average == 4.7 &&
					strings.Join(l.Levels, ",") == "Beginner,Intermediate" && l.URL() == l.WebURL
			},
			edit:    func(r *model.Record) { r.Learning.Ratings.Count = 413 },
			removed: []string{"  count: 412"}, added: []string{"  count: 413"},
		},
		{
			name: "learning article without secured, image without isCached",
			path: "_learning/articles/example-what-is-a-swing-state.md",
			data: "---\ntitle: \"What is a swing state?\"\nexcerpt: \"A state either party can win.\"\noriginalUrl: https://www.example.org/swing\ntype: article\nprice: Free\nheat: 40\n\nprovider:\n  name: Example\n  domain: example.org\n\ntopics:\n  - Election\n\nimages:\n  - url: https://www.example.org/swing.png\n    width: 600\n    height: 400\n\n---\n\n",
			check: func(r *model.Record) bool {
				l := r.Learning
				return l.Secured == "" && len(l.Images) == 1 && l.Images[0].IsCached == nil && l.Images[0].Width == 600
			},
			edit:    func(r *model.Record) { r.Learning.Heat = 41 },
			removed: []string{"heat: 40"}, added: []string{"heat: 41"},
		},
		{
			name: "learning video with an embed and a duration",
			path: "_learning/videos/example-how-ballots-are-counted.md",
			data: "---\ntitle: \"How ballots are counted\"\nexcerpt: \"An explainer.\"\noriginalUrl: https://www.youtube.com/watch?v=abcdefghijk\ntype: video\nprice: Free\nlength: PT3M05S\npublishedDateTime: 2020-07-14T16:00:00Z\nheat: 70\n\nfeaturedContent: \"<iframe width=\\\"800\\\" height=\\\"500\\\" src=\\\"https://www.youtube.com/embed/abcdefghijk\\\" allowfullscreen></iframe>\"\n\ntopics:\n  - Election\n\nsecured: \"QUJD;REVG\"\n---\n\n",
			check: func(r *model.Record) bool {
				l := r.Learning
				return l.Length == "PT3M05S" && strings.HasPrefix(l.FeaturedContent, `<iframe width="800"`) && l.PublishedDateTime.Equal(utc("2020-07-14T16:00:00Z"))
			},
			edit:    func(r *model.Record) { r.Learning.Heat = 71 },
			removed: []string{"heat: 70"}, added: []string{"heat: 71"},
		},
		{
			name: "people collection without secured",
			path: "_people/collections/state-senators.md",
			data: "---\nname: \"State Senators\"\nbio: \"A few of them.\"\ntype: \"collection\"\nheat: 200\n\nitems:\n  - jane-example\n  - john-example\n\ntopics:\n  - Election\n\n---\n\n",
			check: func(r *model.Record) bool {
				p := r.Person
				return p.Type == "collection" && p.Secured == "" && strings.Join(p.Items, ",") == "jane-example,john-example"
			},
			edit:    func(r *model.Record) { r.Person.Heat = 201 },
			removed: []string{"heat: 200"}, added: []string{"heat: 201"},
		},
		{
			name: "organization with site-relative logos",
			path: "_data/organizations/example.org.md",
			data: "---\ntaxonomy: organization\n_id: example.org\nname: Example News\ndomain: example.org\nimages:\n  - url: /assets/images/organizations/example.org-50x50.jpg\n    width: 50\n    height: 50\n  - url: /assets/images/organizations/example.org-400x400.jpg\n    width: 400\n    height: 400\n---\n",
			check: func(r *model.Record) bool {
				o := r.Organization
				return len(o.Images) == 2 && o.Images[1].URL == "/assets/images/organizations/example.org-400x400.jpg"
			},
			edit:    func(r *model.Record) { r.Organization.Name = "Example" },
			removed: []string{"name: Example News"}, added: []string{"name: Example"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.path, []byte(tc.data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if !tc.check(rec) {
				t.Errorf("decoded %s", valueJSON(t, rec))
			}
			if err := Render(rec); err != nil {
				t.Fatalf("Render: %v", err)
			}
			if string(rec.Raw) != tc.data {
				t.Fatalf("Render without change altered the file:\n%s", diffLines(tc.data, string(rec.Raw)))
			}
			tc.edit(rec)
			want := valueJSON(t, rec)
			if err := Render(rec); err != nil {
				t.Fatalf("Render after the edit: %v", err)
			}
			removed, added := changedLines(tc.data, string(rec.Raw))
			if !sameSet(removed, tc.removed) || !sameSet(added, tc.added) {
				t.Fatalf("edit removed %q added %q, want removed %q added %q\n%s", removed, added, tc.removed, tc.added, rec.Raw)
			}
			back, err := Parse(tc.path, rec.Raw)
			if err != nil {
				t.Fatalf("edited file does not parse: %v", err)
			}
			if got := valueJSON(t, back); got != want {
				t.Fatalf("edited file reads\n%s\nwant\n%s", got, want)
			}
		})
	}
}
