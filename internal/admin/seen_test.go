package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestAStaleFormIsRefused has two editors open the same page and submit
// its forms in turn, and one editor submit a form twice: the second
// decision on the same thing, from a page that did not show the first, is
// refused, naming the first and keeping what was typed; one that asks
// what the first did adds nothing and says it is done; decisions on other
// things of the page go through.
func TestAStaleFormIsRefused(t *testing.T) {
	const member = "https://statedaily.example/politics/senate-passes-border-bill"
	for _, tt := range []struct {
		name         string
		page         func(story string) string
		first, again string                    // the buttons of the forms ada and bob submit
		then         string                    // a button ada clicks next, on firstPage read again
		firstPage    func(story string) string // the page of ada's forms, when not page
		set          url.Values                // what bob types
		typed        url.Values                // what ada types
		setup        url.Values                // a decision ada takes before both open the page
		msg          string
		isErr        bool
	}{
		{name: "a pin over another's pin", page: storyPage,
			first: "Pin", again: "Pin", typed: url.Values{"for": {"6h"}}, set: url.Values{"for": {"168h"}},
			msg: "Not done: another decision was taken since you opened the page: pinned story", isErr: true},
		{name: "a lead over another's lead", page: storyPage,
			first: "Make lead", again: "Make lead",
			msg: "Already done: lead " + member + ", by ada at"},
		{name: "a hide over another's show", page: articlePage(member),
			first: "Show this article", again: "Hide this article", set: url.Values{"note": {"a duplicate"}},
			setup: url.Values{"action": {"block-publisher"}, "publisher": {"statedaily.example"}},
			msg:   "Not done: another decision was taken since you opened the page: show " + member + ", by ada at", isErr: true},
		{name: "the same hide twice", page: articlePage(member),
			first: "Hide this article", again: "Hide this article",
			msg: "Already done: hide " + member + ", by ada at"},
		{name: "the same block twice", page: articlePage(member),
			first: "Block publisher statedaily.example", again: "Block publisher statedaily.example",
			msg: "Already done: block-publisher statedaily.example, by ada at"},
		{name: "the same undo twice", page: decisionsPage,
			first: "Undo", again: "Undo", setup: url.Values{"action": {"hide"}, "article": {member}},
			msg: "Already done: unhide " + member + ", by ada at"},
		{name: "an undo over another's hide again", page: decisionsPage, firstPage: articlePage(member),
			first: "Unhide", then: "Hide this article", again: "Undo", setup: url.Values{"action": {"hide"}, "article": {member}},
			msg: "Not done: another decision was taken since you opened the page: hide " + member + ", by ada at", isErr: true},
		{name: "the same block of a source twice", page: sourcesPage,
			first: "Block", again: "Block",
			msg: "Already done: block-source http://127.0.0.1:"},
		{name: "the same hide of a story twice", page: storyPage,
			first: "Hide all 2 articles", again: "Hide all 2 articles",
			msg: "Already done: hide "},
		{name: "a hide of a story over a hide of one", page: storyPage,
			first: "Hide", again: "Hide all 2 articles",
			msg: "Not done: the story's articles or the decisions on them changed since you opened the page, the last: hide ", isErr: true},
		{name: "a topic beside a hide", page: articlePage(member),
			first: "Hide this article", again: "Add topic", set: url.Values{"topic": {"Polls"}},
			msg: `Done: topic-add "Polls" on ` + member},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			if err := f.admin.users.Add("bob", adminPassword, false, f.clock.now()); err != nil {
				t.Fatal(err)
			}
			ada, bob := f.signedIn(t), newClient(t, f.admin)
			if w := bob.signIn("bob", adminPassword); w.Code != 303 {
				t.Fatalf("bob's sign-in: %d", w.Code)
			}
			page := tt.page(f.storyID(t))
			if tt.setup != nil {
				if msg, isErr := ada.follow(Prefix+"decide", tt.setup); isErr {
					t.Fatalf("ada: %s", msg)
				}
				f.clock.advance(time.Minute)
			}
			// A form opened by both before either decides: ada's, and
			// the one bob submits after ada's went through.
			firstPage := page
			if tt.firstPage != nil {
				firstPage = tt.firstPage(f.storyID(t))
			}
			first, again := formWith(t, ada.page(firstPage), tt.first), formWith(t, bob.page(page), tt.again)
			for k, v := range tt.typed {
				first[k] = v
			}
			for k, v := range tt.set {
				again[k] = v
			}
			if msg, isErr := ada.follow(Prefix+"decide", first); isErr {
				t.Fatalf("ada: %s", msg)
			}
			f.clock.advance(time.Minute)
			if tt.then != "" {
				if msg, isErr := ada.follow(Prefix+"decide", formWith(t, ada.page(firstPage), tt.then)); isErr {
					t.Fatalf("ada: %s", msg)
				}
				f.clock.advance(time.Minute)
			}
			before, _ := f.editor.Decisions(context.Background())
			w := bob.post(Prefix+"decide", again)
			shown := bob.page(w.Header().Get("Location"))
			after, _ := f.editor.Decisions(context.Background())
			m := flashText.FindStringSubmatch(shown)
			if m == nil {
				t.Fatalf("bob: no message on %s", shown)
			}
			if msg, isErr := m[2], m[1] != ""; !strings.HasPrefix(msg, tt.msg) || isErr != tt.isErr {
				t.Errorf("bob: %q (error %v), want %q (error %v)", msg, isErr, tt.msg, tt.isErr)
			}
			if added := len(after) - len(before); added != 0 && (tt.isErr || strings.HasPrefix(tt.msg, "Already")) {
				t.Errorf("bob's stale form added %d decisions", added)
			}
			if note := again.Get("note"); note != "" && !strings.Contains(shown, `name="note" type="text" maxlength="300" placeholder="optional" value="`+note+`"`) {
				t.Errorf("bob's note %q is not kept in the form:\n%s", note, shown)
			}
		})
	}
}

func decisionsPage(string) string { return Prefix + "decisions/" }

func sourcesPage(string) string { return Prefix + "sources/" }

func storyPage(story string) string { return Prefix + "stories/" + story + "/" }

func articlePage(u string) func(string) string {
	return func(string) string { return Prefix + "article/?a=" + url.QueryEscape(u) }
}
