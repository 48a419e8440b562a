package editorial

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestAppendToAListAKeyFollowsKeepsItsEntries appends a decision to a log
// whose list has another key after it, so that the new lines cannot go at
// the end of the file: the file is rendered, and every line of the
// entries already there stays, a field of the desk's own (a ticket) and
// the comments among them too, where the list was written anew and an
// editor's decision lost them.
func TestAppendToAListAKeyFollowsKeepsItsEntries(t *testing.T) {
	site := t.TempDir()
	start, err := os.ReadFile(filepath.Join("testdata", "decisions-key-after.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(site, "_data"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(File(site), start, 0o644); err != nil {
		t.Fatal(err)
	}
	d := model.Decision{Action: Show, Article: "https://gazette.example.org/ferry-timetable", By: "ada",
		At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
	log, err := Append(context.Background(), nil, site, d)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	if log.Len() != 3 || log.Decisions[2].Action != Show {
		t.Fatalf("log after: %+v", log.Decisions)
	}
	got, err := os.ReadFile(File(site))
	if err != nil {
		t.Fatal(err)
	}
	// Everything before the list's closing comment, then the new entry.
	head, _, _ := strings.Cut(string(start), "  # decisions withdrawn")
	want := head + "  - action: show\n    article: \"https://gazette.example.org/ferry-timetable\"\n    by: \"ada\"\n    at: 2026-12-03T10:00:00Z\n" +
		"  # decisions withdrawn are kept here, commented out\nreviewed_by: night desk\n"
	if string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
}
