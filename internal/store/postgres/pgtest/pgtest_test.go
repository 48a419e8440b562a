package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
)

func TestMain(m *testing.M) { Main(m) }

func TestDSNGivesANewEmptyDatabaseEachTime(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for range 2 {
		dsn := DSN(t)
		if seen[dsn] {
			t.Fatalf("DSN gave %s twice", dsn)
		}
		seen[dsn] = true
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		var tables int
		err = c.QueryRow(ctx, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`).Scan(&tables)
		c.Close(ctx)
		if err != nil || tables != 0 {
			t.Errorf("new database has %d tables (%v)", tables, err)
		}
	}
}

// TestCopyGivesADatabaseHoldingWhatTheTemplateHolds: the template is
// prepared once, each copy starts with its rows, and a write to one copy
// is not seen in another.
// templateRuns numbers the runs of the template test.
var templateRuns atomic.Int64

func TestCopyGivesADatabaseHoldingWhatTheTemplateHolds(t *testing.T) {
	ctx := context.Background()
	prepared := 0
	prepare := func(ctx context.Context, dsn string) error {
		prepared++
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			return err
		}
		defer c.Close(ctx)
		_, err = c.Exec(ctx, `CREATE TABLE t (v text); INSERT INTO t VALUES ('from the template')`)
		return err
	}
	rows := func(dsn string) []string {
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		r, err := c.Query(ctx, `SELECT v FROM t ORDER BY v`)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := pgx.CollectRows(r, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		return vs
	}
	// A template of its own each run: Copy keeps a template prepared for
	// the process, so a second run (-count=2) would prepare nothing.
	name := fmt.Sprintf("one-row-%d", templateRuns.Add(1))
	first := Copy(t, name, "en-US", prepare)
	second := Copy(t, name, "en-US", prepare)
	if first == second {
		t.Fatalf("Copy gave %s twice", first)
	}
	c, err := pgx.Connect(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(ctx, `INSERT INTO t VALUES ('in the first copy')`)
	var collation string
	if err == nil {
		err = c.QueryRow(ctx, `SELECT daticulocale FROM pg_database WHERE datname = current_database()`).Scan(&collation)
	}
	c.Close(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows(first), "|"); got != "from the template|in the first copy" {
		t.Errorf("first copy holds %q", got)
	}
	if got := strings.Join(rows(second), "|"); got != "from the template" {
		t.Errorf("second copy holds %q, want the template's row alone", got)
	}
	if collation != "en-US" {
		t.Errorf("copy's ICU locale = %q, want the template's en-US", collation)
	}
	if prepared != 1 {
		t.Errorf("template prepared %d times, want once", prepared)
	}
}

// TestWithoutPostgreSQLTestsSkipOrFailUnderCI runs a test that asks for a
// database in a child process that finds no binaries and no server.
func TestWithoutPostgreSQLTestsSkipOrFailUnderCI(t *testing.T) {
	if os.Getenv("PGTEST_CHILD") == "1" {
		binGlob = "/nonexistent/*/bin"
		DSN(t)
		t.Fatal("DSN returned without a server")
	}
	for _, tt := range []struct {
		ci   string
		want string
	}{
		{"", "skipping PostgreSQL test: no PostgreSQL server binaries"},
		{"true", "PostgreSQL is required under CI=true"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWithoutPostgreSQLTestsSkipOrFailUnderCI$", "-test.v")
		cmd.Env = append(os.Environ(), "PGTEST_CHILD=1", "PATH="+t.TempDir(), "CI="+tt.ci, EnvServer+"=")
		out, err := cmd.CombinedOutput()
		failed := err != nil
		if !strings.Contains(string(out), tt.want) || failed != (tt.ci == "true") {
			t.Errorf("CI=%q: exit error %v, output:\n%s\nwant it to say %q", tt.ci, err, out, tt.want)
		}
	}
}
