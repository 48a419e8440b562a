package curate

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// decisionGets counts the reads of the store's copy of the decisions log.
type decisionGets struct {
	store.Store
	n int
}

func (s *decisionGets) Get(ctx context.Context, path string) (*model.Record, error) {
	if path == editorial.Path {
		s.n++
	}
	return s.Store.Get(ctx, path)
}

// TestCommitReadsTheLogAgainOnlyWhenItChanged commits arrivals over a
// site folder's log: a log unchanged since the last round is neither
// decoded from the store nor parsed and compiled again, where every round
// did all three over every decision ever taken; a log edited by hand
// (same length, one word changed) is read again and applies.
func TestCommitReadsTheLogAgainOnlyWhenItChanged(t *testing.T) {
	ctx := context.Background()
	t0 := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "_data"), 0o755); err != nil {
		t.Fatal(err)
	}
	const u = "https://p1.example/a/1"
	logText := "decisions:\n  - action: hide\n    article: " + u + "\n    at: 2026-11-20T11:00:00Z\n"
	if err := os.WriteFile(editorial.File(dir), []byte(logText), 0o644); err != nil {
		t.Fatal(err)
	}
	st := &decisionGets{Store: openStore(t)}
	cur := New(testSite(), st, Options{Now: func() time.Time { return t0 }, SiteDir: dir})
	commit := func(title, url string) *model.Article {
		t.Helper()
		out, _, err := cur.Commit(ctx, []*model.Record{fresh(title, url, "P1", t0.Add(-time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range out {
			if r.Article.OriginalURL == url {
				return r.Article
			}
		}
		t.Fatalf("%s not stored", url)
		return nil
	}
	if a := commit("Senate passes the border bill", u); a.Withheld != model.WithheldHidden {
		t.Fatalf("first round: withheld %q, want %q", a.Withheld, model.WithheldHidden)
	}
	// The rules the curator keeps: those of the log its cache gives.
	kept := func() *editorial.Rules {
		log, err := cur.decisions.Load(ctx, st, dir)
		if err != nil {
			t.Fatal(err)
		}
		return cur.compiled(log)
	}
	gets, rules := st.n, kept()
	commit("Governor race polls tighten", "https://p2.example/a/2")
	if again := kept(); st.n != gets || again != rules {
		t.Errorf("a round over an unchanged log: %d reads of the store's copy, rules compiled again %v; want none", st.n-gets, again != rules)
	}
	// "hide" becomes "show": the same size, other bytes.
	if err := os.WriteFile(editorial.File(dir), []byte(strings.Replace(logText, "hide", "show", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if a := commit("Senate passes the border bill", u); a.Withheld != "" {
		t.Errorf("after the log was edited to a show: withheld %q, want published", a.Withheld)
	}
}
