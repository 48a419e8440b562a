package publish

import (
	"bytes"
	"cmp"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"newshub/internal/model"
)

// pageOfEveryArticle is an Extra hook as the website is: one page per
// article of the view, which the next build must keep, replace or remove.
func pageOfEveryArticle(ctx context.Context, v *View, dir string) error {
	var err error
	scan := v.eachArticleKey(ctx, func(key string) {
		p := filepath.Join(dir, "news", filepath.FromSlash(key), "index.html")
		if err == nil {
			err = os.MkdirAll(filepath.Dir(p), 0o755)
		}
		if err == nil {
			err = os.WriteFile(p, []byte("<h1>"+key+"</h1>\n"), 0o644)
		}
	})
	return cmp.Or(scan, err)
}

func TestBuildNeverFollowsLinksInOut(t *testing.T) {
	st, s := genStore(t, 120)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, string) error{pageOfEveryArticle}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	want := walkFiles(t, out)

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
	got := walkFiles(t, out)
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
	want := walkFiles(t, out)

	// Killed between the two renames of a swap: OUT is missing, the
	// previous build is aside, and a temporary tree is half written.
	aside := filepath.Join(dir, ".out.old-.out.build-123")
	if err := os.Rename(out, aside); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, ".out.build-123", "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := recoverLeftovers(dir, "out", slog.New(slog.DiscardHandler)); err != nil {
		t.Fatal(err)
	}
	if got := walkFiles(t, out); len(got) != len(want) {
		t.Errorf("restored OUT holds %d files, want %d", len(got), len(want))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out" && e.Name() != ".out.lock" {
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
	if got := walkFiles(t, out); len(got) != len(want) {
		t.Errorf("OUT holds %d files, want %d", len(got), len(want))
	}
}

func TestBuildUpdatesOutInPlace(t *testing.T) {
	st, s := genStore(t, 150)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, string) error{pageOfEveryArticle}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
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
	stats, err := Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, st, s, fresh, opt); err != nil {
		t.Fatal(err)
	}
	got, want := walkFiles(t, out), walkFiles(t, fresh)
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s differs from a fresh build", rel)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d files, a fresh build has %d", len(got), len(want))
	}
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
