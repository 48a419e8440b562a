package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/admin/users"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// hubHandles opens n handles on one new store, as n serve processes of
// one hub hold it.
type hubHandles func(t *testing.T, n int) []store.Store

func sqliteHandles(t *testing.T, n int) []store.Store {
	path := filepath.Join(t.TempDir(), "hub.db")
	return openHandles(t, n, func(ctx context.Context) (store.Store, error) { return sqlite.Open(ctx, path) })
}

func postgresHandles(t *testing.T, n int) []store.Store {
	dsn := pgtest.Copy(t, "admin", "", func(ctx context.Context, dsn string) error {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return err
		}
		return st.Close()
	})
	return openHandles(t, n, func(ctx context.Context) (store.Store, error) { return postgres.Open(ctx, dsn) })
}

func openHandles(t *testing.T, n int, open func(ctx context.Context) (store.Store, error)) []store.Store {
	t.Helper()
	out := make([]store.Store, n)
	for i := range out {
		st, err := open(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		out[i] = st
	}
	return out
}

// processes are admin handlers, each over a handle of its own on one
// store, reading one accounts file, on one clock: serve processes of one
// hub behind a balancer.
type processes struct {
	clock    *clock
	handlers []*Handler
}

func newProcesses(t *testing.T, handles hubHandles, n int) *processes {
	t.Helper()
	dir := t.TempDir()
	clk := &clock{t: time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)}
	if err := users.Open(dir, cheap).Add(adminName, adminPassword, false, clk.now()); err != nil {
		t.Fatal(err)
	}
	p := &processes{clock: clk}
	for _, st := range handles(t, n) {
		h, err := New(Config{Store: st, SiteDir: dir, Users: users.Open(dir, cheap), Now: clk.now, BaseURL: "http://hub.test",
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		p.handlers = append(p.handlers, h)
	}
	return p
}

// at sends the client's next requests to the i-th process.
func (p *processes) at(c *client, i int) *client {
	c.h = p.handlers[i]
	return c
}

// signedIn reports whether the i-th process takes c's session: a page
// that is not there is 404 with one, and sends to the sign-in page
// without.
func (p *processes) signedIn(t *testing.T, c *client, i int) bool {
	t.Helper()
	switch w := p.at(c, i).do(http.MethodGet, Prefix+"no-such-page", nil); w.Code {
	case http.StatusNotFound:
		return true
	case http.StatusSeeOther:
		return false
	default:
		t.Fatalf("process %d: GET %d\n%s", i, w.Code, w.Body)
		return false
	}
}

// TestSessionsHoldAcrossProcesses serves the admin area from two
// processes of one hub, on SQLite and on PostgreSQL, and sends a
// browser's requests to one and the other, as a balancer does: the
// sign-in form of one signs in at the other, the session is honoured by
// both, a form token of one is taken by the other, a sign-out at one ends
// the session at both, a session idle too long is refused by both, and a
// process started after the sign-in (serve restarted) honours it.
func TestSessionsHoldAcrossProcesses(t *testing.T) {
	for _, tc := range []struct {
		name    string
		handles hubHandles
	}{
		{"sqlite", sqliteHandles},
		{"postgres", postgresHandles},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newProcesses(t, tc.handles, 3)
			restarted := p.handlers[2]
			p.handlers = p.handlers[:2]

			c := newClient(t, p.handlers[0])
			form := c.token(Prefix + "sign-in")
			w := p.at(c, 1).do(http.MethodPost, Prefix+"sign-in", url.Values{"csrf": {form}, "name": {adminName},
				"password": {adminPassword}})
			if w.Code != http.StatusSeeOther {
				t.Fatalf("the sign-in form of process 0 posted to process 1: %d, want 303\n%s", w.Code, w.Body)
			}
			for i := range p.handlers {
				if !p.signedIn(t, c, i) {
					t.Errorf("process %d does not take the session process 1 started", i)
				}
			}
			p.handlers = append(p.handlers, restarted)
			if !p.signedIn(t, c, 2) {
				t.Error("a process started after the sign-in does not take the session")
			}

			tok := p.at(c, 0).token(Prefix + "no-such-page")
			if w := p.at(c, 1).do(http.MethodPost, Prefix+"sign-out", url.Values{"csrf": {tok}}); w.Code != http.StatusSeeOther {
				t.Fatalf("sign-out at process 1 with process 0's form token: %d, want 303\n%s", w.Code, w.Body)
			}
			for i := range p.handlers {
				if p.signedIn(t, c, i) {
					t.Errorf("process %d takes the session signed out at process 1", i)
				}
			}

			if w := p.at(c, 2).signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
				t.Fatalf("sign-in again: %d", w.Code)
			}
			p.clock.advance(DefaultIdleTimeout)
			for i := range p.handlers {
				if p.signedIn(t, c, i) {
					t.Errorf("process %d takes a session idle for %v", i, DefaultIdleTimeout)
				}
			}
		})
	}
}
