package postgres

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/store/migration"
	"newshub/internal/store/postgres/pgtest"
)

// versions returns the versions schema_version lists, in order.
func versions(t *testing.T, ctx context.Context, pool *pgxpool.Pool) []int {
	t.Helper()
	rows, err := pool.Query(ctx, `SELECT version FROM schema_version ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

func tableExists(t *testing.T, ctx context.Context, pool *pgxpool.Pool, name string) bool {
	t.Helper()
	var ok bool
	if err := pool.QueryRow(ctx, `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&ok); err != nil {
		t.Fatal(err)
	}
	return ok
}

// TestMigrationInterruptedHalfwayRunsAgainCleanly ends the server session
// of a migration after its first statement ran, as a killed process or a
// lost connection would: the migration must leave no trace, the ones
// before it stay applied, and the next run applies it whole.
func TestMigrationInterruptedHalfwayRunsAgainCleanly(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	ms, err := migration.Load(migrationFiles, "migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	next := ms[len(ms)-1].Version + 1
	slow := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "slow.sql",
		SQL: `CREATE TABLE half_done (x integer); INSERT INTO half_done VALUES (1); SELECT pg_sleep(60);`})

	errc := make(chan error, 1)
	go func() { errc <- migrate(ctx, pool, slow) }()
	admin, err := pgx.Connect(ctx, pgtest.Admin(t))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	deadline := time.Now().Add(30 * time.Second)
	for {
		var ended bool
		err := admin.QueryRow(ctx, `SELECT coalesce(bool_or(pg_terminate_backend(pid)), false) FROM pg_stat_activity
			WHERE query LIKE '%pg_sleep(60)%' AND state = 'active' AND pid <> pg_backend_pid()`).Scan(&ended)
		if err != nil {
			t.Fatal(err)
		}
		if ended {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the slow migration never started")
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := <-errc; err == nil {
		t.Fatal("migrate succeeded though its session was ended")
	}
	if got := versions(t, ctx, pool); len(got) != len(ms) || got[len(got)-1] != ms[len(ms)-1].Version {
		t.Errorf("after the interruption schema_version lists %v, want the %d migrations before it", got, len(ms))
	}
	if tableExists(t, ctx, pool, "half_done") {
		t.Error("the interrupted migration left its table behind")
	}

	fixed := append(ms[:len(ms):len(ms)], migration.Migration{Version: next, Name: "slow.sql",
		SQL: `CREATE TABLE half_done (x integer); INSERT INTO half_done VALUES (1);`})
	for run := 1; run <= 2; run++ { // the second run finds nothing to do
		if err := migrate(ctx, pool, fixed); err != nil {
			t.Fatalf("run %d after the interruption: %v", run, err)
		}
	}
	if got := versions(t, ctx, pool); len(got) != len(fixed) || got[len(got)-1] != next {
		t.Errorf("schema_version lists %v, want %d versions up to %d", got, len(fixed), next)
	}
	var rows int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM half_done`).Scan(&rows); err != nil || rows != 1 {
		t.Errorf("half_done holds %d rows (%v), want the one row of one whole run", rows, err)
	}
}

// TestOpenAtOnceMigratesOnce opens a new database from several processes'
// worth of connections at the same time.
func TestOpenAtOnceMigratesOnce(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			st, err := Open(ctx, dsn)
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
		}
	}
	st := openDSN(t, dsn)
	defer st.Close()
	ms, _ := migration.Load(migrationFiles, "migrations/*.sql")
	if got := versions(t, ctx, st.pool); len(got) != len(ms) {
		t.Errorf("schema_version lists %v, want each of the %d migrations once", got, len(ms))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st := openDSN(t, dsn)
	if _, err := st.pool.Exec(ctx, `INSERT INTO schema_version (version, name) VALUES (9999, 'future.sql')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err := Open(ctx, dsn)
	if err == nil || !strings.Contains(err.Error(), "newer than this program knows") {
		t.Fatalf("Open of a newer schema: %v, want a refusal saying so", err)
	}
}
