package newsletter

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// genUntil ends the generated news; the hub's days are in
// America/Los_Angeles, gen's time zone, whose clocks go back on
// 2026-11-01 (a day of 25 hours).
var genUntil = time.Date(2026, 11, 4, 0, 0, 0, 0, time.UTC)

// testNow is after every generated day's issue is due.
var testNow = time.Date(2026, 11, 10, 12, 0, 0, 0, time.UTC)

func testOptions() Options { return Options{Now: func() time.Time { return testNow }} }

// hub is a generated site: its records in a real SQLite store and its
// folder on disk.
type hub struct {
	st   store.Store
	site *site.Site
	dir  string
	recs []*model.Record // as generated, rendered
}

var shared struct {
	once sync.Once
	dir  string
	h    *hub
	err  error
}

// TestMain removes the shared hub's folder, and stops the PostgreSQL
// server the tests of several workers started.
func TestMain(m *testing.M) {
	pgtest.Main(m, func() {
		if shared.h != nil {
			shared.h.st.Close()
		}
		if shared.dir != "" {
			os.RemoveAll(shared.dir)
		}
	})
}

// sharedHub is one generated hub of 6,000 articles for the tests that only
// read it.
func sharedHub(t testing.TB) *hub {
	t.Helper()
	shared.once.Do(func() {
		if shared.dir, shared.err = os.MkdirTemp("", "newsletter-test-"); shared.err != nil {
			return
		}
		var st store.Store
		if st, shared.err = sqlite.Open(context.Background(), filepath.Join(shared.dir, "hub.db")); shared.err != nil {
			return
		}
		shared.h, shared.err = fillHub(st, filepath.Join(shared.dir, "site"), 6000, nil)
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.h
}

// genHub generates a hub of n articles over gen's 180 days (a dozen
// stories a day for n = 6000) and stores every record; its site folder
// starts empty. edit, when set, may change the records first.
func genHub(t testing.TB, n int, edit func(*model.Record)) *hub {
	t.Helper()
	h, err := fillHub(sqlitetest.Open(t), t.TempDir(), n, edit)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func fillHub(st store.Store, dir string, n int, edit func(*model.Record)) (*hub, error) {
	h := &hub{st: st, dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	err := gen.Records(gen.Options{Articles: n, Seed: 11, Until: genUntil}, func(r *model.Record) error {
		if edit != nil {
			edit(r)
		}
		if err := content.Render(r); err != nil {
			return err
		}
		h.recs = append(h.recs, r)
		return nil
	})
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	if err := h.st.Upsert(ctx, h.recs); err != nil {
		return nil, err
	}
	if h.site, err = site.Load(ctx, h.st); err != nil {
		return nil, err
	}
	return h, nil
}

// artifact saves a file for people to look at under artifacts/newsletter/.
func artifact(t testing.TB, name string, data []byte) string {
	t.Helper()
	dir := filepath.Join(testutil.Root(t), "artifacts", "newsletter")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// composeDay composes the issue of day d of h, failing the test on error.
func composeDay(t testing.TB, h *hub, d Date) *Issue {
	t.Helper()
	is, err := Compose(context.Background(), h.st, h.site, d, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	return is
}

// mustHTML renders the issue's e-mail, failing the test on error.
func mustHTML(t testing.TB, is *Issue) string {
	t.Helper()
	doc, err := is.HTML()
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// newsletterSite is a copy of h's site that writes its newsletter at
// 07:00 and, given srv, mails it there to the addresses to (by default
// one); and Los Angeles, whose days the generated hub's are.
func newsletterSite(t testing.TB, h *hub, srv *smtptest.Server, to ...string) (*site.Site, *time.Location) {
	t.Helper()
	cfg := *h.site.Config
	cfg.NewsletterTime = "07:00"
	if len(to) == 0 {
		to = []string{"editors@example.org"}
	}
	if srv != nil {
		cfg.SMTP = &model.SMTP{Host: srv.Host, Port: srv.Port, From: "news@hub.example.org", To: to, StartTLS: new(bool)}
	}
	s := *h.site
	s.Config = &cfg
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return &s, la
}
