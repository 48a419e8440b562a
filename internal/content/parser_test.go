package content

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestParserReadsAsParseDoes parses files one after another with one
// Parser, a long record before short ones, a file refused and one the YAML
// fallback reads among them, and checks every record, kept until the end,
// against one parsed alone: the memory a Parser reuses is never part of a
// record it returned.
func TestParserReadsAsParseDoes(t *testing.T) {
	fixture := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	files := []struct{ path, data string }{
		{"_news/2021-03-05-long.md", string(newsFixture(t, replace(t, relatedBlock, related(200, "block"))))},
		{"_news/2021-03-05-budget.md", string(fixture("news.md"))},
		{"_news/2021-03-05-refused.md", "---\ntitle: [unclosed\n---\n"},
		{"_news/2021-03-05-anchors.md", string(fixture("news-anchors.md"))},
		{"_news/2021-03-05-notes.md", string(fixture("news-related-notes.md"))},
		{"_data/topics/01-ferries.yaml", string(fixture("keys/topic-keywrods.yaml"))},
		{"_people/ada.md", string(fixture("person.md"))},
		{"_events/meetup.md", string(fixture("event.md"))},
		{"_news/2021-03-05-topics.md", string(fixture("news-topics-notes.md"))},
	}
	var ps Parser
	type got struct {
		rec   any
		warns []*ParseError
		err   error
	}
	var results []got
	for range 2 { // the second round reads in memory the first grew
		for _, f := range files {
			rec, warns, err := ps.ParseWarn(f.path, []byte(f.data))
			results = append(results, got{rec, warns, err})
		}
	}
	for i, g := range results {
		f := files[i%len(files)]
		rec, warns, err := ParseWarn(f.path, []byte(f.data))
		if !reflect.DeepEqual(got{rec, warns, err}, g) {
			t.Errorf("%s (read %d): with a Parser\n%+v\nalone\n%+v", f.path, i, g, got{rec, warns, err})
		}
		if strings.Contains(f.path, "refused") && g.err == nil {
			t.Errorf("%s: read, want an error", f.path)
		}
	}
}
