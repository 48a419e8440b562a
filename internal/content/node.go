package content

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"newshub/internal/model"
)

// nodeKind tells what a YAML node holds.
type nodeKind uint8

const (
	nullNode nodeKind = iota
	scalarNode
	mapNode
	seqNode
)

// tree is a decoded YAML document. It holds no pointers: strings are
// ranges of text (or entries of extra) and a node's children are a range of
// pairs, so building and dropping a tree costs the garbage collector little.
type tree struct {
	text  string   // the YAML text the fast reader read
	extra []string // strings that are not ranges of text
	pairs []pair   // map entries and list items; a node's are contiguous
	root  node
}

// node is one YAML value. Both readers (the fast one and the full YAML
// fallback) produce it, so the record decoders have one input.
type node struct {
	kind   nodeKind
	quoted bool // scalar was quoted: never a number, bool or null
	// merged says a map entry's value came in through a merge key
	// ("<<: *defaults"): it is written elsewhere in the file, under
	// another key (see converter.merged).
	merged bool
	line   int32 // line in the file
	v, vn  int32 // scalar: text[v:v+vn], or extra[^v] when v < 0
	first  int32 // map or list: its entries are pairs[first:first+n]
	n      int32
}

// pair is one entry of a map (or one item of a list, without key).
type pair struct {
	k, kn int32 // key, encoded like a scalar's value
	line  int32 // line of the key in the file
	val   node
}

func (t *tree) str(v, n int32) string {
	if v < 0 {
		return t.extra[^v]
	}
	return t.text[v : v+n]
}

// val returns a scalar's text.
func (t *tree) val(n *node) string { return t.str(n.v, n.vn) }

// key returns a pair's key.
func (t *tree) key(p *pair) string { return t.str(p.k, p.kn) }

// kids returns the entries of a map or list.
func (t *tree) kids(n *node) []pair { return t.pairs[n.first : n.first+n.n] }

// intern stores s in extra and returns its encoding.
func (t *tree) intern(s string) (int32, int32) {
	t.extra = append(t.extra, s)
	return ^int32(len(t.extra) - 1), 0
}

func (n *node) describe() string {
	switch n.kind {
	case nullNode:
		return "an empty value"
	case mapNode:
		return "a map"
	case seqNode:
		return "a list"
	}
	return "a scalar"
}

// yamlLine pulls the line number out of a yaml.v3 error message.
var yamlLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// tabIndented returns the line, of line and the lines either side of it
// (the parser may name the line before), whose indentation holds a tab.
func tabIndented(src []byte, line int) (int, bool) {
	lines := bytes.Split(src, []byte{'\n'})
	for _, l := range []int{line, line + 1, line - 1} {
		if l < 1 || l > len(lines) {
			continue
		}
		text := lines[l-1]
		indent := text[:len(text)-len(bytes.TrimLeft(text, " \t"))]
		if bytes.IndexByte(indent, '\t') >= 0 {
			return l, true
		}
	}
	return 0, false
}

// parseFull parses src with the full YAML parser. offset is the number of
// file lines before src, so node lines are file lines. A key a map gives
// twice is an error, unless lastWins: both pairs are then kept in order,
// so whoever reads the map in order ends with the last value, as Ruby's
// YAML gives it (the fast reader takes no such map).
func parseFull(path string, src []byte, offset int, lastWins bool) (t *tree, err error) {
	defer func() {
		// The full parser has panicked on hostile input in the past; a bad
		// file must not take the process down.
		if r := recover(); r != nil {
			t, err = nil, &ParseError{Path: path, Line: offset + 1, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	if key, line, over := tooManyValues(src); over {
		return nil, fullSizeError(path, offset+line, key)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		line, msg := 0, err.Error()
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			msg = te.Errors[0]
		}
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			msg = m[2]
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
		}
		if line > 0 && strings.HasPrefix(msg, "did not find expected") {
			line++ // these messages count lines from 0
			// They name the line the list or map the parser was in
			// starts on, far above the mistake in a long list (a
			// decisions log): the mistake is on the first line whose
			// lines up to it do not parse.
			line = firstFailing(src, line)
		}
		if msg == "control characters are not allowed" {
			// The parser names neither the character nor where it is.
			if l, m, ok := controlChar(src); ok {
				line, msg = l, m
			}
		}
		if msg == "found character that cannot start any token" || msg == "found a tab character that violates indentation" {
			// Said so, the parser names neither the tab nor, for the
			// second, its line.
			if l, ok := tabIndented(src, line); ok {
				line, msg = l, "the line is indented with a tab; YAML indents with spaces only"
			}
		}
		if line == 0 {
			line = guessLine(src, msg)
		}
		// The parser sometimes points one line past the end.
		if last := bytes.Count(src, []byte{'\n'}) + 1; line > last {
			line = last
		}
		return nil, &ParseError{Path: path, Line: offset + line, Msg: "invalid YAML: " + msg}
	}
	t = &tree{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		t.root = node{kind: nullNode, line: int32(offset + 1)}
		return t, nil
	}
	c := converter{path: path, offset: offset, t: t, lastWins: lastWins}
	t.root = c.convert(doc.Content[0])
	if c.err != nil {
		return nil, c.err
	}
	return t, nil
}

// firstFailing returns the first line, from line from on, at which the
// lines of src up to it no longer parse as YAML; src as a whole does not.
func firstFailing(src []byte, from int) int {
	lines := bytes.SplitAfter(src, []byte{'\n'})
	lo, hi := from, len(lines)
	for lo < hi {
		mid := lo + (hi-lo)/2
		var doc yaml.Node
		if yaml.Unmarshal(bytes.Join(lines[:mid], nil), &doc) != nil {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// maxFullValues bounds the values a document read by the full YAML parser
// may hold, counted before it is parsed (see tooManyValues). Records
// written outside the fast reader's subset hold a few thousand; the
// parser spends about a second and a few hundred megabytes on a million.
const maxFullValues = 100_000

// tooManyValues tells whether src may hold more than maxFullValues YAML
// values, without parsing it: it counts the characters that can start or
// separate a value (line breaks, ',', '[', '{', ':', '-', '?', '*'),
// skipping only quoted scalars that end on their line, so the count is
// never below the values of the document however it is written. When it
// may, it returns the top-level key under which most of them lie and its
// line (1-based in src).
func tooManyValues(src []byte) (key string, line int, over bool) {
	type section struct{ line, count int }
	cur := &section{line: 1}
	counts := map[string]*section{"": cur}
	total, depth, ln := 0, 0, 1
	// start says a value may begin here, where a quote opens a quoted
	// scalar (elsewhere it is a character of a plain scalar).
	start := true
	for i := 0; i < len(src); i++ {
		c := src[i]
		if depth == 0 && (i == 0 || src[i-1] == '\n') && c != ' ' && c != '-' && c != '#' && c != '\n' {
			if end := bytes.IndexByte(src[i:], ':'); end > 0 && bytes.IndexByte(src[i:i+end], '\n') < 0 {
				k := strings.Trim(string(src[i:i+end]), `"' `)
				if counts[k] == nil {
					counts[k] = &section{line: ln}
				}
				cur = counts[k]
			}
		}
		if (c == '"' || c == '\'') && start {
			if end := quoteEnd(src, i); end > 0 {
				i, start = end, false
				continue
			}
		}
		switch c {
		case '\n', ',', '[', '{', ':', '-', '?', '*':
			total++
			cur.count++
			if total > maxFullValues {
				best := ""
				for k, s := range counts {
					if s.count > counts[best].count || s.count == counts[best].count && k < best {
						best = k
					}
				}
				return best, counts[best].line, true
			}
		}
		next := byte('\n')
		if i+1 < len(src) {
			next = src[i+1]
		}
		switch c {
		case ' ', '\t':
		case '\n':
			ln++
			start = start || depth == 0 // in a flow collection a line break is a space
		case ':':
			start = next == ' ' || next == '\n' || depth > 0 && strings.IndexByte(",]}", next) >= 0
		case '-', '?':
			start = start && (next == ' ' || next == '\n')
		case ',':
			start = depth > 0
		case '[', '{':
			if start || depth > 0 {
				depth++
				start = true
			}
		case ']', '}':
			depth = max(0, depth-1)
			start = false
		default:
			start = false
		}
	}
	return "", 0, false
}

// quoteEnd returns the offset of the quote closing the quoted scalar that
// opens at src[i], or 0 when it does not close on its line.
func quoteEnd(src []byte, i int) int {
	q := src[i]
	for j := i + 1; j < len(src) && src[j] != '\n'; j++ {
		switch {
		case q == '"' && src[j] == '\\':
			j++
		case src[j] == q && q == '\'' && j+1 < len(src) && src[j+1] == '\'':
			j++
		case src[j] == q:
			return j
		}
	}
	return 0
}

// fullSizeError reports a document tooManyValues refused, naming the field
// most of it lies in and that field's limit.
func fullSizeError(path string, line int, key string) error {
	msg := fmt.Sprintf("more than %d YAML values", maxFullValues)
	if key != "" {
		msg = key + " holds " + msg
	}
	if limit := model.ListLimit(key); limit > 0 {
		msg += fmt.Sprintf(" (a record's %s holds at most %d entries)", key, limit)
	}
	return &ParseError{Path: path, Line: line, Msg: msg}
}

// maxConverted bounds the nodes a document may expand to through aliases
// (a "billion laughs" document is tiny but expands without end).
const maxConverted = 1 << 20

// converter turns yaml.v3 nodes into a tree.
type converter struct {
	t      *tree
	path   string
	err    *ParseError
	offset int
	count  int
	depth  int
	// lastWins takes a key given twice in a map (see parseFull).
	lastWins bool
}

func (c *converter) convert(y *yaml.Node) node {
	if c.depth < 1000 {
		y = resolveAlias(y)
	}
	c.count++
	if c.count > maxConverted || c.depth > 1000 {
		if c.err == nil {
			c.err = &ParseError{Path: c.path, Line: c.offset + y.Line, Msg: "invalid YAML: document contains excessive aliasing"}
		}
		return node{}
	}
	c.depth++
	defer func() { c.depth-- }()
	n := node{line: int32(c.offset + y.Line)}
	switch y.Kind {
	case yaml.ScalarNode:
		n.kind = scalarNode
		n.v, n.vn = c.t.intern(y.Value)
		n.quoted = y.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) != 0
		if y.ShortTag() == "!!null" {
			n.kind, n.v, n.vn = nullNode, 0, 0
		}
	case yaml.MappingNode:
		n.kind = mapNode
		kids := make([]pair, 0, len(y.Content)/2)
		merges := false
		for i := 0; i+1 < len(y.Content); i += 2 {
			k := y.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
				kids, merges = append(kids, c.merged(k, y.Content[i+1])...), true
				continue
			}
			p := pair{line: int32(c.offset + k.Line)}
			p.k, p.kn = c.t.intern(k.Value)
			p.val = c.convert(y.Content[i+1])
			kids = append(kids, p)
		}
		if merges {
			kids = dropShadowed(c.t, kids)
		}
		if c.err == nil && !c.lastWins {
			if dup, first := duplicateKey(c.t, kids); dup >= 0 {
				c.err = &ParseError{Path: c.path, Line: int(kids[dup].line),
					Msg: fmt.Sprintf("invalid YAML: key %q already defined at line %d", c.t.key(&kids[dup]), first)}
			}
		}
		n.first, n.n = int32(len(c.t.pairs)), int32(len(kids))
		c.t.pairs = append(c.t.pairs, kids...)
	case yaml.SequenceNode:
		n.kind = seqNode
		kids := make([]pair, len(y.Content))
		for i, it := range y.Content {
			kids[i].val = c.convert(it)
			kids[i].line = kids[i].val.line
		}
		n.first, n.n = int32(len(c.t.pairs)), int32(len(kids))
		c.t.pairs = append(c.t.pairs, kids...)
	default:
		n.kind = nullNode
	}
	return n
}

// merged returns the entries a merge key ("<<: *defaults", or a list of
// such maps) brings into the map holding it, as Jekyll's YAML reader
// (Psych) and yaml.v3's decoder take them; each is marked as merged, and
// dropShadowed keeps those the map does not give itself.
func (c *converter) merged(key, v *yaml.Node) []pair {
	from := []*yaml.Node{v}
	if target := resolveAlias(v); target.Kind == yaml.SequenceNode {
		from = target.Content
	}
	var out []pair
	for _, m := range from {
		mn := c.convert(m)
		if mn.kind != mapNode {
			if c.err == nil {
				c.err = &ParseError{Path: c.path, Line: c.offset + key.Line,
					Msg: "invalid YAML: a merge key (<<) takes a map or a list of maps, not " + mn.describe()}
			}
			return nil
		}
		for _, p := range c.t.kids(&mn) {
			p.val.merged = true
			out = append(out, p)
		}
	}
	return out
}

// resolveAlias returns the node an alias names; y itself when it is none.
func resolveAlias(y *yaml.Node) *yaml.Node {
	for i := 0; y.Kind == yaml.AliasNode && y.Alias != nil && i < 1000; i++ {
		y = y.Alias
	}
	return y
}

// dropShadowed drops the merged entries of a map whose key the map gives
// itself, or an earlier merged map gave: those win, as YAML's merge key
// says.
func dropShadowed(t *tree, pairs []pair) []pair {
	own := map[string]bool{}
	for i := range pairs {
		if !pairs[i].val.merged {
			own[t.key(&pairs[i])] = true
		}
	}
	out := pairs[:0]
	for _, p := range pairs {
		k := t.key(&p)
		if p.val.merged {
			if own[k] {
				continue
			}
			own[k] = true
		}
		out = append(out, p)
	}
	return out
}

// duplicateKey returns the index of the first key that repeats an earlier
// one, and the line of that earlier one; -1 when keys are unique.
func duplicateKey(t *tree, pairs []pair) (int, int) {
	if len(pairs) <= 64 { // the usual case: comparing is cheaper than hashing
		for i := 1; i < len(pairs); i++ {
			ki := t.key(&pairs[i])
			for j := 0; j < i; j++ {
				if pairs[j].kn == pairs[i].kn && ki == t.key(&pairs[j]) {
					return i, int(pairs[j].line)
				}
			}
		}
		return -1, 0
	}
	seen := make(map[string]int, len(pairs))
	for i := range pairs {
		k := t.key(&pairs[i])
		if line, ok := seen[k]; ok {
			return i, line
		}
		seen[k] = int(pairs[i].line)
	}
	return -1, 0
}

// controlChar finds the first character of src that YAML does not allow
// (a control character but tab and line breaks, a surrogate, U+FFFE or
// U+FFFF), as the YAML parser refuses it, and describes it with its line
// (1-based in src) and column.
func controlChar(src []byte) (line int, msg string, ok bool) {
	line, start := 1, 0
	for i, r := range string(src) {
		switch {
		case r == '\n':
			line, start = line+1, i+1
			continue
		case r == '\t' || r == '\r' || r == 0x85 || r >= 0x20 && r <= 0x7e,
			r >= 0xa0 && r <= 0xd7ff || r >= 0xe000 && r <= 0xfffd || r >= 0x10000 && r <= 0x10ffff:
			continue
		}
		col := utf8.RuneCount(src[start:i]) + 1
		return line, fmt.Sprintf("control character %U in column %d; YAML allows none but tab and line breaks", r, col), true
	}
	return 0, "", false
}

// anchorMsg matches errors about an alias whose anchor is unknown.
var anchorMsg = regexp.MustCompile(`anchor '([^']*)'`)

// guessLine finds the line an error without a line number is about: the
// first use of the alias it names, else line 1.
func guessLine(src []byte, msg string) int {
	if m := anchorMsg.FindStringSubmatch(msg); m != nil {
		if i := strings.Index(string(src), "*"+m[1]); i >= 0 {
			return 1 + strings.Count(string(src[:i]), "\n")
		}
	}
	return 1
}
