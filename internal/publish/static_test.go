package publish

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/testutil"
)

// favicon is an icon's bytes: binary, a NUL among them.
var favicon = []byte{0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4, 0, 0, 0x16, 0, 0, 0}

// writeStatic writes files (slash path → bytes) into a site's static
// folder under dir and returns the folder.
func writeStatic(t *testing.T, dir string, files map[string][]byte) string {
	t.Helper()
	static := filepath.Join(dir, StaticDir)
	for rel, b := range files {
		p := filepath.Join(static, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return static
}

// TestBuildPublishesTheStaticFolder checks that a build puts the static
// folder's files in OUT byte for byte, and that an update after one is
// changed, one added and others removed (a whole folder of them) leaves
// OUT equal to a fresh build, whether it compares with the manifest
// saved beside OUT (build, from cron) or one kept in memory (a
// publishing process).
func TestBuildPublishesTheStaticFolder(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		manifest *Manifest
	}{
		{"saved manifest", nil},
		{"manifest in memory", &Manifest{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string][]byte{
				"CNAME":                          []byte("news.example.org\n"),
				".well-known/acme-challenge/tok": []byte("tok.Zk3-abc_DEF\n"),
				".well-known/security.txt":       []byte("Contact: mailto:security@example.org\n"),
				"favicon.ico":                    favicon,
				"google0123456789abcdef.html":    []byte("google-site-verification: google0123456789abcdef.html"),
				"robots.txt":                     []byte("User-agent: *\nDisallow: /search/\n"),
			}
			static := writeStatic(t, t.TempDir(), files)
			out := filepath.Join(t.TempDir(), "out")
			opt := BuildOptions{Options: genOptions(), Static: static, Manifest: tc.manifest,
				Extra: []func(context.Context, *View, *Output) error{pageOfEveryArticle}}
			stats, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Static != int64(len(files)) || len(stats.StaticSkipped) != 0 {
				t.Errorf("first build: %d static files put, %v left out; want %d, none", stats.Static, stats.StaticSkipped, len(files))
			}
			got := testutil.Files(t, out)
			for rel, b := range files {
				if !bytes.Equal(got[rel], b) {
					t.Errorf("OUT's %s holds %q, want %q", rel, got[rel], b)
				}
			}

			// Another icon of the same size, a new file in a new folder,
			// the CNAME and the whole .well-known folder gone.
			icon := bytes.Clone(favicon)
			icon[len(icon)-1] = 0x17
			writeStatic(t, filepath.Dir(static), map[string][]byte{"favicon.ico": icon, "docs/about.txt": []byte("about\n")})
			for _, rel := range []string{"CNAME", ".well-known"} {
				if err := os.RemoveAll(filepath.Join(static, rel)); err != nil {
					t.Fatal(err)
				}
			}
			stats, err = Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatal(err)
			}
			if stats.Whole || stats.Written != 2 || stats.Removed != 3 || stats.Static != 4 {
				t.Errorf("update: %+v; want 2 files written (the icon, the new one), 3 removed, 4 static", stats)
			}
			got = testutil.Files(t, out)
			if !bytes.Equal(got["favicon.ico"], icon) || string(got["docs/about.txt"]) != "about\n" {
				t.Errorf("update: favicon.ico %v, docs/about.txt %q; want the new bytes", got["favicon.ico"], got["docs/about.txt"])
			}
			for _, rel := range []string{"CNAME", ".well-known"} {
				if _, err := os.Lstat(filepath.Join(out, rel)); !os.IsNotExist(err) {
					t.Errorf("%s, gone from the static folder, is still in OUT (%v)", rel, err)
				}
			}
			equalsAFreshBuild(t, st, s, out, BuildOptions{Options: genOptions(), Static: static, Extra: opt.Extra})
		})
	}
}

// TestBuildRefusesAStaticFileAtAPathOfItsOwn checks that a static file at
// the path of a file the build makes, of one of its folders, or under
// one of its files fails the build naming both, and leaves OUT as the
// last build left it.
func TestBuildRefusesAStaticFileAtAPathOfItsOwn(t *testing.T) {
	st, s := genStore(t, 30)
	ctx := context.Background()
	extra := []func(context.Context, *View, *Output) error{pageOfEveryArticle}
	for _, tc := range []struct {
		file, names string
	}{
		{"api/news/index.json", "has the path of api/news/index.json, a file newshub makes"},
		{"feeds/rss.xml", "has the path of feeds/rss.xml, a file newshub makes"},
		{"news", "has the path of news/, a folder of files newshub makes"},
		{"api/topics/index.json/extra.txt", "lies under api/topics/index.json, a file newshub makes"},
		{"api/search/index.json", "has the path of api/search/, where the server answers searches"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			site := t.TempDir()
			static := writeStatic(t, site, map[string][]byte{"robots.txt": []byte("User-agent: *\n")})
			out := filepath.Join(t.TempDir(), "out")
			opt := BuildOptions{Options: genOptions(), Static: static, Extra: extra}
			if _, err := Build(ctx, st, s, out, opt); err != nil {
				t.Fatal(err)
			}
			before := testutil.Files(t, out)
			writeStatic(t, site, map[string][]byte{tc.file: []byte("mine\n")})
			_, err := Build(ctx, st, s, out, opt)
			if err == nil || !strings.Contains(err.Error(), "static/"+tc.file+" "+tc.names) {
				t.Fatalf("build with static/%s: %v; want an error saying it %s", tc.file, err, tc.names)
			}
			after := testutil.Files(t, out)
			for rel, b := range before {
				if !bytes.Equal(after[rel], b) {
					t.Errorf("the failed build changed OUT's %s", rel)
				}
			}
			if len(after) != len(before) {
				t.Errorf("the failed build left %d files in OUT, the last build %d", len(after), len(before))
			}
			// A first build fails the same, before it makes OUT.
			fresh := filepath.Join(t.TempDir(), "fresh")
			if _, err := Build(ctx, st, s, fresh, opt); err == nil || !strings.Contains(err.Error(), "static/"+tc.file) {
				t.Errorf("first build with static/%s: %v; want it refused", tc.file, err)
			}
			if _, err := os.Lstat(fresh); !os.IsNotExist(err) {
				t.Errorf("the refused first build left OUT (%v)", err)
			}
		})
	}
}

// TestBuildRefusesAnOutInsideTheStaticFolder checks that OUT inside the
// static folder is refused, where each build published the last one
// again inside itself.
func TestBuildRefusesAnOutInsideTheStaticFolder(t *testing.T) {
	st, s := genStore(t, 10)
	static := writeStatic(t, t.TempDir(), map[string][]byte{"CNAME": []byte("news.example.org\n")})
	out := filepath.Join(static, "public")
	_, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions(), Static: static})
	if err == nil || !strings.Contains(err.Error(), "lies inside "+static) {
		t.Fatalf("build into %s: %v; want it refused", out, err)
	}
	if _, err := os.Lstat(out); !os.IsNotExist(err) {
		t.Errorf("the refused build made OUT (%v)", err)
	}
}
