package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/ingest"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// TestAHubMovedByExportAndImportKeepsTheTopicGatesDecisions: an article
// the gate withheld as off topic stays withheld after the hub moves, and
// one it published stays published, though a fresh gate would decide
// otherwise: the hub's keywords changed since (the hub keeps a decision as
// made), and an article from a feed marked dedicated is on topic for the
// feed it came from, which its file does not name.
func TestAHubMovedByExportAndImportKeepsTheTopicGatesDecisions(t *testing.T) {
	ctx := context.Background()
	dir := gridHub(t, "    provider: grid.example\n    dedicated: true\n")
	old := openHub(t, filepath.Join(t.TempDir(), "old.db"))
	if res, err := Import(ctx, old, dir, Options{SiteDir: dir}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import: %v, rejected %v", err, res.Rejected)
	}
	ingestOnce(t, old, dir)
	// The operator adds a keyword the withheld articles hold: the hub
	// keeps its decisions on them as made.
	const topic = "_data/topics/00-solar.yaml"
	data, err := os.ReadFile(filepath.Join(dir, topic))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, topic, []byte(strings.Replace(string(data), "  - solar\n", "  - solar\n  - coach\n", 1)))
	if _, err := SyncSite(ctx, old, dir); err != nil {
		t.Fatal(err)
	}
	want := decisions(t, old)
	var withheld, dedicated int
	for _, d := range want {
		withheld += strings.Count(d, "withheld "+model.WithheldOffTopic)
		dedicated += strings.Count(d, "published dedicated ")
	}
	if withheld == 0 || dedicated == 0 {
		t.Fatalf("the hub withheld %d articles off topic and published %d from its dedicated feed, want some of each:\n%s", withheld, dedicated, strings.Join(valuesOf(want), "\n"))
	}

	out := filepath.Join(t.TempDir(), "out")
	exportHub(t, old, out)
	moved := openHub(t, filepath.Join(t.TempDir(), "new.db"))
	if res, err := Import(ctx, moved, out, Options{SiteDir: out}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import of the export: %v, rejected %v", err, res.Rejected)
	}
	got := decisions(t, moved)
	for p, w := range want {
		if got[p] != w {
			t.Errorf("%s: %s after the move, want %s as before", p, got[p], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d articles after the move, want %d", len(got), len(want))
	}
}

// gridHub returns the site folder of testdata/decided with one source, a
// feed of testdata/grid-feed.xml served until the test ends, described
// further by the YAML lines given.
func gridHub(t *testing.T, source string) string {
	t.Helper()
	feed, err := os.ReadFile(filepath.Join("testdata", "grid-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	t.Cleanup(srv.Close)
	dir := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "decided"))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "_data/sources.yaml", []byte(fmt.Sprintf("sources:\n  - url: %s/feed.xml\n%s", srv.URL, source)))
	return dir
}

// ingestOnce runs one ingest round of every source of the hub in dir.
func ingestOnce(t *testing.T, st store.Store, dir string) {
	t.Helper()
	ctx := context.Background()
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	in := ingest.New(s, st, ingest.Options{
		Fetch:     fetcher.Options{Timeout: 5 * time.Second, PerHostRate: -1, Retries: -1},
		Version:   "test",
		SkipPages: true, IgnoreRobots: true, All: true, SiteDir: dir,
	})
	defer in.Close()
	sum, err := in.RunOnce(ctx)
	if err != nil || sum.Fetched == 0 {
		t.Fatalf("ingest: %+v, %v", sum, err)
	}
}

// decisions returns, by path, whether each article is published or
// withheld and why, and its topic decision, what it rests on first.
func decisions(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		state := "published"
		if !a.Publishable() {
			state = "withheld " + a.Withheld
		}
		if a.Relevance != nil {
			rel, err := json.Marshal(a.Relevance)
			if err != nil {
				return err
			}
			state += " " + a.Relevance.Basis + " " + string(rel)
		}
		out[r.Path] = state
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func valuesOf(m map[string]string) []string {
	var out []string
	for k, v := range m {
		out = append(out, k+": "+v)
	}
	return out
}
