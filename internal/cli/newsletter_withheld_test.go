package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

// issueCase is a lead of the published hub with a related article, both
// with plain titles no other record has, and the day of the lead.
type issueCase struct {
	lead    *model.Record
	related model.Related
	day     string
}

func findIssueCase(t *testing.T, h *publishedHub) issueCase {
	t.Helper()
	st, err := sqlite.Open(context.Background(), h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg, err := st.Get(context.Background(), "_config.yml")
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]int{}
	err = st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		titles[r.Article.Title]++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	plain := func(s string) bool { return plainTitle.MatchString(s) && titles[s] == 1 }
	for _, r := range h.leads {
		a := r.Article
		if !plain(a.Title) {
			continue
		}
		for _, rel := range a.Related[:min(len(a.Related), 3)] {
			if plain(rel.Title) {
				day := a.PublishedDateTime.In(cfg.Config.Location()).Format("2006-01-02")
				return issueCase{lead: r, related: rel, day: day}
			}
		}
	}
	t.Fatal("the generated hub has no lead with a related article to test with")
	return issueCase{}
}

// TestNewsletterIssueLeavesOutWhatIsWithheldSince writes a day's issue,
// then hides one of its related articles and its lead with `newshub edit
// hide`: the issue is written again without each, so that no file of a
// build (the issue's page, its API document, the list, the feed of
// issues) nor the site folder's record holds their titles, and a build
// updated in place equals a fresh one byte for byte. Shown again, the
// lead comes back in the issue.
func TestNewsletterIssueLeavesOutWhatIsWithheldSince(t *testing.T) {
	t.Parallel()
	h := newPublishedHub(t)
	c := findIssueCase(t, h)
	h.run("newsletter", "--date", c.day, "--no-send")
	issues, err := filepath.Glob(filepath.Join(h.site, "_newsletters", "*-"+c.day+".html"))
	if err != nil || len(issues) != 1 {
		t.Fatalf("the issue of %s was not written: %v %v", c.day, issues, err)
	}
	issue := issues[0]
	holds := func(file, text string) bool {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Contains(string(b), text)
	}
	build := func(out string) {
		h.run("build", "--now", buildNow, out)
	}
	out := filepath.Join(t.TempDir(), "out")
	build(out)
	for _, title := range []string{c.lead.Article.Title, c.related.Title} {
		if !holds(issue, title) {
			t.Fatalf("the issue does not name %q before it is hidden", title)
		}
		if files := holdingFiles(t, out, title); !anyUnder(files, "newsletters/") || !anyUnder(files, "api/newsletters/") {
			t.Fatalf("the build shows %q in %v only, before it is hidden", title, files)
		}
	}

	h.run("edit", "hide", c.related.WebURL)
	if holds(issue, c.related.Title) || !holds(issue, c.lead.Article.Title) {
		t.Fatalf("after the related article was hidden, the issue holds it or lost its story")
	}
	stdout := h.run("edit", "hide", "--off-topic", c.lead.Article.CanonicalURL)
	if !strings.Contains(stdout, "1 newsletter issues written again") {
		t.Errorf("edit hide does not say the issue was written again:\n%s", stdout)
	}
	if holds(issue, c.lead.Article.Title) {
		t.Fatalf("after its lead was hidden, the issue still names it")
	}

	build(out)
	fresh := filepath.Join(t.TempDir(), "fresh")
	build(fresh)
	for _, title := range []string{c.lead.Article.Title, c.related.Title} {
		if files := holdingFiles(t, out, title); len(files) > 0 {
			t.Errorf("the build still shows %q in %v", title, files)
		}
	}
	sameTree(t, "incremental against fresh", treeOf(t, out), treeOf(t, fresh))

	// Shown again, the lead is back in the issue, and in the build.
	h.run("edit", "show", c.lead.Article.CanonicalURL)
	if !holds(issue, c.lead.Article.Title) {
		t.Errorf("shown again, the lead is not back in the issue")
	}
	build(out)
	if files := holdingFiles(t, out, c.lead.Article.Title); !anyUnder(files, "newsletters/") {
		t.Errorf("shown again, the lead is back in %v only", files)
	}
}

// holdingFiles returns the files under dir (slash paths relative to it)
// whose bytes hold text.
func holdingFiles(t *testing.T, dir, text string) []string {
	t.Helper()
	var files []string
	for rel, b := range treeOf(t, dir) {
		if strings.Contains(string(b), text) {
			files = append(files, rel)
		}
	}
	return files
}

func anyUnder(files []string, prefix string) bool {
	for _, f := range files {
		if strings.HasPrefix(f, prefix) {
			return true
		}
	}
	return false
}
