package site

import "strings"

// SafeText returns s without the characters an HTML or an XML document
// may not hold: the C0 controls but tab, newline and carriage return,
// DEL, the C1 controls, and the noncharacters (U+FDD0 to U+FDEF and the
// last two code points of every plane, U+FFFE and U+FFFF among them). A
// vertical tab, a form feed or a next line (NEL), which word processors
// write for a line break, becomes a space; any other is dropped, where a
// browser would show a box and the XML encoder write U+FFFD. The
// direction embeddings, overrides and isolates s opens are closed at its
// end, and closers with nothing open dropped: a publisher's name left
// with a right-to-left override open would turn around the text after it
// on the same line ("Provider: Title"). It is the rule for every text of
// a record the hub publishes (website pages, the newsletter, feeds); the
// record keeps what it holds.
func SafeText(s string) string {
	if !strings.ContainsFunc(s, unsafe) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '\v' || r == '\f' || r == '\u0085':
			return ' '
		case forbidden(r):
			return -1
		}
		return r
	}, s)
	return closeDirections(s)
}

// unsafe reports whether SafeText changes or may change r.
func unsafe(r rune) bool { return forbidden(r) || r >= '\u202A' && direction(r) != 0 }

// Unicode's explicit direction controls (UAX #9): embeddings and
// overrides end at a pop directional formatting (PDF), isolates at a pop
// directional isolate (PDI), which also ends what was opened inside them.
const (
	pdf = '\u202C'
	pdi = '\u2069'
)

// direction returns the closer that r, an opening direction control,
// needs, r itself for a closer, and 0 for any other rune.
func direction(r rune) rune {
	switch r {
	case '\u202A', '\u202B', '\u202D', '\u202E': // LRE, RLE, LRO, RLO
		return pdf
	case '\u2066', '\u2067', '\u2068': // LRI, RLI, FSI
		return pdi
	case pdf, pdi:
		return r
	}
	return 0
}

// closeDirections drops the closers of s with nothing to close and closes
// at its end what s leaves open.
func closeDirections(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return direction(r) != 0 }) {
		return s
	}
	var b strings.Builder
	var open []rune // the closers needed, innermost last
	for _, r := range s {
		switch d := direction(r); {
		case d != 0 && d != r:
			open = append(open, d)
		case d != 0 && !closes(&open, r):
			continue // closes nothing: dropped
		}
		b.WriteRune(r)
	}
	for i := len(open) - 1; i >= 0; i-- {
		b.WriteRune(open[i])
	}
	return b.String()
}

// closes takes from open what the closer r ends, and reports whether it
// ends anything: a PDF the embedding or override opened last, unless an
// isolate was; a PDI the isolate opened last and all opened inside it.
func closes(open *[]rune, r rune) bool {
	o := *open
	for i := len(o) - 1; i >= 0; i-- {
		if o[i] == r {
			*open = o[:i]
			return true
		}
		if r == pdf {
			return false
		}
	}
	return false
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
