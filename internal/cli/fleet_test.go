//go:build unix

package cli

import (
	"context"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/testutil"
)

// TestAPIServersOverOnePostgreSQLHub runs `serve --no-ingest` processes
// over one PostgreSQL hub while another process writes it (`import`),
// through what a fleet of API servers meets: one of them stopped and
// started again, the database restarted under them, one started while an
// import into the empty hub is half done. Each then serves the hub's last
// generation and answers the API, the feeds and the website's home page
// with the bytes a static `build` of that generation holds; the one
// started during the import does so of the generation committed before
// the batch in flight, too.
func TestAPIServersOverOnePostgreSQLHub(t *testing.T) {
	bin := testutil.BuildBinary(t)
	// Not parallel: it restarts the database server every PostgreSQL
	// test of the package uses.
	t.Run("database restarted", func(t *testing.T) {
		site, db, folders := heldBackHub(t, 3)
		servers := []*serveProc{startServer(t, bin, site, db), startServer(t, bin, site, db)}
		importRound(t, bin, site, db, folders[0])
		pgtest.Restart(t) // as the servers load the round, or just after
		for _, dir := range folders[1:] {
			importRound(t, bin, site, db, dir)
		}
		sameAsLastBuild(t, site, db, servers)
	})
	t.Run("server restarted", func(t *testing.T) {
		t.Parallel()
		site, db, folders := heldBackHub(t, 4)
		servers := []*serveProc{startServer(t, bin, site, db), startServer(t, bin, site, db)}
		written := make(chan struct{})
		go func() {
			defer close(written)
			for _, dir := range folders {
				importRound(t, bin, site, db, dir)
			}
		}()
		servers[0].stop(t, syscall.SIGTERM)
		servers[0] = startServer(t, bin, site, db)
		<-written
		sameAsLastBuild(t, site, db, servers)
	})
	t.Run("server started during an import", func(t *testing.T) {
		t.Parallel()
		site := filepath.Join(t.TempDir(), "site")
		if code, _, errs := run(t, "gen", "--articles", "200", "--seed", "7", site); code != 0 {
			t.Fatal(errs)
		}
		db := pgtest.DSN(t)
		st, err := openDSN(context.Background(), db, randomReads)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		// Batches of ten: a generation each, the import's process
		// stopped in the middle of one.
		imp := exec.Command(bin, "--site", site, "--db", db, "import", "--batch", "10")
		var out testutil.LogBuffer
		imp.Stdout, imp.Stderr = &out, &out
		if err := imp.Start(); err != nil {
			t.Fatal(err)
		}
		defer imp.Process.Kill()
		frozen := hubGeneration(t, st)
		for deadline := time.Now().Add(30 * time.Second); frozen < 15; frozen = hubGeneration(t, st) {
			if time.Now().After(deadline) {
				t.Fatalf("the import reached generation %d in 30 s\n%s", frozen, out.String())
			}
			time.Sleep(2 * time.Millisecond)
		}
		if err := imp.Process.Signal(syscall.SIGSTOP); err != nil {
			t.Fatal(err)
		}
		frozen = hubGeneration(t, st)
		s := startServer(t, bin, site, db)
		if gen := sameAsLastBuild(t, site, db, []*serveProc{s}); gen != frozen {
			t.Fatalf("the hub moved from generation %d to %d with its import stopped", frozen, gen)
		}
		if err := imp.Process.Signal(syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
		if err := imp.Wait(); err != nil {
			t.Fatalf("import: %v\n%s", err, out.String())
		}
		if gen := sameAsLastBuild(t, site, db, []*serveProc{s}); gen <= frozen {
			t.Fatalf("the import was stopped at generation %d, and ended at %d: not half way", frozen, gen)
		}
	})
}

// heldBackHub makes a generated site whose newest news is held back in
// rounds folders (see holdBack), and a PostgreSQL database holding the
// rest.
func heldBackHub(t *testing.T, rounds int) (site, db string, folders []string) {
	t.Helper()
	site = filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "gen", "--articles", strconv.Itoa(60+4*rounds), "--seed", "5", site); code != 0 {
		t.Fatal(errs)
	}
	db = pgtest.DSN(t)
	folders, _ = holdBack(t, site, rounds)
	if code, _, errs := run(t, "--site", site, "--db", db, "import"); code != 0 {
		t.Fatal(errs)
	}
	return site, db, folders
}

// importRound writes the news of dir into the hub by an import process.
func importRound(t *testing.T, bin, site, db, dir string) {
	t.Helper()
	if out, err := exec.Command(bin, "--site", site, "--db", db, "import", dir).CombinedOutput(); err != nil {
		t.Errorf("import %s: %v\n%s", dir, err, out)
	}
}

// sameAsLastBuild waits for each server to serve the hub's generation,
// builds that generation, and checks that every server answers the API,
// the feeds and the home page with the bytes built; it returns the
// generation.
func sameAsLastBuild(t *testing.T, site, db string, servers []*serveProc) int64 {
	t.Helper()
	st, err := openDSN(context.Background(), db, randomReads)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	gen := hubGeneration(t, st)
	for _, s := range servers {
		for deadline := time.Now().Add(30 * time.Second); s.generation(t) != gen; time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s serves generation %d 30 s after the hub's last write, %d\n%s", s.url, s.generation(t), gen, s.errs.String())
			}
		}
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, _, errs := run(t, "--site", site, "--db", db, "build", out); code != 0 {
		t.Fatal(errs)
	}
	if after := hubGeneration(t, st); after != gen {
		t.Fatalf("the hub moved from generation %d to %d during the build", gen, after)
	}
	compared := sameAsBuild(t, out, servers)
	stories := 0
	for p := range compared {
		if m, _ := filepath.Match("api/stories/s-*/index.json", p); m {
			stories++
		}
	}
	// The home page, the news of its topic, all news, the feed.
	for _, p := range []string{"index.html", "api/news/election/index.json", "api/news/index.json", "feeds/rss.xml"} {
		if !compared[p] {
			t.Errorf("%s was not built, nor compared", p)
		}
	}
	if stories == 0 {
		t.Error("no story's document was built, nor compared")
	}
	return gen
}

// hubGeneration is the store's generation.
func hubGeneration(t *testing.T, st store.Store) int64 {
	t.Helper()
	gen, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return gen
}
