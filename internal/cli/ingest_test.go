package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
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
