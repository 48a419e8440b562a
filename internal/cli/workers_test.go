package cli

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// newsroom is the web the worker tests ingest: publishers (an httptest
// server each) serving feeds and article pages from the templates in
// testdata/workers, counting every request. Some articles are in two
// feeds of different publishers (a wire story), and many publishers have
// a "Morning briefing" of the same title and time, so workers storing
// them at once contend for one record path.
type newsroom struct {
	hosts []*httptest.Server
	feeds []string // feed f is served by hosts[f%len(hosts)]
	items int
	delay time.Duration // before a feed answers
	now   time.Time

	feedTmpl, pageTmpl *template.Template

	mu   sync.Mutex
	hits map[string]int // requests by URL, feeds and pages
}

// newsItem is one item of a feed, or the article of a page.
type newsItem struct {
	Title, Link, Excerpt, Author, Published string
	Publisher                               string
	Feed                                    int
}

func newNewsroom(t *testing.T, feeds, hosts, items int, delay time.Duration) *newsroom {
	t.Helper()
	n := &newsroom{items: items, delay: delay, now: time.Now().UTC().Truncate(time.Hour), hits: map[string]int{}}
	n.feedTmpl = template.Must(template.ParseFiles(filepath.Join("testdata", "workers", "feed.xml")))
	n.pageTmpl = template.Must(template.ParseFiles(filepath.Join("testdata", "workers", "page.html")))
	for range hosts {
		srv := httptest.NewServer(http.HandlerFunc(n.serve))
		t.Cleanup(srv.Close)
		n.hosts = append(n.hosts, srv)
	}
	for f := range feeds {
		n.feeds = append(n.feeds, fmt.Sprintf("%s/feeds/%d.xml", n.base(f), f))
	}
	return n
}

func (n *newsroom) base(f int) string { return n.hosts[f%len(n.hosts)].URL }

// wire reports whether item 0 of feed f is the wire story of another
// feed (the first quarter's stories, in the third quarter's feeds), and
// which.
func (n *newsroom) wire(f int) (int, bool) {
	q := len(n.feeds) / 4
	if f >= 2*q && f < 3*q {
		return f - 2*q, true
	}
	return 0, false
}

// item returns item i of feed f.
func (n *newsroom) item(f, i int) newsItem {
	if w, ok := n.wire(f); ok && i == 0 {
		return n.item(w, 0)
	}
	it := newsItem{Feed: f, Publisher: fmt.Sprintf("Publisher %d", f%len(n.hosts)), Author: fmt.Sprintf("Reporter %d", f),
		Title:   fmt.Sprintf("District %d report %d: turnout figures and county results", f, i),
		Link:    fmt.Sprintf("%s/articles/%d/%d", n.base(f), f, i),
		Excerpt: "Reporters followed the count in district " + strconv.Itoa(f) + " through the night."}
	published := n.now.Add(-time.Duration(f%7+i*11) * time.Minute)
	switch {
	case i == 0 && f < len(n.feeds)/4:
		it.Title = fmt.Sprintf("Wire: count of district %d ballots resumes after recess", f)
		it.Link = fmt.Sprintf("%s/wire/%d", n.base(f), f)
		published = n.now.Add(-time.Duration(f) * time.Minute)
	case i == 1 && f%3 == 0:
		it.Title = "Morning briefing"
		published = n.now
	}
	it.Published = published.Format(time.RFC1123Z)
	return it
}

// articles is how many distinct articles the feeds hold.
func (n *newsroom) articles() int { return len(n.feeds)*n.items - len(n.feeds)/4 }

var newsroomPath = regexp.MustCompile(`^/(?:feeds/(\d+)\.xml|articles/(\d+)/(\d+)|wire/(\d+))$`)

func (n *newsroom) serve(w http.ResponseWriter, r *http.Request) {
	m := newsroomPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		http.NotFound(w, r) // robots.txt too: everything is allowed
		return
	}
	n.mu.Lock()
	n.hits["http://"+r.Host+r.URL.Path]++
	n.mu.Unlock()
	switch {
	case m[1] != "":
		select {
		case <-time.After(n.delay):
		case <-r.Context().Done():
			return
		}
		f := atoi(m[1])
		data := struct {
			Feed      int
			Base      string
			Publisher string
			Items     []newsItem
		}{Feed: f, Base: n.base(f), Publisher: fmt.Sprintf("Publisher %d", f%len(n.hosts))}
		for i := range n.items {
			data.Items = append(data.Items, n.item(f, i))
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		n.feedTmpl.Execute(w, data)
	case m[4] != "":
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		n.pageTmpl.Execute(w, n.item(atoi(m[4]), 0))
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		n.pageTmpl.Execute(w, n.item(atoi(m[2]), atoi(m[3])))
	}
}

// counts returns the requests of each feed and of each page.
func (n *newsroom) counts() (feeds, pages map[string]int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	feeds, pages = map[string]int{}, map[string]int{}
	for u, c := range n.hits {
		if strings.Contains(u, "/feeds/") {
			feeds[u] = c
		} else {
			pages[u] = c
		}
	}
	return feeds, pages
}

// fetches returns how many feed requests were made so far.
func (n *newsroom) fetches() int {
	feeds, _ := n.counts()
	total := 0
	for _, c := range feeds {
		total += c
	}
	return total
}

// checkFetches fails t unless every feed was fetched once and every page
// at most once (a wire story's page twice at most: the two feeds holding
// it may be read at once by two workers), except the feeds in again and
// their pages, which may have been fetched once more (by a worker that
// died before it recorded them).
func (n *newsroom) checkFetches(t *testing.T, again map[string]bool) {
	t.Helper()
	feeds, pages := n.counts()
	for _, u := range n.feeds {
		want := 1
		if again[u] {
			want = 2
		}
		if c := feeds[u]; c < 1 || c > want {
			t.Errorf("%s fetched %d times, want 1", u, c)
		}
	}
	q := len(n.feeds) / 4
	for u, c := range pages {
		m := newsroomPath.FindStringSubmatch(strings.TrimPrefix(u, "http://"+hostOf(u)))
		if m == nil {
			t.Errorf("unexpected request of %s", u)
			continue
		}
		want := 1
		if m[4] != "" { // a wire story: in feeds w and w+2q
			w := atoi(m[4])
			want = 2
			if again[n.feeds[w]] || again[n.feeds[w+2*q]] {
				want++
			}
		} else if again[n.feeds[atoi(m[2])]] {
			want++
		}
		if c > want {
			t.Errorf("page %s fetched %d times, want at most %d", u, c, want)
		}
	}
}

func hostOf(u string) string {
	host, _, _ := strings.Cut(strings.TrimPrefix(u, "http://"), "/")
	return host
}

func atoi(s string) int {
	v, _ := strconv.Atoi(s)
	return v
}

// newsroomSite makes a site folder whose sources are the newsroom's feeds
// and imports it into db.
func newsroomSite(t *testing.T, n *newsroom, db string) string {
	t.Helper()
	dir := localSite(t)
	var src strings.Builder
	src.WriteString("sources:\n")
	for _, u := range n.feeds {
		fmt.Fprintf(&src, "  - url: %q\n", u)
	}
	if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", dir, "--db", db, "import"); code != 0 {
		t.Fatal(errs)
	}
	return dir
}

// localSite makes a new site whose sources may be on loopback (httptest
// servers).
func localSite(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// worker is an ingest process.
type worker struct {
	cmd       *exec.Cmd
	out, errs bytes.Buffer
	done      chan struct{} // closed when it has exited, with err
	err       error
}

func startWorker(t *testing.T, bin, site, db string, args ...string) *worker {
	t.Helper()
	w := &worker{done: make(chan struct{})}
	w.cmd = exec.Command(bin, append([]string{"--site", site, "--db", db, "ingest", "--once"}, args...)...)
	w.cmd.Stdout, w.cmd.Stderr = &w.out, &w.errs
	if err := w.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { w.err = w.cmd.Wait(); close(w.done) }()
	t.Cleanup(func() { w.cmd.Process.Kill(); <-w.done })
	return w
}

// wait waits for the worker to exit and fails t unless it succeeded.
func (w *worker) wait(t *testing.T) {
	t.Helper()
	select {
	case <-w.done:
		if w.err != nil {
			t.Fatalf("worker %d: %v\n%s\n%s", w.cmd.Process.Pid, w.err, w.out.String(), w.errs.String())
		}
	case <-time.After(3 * time.Minute):
		w.cmd.Process.Signal(syscall.SIGQUIT) // the Go runtime dumps its goroutines
		<-w.done
		t.Fatalf("worker %d still running after 3 minutes\n%s", w.cmd.Process.Pid, w.errs.String())
	}
}

var fetchedRE = regexp.MustCompile(`sources: .* (\d+) fetched, `)

// fetched reads how many sources a worker's summary says it fetched.
func (w *worker) fetched(t *testing.T) int {
	t.Helper()
	m := fetchedRE.FindStringSubmatch(w.out.String())
	if m == nil {
		t.Fatalf("no summary from worker %d:\n%s", w.cmd.Process.Pid, w.out.String())
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// hubCounts are what the tests count in a hub's database.
type hubCounts struct {
	news, urls, paths int // news records, distinct canonical URLs, distinct paths
	twoLeads          int // stories with more than one lead
	states            int // sources with a successful fetch recorded
}

const (
	sqlCountNews     = `SELECT count(*), count(DISTINCT canonical_url), count(DISTINCT path) FROM records WHERE kind = 'news'`
	sqlCountTwoLeads = `SELECT count(*) FROM (SELECT story FROM records WHERE kind = 'news' AND published GROUP BY story HAVING count(*) > 1) s`
	sqlCountStates   = `SELECT count(*) FROM source_states WHERE last_success IS NOT NULL`
)

func (c hubCounts) check(t *testing.T, want, sources int) {
	t.Helper()
	if c.news != want || c.urls != want || c.paths != want {
		t.Errorf("%d news records, %d distinct canonical URLs, %d distinct paths; want %d articles each stored once", c.news, c.urls, c.paths, want)
	}
	if c.twoLeads != 0 {
		t.Errorf("%d stories have more than one lead", c.twoLeads)
	}
	if c.states != sources {
		t.Errorf("%d sources have a successful fetch recorded, want %d", c.states, sources)
	}
}

func pgCounts(t *testing.T, dsn string) hubCounts {
	t.Helper()
	ctx := context.Background()
	conn := pgConn(t, dsn)
	var c hubCounts
	if err := conn.QueryRow(ctx, sqlCountNews).Scan(&c.news, &c.urls, &c.paths); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, sqlCountTwoLeads).Scan(&c.twoLeads); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, sqlCountStates).Scan(&c.states); err != nil {
		t.Fatal(err)
	}
	return c
}

func sqliteCounts(t *testing.T, path string) hubCounts {
	t.Helper()
	var c hubCounts
	c.news = sqlitetest.CountRows(t, path, `SELECT count(*) FROM records WHERE kind = 'news'`)
	c.urls = sqlitetest.CountRows(t, path, `SELECT count(DISTINCT canonical_url) FROM records WHERE kind = 'news'`)
	c.paths = sqlitetest.CountRows(t, path, `SELECT count(DISTINCT path) FROM records WHERE kind = 'news'`)
	c.twoLeads = sqlitetest.CountRows(t, path, sqlCountTwoLeads)
	c.states = sqlitetest.CountRows(t, path, sqlCountStates)
	return c
}

// TestWorkersShareOneHub runs ingest workers at once against one hub:
// three on PostgreSQL, two on a SQLite file. Each feed is fetched once,
// each article stored once, every source's state recorded, no story has
// two leads, and every worker did part of the work.
func TestWorkersShareOneHub(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs ingest processes")
	}
	t.Parallel() // most of it waits on slow feeds
	bin := testutil.BuildBinary(t)
	hubs := []struct {
		name    string
		workers int
		db      func(t *testing.T) string
		counts  func(t *testing.T, db string) hubCounts
	}{
		{"postgres", 3, func(t *testing.T) string { return pgtest.DSN(t) }, pgCounts},
		{"sqlite", 2, func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "hub.db") },
			func(t *testing.T, db string) hubCounts { return sqliteCounts(t, strings.TrimPrefix(db, "sqlite:")) }},
	}
	for _, h := range hubs {
		t.Run(h.name, func(t *testing.T) {
			t.Parallel()
			db := h.db(t)
			// Slow feeds and few fetches at once, so that one worker
			// alone would take several seconds: long enough for all to
			// be at work together.
			n := newNewsroom(t, 240, 40, 5, 100*time.Millisecond)
			site := newsroomSite(t, n, db)
			var ws []*worker
			for range h.workers {
				ws = append(ws, startWorker(t, bin, site, db, "--workers", "4"))
			}
			total := 0
			for _, w := range ws {
				w.wait(t)
				f := w.fetched(t)
				t.Logf("worker %d fetched %d sources: %s", w.cmd.Process.Pid, f, strings.SplitN(w.out.String(), "\n", 2)[0])
				if f == 0 {
					t.Errorf("worker %d fetched nothing: the workers did not run together", w.cmd.Process.Pid)
				}
				total += f
			}
			if total != len(n.feeds) {
				t.Errorf("the workers fetched %d sources in all, want %d", total, len(n.feeds))
			}
			n.checkFetches(t, nil)
			h.counts(t, db).check(t, n.articles(), len(n.feeds))
		})
	}
}

// TestWorkerKilledMidRoundOthersFinishItsSources kills one of three
// PostgreSQL workers mid-round with SIGKILL: the sources it held are
// fetched by the others once its leases expire, and the hub ends with
// every article stored once and every source recorded.
func TestWorkerKilledMidRoundOthersFinishItsSources(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs ingest processes")
	}
	t.Parallel() // most of it waits on slow feeds and for leases to expire
	bin := testutil.BuildBinary(t)
	db := pgtest.DSN(t)
	n := newNewsroom(t, 240, 40, 5, 200*time.Millisecond)
	site := newsroomSite(t, n, db)
	const ttl = 3 * time.Second
	var ws []*worker
	for range 3 {
		ws = append(ws, startWorker(t, bin, site, db, "--workers", "4", "--lease", ttl.String()))
	}
	deadline := time.Now().Add(2 * time.Minute)
	for n.fetches() < len(n.feeds)/4 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d feeds fetched after 2 minutes", n.fetches())
		}
		time.Sleep(20 * time.Millisecond)
	}
	victim := ws[0]
	if err := victim.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	killedAt := time.Now()
	if <-victim.done; victim.err == nil {
		t.Fatal("the killed worker exited cleanly: it had finished before the kill")
	}
	held := heldBy(t, db, victim.cmd.Process.Pid)
	if len(held) == 0 {
		t.Fatal("the killed worker held no lease: it was not mid-round")
	}
	t.Logf("killed worker %d held %d sources after %d fetches", victim.cmd.Process.Pid, len(held), n.fetches())
	for _, w := range ws[1:] {
		w.wait(t)
		t.Logf("worker %d: %s", w.cmd.Process.Pid, strings.SplitN(w.out.String(), "\n", 2)[0])
	}
	again := map[string]bool{}
	for _, u := range held {
		again[u] = true
	}
	n.checkFetches(t, again)
	pgCounts(t, db).check(t, n.articles(), len(n.feeds))
	// The sources it held were fetched again after the kill, once its
	// leases had expired.
	ctx := context.Background()
	conn := pgConn(t, db)
	var late int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM source_states WHERE url = ANY($1) AND last_fetch > $2`,
		held, killedAt).Scan(&late); err != nil {
		t.Fatal(err)
	}
	if late != len(held) {
		t.Errorf("%d of the %d sources the killed worker held were fetched after the kill", late, len(held))
	}
}

// pgConn connects to dsn for the rest of the test.
func pgConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// heldBy returns the sources whose leases the worker with process id pid
// holds (a holder is named host:pid:random).
func heldBy(t *testing.T, dsn string, pid int) []string {
	t.Helper()
	ctx := context.Background()
	rows, err := pgConn(t, dsn).Query(ctx, `SELECT name FROM leases WHERE holder LIKE '%:' || $1::text || ':%'`, strconv.Itoa(pid))
	if err != nil {
		t.Fatal(err)
	}
	held, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return held
}

// TestWorkerFindingTheCurateLockTakenHandsItsArrivalsOver has a worker
// fetch while the curate lock is held elsewhere: rather than wait for a
// turn, it stages its arrivals and records its sources as read. Then
// either the lock is let go and the worker stores them itself before its
// round ends, or the worker is killed (SIGKILL) while it waits, and the
// next worker's round stores them: nothing is lost, each article is stored
// once and no feed is fetched twice.
func TestWorkerFindingTheCurateLockTakenHandsItsArrivalsOver(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs ingest processes")
	}
	t.Parallel() // most of it waits for workers to stage and store
	bin := testutil.BuildBinary(t)
	for _, tc := range []struct {
		name string
		kill bool // the worker that staged is killed; a second one stores
	}{
		{"the worker stores them once the lock is free", false},
		{"the next worker stores those of a killed one", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := pgtest.DSN(t)
			n := newNewsroom(t, 24, 6, 5, 0)
			site := newsroomSite(t, n, db)
			st, err := postgres.Open(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			unlock, err := st.TryLock(ctx, "curate")
			if err != nil {
				t.Fatal(err)
			}
			locked := true
			defer func() {
				if locked {
					unlock()
				}
			}()
			w := startWorker(t, bin, site, db, "--workers", "4")
			conn := pgConn(t, db)
			count := func(query string) int {
				t.Helper()
				var c int
				if err := conn.QueryRow(ctx, query).Scan(&c); err != nil {
					t.Fatal(err)
				}
				return c
			}
			for deadline := time.Now().Add(2 * time.Minute); count(`SELECT count(*) FROM staged`) < n.articles(); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%d arrivals staged after 2 minutes, want %d\n%s", count(`SELECT count(*) FROM staged`), n.articles(), w.errs.String())
				}
			}
			if c := count(sqlCountStates); c != len(n.feeds) {
				t.Errorf("%d sources recorded as read once staged, want %d", c, len(n.feeds))
			}
			if c := count(`SELECT count(*) FROM records WHERE kind = 'news'`); c != 0 {
				t.Errorf("%d news stored while the curate lock was held elsewhere", c)
			}
			if tc.kill {
				if err := w.cmd.Process.Signal(syscall.SIGKILL); err != nil {
					t.Fatal(err)
				}
				<-w.done
			}
			unlock()
			locked = false
			if tc.kill {
				w = startWorker(t, bin, site, db)
			}
			w.wait(t)
			if !strings.Contains(w.out.String(), fmt.Sprintf(" %d new,", n.articles())) {
				t.Errorf("the worker that stored them does not count them as new:\n%s", w.out.String())
			}
			if c := count(`SELECT count(*) FROM staged`); c != 0 {
				t.Errorf("%d arrivals left staged", c)
			}
			n.checkFetches(t, nil)
			pgCounts(t, db).check(t, n.articles(), len(n.feeds))
			var items int
			if err := conn.QueryRow(ctx, `SELECT sum(items) FROM source_states`).Scan(&items); err != nil {
				t.Fatal(err)
			}
			if items != n.articles() {
				t.Errorf("the sources' states count %d items stored, want %d", items, n.articles())
			}
		})
	}
}
