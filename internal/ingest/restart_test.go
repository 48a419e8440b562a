package ingest

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

// PostgreSQL restarted (a fast shutdown, or an immediate one, as a crash)
// while workers store a round's batches: each round fails or rides it out,
// leaving no advisory lock and no session idle in a transaction, and the
// next round, of a new process, stores what was not, each article once,
// with nothing left staged or leased. About 3 s a case.
func TestRoundsUnderARestartedDatabase(t *testing.T) {
	const feeds, items = 24, 10
	for _, tc := range []struct {
		name    string
		restart func(testing.TB)
		workers int
	}{
		{"fast shutdown, one worker", pgtest.Restart, 1},
		{"immediate shutdown, three workers", pgtest.Crash, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := pgtest.DSN(t)
			srv := newWindowServer(t, items)
			feed := srv.Config.Handler
			srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				time.Sleep(30 * time.Millisecond) // the round outlasts the restart
				feed.ServeHTTP(w, r)
			})
			open := func() *postgres.Store {
				st, err := postgres.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			h := newHubIn(t, open(), true, srv.sources(feeds)...)
			opts := testOptions()
			opts.All, opts.SkipPages = true, true
			opts.Workers, opts.BatchSize = 2, 10
			opts.LeaseTTL = 5 * time.Second
			errs := make(chan error, tc.workers)
			for i := range tc.workers {
				st := h.st
				if i > 0 {
					st = open()
					defer st.Close()
				}
				in := New(h.site, st, opts)
				defer in.Close()
				go func() { _, err := in.RunOnce(ctx); errs <- err }()
			}
			count := func(query string) int {
				t.Helper()
				c, err := pgx.Connect(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close(ctx)
				var n int
				if err := c.QueryRow(ctx, query).Scan(&n); err != nil {
					t.Fatal(err)
				}
				return n
			}
			for deadline := time.Now().Add(30 * time.Second); count(`SELECT count(*) FROM records WHERE kind = 'news'`) < 20; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("no batch stored within 30 s")
				}
			}
			tc.restart(t)
			for range tc.workers {
				// Whichever step it failed at, the round says it is
				// ingest's, and that the connection was lost, once in
				// each error it holds (a failure to record the sources'
				// states, joined in parentheses, may say so too).
				if err := <-errs; err != nil {
					t.Logf("round under the restart: %v", err)
					if msg := err.Error(); !strings.HasPrefix(msg, "ingest: ") || strings.Contains(msg, "ingest: ingest: ") ||
						!errors.Is(err, postgres.ErrConnLost) || lostTwice.MatchString(msg) {
						t.Errorf("a round under the restart failed with %q, want %q once, after ingest's prefix once", msg, postgres.ErrConnLost)
					}
				}
			}
			if n := count(`SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database
				WHERE l.locktype = 'advisory' AND d.datname = current_database()`); n != 0 {
				t.Errorf("%d advisory locks held once the rounds ended", n)
			}
			if n := count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`); n != 0 {
				t.Errorf("%d sessions idle in a transaction once the rounds ended", n)
			}

			next := open()
			defer next.Close()
			in := New(h.site, next, opts)
			defer in.Close()
			if _, err := in.RunOnce(ctx); err != nil {
				t.Fatalf("the next round: %v", err)
			}
			for _, c := range []struct {
				what, query string
				want        int
			}{
				{"news records", `SELECT count(*) FROM records WHERE kind = 'news'`, feeds * items},
				{"distinct canonical URLs", `SELECT count(DISTINCT canonical_url) FROM records WHERE kind = 'news'`, feeds * items},
				{"staged arrivals", `SELECT count(*) FROM staged`, 0},
				{"leases", `SELECT count(*) FROM leases`, 0},
			} {
				if n := count(c.query); n != c.want {
					t.Errorf("after the next round, %d %s, want %d", n, c.what, c.want)
				}
			}
		})
	}
}

// lostTwice matches a lost connection said twice in one error's chain:
// the wording wrapped again before any other error joins it.
var lostTwice = regexp.MustCompile(regexp.QuoteMeta(postgres.ErrConnLost.Error()) + `[^(]*` + regexp.QuoteMeta("the connection to the PostgreSQL database was lost"))
