package cli

import (
	"path/filepath"
	"testing"
)

// TestALeadWithheldAndTakenBackLeavesTheStaticCopyAsItWas: an editor's
// hide of a story's lead, or a block of its publisher, promotes another
// member to lead; the decision taken back makes the first the lead again
// and must leave every file of a build as it was before the decision,
// the demoted member's document with its related list among them.
func TestALeadWithheldAndTakenBackLeavesTheStaticCopyAsItWas(t *testing.T) {
	for _, tt := range []struct {
		name       string
		take, back func(h *editHub, lead string, publisher string) []string
	}{
		{"hide, unhide",
			func(_ *editHub, lead, _ string) []string { return []string{"edit", "hide", lead} },
			func(_ *editHub, lead, _ string) []string { return []string{"edit", "unhide", lead} }},
		{"block, unblock the publisher",
			func(_ *editHub, _, p string) []string { return []string{"edit", "block-publisher", p} },
			func(_ *editHub, _, p string) []string { return []string{"edit", "unblock", p} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := &editHub{t: t, site: genSite(t, 300, 11), db: filepath.Join(t.TempDir(), "hub.db")}
			h.run("import")
			h.run("curate")
			h.read()
			lead, publisher := leadWithMembers(h)
			if lead == "" {
				t.Fatal("the generated hub has no story of several publishers")
			}
			dir := t.TempDir()
			before, after := filepath.Join(dir, "before"), filepath.Join(dir, "after")
			h.run("build", "--now", buildNow, before)
			h.run(tt.take(h, lead, publisher)...)
			h.read()
			if h.art(lead).Published {
				t.Fatal("the withheld lead is still published")
			}
			h.run(tt.back(h, lead, publisher)...)
			h.run("build", "--now", buildNow, after)
			sameTree(t, "after the decision taken back", treeOf(t, after), treeOf(t, before))
		})
	}
}

// leadWithMembers returns a current lead of a story with publishable
// members of other publishers, and its publisher.
func leadWithMembers(h *editHub) (string, string) {
	for _, l := range h.leads {
		if l.Archived {
			continue
		}
		n := 0
		for _, a := range h.stories[l.Story] {
			if a.Publishable() && a.Provider.Domain != l.Provider.Domain {
				n++
			}
		}
		if n >= 2 {
			return l.CanonicalURL, l.Provider.Domain
		}
	}
	return "", ""
}
