package importer

import (
	"bufio"
	"context"
	"newshub/internal/store/sqlite/sqlitetest"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"newshub/internal/gen"
	"newshub/internal/testutil"
)

// TestImportKilledMidwayThenRerunLeavesEveryRecordOnce kills an import
// with SIGKILL after it has stored part of a large site, imports again, and
// checks the database holds each file's record exactly once and is sound.
func TestImportKilledMidwayThenRerunLeavesEveryRecordOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a large site")
	}
	bin := testutil.BuildBinary(t)
	src := filepath.Join(t.TempDir(), "site")
	const articles = 20000
	st, err := gen.Generate(context.Background(), src, gen.Options{Articles: articles, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "hub.db")

	cmd := exec.Command(bin, "--db", "sqlite:"+dbPath, "import", src)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Progress lines go to stderr when it is not a terminal; kill at the
	// first one that shows news stored.
	lines := bufio.NewScanner(stderr)
	killed := false
	for lines.Scan() {
		if strings.HasPrefix(lines.Text(), "import: ") {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
			break
		}
	}
	err = cmd.Wait()
	if !killed {
		t.Fatalf("import ended before any progress (err %v)", err)
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("import was not killed: %v", err)
	}

	partial := sqlitetest.CountRows(t, dbPath, `SELECT count(*) FROM records`)
	if partial == 0 || partial >= st.Files {
		t.Fatalf("the kill did not land mid-way: %d of %d records stored", partial, st.Files)
	}
	t.Logf("killed import had stored %d of %d records", partial, st.Files)

	out, err := exec.Command(bin, "--db", "sqlite:"+dbPath, "import", src).CombinedOutput()
	if err != nil {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	if n := sqlitetest.CountRows(t, dbPath, `SELECT count(*) FROM records`); n != st.Files {
		t.Errorf("%d records after the second import, want %d", n, st.Files)
	}
	if n := sqlitetest.CountRows(t, dbPath, `SELECT count(DISTINCT path) FROM records`); n != st.Files {
		t.Errorf("%d distinct paths, want %d", n, st.Files)
	}
	if n := sqlitetest.CountRows(t, dbPath, `SELECT count(DISTINCT canonical_url) FROM records WHERE kind = 'news'`); n != articles {
		t.Errorf("%d distinct article URLs, want %d", n, articles)
	}
	if n := sqlitetest.CountRows(t, dbPath, `SELECT count(*) FROM records WHERE kind = 'news'`); n != articles {
		t.Errorf("%d news records, want %d", n, articles)
	}
	assertIntegrity(t, dbPath)
}
