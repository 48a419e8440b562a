package content

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"

	"newshub/internal/model"
)

// TestRenderKeepsTheAnchorOfAFieldItRewrites edits fields whose values
// carry an anchor that a field newshub does not know names through an
// alias (tags: *subjects, as a desk keeps its own copy of the topics).
// Rewriting the field must keep the anchor on the new value: dropped, the
// alias names no anchor and the file no longer reads, so Render refused
// the edit, and curation, which rewrites topics and quality, failed over
// the whole hub for that one record.
func TestRenderKeepsTheAnchorOfAFieldItRewrites(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "news-anchors.md"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(a *model.Article)
		alias string // the unknown field that names the edited field's anchor
		want  any    // what both then hold, as YAML reads them
	}{
		{"a scalar", func(a *model.Article) { a.Quality = 55 }, "deskScore", 55},
		{"a block list", func(a *model.Article) { a.Topics = append(a.Topics, "Timetables") }, "tags",
			[]any{"Harbour", "Ferries", "Timetables"}},
		{"a flow list", func(a *model.Article) { a.Images[0].Width = 800 }, "cover",
			[]any{map[string]any{"url": "https://harbour.example.net/img/ferry.jpg", "width": 800, "height": 630}}},
	}
	fields := map[string]string{"deskScore": "quality", "tags": "topics", "cover": "images"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, err := Parse("_news/2026-03-02-harbour-board-approves-the-new-ferry-timetable.md", data)
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(rec.Article)
			if err := Render(rec); err != nil {
				t.Fatalf("render: %v", err)
			}
			var doc map[string]any
			fm, _, _ := bytes.Cut(bytes.TrimPrefix(rec.Raw, []byte("---\n")), []byte("\n---\n"))
			if err := yaml.Unmarshal(fm, &doc); err != nil {
				t.Fatalf("the file written does not read: %v\n%s", err, rec.Raw)
			}
			for _, key := range []string{fields[tt.alias], tt.alias} {
				if !reflect.DeepEqual(doc[key], tt.want) {
					t.Errorf("%s = %#v, want %#v\n%s", key, doc[key], tt.want, rec.Raw)
				}
			}
			// The edit touched the edited field only.
			for alias, field := range fields {
				if alias != tt.alias && !bytes.Contains(rec.Raw, []byte(alias+": *")) {
					t.Errorf("%s (alias of %s) was rewritten:\n%s", alias, field, rec.Raw)
				}
			}
		})
	}
}
