package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestConfigEditsTakeEffectWithoutImport serves a feed on loopback, which
// the address guard refuses while _config.yml says nothing of private
// networks; the next ingest after an edit to allow_private_networks: true
// fetches it, with no import between. An edit that does not parse is named
// as path:line: reason and leaves the configuration in force.
func TestConfigEditsTakeEffectWithoutImport(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-county-clerk.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()
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
	if code != 0 || !strings.Contains(out, "1 failed") {
		t.Fatalf("ingest of a loopback feed without allow_private_networks: exit %d, want 1 failed:\n%s%s", code, out, errs)
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
