package cli

import (
	"context"
	"fmt"
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
	srv := serveFeed(t, "feed-cron-round.xml")
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
	if files := holdingFiles(t, site, title); len(files) > 0 {
		t.Errorf("the build after the round shows the hidden lead %q in %v", title, files)
	}
}

// TestLogLevelQuietsACrontabsRuns: a crontab mails whatever a run writes
// to stderr, so `--log-level warn` (or NEWSHUB_LOG_LEVEL) leaves a build
// that went well silent there, while a warning still reaches it; a level
// that is none is refused as bad usage.
func TestLogLevelQuietsACrontabsRuns(t *testing.T) {
	dir := localSite(t)
	// Without url, build warns: what a crontab must still be mailed.
	cfg := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.HasPrefix(line, "url:") {
			kept = append(kept, line)
		}
	}
	if err := os.WriteFile(cfg, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	out := filepath.Join(t.TempDir(), "out")
	for _, c := range []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stderr []string // what stderr holds; none: it is empty
	}{
		{"default", []string{"build", out}, nil, ExitOK, []string{"level=INFO", "level=WARN", "no url"}},
		{"flag before", []string{"--log-level", "warn", "build", out}, nil, ExitOK, []string{"level=WARN msg=\"build: the site gives no url"}},
		{"flag after", []string{"build", "--log-level=error", out}, nil, ExitOK, nil},
		{"environment", []string{"build", out}, map[string]string{"NEWSHUB_LOG_LEVEL": "error"}, ExitOK, nil},
		{"flag over environment", []string{"--log-level", "info", "build", out}, map[string]string{"NEWSHUB_LOG_LEVEL": "error"}, ExitOK, []string{"level=INFO"}},
		{"no level", []string{"--log-level", "loud", "build", out}, nil, ExitUsage, []string{"flag -log-level: want debug, info, warn or error", "loud"}},
		{"no level in the environment", []string{"build", out}, map[string]string{"NEWSHUB_LOG_LEVEL": "loud"}, ExitUsage, []string{"NEWSHUB_LOG_LEVEL", "loud"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			args := append([]string{"--site", dir}, c.args...)
			code := Run(context.Background(), args, &stdout, &stderr, func(k string) string { return c.env[k] })
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, stdout.String(), stderr.String())
			}
			if c.stderr == nil && stderr.Len() > 0 {
				t.Errorf("stderr is not empty:\n%s", stderr.String())
			}
			for _, want := range c.stderr {
				if !strings.Contains(stderr.String(), want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
				}
			}
			if c.code == ExitOK && !strings.Contains(stdout.String(), "out") {
				t.Errorf("the build's line is not on stdout:\n%s", stdout.String())
			}
		})
	}
}
