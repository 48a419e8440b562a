package admin

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/retention"
)

var (
	formBlock   = regexp.MustCompile(`(?s)<form method="post" action="/admin/decide"[^>]*>(.*?)</form>`)
	hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// formWith returns the fields of the decision form on page whose button
// says button, as a browser would post them.
func formWith(t *testing.T, page, button string) url.Values {
	t.Helper()
	for _, m := range formBlock.FindAllStringSubmatch(page, -1) {
		if !strings.Contains(m[1], ">"+button+"<") { // its text, then its end or what it acts on
			continue
		}
		v := url.Values{}
		for _, in := range hiddenInput.FindAllStringSubmatch(m[1], -1) {
			if in[1] != "csrf" {
				v.Set(in[1], in[2])
			}
		}
		return v
	}
	t.Fatalf("no form with a %q button on:\n%s", button, page)
	return nil
}

// TestUndoOfAHideRestoresWhatWasThere checks that taking a hide back, by
// the decisions page's undo or the article and story pages' buttons,
// leaves the article as it was before the hide: withheld still when its
// publisher is blocked, published again when nothing else withholds it,
// and no lesson for the topic gate.
func TestUndoOfAHideRestoresWhatWasThere(t *testing.T) {
	const blocked = "https://statedaily.example/politics/senate-passes-border-bill"
	const free = "https://capitolwire.example/2026/11/20/clerks-turnout"
	for _, tt := range []struct {
		name, article string
		block         bool
		page          func(f *fixture) string // the page offering the undo
		button        string
		want          string // Withheld after the undo
	}{
		{"decisions page, publisher blocked", blocked, true, func(*fixture) string { return Prefix + "decisions/" }, "Undo", model.WithheldPublisher},
		{"article page, publisher blocked", blocked, true, func(*fixture) string { return Prefix + "article/?a=" + url.QueryEscape(blocked) }, "Unhide", model.WithheldPublisher},
		{"story page, publisher blocked", blocked, true, func(f *fixture) string { return Prefix + "stories/" + f.storyID(t) + "/" }, "Unhide", model.WithheldPublisher},
		{"decisions page, nothing else", free, false, func(*fixture) string { return Prefix + "decisions/" }, "Undo", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, nil)
			c := f.signedIn(t)
			page := tt.page(f) // the story's id, before the hide
			if tt.block {
				if msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"block-publisher"}, "publisher": {"statedaily.example"}}); isErr {
					t.Fatal(msg)
				}
				f.clock.advance(time.Minute)
			}
			before := f.article(t, tt.article)
			if msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"hide"}, "article": {tt.article}}); isErr {
				t.Fatal(msg)
			}
			if got := f.article(t, tt.article).Withheld; got != model.WithheldHidden {
				t.Fatalf("after the hide: withheld %q", got)
			}
			f.clock.advance(time.Minute)
			if msg, isErr := c.follow(Prefix+"decide", formWith(t, c.page(page), tt.button)); isErr {
				t.Fatal(msg)
			}
			after := f.article(t, tt.article)
			if after.Withheld != tt.want || after.Withheld != before.Withheld {
				t.Errorf("after the undo: withheld %q, want %q as before the hide (%q)", after.Withheld, tt.want, before.Withheld)
			}
			if after.Relevance != nil && after.Relevance.Basis == "editor" {
				t.Errorf("after the undo: the gate was taught %+v", after.Relevance)
			}
			if body := c.page(Prefix + "article/?a=" + url.QueryEscape(tt.article)); !strings.Contains(body, "Hide this article") {
				t.Error("after the undo, the article page does not offer to hide it")
			}
		})
	}
}

// article returns the stored article at the canonical URL u.
func (f *fixture) article(t *testing.T, u string) *model.Article {
	t.Helper()
	r, err := f.st.ArticleByURL(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return r.Article
}

// TestStalePageDecisionsAreRefused checks two editors at once: one takes
// an article out of a story while the other, on the story's page as it
// was, makes it the story's lead; the lead is refused with what happened,
// not reported done and kept in the log.
func TestStalePageDecisionsAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	ada, bea := f.signedIn(t), f.signedIn(t)
	const member = "https://statedaily.example/politics/senate-passes-border-bill"
	id := f.storyID(t)
	stale := ada.page(Prefix + "stories/" + id + "/")
	var lead url.Values
	for _, m := range formBlock.FindAllStringSubmatch(stale, -1) {
		if strings.Contains(m[1], ">Make lead<") && strings.Contains(m[1], member) {
			lead = url.Values{}
			for _, in := range hiddenInput.FindAllStringSubmatch(m[1], -1) {
				if in[1] != "csrf" {
					lead.Set(in[1], in[2])
				}
			}
		}
	}
	if lead == nil {
		t.Fatalf("no Make lead form for %s on:\n%s", member, stale)
	}
	if msg, isErr := bea.follow(Prefix+"decide", url.Values{"action": {"move"}, "article": {member}, "out": {"1"}}); isErr {
		t.Fatal(msg)
	}
	before, _ := f.editor.Decisions(context.Background())
	msg, isErr := ada.follow(Prefix+"decide", lead)
	after, _ := f.editor.Decisions(context.Background())
	if !isErr || !strings.Contains(msg, "not in story "+id) {
		t.Errorf("lead of an article moved out since: message %q (error %v), want it refused", msg, isErr)
	}
	if len(after) != len(before) {
		t.Errorf("lead of an article moved out since: kept %+v", after[len(before):])
	}
}

// TestUndoOfAPinFollowsItsStoryMerged checks the undo of a pin after
// another editor merged the pinned story into another: the pin follows
// the story's articles, and so does its undo, where the undo named the
// story by its old id and was refused.
func TestUndoOfAPinFollowsItsStoryMerged(t *testing.T) {
	f := newFixture(t, nil)
	ada, bea := f.signedIn(t), f.signedIn(t)
	const lead = "https://capitolwire.example/2026/11/20/senate-border-bill"
	id := f.storyID(t)
	other := f.article(t, "https://capitolwire.example/2026/11/20/governor-polls").Story
	if msg, isErr := ada.follow(Prefix+"decide", url.Values{"action": {"pin"}, "story": {id}, "for": {"24h"}}); isErr {
		t.Fatal(msg)
	}
	f.clock.advance(time.Minute)
	if msg, isErr := bea.follow(Prefix+"decide", url.Values{"action": {"merge"}, "story": {id}, "into": {other}}); isErr {
		t.Fatal(msg)
	}
	if f.article(t, lead).Story == id {
		t.Fatalf("the story %s was not merged away", id)
	}
	pinned := func() bool {
		t.Helper()
		for _, u := range []string{lead, "https://capitolwire.example/2026/11/20/governor-polls"} {
			if a := f.article(t, u); a.Published && !a.PinnedUntil.IsZero() {
				return true
			}
		}
		return false
	}
	if !pinned() {
		t.Fatal("the merged story's lead is not pinned")
	}
	f.clock.advance(time.Minute)
	if msg, isErr := ada.follow(Prefix+"decide", formWith(t, ada.page(Prefix+"decisions/"), "Undo")); isErr {
		t.Errorf("undo of the pin: %q", msg)
	}
	if pinned() {
		t.Error("after the undo, the story is pinned still")
	}
}

// TestDecisionsOnAPurgedArticleAreRefused checks a story's page read
// before retention purged one of its members: a hide, show or move of it
// posted then is refused, saying it was purged, where the area kept it in
// the log and said done, though ingest never stores the article again.
func TestDecisionsOnAPurgedArticleAreRefused(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const member = "https://statedaily.example/politics/senate-passes-border-bill"
	later := f.clock.now().Add(10 * 24 * time.Hour)
	sum, err := retention.Apply(context.Background(), f.st, retention.Policy{PurgeAfter: 24 * time.Hour},
		retention.Options{SiteDir: f.dir, Now: func() time.Time { return later }})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.Tombstone(context.Background(), member); err != nil {
		t.Fatalf("retention (%+v) did not purge %s: %v", sum, member, err)
	}
	for _, form := range []url.Values{
		{"action": {"hide"}, "article": {member}},
		{"action": {"show"}, "article": {member}},
		{"action": {"move"}, "article": {member}, "out": {"1"}},
	} {
		before, _ := f.editor.Decisions(context.Background())
		msg, isErr := c.follow(Prefix+"decide", form)
		after, _ := f.editor.Decisions(context.Background())
		if !isErr || !strings.Contains(msg, member+" was purged on ") {
			t.Errorf("%v: message %q (error %v), want it refused as purged", form, msg, isErr)
		}
		if len(after) != len(before) {
			t.Errorf("%v: kept %+v", form, after[len(before):])
		}
	}
}
