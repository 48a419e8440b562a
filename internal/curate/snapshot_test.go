package curate

import (
	"testing"

	"newshub/internal/model"
)

// TestSnapshotsTellApartValuesThatWouldJoinAlike checks that a change of
// curated fields is seen even when the old and new values would read the
// same joined into one string: a separator inside a title or an excerpt,
// a newline, a NUL inside a topic.
func TestSnapshotsTellApartValuesThatWouldJoinAlike(t *testing.T) {
	rel := func(url string, q int, title, excerpt string) model.Related {
		return model.Related{WebURL: url, Quality: q, Title: title, Excerpt: excerpt}
	}
	tests := []struct {
		name string
		a, b model.Article
	}{
		{"separator moved between title and excerpt",
			model.Article{Related: []model.Related{rel("u", 1, "t|x", "e")}},
			model.Article{Related: []model.Related{rel("u", 1, "t", "x|e")}}},
		{"two entries or one holding a newline",
			model.Article{Related: []model.Related{rel("u", 1, "t", "e\nv|2|s|f")}},
			model.Article{Related: []model.Related{rel("u", 1, "t", "e"), rel("v", 2, "s", "f")}}},
		{"one topic holding a NUL or two topics",
			model.Article{Topics: []string{"a\x00b"}},
			model.Article{Topics: []string{"a", "b"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if fileSnapOf(&tt.a).equal(fileSnapOf(&tt.b)) {
				t.Error("file snapshots of different values are equal")
			}
			if len(tt.a.Related) > 0 && (snap(&tt.a).equal(snap(&tt.b)) || !snap(&tt.a).fileChanged(snap(&tt.b))) {
				t.Error("snapshots of different related coverage are equal")
			}
			if !fileSnapOf(&tt.a).equal(fileSnapOf(&tt.a)) || !snap(&tt.b).equal(snap(&tt.b)) {
				t.Error("a snapshot differs from itself")
			}
		})
	}
}
