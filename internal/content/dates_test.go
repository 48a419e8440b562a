package content

import (
	"testing"
	"time"
)

// TestEveryYAMLTimestampReads reads a news record dated in each form of
// YAML's timestamp, as Jekyll reads them through Ruby's YAML, and checks
// the instant read; the file keeps its spelling (see TestSmartableQuirks).
func TestEveryYAMLTimestampReads(t *testing.T) {
	tests := []struct{ name, date, want string }{
		{"the generator's", "2021-06-27T09:14:00Z", "2021-06-27T09:14:00Z"},
		{"an offset", "2021-06-27T09:14:00-07:00", "2021-06-27T16:14:00Z"},
		{"zero offset", "2021-06-27T09:14:00+00:00", "2021-06-27T09:14:00Z"},
		{"fraction", "2021-06-27T09:14:00.123456789+05:30", "2021-06-27T03:44:00.123456789Z"},
		{"no zone", "2021-06-27T09:14:00", "2021-06-27T09:14:00Z"},
		{"a date alone", "2021-06-27", "2021-06-27T00:00:00Z"},
		// The forms YAML's own examples give.
		{"lower-case t", "2001-12-14t21:59:43.10-05:00", "2001-12-15T02:59:43.1Z"},
		{"offset of one digit after a space", "2001-12-14 21:59:43.10 -5", "2001-12-15T02:59:43.1Z"},
		{"one-digit hour, no zone", "2001-12-15 2:59:43.10", "2001-12-15T02:59:43.1Z"},
		// An offset in hours, as PostgreSQL prints a timestamptz.
		{"offset in hours", "2021-06-27 11:14:00.5+02", "2021-06-27T09:14:00.5Z"},
		{"offset in hours after T", "2021-06-27T11:14:00+02", "2021-06-27T09:14:00Z"},
		{"a space before the zone after T", "2021-06-27T09:14:00 Z", "2021-06-27T09:14:00Z"},
		{"a space before an offset after T", "2021-06-27T11:14:00 +02:00", "2021-06-27T09:14:00Z"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := "---\ncategory: news\ntitle: \"Dated\"\nexcerpt: \"x\"\npublishedDateTime: " + tc.date +
				"\noriginalUrl: \"https://a.example/d\"\nwebUrl: \"https://a.example/d\"\ntype: article\nquality: 80\nheat: 100\npublished: true\n---\n\n"
			rec, err := Parse("_news/2021-06-27-dated.md", []byte(data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			want, err := time.Parse(time.RFC3339Nano, tc.want)
			if err != nil {
				t.Fatal(err)
			}
			if got := rec.Article.PublishedDateTime; !got.Equal(want) {
				t.Errorf("read %s as %s, want %s", tc.date, got.Format(time.RFC3339Nano), tc.want)
			}
			if string(rec.Raw) != data {
				t.Error("the record's bytes are not the file's")
			}
		})
	}
}
