package publish

import (
	"context"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"newshub/internal/content"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// hubLink is an address of the hub's API in a document; the part from
// api/ on is the file of OUT it names.
var hubLink = regexp.MustCompile(`"https?://[^"]*?/(api/[^"]*)"`)

// TestUpdateRemovesListsBeforeWhatTheyList archives most of a hub, as a
// shortened archive_after does, and orders the files the next update
// removes as it does: a removed file that lists another removed one goes
// first, so no file left in OUT meanwhile names a missing one. The later
// pages of the story list are deeper than the story documents they list.
func TestUpdateRemovesListsBeforeWhatTheyList(t *testing.T) {
	st, s := genStore(t, 200)
	ctx := context.Background()
	dir := t.TempDir()
	build := func(name string) map[string][]byte {
		out := filepath.Join(dir, name)
		if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
			t.Fatal(err)
		}
		return testutil.Files(t, out)
	}
	before := build("before")
	archiveAllBut(t, st, 10)
	after := build("after")

	var removed []string
	for rel := range before {
		if _, ok := after[rel]; !ok {
			removed = append(removed, rel)
		}
	}
	slices.SortFunc(removed, byRemoval)
	at := map[string]int{}
	for i, rel := range removed {
		at[rel] = i
	}
	links := func(rel string) map[string]bool {
		named := map[string]bool{}
		for _, m := range hubLink.FindAllStringSubmatch(string(before[rel]), -1) {
			target := m[1]
			if path.Ext(target) == "" {
				target = path.Join(target, "index.json")
			}
			if target != rel {
				named[target] = true
			}
		}
		return named
	}
	checked := 0
	for _, rel := range removed {
		for target := range links(rel) {
			j, ok := at[target]
			if !ok || links(target)[rel] {
				continue // kept, or naming it back: one of the two goes first
			}
			checked++
			if j < at[rel] {
				t.Errorf("%s goes before %s, which lists it", target, rel)
			}
		}
	}
	if checked == 0 {
		t.Fatalf("none of the %d files removed lists another", len(removed))
	}
}

// archiveAllBut moves to _archive/news/ the news of every story but the
// keep newest, a story's records in one move.
func archiveAllBut(t *testing.T, st store.Store, keep int) {
	t.Helper()
	ctx := context.Background()
	no := false
	recs, err := st.News(ctx, store.NewsQuery{Archived: &no})
	if err != nil {
		t.Fatal(err)
	}
	var stories []string
	moves := map[string][]store.Move{}
	for _, r := range recs { // newest first
		id := r.Article.Story
		if moves[id] == nil {
			stories = append(stories, id)
		}
		to, _ := content.NewsPathIn(r.Path, true)
		moves[id] = append(moves[id], store.Move{From: r.Path, To: to})
	}
	if len(stories) <= keep {
		t.Fatalf("only %d stories", len(stories))
	}
	for _, id := range stories[keep:] {
		if err := st.Move(ctx, moves[id]); err != nil {
			t.Fatal(err)
		}
	}
}
