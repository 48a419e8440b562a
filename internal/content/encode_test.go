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
