package importer

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestAHubMovedByExportAndImportKnowsItsArticlesByTheirFeedsIDs: an
// article ingested from a feed is known by its item's id (GUID) as well
// as by its address; after the hub moves, an item its feed lists again
// under a new address (a slug renamed) is the article the hub holds, not
// a new one, as it was before the move.
func TestAHubMovedByExportAndImportKnowsItsArticlesByTheirFeedsIDs(t *testing.T) {
	ctx := context.Background()
	data, err := os.ReadFile(filepath.Join("testdata", "grid-feed.xml"))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	feed := string(data)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write([]byte(feed))
	}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "decided"))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, "_data/sources.yaml", []byte(fmt.Sprintf("sources:\n  - url: %s/feed.xml\n", srv.URL)))
	old := openHub(t, filepath.Join(t.TempDir(), "old.db"))
	if _, err := Import(ctx, old, dir, Options{SiteDir: dir}); err != nil {
		t.Fatal(err)
	}
	ingestOnce(t, old, dir)
	out := filepath.Join(t.TempDir(), "out")
	exportHub(t, old, out)
	moved := openHub(t, filepath.Join(t.TempDir(), "new.db"))
	if res, err := Import(ctx, moved, out, Options{SiteDir: out}); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("import of the export: %v, rejected %v", err, res.Rejected)
	}

	mu.Lock()
	feed = strings.ReplaceAll(feed, "/news/interconnection-accord<", "/news/regional-interconnection-accord<")
	mu.Unlock()
	for _, hub := range []struct {
		name string
		st   store.Store
		dir  string
	}{{"before the move", old, dir}, {"after the move", moved, out}} {
		before := newsCount(t, hub.st)
		ingestOnce(t, hub.st, hub.dir)
		if n := newsCount(t, hub.st); n != before {
			t.Errorf("%s: the item listed under a new address made %d articles more, want none", hub.name, n-before)
		}
	}
}

func newsCount(t *testing.T, st store.Store) int {
	t.Helper()
	counts, err := st.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return counts[model.KindNews]
}
