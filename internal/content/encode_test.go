package content

import (
	"reflect"
	"strings"
	"testing"

	"newshub/internal/model"
)

// TestResolvesAsNonStringSkipsLongText checks that looking only at short
// strings for YAML's special words answers as lowering every string did.
func TestResolvesAsNonStringSkipsLongText(t *testing.T) {
	words := map[string]bool{"null": true, "true": true, "false": true, "yes": true, "no": true, "on": true,
		"off": true, "y": true, "n": true, ".inf": true, "-.inf": true, "+.inf": true, ".nan": true, "<<": true, "=": true}
	tests := []struct {
		s    string
		want bool
	}{
		{"null", true}, {"NULL", true}, {"False", true}, {"yEs", true}, {"N", true}, {"-.INF", true}, {".NaN", true},
		{"<<", true}, {"=", true}, {"12", true}, {"2026-12-03", true}, {"0x1F", true},
		{"nulls", false}, {"Falsely", false}, {"Yesterday's news", false}, {"no way", false},
		{"+.\u0130NF", true}, {"-.\u0130nf", true}, // İ lowers to an ASCII i
		{"\u212Aey", false}, // KELVIN SIGN lowers to an ASCII k
		{"ＮＵＬＬ", false}, {"İ", false}, {"News of the day", false},
	}
	for _, tt := range tests {
		if got := resolvesAsNonString(tt.s); got != tt.want {
			t.Errorf("resolvesAsNonString(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := resolvesAsNonString(tt.s); words[strings.ToLower(tt.s)] && !got {
			t.Errorf("resolvesAsNonString(%q) = false, but it lowers to a YAML word", tt.s)
		}
	}
}

func TestScalarLine(t *testing.T) {
	tests := []struct {
		line       string
		value, end int // offsets; -1 when the line is no key and scalar
	}{
		{"quality: 80 # by hand", 9, 11},
		{"heat: 7\t\t# hot", 6, 7},
		{"title:  \"Welcome\"", 8, 17},
		{"title: C# in a week", 7, 19},
		{"title: \"Issue #5\"", 7, 17},
		{"title: 'It''s #1' # note", 7, 17},
		{"'quality': 80 # quoted key", 11, 13},
		{"type : article", 7, 14},
		{"originalUrl: https://a.example/x#frag", 13, 37},
		{"originalUrl: https://a.example/x # frag", 13, 32},
		{"topics: [a, b] # flow", -1, -1},
		{"excerpt: > # folded", -1, -1},
		{"title: \"never closed # x", -1, -1},
		{"title: \"a\" b", -1, -1},
		{"# a comment line", -1, -1},
		{"title:", -1, -1},
		{"title:x", -1, -1},
	}
	for _, tc := range tests {
		value, end, ok := scalarLine([]byte(tc.line))
		if !ok {
			value, end = -1, -1
		}
		if value != tc.value || end != tc.end {
			t.Errorf("scalarLine(%q) = %d, %d, %v; want %d, %d", tc.line, value, end, ok, tc.value, tc.end)
		}
	}
}

// TestLongServiceNameReadsBack checks that a service name whose written key
// is over YAML's 1,024-character limit on an implicit key still reads back:
// the name is a key, and each control character takes four to write.
func TestLongServiceNameReadsBack(t *testing.T) {
	tests := []struct{ name, endpoint string }{
		{strings.Repeat("\x01", model.MaxLabel), "https://example.org/api/news/"},
		{strings.Repeat("\x01", model.MaxLabel), ""},
		{strings.Repeat("é\"", model.MaxLabel/2), "e"},
		{strings.Repeat("a", model.MaxLabel), "https://example.org/"},
		// Written as 1,023, 1,024 and 1,025 characters with the quotes.
		{strings.Repeat("\x01", 255) + "a", "e"},
		{strings.Repeat("\x01", 255) + "aa", "e"},
		{strings.Repeat("\x01", 255) + "aaa", "e"},
	}
	for _, tt := range tests {
		rec := &model.Record{Path: "_data/topics/03-a.yaml", Kind: model.KindTopic, Topic: &model.Topic{
			Taxonomy: "topic", ID: "a", Name: "A", Order: 3,
			Services: []model.Service{{Name: "news", Endpoint: "x"}, {Name: tt.name, Endpoint: tt.endpoint}, {Name: "z"}}}}
		if err := Render(rec); err != nil {
			t.Fatalf("Render(%.20q): %v", tt.name, err)
		}
		back, err := Parse(rec.Path, rec.Raw)
		if err != nil {
			t.Fatalf("%.20q: written record does not parse: %v\n%s", tt.name, err, rec.Raw)
		}
		if !reflect.DeepEqual(back.Topic.Services, rec.Topic.Services) {
			t.Errorf("%.20q: services read back as %+v", tt.name, back.Topic.Services)
		}
	}
}
