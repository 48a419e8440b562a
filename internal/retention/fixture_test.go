package retention

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite/sqlitetest"
)

// TestMain stops the PostgreSQL server the tests may have started.
func TestMain(m *testing.M) { pgtest.Main(m) }

// until ends the generated news, and is the clock of the tests.
var until = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// hub is a generated site: its folder on disk, read into a real store as
// import reads a site, and the bytes of every file as generated.
type hub struct {
	st    store.Store
	dir   string
	files map[string][]byte // record path → file bytes
}

// stores are the real stores the tests run against.
var stores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store { return sqlitetest.Open(t) }},
	{"postgres", func(t *testing.T) store.Store {
		st, err := postgres.Open(context.Background(), pgtest.DSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// genHub generates n articles over the 90 days before until and reads the
// folder into st (nil: a new SQLite store).
func genHub(t *testing.T, st store.Store, n int) *hub {
	t.Helper()
	ctx := context.Background()
	if st == nil {
		st = sqlitetest.Open(t)
	}
	h := &hub{st: st, dir: filepath.Join(t.TempDir(), "site"), files: map[string][]byte{}}
	if _, err := gen.Generate(ctx, h.dir, gen.Options{Articles: n, Seed: 15, Until: until, Span: 90 * day, Workers: 2}); err != nil {
		t.Fatal(err)
	}
	var config, news []*model.Record
	err := filepath.WalkDir(h.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, h.dir+string(filepath.Separator)))
		if _, ok := content.KindOf(rel); !ok {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rec, err := content.Parse(rel, data)
		if err != nil {
			return err
		}
		h.files[rel] = data
		if rec.Kind != model.KindNews {
			config = append(config, rec)
			return nil
		}
		// What import adds to a news record it reads.
		a := rec.Article
		a.Archived = strings.HasPrefix(rel, "_archive/")
		a.CanonicalURL = curate.CanonicalURL(a.OriginalURL)
		news = append(news, rec)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, config); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := curate.New(s, st, curate.Options{Now: func() time.Time { return until }}).Commit(ctx, news); err != nil {
		t.Fatal(err)
	}
	return h
}

// entries reads every news record of st by its indexed fields, by path.
func entriesOf(t *testing.T, st store.Store) map[string]store.NewsEntry {
	t.Helper()
	out := map[string]store.NewsEntry{}
	err := st.ScanNews(context.Background(), store.NewsQuery{}, func(e store.NewsEntry) error {
		out[e.Path] = e
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// newestOf returns the time of the newest article of each story (a lone
// article by its path).
func newestOf(es map[string]store.NewsEntry) map[string]time.Time {
	newest := map[string]time.Time{}
	for _, e := range es {
		if id := storyKey(e); e.PublishedAt.After(newest[id]) {
			newest[id] = e.PublishedAt
		}
	}
	return newest
}

func storyKey(e store.NewsEntry) string {
	if e.Story != "" {
		return e.Story
	}
	name, _ := content.NewsPathIn(e.Path, false)
	return name
}

// name is the file name of a news record path.
func name(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// checkFolder fails the test unless the news files of the folder are
// where the store keeps their records, each with the bytes it was
// generated with, and gone files are gone.
func checkFolder(t *testing.T, h *hub, gone map[string]bool) {
	t.Helper()
	es := entriesOf(t, h.st)
	for p, data := range h.files {
		if _, ok := content.NewsPathIn(p, false); !ok {
			continue
		}
		now := ""
		for _, candidate := range []string{content.NewsDir + name(p), content.ArchiveDir + name(p)} {
			if _, ok := es[candidate]; ok {
				now = candidate
			}
		}
		if gone[name(p)] {
			if now != "" {
				t.Errorf("%s: purged, yet the store holds %s", p, now)
			}
			for _, dir := range []string{content.NewsDir, content.ArchiveDir} {
				if _, err := os.Stat(filepath.Join(h.dir, dir, name(p))); !os.IsNotExist(err) {
					t.Errorf("%s%s: purged, yet the file is there (%v)", dir, name(p), err)
				}
			}
			continue
		}
		if now == "" {
			t.Errorf("%s: the store holds it nowhere", p)
			continue
		}
		got, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(now)))
		if err != nil {
			t.Errorf("%s: the store has it at %s, the folder not: %v", p, now, err)
			continue
		}
		if !bytes.Equal(got, data) {
			t.Errorf("%s: bytes changed on the way to %s", p, now)
		}
		other, _ := content.NewsPathIn(now, !strings.HasPrefix(now, content.ArchiveDir))
		if _, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(other))); !os.IsNotExist(err) {
			t.Errorf("%s: in the folder at both %s and %s", p, now, other)
		}
	}
}

// raws reads the file bytes the store holds for each news record, by file
// name.
func raws(t *testing.T, st store.Store) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := st.ScanRaw(context.Background(), []model.Kind{model.KindNews}, func(p string, _ model.Kind, raw []byte) error {
		out[name(p)] = raw
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
