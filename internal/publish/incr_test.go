package publish

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// pageOfEveryArticle is an Extra hook as the website is: one page per
// article of the view, which the next build must keep, replace or remove.
func pageOfEveryArticle(ctx context.Context, v *View, out *Output) error {
	var err error
	scan := v.eachArticleKey(ctx, func(key string) {
		if err == nil {
			err = out.Put("news/"+key+"/index.html", []byte("<h1>"+key+"</h1>\n"))
		}
	})
	return cmp.Or(scan, err)
}

func TestBuildNeverFollowsLinksInOut(t *testing.T) {
	st, s := genStore(t, 120)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	want := testutil.Files(t, out)

	// Outside OUT: a file holding what the link in its place must get (a
	// build that compares through the link finds it unchanged), a file of
	// other bytes, and a folder standing for one of OUT's.
	outside := filepath.Join(dir, "outside")
	if err := os.MkdirAll(filepath.Join(outside, "feeds"), 0o755); err != nil {
		t.Fatal(err)
	}
	same := filepath.Join(outside, "same.json")
	other := filepath.Join(outside, "other.json")
	victim := map[string][]byte{
		same:  want["api/topics/index.json"],
		other: []byte("not the hub's\n"),
		filepath.Join(outside, "feeds", "rss.xml"): []byte("<rss>not the hub's</rss>\n"),
	}
	for p, b := range victim {
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var page string
	for rel := range want {
		if filepath.Ext(rel) == ".html" {
			page = rel
			break
		}
	}
	plant := map[string]string{
		"api/topics/index.json":         same,                            // a file, same bytes
		"api/news/index.json":           other,                           // a file, other bytes
		"feeds":                         filepath.Join(outside, "feeds"), // a folder
		page:                            other,                           // an Extra hook's file
		"api/not-part-of-the-build.txt": other,                           // no file of the build
	}
	for rel, target := range plant {
		p := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	for p, b := range victim {
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, b) {
			t.Errorf("%s outside OUT was changed (%v)", p, err)
		}
	}
	for rel := range plant {
		fi, err := os.Lstat(filepath.Join(out, filepath.FromSlash(rel)))
		if err == nil && fi.Mode()&os.ModeSymlink != 0 {
			t.Errorf("%s is still a link", rel)
		}
	}
	got := testutil.Files(t, out)
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s: not the build's bytes", rel)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, want %d", len(got), len(want))
	}
}

func TestBuildRestoresTheTreeAKilledSwapLeftAside(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	want := testutil.Files(t, out)

	// Killed between the two renames of a swap: OUT is missing, the
	// previous build is aside, and a temporary tree is half written.
	aside := filepath.Join(dir, ".out.old-.out.build-123")
	if err := os.Rename(out, aside); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".out.build-123", "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := recoverLeftovers(context.Background(), dir, "out", nil, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if got := testutil.Files(t, out); len(got) != len(want) {
		t.Errorf("restored OUT holds %d files, want %d", len(got), len(want))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out" && e.Name() != ".out.lock" && e.Name() != ".out.manifest" {
			t.Errorf("leftover %s beside OUT", e.Name())
		}
	}

	// A build finds the restored tree and updates it: nothing to write.
	if err := os.Rename(out, aside); err != nil {
		t.Fatal(err)
	}
	stats, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()})
	if err != nil {
		t.Fatal(err)
	}
	if stats.Whole || stats.Written != 0 || stats.Unchanged != int64(len(want)) {
		t.Errorf("build after a killed swap: %+v, want the restored tree kept whole", stats)
	}

	// Beside an OUT that is there, a tree left aside is only deleted.
	if err := os.MkdirAll(filepath.Join(aside, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(aside); !os.IsNotExist(err) {
		t.Errorf("%s is still there: %v", aside, err)
	}
	if got := testutil.Files(t, out); len(got) != len(want) {
		t.Errorf("OUT holds %d files, want %d", len(got), len(want))
	}
}

func TestBuildUpdatesOutInPlace(t *testing.T) {
	st, s := genStore(t, 150)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	gone := deletePublished(t, st)
	stats, err := Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	equalsAFreshBuild(t, st, s, out, opt)
	key := ArticleKey(gone.Path, gone.Article.PublishedDateTime)
	for _, rel := range []string{"api/news/" + key, "news/" + key} {
		if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(rel))); !os.IsNotExist(err) {
			t.Errorf("%s of the deleted article is still there (%v)", rel, err)
		}
	}
	if stats.Whole || stats.Removed < 2 || stats.Written == 0 || stats.Unchanged == 0 {
		t.Errorf("stats %+v: want an update in place that removed the article's files", stats)
	}
}

// TestManifestSparesReadingOut checks that a build given the Manifest of
// the previous one compares by it, reading none of OUT's files back, and
// still sets right a file edited in OUT since and ends equal to a fresh
// build.
func TestManifestSparesReadingOut(t *testing.T) {
	st, s := genStore(t, 150)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	m := &Manifest{}
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}, Manifest: m}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	if m.Len() == 0 {
		t.Error("a whole build noted no file")
	}
	// The first update in place compares by what the whole build noted.
	stats, err := Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.ReadBack != 0 || int64(m.Len()) != stats.Files {
		t.Fatalf("first update: read back %d, manifest of %d files; want nothing read and all %d files noted", stats.ReadBack, m.Len(), stats.Files)
	}

	deletePublished(t, st)
	// An outside edit of OUT: other bytes of the same size.
	edited := filepath.Join(out, "api", "topics", "index.json")
	b, err := os.ReadFile(edited)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(edited, bytes.Repeat([]byte("x"), len(b)), 0o644); err != nil {
		t.Fatal(err)
	}

	stats, err = Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.ReadBack != 1 {
		t.Errorf("update with a manifest read %d files of OUT back, want 1 (the one edited)", stats.ReadBack)
	}
	if stats.Removed < 2 || stats.Written == 0 {
		t.Errorf("stats %+v: want the deleted article's files removed and the lists written", stats)
	}
	equalsAFreshBuild(t, st, s, out, BuildOptions{Options: genOptions(), Extra: opt.Extra})

	// Nothing changed: nothing read, nothing written.
	stats, err = Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.ReadBack != 0 || stats.Written != 0 || stats.Removed != 0 {
		t.Errorf("unchanged rebuild with a manifest: %+v, want nothing read, written or removed", stats)
	}

	// A publishing process keeps its manifest in memory: it saves none
	// beside OUT, and removes one a one-shot build left, which its
	// updates would make stale.
	if _, err := os.Stat(manifestFile(out)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("builds with a Manifest left %s (err %v), want no file", manifestFile(out), err)
	}
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions(), Extra: opt.Extra}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifestFile(out)); err != nil {
		t.Fatalf("a one-shot build saved no manifest: %v", err)
	}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifestFile(out)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a build with a Manifest left the one-shot build's manifest (err %v)", err)
	}
}

// deletePublished deletes a published article from the store and
// returns it.
func deletePublished(t *testing.T, st store.Store) *model.Record {
	t.Helper()
	ctx := context.Background()
	var gone *model.Record
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if gone == nil && r.Article.Published && !isArchived(r) { // a lead the lists show
			gone = r
		}
		return nil
	})
	if err != nil || gone == nil {
		t.Fatalf("no published article: %v", err)
	}
	if err := st.Delete(ctx, gone.Path); err != nil {
		t.Fatal(err)
	}
	return gone
}

// equalsAFreshBuild checks that out holds what a fresh build with opt
// writes, byte for byte.
func equalsAFreshBuild(t *testing.T, st store.Store, s *site.Site, out string, opt BuildOptions) {
	t.Helper()
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(context.Background(), st, s, fresh, opt); err != nil {
		t.Fatal(err)
	}
	got, want := testutil.Files(t, out), testutil.Files(t, fresh)
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s differs from a fresh build", rel)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, a fresh build has %d", len(got), len(want))
	}
}

// TestUpdateReplacesAnArticleFolderLinkedToACopy checks that an update,
// which tells the folders of OUT from their parent's listing, finds an
// article's folder that is now a link to a copy of it, times and all,
// and puts a real folder in its place without writing through the link,
// whether the manifest was saved beside OUT or kept by a publishing
// process.
func TestUpdateReplacesAnArticleFolderLinkedToACopy(t *testing.T) {
	for _, kept := range []bool{false, true} {
		t.Run(map[bool]string{false: "saved manifest", true: "manifest in memory"}[kept], func(t *testing.T) {
			st, s := genStore(t, 60)
			ctx := context.Background()
			dir := t.TempDir()
			out := filepath.Join(dir, "out")
			opt := BuildOptions{Options: genOptions()}
			if kept {
				opt.Manifest = &Manifest{}
			}
			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			var key string // the first article's, api/news/KEY/index.json
			for rel := range testutil.Files(t, filepath.Join(out, "api", "news")) {
				if k := filepath.Dir(rel); k != "." && (key == "" || k < key) {
					key = k
				}
			}
			folder := filepath.Join(out, "api", "news", key)
			copied := filepath.Join(dir, "copy")
			if err := os.Rename(folder, copied); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(copied, folder); err != nil {
				t.Fatal(err)
			}
			before := testutil.Files(t, copied)

			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(folder); err != nil || !fi.IsDir() {
				t.Errorf("api/news/%s is not a real folder after the update (%v)", key, err)
			}
			got := testutil.Files(t, copied)
			for rel, b := range before {
				if !bytes.Equal(got[rel], b) {
					t.Errorf("%s behind the link was changed", rel)
				}
			}
			if len(got) != len(before) {
				t.Errorf("the copy behind the link holds %d files, had %d", len(got), len(before))
			}
			equalsAFreshBuild(t, st, s, out, BuildOptions{Options: genOptions()})
		})
	}
}

// TestPublishingDropsAFileAFolderFromOutsideTookTheNameOf has a
// publishing process (its manifest in memory) drop a file of its last
// build that was replaced, from outside, by a folder holding a file: the
// build goes on, leaving the folder as it leaves any file put in OUT
// from outside, and the next one-shot build removes it.
func TestPublishingDropsAFileAFolderFromOutsideTookTheNameOf(t *testing.T) {
	st, s := genStore(t, 50)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	pages := func(m *Manifest, names ...string) BuildOptions {
		return BuildOptions{Options: genOptions(), Manifest: m, Extra: []func(context.Context, *View, *Output) error{
			func(_ context.Context, _ *View, out *Output) error {
				for _, name := range names {
					if err := out.Put(name, []byte("<p>"+name+"</p>\n")); err != nil {
						return err
					}
				}
				return nil
			},
		}}
	}
	m := &Manifest{}
	for range 2 { // a whole build, then one in place
		if _, err := Build(ctx, st, s, out, pages(m, "gone/index.html", "kept/index.html")); err != nil {
			t.Fatal(err)
		}
	}
	gone := filepath.Join(out, "gone", "index.html")
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(gone, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(gone, "sub", "x.txt"), []byte("not the hub's\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	opt := pages(m, "kept/index.html")
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatalf("publishing build: %v", err)
	}
	if _, err := os.Stat(filepath.Join(gone, "sub", "x.txt")); err != nil {
		t.Errorf("the publishing build removed what was put in OUT from outside: %v", err)
	}
	opt.Manifest = nil
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatalf("one-shot build: %v", err)
	}
	equalsAFreshBuild(t, st, s, out, opt)
}

// TestBuildIntoALinkedOutKeepsTheLink builds into an OUT that is a link
// to a folder elsewhere (a web root linking to another disk): the build,
// whole and then in place, and a publishing process's, go to the folder
// the link leads to, and the link stays a link.
func TestBuildIntoALinkedOutKeepsTheLink(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	dir := t.TempDir()
	target := filepath.Join(dir, "disk", "hub")
	if err := os.MkdirAll(target, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "www")
	if err := os.Symlink(target, out); err != nil {
		t.Fatal(err)
	}
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
	m := &Manifest{}
	publishing := opt
	publishing.Manifest = m
	for _, step := range []struct {
		name string
		opt  BuildOptions
	}{{"whole", opt}, {"in place", opt}, {"publishing", publishing}} {
		if _, err := Build(ctx, st, s, out, step.opt); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if fi, err := os.Lstat(out); err != nil || fi.Mode()&os.ModeSymlink == 0 {
			t.Fatalf("%s: OUT is no longer a link (%v)", step.name, err)
		}
		equalsAFreshBuild(t, st, s, target, opt)
	}
	if err := SaveManifest(m, out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(manifestFile(target)); err != nil {
		t.Errorf("the publishing process's manifest is not beside the folder OUT links to: %v", err)
	}
}

// TestBuildRefusesAFolderHoldingNoBuild checks that a build into a folder
// of other files stops before it touches any, where mirroring the hub into
// it removed every file no build wrote; a previous build, even without its
// saved manifest, is still updated in place.
func TestBuildRefusesAFolderHoldingNoBuild(t *testing.T) {
	st, s := genStore(t, 20)
	ctx := context.Background()
	tests := []struct {
		name   string
		files  map[string]string
		refuse bool
	}{
		{"a folder of notes", map[string]string{"notes.txt": "mine\n", "drafts/a.md": "# a\n"}, true},
		{"a folder with an api folder of its own", map[string]string{"api/README": "mine\n"}, true},
		{"an empty folder", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			if err := os.MkdirAll(out, 0o755); err != nil {
				t.Fatal(err)
			}
			for p, b := range tt.files {
				testutil.WriteFile(t, out, p, b)
			}
			_, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()})
			if tt.refuse != (err != nil) {
				t.Fatalf("Build: %v, want refused: %v", err, tt.refuse)
			}
			if err != nil && !strings.Contains(err.Error(), out) {
				t.Errorf("refusal %q does not name the folder", err)
			}
			for p, b := range tt.files {
				if got, err := os.ReadFile(filepath.Join(out, p)); err != nil || string(got) != b {
					t.Errorf("%s after the build: %q, %v; want it kept", p, got, err)
				}
			}
		})
	}

	// A previous build whose manifest is gone is still a build.
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(manifestFile(out)); err != nil {
		t.Fatal(err)
	}
	if stats, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil || stats.Whole {
		t.Fatalf("rebuild of a build without its manifest: %+v, %v; want an update in place", stats, err)
	}
}

// readOnly makes the folder dir refuse new entries and removals, for root
// too (the immutable attribute), until the test ends; it skips the test
// where that cannot be done.
func readOnly(t *testing.T, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o755) })
		return
	}
	if out, err := exec.Command("chattr", "+i", dir).CombinedOutput(); err != nil {
		t.Skipf("chattr +i: %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("chattr", "-i", dir).Run() })
}

// TestUpdateSaysWhenAFolderItEmptiedCannotGo: an update whose manifest
// lists OUT's files removed the files of a deleted article and then left
// its folder, which a read-only parent kept, without a word: the build
// said it succeeded, and OUT kept an empty folder no fresh build has,
// which the next builds (by the manifest, which noted the parent as they
// left it) never looked at again. The build fails naming the folder, and
// once the parent is writable again the next build removes it.
func TestUpdateSaysWhenAFolderItEmptiedCannotGo(t *testing.T) {
	for _, kept := range []bool{false, true} {
		t.Run(fmt.Sprintf("kept=%v", kept), func(t *testing.T) {
			st, s := genStore(t, 120)
			ctx := context.Background()
			out := filepath.Join(t.TempDir(), "out")
			opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
			if kept {
				opt.Manifest = &Manifest{} // a publishing process's
			}
			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			gone := deletePublished(t, st)
			key := ArticleKey(gone.Path, gone.Article.PublishedDateTime)
			folder := filepath.Join(out, "news", filepath.FromSlash(key))
			parent := filepath.Dir(folder)
			readOnly(t, parent)
			_, err := Build(ctx, st, s, out, opt)
			if err == nil {
				if _, serr := os.Lstat(folder); serr == nil {
					t.Errorf("the build succeeded and left the folder %s of the deleted article", key)
				}
			} else if !strings.Contains(err.Error(), "news/"+key) {
				t.Errorf("the build failed without naming the folder news/%s: %v", key, err)
			}
			exec.Command("chattr", "-i", parent).Run()
			os.Chmod(parent, 0o755)
			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Lstat(folder); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the folder of the deleted article is still there once its parent is writable (%v)", err)
			}
			equalsAFreshBuild(t, st, s, out, opt)
		})
	}
}

// TestBuildIntoTheCurrentFolder builds "." from inside OUT, as an
// operator in the web root runs "newshub build .": the lock, the
// temporary tree and the manifest, meant beside OUT, were put inside it
// (named from ".": "...lock"), so the first build refused the folder it
// had just put its lock in as one holding files but no build.
func TestBuildIntoTheCurrentFolder(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
	for i := range 2 {
		// Entered anew each time, as a shell's "cd" does: the first
		// build swaps a new folder in at OUT's path.
		t.Chdir(dir)
		if _, err := Build(ctx, st, s, ".", opt); err != nil {
			t.Fatalf("build %d: %v", i, err)
		}
		if i == 0 {
			deletePublished(t, st)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("the build left %s in OUT", e.Name())
		}
	}
	if _, err := os.Stat(manifestFile(dir)); err != nil {
		t.Errorf("no manifest beside OUT: %v", err)
	}
	equalsAFreshBuild(t, st, s, dir, opt)
}

// TestBuildIntoAMountPointSaysWhy builds into a folder another file
// system is mounted on, as a container's volume shared with a web server
// is: a build writes its files beside OUT and renames them in, which
// cannot cross file systems, and it failed with "exchange …: device or
// resource busy" (an update: "invalid cross-device link") after loading
// and rendering the whole hub. It is refused at once, saying why and what
// to give instead, and OUT is left as it was.
func TestBuildIntoAMountPointSaysWhy(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", out).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a file system on OUT: %v %s", err, b)
	}
	t.Cleanup(func() { exec.Command("umount", out).Run() })
	st, s := genStore(t, 20)
	_, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions()})
	if err == nil || !strings.Contains(err.Error(), "mount") || !strings.Contains(err.Error(), filepath.Join(out, "")) {
		t.Fatalf("build into a mount point: %v, want a refusal that names OUT as a mount point", err)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("the refused build left %d files in OUT", len(entries))
	}
}
