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

// A publisher's name or a title holding a direction override it leaves
// open would turn around the text after it on the same line of a page or
// a mail ("Provider: Title"): each text closes what it opens.
func TestSafeTextClosesDirectionsItOpens(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Daily Herald\u202E evil", "Daily Herald\u202E evil\u202C"},
		{"\u2067عربي", "\u2067عربي\u2069"},
		{"\u202B x \u202C y", "\u202B x \u202C y"},
		{"\u2066 a \u202A b \u2069 c", "\u2066 a \u202A b \u2069 c"},
		{"\u202A a \u2066 b \u202C c", "\u202A a \u2066 b  c\u2069\u202C"},
		{"stray\u202C close\u2069", "stray close"},
		{"\u202D\u202E\u2068 nested", "\u202D\u202E\u2068 nested\u2069\u202C\u202C"},
		{"שלום\u200F! marks kept", "שלום\u200F! marks kept"},
		{"bell\x07\u202E", "bell\u202E\u202C"},
	} {
		if got := SafeText(tc.in); got != tc.want {
			t.Errorf("SafeText(%+q) = %+q; want %+q", tc.in, got, tc.want)
		}
	}
}
