package newsletter

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestIssuesNewestFirstAndLatest(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	if last, err := Latest(ctx, h.st); err != nil || !last.IsZero() {
		t.Fatalf("Latest of a hub without issues = %s, %v", last, err)
	}
	days := []Date{{2026, 10, 20}, {2026, 11, 2}, {2026, 10, 27}}
	for _, d := range days {
		if _, _, err := Write(ctx, h.st, h.site, h.dir, d, testOptions()); err != nil {
			t.Fatal(err)
		}
	}
	// Written again: replaced, not added.
	if _, _, err := Write(ctx, h.st, h.site, h.dir, days[0], testOptions()); err != nil {
		t.Fatal(err)
	}
	recs, err := Issues(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range recs {
		got = append(got, Slug(r.Path))
	}
	want := []string{"election-pulse-2026-11-02", "election-pulse-2026-10-27", "election-pulse-2026-10-20"}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Fatalf("issues %q, want %q", got, want)
	}
	for i := 1; i < len(recs); i++ {
		if recs[i].Newsletter.PublishedDateTime.After(recs[i-1].Newsletter.PublishedDateTime) {
			t.Fatalf("issue %s is newer than the one before it", recs[i].Path)
		}
	}
	if last, err := Latest(ctx, h.st); err != nil || last != (Date{2026, 11, 2}) {
		t.Fatalf("Latest = %s, %v", last, err)
	}
	entries, err := os.ReadDir(filepath.Join(h.dir, Dir))
	if err != nil || len(entries) != 3 {
		t.Fatalf("site folder holds %d issue files (%v), want 3 and no temporary file", len(entries), err)
	}
}

func TestIssueOfTheDayNotOverIsDatedWhenWritten(t *testing.T) {
	h := sharedHub(t)
	// 10:00 on 2026-11-03 in Los Angeles: the day's issue is not due yet.
	now := time.Date(2026, 11, 3, 18, 0, 0, 0, time.UTC)
	is, err := Compose(context.Background(), h.st, h.site, Date{2026, 11, 3}, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	if !is.Published.Equal(now) {
		t.Fatalf("publishedDateTime %s, want the time of writing %s", is.Published, now)
	}
}

// TestARenamedSiteKeepsOneIssueADay: the day's issue written while the day
// lasted, the site renamed, the whole day's issue is written where the
// first was (its address mailed and in the feeds), under the new name; a
// day has one issue, in the store and in the site folder.
func TestARenamedSiteKeepsOneIssueADay(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, 1500, nil)
	d := Date{2026, 11, 2}
	during := Options{Now: func() time.Time { return time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC) }}
	_, first, err := Write(ctx, h.st, h.site, h.dir, d, during)
	if err != nil {
		t.Fatal(err)
	}
	renamed := *h.site
	cfg := *renamed.Config
	cfg.Title = "Ballot Watch"
	renamed.Config = &cfg
	is, rec, err := Write(ctx, h.st, &renamed, h.dir, d, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Path != first.Path || is.WebURL != first.Newsletter.WebURL {
		t.Errorf("the day's issue moved from %s (%s) to %s (%s)", first.Path, first.Newsletter.WebURL, rec.Path, is.WebURL)
	}
	if !strings.Contains(rec.Newsletter.Title, "Ballot Watch") {
		t.Errorf("the day's issue is titled %q, not by the site's new name", rec.Newsletter.Title)
	}
	recs, err := Issues(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range recs {
		paths = append(paths, r.Path)
	}
	if len(paths) != 1 {
		t.Errorf("the store holds the issues %q, want the day's one", paths)
	}
	entries, err := os.ReadDir(filepath.Join(h.dir, Dir))
	if err != nil || len(entries) != 1 {
		t.Errorf("the site folder holds %d issue files (%v), want the day's one", len(entries), err)
	}
}
