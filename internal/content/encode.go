package content

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
)

// enc appends YAML in the style of Smartable's generator.
type enc struct {
	b   []byte
	all bool // canonical output: write curated news fields even when zero
	utc bool // write times in UTC
	err error
}

func (e *enc) indent(n int) {
	for ; n > 0; n-- {
		e.b = append(e.b, ' ')
	}
}

// key starts a "key:" line; k is one of the fixed field names.
func (e *enc) key(ind int, k string) {
	e.indent(ind)
	e.b = append(e.b, k...)
	e.b = append(e.b, ':')
}

// q writes a double-quoted string field, omitted when empty.
func (e *enc) q(ind int, k, v string) {
	if v != "" {
		e.key(ind, k)
		e.b = append(e.b, ' ')
		e.b = appendQuoted(e.b, v)
		e.b = append(e.b, '\n')
	}
}

// p writes a string field plain when YAML reads it back as the same
// string, double-quoted otherwise; omitted when empty.
func (e *enc) p(ind int, k, v string) {
	if v != "" {
		e.key(ind, k)
		e.b = append(e.b, ' ')
		e.b = appendScalar(e.b, v, false)
		e.b = append(e.b, '\n')
	}
}

func (e *enc) int(ind int, k string, v int) {
	e.key(ind, k)
	e.b = append(e.b, ' ')
	e.b = strconv.AppendInt(e.b, int64(v), 10)
	e.b = append(e.b, '\n')
}

func (e *enc) intNZ(ind int, k string, v int) {
	if v != 0 {
		e.int(ind, k, v)
	}
}

func (e *enc) bool(ind int, k string, v bool) {
	e.key(ind, k)
	e.b = append(e.b, ' ')
	e.b = strconv.AppendBool(e.b, v)
	e.b = append(e.b, '\n')
}

func (e *enc) time(ind int, k string, t time.Time) {
	if t.IsZero() {
		return
	}
	if e.utc {
		t = t.UTC()
	}
	if y := t.Year(); y < 0 || y > 9999 {
		if e.err == nil {
			e.err = fmt.Errorf("%s: year %d is out of range", k, y)
		}
		return
	}
	e.key(ind, k)
	e.b = append(e.b, ' ')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '\n')
}

// list writes a list of strings; an empty list is a bare "key:" line when
// always is set and omitted otherwise.
func (e *enc) list(ind int, k string, vs []string, quote, always bool) {
	if len(vs) == 0 && !always {
		return
	}
	e.key(ind, k)
	e.b = append(e.b, '\n')
	for _, v := range vs {
		e.indent(ind + 2)
		e.b = append(e.b, "- "...)
		e.b = appendScalar(e.b, v, quote)
		e.b = append(e.b, '\n')
	}
}

// images writes a list of images; the URL is always written so that every
// item is a map.
func (e *enc) images(ind int, k string, imgs []model.Image, quoteURL bool) {
	if len(imgs) == 0 {
		return
	}
	e.key(ind, k)
	e.b = append(e.b, '\n')
	for _, img := range imgs {
		e.indent(ind + 2)
		e.b = append(e.b, "- url: "...)
		e.b = appendScalar(e.b, img.URL, quoteURL)
		e.b = append(e.b, '\n')
		e.intNZ(ind+4, "width", img.Width)
		e.intNZ(ind+4, "height", img.Height)
		if img.IsCached != nil {
			e.bool(ind+4, "isCached", *img.IsCached)
		}
		e.q(ind+4, "title", img.Title)
	}
}

func (e *enc) provider(ind int, k string, p *model.Provider, quoteURL bool) {
	if p == nil {
		return
	}
	e.key(ind, k)
	e.b = append(e.b, '\n')
	e.p(ind+2, "name", p.Name)
	e.p(ind+2, "domain", p.Domain)
	e.images(ind+2, "images", p.Images, quoteURL)
	e.parties(ind+2, "publishers", p.PublisherList(), quoteURL)
	e.parties(ind+2, "authors", p.AuthorList(), quoteURL)
}

// parties writes a provider's publishers or authors; the name is always
// written so that every item is a map.
func (e *enc) parties(ind int, k string, ps []model.Party, quoteURL bool) {
	if len(ps) == 0 {
		return
	}
	e.key(ind, k)
	e.b = append(e.b, '\n')
	for _, pt := range ps {
		e.indent(ind + 2)
		e.b = append(e.b, "- name: "...)
		e.b = appendScalar(e.b, pt.Name, pt.Name == "")
		e.b = append(e.b, '\n')
		e.p(ind+4, "domain", pt.Domain)
		e.images(ind+4, "images", pt.Images, quoteURL)
	}
}

// maxImplicitKey is the longest key, in characters, YAML reads without a
// "?" marking it as a key.
const maxImplicitKey = 1024

// appendKey writes a map key, quoted when it is not a safe plain key.
func appendKey(b []byte, k string) []byte {
	if plainSafe(k) && !strings.ContainsAny(k, ",[]{}") {
		return append(b, k...)
	}
	return appendQuoted(b, k)
}

// appendScalar writes s plain when it reads back as the same string, else
// double-quoted.
func appendScalar(b []byte, s string, quote bool) []byte {
	if !quote && plainSafe(s) {
		return append(b, s...)
	}
	return appendQuoted(b, s)
}

// plainSafe reports whether s can be written as a plain scalar that YAML
// (and Jekyll's YAML 1.1 reader) reads back as the same string.
func plainSafe(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' || s[len(s)-1] == ':' {
		return false
	}
	switch s[0] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`', '~':
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c == ':' && i+1 < len(s) && s[i+1] == ' ' || c == ' ' && i+1 < len(s) && s[i+1] == '#' {
			return false
		}
		if c >= 0x80 {
			r, size := utf8.DecodeRuneInString(s[i:])
			if !printable(r) || r == '\u0085' || r == '\u00a0' || r == '\u2028' || r == '\u2029' || r == utf8.RuneError && size <= 1 {
				return false
			}
			i += size - 1
		}
	}
	return !resolvesAsNonString(s)
}

// resolvesAsNonString reports whether a plain s would read as a null,
// bool, number or timestamp in YAML 1.1 or 1.2.
func resolvesAsNonString(s string) bool {
	// The words are five bytes at most. Lowering shrinks a string only
	// by İ (two bytes, to i) and the Kelvin sign (three, to k), and no
	// word holds a k or two i's: nothing over six bytes lowers to one, so
	// a long text (every title and excerpt) is not copied to find out.
	if len(s) <= 6 {
		switch strings.ToLower(s) {
		case "null", "true", "false", "yes", "no", "on", "off", "y", "n",
			".inf", "-.inf", "+.inf", ".nan", "<<", "=":
			return true
		}
	}
	c := s[0]
	if c >= '0' && c <= '9' || c == '+' || c == '.' {
		if _, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64); err == nil {
			return true
		}
		if _, err := strconv.ParseInt(s, 0, 64); err == nil {
			return true
		}
		if strings.Contains(s, ":") || len(s) >= 8 && s[4] == '-' {
			return true
		}
		// 0b101, 0x1F and friends with odd sizes
		if len(s) > 1 && c == '0' {
			return true
		}
	}
	return false
}

// printable reports whether YAML allows r unescaped.
func printable(r rune) bool {
	switch {
	case r == '\t' || r == '\n':
		return true
	case r < 0x20 || r == 0x7f:
		return false
	case r < 0x7f:
		return true
	case r == 0x85:
		return true
	case r >= 0xa0 && r <= 0xd7ff, r >= 0xe000 && r <= 0xfffd && r != 0xfeff, r >= 0x10000 && r <= 0x10ffff:
		return true
	}
	return false
}

const hexDigits = "0123456789ABCDEF"

// appendQuoted writes s as a double-quoted YAML string.
func appendQuoted(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= 0x80 {
			r, size = utf8.DecodeRuneInString(s[i:])
			if printable(r) && r != 0x85 && r != 0x2028 && r != 0x2029 && !(r == utf8.RuneError && size <= 1) {
				i += size
				continue
			}
		}
		b = append(b, s[start:i]...)
		switch {
		case r == '"':
			b = append(b, `\"`...)
		case r == '\\':
			b = append(b, `\\`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == 0:
			b = append(b, `\0`...)
		case r == utf8.RuneError && size <= 1:
			// Not UTF-8: YAML cannot carry the byte; Render rejects the output.
			b = append(b, c)
		case r <= 0xff:
			b = append(b, '\\', 'x', hexDigits[r>>4], hexDigits[r&15])
		case r <= 0xffff:
			b = append(b, '\\', 'u', hexDigits[r>>12], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
		default:
			b = append(b, '\\', 'U')
			for sh := 28; sh >= 0; sh -= 4 {
				b = append(b, hexDigits[r>>sh&15])
			}
		}
		i += size
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
