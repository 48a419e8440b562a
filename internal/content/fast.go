package content

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"
)

// maxPreallocPairs bounds the pairs parseFast allocates up front.
const maxPreallocPairs = 1 << 12

// errOutside says the fast reader met YAML outside its subset; the caller
// then uses the full YAML parser, which also produces any error message.
var errOutside = errors.New("outside the fast YAML subset")

// parseFast reads the YAML subset Smartable records use: block maps and
// lists (including "- key: value" items), plain, double- and single-quoted
// one-line scalars, empty values, comments, and [] or {} as empty values.
// Anything else (flow collections, anchors, tags, block or multi-line
// scalars, tabs, documents markers, duplicate keys) returns errOutside.
//
// checked says the caller has already seen that fastChars(src) holds.
func parseFast(src []byte, lineBase int, checked bool) (*tree, error) {
	return parseFastLimited(src, lineBase, checked, nil, nil)
}

// parseFastLimited is parseFast that stops reading a list as soon as it
// holds more entries than listLimit gives for its key (0: no limit), so a
// record with a million entries in a list costs no more than one with the
// limit; it then returns a *listError. The tree's pairs and the reader's
// stack are taken from s when it has them (see Parser).
func parseFastLimited(src []byte, lineBase int, checked bool, listLimit func(key string) int, s *Parser) (*tree, error) {
	if !checked && !fastChars(src) {
		return nil, errOutside
	}
	// The tree's strings share src's memory rather than copying it: the
	// record keeps the file's bytes as Raw and never changes them.
	// Room for a pair every 48 bytes, as records have, up to what any real
	// record needs: a hostile one grows the slice as it goes, if it gets
	// that far.
	t := &tree{text: unsafe.String(unsafe.SliceData(src), len(src))}
	p := fastParser{t: t, src: t.text, line: lineBase + 1, listLimit: listLimit}
	if s != nil {
		t.pairs, p.stack, s.pairs, s.stack = s.pairs, s.stack, nil, nil
	}
	if t.pairs == nil {
		t.pairs = make([]pair, 0, min(16+len(src)/48, maxPreallocPairs))
	}
	if p.stack == nil {
		p.stack = make([]pair, 0, 32)
	}
	root, ok := p.document()
	if s != nil && cap(p.stack) <= maxPreallocPairs {
		s.stack = p.stack[:0]
	}
	if p.tooLong != nil {
		return nil, p.tooLong
	}
	if !ok {
		return nil, errOutside
	}
	t.root = root
	return t, nil
}

// listError reports a list longer than its limit.
type listError struct {
	key         string
	limit, line int
}

func (e *listError) Error() string {
	return fmt.Sprintf("%s longer than %d entries", e.key, e.limit)
}

// fastChars reports whether src holds only characters the fast reader
// handles: printable ones, without tabs or carriage returns. It also
// implies valid UTF-8.
func fastChars(src []byte) bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	for i := 0; i < len(src); {
		// Eight plain ASCII bytes at a time: no byte >= 0x80, < 0x20 or 0x7f.
		if i+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[i:])
			del := w ^ 0x7f7f7f7f7f7f7f7f
			if (w|(w-0x20*ones)&^w|(del-ones)&^del)&highs == 0 {
				i += 8
				continue
			}
		}
		c := src[i]
		if c < 0x80 {
			if c < 0x20 && c != '\n' || c == 0x7f {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if !printable(r) || r == 0x85 || r == 0x2028 || r == 0x2029 || r == utf8.RuneError && size <= 1 {
			return false
		}
		i += size
	}
	return true
}

type fastParser struct {
	t    *tree
	src  string
	pos  int // start of the current line
	line int // file line of the current line

	// the current content line, valid when have is set
	have bool
	eof  bool
	ind  int // its indentation
	cs   int // offset of its first non-space character
	le   int // offset of its end (the newline or len(src))

	stack []pair // entries of the maps and lists being read

	listLimit func(key string) int // see parseFastLimited
	valueOf   string               // the key whose value is being read
	valueLine int                  // and its line
	tooLong   *listError
}

// take moves the entries above base from the stack to the tree, as the
// children of n.
func (p *fastParser) take(n *node, base int) {
	n.first, n.n = int32(len(p.t.pairs)), int32(len(p.stack)-base)
	p.t.pairs = append(p.t.pairs, p.stack[base:]...)
	p.stack = p.stack[:base]
}

// peek finds the next content line, skipping blank and comment lines. It
// reports false when the line is outside the subset.
func (p *fastParser) peek() bool {
	if p.have {
		return true
	}
	for {
		if p.pos >= len(p.src) {
			p.have, p.eof, p.ind = true, true, -1
			return true
		}
		le := strings.IndexByte(p.src[p.pos:], '\n')
		if le < 0 {
			le = len(p.src)
		} else {
			le += p.pos
		}
		cs := p.pos
		for cs < le && p.src[cs] == ' ' {
			cs++
		}
		if cs == le || p.src[cs] == '#' {
			p.pos, p.line = le+1, p.line+1
			continue
		}
		if cs == p.pos && le-cs >= 3 && (p.src[cs:cs+3] == "---" || p.src[cs:cs+3] == "...") &&
			(le-cs == 3 || p.src[cs+3] == ' ') {
			return false // a document marker
		}
		p.have, p.ind, p.cs, p.le = true, cs-p.pos, cs, le
		return true
	}
}

// advance moves past the current line.
func (p *fastParser) advance() {
	p.pos, p.line, p.have = p.le+1, p.line+1, false
}

func (p *fastParser) isSeqItem() bool {
	return p.src[p.cs] == '-' && (p.cs+1 == p.le || p.src[p.cs+1] == ' ')
}

func (p *fastParser) document() (node, bool) {
	if !p.peek() {
		return node{}, false
	}
	if p.eof {
		return node{kind: nullNode, line: int32(p.line)}, true
	}
	n, ok := p.block(p.ind)
	if !ok || !p.peek() || !p.eof {
		return node{}, false
	}
	return n, true
}

// block reads the map or list whose first line is the current line.
func (p *fastParser) block(ind int) (node, bool) {
	if p.isSeqItem() {
		return p.seq(ind)
	}
	return p.mapping(ind, p.cs)
}

// mapping reads a block map whose keys sit at column ind; the first key
// starts at offset start of the current line.
func (p *fastParser) mapping(ind, start int) (node, bool) {
	n := node{kind: mapNode, line: int32(p.line)}
	base := len(p.stack)
	for {
		colon, ok := p.key(start)
		if !ok {
			return node{}, false
		}
		pr := pair{k: int32(start), kn: int32(colon - start), line: int32(p.line)}
		p.valueOf, p.valueLine = p.src[start:colon], p.line
		if pr.val, ok = p.value(colon+1, ind, true); !ok {
			return node{}, false
		}
		p.stack = append(p.stack, pr)
		if !p.peek() {
			return node{}, false
		}
		if p.eof || p.ind < ind {
			break
		}
		if p.ind > ind || p.isSeqItem() {
			return node{}, false
		}
		start = p.cs
	}
	if dup, _ := duplicateKey(p.t, p.stack[base:]); dup >= 0 {
		return node{}, false
	}
	p.take(&n, base)
	return n, true
}

// maxKeyChars is the longest plain key YAML reads: the YAML parser takes
// a longer one for no key at all, and rejects the line.
const maxKeyChars = 1024

// key finds the colon ending a plain key that starts at offset start of
// the current line.
func (p *fastParser) key(start int) (int, bool) {
	s := p.src
	if c := s[start]; c == '-' {
		if start+1 == p.le || s[start+1] == ' ' {
			return 0, false // a list item, not a key
		}
	} else if strings.IndexByte("\"'[]{}&*!|>%@`#?,:", c) >= 0 {
		return 0, false // quoted or complex keys, anchors, tags...
	}
	for i := start; i < p.le; i++ {
		switch s[i] {
		case ':':
			if i+1 == p.le || s[i+1] == ' ' {
				if s[i-1] == ' ' || i-start > maxKeyChars && utf8.RuneCountInString(s[start:i]) > maxKeyChars {
					return 0, false
				}
				if s[start:i] == "<<" {
					return 0, false // a merge key, which the full parser reads
				}
				return i, true
			}
		case '#':
			if s[i-1] == ' ' {
				return 0, false
			}
		}
	}
	return 0, false
}

// value reads what follows a key's colon (or a list item's dash) at offset
// i of the current line. ind is the column of the key (or dash); inMap
// allows a list at that same column as the value.
func (p *fastParser) value(i, ind int, inMap bool) (node, bool) {
	s := p.src
	line := p.line
	for i < p.le && s[i] == ' ' {
		i++
	}
	if i == p.le || s[i] == '#' {
		p.advance()
		if !p.peek() {
			return node{}, false
		}
		if !p.eof && p.ind > ind {
			return p.block(p.ind)
		}
		if !p.eof && inMap && p.ind == ind && p.isSeqItem() {
			return p.seq(ind)
		}
		return node{kind: nullNode, line: int32(line)}, true
	}
	var n node
	switch c := s[i]; c {
	case '[', '{':
		if i+1 < p.le && s[i+1] == c+2 { // [] or {}
			n = node{kind: seqNode, line: int32(line)}
			if c == '{' {
				n.kind = mapNode
			}
			i += 2
			break
		}
		return node{}, false
	case ']', '}', '&', '*', '!', '|', '>', '%', '@', '`', ',':
		return node{}, false
	case '-', '?', ':':
		if i+1 == p.le || s[i+1] == ' ' {
			return node{}, false
		}
	}
	if n.kind == nullNode {
		var ok bool
		if n, i, ok = p.scalar(i); !ok {
			return node{}, false
		}
	}
	// Only a comment may follow on the line.
	j := i
	for j < p.le && s[j] == ' ' {
		j++
	}
	if j < p.le && (s[j] != '#' || j == i) {
		return node{}, false
	}
	p.advance()
	if !p.peek() || !p.eof && p.ind > ind {
		return node{}, false // a continuation line: multi-line scalar
	}
	return n, true
}

// scalar reads a one-line scalar starting at offset i of the current line
// and returns the offset after it.
func (p *fastParser) scalar(i int) (node, int, bool) {
	s := p.src
	switch s[i] {
	case '"':
		n := node{kind: scalarNode, quoted: true, line: int32(p.line)}
		end, ok := p.doubleQuoted(i, &n)
		return n, end, ok
	case '\'':
		var b []byte
		j := i + 1
		for ; ; j++ {
			if j >= p.le {
				return node{}, 0, false
			}
			if s[j] == '\'' {
				if j+1 < p.le && s[j+1] == '\'' {
					if b == nil {
						b = make([]byte, 0, j-i+8)
					}
					// One quote of the pair is kept; the text after it
					// starts past the second.
					b = append(b, s[i+1:j+1]...)
					i = j + 1
					j++
					continue
				}
				break
			}
		}
		n := node{kind: scalarNode, quoted: true, line: int32(p.line)}
		if b == nil {
			n.v, n.vn = int32(i+1), int32(j-i-1)
		} else {
			n.v, n.vn = p.t.intern(string(append(b, s[i+1:j]...)))
		}
		return n, j + 1, true
	}
	end := p.le
	for j := i; j < p.le; j++ {
		switch s[j] {
		case '#':
			if s[j-1] == ' ' {
				end = j
				j = p.le
			}
		case ':':
			if j+1 == p.le || s[j+1] == ' ' {
				return node{}, 0, false
			}
		}
	}
	for end > i && s[end-1] == ' ' {
		end--
	}
	n := node{kind: scalarNode, line: int32(p.line)}
	switch s[i:end] {
	case "~", "null", "Null", "NULL":
		n.kind = nullNode
	default:
		n.v, n.vn = int32(i), int32(end-i)
	}
	return n, end, true
}

// doubleQuoted reads a double-quoted scalar that ends on its line into n
// and returns the offset after it.
func (p *fastParser) doubleQuoted(i int, n *node) (int, bool) {
	s := p.src
	q := strings.IndexByte(s[i+1:p.le], '"')
	if q < 0 {
		return 0, false
	}
	q += i + 1
	j := i + 1 + strings.IndexByte(s[i+1:q], '\\')
	if j == i {
		n.v, n.vn = int32(i+1), int32(q-i-1)
		return q + 1, true
	}
	b := make([]byte, 0, j-i+16)
	b = append(b, s[i+1:j]...)
	for {
		if j >= p.le {
			return 0, false
		}
		c := s[j]
		if c == '"' {
			n.v, n.vn = p.t.intern(string(b))
			return j + 1, true
		}
		if c != '\\' {
			b = append(b, c)
			j++
			continue
		}
		if j+1 >= p.le {
			return 0, false // a line continuation
		}
		e := s[j+1]
		j += 2
		switch e {
		case '0':
			b = append(b, 0)
		case 'a':
			b = append(b, 7)
		case 'b':
			b = append(b, 8)
		case 't', '\t':
			b = append(b, 9)
		case 'n':
			b = append(b, 10)
		case 'v':
			b = append(b, 11)
		case 'f':
			b = append(b, 12)
		case 'r':
			b = append(b, 13)
		case 'e':
			b = append(b, 0x1b)
		case ' ', '"', '\\':
			// Not "\/": YAML 1.2 has it, but the YAML parser rejects it,
			// and the fast reader must accept only what it accepts.
			b = append(b, e)
		case 'N':
			b = utf8.AppendRune(b, 0x85)
		case '_':
			b = utf8.AppendRune(b, 0xa0)
		case 'L':
			b = utf8.AppendRune(b, 0x2028)
		case 'P':
			b = utf8.AppendRune(b, 0x2029)
		case 'x', 'u', 'U':
			width := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if j+width > p.le {
				return 0, false
			}
			r, err := strconv.ParseUint(s[j:j+width], 16, 32)
			if err != nil || r > utf8.MaxRune || r >= 0xd800 && r <= 0xdfff || strings.ContainsAny(s[j:j+width], "+-_") {
				return 0, false
			}
			b = utf8.AppendRune(b, rune(r))
			j += width
		default:
			return 0, false
		}
	}
}

// seq reads a block list whose dashes sit at column ind.
func (p *fastParser) seq(ind int) (node, bool) {
	n := node{kind: seqNode, line: int32(p.line)}
	base := len(p.stack)
	s := p.src
	limit := 0
	if p.listLimit != nil {
		limit = p.listLimit(p.valueOf)
	}
	key, keyLine := p.valueOf, p.valueLine
	for {
		if limit > 0 && len(p.stack)-base > limit {
			p.tooLong = &listError{key: key, limit: limit, line: keyLine}
			return node{}, false
		}
		if !p.peek() {
			return node{}, false
		}
		if p.eof || p.ind < ind || !p.isSeqItem() {
			break
		}
		if p.ind > ind {
			return node{}, false
		}
		itemLine := p.line
		j := p.cs + 1
		for j < p.le && s[j] == ' ' {
			j++
		}
		var item node
		var ok bool
		switch {
		case j == p.le || s[j] == '#':
			item, ok = p.value(j, ind, false)
		case s[j] == '-' && (j+1 == p.le || s[j+1] == ' '):
			return node{}, false // a list in a list on one line
		case s[j] != '"' && s[j] != '\'' && p.hasKey(j):
			item, ok = p.mapping(j-p.pos, j)
		default:
			item, ok = p.value(j, ind, false)
		}
		if !ok {
			return node{}, false
		}
		p.stack = append(p.stack, pair{line: int32(itemLine), val: item})
	}
	p.take(&n, base)
	return n, true
}

// hasKey reports whether the rest of the current line from offset i holds
// "key:" before any comment.
func (p *fastParser) hasKey(i int) bool {
	s := p.src
	for j := i; j < p.le; j++ {
		switch s[j] {
		case ':':
			if j+1 == p.le || s[j+1] == ' ' {
				return true
			}
		case '#':
			if j > i && s[j-1] == ' ' {
				return false
			}
		}
	}
	return false
}
