package cli

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/ingest"
)

// TestItemsNotStoredAreShownEverywhere ingests a malformed feed whose
// items are stored or dropped for each reason, and checks that the reasons
// are in the round's summary, in `ingest -v`, in `sources list` and in
// `explain URL`.
func TestItemsNotStoredAreShownEverywhere(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-with-drops.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(feed) }))
	defer srv.Close()
	dir := localSite(t)
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	feedURL := srv.URL + "/feed.xml"
	if code, _, errs := run(t, "--site", dir, "sources", "add", feedURL); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages", "-v")
	if code != 0 {
		t.Fatalf("ingest: %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{"items:   5 seen, 2 new, 3 not stored (1 duplicate, 1 no title or text, 1 no usable link)"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{`reason="no usable link"`, `reason="no title or text"`, "reason=duplicate", "feed malformed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("ingest -v lacks %q:\n%s", want, errs)
		}
	}
	code, out, errs = run(t, "--site", dir, "sources", "list")
	if code != 0 {
		t.Fatal(errs)
	}
	for _, want := range []string{
		"5 items, 2 new",
		feedURL + ": malformed XML (",
		feedURL + ": not stored: 1 duplicate, 1 no title or text, 1 no usable link",
		`no usable link: "Subscriber note" (the item has no http or https link)`,
		"no title or text: https://precinctwire.example/photo-1",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("sources list lacks %q:\n%s", want, out)
		}
	}
	code, out, errs = run(t, "--site", dir, "explain", "https://precinctwire.example/photo-1")
	if code != 0 || !strings.Contains(out, "was not stored") || !strings.Contains(out, "no title or text: item of "+feedURL) {
		t.Errorf("explain of a dropped item: %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, "--site", dir, "explain", "https://precinctwire.example/results")
	if code != 0 || !strings.Contains(out, "Results by county") {
		t.Errorf("explain of the item of the unclosed element: %d\n%s", code, out)
	}
}

// TestFeedTextReachesTheTerminalAsText ingests a feed whose item GUID
// holds terminal control sequences (one writing the clipboard, one
// clearing the screen) and a feed whose server answers with them in its
// status line: `sources list` and `explain` show them escaped, as text,
// never as bytes a terminal would act on.
func TestFeedTextReachesTheTerminalAsText(t *testing.T) {
	t.Parallel() // most of it waits on the failing source
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-with-controls.json"))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/feed.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/feed+json")
		w.Write(feed)
	})
	mux.HandleFunc("/down.xml", func(w http.ResponseWriter, r *http.Request) {
		// A status line of the server's own making: net/http writes none
		// like it.
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close()
		buf.WriteString("HTTP/1.1 503 Down \x1b]0;owned\x07\x1b[1A\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
		buf.Flush()
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	dir := localSite(t)
	for _, u := range []string{srv.URL + "/feed.json", srv.URL + "/down.xml"} {
		if code, _, errs := run(t, "--site", dir, "sources", "add", u); code != 0 {
			t.Fatal(errs)
		}
	}
	if code, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages"); code != 0 {
		t.Fatalf("ingest: %d\n%s\n%s", code, out, errs)
	}
	guid := `precinct-note-\x1b]52;c;cm0gLXJmIH4=\a\x1b[2J\u009b31m`
	for _, args := range [][]string{{"sources", "list"}, {"explain", "precinct-note-\x1b]52;c;cm0gLXJmIH4=\a\x1b[2J\u009b31m"}} {
		code, out, errs := run(t, append([]string{"--site", dir}, args...)...)
		if code != 0 {
			t.Fatalf("%s: %d\n%s", args[0], code, errs)
		}
		for i, r := range out {
			if r != '\n' && r != '\t' && (r < 0x20 || r >= 0x7f && r < 0xa0) {
				t.Errorf("%s writes the control character %U at %d:\n%q", args[0], r, i, out)
				break
			}
		}
		if !strings.Contains(out, guid) {
			t.Errorf("%s does not show the item's GUID as text %s:\n%s", args[0], guid, out)
		}
	}
	if _, out, _ := run(t, "--site", dir, "sources", "list"); !strings.Contains(out, `503 Down \x1b]`) {
		t.Errorf("sources list does not show the status line as text:\n%s", out)
	}
}

// TestIngestOnceFailsWhenEverySourceFails: a crontab's or a timer's
// `ingest --once` exits 1 when every source it fetched failed, for the
// hub then reads nothing and a monitor of the exit status must learn of
// it; one source failing beside others that answer is counted and the
// round exits 0, as is a round with no source due.
func TestIngestOnceFailsWhenEverySourceFails(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-county-clerk.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			w.Write(feed)
		case "/page.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, "<!doctype html><html><head><title>County clerk</title></head><body><p>Office hours</p></body></html>")
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	tests := []struct {
		name    string
		sources []string
		code    int
		out     string // of the summary
		errs    string // of stderr; "" for none of the round's failure
	}{
		{"every source failing", []string{"/gone.xml", "/page.html"}, ExitFailure, "0 fetched, 0 not modified, 2 failed",
			"newshub ingest: every source the round fetched failed (2): the hub read nothing"},
		{"one failing of two", []string{"/gone.xml", "/feed.xml"}, ExitOK, "1 fetched, 0 not modified, 1 failed", ""},
		{"none listed", nil, ExitOK, "0 listed, 0 due", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := localSite(t)
			for _, p := range tt.sources {
				if code, _, errs := run(t, "--site", dir, "sources", "add", srv.URL+p); code != 0 {
					t.Fatal(errs)
				}
			}
			code, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages")
			if code != tt.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.code, out, errs)
			}
			if !strings.Contains(out, tt.out) {
				t.Errorf("summary lacks %q:\n%s", tt.out, out)
			}
			const failed = "every source the round fetched failed"
			if tt.errs != "" && !strings.Contains(errs, tt.errs) {
				t.Errorf("stderr lacks %q:\n%s", tt.errs, errs)
			}
			if tt.errs == "" && strings.Contains(errs, failed) {
				t.Errorf("stderr says %q of a round that read a source or had none due:\n%s", failed, errs)
			}
		})
	}
}

// TestIngestOnceSaysHowToFetchSourcesNotDue: a source that failed waits
// before it is fetched again, so the round run after the mistake is mended
// (here the address guard allowed in _config.yml) fetches nothing; its
// summary says so and how to fetch the sources now, as the user who
// mended it is waiting for them.
func TestIngestOnceSaysHowToFetchSourcesNotDue(t *testing.T) {
	srv := serveFeed(t, "feed-county-clerk.xml")
	dir := filepath.Join(t.TempDir(), "site")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatal(errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", srv.URL+"/feed.xml"); code != 0 {
		t.Fatal(errs)
	}
	const hint = "ingest --once --all fetches them now"
	if _, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages"); !strings.Contains(out, "1 failed") || strings.Contains(out, hint) {
		t.Fatalf("the round refused by the address guard:\n%s%s", out, errs)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "--site", dir, "ingest", "--once", "--no-pages")
	if code != ExitOK || !strings.Contains(out, "1 listed, 0 due") {
		t.Fatalf("the round after the mend: exit %d, want the source not due\n%s%s", code, out, errs)
	}
	if !strings.Contains(out, hint) {
		t.Errorf("the summary of a round with no source due lacks %q:\n%s", hint, out)
	}
	code, out, errs = run(t, "--site", dir, "ingest", "--once", "--no-pages", "--all")
	if code != ExitOK || !strings.Contains(out, "1 fetched") || strings.Contains(out, hint) {
		t.Errorf("ingest --once --all: exit %d, want the source fetched\n%s%s", code, out, errs)
	}
}

// TestSummarySaysTheOutage: the summary of a round of the hub's network
// out says how many of its failures were not counted against their
// sources, and so does the error of its exit status 1, where the summary
// read "3 failed" as for three broken feeds.
func TestSummarySaysTheOutage(t *testing.T) {
	for _, c := range []struct {
		name      string
		sum       ingest.Summary
		line, err string
	}{
		{"an outage", ingest.Summary{Sources: 3, Due: 3, Failed: 3, NetworkOut: 3},
			"sources: 3 listed, 3 due, 0 fetched, 0 not modified, 3 failed (3 not counted against their sources: the hub's network was out), 0 paused\n",
			"the hub's network was out"},
		{"broken feeds", ingest.Summary{Sources: 3, Due: 3, Failed: 3},
			"sources: 3 listed, 3 due, 0 fetched, 0 not modified, 3 failed, 0 paused\n",
			"the hub read nothing"},
		{"some broken, the network up", ingest.Summary{Sources: 3, Due: 3, Fetched: 2, Failed: 1},
			"sources: 3 listed, 3 due, 2 fetched, 0 not modified, 1 failed, 0 paused\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			printSummary(&b, c.sum)
			if first, _, _ := strings.Cut(b.String(), "items:"); first != c.line {
				t.Errorf("summary %q, want %q", first, c.line)
			}
			err := roundReadNothing(c.sum)
			if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
				t.Errorf("error %v, want one saying %q", err, c.err)
			}
		})
	}
}
