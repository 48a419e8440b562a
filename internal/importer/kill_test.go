package importer

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/gen"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// TestImportKilledMidwayThenRerunLeavesEveryRecordOnce kills an import
// with SIGKILL after it has stored part of a site, imports again, and
// checks the database holds each file's record exactly once and is sound:
// an import record by record keeps what it committed and adds the rest; a
// bulk load into an empty store leaves its marker, and the next import
// starts the store again and loads it whole.
//
// The site is two batches (importer.DefaultBatch) and a little: the first
// progress line comes once the first batch is committed, so the kill
// lands with a batch written and one to go, as it would in a larger site;
// more batches only cost time.
func TestImportKilledMidwayThenRerunLeavesEveryRecordOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a site of thousands of records")
	}
	bin := testutil.BuildBinary(t)
	src := filepath.Join(t.TempDir(), "site")
	const articles = 2*DefaultBatch + 100
	st, err := gen.Generate(context.Background(), src, gen.Options{Articles: articles, Seed: 21})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		db   func(t testing.TB) string // the --db of a new store
		bulk bool
	}{
		{"record by record", sqliteDB, false},
		{"bulk load into SQLite", sqliteDB, true},
		{"bulk load into PostgreSQL", pgtest.DSN, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			args := []string{"--db", db, "import"}
			if !tt.bulk {
				args = append(args, "--no-bulk")
			}
			killMidway(t, exec.Command(bin, append(args, src)...))

			dbPath, isSQLite := strings.CutPrefix(db, "sqlite:")
			if isSQLite {
				_, markerErr := os.Stat(dbPath + ".bulk")
				if tt.bulk != (markerErr == nil) {
					t.Fatalf("marker of a bulk load after the kill: %v, want one: %v", markerErr, tt.bulk)
				}
			}
			if !tt.bulk || !isSQLite { // a SQLite file killed mid-bulk is not read
				partial := count(t, db, `SELECT count(*) FROM records`)
				if partial == 0 || partial >= st.Files {
					t.Fatalf("the kill did not land mid-way: %d of %d records stored", partial, st.Files)
				}
				t.Logf("killed import had stored %d of %d records", partial, st.Files)
			}
			if tt.bulk && !isSQLite {
				if n := count(t, db, `SELECT count(*) FROM pg_indexes WHERE indexname = 'news_search_doc'`); n != 0 {
					t.Fatal("the killed bulk load had not dropped the full-text index: the test proves nothing")
				}
			}

			out, err := exec.Command(bin, append(args, src)...).CombinedOutput()
			if err != nil {
				t.Fatalf("second import: %v\n%s", err, out)
			}
			if started := strings.Contains(string(out), "remains of a bulk import"); started != (tt.bulk && isSQLite) {
				t.Errorf("second import says it started the store again: %v:\n%s", started, out)
			}
			for _, c := range []struct {
				query string
				want  int
			}{
				{`SELECT count(*) FROM records`, st.Files},
				{`SELECT count(DISTINCT path) FROM records`, st.Files},
				{`SELECT count(DISTINCT canonical_url) FROM records WHERE kind = 'news'`, articles},
				{`SELECT count(*) FROM records WHERE kind = 'news'`, articles},
			} {
				if n := count(t, db, c.query); n != c.want {
					t.Errorf("%s: %d, want %d", c.query, n, c.want)
				}
			}
			if isSQLite {
				if n := count(t, db, `SELECT count(*) FROM news_fts WHERE news_fts MATCH 'the'`); n == 0 {
					t.Error("the full-text index finds nothing")
				}
				if n := count(t, db, `SELECT count(*) FROM sqlite_master WHERE type = 'index'
					AND name IN ('records_news_heat', 'records_news_id', 'records_news_current')`); n != 3 {
					t.Errorf("%d of the indexes a bulk load makes last are there, want 3", n)
				}
				sqlitetest.AssertIntegrity(t, dbPath)
			} else {
				if n := count(t, db, `SELECT count(*) FROM news_search WHERE doc @@ 'the'::tsquery`); n == 0 {
					t.Error("the full-text index finds nothing")
				}
				if n := count(t, db, `SELECT count(*) FROM pg_indexes WHERE indexname IN ('records_unpublished',
					'records_news_current', 'records_news_topics', 'record_topics_key', 'news_search_doc')`); n != 5 {
					t.Errorf("%d of the indexes a bulk load makes last are there, want 5", n)
				}
			}
		})
	}
}

func sqliteDB(t testing.TB) string { return "sqlite:" + filepath.Join(t.TempDir(), "hub.db") }

// count runs a query that counts, on a SQLite file or a PostgreSQL
// database.
func count(t *testing.T, db, query string) int {
	t.Helper()
	if p, ok := strings.CutPrefix(db, "sqlite:"); ok {
		return sqlitetest.CountRows(t, p, query)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// killMidway starts an import and kills it with SIGKILL at its first
// progress line, which it prints once files are stored.
func killMidway(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
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
}
