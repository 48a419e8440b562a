package cli

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestALeadWithheldAndTakenBackLeavesTheStaticCopyAsItWas: an editor's
// hide of a story's lead, or a block of its publisher, promotes another
// member to lead; the decision taken back makes the first the lead again
// and must leave every file of a build as it was before the decision,
// the demoted member's document with its related list among them.
func TestALeadWithheldAndTakenBackLeavesTheStaticCopyAsItWas(t *testing.T) {
	t.Parallel()
	// One hub, curated and built before any decision; each case takes
	// its decision on a copy.
	before := filepath.Join(t.TempDir(), "before")
	hub := hubOnce(t, 300, 11, []string{"import"}, []string{"curate"}, []string{"build", "--now", buildNow, before})
	hub.read()
	s := leadWithMembers(hub)
	if s.lead == "" {
		t.Fatal("the generated hub has no story of several publishers")
	}
	want := treeOf(t, before)
	for _, tt := range []struct {
		name       string
		take, back func(s undoStory) []string
		// then and again, when set, are a second decision taken after
		// take and taken back after back.
		then, again func(s undoStory) []string
		// took says whether the decision was taken, as the store has it.
		took func(h *editHub, s undoStory) bool
	}{
		{"hide, unhide",
			func(s undoStory) []string { return []string{"edit", "hide", s.lead} },
			func(s undoStory) []string { return []string{"edit", "unhide", s.lead} }, nil, nil, leadWithheld},
		{"hide the lead, move a member out, unhide, move it back",
			func(s undoStory) []string { return []string{"edit", "hide", s.lead} },
			func(s undoStory) []string { return []string{"edit", "unhide", s.lead} },
			func(s undoStory) []string { return []string{"edit", "move", s.member, "--out"} },
			func(s undoStory) []string { return []string{"edit", "move", s.member, "--to", s.lead} }, leadWithheld},
		{"block, unblock the publisher",
			func(s undoStory) []string { return []string{"edit", "block-publisher", s.publisher} },
			func(s undoStory) []string { return []string{"edit", "unblock", s.publisher} }, nil, nil, leadWithheld},
		{"another lead, the lead again",
			func(s undoStory) []string { return []string{"edit", "lead", s.lead, s.member} },
			func(s undoStory) []string { return []string{"edit", "lead", s.lead, s.lead} }, nil, nil,
			func(h *editHub, s undoStory) bool { return h.art(s.member).Published }},
		{"a topic removed, added again",
			func(s undoStory) []string { return []string{"edit", "topic", "remove", s.lead, s.topic} },
			func(s undoStory) []string { return []string{"edit", "topic", "add", s.lead, s.topic} }, nil, nil,
			func(h *editHub, s undoStory) bool { return !slices.Contains(h.art(s.lead).Topics, s.topic) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := hub.copyFor(t)
			after := filepath.Join(t.TempDir(), "after")
			h.run(tt.take(s)...)
			if tt.then != nil {
				h.run(tt.then(s)...)
			}
			h.read()
			if !tt.took(h, s) {
				t.Fatal("the decision is not in the store")
			}
			h.run(tt.back(s)...)
			if tt.again != nil {
				h.run(tt.again(s)...)
			}
			h.run("build", "--now", buildNow, after)
			sameTree(t, "after the decision taken back", treeOf(t, after), want)
		})
	}
}

func leadWithheld(h *editHub, s undoStory) bool { return !h.art(s.lead).Published }

// undoStory is a story decisions are taken on and back: its lead, the
// lead's publisher and first topic, and a publishable member of another
// publisher.
type undoStory struct{ lead, publisher, topic, member string }

// leadWithMembers returns a current lead of a story with publishable
// members of other publishers.
func leadWithMembers(h *editHub) undoStory {
	for _, l := range h.leads {
		if l.Archived {
			continue
		}
		var others []string
		for _, a := range h.stories[l.Story] {
			if a.Publishable() && a.Provider.Domain != l.Provider.Domain {
				others = append(others, a.CanonicalURL)
			}
		}
		if len(others) >= 2 && len(l.Topics) > 0 {
			return undoStory{l.CanonicalURL, l.Provider.Domain, l.Topics[0], others[0]}
		}
	}
	return undoStory{}
}
