package probe

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

// Sizes of the concurrent-writer tests: a hub of hubArticles generated
// articles, of which the edits newest are edited by an import running
// while another writer curates the hub.
const (
	hubArticles = 5000
	edits       = 1500
)

// delays are how long after the first writer the import starts, one run
// after the other until the two writers have raced: the other writer says
// it curated records again because the import changed them after it read
// them (before the fix, the edits were lost instead).
var delays = []time.Duration{200 * time.Millisecond, 500 * time.Millisecond, 50 * time.Millisecond}

// What curate and ingest say when they curate again what another writer
// changed.
var (
	curatedAgain = regexp.MustCompile(`(\d+) records changed by another writer meanwhile were curated again`)
	batchesAgain = regexp.MustCompile(`(\d+) batches curated again`)
)

// TestCurateAndImportLoseNoEdits runs `curate` over a freshly imported hub
// (it rewrites every article) and, while it runs, an `import` of edited
// versions of the newest articles (the ones curate writes last). Every
// edit must survive: curate may recompute what it computes, but never put
// back a title or excerpt it read before the edit.
func TestCurateAndImportLoseNoEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs curate and import on a generated hub")
	}
	h := newImportedHub(t)
	pristine := h.saveDB()
	edited := h.writeEdits(h.newest(edits))

	for attempt, delay := range delays {
		h.restoreDB(pristine)
		r := h.race([]string{"curate"}, delay, []string{"import", "--batch", "500", edited.dir})
		lost := h.lostEdits(edited)
		t.Logf("run %d: %s; curate: %s", attempt+1, r, strings.TrimSpace(r.firstOut))
		if len(lost) > 0 {
			t.Fatalf("%d of %d edits lost, e.g. %s", len(lost), len(edited.recs), strings.Join(lost[:min(3, len(lost))], "; "))
		}
		// What curate computes was computed again over the edits: every
		// story has one lead.
		if bad := h.storiesWithoutOneLead(); len(bad) > 0 {
			t.Errorf("%d stories have no lead or several, e.g. %s", len(bad), bad[0])
		}
		if r.raced(curatedAgain) {
			return
		}
	}
	t.Fatalf("curate and import never raced in %d runs: curate read no record before the import changed it", len(delays))
}

// TestIngestAndImportLoseNoEdits runs `ingest` of feeds whose items are
// further coverage of the newest stories of a curated hub (so each batch
// rewrites the stored articles of the stories it joins) and, while it
// runs, an `import` of edited versions of those articles. Every edit must
// survive.
func TestIngestAndImportLoseNoEdits(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs ingest and import on a generated hub")
	}
	h := newImportedHub(t) // generated records carry their stories, leads and heat
	newest := h.newest(edits)
	srv := httptest.NewServer(coverageFeeds(newest, 30))
	defer srv.Close()
	// Listed after the import: ingest brings the store's configuration in
	// step with the folder as it starts.
	h.addSources(srv.URL, 30)
	pristine := h.saveDB()
	edited := h.writeEdits(newest)

	for attempt, delay := range delays {
		h.restoreDB(pristine)
		r := h.race([]string{"ingest", "--once", "--all", "--no-pages", "--batch", "100"}, delay,
			[]string{"import", "--batch", "100", edited.dir})
		lost := h.lostEdits(edited)
		t.Logf("run %d: %s; ingest: %s", attempt+1, r, strings.Join(strings.Fields(r.firstOut), " "))
		if !strings.Contains(r.firstOut, fmt.Sprintf(" %d new,", edits)) {
			t.Fatalf("ingest did not store the %d items:\n%s", edits, r.firstOut)
		}
		if len(lost) > 0 {
			t.Fatalf("%d of %d edits lost, e.g. %s", len(lost), len(edited.recs), strings.Join(lost[:min(3, len(lost))], "; "))
		}
		if r.raced(batchesAgain) {
			return
		}
	}
	t.Fatalf("ingest and import never raced in %d runs: ingest read no record before the import changed it", len(delays))
}

// coverageFeeds serves n RSS feeds at /feeds/N.xml whose items, spread
// over them, carry the headlines of recs from other publishers an hour
// later: coverage that joins each record's story.
func coverageFeeds(recs []*model.Record, n int) http.Handler {
	feeds := make([]bytes.Buffer, n)
	for i := range feeds {
		fmt.Fprintf(&feeds[i], `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Wire %d</title><link>https://wire%d.example/</link><description>Wire</description>
`, i, i)
	}
	for i, rec := range recs {
		a, f := rec.Article, &feeds[i%n]
		link := fmt.Sprintf("https://wire%d.example/news/%s-%d", i%n, content.Slug(a.Title), i)
		fmt.Fprintf(f, "<item><title>%s</title><link>%s</link><guid>%s</guid><pubDate>%s</pubDate><description>%s</description></item>\n",
			html.EscapeString(a.Title), link, link, a.PublishedDateTime.Add(time.Hour).Format(time.RFC1123Z), html.EscapeString(a.Excerpt))
	}
	mux := http.NewServeMux()
	for i := range feeds {
		body := append(feeds[i].Bytes(), "</channel></rss>\n"...)
		mux.HandleFunc(fmt.Sprintf("/feeds/%d.xml", i), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(body)
		})
	}
	return mux
}

// addSources lets the hub fetch from loopback and lists n feeds of base.
func (h *hub) addSources(base string, n int) {
	h.t.Helper()
	cfg := filepath.Join(h.site, "_config.yml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		h.t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(data, "allow_private_networks: true\n"...), 0o644); err != nil {
		h.t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("sources:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - url: %s/feeds/%d.xml\n    provider: wire%d.example\n", base, i, i)
	}
	if err := os.WriteFile(filepath.Join(h.site, "_data", "sources.yaml"), []byte(b.String()), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// hub is a generated site imported into a SQLite store, and the binary.
type hub struct {
	t    *testing.T
	bin  string
	dir  string // scratch folder
	site string
	db   string
}

// newImportedHub returns a hub of hubArticles generated articles,
// imported: a copy of one generated and imported once for the tests, which
// all start from the same.
func newImportedHub(t *testing.T) *hub {
	t.Helper()
	shared.once.Do(func() {
		h := &hub{t: t, bin: binary, dir: filepath.Join(filepath.Dir(binary), "hub")} // removed with the binary
		h.site = filepath.Join(h.dir, "site")
		h.db = filepath.Join(h.dir, "hub.db")
		h.run("gen", "--articles", fmt.Sprint(hubArticles), "--seed", "11", h.site)
		h.run("import")
		shared.hub = h
	})
	if shared.hub == nil {
		t.Fatal("the shared hub could not be made (see the test that made it)")
	}
	h := &hub{t: t, bin: binary, dir: t.TempDir()}
	h.site = filepath.Join(h.dir, "site")
	h.db = filepath.Join(h.dir, "hub.db")
	if err := os.CopyFS(h.site, os.DirFS(shared.hub.site)); err != nil {
		t.Fatal(err)
	}
	copyFile(t, shared.hub.db, h.db) // closed by import: whole by itself
	return h
}

// shared is the imported hub newImportedHub copies.
var shared struct {
	once sync.Once
	hub  *hub
}

// newHubOf generates a hub of n articles (not imported yet).
func newHubOf(t *testing.T, n int) *hub {
	t.Helper()
	h := &hub{t: t, bin: binary, dir: t.TempDir()}
	h.site = filepath.Join(h.dir, "site")
	h.db = filepath.Join(h.dir, "hub.db")
	h.run("gen", "--articles", fmt.Sprint(n), "--seed", "11", h.site)
	return h
}

// command returns the binary run on the hub with args.
func (h *hub) command(args ...string) *exec.Cmd {
	return exec.Command(h.bin, append([]string{"--site", h.site, "--db", "sqlite:" + h.db}, args...)...)
}

// run runs the binary to the end and fails the test when it fails.
func (h *hub) run(args ...string) string {
	h.t.Helper()
	out, err := h.command(args...).CombinedOutput()
	if err != nil {
		h.t.Fatalf("newshub %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// saveDB copies the database (closed, so its log is checkpointed) aside.
func (h *hub) saveDB() string {
	h.t.Helper()
	if _, err := os.Stat(h.db + "-wal"); err == nil {
		h.t.Fatalf("%s-wal left behind by a closed store", h.db)
	}
	saved := h.db + ".saved"
	copyFile(h.t, h.db, saved)
	return saved
}

func (h *hub) restoreDB(saved string) {
	h.t.Helper()
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(h.db + suffix)
	}
	copyFile(h.t, saved, h.db)
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// newest returns the n newest news records of the generated site.
func (h *hub) newest(n int) []*model.Record {
	h.t.Helper()
	var recs []*model.Record
	for _, dir := range []string{"_news", "_archive/news"} {
		names, err := os.ReadDir(filepath.Join(h.site, filepath.FromSlash(dir)))
		if err != nil && !os.IsNotExist(err) {
			h.t.Fatal(err)
		}
		for _, e := range names {
			rel := dir + "/" + e.Name()
			data, err := os.ReadFile(filepath.Join(h.site, filepath.FromSlash(rel)))
			if err != nil {
				h.t.Fatal(err)
			}
			rec, err := content.Parse(rel, data)
			if err != nil {
				h.t.Fatalf("generated record %s: %v", rel, err)
			}
			recs = append(recs, rec)
		}
	}
	slices.SortFunc(recs, func(a, b *model.Record) int {
		if c := b.Article.PublishedDateTime.Compare(a.Article.PublishedDateTime); c != 0 {
			return c
		}
		return strings.Compare(a.Path, b.Path)
	})
	if len(recs) < n {
		h.t.Fatalf("only %d news records generated, want %d", len(recs), n)
	}
	return recs[:n]
}

// editSet is a folder of edited records and what each now says.
type editSet struct {
	dir  string
	recs map[string]*model.Article // by path: the edited values
}

// writeEdits edits the title and excerpt of each record (as an editor
// would, in the file) and writes the files under a folder of their own.
func (h *hub) writeEdits(recs []*model.Record) editSet {
	h.t.Helper()
	set := editSet{dir: filepath.Join(h.dir, "edits"), recs: map[string]*model.Article{}}
	for i, rec := range recs {
		a := rec.Article
		a.Title = fmt.Sprintf("Edited %d: %s", i, a.Title)
		a.Excerpt = fmt.Sprintf("An editor rewrote this excerpt (%d).", i)
		if err := content.Render(rec); err != nil {
			h.t.Fatal(err)
		}
		file := filepath.Join(set.dir, filepath.FromSlash(rec.Path))
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			h.t.Fatal(err)
		}
		if err := os.WriteFile(file, rec.Raw, 0o644); err != nil {
			h.t.Fatal(err)
		}
		set.recs[rec.Path] = a
	}
	return set
}

// lostEdits lists the edited records whose stored title or excerpt is not
// the edited one.
func (h *hub) lostEdits(set editSet) []string {
	h.t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	var lost []string
	for p, want := range set.recs {
		got, err := st.Get(ctx, p)
		if err != nil {
			lost = append(lost, fmt.Sprintf("%s: %v", p, err))
			continue
		}
		if got.Article.Title != want.Title || got.Article.Excerpt != want.Excerpt {
			lost = append(lost, fmt.Sprintf("%s: title %q", p, got.Article.Title))
		}
	}
	slices.Sort(lost)
	return lost
}

// raceResult is what happened when two writers ran at once.
type raceResult struct {
	firstOut, secondOut string
	// firstAlive says the first writer was still running when the second
	// ended; wroteAfter says the store's generation moved after the
	// second ended, so the first wrote after the second had committed.
	firstAlive, wroteAfter bool
	firstTook, secondTook  time.Duration
}

// raced reports whether the two writers raced: the first one ran and
// wrote past the second's end and says (said) it curated again records
// the second had changed.
func (r raceResult) raced(said *regexp.Regexp) bool {
	m := said.FindStringSubmatch(r.firstOut)
	return r.firstAlive && r.wroteAfter && m != nil && m[1] != "0"
}

func (r raceResult) String() string {
	return fmt.Sprintf("first writer took %s, second %s; first still running when the second ended: %v; first wrote after: %v",
		r.firstTook.Round(time.Millisecond), r.secondTook.Round(time.Millisecond), r.firstAlive, r.wroteAfter)
}

// race starts the first command, the second one delay later, waits for
// both, and fails the test when either fails.
func (h *hub) race(first []string, delay time.Duration, second []string) raceResult {
	h.t.Helper()
	var r raceResult
	var out1, log1, out2 bytes.Buffer
	c1 := h.command(first...)
	c1.Stdout, c1.Stderr = &out1, &log1
	start := time.Now()
	if err := c1.Start(); err != nil {
		h.t.Fatal(err)
	}
	done1 := make(chan error, 1)
	go func() { done1 <- c1.Wait() }()
	time.Sleep(delay)

	c2 := h.command(second...)
	c2.Stdout, c2.Stderr = &out2, &out2
	start2 := time.Now()
	err2 := c2.Run()
	r.secondTook = time.Since(start2)
	genAtSecondEnd := h.generation()
	var err1 error
	select {
	case err1 = <-done1:
	default:
		r.firstAlive = true
		err1 = <-done1
	}
	r.firstTook = time.Since(start)
	r.wroteAfter = h.generation() != genAtSecondEnd
	r.firstOut, r.secondOut = out1.String(), out2.String()
	if err1 != nil {
		h.t.Fatalf("newshub %s: %v\n%s\nits warnings and errors:\n%s", strings.Join(first, " "), err1, r.firstOut, notices(log1.String()))
	}
	if err2 != nil {
		h.t.Fatalf("newshub %s: %v\n%s", strings.Join(second, " "), err2, r.secondOut)
	}
	return r
}

// notices returns the lines of a log that warn or tell of an error.
func notices(log string) string {
	var out []string
	for line := range strings.Lines(log) {
		if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") || !strings.Contains(line, "level=") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}

// query runs a read-only query on the hub's database and returns the
// first column of each row.
func (h *hub) query(q string) []string {
	h.t.Helper()
	db, err := sql.Open("sqlite", h.db+"?_pragma=busy_timeout(10000)&_pragma=query_only(1)")
	if err != nil {
		h.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(q)
	if err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			h.t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		h.t.Fatal(err)
	}
	return out
}

// generation reads the store's write counter.
func (h *hub) generation() string {
	return h.query(`SELECT value FROM generation WHERE id = 1`)[0]
}

// storiesWithoutOneLead lists the stories with no published article or
// more than one.
func (h *hub) storiesWithoutOneLead() []string {
	return h.query(`SELECT story || ': ' || sum(published) || ' leads' FROM records
		WHERE kind = 'news' GROUP BY story HAVING sum(published) <> 1`)
}
