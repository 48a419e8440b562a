package importer

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"newshub/internal/content/contenttest"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
)

func genSite(t testing.TB, articles int, seed int64) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := gen.Generate(context.Background(), dir, gen.Options{Articles: articles, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// importInto imports src into the SQLite database at dbPath.
func importInto(t *testing.T, dbPath, src string, opts Options) Result {
	t.Helper()
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := Import(context.Background(), st, src, opts)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
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
	err = st.ScanValues(context.Background(), nil, func(r *model.Record, value []byte) error {
		snap[r.Path] = string(r.Raw) + "\x00" + string(value)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func TestImportStoresEveryFileAndReportsProgress(t *testing.T) {
	src := genSite(t, 300, 3)
	files := contenttest.SiteFiles(t, src)
	var calls, last, total int
	res := importInto(t, filepath.Join(t.TempDir(), "hub.db"), src, Options{Batch: 50, Workers: 3,
		Progress: func(done, n int) {
			if calls == 0 && done != 0 {
				t.Errorf("first progress call has %d files done, want 0", done)
			}
			if done < last || n != len(files) {
				t.Errorf("progress %d/%d after %d, want a rising count of %d files", done, n, last, len(files))
			}
			calls++
			last, total = done, n
		}})
	if res.Imported() != len(files) || res.Kinds[model.KindNews] != 300 || res.Unchanged != 0 || len(res.Rejected) != 0 {
		t.Errorf("result %+v, want %d records of which 300 news, none unchanged or rejected", res, len(files))
	}
	if last != total || calls < 300/50 {
		t.Errorf("progress ended at %d/%d after %d calls", last, total, calls)
	}
}

// TestBulkImportReadsOneAtATime imports into an empty SQLite store, which
// loads in bulk: its reads then share the writer's one connection and it
// refuses a read begun inside another's callback (sqlite.ErrNestedRead),
// where database/sql would wait for ever. So the import and the curation
// it runs completing is the check that neither nests its reads; the
// deadline only bounds a regression.
func TestBulkImportReadsOneAtATime(t *testing.T) {
	src := genSite(t, 300, 7)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	res, err := Import(ctx, st, src, Options{Batch: 40})
	if err != nil || !res.Bulk || len(res.Rejected) != 0 || res.Kinds[model.KindNews] != 300 {
		t.Fatalf("bulk import: %v, bulk %v, %d rejected, %d news; want 300 news loaded in bulk", err, res.Bulk, len(res.Rejected), res.Kinds[model.KindNews])
	}
}

func TestImportTwiceChangesNothing(t *testing.T) {
	src := genSite(t, 400, 5)
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	importInto(t, dbPath, src, Options{})
	first := storeSnapshot(t, dbPath)
	res := importInto(t, dbPath, src, Options{})
	if res.Unchanged != len(first) || res.Imported() != len(first) {
		t.Errorf("second import: %d records, %d of them unchanged; want all %d unchanged", res.Imported(), res.Unchanged, len(first))
	}
	second := storeSnapshot(t, dbPath)
	if n := len(contenttest.SiteFiles(t, src)); len(first) != n {
		t.Errorf("%d records stored for %d files", len(first), n)
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
	importInto(t, dbPath, src, Options{})
	var changed string
	for p, data := range contenttest.SiteFiles(t, src) {
		if strings.HasPrefix(p, "_news/") && strings.Contains(string(data), "\npublished: true\n") {
			changed = p
			edited := strings.Replace(string(data), "\nexcerpt: \"", "\nexcerpt: \"Updated. ", 1)
			if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(p)), []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	res := importInto(t, dbPath, src, Options{})
	files := contenttest.SiteFiles(t, src)
	if res.Unchanged != len(files)-1 {
		t.Errorf("%d files unchanged, want %d", res.Unchanged, len(files)-1)
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

func TestImportRefusesASourceThatIsNotAFolder(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "_config.yml")
	if err := os.WriteFile(file, []byte("title: x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{file, filepath.Join(dir, "missing")} {
		if _, err := Import(context.Background(), nil, src, Options{}); err == nil {
			t.Errorf("Import(%s) succeeded", src)
		}
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

// writeFile writes data at the site path rel under src.
func writeFile(t *testing.T, src, rel string, data []byte) {
	t.Helper()
	name := filepath.Join(src, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rejection returns the rejection of the file at site path rel, or nil.
func rejection(res Result, src, rel string) *FileError {
	name := filepath.Join(src, filepath.FromSlash(rel))
	for _, e := range res.Rejected {
		if e.Path == name {
			return e
		}
	}
	return nil
}

func TestImportRejectsBadFilesAndKeepsTheRest(t *testing.T) {
	src := genSite(t, 50, 4)
	good := contenttest.SiteFiles(t, src)
	big := strings.Replace(goodNews, "Nothing wrong here.", strings.Repeat("long ", 4000), 1)

	tests := []struct {
		name string
		rel  string
		data string
		line int    // the line the rejection names
		want string // words of the reason
		kept bool   // read, so kept as it is for export to give back
	}{
		{"malformed yaml", "_news/2026-01-02-malformed.md",
			"---\ncategory: news\ntitle: \"never closed\nexcerpt: x\n---\n\n", 3, "", true},
		{"empty front matter", "_news/2026-01-02-empty-front-matter.md", "---\n---\n\n", 0, "", true},
		{"required field missing", "_news/2026-01-02-no-title.md",
			strings.Replace(goodNews, "title: \"A good article\"\n", "", 1), 0, "title", true},
		{"unparsable date", "_news/2026-01-02-bad-date.md",
			strings.Replace(strings.Replace(goodNews, "2026-01-02T10:00:00Z", "the day after tomorrow", 1), "/good", "/bad-date", 2), 5, "publishedDateTime", true},
		{"invalid utf-8", "_news/2026-01-02-bad-utf8.md",
			strings.Replace(strings.Replace(goodNews, "A good article", "A bad \xff article", 1), "/good", "/utf8", 2), 3, "UTF-8", true},
		{"over the size cap", "_news/2026-01-02-too-big.md",
			strings.Replace(big, "/good", "/big", 2), 1, "size cap", false},
	}
	for _, tt := range tests {
		writeFile(t, src, tt.rel, []byte(tt.data))
	}
	// A good file beside the bad ones.
	writeFile(t, src, "_news/2026-01-02-a-good-article.md", []byte(goodNews))

	// Symbolic links: one to itself, one to a folder above it.
	if err := os.Symlink("self-loop.md", filepath.Join(src, "_news", "self-loop.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("..", filepath.Join(src, "_news", "up")); err != nil {
		t.Fatal(err)
	}
	unreadable := os.Geteuid() != 0 // root reads everything
	if unreadable {
		writeFile(t, src, "_news/2026-01-02-unreadable.md", []byte(goodNews))
		if err := os.Chmod(filepath.Join(src, "_news", "2026-01-02-unreadable.md"), 0); err != nil {
			t.Fatal(err)
		}
	}

	dbPath := filepath.Join(t.TempDir(), "hub.db")
	var streamed []string
	res := importInto(t, dbPath, src, Options{MaxSize: 16 << 10, Reject: func(e *FileError) { streamed = append(streamed, e.Error()) }})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := rejection(res, src, tt.rel)
			if e == nil {
				t.Fatalf("no rejection of %s in %v", tt.rel, res.Rejected)
			}
			if e.Line < 1 {
				t.Fatalf("rejection %q names no line", e)
			}
			if tt.line > 0 && e.Line != tt.line {
				t.Errorf("rejection %q names line %d, want %d", e, e.Line, tt.line)
			}
			if !strings.Contains(e.Err.Error(), tt.want) {
				t.Errorf("rejection %q does not mention %q", e, tt.want)
			}
			if want := fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err); e.Error() != want {
				t.Errorf("rejection reads %q, want path:line: reason", e.Error())
			}
		})
	}
	for _, c := range []struct{ rel, want string }{
		{"_news/self-loop.md", "symbolic link loop"},
		{"_news/up", "symbolic link loop"},
	} {
		if e := rejection(res, src, c.rel); e == nil || !strings.Contains(e.Error(), c.want) {
			t.Errorf("%s: rejection %v, want %q", c.rel, e, c.want)
		}
	}
	if unreadable {
		if e := rejection(res, src, "_news/2026-01-02-unreadable.md"); e == nil || !strings.Contains(e.Error(), "permission denied") {
			t.Errorf("unreadable file: rejection %v", e)
		}
	}
	wantRejected := len(tests) + 2
	if unreadable {
		wantRejected++
	}
	if len(res.Rejected) != wantRejected {
		t.Errorf("%d files rejected, want %d: %v", len(res.Rejected), wantRejected, res.Rejected)
	}
	if len(streamed) != len(res.Rejected) {
		t.Errorf("%d rejections streamed, %d in the result", len(streamed), len(res.Rejected))
	}

	// Every good file is in, the bad ones read kept as they are, nothing
	// else, and the database is sound.
	snap := storeSnapshot(t, dbPath)
	for p := range good {
		if _, ok := snap[p]; !ok {
			t.Errorf("good file %s was not imported", p)
		}
	}
	if _, ok := snap["_news/2026-01-02-a-good-article.md"]; !ok {
		t.Error("the good file among the bad ones was not imported")
	}
	kept := 0
	for _, tt := range tests {
		stored, ok := snap[tt.rel]
		switch {
		case tt.kept && !strings.HasPrefix(stored, tt.data+"\x00"):
			t.Errorf("%s: rejected but not kept as it is (stored: %v)", tt.name, ok)
		case !tt.kept && ok:
			t.Errorf("%s: stored, want it left out", tt.name)
		}
		if tt.kept {
			kept++
		}
	}
	if res.Unread != kept {
		t.Errorf("%d files counted as kept unread, want the %d read", res.Unread, kept)
	}
	if want := len(good) + 1 + kept; len(snap) != want || res.Imported() != want {
		t.Errorf("%d records stored, %d counted, want %d", len(snap), res.Imported(), want)
	}
	sqlitetest.AssertIntegrity(t, dbPath)
}

// TestImportRejectsNamesABuildCannotPlace imports records whose names
// would make no page (or no file) and checks each is rejected with its
// reason, the rest imported.
func TestImportRejectsNamesABuildCannotPlace(t *testing.T) {
	topic := func(id string) string {
		return "taxonomy: topic\n_id: " + id + "\nname: Topic " + id + "\n"
	}
	news := func(slug string) string {
		return strings.Replace(goodNews, "/good", "/"+slug, 2)
	}
	tests := []struct {
		name, rel, data string
		line            int
		want            string
	}{
		{"a news name shaped like a date that is not one", "_news/2026-..-01-x.md", news("dots"), 1, `"2026-..-01" is not one`},
		{"a news name with no slug after its date", "_news/2026-01-01-...md", news("noslug"), 1, "no slug"},
		{"a backslash in a file name", `_news/2026-01-01-back\slash.md`, news("backslash"), 1, "backslash"},
		{"a name too long for a page", "_news/2026-01-01-" + strings.Repeat("a", 220) + ".md", news("long"), 1, "longer than 200 bytes"},
		{"a control character in a name", "_learning/courses/tab\tname.md", "---\ntitle: x\n---\n", 1, "control character"},
		{"a topic _id of ..", "_data/topics/10-dots.yaml", topic(".."), 2, "cannot name a folder"},
		{"a topic _id with a slash", "_data/topics/11-slash.yaml", topic("a/b"), 2, "a slash"},
		{"a topic _id of 300 bytes", "_data/topics/12-long.yaml", topic(strings.Repeat("x", 300)), 2, "longer than 200 bytes"},
	}
	src := t.TempDir()
	for _, tt := range tests {
		writeFile(t, src, tt.rel, []byte(tt.data))
	}
	writeFile(t, src, "_news/2026-01-02-a-good-article.md", []byte(goodNews))
	writeFile(t, src, "_data/topics/00-fine.yaml", []byte(topic("fine.topic_1")))

	res := importInto(t, filepath.Join(t.TempDir(), "hub.db"), src, Options{})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := rejection(res, src, tt.rel)
			if e == nil {
				t.Fatalf("%s was not rejected: %v", tt.rel, res.Rejected)
			}
			if e.Line != tt.line || !strings.Contains(e.Err.Error(), tt.want) {
				t.Errorf("rejection %q, want line %d and %q", e, tt.line, tt.want)
			}
		})
	}
	if len(res.Rejected) != len(tests) || res.Kinds[model.KindNews] != 1 || res.Kinds[model.KindTopic] != 1 {
		t.Errorf("%d rejected, %v imported; want %d rejected, the good news and topic imported", len(res.Rejected), res.Kinds, len(tests))
	}
}

// TestImportRejectsWhatCurationLeavesOut imports a batch in which
// curation refuses one article (a blank title and no curated values to
// carry it): that file is rejected with curation's reason, the others of
// its batch are stored.
func TestImportRejectsWhatCurationLeavesOut(t *testing.T) {
	src := t.TempDir()
	fresh := func(title, slug string) string {
		s := strings.Replace(goodNews, `title: "A good article"`, `title: "`+title+`"`, 1)
		s = strings.Replace(s, "/good", "/"+slug, 2)
		// No quality, heat or published: curation computes them.
		return strings.Replace(s, "quality: 80\nheat: 80\npublished: true\n", "", 1)
	}
	writeFile(t, src, "_news/2026-01-02-blank.md", []byte(fresh("   ", "blank")))
	writeFile(t, src, "_news/2026-01-02-first.md", []byte(fresh("First of the batch", "first")))
	writeFile(t, src, "_news/2026-01-02-second.md", []byte(fresh("Second of the batch", "second")))
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	res := importInto(t, dbPath, src, Options{})
	e := rejection(res, src, "_news/2026-01-02-blank.md")
	if e == nil || e.Error() != filepath.Join(src, "_news", "2026-01-02-blank.md")+":1: no title" {
		t.Errorf("rejection %v, want path:1: no title", e)
	}
	if len(res.Rejected) != 1 || res.Kinds[model.KindNews] != 2 {
		t.Errorf("%d rejected, %d news imported; want 1 and 2", len(res.Rejected), res.Kinds[model.KindNews])
	}
	snap := storeSnapshot(t, dbPath)
	if _, ok := snap["_news/2026-01-02-blank.md"]; ok || len(snap) != 2 {
		t.Errorf("stored %d records (blank one stored: %v), want the two others", len(snap), ok)
	}
}

// TestImportSaysWhetherItMerged checks Merged, which import's summary
// reads to say it merged the folder into the records the store held: so
// it does where the store held others or other bytes, and not where it
// held only what the folder gives, as a new site's store does once its
// first commands stored the configuration.
func TestImportSaysWhetherItMerged(t *testing.T) {
	tests := []struct {
		name   string
		before func(t *testing.T, dbPath, src string) // what the store holds before the import of src
		want   bool
	}{
		{"an empty store", func(*testing.T, string, string) {}, false},
		{"the configuration synced", func(t *testing.T, dbPath, src string) {
			st, err := sqlite.Open(context.Background(), dbPath)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if _, err := SyncSite(context.Background(), st, src); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"the folder imported before", func(t *testing.T, dbPath, src string) {
			importInto(t, dbPath, src, Options{})
		}, false},
		{"the folder imported before a file's edit", func(t *testing.T, dbPath, src string) {
			importInto(t, dbPath, src, Options{})
			writeFile(t, src, "_config.yml", []byte("title: Edited\n"))
		}, true},
		{"another hub", func(t *testing.T, dbPath, src string) {
			importInto(t, dbPath, genSite(t, 5, 2), Options{})
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := genSite(t, 5, 1)
			dbPath := filepath.Join(t.TempDir(), "hub.db")
			tt.before(t, dbPath, src)
			res := importInto(t, dbPath, src, Options{})
			if res.Merged() != tt.want {
				t.Errorf("Merged() = %v, want %v (held %d, unchanged %d, replaced %d)", res.Merged(), tt.want, res.Held, res.Unchanged, res.Replaced)
			}
		})
	}
}
