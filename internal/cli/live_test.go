package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/testutil"
)

// liveRounds is how many writes TestServersOverOneStoreFollowEachWrite
// makes; NEWSHUB_LIVE_ROUNDS asks for more, for a latency measurement.
func liveRounds(t *testing.T) int {
	if s := os.Getenv("NEWSHUB_LIVE_ROUNDS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("NEWSHUB_LIVE_ROUNDS=%q: want a count", s)
		}
		return n
	}
	return 2
}

var servingRE = regexp.MustCompile(`^serving (http://\S+)/$`)

// serveProc is a `newshub serve` process.
type serveProc struct {
	cmd   *exec.Cmd
	url   string
	errs  testutil.LogBuffer
	ended chan struct{} // closed once the process has ended, with exit
	exit  error
}

// startServer runs `newshub serve --no-ingest` on a free port until the
// test ends, and returns once it serves.
func startServer(t *testing.T, bin, site, db string) *serveProc {
	t.Helper()
	s := &serveProc{cmd: exec.Command(bin, "--site", site, "--db", db, "serve", "--no-ingest", "--quiet", "--addr", "127.0.0.1:0")}
	s.cmd.Stderr = &s.errs
	out, err := s.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Its output is read line by line, the address sent, until it ends.
	addr := make(chan string, 1)
	s.ended = make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		s.exit = s.cmd.Wait()
		close(s.ended)
	}()
	t.Cleanup(func() { s.stop(t, syscall.SIGINT) })
	select {
	case s.url = <-addr:
	case <-s.ended:
		t.Fatalf("serve ended: %v\n%s", s.exit, s.errs.String())
	case <-time.After(time.Minute):
		t.Fatalf("serve printed no address in a minute:\n%s", s.errs.String())
	}
	return s
}

// stop sends the process sig, unless it has ended, and checks that it
// ends well.
func (s *serveProc) stop(t *testing.T, sig syscall.Signal) {
	t.Helper()
	select {
	case <-s.ended:
	default:
		s.cmd.Process.Signal(sig)
	}
	select {
	case <-s.ended:
		if s.exit != nil {
			t.Errorf("serve %d: %v\n%s", s.cmd.Process.Pid, s.exit, s.errs.String())
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		t.Errorf("serve %d did not stop on %v", s.cmd.Process.Pid, sig)
	}
}

// generation is the generation of the view s answers from (its /healthz).
func (s *serveProc) generation(t *testing.T) int64 {
	t.Helper()
	resp, err := http.Get(s.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct{ Generation int64 }
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	return h.Generation
}

// heard records when a watch of the store heard of each generation.
type heard struct {
	mu sync.Mutex
	at map[int64]time.Time
}

func listen(ctx context.Context, st store.Store) *heard {
	h := &heard{at: map[int64]time.Time{}}
	gens := st.Watch(ctx)
	go func() {
		for g := range gens {
			h.mu.Lock()
			h.at[g] = time.Now()
			h.mu.Unlock()
		}
	}()
	return h
}

func (h *heard) when(gen int64) (time.Time, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	at, ok := h.at[gen]
	return at, ok
}

// holdBack moves the newest 2×rounds news files of a site out to one
// folder per round, in the site layout, for `import` to add one round at
// a time; it returns the folders and the API paths of their articles.
func holdBack(t *testing.T, site string, rounds int) (folders []string, docs [][]string) {
	t.Helper()
	news := filepath.Join(site, "_news")
	names, err := filepath.Glob(filepath.Join(news, "*.md"))
	if err != nil || len(names) < 2*rounds+10 {
		t.Fatalf("%d news files, want more than %d: %v", len(names), 2*rounds+10, err)
	}
	slices.Sort(names)
	names = names[len(names)-2*rounds:]
	dateSlug := regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})-(.+)\.md$`)
	for i := range rounds {
		dir := filepath.Join(t.TempDir(), "round-"+strconv.Itoa(i))
		if err := os.MkdirAll(filepath.Join(dir, "_news"), 0o755); err != nil {
			t.Fatal(err)
		}
		var paths []string
		for _, name := range names[2*i : 2*i+2] {
			base := filepath.Base(name)
			if err := os.Rename(name, filepath.Join(dir, "_news", base)); err != nil {
				t.Fatal(err)
			}
			m := dateSlug.FindStringSubmatch(base)
			if m == nil {
				t.Fatalf("news file %s: not YYYY-MM-DD-slug.md", base)
			}
			paths = append(paths, "api/news/"+m[1]+"/"+m[2]+"/"+m[3]+"/"+m[4]+"/index.json")
		}
		folders, docs = append(folders, dir), append(docs, paths)
	}
	return folders, docs
}

// percentile returns the p-th percentile of sorted durations (nearest
// rank).
func percentile(sorted []time.Duration, p int) time.Duration {
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(i, 0)]
}

// TestServersOverOneStoreFollowEachWrite runs two `serve --no-ingest`
// processes over one store (a SQLite file, a PostgreSQL database) and a
// writer process (`import` of more news): after each write, both serve
// the store's new generation without being asked, and in the end every
// document of the API and the feeds they answer is, byte for byte, the
// file a static `build` of the same generation wrote. It logs how long
// after the store announced a generation (LISTEN/NOTIFY; SQLite's watch
// polls) each server answered from it; set NEWSHUB_LIVE_ROUNDS for more
// writes to measure.
func TestServersOverOneStoreFollowEachWrite(t *testing.T) {
	t.Parallel() // most of it waits for servers to follow each write
	bin := testutil.BuildBinary(t)
	rounds := liveRounds(t)
	for _, c := range []struct {
		name string
		db   func(t *testing.T, site string) string
	}{
		{"sqlite", func(t *testing.T, site string) string {
			return "sqlite:" + filepath.Join(site, ".newshub", "newshub.db")
		}},
		{"postgres", func(t *testing.T, _ string) string { return pgtest.DSN(t) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			site := filepath.Join(t.TempDir(), "site")
			// About half the articles generated are current news.
			articles := strconv.Itoa(60 + 4*rounds)
			if code, _, errs := run(t, "gen", "--articles", articles, "--seed", "5", site); code != 0 {
				t.Fatal(errs)
			}
			db := c.db(t, site)
			folders, docs := holdBack(t, site, rounds)
			if code, _, errs := run(t, "--site", site, "--db", db, "import"); code != 0 {
				t.Fatal(errs)
			}
			st, err := openDSN(context.Background(), db, randomReads)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			h := listen(ctx, st)
			servers := []*serveProc{startServer(t, bin, site, db), startServer(t, bin, site, db)}

			var fromNotice, fromCommit []time.Duration
			for i, dir := range folders {
				write := exec.Command(bin, "--site", site, "--db", db, "import", dir)
				if out, err := write.CombinedOutput(); err != nil {
					t.Fatalf("import %s: %v\n%s", dir, err, out)
				}
				committed := time.Now() // the import's last commit is before its exit
				gen, err := st.Generation(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range servers {
					var served time.Time
					for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
						if g := s.generation(t); g == gen {
							served = time.Now()
							break
						}
						if time.Now().After(deadline) {
							t.Fatalf("round %d: %s never served generation %d (serves %d)\n%s", i, s.url, gen, s.generation(t), s.errs.String())
						}
					}
					fromCommit = append(fromCommit, served.Sub(committed))
					if at, ok := h.when(gen); ok {
						fromNotice = append(fromNotice, served.Sub(at))
					}
				}
			}
			for _, d := range [][]time.Duration{fromNotice, fromCommit} {
				slices.Sort(d)
			}
			if len(fromNotice) > 0 {
				t.Logf("announced to served, %d servings: median %v, p95 %v, max %v", len(fromNotice),
					percentile(fromNotice, 50), percentile(fromNotice, 95), fromNotice[len(fromNotice)-1])
			}
			t.Logf("writer's exit to served, %d servings: median %v, p95 %v, max %v", len(fromCommit),
				percentile(fromCommit, 50), percentile(fromCommit, 95), fromCommit[len(fromCommit)-1])

			gen, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			if code, _, errs := run(t, "--site", site, "--db", db, "build", "--no-web", out); code != 0 {
				t.Fatal(errs)
			}
			if after, err := st.Generation(ctx); err != nil || after != gen {
				t.Fatalf("the build changed the generation, %d to %d: %v", gen, after, err)
			}
			for _, s := range servers {
				if g := s.generation(t); g != gen {
					t.Fatalf("%s serves generation %d, the build is of %d", s.url, g, gen)
				}
			}
			compared := sameAsBuild(t, out, servers)
			if len(compared) < 100 {
				t.Errorf("only %d documents compared", len(compared))
			}
			for _, paths := range docs {
				for _, p := range paths {
					if !compared[p] {
						t.Errorf("written news %s is not among the documents built and served", p)
					}
				}
			}
		})
	}
}

// sameAsBuild GETs every file of the API and the feeds built in out from
// each server, and the website's home page when it was built, and checks
// the bytes are the file's; it returns the paths compared.
func sameAsBuild(t *testing.T, out string, servers []*serveProc) map[string]bool {
	t.Helper()
	compared := map[string]bool{}
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, out+string(filepath.Separator)))
		urlPath := rel
		switch {
		case rel == "index.html":
			urlPath = ""
		case !strings.HasPrefix(rel, "api/") && !strings.HasPrefix(rel, "feeds/"):
			return nil
		}
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, s := range servers {
			resp, err := client.Get(s.url + "/" + urlPath)
			if err != nil {
				return err
			}
			got, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, want) {
				t.Errorf("%s/%s: %s, %d bytes unlike the %d built", s.url, rel, resp.Status, len(got), len(want))
			}
		}
		compared[rel] = true
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return compared
}

// TestServeRidesOutAPostgreSQLRestart runs `serve --no-ingest` over a
// PostgreSQL hub and restarts the database server under it, as an
// operator's restart does (every session ends): the hub answers from its
// view all along, then reconnects and serves the next write.
func TestServeRidesOutAPostgreSQLRestart(t *testing.T) {
	bin := testutil.BuildBinary(t)
	site := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "gen", "--articles", "60", "--seed", "9", site); code != 0 {
		t.Fatal(errs)
	}
	db := pgtest.DSN(t)
	folders, docs := holdBack(t, site, 1)
	if code, _, errs := run(t, "--site", site, "--db", db, "import"); code != 0 {
		t.Fatal(errs)
	}
	s := startServer(t, bin, site, db)
	before := s.generation(t)

	// Read the hub without pause while the database restarts.
	var polls, failures int
	var failed []string
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-stop:
				return
			default:
			}
			for _, p := range []string{"/api/news/", "/", "/feeds/rss.xml"} {
				resp, err := http.Get(s.url + p)
				polls++
				if err != nil {
					failures++
					failed = append(failed, p+": "+err.Error())
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					failures++
					failed = append(failed, p+": "+resp.Status)
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	pgtest.Restart(t)
	time.Sleep(500 * time.Millisecond) // and a little after, as sessions are found dead
	close(stop)
	<-done
	if polls < 10 || failures > 0 {
		t.Errorf("%d of %d reads failed while the database restarted: %q", failures, polls, failed)
	}

	// A write after the restart reaches the server, which reconnected.
	if out, err := exec.Command(bin, "--site", site, "--db", db, "import", folders[0]).CombinedOutput(); err != nil {
		t.Fatalf("import after the restart: %v\n%s", err, out)
	}
	for deadline := time.Now().Add(30 * time.Second); s.generation(t) == before; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still serving generation %d 30 s after a write that followed the restart\n%s", before, s.errs.String())
		}
	}
	for _, p := range docs[0] {
		resp, err := http.Get(s.url + "/" + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the news written after the restart, %s: %s", p, resp.Status)
		}
	}
}

// TestServeOnAStandbyFollowsThePrimary runs `serve --no-ingest` over a
// hot standby of a PostgreSQL hub (a streaming replica, which refuses
// writes and LISTEN), as operators put API servers on replicas, with an
// edit of the site folder not yet stored through the primary, which the
// standby cannot store: it serves the configuration stored, and follows a
// write committed on the primary once the standby has it.
func TestServeOnAStandbyFollowsThePrimary(t *testing.T) {
	bin := testutil.BuildBinary(t)
	site := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "gen", "--articles", "60", "--seed", "11", site); code != 0 {
		t.Fatal(errs)
	}
	primary := pgtest.DSN(t)
	folders, docs := holdBack(t, site, 1)
	if code, _, errs := run(t, "--site", site, "--db", primary, "import"); code != 0 {
		t.Fatal(errs)
	}
	standby := pgtest.Standby(t, primary)
	cfg := filepath.Join(site, "_config.yml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(data, "description: Edited on this machine only\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, bin, site, standby)
	before := s.generation(t)

	if out, err := exec.Command(bin, "--site", site, "--db", primary, "import", folders[0]).CombinedOutput(); err != nil {
		t.Fatalf("import on the primary: %v\n%s", err, out)
	}
	st, err := openDSN(context.Background(), primary, randomReads)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gen, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if gen == before {
		t.Fatalf("the import left the primary at generation %d", gen)
	}
	for deadline := time.Now().Add(30 * time.Second); s.generation(t) != gen; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the standby's server still serves generation %d 30 s after the primary committed %d\n%s", s.generation(t), gen, s.errs.String())
		}
	}
	for _, p := range docs[0] {
		resp, err := http.Get(s.url + "/" + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("the news written on the primary, %s: %s", p, resp.Status)
		}
	}
}
