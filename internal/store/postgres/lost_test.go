package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"newshub/internal/store/postgres/pgtest"
)

// saysLost fails t unless err says once that the connection was lost,
// with the driver's error still in its chain.
func saysLost(t *testing.T, what string, err error) {
	t.Helper()
	t.Logf("%s: %v", what, err)
	if !errors.Is(err, ErrConnLost) || strings.Count(err.Error(), ErrConnLost.Error()) != 1 {
		t.Errorf("%s: %v, want it to say once %q", what, err, ErrConnLost.Error())
	}
	if le := (*lostError)(nil); !errors.As(err, &le) || !connLost(le.err) {
		t.Errorf("%s: %v: the driver's error is not in its chain", what, err)
	}
}

// TestLostConnectionsSaySo ends the sessions of a store as an operator
// (pg_terminate_backend) and a restart of the server do, under a read of a
// snapshot and under Exclusive: each error says the connection was lost,
// once, where it said "unexpected EOF" or "terminating connection due to
// administrator command" alone.
func TestLostConnectionsSaySo(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(t *testing.T, st *Store)
	}{
		{"sessions terminated", func(t *testing.T, st *Store) {
			var ended int
			err := st.pool.QueryRow(context.Background(), `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'newshub'
				AND state <> 'active'`).Scan(&ended)
			if err != nil || ended < 2 {
				t.Fatalf("ended %d sessions (%v), want the snapshot's and the lock's", ended, err)
			}
		}},
		{"server restarted", func(t *testing.T, _ *Store) { pgtest.Restart(t) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st := openTemp(t)
			defer st.Close()
			r, release, err := st.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer release()
			inside, done := make(chan struct{}), make(chan error, 1)
			go func() {
				done <- st.Exclusive(ctx, "curate", func(ctx context.Context) error {
					close(inside)
					<-ctx.Done()
					return ctx.Err()
				})
			}()
			<-inside
			tc.end(t, st)
			_, err = r.Generation(ctx)
			saysLost(t, "a snapshot's read", err)
			select {
			case err := <-done:
				saysLost(t, "Exclusive", err)
			case <-time.After(30 * time.Second):
				t.Fatal("Exclusive still runs half a minute after its session ended")
			}
		})
	}
}

// TestWhatIsALostConnection classifies errors pgx returns: a session
// ended, a connection closed after it, a server that refuses connections
// are lost connections; a statement's error and a context ended are not.
func TestWhatIsALostConnection(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	connect := func(t *testing.T) *pgx.Conn {
		t.Helper()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close(ctx) })
		return c
	}
	terminated := func(t *testing.T) *pgx.Conn {
		t.Helper()
		c := connect(t)
		if _, err := connect(t).Exec(ctx, `SELECT pg_terminate_backend($1)`, c.PgConn().PID()); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for _, tc := range []struct {
		name string
		err  func(t *testing.T) error
		lost bool
	}{
		{"session terminated", func(t *testing.T) error {
			return terminated(t).QueryRow(ctx, `SELECT 1`).Scan(new(int))
		}, true},
		{"used after its session ended", func(t *testing.T) error {
			c := terminated(t)
			c.Exec(ctx, `SELECT 1`)
			_, err := c.Exec(ctx, `SELECT 1`)
			return err
		}, true},
		{"connection refused", func(t *testing.T) error {
			l, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr := l.Addr().(*net.TCPAddr)
			l.Close() // nothing listens there now
			_, err = pgx.Connect(ctx, fmt.Sprintf("postgres://newshub@127.0.0.1:%d/none?connect_timeout=5", addr.Port))
			return err
		}, true},
		{"syntax error", func(t *testing.T) error {
			_, err := connect(t).Exec(ctx, `SELEC 1`)
			return err
		}, false},
		{"context cancelled", func(t *testing.T) error {
			c := connect(t)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			_, err := c.Exec(cctx, `SELECT 1`)
			return err
		}, false},
		{"deadline exceeded", func(t *testing.T) error {
			c := connect(t)
			dctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, err := c.Exec(dctx, `SELECT pg_sleep(10)`)
			return err
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err(t)
			if err == nil {
				t.Fatal("no error")
			}
			got := lost(err)
			if !errors.Is(got, err) {
				t.Errorf("%v does not wrap %v", got, err)
			}
			if says := errors.Is(got, ErrConnLost) && strings.Contains(got.Error(), ErrConnLost.Error()); says != tc.lost {
				t.Errorf("%v: says the connection was lost: %v, want %v", got, says, tc.lost)
			}
			if again := lost(fmt.Errorf("read: %w", got)); strings.Count(again.Error(), ErrConnLost.Error()) > 1 {
				t.Errorf("wrapped again: %v, want it said once", again)
			}
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) {
				t.Logf("%v (SQLSTATE %s)", got, pgErr.Code)
			} else {
				t.Logf("%v", got)
			}
		})
	}
}
