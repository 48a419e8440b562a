package publish

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// heldTrees are OldTrees whose removals wait, once started, until the
// test lets them go on (release) or they are stopped: started tells of
// each tree as its removal starts.
type heldTrees struct {
	*OldTrees
	started chan string
	release chan struct{}
	logged  *testutil.LogBuffer
}

func newHeldTrees(t *testing.T) *heldTrees {
	t.Helper()
	h := &heldTrees{started: make(chan string, 4), release: make(chan struct{}), logged: &testutil.LogBuffer{}}
	h.OldTrees = NewOldTrees(context.Background(), slog.New(slog.NewTextHandler(h.logged, nil)))
	h.removing = func(ctx context.Context, tree string) {
		h.started <- tree
		select {
		case <-h.release:
		case <-ctx.Done():
		}
	}
	t.Cleanup(h.Close)
	return h
}

// next returns the tree whose removal starts next, failing the test if
// none starts.
func (h *heldTrees) next(t *testing.T) string {
	t.Helper()
	return arrives(t, "an old tree's removal starts", h.started)
}

// arrives waits for a value on ch, failing the test if none comes.
func arrives[T any](t *testing.T, what string, ch <-chan T) T {
	t.Helper()
	var v T
	waitFor(t, what, func() bool {
		select {
		case v = <-ch:
			return true
		default:
			return false
		}
	})
	return v
}

type buildResult struct {
	stats BuildStats
	err   error
}

// goBuild runs Build apart, telling its result on the channel returned.
func goBuild(st store.Store, s *site.Site, out string, opt BuildOptions) <-chan buildResult {
	done := make(chan buildResult, 1)
	go func() {
		stats, err := Build(context.Background(), st, s, out, opt)
		done <- buildResult{stats, err}
	}()
	return done
}

// wait returns a build's result, failing the test if it never comes: a
// build that waits on an old tree's removal held by the test.
func wait(t *testing.T, done <-chan buildResult, what string) BuildStats {
	t.Helper()
	res := arrives(t, what+" returns", done)
	if res.err != nil {
		t.Fatalf("%s: %v", what, res.err)
	}
	return res.stats
}

// swapOut builds out, then archives most of the hub, so the next build
// swaps a new tree in (see TestUpdateOfMostOfOutSwapsATreeIn).
func swapOut(t *testing.T, opt BuildOptions) (store.Store, *site.Site, string) {
	t.Helper()
	st, s := genStore(t, 80)
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(context.Background(), st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	archiveAllBut(t, st, 1)
	return st, s, out
}

// TestUpdatesGoOnWhileTheOldTreeIsRemoved holds the removal of the old
// tree an update swapped out, and sees that update return, the old tree
// set aside beside OUT, not in it, and the next update complete, OUT then
// equal to a fresh build; then the old tree goes.
func TestUpdatesGoOnWhileTheOldTreeIsRemoved(t *testing.T) {
	trees := newHeldTrees(t)
	opt := BuildOptions{Options: genOptions(), Manifest: &Manifest{}, OldTrees: trees.OldTrees}
	st, s, out := swapOut(t, opt)
	was, err := os.Lstat(out)
	if err != nil {
		t.Fatal(err)
	}
	stats := wait(t, goBuild(st, s, out, opt), "the update swapping a tree in")
	tree := trees.next(t)
	if filepath.Dir(tree) != filepath.Dir(out) || !strings.HasPrefix(filepath.Base(tree), ".out.gone-") {
		t.Errorf("old tree set aside at %s, want .out.gone-* beside OUT", tree)
	}
	if fi, err := os.Lstat(tree); err != nil || !os.SameFile(fi, was) {
		t.Fatalf("the tree removed is not OUT's old one: %v", err)
	}
	if stats.Removed == 0 || stats.OldTree != 0 {
		t.Errorf("stats %+v: want the files removed counted and no removal's time", stats)
	}
	touchNews(t, st)
	if next := wait(t, goBuild(st, s, out, opt), "the next update"); next.Written == 0 {
		t.Errorf("next update %+v wrote nothing", next)
	}
	if _, err := os.Lstat(tree); err != nil {
		t.Fatalf("the old tree is not there while its removal is held: %v", err)
	}
	equalsAFreshBuild(t, st, s, out, BuildOptions{Options: opt.Options})
	trees.release <- struct{}{}
	waitFor(t, "the old tree gone", func() bool { return len(gone(t, out)) == 0 })
	// Logged once the removal returns, just after the tree is gone.
	waitFor(t, "the old tree's removal logged", func() bool { return strings.Contains(trees.logged.String(), "old tree removed") })
}

// gone lists the old trees set aside beside OUT.
func gone(t *testing.T, out string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".gone-*"))
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// touchNews writes the newest news record again with another title,
// which changes its files.
func touchNews(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	recs, err := st.News(ctx, store.NewsQuery{Limit: 1})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no news: %v", err)
	}
	recs[0].Article.Title += " (updated)"
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
}

// TestAStoppedRemovalLeavesTheOldTreeToTheNextBuild stops a publishing
// process's removal of an old tree, part of which is gone (as a removal
// stopped half-way leaves it), and sees the next build remove the rest
// and never take it for OUT, even with OUT missing; a publishing
// process's first build hands such a tree to its OldTrees.
func TestAStoppedRemovalLeavesTheOldTreeToTheNextBuild(t *testing.T) {
	trees := newHeldTrees(t)
	opt := BuildOptions{Options: genOptions(), Manifest: &Manifest{}, OldTrees: trees.OldTrees}
	st, s, out := swapOut(t, opt)
	wait(t, goBuild(st, s, out, opt), "the update swapping a tree in")
	tree := trees.next(t)
	trees.Close()
	if !strings.Contains(trees.logged.String(), "removal stopped") {
		t.Errorf("logged:\n%s", trees.logged.String())
	}
	if _, err := os.Lstat(tree); err != nil {
		t.Fatalf("a stopped removal took the old tree: %v", err)
	}
	n := 0
	for rel := range testutil.Files(t, tree) {
		if n%2 == 0 {
			if err := os.Remove(filepath.Join(tree, filepath.FromSlash(rel))); err != nil {
				t.Fatal(err)
			}
		}
		n++
	}
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	stats, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if files := testutil.Files(t, out); !stats.Whole || int64(len(files)) != stats.Files {
		t.Errorf("build %+v, OUT holds %d files: want a whole build, not the old tree put back", stats, len(files))
	}
	if got := gone(t, out); len(got) != 0 {
		t.Errorf("left beside OUT: %q", got)
	}

	// A publishing process's first build.
	plantTree(t, filepath.Dir(out), ".out.gone-123", filepath.Join(t.TempDir(), "outside"))
	next := NewOldTrees(context.Background(), nil)
	defer next.Close()
	if _, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions(), Manifest: &Manifest{}, OldTrees: next}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the old tree gone", func() bool { return len(gone(t, out)) == 0 })
}

// TestOldTreesWaitTheirTurn fills OldTrees, one tree being removed and
// one waiting: a third is refused where it may not wait, or waits until
// its context is done, and is then left where it is.
func TestOldTreesWaitTheirTurn(t *testing.T) {
	dir := t.TempDir()
	trees := newHeldTrees(t)
	tree := func(name string) string {
		p := filepath.Join(dir, name)
		testutil.WriteFile(t, p, "a/b.txt", name)
		return p
	}
	a, b, c := tree("a"), tree("b"), tree("c")
	for _, p := range []string{a, b} {
		if !trees.add(context.Background(), p, true) {
			t.Fatalf("%s refused", p)
		}
	}
	if got := trees.next(t); got != a {
		t.Fatalf("removing %s, want %s", got, a)
	}
	if !trees.add(context.Background(), b, false) {
		t.Errorf("a tree queued already refused")
	}
	if trees.add(context.Background(), c, false) {
		t.Errorf("a third tree queued without waiting")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if trees.add(ctx, c, true) {
		t.Errorf("a third tree queued with its context done")
	}
	trees.release <- struct{}{}
	if got := trees.next(t); got != b {
		t.Fatalf("removing %s, want %s", got, b)
	}
	if !trees.add(context.Background(), c, false) {
		t.Errorf("a third tree refused once the first went")
	}
	if _, err := os.Lstat(a); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", a, err)
	}
	trees.release <- struct{}{}
	trees.release <- struct{}{}
	waitFor(t, "every tree gone", func() bool {
		entries, _ := os.ReadDir(dir)
		return len(entries) == 0
	})
}

// TestABackgroundRemovalTakesOneFileAtATime stops the background
// removal of a tree once its first file is gone, and sees the files left
// be the last ones of the walk, each that went before each that stayed:
// one removal at a time, where several at once take the file system
// from the update beside them.
func TestABackgroundRemovalTakesOneFileAtATime(t *testing.T) {
	tree := filepath.Join(t.TempDir(), ".out.gone-1")
	const n = 3000
	name := func(i int) string { return filepath.Join(tree, "a", fmt.Sprintf("f%05d.json", i)) }
	for i := range n {
		testutil.WriteFile(t, tree, fmt.Sprintf("a/f%05d.json", i), "{}")
	}
	trees := NewOldTrees(context.Background(), nil)
	defer trees.Close()
	if !trees.add(context.Background(), tree, true) {
		t.Fatal("tree refused")
	}
	waitFor(t, "the first file gone", func() bool {
		_, err := os.Lstat(name(0))
		return os.IsNotExist(err)
	})
	trees.Close()
	left := 0
	for i := range n {
		_, err := os.Lstat(name(i))
		switch {
		case err == nil:
			left++
		case !os.IsNotExist(err):
			t.Fatal(err)
		case left > 0:
			t.Fatalf("%s removed after %d files before it were left", name(i), left)
		}
	}
}

// TestAnUpdateHoldsTheOldTreesRemovalBack removes an old tree beside an
// update held open by its Extra hook: the removal waits before its first
// file, none going while the update builds, and a stop ends it there;
// once the update returns, it goes on and the tree goes whole. Where it
// may take a file now and then (every), the tree goes on shrinking while
// the update is held, as one never ending would hold it.
func TestAnUpdateHoldsTheOldTreesRemovalBack(t *testing.T) {
	const n = 300
	cases := []struct {
		name  string
		every time.Duration
		stop  bool // Close while held
	}{
		{name: "resumes once the update returns", every: time.Hour},
		{name: "stops while held", every: time.Hour, stop: true},
		{name: "a file now and then while held", every: time.Millisecond},
	}
	st, s := genStore(t, 5)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // each waits on its update
			trees := NewOldTrees(context.Background(), nil)
			t.Cleanup(trees.Close)
			trees.every = c.every
			paused := make(chan struct{}, 1)
			trees.pausing = func() {
				select {
				case paused <- struct{}{}:
				default:
				}
			}
			tree := filepath.Join(t.TempDir(), ".out.gone-1")
			for i := range n {
				testutil.WriteFile(t, tree, fmt.Sprintf("a/f%03d.json", i), "{}")
			}
			left := func() int {
				entries, _ := os.ReadDir(filepath.Join(tree, "a"))
				return len(entries)
			}
			entered, release := make(chan struct{}), make(chan struct{})
			opt := BuildOptions{Options: genOptions(), OldTrees: trees, Extra: []func(context.Context, *View, *Output) error{
				func(context.Context, *View, *Output) error {
					close(entered)
					<-release
					return nil
				},
			}}
			done := goBuild(st, s, filepath.Join(t.TempDir(), "out"), opt)
			arrives(t, "the update at its Extra hook", entered)
			if !trees.add(context.Background(), tree, true) {
				t.Fatal("tree refused")
			}
			arrives(t, "the removal held back", paused)
			switch {
			case c.every < time.Second:
				waitFor(t, "a file removed while the update is held", func() bool { return left() < n })
			default:
				if got := left(); got != n {
					t.Fatalf("%d of %d files removed while the update builds", n-got, n)
				}
			}
			if c.stop {
				trees.Close()
				if got := left(); got != n {
					t.Errorf("%d of %d files removed by a removal stopped while held", n-got, n)
				}
			}
			close(release)
			wait(t, done, "the update")
			if c.stop {
				return
			}
			waitFor(t, "the old tree gone", func() bool {
				_, err := os.Lstat(tree)
				return os.IsNotExist(err)
			})
		})
	}
}

// TestAnUpdateWaitingOnTheRemovalHoldsItBackNoMore holds the removal
// back, as an update does, with one tree removed and one waiting: the
// update then setting aside a third waits on the removal, which goes on
// for it, the first tree gone and the third queued.
func TestAnUpdateWaitingOnTheRemovalHoldsItBackNoMore(t *testing.T) {
	dir := t.TempDir()
	trees := NewOldTrees(context.Background(), nil)
	t.Cleanup(trees.Close)
	trees.every = time.Hour
	defer trees.hold()()
	var names []string
	for _, name := range []string{"a", "b", "c"} {
		p := filepath.Join(dir, name)
		testutil.WriteFile(t, p, "f.json", "{}")
		names = append(names, p)
	}
	for _, p := range names[:2] {
		if !trees.add(context.Background(), p, true) {
			t.Fatalf("%s refused", p)
		}
	}
	queued := make(chan bool, 1)
	go func() { queued <- trees.add(context.Background(), names[2], true) }()
	if !arrives(t, "the third tree queued", queued) {
		t.Fatal("the third tree refused")
	}
	if _, err := os.Lstat(names[0]); !os.IsNotExist(err) {
		t.Errorf("%s still there: %v", names[0], err)
	}
}
