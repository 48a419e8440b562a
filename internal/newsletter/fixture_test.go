package newsletter

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// genUntil ends the generated news; the hub's days are in
// America/Los_Angeles, gen's time zone.
var genUntil = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)

// testNow is after every generated day's issue is due.
var testNow = time.Date(2026, 10, 25, 12, 0, 0, 0, time.UTC)

func testOptions() Options { return Options{Now: func() time.Time { return testNow }} }

// hub is a generated site: its records in a real SQLite store and its
// folder on disk.
type hub struct {
	st   store.Store
	site *site.Site
	dir  string
	recs []*model.Record // as generated, rendered
}

// genHub generates a hub of n articles over gen's 180 days (a dozen
// stories a day for n = 6000) and stores every record; its site folder
// starts empty. edit, when set, may change the records first.
func genHub(t testing.TB, n int, edit func(*model.Record)) *hub {
	t.Helper()
	h := &hub{st: sqlitetest.Open(t), dir: t.TempDir()}
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
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := h.st.Upsert(ctx, h.recs); err != nil {
		t.Fatal(err)
	}
	if h.site, err = site.Load(ctx, h.st); err != nil {
		t.Fatal(err)
	}
	return h
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
