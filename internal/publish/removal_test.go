package publish

import (
	"context"
	"log/slog"
	"os"
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

// TestUpdateOfMostOfOutSwapsATreeIn archives most of a hub and checks
// that the next update, which changes most of OUT, swaps a new tree in
// as a first build does (OUT is another folder after it), equal to a
// fresh build, counting the files it removed, a file put in OUT from
// outside among them; and that what it leaves known of OUT holds: the
// build after it writes, reads back and removes nothing.
func TestUpdateOfMostOfOutSwapsATreeIn(t *testing.T) {
	for _, inMemory := range []bool{false, true} {
		t.Run(map[bool]string{false: "saved manifest", true: "manifest in memory"}[inMemory], func(t *testing.T) {
			t.Parallel()
			st, s := genStore(t, 80)
			ctx := context.Background()
			out := filepath.Join(t.TempDir(), "out")
			opt := BuildOptions{Options: genOptions()}
			if inMemory {
				opt.Manifest = &Manifest{}
			}
			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			before := testutil.Files(t, out)
			stray := filepath.Join(out, "api", "stray.txt")
			if err := os.WriteFile(stray, []byte("put from outside\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			was, err := os.Lstat(out)
			if err != nil {
				t.Fatal(err)
			}
			archiveAllBut(t, st, 1)
			stats, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			now, err := os.Lstat(out)
			if err != nil {
				t.Fatal(err)
			}
			if os.SameFile(was, now) {
				t.Errorf("OUT is the same folder: updated in place (%+v)", stats)
			}
			equalsAFreshBuild(t, st, s, out, BuildOptions{Options: opt.Options}) // a Manifest knows one OUT
			after := testutil.Files(t, out)
			gone := 0
			for rel := range before {
				if _, ok := after[rel]; !ok {
					gone++
				}
			}
			gone++ // the stray file: a new tree holds none
			if stats.Whole || stats.Removed != int64(gone) || stats.Files != int64(len(after)) || stats.Unchanged == 0 || stats.OldTree == 0 {
				t.Errorf("stats %+v: want an update that kept some files and removed %d, and the old tree's removal timed", stats, gone)
			}
			again, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			if again.Written != 0 || again.ReadBack != 0 || again.Removed != 0 {
				t.Errorf("build after the swap: %+v, want nothing written, read back or removed", again)
			}
		})
	}
}

// TestRemoveTreeNeverFollowsLinks removes a tree holding a link to a
// folder outside it, whose files stay, and counts the tree's files.
func TestRemoveTreeNeverFollowsLinks(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	tree := filepath.Join(dir, "tree")
	plantTree(t, dir, "tree", outside)
	var found []string
	if err := removeTree(context.Background(), tree, removers, func(rel string) { found = append(found, rel) }, nil); err != nil {
		t.Fatal(err)
	}
	slices.Sort(found)
	if want := []string{"a.txt", "x/b.txt", "x/link", "x/y/c.txt"}; !slices.Equal(found, want) {
		t.Errorf("found %q, want %q", found, want)
	}
	if _, err := os.Lstat(tree); !os.IsNotExist(err) {
		t.Errorf("the tree is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "keep.txt")); err != nil {
		t.Errorf("a file the link led to is gone: %v", err)
	}
	if err := removeTree(context.Background(), tree, removers, nil, nil); err != nil {
		t.Errorf("removing a tree already gone: %v", err)
	}
}

// plantTree writes, in dir, a file outside/keep.txt and a tree of files
// in the folder name whose x/link leads to the folder outside.
func plantTree(t *testing.T, dir, name, outside string) {
	t.Helper()
	for _, p := range []string{"outside/keep.txt", name + "/a.txt", name + "/x/b.txt", name + "/x/y/c.txt"} {
		file := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(file, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, name, "x", "link")); err != nil {
		t.Fatal(err)
	}
}

// TestLeftoversOfAKilledBuildAreRemovedWithoutFollowingLinks leaves the
// trees of a killed build beside OUT, its temporary tree and a previous
// tree set aside, each with a link to a folder outside: both go, and the
// files the links led to stay.
func TestLeftoversOfAKilledBuildAreRemovedWithoutFollowingLinks(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(dir, "outside")
	if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
		t.Fatal(err)
	}
	leftovers := []string{".out.build-123", ".out.old-.out.build-122"}
	for _, name := range leftovers {
		plantTree(t, dir, name, outside)
	}
	var logged testutil.LogBuffer
	if err := recoverLeftovers(context.Background(), dir, "out", nil, slog.New(slog.NewTextHandler(&logged, nil))); err != nil {
		t.Fatal(err)
	}
	for _, name := range leftovers {
		if _, err := os.Lstat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s is still there: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(outside, "keep.txt")); err != nil {
		t.Errorf("a file a link led to is gone: %v", err)
	}
	if logged.String() != "" {
		t.Errorf("logged:\n%s", logged.String())
	}
}
