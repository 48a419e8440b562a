package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestConfigEditsTakeEffectWithoutImport serves a feed on loopback, which
// the address guard refuses while _config.yml says nothing of private
// networks; the next ingest after an edit to allow_private_networks: true
// fetches it, with no import between. An edit that does not parse is named
// as path:line: reason and leaves the configuration in force.
func TestConfigEditsTakeEffectWithoutImport(t *testing.T) {
	srv := serveFeed(t, "feed-county-clerk.xml")
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	feedURL := srv.URL + "/feed.xml"
	if code, _, errs := run(t, "--site", dir, "sources", "add", feedURL); code != 0 {
		t.Fatal(errs)
	}

	code, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages", "-v")
	if code != ExitFailure || !strings.Contains(out, "1 failed") {
		t.Fatalf("ingest of a loopback feed without allow_private_networks: exit %d, want 1 failed and exit 1:\n%s%s", code, out, errs)
	}
	if !strings.Contains(errs, "allow_private_networks: true in _config.yml") {
		t.Errorf("the refusal does not say how to allow it:\n%s", errs)
	}

	cfg := filepath.Join(dir, "_config.yml")
	valid, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	valid = append(valid, "allow_private_networks: true\n"...)
	if err := os.WriteFile(cfg, valid, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "--site", dir, "ingest", "--once", "--no-pages", "--all")
	if code != 0 || !strings.Contains(out, "1 fetched") || !strings.Contains(out, "3 new") {
		t.Fatalf("ingest after the edit, without import: exit %d, want the feed fetched and 3 new:\n%s%s", code, out, errs)
	}

	// news_page_size holds a list: the file does not parse, and ingest
	// does not start from it (serve, already running, keeps the
	// configuration in force through it: see package watch).
	if err := os.WriteFile(cfg, append(valid, "news_page_size: [30\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "--site", dir, "ingest", "--once", "--no-pages", "--all")
	lineRE := regexp.MustCompile(regexp.QuoteMeta(cfg) + `:\d+: `)
	if !lineRE.MatchString(errs) {
		t.Errorf("an edit that does not parse is not named path:line: reason:\n%s", errs)
	}
	if code != ExitFailure || strings.Contains(out, "fetched") {
		t.Errorf("ingest started from a configuration that does not parse: exit %d:\n%s%s", code, out, errs)
	}
}

// TestSourceAddedByHandIsFetchedByARunningHub adds a source to
// _data/sources.yaml by hand while serve, or ingest on schedule, runs: the
// new source is fetched without a restart, as one added by `sources add`
// to the store would be. Ingest on schedule reads the site folder as
// serve does, not only when it starts.
func TestSourceAddedByHandIsFetchedByARunningHub(t *testing.T) {
	t.Parallel() // each case waits for a running hub to fetch
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--quiet"},
		{"ingest"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			fetched := map[string]int{}
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				fetched[r.URL.Path]++
				mu.Unlock()
				w.Header().Set("Content-Type", "application/rss+xml")
				io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link></channel></rss>`)
			}))
			defer srv.Close()
			waitFetched := func(path string) {
				t.Helper()
				for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
					mu.Lock()
					n := fetched[path]
					mu.Unlock()
					if n > 0 {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s not fetched in 15 s", path)
					}
				}
			}
			dir := localSite(t)
			if code, _, errs := run(t, "--site", dir, "sources", "add", srv.URL+"/wire.xml"); code != 0 {
				t.Fatal(errs)
			}
			startCommand(t, nil, regexp.MustCompile(`serving http://|fetching sources on schedule`), append(args, "--site", dir)...)
			waitFetched("/wire.xml")

			list := filepath.Join(dir, "_data", "sources.yaml")
			b, err := os.ReadFile(list)
			if err != nil {
				t.Fatal(err)
			}
			b = append(b, "  - url: "+srv.URL+"/clerk.xml\n"...)
			if err := os.WriteFile(list, b, 0o644); err != nil {
				t.Fatal(err)
			}
			waitFetched("/clerk.xml")
		})
	}
}
