package site

import "strings"

// SafeText returns s without the characters an HTML or an XML document
// may not hold: the C0 controls but tab, newline and carriage return,
// DEL, the C1 controls, and the noncharacters (U+FDD0 to U+FDEF and the
// last two code points of every plane, U+FFFE and U+FFFF among them). A
// vertical tab, a form feed or a next line (NEL), which word processors
// write for a line break, becomes a space; any other is dropped, where a
// browser would show a box and the XML encoder write U+FFFD. It is the
// rule for every text of a record the hub publishes (website pages, the
// newsletter, feeds); the record keeps what it holds.
func SafeText(s string) string {
	if !strings.ContainsFunc(s, forbidden) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\v' || r == '\f' || r == '\u0085':
			return ' '
		case forbidden(r):
			return -1
		}
		return r
	}, s)
}

// forbidden reports whether SafeText leaves r out.
func forbidden(r rune) bool {
	switch {
	case r < 0x20:
		return r != '\t' && r != '\n' && r != '\r'
	case r < 0x7F:
		return false
	case r <= 0x9F:
		return true
	}
	return 0xFDD0 <= r && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}
