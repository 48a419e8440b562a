package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderKeepsTheLinesOfTopicsThatStay changes a record's topics as
// curation and editors' topic decisions do: each topic that stays keeps
// its line and the comments above it, where the list was written anew
// and every comment in it was lost. A topic removed goes with the
// comments above it; one added is written in the generator's style.
func TestRenderKeepsTheLinesOfTopicsThatStay(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "news-topics-notes.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		topics []string
		want   string // the topics field after the edit
	}{
		{"one added", []string{"Harbour", "Ferries", "Timetables", "Summer"},
			"topics:\n  # the desk's topics, kept by hand\n  - Harbour # the root topic\n  - Ferries\n" +
				"  # Timetables: added by the desk, under review\n  - Timetables\n  - Summer\n"},
		{"one removed", []string{"Harbour", "Ferries"},
			"topics:\n  # the desk's topics, kept by hand\n  - Harbour # the root topic\n  - Ferries\n"},
		{"the first removed, one added", []string{"Ferries", "Timetables", "Summer"},
			"topics:\n  - Ferries\n  # Timetables: added by the desk, under review\n  - Timetables\n  - Summer\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Parse("_news/2026-05-14-night-ferry-returns-for-the-summer.md", data)
			if err != nil {
				t.Fatal(err)
			}
			rec.Article.Topics = tt.topics
			if err := Render(rec); err != nil {
				t.Fatalf("render: %v", err)
			}
			head, rest, _ := strings.Cut(string(data), "topics:\n")
			_, tail, _ := strings.Cut(rest, "\n\n")
			if want := head + tt.want + "\n" + tail; string(rec.Raw) != want {
				t.Errorf("got\n%s\nwant\n%s", rec.Raw, want)
			}
			back, err := Parse(rec.Path, rec.Raw)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(back.Article.Topics, ",") != strings.Join(tt.topics, ",") {
				t.Errorf("topics read back %q, want %q", back.Article.Topics, tt.topics)
			}
		})
	}
}
