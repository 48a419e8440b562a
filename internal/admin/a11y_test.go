package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// textOf is the text of n and its descendants.
func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}

// focusable reports whether the keyboard reaches n.
func focusable(n *html.Node) bool {
	switch n.DataAtom {
	case atom.A:
		return testutil.Attr(n, "href") != ""
	case atom.Input:
		return testutil.Attr(n, "type") != "hidden"
	case atom.Button, atom.Select, atom.Textarea, atom.Summary:
		return true
	}
	return false
}

// TestEveryPageStartsWithASkipLink opens a page of every kind, signed
// out and in: the first thing the keyboard reaches must be a link to the
// page's main element, past the header's links and forms.
func TestEveryPageStartsWithASkipLink(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	pages := map[string]string{"sign-in": newClient(t, f.admin).do("GET", Prefix+"sign-in", nil).Body.String()}
	for _, p := range []string{"sources/", "rounds/", "stories/", "stories/" + f.storyID(t) + "/", "decisions/", "article/?a=nothing"} {
		pages[p] = c.do("GET", Prefix+p, nil).Body.String()
	}
	pages["a page past the stories"] = c.do("GET", Prefix+"stories/?page=9", nil).Body.String()
	for what, body := range pages {
		doc := testutil.ParseHTML(t, body)
		var first *html.Node
		mains := 0
		for n := range doc.Descendants() {
			if n.Type != html.ElementNode {
				continue
			}
			if first == nil && focusable(n) {
				first = n
			}
			if n.DataAtom == atom.Main && testutil.Attr(n, "id") == "main" {
				mains++
			}
		}
		if first == nil || testutil.Attr(first, "href") != "#main" {
			t.Errorf("%s: the first control is not a link to #main", what)
		}
		if mains != 1 {
			t.Errorf("%s: %d main elements with id main", what, mains)
		}
	}
}

// TestSignInFailureDescribesTheFields signs in with a wrong password: the
// name and password fields must be described by the message saying why,
// which a screen reader reads on reaching them (the name has the focus);
// a notice that is no failure (signed out) describes nothing.
func TestSignInFailureDescribesTheFields(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		what    string
		page    func(*client) string
		want    string
		invalid string // aria-invalid of the fields
	}{
		{"wrong password", func(c *client) string { return c.signIn(adminName, "not the password").Body.String() }, "signin-message", "true"},
		{"signed out", func(c *client) string { return c.do("GET", Prefix+"sign-in?out", nil).Body.String() }, "", ""},
	}
	for _, tt := range tests {
		doc := testutil.ParseHTML(t, tt.page(newClient(t, f.admin)))
		var msg string
		described, invalid := map[string]string{}, map[string]string{}
		for n := range doc.Descendants() {
			switch id := testutil.Attr(n, "id"); {
			case n.Type != html.ElementNode:
			case id == "signin-message":
				msg = textOf(n)
			case id == "name" || id == "password":
				described[id] = testutil.Attr(n, "aria-describedby")
				invalid[id] = testutil.Attr(n, "aria-invalid")
			}
		}
		if msg == "" {
			t.Errorf("%s: no message with id signin-message", tt.what)
		}
		for _, id := range []string{"name", "password"} {
			if described[id] != tt.want {
				t.Errorf("%s: field %s is described by %q, want %q", tt.what, id, described[id], tt.want)
			}
			if invalid[id] != tt.invalid {
				t.Errorf("%s: field %s has aria-invalid %q, want %q", tt.what, id, invalid[id], tt.invalid)
			}
		}
	}
}

// TestRefusedFormMarksItsField posts forms refused for one of their
// fields: the page each leads back to must mark that field, and no
// other, invalid, described by the message, with the focus; the message
// must link to it, and the form hold what was typed, but an address
// with a secret, which no page shows.
func TestRefusedFormMarksItsField(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	id := f.storyID(t)
	const member = "https://statedaily.example/politics/senate-passes-border-bill"
	article := Prefix + "article/?a=" + url.QueryEscape(member)
	story := Prefix + "stories/" + id + "/"
	long := strings.Repeat("é", 301)
	tests := []struct {
		what  string
		path  string
		form  url.Values
		field string            // the element id of the field marked
		typed map[string]string // the fields' values after, by element id
	}{
		{"an address not http(s)", "sources/add",
			url.Values{"url": {"ftp://files.example.org/feed"}, "provider": {"files.example.org"}, "topics": {"Polls, Senate"}, "interval": {"45m"}, "dedicated": {"1"}}, "src-url",
			map[string]string{"src-url": "ftp://files.example.org/feed", "src-provider": "files.example.org", "src-topics": "Polls, Senate", "src-interval": "45m", "src-dedicated": "1"}},
		{"an interval too short", "sources/add", url.Values{"url": {"https://x.example/"}, "interval": {"10s"}}, "src-interval",
			map[string]string{"src-url": "https://x.example/", "src-interval": "10s", "src-dedicated": ""}},
		{"a feed already listed", "sources/add", url.Values{"url": {f.feeds + "/feeds/wire.xml"}}, "src-url",
			map[string]string{"src-url": f.feeds + "/feeds/wire.xml"}},
		{"an address with a secret", "sources/add", url.Values{"url": {"https://reader:hunter2@feeds.example/x.xml"}, "interval": {"10s"}}, "src-interval",
			map[string]string{"src-url": "", "src-interval": "10s"}},
		{"a story merged into itself", "decide", url.Values{"action": {"merge"}, "story": {id}, "into": {id}, "back": {story}}, "merge-into",
			map[string]string{"merge-into": id}},
		{"a story merged into one without articles", "decide", url.Values{"action": {"merge"}, "story": {id}, "into": {"s-gone"}, "back": {story}}, "merge-into",
			map[string]string{"merge-into": "s-gone"}},
		{"a note too long", "decide", url.Values{"action": {"hide"}, "article": {member}, "note": {long}, "back": {article}}, "hide-note",
			map[string]string{"hide-note": long}},
		{"an article moved into a story without articles", "decide", url.Values{"action": {"move"}, "article": {member}, "into": {"s-gone"}, "back": {article}}, "move-into",
			map[string]string{"move-into": "s-gone"}},
	}
	for _, tt := range tests {
		w := c.post(Prefix+tt.path, tt.form)
		body := c.page(w.Header().Get("Location"))
		if strings.Contains(body, "hunter2") {
			t.Errorf("%s: the page shows the address's secret", tt.what)
		}
		doc := testutil.ParseHTML(t, body)
		var link string
		values := map[string]string{}
		for n := range doc.Descendants() {
			fid := testutil.Attr(n, "id")
			switch {
			case n.Type != html.ElementNode:
				continue
			case fid == "flash":
				for a := range n.Descendants() {
					if a.DataAtom == atom.A {
						link = testutil.Attr(a, "href")
					}
				}
			case n.DataAtom != atom.Input || fid == "":
				continue
			}
			values[fid] = testutil.Attr(n, "value")
			if testutil.Attr(n, "type") == "checkbox" {
				values[fid] = map[bool]string{true: "1"}[hasAttr(n, "checked")]
			}
			marked := testutil.Attr(n, "aria-invalid") == "true" && testutil.Attr(n, "aria-describedby") == "flash" && hasAttr(n, "autofocus")
			if marked != (fid == tt.field) {
				t.Errorf("%s: field %s marked invalid: %v", tt.what, fid, marked)
			}
		}
		if link != "#"+tt.field {
			t.Errorf("%s: the message links to %q, want #%s", tt.what, link, tt.field)
		}
		for fid, want := range tt.typed {
			if got, ok := values[fid]; !ok || got != want {
				t.Errorf("%s: field %s holds %q (on the page: %v), want %q", tt.what, fid, got, ok, want)
			}
		}
	}
}

// hasAttr reports whether n has the attribute key, whatever its value.
func hasAttr(n *html.Node, key string) bool {
	return slices.ContainsFunc(n.Attr, func(a html.Attribute) bool { return a.Key == key })
}

// TestStoriesPagesSayWhichPageInTheirTitle lists more stories than a page
// holds: the title of each page must say which it is.
func TestStoriesPagesSayWhichPageInTheirTitle(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	leads, err := f.st.News(ctx, store.NewsQuery{PublishedOnly: true})
	if err != nil || len(leads) == 0 {
		t.Fatalf("published stories: %d, %v", len(leads), err)
	}
	var more []*model.Record
	for i := range storiesPerPage {
		r := *leads[0]
		a := *r.Article
		r.Article = &a
		r.Path = fmt.Sprintf("_news/2026-11-19-more-%d.md", i)
		a.OriginalURL = fmt.Sprintf("https://capitolwire.example/more-%d", i)
		a.WebURL = a.OriginalURL
		a.Story = fmt.Sprintf("more-%d", i)
		more = append(more, &r)
	}
	if err := f.st.Upsert(ctx, more); err != nil {
		t.Fatal(err)
	}
	c := f.signedIn(t)
	for page, want := range map[string]string{"": "Stories · ", "?page=2": "Stories, page 2 · "} {
		w := c.do("GET", Prefix+"stories/"+page, nil)
		if w.Code != http.StatusOK {
			t.Fatalf("stories%s: %d", page, w.Code)
		}
		doc := testutil.ParseHTML(t, w.Body.String())
		for n := range doc.Descendants() {
			if n.DataAtom == atom.Title && !strings.HasPrefix(textOf(n), want) {
				t.Errorf("stories%s: the title is %q, want it to start %q", page, textOf(n), want)
			}
		}
	}
}

// TestRowButtonsSayWhatTheyActOn reads the buttons of the sources' rows
// and of a story's articles as a screen reader lists them, apart from
// their rows: each must name its feed or article, not say "Remove" or
// "Hide" alone, as many times as there are rows.
func TestRowButtonsSayWhatTheyActOn(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	for _, p := range []string{"sources/", "stories/" + f.storyID(t) + "/"} {
		doc := testutil.ParseHTML(t, c.page(Prefix+p))
		var names []string
		for n := range doc.Descendants() {
			if n.DataAtom != atom.Button || !inRow(n) {
				continue
			}
			names = append(names, strings.Join(strings.Fields(textOf(n)), " "))
		}
		if len(names) < 4 {
			t.Fatalf("%s: %d buttons of rows", p, len(names))
		}
		for i, name := range names {
			if !strings.Contains(name, ": ") || slices.Contains(names[:i], name) {
				t.Errorf("%s: a button is named %q, saying not what it acts on or as another does", p, name)
			}
		}
	}
}

// inRow reports whether n is in a row of a table or an item of a list.
func inRow(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Tr || p.DataAtom == atom.Li {
			return true
		}
	}
	return false
}
