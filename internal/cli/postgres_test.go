package cli

import (
	"bytes"
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/content/contenttest"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/transfer"
	"newshub/internal/testutil"
)

// sameTrees fails t unless a and b hold the same files with the same bytes.
func sameTrees(t *testing.T, what string, a, b map[string][]byte) {
	t.Helper()
	diffs := 0
	for p, data := range a {
		if other, ok := b[p]; !ok {
			t.Errorf("%s: %s only from SQLite", what, p)
			diffs++
		} else if !bytes.Equal(data, other) {
			t.Errorf("%s: %s differs between SQLite and PostgreSQL", what, p)
			diffs++
		}
		if diffs > 10 {
			t.Fatalf("%s: more differences left out", what)
		}
	}
	for p := range b {
		if _, ok := a[p]; !ok {
			t.Errorf("%s: %s only from PostgreSQL", what, p)
		}
	}
}

// TestCommandsGiveTheSameHubOnPostgres runs the commands that read and
// write the store over one generated site twice, once with --db sqlite:
// and once with --db postgres://, and compares what they write: the
// exported records and the whole static build, byte for byte.
func TestCommandsGiveTheSameHubOnPostgres(t *testing.T) {
	pg := pgtest.DSN(t)
	var outs []string // SQLite's, then PostgreSQL's
	for _, db := range []string{"sqlite:" + filepath.Join(t.TempDir(), "hub.db"), pg} {
		src := genSite(t, 400, 3) // a site each: sources add writes to it
		dir := t.TempDir()
		steps := [][]string{
			{"import", src},
			{"curate"},
			{"sources", "add", "https://feeds.example.com/politics.xml", "--topics", "Election"},
			{"sources", "list"},
			{"build", "--base-url", "https://hub.example.com/", filepath.Join(dir, "build")},
			{"export", filepath.Join(dir, "export")},
		}
		for _, args := range steps {
			code, stdout, errs := run(t, append([]string{"--site", src, "--db", db}, args...)...)
			if code != 0 {
				t.Fatalf("%s %v: exit %d\n%s%s", db, args, code, stdout, errs)
			}
		}
		outs = append(outs, dir)
	}
	for _, part := range []string{"export", "build"} {
		a, b := testutil.Files(t, filepath.Join(outs[0], part)), testutil.Files(t, filepath.Join(outs[1], part))
		if len(a) < 400 {
			t.Fatalf("%s wrote only %d files", part, len(a))
		}
		sameTrees(t, part, a, b)
	}
}

// TestCopyMovesAHubBothWays copies an imported hub from SQLite into
// PostgreSQL and back into a new SQLite file, and exports the first and
// the last: the same files.
func TestCopyMovesAHubBothWays(t *testing.T) {
	src := genSite(t, 300, 4)
	first := "sqlite:" + filepath.Join(t.TempDir(), "first.db")
	pg := pgtest.DSN(t)
	last := "sqlite:" + filepath.Join(t.TempDir(), "last.db")
	if code, _, errs := run(t, "--db", first, "import", src); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	for _, hop := range [][2]string{{first, pg}, {pg, last}} {
		code, stdout, errs := run(t, "copy", "--from", hop[0], "--to", hop[1])
		if code != 0 {
			t.Fatalf("copy %s -> %s: exit %d\n%s%s", hop[0], hop[1], code, stdout, errs)
		}
		if !strings.Contains(stdout, "verified: both hold the same counts and every record alike") {
			t.Errorf("copy %s -> %s says %q, not that it checked the copy", hop[0], hop[1], stdout)
		}
	}
	exports := make([]map[string][]byte, 2)
	for i, db := range []string{first, last} {
		out := filepath.Join(t.TempDir(), "out")
		if code, _, errs := run(t, "--db", db, "export", out); code != 0 {
			t.Fatalf("export %s: exit %d\n%s", db, code, errs)
		}
		exports[i] = contenttest.SiteFiles(t, out)
	}
	if len(exports[0]) < 300 {
		t.Fatalf("exported %d files", len(exports[0]))
	}
	sameTrees(t, "export", exports[0], exports[1])

	// A store that holds a hub already is not written into.
	code, _, errs := run(t, "copy", "--from", first, "--to", pg)
	if code != ExitFailure || !strings.Contains(errs, "target store is not empty") {
		t.Errorf("copy into a full store: exit %d, %q; want a refusal", code, errs)
	}
}

// TestCopyRefusesWhileAnotherHoldsTheTarget holds the copy lock of a
// target, as a running copy does, and runs a copy into it.
func TestCopyRefusesWhileAnotherHoldsTheTarget(t *testing.T) {
	ctx := context.Background()
	src := "sqlite:" + filepath.Join(t.TempDir(), "src.db")
	if code, _, errs := run(t, "--db", src, "import", genSite(t, 20, 5)); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	targets := []struct {
		name string
		dsn  string
		lock func(t *testing.T, dsn string) func() error
	}{
		{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "dst.db"), func(t *testing.T, dsn string) func() error {
			unlock, err := transfer.LockFile(strings.TrimPrefix(dsn, "sqlite:") + ".copy-lock")
			if err != nil {
				t.Fatal(err)
			}
			return unlock
		}},
		{"postgres", pgtest.DSN(t), func(t *testing.T, dsn string) func() error {
			st, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			unlock, err := st.TryLock(ctx, "copy")
			if err != nil {
				t.Fatal(err)
			}
			return func() error { defer st.Close(); return unlock() }
		}},
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			unlock := tt.lock(t, tt.dsn)
			code, _, errs := run(t, "copy", "--from", src, "--to", tt.dsn)
			if code != ExitFailure || !strings.Contains(errs, "another copy into it is running") {
				t.Errorf("copy into a locked store: exit %d, %q; want a refusal", code, errs)
			}
			if err := unlock(); err != nil {
				t.Fatal(err)
			}
			if code, stdout, errs := run(t, "copy", "--from", src, "--to", tt.dsn); code != 0 {
				t.Errorf("copy once the lock is free: exit %d\n%s%s", code, stdout, errs)
			}
		})
	}
}

// TestTwoCopiesAtOnceOneRefuses starts two copy processes into one
// PostgreSQL database at the same time: one copies, the other refuses
// (the lock is taken, or the copy has finished and the store is full),
// and the target holds the source exactly.
func TestTwoCopiesAtOnceOneRefuses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	ctx := context.Background()
	bin := testutil.BuildBinary(t)
	src := "sqlite:" + filepath.Join(t.TempDir(), "src.db")
	if code, _, errs := run(t, "--db", src, "import", genSite(t, 2000, 6)); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	dst := pgtest.DSN(t)
	type result struct {
		code int
		out  string
	}
	results := make([]result, 2)
	var wg sync.WaitGroup
	for i := range results {
		wg.Go(func() {
			out, err := exec.Command(bin, "copy", "--from", src, "--to", dst).CombinedOutput()
			results[i] = result{0, string(out)}
			if ee, ok := err.(*exec.ExitError); ok {
				results[i].code = ee.ExitCode()
			} else if err != nil {
				results[i] = result{-1, err.Error()}
			}
		})
	}
	wg.Wait()
	ok, refused := 0, 0
	for _, r := range results {
		switch {
		case r.code == 0:
			ok++
		case r.code == ExitFailure && (strings.Contains(r.out, "another copy into it is running") || strings.Contains(r.out, "target store is not empty")):
			refused++
			t.Logf("refused: %s", strings.TrimSpace(r.out))
		default:
			t.Errorf("copy: exit %d\n%s", r.code, r.out)
		}
	}
	if ok != 1 || refused != 1 {
		t.Fatalf("%d copies succeeded and %d refused, want one each:\n%s\n%s", ok, refused, results[0].out, results[1].out)
	}
	from, err := openDSN(ctx, src, onePass)
	if err != nil {
		t.Fatal(err)
	}
	defer from.Close()
	to, err := openDSN(ctx, dst, onePass)
	if err != nil {
		t.Fatal(err)
	}
	defer to.Close()
	if _, err := transfer.Verify(ctx, from, to); err != nil {
		t.Error(err)
	}
}

// TestCopyStopsWhenItsLockSessionEnds ends the server session holding a
// copy's lock while the copy writes, as a server restart or an ended
// connection does: the server drops the lock, so a second copy may start,
// and the first must stop rather than go on writing beside it.
func TestCopyStopsWhenItsLockSessionEnds(t *testing.T) {
	ctx := context.Background()
	src := "sqlite:" + filepath.Join(t.TempDir(), "src.db")
	if code, _, errs := run(t, "--db", src, "import", genSite(t, 40, 5)); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	dst := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dst) // migrated before the table is held
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	// The copy's writes wait for the table while the test holds it.
	holder := pgConn(t, dst)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `LOCK TABLE records IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	type result struct {
		code      int
		out, errs string
	}
	done := make(chan result, 1)
	go func() {
		code, out, errs := run(t, "copy", "--from", src, "--to", dst)
		done <- result{code, out, errs}
	}()

	// The lock's session is the copy's idle one holding an advisory lock;
	// its writes wait on the table meanwhile.
	admin := pgConn(t, pgtest.Admin(t))
	db := holder.Config().Database
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var waiting, ended bool
		err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock')`, db).Scan(&waiting)
		if err != nil {
			t.Fatal(err)
		}
		if waiting {
			err = admin.QueryRow(ctx, `SELECT coalesce(bool_or(pg_terminate_backend(a.pid)), false) FROM pg_locks l
				JOIN pg_stat_activity a ON a.pid = l.pid
				WHERE l.locktype = 'advisory' AND l.granted AND a.datname = $1 AND a.state = 'idle'`, db).Scan(&ended)
			if err != nil {
				t.Fatal(err)
			}
		}
		if ended {
			break
		}
		select {
		case r := <-done:
			t.Fatalf("the copy ended before its lock's session could be: exit %d\n%s%s", r.code, r.out, r.errs)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the copy never waited for the table while holding its lock")
		}
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.code != ExitFailure || !strings.Contains(r.errs, "the lock's session ended") {
			t.Errorf("copy whose lock's session ended: exit %d, %q; want it stopped, saying so", r.code, r.errs)
		}
	case <-time.After(time.Minute):
		t.Fatal("the copy still runs a minute after its lock's session ended")
	}
}

// TestStagedArrivalsAreNeverLeftOutSilently stages two arrivals in a
// PostgreSQL hub, as a worker that died before storing them leaves them:
// a copy into SQLite, which cannot hold them, is refused with what to do
// and writes nothing; export says they are not in the folder.
func TestStagedArrivalsAreNeverLeftOutSilently(t *testing.T) {
	ctx := context.Background()
	src := genSite(t, 30, 5)
	pg := pgtest.DSN(t)
	if code, _, errs := run(t, "--db", pg, "import", src); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errs)
	}
	st, err := postgres.Open(ctx, pg)
	if err != nil {
		t.Fatal(err)
	}
	var arrivals []store.Staged
	for _, title := range []string{"Arrival one", "Arrival two"} {
		arrivals = append(arrivals, store.Staged{Source: "https://example.com/feed.xml", Record: &model.Record{Kind: model.KindNews,
			Article: &model.Article{Title: title, PublishedDateTime: time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)}}})
	}
	err = st.Stage(ctx, arrivals)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	dbFile := filepath.Join(t.TempDir(), "copy.db")
	code, _, errs := run(t, "copy", "--from", pg, "--to", "sqlite:"+dbFile)
	if code != ExitFailure || !strings.Contains(errs, "arrivals staged by ingest workers are not stored yet: 2 of them") ||
		!strings.Contains(errs, "newshub ingest --once") {
		t.Fatalf("copy into SQLite: exit %d, %q; want a refusal saying what to do", code, errs)
	}
	copied, err := sqlite.Open(ctx, dbFile)
	if err != nil {
		t.Fatal(err)
	}
	defer copied.Close()
	if counts, err := copied.Count(ctx); err != nil || len(counts) != 0 {
		t.Fatalf("the refused copy wrote %v (%v)", counts, err)
	}

	code, stdout, errs := run(t, "--site", src, "--db", pg, "export", filepath.Join(t.TempDir(), "out"))
	if code != 0 || !strings.Contains(stdout, "not exported: 2 arrivals staged by ingest workers") {
		t.Fatalf("export: exit %d, %q%s; want the staged arrivals named", code, stdout, errs)
	}
}
