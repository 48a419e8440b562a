package admin

import (
	"context"
	"errors"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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
	dsn := postgresDSN(t)
	return openHandles(t, n, func(ctx context.Context) (store.Store, error) { return postgres.Open(ctx, dsn) })
}

// postgresDSN returns the address of a new database, its store's
// migrations run.
func postgresDSN(t testing.TB) string {
	return pgtest.Copy(t, "admin", "", func(ctx context.Context, dsn string) error {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return err
		}
		return st.Close()
	})
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

// onEachStore runs test on SQLite and on PostgreSQL, in subtests named
// by them.
func onEachStore(t *testing.T, test func(t *testing.T, handles hubHandles)) {
	for _, tc := range []struct {
		name    string
		handles hubHandles
	}{
		{"sqlite", sqliteHandles},
		{"postgres", postgresHandles},
	} {
		t.Run(tc.name, func(t *testing.T) { test(t, tc.handles) })
	}
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
	onEachStore(t, func(t *testing.T, handles hubHandles) {
		p := newProcesses(t, handles, 3)
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

// TestASessionInUseIsWrittenOnceAMinute sends a browser's requests to
// two processes of one hub, on SQLite and on PostgreSQL: a request
// within a minute of the last use written writes nothing, so the idle
// time runs from that one; used every 50 seconds, the session lives past
// its idle time; left idle, it ends at both.
func TestASessionInUseIsWrittenOnceAMinute(t *testing.T) {
	const every = 50 * time.Second
	onEachStore(t, func(t *testing.T, handles hubHandles) {
		p := newProcesses(t, handles, 2)
		c := newClient(t, p.handlers[0])
		if w := c.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
			t.Fatalf("sign-in: %d", w.Code)
		}
		p.clock.advance(every)
		if !p.signedIn(t, c, 1) {
			t.Fatal("a session is refused 50 seconds after its sign-in")
		}
		p.clock.advance(DefaultIdleTimeout - every + time.Second)
		if p.signedIn(t, c, 0) {
			t.Errorf("a session is taken %v after its sign-in: its use 50 seconds after the sign-in was written", DefaultIdleTimeout+time.Second)
		}

		if w := p.at(c, 0).signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
			t.Fatalf("sign-in again: %d", w.Code)
		}
		for used := time.Duration(0); used < DefaultIdleTimeout+5*time.Minute; used += every {
			p.clock.advance(every)
			if !p.signedIn(t, c, int(used/every)%2) {
				t.Fatalf("a session used every %v ended %v after its sign-in", every, used+every)
			}
		}
		p.clock.advance(DefaultIdleTimeout)
		for i := range p.handlers {
			if p.signedIn(t, c, i) {
				t.Errorf("process %d takes a session idle for %v", i, DefaultIdleTimeout)
			}
		}
	})
}

// TestAFlashIsShownByAnotherProcessWithItsSecretsMasked posts a form one
// process refuses and reads the page it leads back to from another, over
// one SQLite file: the other shows the message and fills the form again,
// and neither the message nor what was typed keeps a secret at rest,
// where the store held them as they were typed.
func TestAFlashIsShownByAnotherProcessWithItsSecretsMasked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db")
	p := newProcesses(t, func(t *testing.T, n int) []store.Store {
		return openHandles(t, n, func(ctx context.Context) (store.Store, error) { return sqlite.Open(ctx, path) })
	}, 2)
	c := newClient(t, p.handlers[0])
	if w := c.signIn(adminName, adminPassword); w.Code != http.StatusSeeOther {
		t.Fatalf("sign-in: %d", w.Code)
	}
	for _, tc := range []struct {
		name, url, provider string
		shown               []string // on the page process 1 answers
	}{
		{"an address without its scheme", "feeds.example.org/private.rss?token=s3cretA", "Harbour Ledger",
			[]string{`Not done: source "feeds.example.org/private.rss?token=xxxxx": want an absolute http or https URL`, `value="Harbour Ledger"`}},
		{"user information without a scheme", "reader:s3cretB@feeds.example.org/private.rss", "",
			[]string{`Not done: source "reader:xxxxx@feeds.example.org/private.rss": want an absolute http or https URL`}},
		{"an address typed as the publisher", "ftp://files.example.org/feed", "https://feeds.example.org/x.rss?api_key=s3cretC",
			[]string{`want an absolute http or https URL`, `value="https://feeds.example.org/x.rss?api_key=xxxxx"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := p.at(c, 0).post(Prefix+"sources/add", url.Values{"url": {tc.url}, "provider": {tc.provider}})
			if w.Code != http.StatusSeeOther {
				t.Fatalf("POST sources/add at process 0: %d\n%s", w.Code, w.Body)
			}
			secret := regexp.MustCompile(`s3cret[A-C]`)
			for _, f := range []string{path, path + "-wal", path + "-journal"} {
				b, err := os.ReadFile(f)
				if err != nil && !errors.Is(err, fs.ErrNotExist) {
					t.Fatal(err)
				}
				if m := secret.Find(b); m != nil {
					t.Errorf("%s holds %s", filepath.Base(f), m)
				}
			}
			page := html.UnescapeString(p.at(c, 1).do(http.MethodGet, Prefix+"sources/", nil).Body.String())
			for _, want := range tc.shown {
				if !strings.Contains(page, want) {
					t.Errorf("process 1's page lacks %s", want)
				}
			}
			if m := secret.FindString(page); m != "" {
				t.Errorf("process 1's page shows %s", m)
			}
		})
	}
}
