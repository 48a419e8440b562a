package cli

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

// TestNewsletterStateGoesAlongWhenTheHubMoves writes a day's issue and
// records a mailing of it put off for some readers, then moves the hub
// by export and import into a new store: the issue keeps what became of
// its mailing (those mailed are not mailed it again, those put off still
// get it), and an article hidden there is taken out of it, as it is
// before the move.
func TestNewsletterStateGoesAlongWhenTheHubMoves(t *testing.T) {
	h := newPublishedHub(t)
	c := findIssueCase(t, h)
	h.run("newsletter", "--date", c.day, "--no-send")
	issues, err := filepath.Glob(filepath.Join(h.site, "_newsletters", "*-"+c.day+".html"))
	if err != nil || len(issues) != 1 {
		t.Fatalf("the issue of %s was not written: %v %v", c.day, issues, err)
	}
	path := "_newsletters/" + filepath.Base(issues[0])
	mailing := &model.Mailing{Done: []string{"ada@example.org"}, Pending: []string{"grace@example.org"},
		Tries: 2, Next: time.Date(2026, 11, 3, 12, 4, 0, 0, time.UTC), Subject: "The day's news", Text: "The day's news, as text."}
	before := setMailing(t, h.db, path, mailing)

	out := filepath.Join(t.TempDir(), "site")
	h.run("export", out)
	db := filepath.Join(t.TempDir(), "new.db")
	runOK(t, "--site", out, "--db", "sqlite:"+db, "import")
	after := storedIssue(t, db, path)
	if !reflect.DeepEqual(after.Mailing, before.Mailing) || after.Composed != before.Composed || !reflect.DeepEqual(after.Withdrawn, before.Withdrawn) {
		t.Errorf("moved, the issue records mailing %+v, composed %d bytes, withdrawn %v; want %+v, %d bytes, %v",
			after.Mailing, len(after.Composed), after.Withdrawn, before.Mailing, len(before.Composed), before.Withdrawn)
	}

	runOK(t, "--site", out, "--db", "sqlite:"+db, "edit", "hide", c.related.WebURL)
	b, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(path)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), c.related.Title) {
		t.Errorf("moved, the issue still names %q once it is hidden", c.related.Title)
	}
}

// setMailing records m as the mailing of the stored issue at path and
// returns the issue as stored.
func setMailing(t *testing.T, db, path string, m *model.Mailing) *model.Newsletter {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.Get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if r.Newsletter.Composed == "" {
		t.Fatal("the issue records no composition")
	}
	r.Newsletter.Mailing = m
	if err := st.UpsertIfUnchanged(ctx, []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	return r.Newsletter
}

func storedIssue(t *testing.T, db, path string) *model.Newsletter {
	t.Helper()
	st, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.Get(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return r.Newsletter
}
