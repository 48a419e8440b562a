package cli

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	_ "modernc.org/sqlite"

	"newshub/internal/content"
	"newshub/internal/gen"
	"newshub/internal/model"
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

// siteFiles returns the record files under dir (outside api/ and hidden
// folders) by site path.
func siteFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == "api" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := content.KindOf(rel); !ok {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files[rel] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
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
			want := siteFiles(t, src)
			if !strings.Contains(stdout, fmt.Sprintf("exported %d records", len(want))) {
				t.Errorf("export summary %q does not count %d records", stdout, len(want))
			}
			assertSameFiles(t, want, siteFiles(t, out))
		})
	}
}

// storeSnapshot returns every record's bytes and value as stored.
func storeSnapshot(t *testing.T, dbPath string) map[string]string {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snap := map[string]string{}
	err = st.Scan(context.Background(), nil, func(r *model.Record) error {
		v, err := r.MarshalValue()
		snap[r.Path] = string(r.Raw) + "\x00" + string(v)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestImportTwiceChangesNothing(t *testing.T) {
	src := genSite(t, 400, 5)
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	if code, _, errs := run(t, "--db", "sqlite:"+dbPath, "import", src); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	first := storeSnapshot(t, dbPath)
	code, stdout, errs := run(t, "--db", "sqlite:"+dbPath, "import", src)
	if code != 0 {
		t.Fatalf("second import exit %d:\n%s", code, errs)
	}
	if want := fmt.Sprintf("%d of them were already stored", len(first)); !strings.Contains(stdout, want) {
		t.Errorf("second import summary %q lacks %q", stdout, want)
	}
	second := storeSnapshot(t, dbPath)
	if len(first) != len(siteFiles(t, src)) {
		t.Errorf("%d records stored for %d files", len(first), len(siteFiles(t, src)))
	}
	if len(first) != len(second) {
		t.Fatalf("%d records, then %d", len(first), len(second))
	}
	for p, v := range first {
		if second[p] != v {
			t.Errorf("%s changed on the second import", p)
		}
	}
}

func TestImportTakesChangedFilesAgain(t *testing.T) {
	src := genSite(t, 100, 6)
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	if code, _, errs := run(t, "--db", "sqlite:"+dbPath, "import", src); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	var changed string
	for p, data := range siteFiles(t, src) {
		if strings.HasPrefix(p, "_news/") && strings.Contains(string(data), "\npublished: true\n") {
			changed = p
			edited := strings.Replace(string(data), "\nexcerpt: \"", "\nexcerpt: \"Updated. ", 1)
			if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(p)), []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	code, stdout, errs := run(t, "--db", "sqlite:"+dbPath, "import", src)
	if code != 0 {
		t.Fatalf("second import exit %d:\n%s", code, errs)
	}
	files := siteFiles(t, src)
	if want := fmt.Sprintf("%d of them were already stored", len(files)-1); !strings.Contains(stdout, want) {
		t.Errorf("summary %q lacks %q", stdout, want)
	}
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rec, err := st.Get(context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(rec.Raw, files[changed]) || !strings.HasPrefix(rec.Article.Excerpt, "Updated. ") {
		t.Errorf("%s: the stored record is not the edited file (excerpt %q)", changed, rec.Article.Excerpt)
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
}

const goodNews = `---
category: news
title: "A good article"
excerpt: "Nothing wrong here."
publishedDateTime: 2026-01-02T10:00:00Z
originalUrl: "https://www.example.com/good"
webUrl: "https://www.example.com/good"
type: article
quality: 80
heat: 80
published: true

provider:
  name: Example
  domain: example.com

topics:
  - Election

---

`

func TestImportRejectsBadFilesAndKeepsTheRest(t *testing.T) {
	src := genSite(t, 50, 4)
	good := siteFiles(t, src)
	anyNews, anyTopic, anyOrg := "", "", ""
	for p := range good {
		switch k, _ := content.KindOf(p); k {
		case model.KindNews:
			anyNews = p
		case model.KindTopic:
			anyTopic = p
		case model.KindOrganization:
			anyOrg = p
		}
	}
	write := func(rel string, data []byte) {
		t.Helper()
		name := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Over the 16KiB cap given below, which every generated record is
	// under: a story of 20 articles lists 19 related in each.
	big := strings.Replace(goodNews, "Nothing wrong here.", strings.Repeat("long ", 4000), 1)
	orgDomain := strings.TrimSuffix(strings.TrimPrefix(anyOrg, "_data/organizations/"), ".md")

	tests := []struct {
		name string
		rel  string
		data string
		line int    // the line the rejection names
		want string // words of the reason
	}{
		{"malformed yaml", "_news/2026-01-02-malformed.md",
			"---\ncategory: news\ntitle: \"never closed\nexcerpt: x\n---\n\n", 3, ""},
		{"missing front matter", "_news/2026-01-02-no-front-matter.md", "just some text\n", 1, "front matter"},
		{"empty front matter", "_news/2026-01-02-empty-front-matter.md", "---\n---\n\n", 0, ""},
		{"required field missing", "_news/2026-01-02-no-title.md",
			strings.Replace(goodNews, "title: \"A good article\"\n", "", 1), 0, "title"},
		{"unparsable date", "_news/2026-01-02-bad-date.md",
			strings.Replace(strings.Replace(goodNews, "2026-01-02T10:00:00Z", "the day after tomorrow", 1), "/good", "/bad-date", 2), 5, "publishedDateTime"},
		{"invalid utf-8", "_news/2026-01-02-bad-utf8.md",
			strings.Replace(strings.Replace(goodNews, "A good article", "A bad \xff article", 1), "/good", "/utf8", 2), 3, "UTF-8"},
		{"over the size cap", "_news/2026-01-02-too-big.md",
			strings.Replace(big, "/good", "/big", 2), 1, "size cap"},
		{"same article URL as another file", "_news/zzzz-copy-of-an-article.md", string(good[anyNews]), 6, "duplicate"},
		{"same topic id as another file", "_data/topics/99-copy.yaml", string(good[anyTopic]), 2, "duplicate"},
		{"same organization domain as another file", "_data/organizations/zz." + orgDomain + ".md", string(good[anyOrg]), 0, "duplicate"},
	}
	for _, tt := range tests {
		write(tt.rel, []byte(tt.data))
	}
	// A good file beside the bad ones.
	write("_news/2026-01-02-a-good-article.md", []byte(goodNews))

	// Symbolic links: one to itself, one to a folder above it.
	if err := os.Symlink("self-loop.md", filepath.Join(src, "_news", "self-loop.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(src, "_news", "up")); err != nil {
		t.Fatal(err)
	}
	// A named pipe would block a reader forever.
	if err := syscall.Mkfifo(filepath.Join(src, "_news", "2026-01-02-a-pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	unreadable := os.Geteuid() != 0 // root reads everything
	if unreadable {
		write("_news/2026-01-02-unreadable.md", []byte(goodNews))
		if err := os.Chmod(filepath.Join(src, "_news", "2026-01-02-unreadable.md"), 0); err != nil {
			t.Fatal(err)
		}
	}

	dbPath := filepath.Join(t.TempDir(), "hub.db")
	code, stdout, errs := run(t, "--db", "sqlite:"+dbPath, "import", "--max-size", "16KiB", src)
	if code != ExitFailure {
		t.Errorf("exit status %d, want %d", code, ExitFailure)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	findLine := func(rel string) string {
		name := filepath.Join(src, filepath.FromSlash(rel)) + ":"
		for _, l := range lines {
			if strings.HasPrefix(l, name) {
				return l
			}
		}
		return ""
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := findLine(tt.rel)
			if l == "" {
				t.Fatalf("no rejection of %s in:\n%s", tt.rel, errs)
			}
			rest := strings.TrimPrefix(l, filepath.Join(src, filepath.FromSlash(tt.rel))+":")
			var line int
			var reason string
			if _, err := fmt.Sscanf(rest, "%d:", &line); err != nil || line < 1 {
				t.Fatalf("rejection %q does not read path:line: reason", l)
			}
			reason = rest[strings.Index(rest, ":")+1:]
			if tt.line > 0 && line != tt.line {
				t.Errorf("rejection %q names line %d, want %d", l, line, tt.line)
			}
			if !strings.Contains(reason, tt.want) {
				t.Errorf("rejection %q does not mention %q", l, tt.want)
			}
		})
	}
	for _, c := range []struct{ rel, want string }{
		{"_news/self-loop.md", "symbolic link loop"},
		{"_news/up", "symbolic link loop"},
		{"_news/2026-01-02-a-pipe.md", "not a regular file"},
	} {
		if l := findLine(c.rel); !strings.Contains(l, c.want) {
			t.Errorf("%s: rejection %q, want %q in:\n%s", c.rel, l, c.want, errs)
		}
	}
	if unreadable {
		if l := findLine("_news/2026-01-02-unreadable.md"); !strings.Contains(l, "permission denied") {
			t.Errorf("unreadable file: rejection %q", l)
		}
	}
	wantRejected := len(tests) + 3
	if unreadable {
		wantRejected++
	}
	if !strings.Contains(stdout, fmt.Sprintf("rejected %d files", wantRejected)) {
		t.Errorf("summary %q does not report %d rejected files", stdout, wantRejected)
	}

	// Every good file is in, nothing else, and the database is sound.
	snap := storeSnapshot(t, dbPath)
	for p := range good {
		if _, ok := snap[p]; !ok {
			t.Errorf("good file %s was not imported", p)
		}
	}
	if _, ok := snap["_news/2026-01-02-a-good-article.md"]; !ok {
		t.Error("the good file among the bad ones was not imported")
	}
	if len(snap) != len(good)+1 {
		t.Errorf("%d records stored, want %d", len(snap), len(good)+1)
	}
	assertIntegrity(t, dbPath)
}

func assertIntegrity(t *testing.T, dbPath string) {
	t.Helper()
	db, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var res string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&res); err != nil {
		t.Fatal(err)
	}
	if res != "ok" {
		t.Errorf("integrity_check: %s", res)
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
	before := siteFiles(t, dir)
	if code, _, _ := run(t, "init", dir); code == 0 {
		t.Error("init into an existing site succeeded")
	}
	assertSameFiles(t, before, siteFiles(t, dir))
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
