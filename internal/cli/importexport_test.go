package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/content/contenttest"
	"newshub/internal/gen"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// run runs the command line in-process and returns its exit status and
// output streams.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errs bytes.Buffer
	code := Run(context.Background(), args, &out, &errs, func(string) string { return "" })
	return code, out.String(), errs.String()
}

func genSite(t *testing.T, articles int, seed int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := gen.Generate(context.Background(), dir, gen.Options{Articles: articles, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// assertSameFiles checks that every file of want is in got with the same bytes.
func assertSameFiles(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	for p, data := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: not exported", p)
		case !bytes.Equal(g, data):
			t.Errorf("%s: exported bytes differ from the original", p)
		}
	}
	if len(got) != len(want) {
		t.Errorf("exported %d files, want %d", len(got), len(want))
	}
}

func TestImportThenExportReproducesEveryFile(t *testing.T) {
	tests := []struct {
		name string
		src  func(t *testing.T) string
	}{
		{"smartable sample", func(t *testing.T) string { return testutil.Shared(t, "smartable-sample") }},
		{"generated site", func(t *testing.T) string { return genSite(t, 600, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := tt.src(t)
			db := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
			out := filepath.Join(t.TempDir(), "out")
			if code, _, errs := run(t, "--db", db, "import", src); code != 0 {
				t.Fatalf("import exit %d:\n%s", code, errs)
			}
			code, stdout, errs := run(t, "--db", db, "export", out)
			if code != 0 {
				t.Fatalf("export exit %d:\n%s", code, errs)
			}
			want := contenttest.SiteFiles(t, src)
			if !strings.Contains(stdout, fmt.Sprintf("exported %d records", len(want))) {
				t.Errorf("export summary %q does not count %d records", stdout, len(want))
			}
			assertSameFiles(t, want, contenttest.SiteFiles(t, out))
		})
	}
}

func TestImportDefaultsToTheSite(t *testing.T) {
	src := genSite(t, 30, 9)
	code, stdout, errs := run(t, "--site", src, "import")
	if code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	if !strings.Contains(stdout, "news 30") {
		t.Errorf("summary %q lacks the news count", stdout)
	}
	if _, err := os.Stat(filepath.Join(src, ".newshub", "newshub.db")); err != nil {
		t.Errorf("no database in the site: %v", err)
	}
	n := len(contenttest.SiteFiles(t, src))
	code, stdout, errs = run(t, "--site", src, "import")
	if want := fmt.Sprintf("%d of them were already stored", n); code != 0 || !strings.Contains(stdout, want) {
		t.Errorf("second import: exit %d, summary %q lacks %q\n%s", code, stdout, want, errs)
	}
}

// TestImportReportsRejectedFilesAndFails checks the command's side of a
// rejection: path:line: reason on stderr, a count in the summary, exit
// status 1, and the good files imported.
func TestImportReportsRejectedFilesAndFails(t *testing.T) {
	src := genSite(t, 10, 3)
	bad := filepath.Join(src, "_news", "2026-01-02-bad.md")
	if err := os.WriteFile(bad, []byte("---\ncategory: news\ntitle: \"never closed\nexcerpt: x\n---\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "_news", "2026-01-02-big.md"), []byte(strings.Repeat("x", 20000)), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := run(t, "--db", "sqlite:"+filepath.Join(t.TempDir(), "hub.db"), "import", "--max-size", "16KiB", src)
	if code != ExitFailure {
		t.Errorf("exit status %d, want %d", code, ExitFailure)
	}
	for _, want := range []string{bad + ":3: ", filepath.Join(src, "_news", "2026-01-02-big.md") + ":1: file of 20000 bytes is over the size cap of 16384 bytes (--max-size)"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
	if !strings.Contains(stdout, "rejected 2 files (reasons above)") || !strings.Contains(stdout, "news 10") {
		t.Errorf("summary %q does not count 10 news and 2 rejected files", stdout)
	}
}

func TestExportRefusesPathsOutsideTheFolder(t *testing.T) {
	tests := []struct {
		path string
		safe bool
	}{
		{"_news/2026-01-01-a.md", true},
		{"_config.yml", true},
		{"../escape.md", false},
		{"/etc/passwd", false},
		{"_news/../../x.md", false},
		{"_news/./a.md", false},
		{"", false},
		{"..", false},
		{`_news\a.md`, false},
	}
	for _, tt := range tests {
		if got := safePath(tt.path); got != tt.safe {
			t.Errorf("safePath(%q) = %v, want %v", tt.path, got, tt.safe)
		}
	}
}

func TestInitMakesAnImportableSite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	code, stdout, errs := run(t, "init", "--topic", "Climate Policy", dir)
	if code != 0 {
		t.Fatalf("init exit %d:\n%s", code, errs)
	}
	for _, p := range []string{"_config.yml", "_data/topics/00-climate-policy.yaml", "_data/sources.yaml", ".newshub"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("init made no %s: %v\n%s", p, err, stdout)
		}
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import of a new site: exit %d:\n%s", code, errs)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg, err := st.Get(context.Background(), "_config.yml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.Topic != "Climate Policy" || cfg.Config.Title != "hub" {
		t.Errorf("config %+v", cfg.Config)
	}
	topic, err := st.Get(context.Background(), "_data/topics/00-climate-policy.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if topic.Topic.Name != "Climate Policy" || topic.Topic.Parent != "" {
		t.Errorf("root topic %+v", topic.Topic)
	}
	src, err := st.Get(context.Background(), "_data/sources.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Sources.Sources) != 0 {
		t.Errorf("sources %+v, want none", src.Sources)
	}

	// A second init into the same folder is refused and changes nothing.
	before := contenttest.SiteFiles(t, dir)
	if code, _, _ := run(t, "init", dir); code == 0 {
		t.Error("init into an existing site succeeded")
	}
	assertSameFiles(t, before, contenttest.SiteFiles(t, dir))
}

func TestCommandsCheckTheirArguments(t *testing.T) {
	tests := [][]string{
		{"init"},
		{"export"},
		{"gen", "--articles", "5"},
		{"gen", "--articles", "-1", "x"},
		{"gen", "--until", "yesterday", "x"},
		{"import", "--max-size", "lots", "."},
		{"import", "a", "b"},
	}
	for _, args := range tests {
		if code, _, _ := run(t, args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, ExitUsage)
		}
	}
}

func TestSizeFlag(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"100", 100}, {"4KiB", 4096}, {"16MiB", 16 << 20}, {"1GiB", 1 << 30}, {"2MB", 2e6}, {"3 K", 3072},
	}
	for _, tt := range tests {
		var s sizeFlag
		if err := s.Set(tt.in); err != nil || s.n != tt.want {
			t.Errorf("Set(%q) = %d, %v; want %d", tt.in, s.n, err, tt.want)
		}
		var back sizeFlag
		if err := back.Set(s.String()); err != nil || back.n != s.n {
			t.Errorf("%q prints as %q, which reads back as %d", tt.in, s.String(), back.n)
		}
	}
	for _, bad := range []string{"", "-1", "0", "ten", "5XB"} {
		var s sizeFlag
		if err := s.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		}
	}
}
