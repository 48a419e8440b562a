package publish

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"
)

// partiesHub holds records whose provider names who made what it offers,
// as Smartable's later hubs write them: a course a university teaches on a
// course platform (a publisher with a domain and a logo, another with an
// empty domain and none), a book sold by a shop with its authors, and a
// news item from a blog platform naming its author.
var partiesHub = map[string]string{
	"_config.yml": "title: Parties\nurl: https://example.org\nbaseurl: \"/hub\"\nwebUrl: https://example.org/apps/hub\n" +
		"locale: \"en-us\"\ntopic: Graphs\ntimezone: UTC\n",
	"_data/topics/00-graphs.yaml": "taxonomy: topic\n_id: graphs\nname: Graphs\nkeywords:\n  - graph\n",
	"_learning/courses/example-courses-shortest-paths.md": "---\ntitle: \"Shortest Paths\"\n" +
		"excerpt: \"Learn Shortest Paths from Example University and Plain College.\"\n" +
		"webUrl: https://courses.example.com/learn/shortest-paths\ntype: course\nprice: Free+\nlength: 14 hours\n" +
		"ratings:\n  count: 120\n  average: 4.8\nheat: 50\n\n" +
		"provider:\n  name: Example Courses\n  domain: courses.example.com\n  images:\n" +
		"    - url: https://example.org/hub/assets/images/organizations/courses.example.com-50x50.jpg\n      width: 50\n      height: 50\n" +
		"  publishers:\n    - name: Example University\n      domain: university.example.edu\n      images:\n" +
		"        - url: https://example.org/hub/assets/images/organizations/university.example.edu-50x50.jpg\n          width: 50\n          height: 50\n" +
		"    - name: Plain College\n      domain: \n\n" +
		"levels:\n  - Intermediate\n\ntopics:\n  - Graphs\n\n" +
		"images:\n  - url: https://img.example.com/shortest-paths.png\n    width: 400\n    height: 400\n    title: \"Shortest Paths\"\n\n---\n\n",
	"_learning/books/example-shop-graph-theory-basics.md": "---\ntitle: \"Graph Theory Basics\"\n" +
		"excerpt: \"The essential text.\"\nwebUrl: https://shop.example.com/graph-theory-basics/dp/0000000002\n" +
		"type: book\nprice: $62.37\nlength: \nratings:\n  count: 731\n  average: 4.4\nheat: 140\n\n" +
		"provider:\n  name: Example Shop\n  domain: shop.example.com\n  images:\n" +
		"    - url: /assets/images/organizations/shop.example.com-50x50.jpg\n      width: 50\n      height: 50\n" +
		"  authors:\n    - name: T. H. Example\n\n" +
		"levels:\n  - Beginner\n\ntopics:\n  - Graphs\n\n---\n\n",
	"_news/2021-01-20-graphs-at-scale.md": "---\ncategory: news\ntitle: \"Graphs at scale\"\nexcerpt: \"x\"\n" +
		"publishedDateTime: 2021-01-20T10:00:00Z\noriginalUrl: \"https://blog.example.com/graphs-at-scale\"\n" +
		"webUrl: \"https://blog.example.com/graphs-at-scale\"\ntype: article\nquality: 70\nheat: 70\npublished: true\n\n" +
		"provider:\n  name: Example Blogs\n  domain: blog.example.com\n  authors:\n    - name: R. Writer\n\n" +
		"topics:\n  - Graphs\n\n---\n\n",
}

// TestProviderPublishersAndAuthorsArePublished builds partiesHub: each
// provider's publishers and authors are published as Smartable's API
// published them (its algorithm hub's learning documents): whole entity
// objects in the item documents and news, with null for what a record
// cannot give, and only the keys given in the V1 lists; null, or left out
// in V1, when the provider names none.
func TestProviderPublishersAndAuthorsArePublished(t *testing.T) {
	out := buildHub(t, partiesHub, time.Date(2021, 1, 21, 12, 0, 0, 0, time.UTC))
	read := func(doc string) []byte { return readAPI(t, out, doc) }
	// provider returns the provider of the item at path, compact, keys in
	// the order written.
	provider := func(doc, path string) string {
		t.Helper()
		data := read(doc)
		var items []map[string]json.RawMessage
		var list struct{ Value []map[string]json.RawMessage }
		if err := json.Unmarshal(data, &list); err == nil && list.Value != nil {
			items = list.Value
		} else {
			var one map[string]json.RawMessage
			if err := json.Unmarshal(data, &one); err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			items = []map[string]json.RawMessage{one}
		}
		for _, it := range items {
			var p string
			json.Unmarshal(it["path"], &p)
			if p == path {
				var b bytes.Buffer
				if err := json.Compact(&b, it["provider"]); err != nil {
					t.Fatalf("%s %s: provider: %v", doc, path, err)
				}
				return b.String()
			}
		}
		t.Fatalf("%s: no item %s", doc, path)
		return ""
	}
	const (
		course = "_learning/courses/example-courses-shortest-paths.md"
		book   = "_learning/books/example-shop-graph-theory-basics.md"
		news   = "_news/2021-01-20-graphs-at-scale.md"
		logo   = `{"url":"https://example.org/hub/assets/images/organizations/%s-50x50.jpg","width":50,"height":50,"title":null,"attribution":null,"isCached":false}`
	)
	entity := func(name, domain, images string) string {
		return `{"path":"","title":null,"excerpt":null,"sourceUrl":null,"webUrl":null,"originalUrl":null,"Id":null,` +
			`"name":"` + name + `","otherNames":null,"domain":` + domain + `,"Description":null,"images":` + images + `,"heat":null,"tags":null}`
	}
	logoOf := func(domain string) string {
		return `[` + fmt.Sprintf(logo, domain) + `]`
	}
	tests := []struct {
		doc, path, want string
	}{
		{"learning/courses/example-courses-shortest-paths/index.json", course,
			`{"name":"Example Courses","domain":"courses.example.com","images":` + logoOf("courses.example.com") +
				`,"publishers":[` + entity("Example University", `"university.example.edu"`, logoOf("university.example.edu")) +
				`,` + entity("Plain College", `null`, `null`) + `],"authors":null}`},
		{"learning/books/example-shop-graph-theory-basics/index.json", book,
			`{"name":"Example Shop","domain":"shop.example.com","images":` + logoOf("shop.example.com") +
				`,"publishers":null,"authors":[` + entity("T. H. Example", `null`, `null`) + `]}`},
		{"learning/index.json", course,
			`{"name":"Example Courses","domain":"courses.example.com","images":[{"url":"https://example.org/hub/assets/images/organizations/courses.example.com-50x50.jpg","width":50,"height":50,"isCached":false}],` +
				`"publishers":[{"path":"","name":"Example University","domain":"university.example.edu","images":[{"url":"https://example.org/hub/assets/images/organizations/university.example.edu-50x50.jpg","width":50,"height":50,"isCached":false}]},` +
				`{"path":"","name":"Plain College"}]}`},
		{"learning/index.json", book,
			`{"name":"Example Shop","domain":"shop.example.com","images":[{"url":"https://example.org/hub/assets/images/organizations/shop.example.com-50x50.jpg","width":50,"height":50,"isCached":false}],` +
				`"authors":[{"path":"","name":"T. H. Example"}]}`},
		{"news/index.json", news,
			`{"name":"Example Blogs","domain":"blog.example.com","images":null,"publishers":null,"authors":[` + entity("R. Writer", `null`, `null`) + `]}`},
		{"news/2021/01/20/graphs-at-scale/index.json", news,
			`{"name":"Example Blogs","domain":"blog.example.com","images":null,"publishers":null,"authors":[` + entity("R. Writer", `null`, `null`) + `]}`},
	}
	for _, tc := range tests {
		if got := provider(tc.doc, tc.path); got != tc.want {
			t.Errorf("%s, %s: provider\ngot  %s\nwant %s", tc.doc, tc.path, got, tc.want)
		}
	}
}
