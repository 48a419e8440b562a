package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestIngestOnceLeavesWithheldArticlesOutOfIssues runs the one-shot
// commands a crontab runs: a day's issue is written, an editor hides its
// lead by hand in the decisions log, and the next `ingest --once` applies
// the decision with its batch. The issue is written again without the
// lead at once, as `edit` and `curate` do, so that the next `build`
// shows its title nowhere: a crontab has no serve whose schedule would.
func TestIngestOnceLeavesWithheldArticlesOutOfIssues(t *testing.T) {
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-cron-round.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(feed)
	}))
	defer srv.Close()
	h := newPublishedHub(t)
	c := findIssueCase(t, h)
	h.run("newsletter", "--date", c.day, "--no-send")
	issues, err := filepath.Glob(filepath.Join(h.site, "_newsletters", "*-"+c.day+".html"))
	if err != nil || len(issues) != 1 {
		t.Fatalf("the issue of %s was not written: %v %v", c.day, issues, err)
	}
	title := c.lead.Article.Title
	if b, err := os.ReadFile(issues[0]); err != nil || !strings.Contains(string(b), title) {
		t.Fatalf("the issue does not name %q before it is hidden: %v", title, err)
	}

	// The feed is on loopback: the site allows it by hand, as the
	// decisions below are written.
	cfg := filepath.Join(h.site, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	h.run("sources", "add", srv.URL+"/feed.xml")
	decisions := filepath.Join(h.site, "_data", "decisions.yaml")
	if _, err := os.Stat(decisions); !os.IsNotExist(err) {
		t.Fatalf("the generated hub has a decisions log already: %v", err)
	}
	log := fmt.Sprintf("decisions:\n  - action: hide\n    article: %q\n    at: 2026-11-03T09:00:00Z\n    by: ada\n", c.lead.Article.CanonicalURL)
	if err := os.WriteFile(decisions, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	out := h.run("ingest", "--once", "--no-pages")
	if !strings.Contains(out, "1 new") {
		t.Fatalf("the round stored no batch to apply the decision with:\n%s", out)
	}
	if explain := h.run("explain", c.lead.Article.CanonicalURL); !strings.Contains(explain, "hidden by ada") {
		t.Fatalf("ingest did not apply the hand-written decision:\n%s", explain)
	}
	if !strings.Contains(out, "1 newsletter issues written again") {
		t.Errorf("ingest does not say the issue was written again:\n%s", out)
	}
	if b, err := os.ReadFile(issues[0]); err != nil || strings.Contains(string(b), title) {
		t.Errorf("after ingest applied the hide, the issue still names %q (%v)", title, err)
	}
	site := filepath.Join(t.TempDir(), "out")
	h.run("build", "--now", buildNow, site)
	if files := holdingFiles(site, title); len(files) > 0 {
		t.Errorf("the build after the round shows the hidden lead %q in %v", title, files)
	}
}
