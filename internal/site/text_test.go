package site

import "testing"

func TestSafeText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Harbor plan approved", "Harbor plan approved"},
		{"tab\tnewline\ncr\r kept", "tab\tnewline\ncr\r kept"},
		{"line\vbreak\fform\u0085next", "line break form next"},
		{"nul\x00 bell\x07 esc\x1b[0m del\x7f", "nul bell esc[0m del"},
		{"c1\u0080\u009b\u009f end", "c1 end"},
		{"non\uFDD0\uFDEF\uFFFE\uFFFF\U0001FFFE\U0010FFFF char", "non char"},
		{"kept: «Café» 東京 \u00a0\u00a1 \uFDCF\uFDF0\uFFFD 😀", "kept: «Café» 東京 \u00a0\u00a1 \uFDCF\uFDF0\uFFFD 😀"},
	} {
		if got := SafeText(tc.in); got != tc.want {
			t.Errorf("SafeText(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
