package content

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
)

// TestSourcesEditOfAnEntryKeepsItsOwnLines changes one source of a
// hand-kept list as the hub does (paused, resumed, its interval or topics
// changed): the lines of the fields it changes are written, every other
// line of the entry stays, a field of the operator's own (an owner, a
// contract) and comments too, where the entry was written anew and they
// were lost when a source was paused.
func TestSourcesEditOfAnEntryKeepsItsOwnLines(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "sources-notes.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	raw := string(data)
	off := false
	tests := []struct {
		name   string
		change func(s *model.Source)
		want   string
	}{
		{"paused", func(s *model.Source) { s.Enabled = &off },
			strings.Replace(raw, "    interval: 30m\n", "    interval: 30m\n    enabled: false\n", 1)},
		{"its interval changed", func(s *model.Source) { s.Interval = "2h" },
			strings.Replace(raw, "    interval: 30m\n", "    interval: 2h\n", 1)},
		{"its interval dropped", func(s *model.Source) { s.Interval = "" },
			strings.Replace(raw, "    interval: 30m\n", "", 1)},
		{"its topics changed", func(s *model.Source) { s.Topics = []string{"Harbour"} },
			strings.Replace(raw, "    topics: [Harbour, Ferries]\n", "    topics:\n      - Harbour\n", 1)},
		{"its provider named", func(s *model.Source) { s.Provider = "gazette.example.org" },
			strings.Replace(raw, "    owner: \"night desk\"", "    provider: gazette.example.org\n    owner: \"night desk\"", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, crlf := range []bool{false, true} {
				in, want := raw, tt.want
				if crlf {
					in, want = strings.ReplaceAll(raw, "\n", "\r\n"), strings.ReplaceAll(tt.want, "\n", "\r\n")
				}
				rec, err := Parse("_data/sources.yaml", []byte(in))
				if err != nil {
					t.Fatal(err)
				}
				sources := slices.Clone(rec.Sources.Sources)
				tt.change(&sources[0])
				rec.Sources.Sources = sources
				if err := Render(rec); err != nil {
					t.Fatal(err)
				}
				if string(rec.Raw) != want {
					t.Errorf("crlf %v: written as\n%s\nwant\n%s", crlf, rec.Raw, want)
				}
				back, err := Parse("_data/sources.yaml", rec.Raw)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(back.Sources.Sources, sources) {
					t.Errorf("crlf %v: reads back as %+v, want %+v", crlf, back.Sources.Sources, sources)
				}
			}
		})
	}
}
