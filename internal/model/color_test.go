package model

import (
	"regexp"
	"testing"
)

// TestIsColorAgreesWithItsPattern holds the hand-written check (a
// regular expression cost a tenth of the home page's render) to the
// pattern it replaces, on colours and on what must not reach CSS.
func TestIsColorAgreesWithItsPattern(t *testing.T) {
	re := regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)
	for _, c := range []string{
		"#fff", "#FFF", "#0a0b", "#1e40af", "#1E40AFcc", "#12345678",
		"", "#", "#ff", "#fffff", "#1234567", "#123456789", "fff", "#ggg", "#12 456",
		"red", "#fff;background:url(x)", "#fff}", "＃fff", "#ｆｆｆ", "#ff\x00", "#é12",
	} {
		if got, want := IsColor(c), re.MatchString(c); got != want {
			t.Errorf("IsColor(%q) = %v, the pattern says %v", c, got, want)
		}
	}
}
