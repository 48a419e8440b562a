package cli

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"newshub/internal/content/contenttest"
	"newshub/internal/gen"
	"newshub/internal/importer"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// serveFeed serves the RSS feed testdata/name at every address, on
// loopback, until the test ends.
func serveFeed(t *testing.T, name string) *httptest.Server {
	t.Helper()
	feed, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	return srv
}

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

// TestImportThenExportKeepsEveryFileOfAHub imports a hub holding every
// class of file a Jekyll site of Smartable's has (testdata/hub: the records
// newshub reads, learning in folders of any kind, collections it does not
// model, data files of other formats, a binary file, theme parts, and the
// site's own pages, assets, published API and Jekyll output), plus what a
// checkout adds (.git, the database, installed packages, hidden files and
// folders). Every file that is a record comes back byte for byte from
// export, hidden files inside collections (_news/.DS_Store) among them;
// every other one is named, with its reason, in the import's summary.
func TestImportThenExportKeepsEveryFileOfAHub(t *testing.T) {
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/hub")); err != nil {
		t.Fatal(err)
	}
	for rel, data := range map[string]string{
		".git/HEAD":                          "ref: refs/heads/main\n",
		".git/objects/ab/cdef":               "\x78\x01\x00",
		"node_modules/left-pad/package.json": `{"name":"left-pad"}`,
		"_news/.DS_Store":                    "\x00\x00\x00\x01Bud1",
	} {
		name := filepath.Join(src, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// An article in both the news and the archive, as Smartable's hubs
	// have some: the live copy is read, the archived one kept as it is.
	archived, err := os.ReadFile(filepath.Join(src, "_archive", "news", "2021-01-04-sorting-networks-revisited.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "_news", "2021-01-04-sorting-networks-revisited.md"), archived, 0o644); err != nil {
		t.Fatal(err)
	}
	// Left out, by the reason the summary gives.
	leftOut := map[string]string{
		".git/":         "version control",
		".newshub/":     "newshub's own folder",
		".github/":      "hidden",
		".htaccess":     "hidden",
		"node_modules/": "installed packages",
		"api/":          "the published API",
		"_site/":        "the site Jekyll built",
		"README.md":     "a page or static file",
		"CNAME":         "a page or static file",
		"Gemfile":       "a page or static file",
		"index.html":    "a page or static file",
		"assets/":       "a page or static file",
	}
	code, stdout, errs := run(t, "--site", src, "import")
	if code != 0 {
		t.Fatalf("import exit %d:\n%s%s", code, stdout, errs)
	}
	if want := filepath.Join(src, "_archive", "news", "2021-01-04-sorting-networks-revisited.md") + ":6: duplicate record: "; !strings.Contains(errs, want) || !strings.Contains(errs, "kept as it is") {
		t.Errorf("stderr does not name the archived copy of the live article (%q) as kept as it is:\n%s", want, errs)
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export exit %d:\n%s", code, errs)
	}

	exported := testutil.Files(t, out)
	records := 0
	for rel, data := range testutil.Files(t, src) {
		if skipped := leftOutBy(rel, leftOut); skipped != "" {
			if _, ok := exported[rel]; ok {
				t.Errorf("%s: exported, but it is not a record", rel)
			}
			continue
		}
		records++
		switch got, ok := exported[rel]; {
		case !ok:
			t.Errorf("%s: not exported", rel)
		case !bytes.Equal(got, data):
			t.Errorf("%s: exported bytes differ from the original", rel)
		}
	}
	// Beside the records, newshub's own values of them (their stories).
	if _, ok := exported[importer.ValuesPath]; !ok {
		t.Errorf("%s: not exported", importer.ValuesPath)
	}
	if len(exported) != records+1 {
		t.Errorf("exported %d files, want the %d records and %s", len(exported), records, importer.ValuesPath)
	}
	for entry, reason := range leftOut {
		if !strings.Contains(stdout, entry) || !regexpLine(stdout, regexp.QuoteMeta(entry)+".*"+regexp.QuoteMeta(reason)) {
			t.Errorf("the summary does not name %s with its reason %q:\n%s", entry, reason, stdout)
		}
	}
	for _, want := range []string{
		fmt.Sprintf("imported %d records", records),
		"learning 5, learning-list 1",
		"files by collection: _archive 1, _challenges 2, _config.yml 1, _data 7, _events 2, _forms 1, _includes 1, _layouts 1, _learning 6, _news 4, _newsletters 1, _people 2, _sponsorships 3, _terms 1\n",
		"kept as they are, not read (not published; export writes them back): _archive 1, _challenges 2, _data 2, _events 1, _forms 1, _includes 1, _layouts 1, _news 1, _sponsorships 3, _terms 1\n",
		"_terms 1\n  1 of them in folders of records newshub reads (reasons above)\n",
		fmt.Sprintf("not records, left out: %d\n", len(leftOut)),
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("summary lacks %q:\n%s", want, stdout)
		}
	}
}

// TestExportWritesBackAConfigThatDoesNotRead imports testdata/tabbed-config,
// whose _config.yml indents with a tab, which YAML forbids (as Jekyll's
// own users' do): import names the file and keeps it as it is, saying
// export writes it back, and export, which reads no setting, does so
// instead of refusing to start from it as the commands that run the hub do.
func TestExportWritesBackAConfigThatDoesNotRead(t *testing.T) {
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/tabbed-config")); err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(src, "_config.yml")
	code, _, errs := run(t, "--site", src, "import")
	if want := config + ":7: invalid YAML"; code != 1 || !strings.Contains(errs, want) || !strings.Contains(errs, "export writes it back") {
		t.Fatalf("import exit %d, want 1 and %q, kept as it is:\n%s", code, want, errs)
	}
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs = run(t, "--site", src, "export", out)
	if code != 0 {
		t.Fatalf("export exit %d, want 0:\n%s", code, errs)
	}
	if !strings.Contains(errs, config+":7: invalid YAML") {
		t.Errorf("export does not name the config that does not read:\n%s", errs)
	}
	exported := testutil.Files(t, out)
	for rel, data := range testutil.Files(t, src) {
		if strings.HasPrefix(rel, ".newshub/") {
			continue
		}
		if got, ok := exported[rel]; !ok || !bytes.Equal(got, data) {
			t.Errorf("%s: not exported as it was (exported: %v)", rel, ok)
		}
	}
}

// TestExportNamesRecordsACaseBlindFileSystemCannotHoldApart imports
// testdata/case-twins, two articles whose file names differ only by case
// and two whose names differ only by an é composed or not (a hub kept on
// Linux may hold them), and exports them where the file system takes each
// pair of names for one file, as macOS's does: of each pair one is
// written, the other named and not written over it, and export fails.
func TestExportNamesRecordsACaseBlindFileSystemCannotHoldApart(t *testing.T) {
	if runtime.GOOS == "linux" && foldsCase(t.TempDir()) {
		t.Fatal("foldsCase finds a Linux temporary folder blind to case")
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	if code, _, errs := run(t, "--db", db, "--site", "testdata/case-twins", "import"); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	defer func(f func(string) bool) { foldsCase = f }(foldsCase)
	foldsCase = func(string) bool { return true }
	out := filepath.Join(t.TempDir(), "out")
	code, _, errs := run(t, "--db", db, "--site", "testdata/case-twins", "export", out)
	const upper, lower = "_news/2021-06-20-Election-Night.md", "_news/2021-06-20-election-night.md"
	if want := lower + ":1: not written: the path differs from " + upper + " only by case"; code != 1 || !strings.Contains(errs, want) {
		t.Fatalf("export exit %d, want 1 and %q:\n%s", code, want, errs)
	}
	// The same name with its é composed, and decomposed as macOS names it.
	const composed, decomposed = "_news/2021-06-21-caf\u00e9-de-la-gare.md", "_news/2021-06-21-cafe\u0301-de-la-gare.md"
	if want := composed + ":1: not written: the path differs from " + decomposed + " only by case or accents composed otherwise"; !strings.Contains(errs, want) {
		t.Errorf("export does not name %q:\n%s", want, errs)
	}
	exported := testutil.Files(t, out)
	for _, p := range []string{lower, composed} {
		if _, ok := exported[p]; ok {
			t.Errorf("%s written", p)
		}
	}
	src := testutil.Files(t, "testdata/case-twins")
	for _, p := range []string{upper, decomposed} {
		if !bytes.Equal(exported[p], src[p]) {
			t.Errorf("%s not exported as it was", p)
		}
	}
}

// TestLearningOfEveryKindIsPublishedAndKeptFilesAreNot builds the hub of
// testdata/hub: its courses and books are published like its articles and
// videos, and nothing of the files it keeps without reading is.
func TestLearningOfEveryKindIsPublishedAndKeptFilesAreNot(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	if code, _, errs := run(t, "--db", db, "import", "testdata/hub"); code != 0 {
		t.Fatalf("import exit %d:\n%s", code, errs)
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--db", db, "--site", "testdata/hub", "build", out); code != 0 {
		t.Fatalf("build exit %d:\n%s", code, errs)
	}
	built := testutil.Files(t, out)
	for _, p := range []string{
		"api/learning/courses/coursera-algorithms-part-1/index.json",
		"api/learning/books/mit-press-introduction-to-algorithms/index.json",
	} {
		if _, ok := built[p]; !ok {
			t.Errorf("%s was not built", p)
		}
	}
	for p, data := range built {
		for _, kept := range []string{"Shortest path challenge", "Example Cloud", "Privacy policy", "apps/algorithm/subscribe"} {
			if bytes.Contains(data, []byte(kept)) {
				t.Errorf("%s publishes %q, from a file kept without reading", p, kept)
			}
		}
	}
}

// leftOutBy returns the entry of leftOut (a file, or a folder ending in
// "/") that holds rel, or "".
func leftOutBy(rel string, leftOut map[string]string) string {
	for entry := range leftOut {
		if rel == entry || strings.HasSuffix(entry, "/") && strings.HasPrefix(rel, entry) {
			return entry
		}
	}
	return ""
}

// regexpLine reports whether a line of s matches the pattern.
func regexpLine(s, pattern string) bool {
	return regexp.MustCompile("(?m)^.*" + pattern + ".*$").MatchString(s)
}

// TestExportKeepsEachFileMode imports a hub whose files have modes of
// their own (a _config.yml holding the SMTP password kept 0600, a
// script kept in the site 0755, a file the group may write 0664) and
// exports it: each file has the mode import read, a file made private
// since, its bytes the same, too, and the others the usual 0644.
func TestExportKeepsEachFileMode(t *testing.T) {
	src := hubWithModes(t)
	script := filepath.Join(src, "_includes", "deploy.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nbundle exec jekyll build\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	modes := map[string]os.FileMode{
		"_config.yml":                    0o600,
		"_includes/deploy.sh":            0o755,
		"_data/navigation.yml":           0o664,
		"_people/donald-knuth.md":        0o644,
		"_data/topics/00-algorithm.yaml": 0o640,
	}
	chmod := func(rel string, m os.FileMode) {
		t.Helper()
		if err := os.Chmod(filepath.Join(src, filepath.FromSlash(rel)), m); err != nil {
			t.Fatal(err)
		}
	}
	for rel, m := range modes {
		chmod(rel, m)
	}
	exportModes := func() map[string]os.FileMode {
		t.Helper()
		out := filepath.Join(t.TempDir(), "out")
		if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
			t.Fatalf("export exit %d:\n%s", code, errs)
		}
		got := map[string]os.FileMode{}
		for rel := range modes {
			fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
			if err != nil {
				t.Fatal(err)
			}
			got[rel] = fi.Mode().Perm()
		}
		return got
	}
	const knuth = "_people/donald-knuth.md"
	for _, step := range []struct {
		what string
		mode os.FileMode // given to knuth before the import; 0: none
	}{
		{"the first import", 0},
		{"made private since, its bytes unchanged: import records the mode", 0o600},
		{"given the usual mode back: recorded too, though no new file's usual mode is", 0o644},
	} {
		if step.mode != 0 {
			chmod(knuth, step.mode)
			modes[knuth] = step.mode
		}
		if code, stdout, errs := run(t, "--site", src, "import"); code != 0 {
			t.Fatalf("%s: import exit %d:\n%s%s", step.what, code, stdout, errs)
		}
		if got := exportModes(); !maps.Equal(got, modes) {
			t.Errorf("%s: exported modes %v, want %v", step.what, got, modes)
		}
	}
}

// TestExportKeepsAConfigMadePrivateSinceImport makes a hub's _config.yml
// private (it holds the SMTP password) after import and exports at once:
// export reads the site's configuration first, and the file is written
// 0600, not the 0644 recorded at import.
func TestExportKeepsAConfigMadePrivateSinceImport(t *testing.T) {
	src := hubWithModes(t)
	config := filepath.Join(src, "_config.yml")
	if err := os.Chmod(config, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, stdout, errs := run(t, "--site", src, "import"); code != 0 {
		t.Fatalf("import exit %d:\n%s%s", code, stdout, errs)
	}
	if err := os.Chmod(config, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := exportedMode(t, src, filepath.Join(t.TempDir(), "out"), "_config.yml"); got != 0o600 {
		t.Errorf("exported _config.yml %v, want -rw-------", got)
	}
}

// TestExportIntoAnEarlierExportGivesEachFileItsMode exports a hub again
// and again into one folder, as a backup taken each night is, its
// _config.yml made readable to all (0644) in between: the file already
// there, written 0600 the first time, takes the mode of the second
// export, where it kept its own. One made read-only (0400, as operators
// keep a file holding a password) is written over all the same.
func TestExportIntoAnEarlierExportGivesEachFileItsMode(t *testing.T) {
	src := hubWithModes(t)
	config := filepath.Join(src, "_config.yml")
	out := filepath.Join(t.TempDir(), "out")
	for _, mode := range []os.FileMode{0o600, 0o644, 0o400, 0o400, 0o644} {
		if err := os.Chmod(config, mode); err != nil {
			t.Fatal(err)
		}
		if got := exportedMode(t, src, out, "_config.yml"); got != mode {
			t.Errorf("exported _config.yml %v, want %v", got, mode)
		}
	}
}

// hubWithModes returns a copy of the test hub to give its files modes of
// their own; it skips the test where files have no Unix permission bits.
func hubWithModes(t *testing.T) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/hub")); err != nil {
		t.Fatal(err)
	}
	return src
}

// exportedMode exports the hub of site src into out and returns the
// mode of its file rel there.
func exportedMode(t *testing.T, src, out, rel string) os.FileMode {
	t.Helper()
	if code, _, errs := run(t, "--site", src, "export", out); code != 0 {
		t.Fatalf("export exit %d:\n%s", code, errs)
	}
	fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// TestImportIntoAFullStoreSaysItMerges imports a hub into a store that
// holds another: the records are merged, each file of the folder in the
// place of the stored record at its path, and import says so with how
// many it replaced, so that a folder imported into the wrong hub is seen.
func TestImportIntoAFullStoreSaysItMerges(t *testing.T) {
	db := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	first := runOK(t, "--db", db, "import", genSite(t, 40, 1))
	if strings.Contains(first, "merged") {
		t.Errorf("an import into an empty store says it merged:\n%s", first)
	}
	second := runOK(t, "--db", db, "import", genSite(t, 30, 2))
	if !regexpLine(second, `^merged into the \d+ records the store held: \d+ of them replaced by the folder's files at their paths, the others kept$`) {
		t.Errorf("an import into a full store does not say it merged:\n%s", second)
	}
}
