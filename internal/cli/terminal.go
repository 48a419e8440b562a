package cli

import (
	"bytes"
	"io"
	"strconv"
	"unicode"
	"unicode/utf8"
)

// terminalText writes text that feeds and their servers wrote (an item's
// GUID, a status line, what was wrong with a feed) with every control
// character but tab and newline written as Go quotes it ("\x1b",
// "\u009b"): a terminal acts on an escape sequence printed as it is, and
// a hostile feed's could clear the screen, rewrite lines already printed
// or set the clipboard. Each Write is to hold whole characters, as
// fmt.Fprintf's do.
type terminalText struct{ w io.Writer }

func (t terminalText) Write(p []byte) (int, error) {
	if !hasControl(p) {
		return t.w.Write(p)
	}
	var b bytes.Buffer
	for rest := p; len(rest) > 0; {
		r, n := utf8.DecodeRune(rest)
		if r != '\t' && r != '\n' && n > 0 && unicode.IsControl(r) && !(r == utf8.RuneError && n == 1) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.Write(rest[:n])
		}
		rest = rest[n:]
	}
	if _, err := t.w.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// hasControl reports whether p holds a control character terminalText
// escapes: C0 but tab and newline, DEL, or C1 (U+0080 to U+009F, whose
// UTF-8 starts with 0xC2).
func hasControl(p []byte) bool {
	for i, c := range p {
		switch {
		case c < 0x20 && c != '\t' && c != '\n', c == 0x7f:
			return true
		case c == 0xc2 && i+1 < len(p) && p[i+1] >= 0x80 && p[i+1] <= 0x9f:
			return true
		}
	}
	return false
}
