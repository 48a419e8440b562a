package curate

import (
	"testing"

	"newshub/internal/model"
)

// TestHeadlinesFoldAsTitleKey checks that headlines, which hash and compare
// headlines word by word, tie exactly the titles titleKey folds alike.
func TestHeadlinesFoldAsTitleKey(t *testing.T) {
	titles := []string{
		"Senate passes the budget bill",
		"SENATE passes — the budget bill!",
		"  Senate   passes the budget bill  ",
		"Senate passes the budget bills",
		"Senate passes budget bill the",
		"Live updates",
		"Live updates:",
		"",
		"Ünïcode Ärger im Bundestag",
		"ünïcode ärger im bundestag",
		"選挙 結果 速報",
		"選挙、結果、速報",
		"\xff\xfe broken bytes here",
		"broken bytes here",
		"It's a deal, says Smith",
		"It s a deal says Smith",
	}
	h := newHeadlines()
	for _, a := range titles {
		for _, b := range titles {
			want := titleKey(a) != "" && titleKey(a) == titleKey(b)
			if got := sameHeadline(a, b); got != want {
				t.Errorf("sameHeadline(%q, %q) = %v, titleKey says %v", a, b, got, want)
			}
			sa, oka := h.sum(a)
			sb, okb := h.sum(b)
			if oka != (titleKey(a) != "") {
				t.Errorf("sum(%q) has a key: %v, titleKey %q", a, oka, titleKey(a))
			}
			if want && (sa != sb || !okb) {
				t.Errorf("sum(%q) != sum(%q) for one key %q", a, b, titleKey(a))
			}
		}
	}
}

// TestHeadlinesFirstKeepsTheFirstRecord checks first and add, hash
// collisions included: a key whose hash another key holds is still found.
func TestHeadlinesFirstKeepsTheFirstRecord(t *testing.T) {
	rec := func(title string) *model.Record {
		return &model.Record{Path: title, Article: &model.Article{Title: title}}
	}
	h := newHeadlines()
	a, b := rec("Senate passes the budget bill"), rec("senate passes THE budget bill.")
	h.add(a.Article.Title, a)
	h.add(b.Article.Title, b)
	if got := h.first(b.Article.Title); got != a {
		t.Fatalf("first = %v, want the first record added", got)
	}
	if got := h.first("Live updates"); got != nil {
		t.Fatalf("a two-word headline found %v", got)
	}
	// Force a collision: another headline under a's hash.
	c := rec("House rejects the budget bill")
	sum, _ := h.sum(c.Article.Title)
	h.byHash[sum] = a
	h.add(c.Article.Title, c)
	if got := h.first(c.Article.Title); got != c {
		t.Fatalf("first of a colliding headline = %v, want its own record", got)
	}
	if got := h.first(a.Article.Title); got != a {
		t.Fatalf("first of the holder = %v, want it", got)
	}
}
