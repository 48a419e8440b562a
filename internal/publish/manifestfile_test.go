package publish

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestSavedManifestSparesReadingOutInTheNextBuild checks that a build
// with no Manifest of its own (another process) compares by the one the
// previous build saved beside OUT, reading none of OUT's files back nor
// walking it, and still ends equal to a fresh build: the deleted
// article's files removed, and files and folders put in OUT from outside
// since (which the manifest does not list) removed too.
func TestSavedManifestSparesReadingOutInTheNextBuild(t *testing.T) {
	st, s := genStore(t, 150)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	gone := deletePublished(t, st)
	key := ArticleKey(gone.Path, gone.Article.PublishedDateTime)
	strays := []string{
		"api/news/" + key + "/stray.txt", // deep, in a folder the build removes
		"api/topics/stray.txt",
		"api/extra/deeper/stray.json", // folders no build made
		"stray.txt",
	}
	for _, rel := range strays {
		p := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("not the hub's\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	stats, err := Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.ReadBack != 0 {
		t.Errorf("update read %d files of OUT back, want none: the saved manifest knows them", stats.ReadBack)
	}
	if stats.Written == 0 || stats.Removed < 2 {
		t.Errorf("stats %+v: want the lists written and the article's files removed", stats)
	}
	for _, rel := range append(strays, "api/extra") {
		if _, err := os.Lstat(filepath.Join(out, filepath.FromSlash(rel))); err == nil {
			t.Errorf("%s, put in OUT from outside, is still there", rel)
		}
	}
	equalsAFreshBuild(t, st, s, out, opt)

	// Nothing changed: nothing read, written or removed.
	stats, err = Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.ReadBack != 0 || stats.Written != 0 || stats.Removed != 0 {
		t.Errorf("unchanged rebuild: %+v, want nothing read, written or removed", stats)
	}
}

// TestSavedManifestIsTrustedForItsOwnTreeOnly checks that a manifest
// whose file is damaged, or which another folder at OUT's path finds
// beside it, is not trusted: the build reads OUT back and walks it, as
// without a manifest, and logs one line saying why.
func TestSavedManifestIsTrustedForItsOwnTreeOnly(t *testing.T) {
	st, s := genStore(t, 80)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	opt := BuildOptions{Options: genOptions()}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(t *testing.T)
		why    string // in the log line
	}{
		{"cut short", func(t *testing.T) {
			b, err := os.ReadFile(manifestFile(out))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(manifestFile(out), b[:len(b)-1], 0o644); err != nil {
				t.Fatal(err)
			}
		}, "damaged"},
		{"another tree, same times, one file more", func(t *testing.T) {
			cp := filepath.Join(dir, "copy")
			copyTree(t, out, cp, "api/topics/stray.txt")
			if err := os.RemoveAll(out); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(cp, out); err != nil {
				t.Fatal(err)
			}
		}, "another folder"},
		{"missing", func(t *testing.T) {
			if err := os.Remove(manifestFile(out)); err != nil {
				t.Fatal(err)
			}
		}, "no saved manifest"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.change(t)
			var logs bytes.Buffer
			opt := opt
			opt.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			stats, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			if stats.ReadBack == 0 {
				t.Errorf("update read nothing back: it trusted the manifest")
			}
			var lines []string
			for _, l := range strings.Split(logs.String(), "\n") {
				if strings.Contains(l, "reading OUT back") {
					lines = append(lines, l)
				}
			}
			if len(lines) != 1 || !strings.Contains(lines[0], tt.why) {
				t.Errorf("log lines on the fallback %q, want one saying %q", lines, tt.why)
			}
			if _, err := os.Lstat(filepath.Join(out, "api", "topics", "stray.txt")); err == nil {
				t.Error("a file no build wrote is still in OUT")
			}
			equalsAFreshBuild(t, st, s, out, opt)
		})
	}
}

// copyTree copies the tree src to dst with the modification times of its
// files and folders, adding a file at extra.
func copyTree(t *testing.T, src, dst, extra string) {
	t.Helper()
	var dirs []string
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			dirs = append(dirs, rel)
			return os.MkdirAll(to, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, filepath.FromSlash(extra)), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string]time.Time{}
	filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			fi, _ := d.Info()
			rel, _ := filepath.Rel(src, p)
			files[rel] = fi.ModTime()
		}
		return err
	})
	for rel, mt := range files {
		if err := os.Chtimes(filepath.Join(dst, rel), mt, mt); err != nil {
			t.Fatal(err)
		}
	}
	slices.Reverse(dirs) // the deepest first: setting a folder's time
	for _, rel := range dirs {
		fi, err := os.Stat(filepath.Join(src, rel))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(filepath.Join(dst, rel), fi.ModTime(), fi.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestPublishingProcessLeavesItsManifestForTheNext checks that a
// publishing process's manifest, saved when it stops, spares the next
// process reading OUT back: a publishing one renders no article document
// again and writes nothing, and a one-shot one also finds the files put
// in OUT from outside meanwhile (the publishing process noted no folder
// times) and ends equal to a fresh build.
func TestPublishingProcessLeavesItsManifestForTheNext(t *testing.T) {
	for _, next := range []string{"publishing", "one-shot"} {
		t.Run(next, func(t *testing.T) {
			st, s := genStore(t, 120)
			ctx := context.Background()
			out := filepath.Join(t.TempDir(), "out")
			publishing := func(logs *bytes.Buffer) BuildOptions {
				opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle},
					Manifest: &Manifest{}, Views: NewViews(ViewsConfig{Store: st, Site: s, Options: genOptions()})}
				if logs != nil {
					opt.Logger = slog.New(slog.NewTextHandler(logs, nil))
				}
				return opt
			}
			first := publishing(nil)
			for range 2 { // a whole build, then one in place
				if _, err := Build(ctx, st, s, out, first); err != nil {
					t.Fatal(err)
				}
			}
			if err := SaveManifest(first.Manifest, out); err != nil {
				t.Fatal(err)
			}
			stray := filepath.Join(out, "api", "topics", "stray.txt")
			if err := os.WriteFile(stray, []byte("not the hub's\n"), 0o644); err != nil {
				t.Fatal(err)
			}

			var logs bytes.Buffer
			opt := publishing(&logs)
			if next == "one-shot" {
				opt = BuildOptions{Options: genOptions(), Extra: first.Extra}
			}
			stats, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			if stats.ReadBack != 0 || stats.Written != 0 {
				t.Errorf("%s build after a publishing one: %+v, want nothing read back or written", next, stats)
			}
			_, err = os.Lstat(stray)
			switch next {
			case "publishing":
				if !strings.Contains(logs.String(), "rendered=0 ") {
					t.Errorf("the next publishing process rendered article documents again:\n%s", logs.String())
				}
				if err != nil {
					t.Errorf("a publishing process removed a file put in OUT from outside: %v", err)
				}
			case "one-shot":
				if err == nil {
					t.Error("the one-shot build left the file put in OUT from outside")
				}
				equalsAFreshBuild(t, st, s, out, opt)
			}
		})
	}
}

// TestManifestOfAnotherProgramRendersStampedFilesAgain checks that a
// stamped file is kept by its stamp only where the manifest was saved by
// the same build of the program: after an upgrade whose pages look
// otherwise for the same inputs (a new stylesheet's address in every
// page), OUT ends equal to a fresh build of the new release.
func TestManifestOfAnotherProgramRendersStampedFilesAgain(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	was := program
	t.Cleanup(func() { program = was })
	var look string // how the release renders the page: not in its stamp
	page := func(ctx context.Context, v *View, o *Output) error {
		const rel, stamp = "look/index.html", "the same inputs"
		if o.KeepStamped(rel, func(prev string) bool { return prev == stamp }) {
			return nil
		}
		return o.PutStamped(rel, []byte(look), stamp)
	}
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{page}}
	tests := []struct {
		program, look string
		want          string // the page after the build
	}{
		{"release 1", "old markup", "old markup"},
		{"release 2", "new markup", "new markup"},
		// The same release: the stamp holds, the page is kept (a look
		// that changes within one release is this test's own doing).
		{"release 2", "other markup", "new markup"},
		{"", "unknown markup", "unknown markup"}, // a program that cannot be told: never the same
	}
	for _, tt := range tests {
		program = func() string { return tt.program }
		look = tt.look
		if _, err := Build(ctx, st, s, out, opt); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(out, "look", "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("%q rendering %q: the page holds %q, want %q", tt.program, tt.look, got, tt.want)
		}
		if tt.want == tt.look {
			equalsAFreshBuild(t, st, s, out, opt)
		}
	}
}
