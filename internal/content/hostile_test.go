package content

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"newshub/internal/model"
)

// newsFixture returns testdata/news.md with edit applied.
func newsFixture(t testing.TB, edit func(string) string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "news.md"))
	if err != nil {
		t.Fatal(err)
	}
	return []byte(edit(string(data)))
}

// replace returns an edit that replaces old (which must occur) by new.
func replace(t testing.TB, old, new string) func(string) string {
	return func(s string) string {
		if !strings.Contains(s, old) {
			t.Fatalf("fixture lacks %q", old)
		}
		return strings.Replace(s, old, new, 1)
	}
}

// related returns n entries of a related list in the given style.
func related(n int, style string) string {
	var b strings.Builder
	switch style {
	case "block":
		b.WriteString("related:\n")
		for i := range n {
			n := strconv.Itoa(i)
			b.WriteString("  - title: \"Coverage " + n + "\"\n    webUrl: \"https://o.example/" + n + "\"\n")
		}
	case "flow":
		b.WriteString("related: [")
		for i := range n {
			n := strconv.Itoa(i)
			b.WriteString("{title: Coverage " + n + ", webUrl: \"https://o.example/" + n + "\"}, ")
		}
		b.WriteString("]\n")
	case "alias":
		b.WriteString("related:\n  - &r {title: Coverage, webUrl: \"https://o.example/r\"}\n")
		for range n - 1 {
			b.WriteString("  - *r\n")
		}
	case "dense": // the fewest bytes an entry can take
		b.WriteString("related:\n")
		for range n {
			b.WriteString("- {}\n")
		}
	}
	return b.String()
}

// relatedBlock is the fixture's related list, replaced in the cases.
const relatedBlock = `related:
  - title: "Budget vote: what is in the bill"
    excerpt: "A look at the \"reconciliation\" package."
    publishedDateTime: 2021-03-05T08:00:00Z
    webUrl: "https://other.example.org/budget-explained"
    type: article
    provider:
      name: Other Daily
      domain: other.example.org
    quality: 70
`

// hostileCase is a record built to cost a hub memory and time, made when
// the case runs, and the error import must report.
type hostileCase struct {
	name, path string
	data       func() []byte
	want       string // empty: the record is within the limits
}

// hostileCases are records built to cost a hub memory and time, each with
// the error import must report (empty: the record is within the limits).
func hostileCases(t testing.TB) []hostileCase {
	long := func(n int) string { return strings.Repeat("é", n) } // two bytes a character
	news := func(edit func(string) string) []byte { return newsFixture(t, edit) }
	title := func(s string) []byte {
		return news(replace(t, `title: "Senate passes the budget after a long night"`, `title: "`+s+`"`))
	}
	withRelated := func(s string) []byte { return news(replace(t, relatedBlock, s)) }
	topics := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "  - Topic %d\n", i)
		}
		return b.String()
	}
	return []hostileCase{
		{"title of 10 MB", "_news/a.md", func() []byte { return title(strings.Repeat("x", 10<<20)) }, ":3: title longer than 1000 characters"},
		{"title of 10 MB, plain", "_news/a.md", func() []byte {
			return news(replace(t, `title: "Senate passes the budget after a long night"`, "title: "+strings.Repeat("x", 10<<20)))
		}, ":3: title longer than 1000 characters"},
		{"title at the limit", "_news/a.md", func() []byte { return title(long(model.MaxTitle)) }, ""},
		{"title one past the limit", "_news/a.md", func() []byte { return title(long(model.MaxTitle + 1)) }, ":3: title longer than 1000 characters"},
		{"excerpt too long", "_news/a.md", func() []byte {
			return news(replace(t, `excerpt: "Lawmakers voted 51-49 before dawn on Friday."`, `excerpt: "`+long(model.MaxExcerpt+1)+`"`))
		}, ":4: excerpt longer than 5000 characters"},
		{"address too long", "_news/a.md", func() []byte {
			return news(replace(t, `webUrl: "https://news.example.com/2021/03/05/budget"`, `webUrl: "https://x.example/`+strings.Repeat("a", model.MaxURL)+`"`))
		}, ":7: webUrl longer than 4096 characters"},
		{"provider name too long", "_news/a.md", func() []byte { return news(replace(t, "  name: Example News", "  name: "+long(model.MaxTitle+1))) }, ":15: provider.name longer than 1000 characters"},
		{"topic too long", "_news/a.md", func() []byte { return news(replace(t, "  - Joe Biden", "  - "+long(model.MaxLabel+1))) }, ":21: topics[1] longer than 300 characters"},
		{"related title too long", "_news/a.md", func() []byte {
			return news(replace(t, `title: "Budget vote: what is in the bill"`, `title: "`+long(model.MaxTitle+1)+`"`))
		}, ":30: related[0].title longer than 1000 characters"},
		{"secured too long", "_news/a.md", func() []byte {
			return news(replace(t, `secured: "c2VjcmV0;aXY="`, `secured: "`+strings.Repeat("A", model.MaxEmbed+1)+`"`))
		}, ":40: secured longer than 20000 characters"},
		{"a million related entries", "_news/a.md", func() []byte { return withRelated(related(1_000_000, "block")) }, ":29: related longer than 1000 entries"},
		{"a million related entries, each two bytes", "_news/a.md", func() []byte { return withRelated(related(1_000_000, "dense")) }, ":29: related longer than 1000 entries"},
		{"a million related entries, flow style", "_news/a.md", func() []byte { return withRelated(related(1_000_000, "flow")) }, ":29: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"a million related entries, aliases", "_news/a.md", func() []byte { return withRelated(related(1_000_000, "alias")) }, ":29: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		// Quotes the count of values must not take for quoted scalars,
		// which would hide the million entries from it.
		{"a million aliases after a quote in a plain scalar", "_news/a.md", func() []byte {
			return withRelated("x: &r {title: t}\nrelated: [a 'b, " + strings.Repeat("*r, ", 1_000_000) + "'c]\n")
		}, ":30: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"a million aliases after a dash in a plain scalar", "_news/a.md", func() []byte {
			return withRelated("x: &r {title: t}\nrelated: [a - 'b, " + strings.Repeat("*r, ", 1_000_000) + "'c]\n")
		}, ":30: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"a million aliases after a quote in a multi-line plain scalar", "_news/a.md", func() []byte {
			return withRelated("x: &r {title: t}\nrelated: [a\n  'b, " + strings.Repeat("*r, ", 1_000_000) + "'c]\n")
		}, ":30: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"a million aliases after a quote in a block scalar", "_news/a.md", func() []byte {
			return withRelated("x: &r {title: t}\nnote: |\n  \"\nrelated:\n" + strings.Repeat("  - *r\n", 1_000_000) + "tail: \"x\"\n")
		}, ":32: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"related at the limit", "_news/a.md", func() []byte { return withRelated(related(model.MaxRelated, "block")) }, ""},
		{"related one past the limit", "_news/a.md", func() []byte { return withRelated(related(model.MaxRelated+1, "block")) }, ":29: related longer than 1000 entries"},
		{"related one past the limit, flow style", "_news/a.md", func() []byte { return withRelated(related(model.MaxRelated+1, "flow")) }, ":29: related longer than 1000 entries (has 1001)"},
		{"related one past the limit, aliases", "_news/a.md", func() []byte { return withRelated(related(model.MaxRelated+1, "alias")) }, ":30: related longer than 1000 entries (has 1001)"},
		{"too many topics", "_news/a.md", func() []byte { return news(replace(t, "  - Election\n  - Joe Biden\n", topics(model.MaxTopics+1))) }, ":19: topics longer than 100 entries"},
		{"too many images", "_news/a.md", func() []byte {
			return news(replace(t, "images:\n", "images:\n"+strings.Repeat("  - url: \"https://i.example/x.jpg\"\n", model.MaxImages)))
		}, ":23: images longer than 50 entries"},
		{"person bio too long", "_people/a.md", func() []byte {
			return []byte("---\nname: A\nbio: \"" + long(model.MaxExcerpt+1) + "\"\ntype: person\nheat: 1\ntopics: []\n---\n")
		}, ":3: bio longer than 5000 characters"},
		{"collection too long", "_people/collections/a.md", func() []byte {
			return []byte("---\nname: A\nbio: B\ntype: collection\nheat: 1\ntopics: []\nitems:\n" + strings.Repeat("  - x\n", model.MaxItems+1) + "---\n")
		}, ":7: items longer than 1000 entries"},
		{"topic keywords too many", "_data/topics/01-a.yaml", func() []byte {
			return []byte("taxonomy: topic\n_id: a\nname: A\nkeywords:\n" + strings.Repeat("  - k\n", model.MaxItems+1))
		}, ":4: keywords longer than 1000 entries"},
		{"topic service endpoint too long", "_data/topics/01-a.yaml", func() []byte {
			return []byte("taxonomy: topic\n_id: a\nname: A\nservices:\n  news: https://x.example/" + strings.Repeat("a", model.MaxURL) + "\n")
		}, ":5: services.news longer than 4096 characters"},
		{"event name too long", "_events/2021-01-01-a.md", func() []byte {
			return []byte("---\nname: \"" + long(model.MaxTitle+1) + "\"\nstartDateTime: 2021-01-01T00:00:00Z\n---\n")
		}, ":2: name longer than 1000 characters"},
		{"newsletter body too long", "_newsletters/a.html", func() []byte {
			return []byte("---\ntitle: A\npublishedDateTime: 2021-01-01T00:00:00Z\n---\n" + strings.Repeat("<p>é</p>", model.MaxBody/8+1))
		}, ":5: body longer than 1048576 characters"},
		{"too many sources", "_data/sources.yaml", func() []byte {
			return []byte("sources:\n" + strings.Repeat("  - url: https://f.example/\n", model.MaxSources+1))
		}, ":1: sources longer than 100000 entries"},
		// The configuration keeps keys newshub does not read, whatever they hold.
		{"configuration with a long unknown list", "_config.yml", func() []byte { return []byte("title: A\nexclude:\n" + strings.Repeat("  - x\n", 2*model.MaxItems)) }, ""},
	}
}

// TestHostileRecordsAreRefusedForWhatTheyAre parses records over the size
// limits, each shaped to cost the most, and checks each is refused with
// the field, the line and the limit, and each at the limit is read.
func TestHostileRecordsAreRefusedForWhatTheyAre(t *testing.T) {
	for _, tc := range hostileCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := Parse(tc.path, tc.data())
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Parse: %.300v", err)
				}
				if rec.Value() == nil {
					t.Fatal("no value")
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted it, want %q", tc.want)
			}
			if want := tc.path + tc.want; err.Error() != want {
				t.Fatalf("Parse error\n %.300s\nwant\n %s", err, want)
			}
		})
	}
}

// BenchmarkRejectHostileRecord measures refusing the records of a million
// related entries and a 10 MB title (time and memory per record).
func BenchmarkRejectHostileRecord(b *testing.B) {
	for _, tc := range hostileCases(b) {
		if !strings.Contains(tc.name, "million") && !strings.Contains(tc.name, "10 MB") {
			continue
		}
		b.Run(strings.ReplaceAll(tc.name, " ", "-"), func(b *testing.B) {
			data := tc.data()
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := Parse(tc.path, data); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
