package pgtest

import (
	"context"
	"os"
	"os/exec"
	"strings"
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
