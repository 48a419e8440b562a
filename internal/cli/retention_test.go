package cli

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/content/contenttest"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// retentionUntil ends the generated news; the retention tests count ages
// to it.
var retentionUntil = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

// retentionSite generates n articles over the 90 days before
// retentionUntil, sets archive_after (and purge_after, unless "") in its
// _config.yml, and imports it with importer (the in-process command line,
// or the binary).
func retentionSite(t *testing.T, n int, archiveAfter, purgeAfter string, importer func(site string)) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	makeRetentionSite(t, dir, n, archiveAfter, purgeAfter, importer)
	return dir
}

// makeRetentionSite makes at dir the site retentionSite makes.
func makeRetentionSite(t *testing.T, dir string, n int, archiveAfter, purgeAfter string, importer func(site string)) {
	t.Helper()
	_, err := gen.Generate(context.Background(), dir, gen.Options{Articles: n, Seed: 27, Until: retentionUntil, Span: 90 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	setting := "archive_after: " + archiveAfter + "\n"
	if purgeAfter != "" {
		setting += "purge_after: " + purgeAfter + "\n"
	}
	editConfig(t, dir, regexp.MustCompile(`(?m)^archive_after: .*\n`), setting)
	importer(dir)
}

// editConfig replaces what re matches in the site's _config.yml.
func editConfig(t *testing.T, dir string, re *regexp.Regexp, with string) {
	t.Helper()
	file := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !re.Match(b) {
		t.Fatalf("%s does not match %s:\n%s", file, re, b)
	}
	if err := os.WriteFile(file, re.ReplaceAll(b, []byte(with)), 0o644); err != nil {
		t.Fatal(err)
	}
}

func importInProcess(t *testing.T) func(string) {
	return func(site string) {
		if code, out, errs := run(t, "--site", site, "import"); code != 0 {
			t.Fatalf("import: %d\n%s\n%s", code, out, errs)
		}
	}
}

// openSite opens the SQLite store of a site.
func openSite(t *testing.T, site string) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(site, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// newsFiles returns the news files of a site folder by path.
func newsFiles(t *testing.T, site string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for p, b := range contenttest.SiteFiles(t, site) {
		if k, _ := content.KindOf(p); k == model.KindNews {
			out[p] = b
		}
	}
	return out
}

// storedNews returns the file bytes the store holds for each news record,
// by path, and the archived flag and story of each.
func storedNews(t *testing.T, st store.Store) (map[string][]byte, map[string]store.NewsEntry) {
	t.Helper()
	ctx := context.Background()
	raws := map[string][]byte{}
	if err := st.ScanRaw(ctx, []model.Kind{model.KindNews}, func(p string, _ model.Kind, raw []byte) error {
		raws[p] = raw
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	entries := map[string]store.NewsEntry{}
	if err := st.ScanNews(ctx, store.NewsQuery{}, func(e store.NewsEntry) error {
		entries[e.Path] = e
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return raws, entries
}

// fileName is the name of a news record's file, the same in both folders.
func fileName(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

func TestCurateArchiveMovesOldStoriesToTheArchive(t *testing.T) {
	site := retentionSite(t, 1500, "30d", "", importInProcess(t))
	before := newsFiles(t, site)
	st := openSite(t, site)
	rawBefore, entriesBefore := storedNews(t, st)
	st.Close()
	newest := map[string]time.Time{}
	for _, e := range entriesBefore {
		if e.PublishedAt.After(newest[e.Story]) {
			newest[e.Story] = e.PublishedAt
		}
	}
	cut := retentionUntil.Add(-30 * 24 * time.Hour)
	due, stories := 0, map[string]bool{}
	for _, e := range entriesBefore {
		if e.Story == "" {
			t.Fatalf("%s: imported without a story", e.Path)
		}
		if newest[e.Story].Before(cut) {
			due++
			stories[e.Story] = true
		}
	}

	code, out, errs := run(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("curate --archive: %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"retention: " + strconv.Itoa(len(entriesBefore)) + " news; " + strconv.Itoa(due) + " archived (" + strconv.Itoa(len(stories)) + " stories older than 30 days), 0 restored, 0 purged",
		"files:     " + strconv.Itoa(due) + " moved, 0 removed\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	after := newsFiles(t, site)
	st = openSite(t, site)
	rawAfter, entriesAfter := storedNews(t, st)
	if len(after) != len(before) || len(rawAfter) != len(rawBefore) {
		t.Fatalf("%d files and %d records after, %d and %d before", len(after), len(rawAfter), len(before), len(rawBefore))
	}
	moved := 0
	for p, data := range before {
		e := entriesBefore[p]
		want := p
		if newest[e.Story].Before(cut) {
			want = content.ArchiveDir + fileName(p)
			moved++
		}
		if got, ok := after[want]; !ok || !bytes.Equal(got, data) {
			t.Errorf("%s: want the same bytes at %s (there: %v)", p, want, ok)
		}
		if raw, ok := rawAfter[want]; !ok || !bytes.Equal(raw, rawBefore[p]) {
			t.Errorf("%s: the store does not hold its bytes at %s (there: %v)", p, want, ok)
		}
		if a := entriesAfter[want]; a.Archived != strings.HasPrefix(want, content.ArchiveDir) || a.Version == e.Version && want != p {
			t.Errorf("%s: stored archived %v, version %d (was %d)", want, a.Archived, a.Version, e.Version)
		}
	}
	if moved != due {
		t.Errorf("%d files moved, want %d", moved, due)
	}
	// The lists the hub view publishes: only current news.
	no := false
	current, err := st.News(context.Background(), store.NewsQuery{Archived: &no, PublishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range current {
		if !newest[r.Article.Story].After(cut) && !newest[r.Article.Story].Equal(cut) {
			t.Errorf("%s: listed as current, its story's newest article is %s", r.Path, newest[r.Article.Story])
		}
	}
}

func TestCurateArchivePurgesAndIngestKnowsThePurged(t *testing.T) {
	site := retentionSite(t, 600, "30d", "60d", importInProcess(t))
	code, out, errs := run(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339))
	if code != 0 {
		t.Fatalf("curate --archive: %d\n%s\n%s", code, out, errs)
	}
	m := regexp.MustCompile(`(\d+) purged \(unpublished, older than 60 days; (\d+) keys kept\)`).FindStringSubmatch(out)
	if m == nil || m[1] == "0" {
		t.Fatalf("output does not report purged duplicates:\n%s", out)
	}
	st := openSite(t, site)
	var purged []store.Tombstone
	if err := st.Tombstones(context.Background(), func(ts store.Tombstone) error { purged = append(purged, ts); return nil }); err != nil {
		t.Fatal(err)
	}
	if strconv.Itoa(len(purged)) != m[2] {
		t.Errorf("%d tombstones, the output says %s keys", len(purged), m[2])
	}
	for _, ts := range purged {
		if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(ts.Path))); !os.IsNotExist(err) {
			t.Errorf("%s: purged, its file is still there (%v)", ts.Path, err)
		}
	}
	// explain names what happened to a purged article's address.
	code, out, _ = run(t, "--site", site, "explain", purged[0].Key)
	if code != 0 || !strings.Contains(out, "purged") || !strings.Contains(out, purged[0].Path) {
		t.Errorf("explain of a purged article: %d\n%s", code, out)
	}
}

func TestRetentionSettingsErrorsNameTheFileAndLine(t *testing.T) {
	site := retentionSite(t, 50, "30d", "", importInProcess(t))
	st := openSite(t, site)
	g0, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	cfg, err := os.ReadFile(filepath.Join(site, "_config.yml"))
	if err != nil {
		t.Fatal(err)
	}
	line := 1 + bytes.Count(cfg[:bytes.Index(cfg, []byte("archive_after:"))], []byte("\n"))
	file := filepath.Join(site, "_config.yml")
	tests := []struct {
		setting string
		args    []string
		want    string
	}{
		{"archive_after: 6m\n", []string{"curate", "--archive"}, `archive_after: "6m" is not an age: minutes or months? write months as 6mo`},
		{"archive_after: 30d\npurge_after: soon\n", []string{"curate", "--archive"}, `:` + strconv.Itoa(line+1) + `: purge_after: "soon" is not an age`},
		{"archive_after: 0d\n", []string{"ingest", "--once"}, "archive_after: \"0d\" is not an age: want more than nothing, or off"},
		{"archive_after: [30d]\n", []string{"serve", "--addr", "127.0.0.1:0"}, "archive_after: expected a string"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " ")+" "+strings.TrimSpace(tt.setting), func(t *testing.T) {
			editConfig(t, site, regexp.MustCompile(`(?m)^archive_after: .*\n(purge_after: .*\n)?`), tt.setting)
			code, out, errs := run(t, append([]string{"--site", site}, tt.args...)...)
			if code != ExitFailure || !strings.Contains(errs, file+":") || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d, want %d and an error naming %s:LINE with %q:\n%s\n%s", code, ExitFailure, file, tt.want, out, errs)
			}
			if !regexp.MustCompile(regexp.QuoteMeta(file) + `:\d+: `).MatchString(errs) {
				t.Errorf("the error gives no line:\n%s", errs)
			}
			st := openSite(t, site)
			if g, _ := st.Generation(context.Background()); g != g0 {
				t.Errorf("the store was written (generation %d -> %d)", g0, g)
			}
			st.Close()
		})
	}
	// import reports the file by its line and keeps the configuration it had.
	editConfig(t, site, regexp.MustCompile(`(?m)^archive_after: .*\n`), "archive_after: 6m\n")
	code, out, errs := run(t, "--site", site, "import")
	if !strings.Contains(out+errs, "_config.yml:"+strconv.Itoa(line)+": archive_after: \"6m\" is not an age") {
		t.Errorf("import: %d, want it to report _config.yml:%d:\n%s\n%s", code, line, out, errs)
	}
}

// TestCurateArchiveKilledMidwayLeavesAConsistentHub kills `curate
// --archive` with SIGKILL part-way, at several points, and checks that the
// hub is consistent each time (every record and every file at one of its
// two paths, never both or neither; every story whole in the store), and
// that running it again gives what an uninterrupted run gives.
func TestCurateArchiveKilledMidwayLeavesAConsistentHub(t *testing.T) {
	t.Parallel() // most of it waits on the curates it runs and kills
	if testing.Short() {
		t.Skip("builds the binary and moves thousands of records")
	}
	bin := testutil.BuildBinary(t)
	now := retentionUntil.Format(time.RFC3339)
	base := retentionSite(t, 3000, "30d", "60d", func(site string) {
		if out, err := exec.Command(bin, "--site", site, "import").CombinedOutput(); err != nil {
			t.Fatalf("import: %v\n%s", err, out)
		}
	})
	names := map[string]bool{}
	for p := range newsFiles(t, base) {
		names[fileName(p)] = true
	}
	control := copySite(t, base)
	if out, err := exec.Command(bin, "--site", control, "curate", "--archive", "--now", now).CombinedOutput(); err != nil {
		t.Fatalf("curate --archive: %v\n%s", err, out)
	}
	controlFiles := newsFiles(t, control)
	controlRaws, _ := storedNews(t, openSite(t, control))

	// Kill at a batch the log reports: purges, then moves, the last of
	// which is followed by the files' renames.
	lastMove := regexp.MustCompile(`retention: moved.* done=(\d+) of=(\d+)`)
	for _, at := range []struct {
		name  string
		kill  func(line string, n int) bool // n: lines seen with "retention: "
		delay time.Duration
	}{
		{"at the first purge", func(l string, _ int) bool { return strings.Contains(l, "retention: purged") }, 0},
		{"at a move", func(l string, n int) bool { return strings.Contains(l, "retention: moved") && n >= 3 }, 0},
		{"after the last move", func(l string, _ int) bool { m := lastMove.FindStringSubmatch(l); return m != nil && m[1] == m[2] }, 0},
		{"while files move", func(l string, _ int) bool { m := lastMove.FindStringSubmatch(l); return m != nil && m[1] == m[2] }, 15 * time.Millisecond},
	} {
		t.Run(at.name, func(t *testing.T) {
			site := copySite(t, base)
			cmd := exec.Command(bin, "--site", site, "curate", "--archive", "--now", now)
			stderr, err := cmd.StderrPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			lines, seen, killed := bufio.NewScanner(stderr), 0, false
			for lines.Scan() {
				if !strings.Contains(lines.Text(), "retention: ") {
					continue
				}
				if seen++; at.kill(lines.Text(), seen) {
					time.Sleep(at.delay)
					killed = cmd.Process.Signal(syscall.SIGKILL) == nil
					break
				}
			}
			cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !killed || !ok || !ws.Signaled() {
				t.Fatalf("curate --archive ended before the kill (%d lines seen)", seen)
			}
			archived := 0
			for p := range newsFiles(t, site) {
				if strings.HasPrefix(p, content.ArchiveDir) {
					archived++
				}
			}
			t.Logf("killed with %d files in _archive/news/", archived)
			checkConsistent(t, site, names)

			if out, err := exec.Command(bin, "--site", site, "curate", "--archive", "--now", now).CombinedOutput(); err != nil {
				t.Fatalf("curate --archive again: %v\n%s", err, out)
			}
			files := newsFiles(t, site)
			raws, _ := storedNews(t, openSite(t, site))
			sameSet(t, "files", files, controlFiles)
			sameSet(t, "records", raws, controlRaws)
			sqlitetest.AssertIntegrity(t, filepath.Join(site, ".newshub", "newshub.db"))
		})
	}
}

// checkConsistent fails the test unless every news name of the hub is at
// exactly one of its two paths in the folder, and at most one in the store
// (none: purged), and no story of the store is split between the folders.
func checkConsistent(t *testing.T, site string, names map[string]bool) {
	t.Helper()
	files := newsFiles(t, site)
	st := openSite(t, site)
	defer st.Close()
	_, entries := storedNews(t, st)
	purged := map[string]bool{}
	if err := st.Tombstones(context.Background(), func(ts store.Tombstone) error { purged[fileName(ts.Path)] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	inFolder, inStore := map[string]int{}, map[string]int{}
	for p := range files {
		inFolder[fileName(p)]++
	}
	sides := map[string]map[bool]bool{}
	for p, e := range entries {
		inStore[fileName(p)]++
		if sides[e.Story] == nil {
			sides[e.Story] = map[bool]bool{}
		}
		sides[e.Story][e.Archived] = true
	}
	for n := range names {
		if inFolder[n] > 1 || inStore[n] > 1 {
			t.Errorf("%s: %d files, %d records", n, inFolder[n], inStore[n])
		}
		if inStore[n] == 0 && !purged[n] {
			t.Errorf("%s: gone from the store without being purged", n)
		}
		if inFolder[n] == 0 && !purged[n] {
			t.Errorf("%s: gone from the folder without being purged", n)
		}
	}
	for id, s := range sides {
		if len(s) > 1 {
			t.Errorf("story %s is split between _news/ and _archive/news/ in the store", id)
		}
	}
}

// sameSet fails the test unless got and want hold the same paths with the
// same bytes.
func sameSet(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	diff := 0
	for p, b := range want {
		if g, ok := got[p]; !ok || !bytes.Equal(g, b) {
			if diff++; diff <= 5 {
				t.Errorf("%s: %s differs from the uninterrupted run's (present: %v)", what, p, ok)
			}
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			if diff++; diff <= 5 {
				t.Errorf("%s: %s is not in the uninterrupted run's", what, p)
			}
		}
	}
	if diff > 0 {
		t.Errorf("%s: %d differences from the uninterrupted run", what, diff)
	}
}

// copySite copies a site folder, its database included.
func copySite(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "site")
	copyTree(t, src, dst)
	return dst
}

// TestCurateArchiveAgesAnImportedArticleDatedAheadFromItsImport: an
// article a hub imports dated years ahead (a clock or time-zone error of
// the hub it came from), with the lifecycle values that keep its date as
// it is, is archived archive_after its import, as one
// dated on the day of the import would be, where it stayed current until
// years after its date; one imported dated in the past goes by its date.
func TestCurateArchiveAgesAnImportedArticleDatedAheadFromItsImport(t *testing.T) {
	site := retentionSite(t, 30, "30d", "", func(string) {})
	const ahead = "2031-05-04-clock-ran-ahead.md"
	record := "---\ncategory: news\ntitle: \"Observatory opens its doors\"\nexcerpt: \"A record dated five years ahead by its hub's clock.\"\n" +
		"publishedDateTime: 2031-05-04T09:00:00Z\noriginalUrl: \"https://observatory.example/opens\"\n" +
		"webUrl: \"https://observatory.example/opens\"\ntype: article\nheat: 12\npublished: true\n\nprovider:\n  name: Observatory\n  domain: observatory.example\n---\n"
	if err := os.WriteFile(filepath.Join(site, "_news", ahead), []byte(record), 0o644); err != nil {
		t.Fatal(err)
	}
	imported := time.Now()
	importInProcess(t)(site)
	for _, c := range []struct {
		name     string
		now      time.Time
		archived bool
	}{
		{"a week after the import", imported.Add(7 * 24 * time.Hour), false},
		{"31 days after the import", imported.Add(31 * 24 * time.Hour), true},
	} {
		code, out, errs := run(t, "--site", site, "curate", "--archive", "--now", c.now.UTC().Format(time.RFC3339))
		if code != 0 {
			t.Fatalf("%s: curate --archive: exit %d\n%s\n%s", c.name, code, out, errs)
		}
		_, inArchive := os.Stat(filepath.Join(site, "_archive", "news", ahead))
		_, inNews := os.Stat(filepath.Join(site, "_news", ahead))
		if (inArchive == nil) != c.archived || (inNews == nil) == c.archived {
			t.Errorf("%s: archived %v, current %v; want archived %v", c.name, inArchive == nil, inNews == nil, c.archived)
		}
	}
}
