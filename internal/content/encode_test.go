package content

import (
	"strings"
	"testing"
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

func TestLineComment(t *testing.T) {
	tests := []struct {
		line string
		want int // offset of the blanks before the comment; -1 for none
	}{
		{"quality: 80 # by hand", 11},
		{"heat: 7\t\t# hot", 7},
		{"title: C# in a week", -1},
		{"title: \"Issue #5\"", -1},
		{"title: 'It''s #1' # note", 17},
		{"'quality': 80 # quoted key", 13},
		{"originalUrl: https://a.example/x#frag", -1},
		{"originalUrl: https://a.example/x # frag", 32},
		{"topics: [a, b] # flow", -1},
		{"excerpt: > # folded", -1},
		{"title: \"never closed # x", -1},
		{"# a comment line", -1},
	}
	for _, tc := range tests {
		if got := lineComment([]byte(tc.line)); got != tc.want {
			t.Errorf("lineComment(%q) = %d, want %d", tc.line, got, tc.want)
		}
	}
}
