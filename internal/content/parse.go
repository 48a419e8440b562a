package content

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"newshub/internal/model"
)

// document is a parsed file: where its YAML lies and what it holds.
type document struct {
	kind      model.Kind
	tree      *tree
	yamlStart int // byte offset of the YAML text in the file
	yamlEnd   int // end of the YAML text (start of the closing delimiter)
	lineBase  int // file lines before the YAML text
	bodyStart int // start of the body after the closing delimiter; -1 for YAML files
}

// Parse decodes one file. The record's Raw is data itself, and the decoded
// strings share its memory, so data must not be modified afterwards (Render
// always writes a new slice). Errors are *ParseError.
func Parse(path string, data []byte) (*model.Record, error) {
	rec, _, err := parse(path, data)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func parse(path string, data []byte) (*model.Record, *document, error) {
	kind, ok := KindOf(path)
	if !ok {
		return nil, nil, &ParseError{Path: path, Msg: "not a record path"}
	}
	// fastChars implies valid UTF-8 and spares the fast reader its own check.
	plain := fastChars(data)
	if !plain && !utf8.Valid(data) {
		if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
			// As Windows Notepad saves "Unicode".
			return nil, nil, &ParseError{Path: path, Line: 1, Msg: "invalid UTF-8: the file is UTF-16; save it as UTF-8"}
		}
		return nil, nil, &ParseError{Path: path, Line: invalidUTF8Line(data), Msg: "invalid UTF-8"}
	}
	doc := &document{kind: kind, yamlEnd: len(data), bodyStart: -1}
	if hasFrontMatter(kind) {
		if err := doc.split(path, data); err != nil {
			return nil, nil, err
		}
	} else if isBlank(data) && kind == model.KindTopic {
		return nil, nil, &ParseError{Path: path, Line: 1, Msg: "empty file"}
	}
	// A config file keeps keys newshub does not read, which hold what they
	// like; every other kind is held to the list limits as it is read.
	limits := model.ListLimit
	if kind == model.KindConfig {
		limits = nil
	}
	t, err := parseYAML(path, data[doc.yamlStart:doc.yamlEnd], doc.lineBase, plain, limits)
	if err != nil {
		return nil, nil, err
	}
	root := &t.root
	if root.kind == nullNode && (kind == model.KindConfig || kind == model.KindSources || kind == model.KindDecisions) {
		root = &node{kind: mapNode, line: 1} // an empty file: every setting at its default
		t.root = *root
	}
	if root.kind != mapNode {
		what := "front matter"
		if !hasFrontMatter(kind) {
			what = "file"
		}
		line := int(root.line)
		if root.kind == nullNode {
			line = doc.lineBase + 1
		}
		return nil, nil, &ParseError{Path: path, Line: line, Msg: what + " is not a map of fields"}
	}
	doc.tree = t
	rec := &model.Record{Path: path, Kind: kind, Raw: data}
	d := decoder{t: t, path: path, utc: kind == model.KindNews}
	switch kind {
	case model.KindNews:
		rec.Article = d.article(root, strings.HasPrefix(cleanPath(path), "_archive/"))
	case model.KindPerson, model.KindPeopleList:
		rec.Person = d.person(root)
	case model.KindEvent:
		rec.Event = d.event(root)
	case model.KindLearning, model.KindLearningList:
		rec.Learning = d.learning(root)
	case model.KindNewsletter:
		rec.Newsletter = d.newsletter(root, string(data[doc.bodyStart:]))
	case model.KindTopic:
		rec.Topic = d.topic(root, topicOrder(path))
	case model.KindOrganization:
		rec.Organization = d.organization(root)
	case model.KindConfig:
		rec.Config = d.config(root)
	case model.KindSources:
		rec.Sources = d.sources(root)
	case model.KindDecisions:
		rec.Decisions = d.decisions(root)
	}
	if d.err != nil {
		return nil, nil, d.err
	}
	if kind == model.KindNewsletter && model.OverLimit(rec.Newsletter.Body, model.MaxBody) {
		line := 1 + bytes.Count(data[:doc.bodyStart], []byte{'\n'})
		return nil, nil, &ParseError{Path: path, Line: line, Msg: fmt.Sprintf("body longer than %d characters", model.MaxBody)}
	}
	return rec, doc, nil
}

// hasFrontMatter reports whether files of kind wrap their YAML in ---
// lines (Markdown and HTML records) rather than being YAML throughout.
func hasFrontMatter(kind model.Kind) bool {
	switch kind {
	case model.KindTopic, model.KindConfig, model.KindSources, model.KindDecisions:
		return false
	}
	return true
}

// StaticFile reports whether data, the bytes of a file at the site path p
// of a kind written as front matter and a body, holds no front matter at
// all (it does not open with a --- line; an empty file is one): Jekyll
// then takes it as a static file of its folder, copied as it is, not as a
// record.
func StaticFile(p string, data []byte) bool {
	kind, ok := KindOf(p)
	if !ok || !hasFrontMatter(kind) {
		return false
	}
	first, _, _ := cutLine(bytes.TrimPrefix(data, utf8BOM))
	return !isDelimiter(first, false)
}

// utf8BOM is the byte order mark some editors put at the start of a
// UTF-8 file.
var utf8BOM = []byte("\xef\xbb\xbf")

// split finds the front matter: an opening "---" line, then YAML, then a
// closing "---" (or "...") line. A byte order mark may come before the
// opening line: Jekyll reads files as "bom|utf-8", so such a file is a
// record of the site; its bytes, mark included, are kept as they are.
func (doc *document) split(path string, data []byte) error {
	first, rest, ok := cutLine(bytes.TrimPrefix(data, utf8BOM))
	if !ok && len(first) == 0 || !isDelimiter(first, false) {
		return &ParseError{Path: path, Line: 1, Msg: "missing front matter: the file must start with a --- line"}
	}
	doc.yamlStart = len(data) - len(rest)
	doc.lineBase = 1
	for pos := doc.yamlStart; pos < len(data); {
		if c := data[pos]; c == '-' || c == '.' {
			l, _, _ := cutLine(data[pos:])
			if isDelimiter(l, true) {
				doc.yamlEnd, doc.bodyStart = pos, min(pos+len(l)+1, len(data))
				if isBlank(data[doc.yamlStart:pos]) {
					return &ParseError{Path: path, Line: 1, Msg: "empty front matter"}
				}
				return nil
			}
		}
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			break
		}
		pos += i + 1
	}
	last := bytes.Count(data, []byte{'\n'})
	if !bytes.HasSuffix(data, []byte{'\n'}) {
		last++
	}
	return &ParseError{Path: path, Line: last, Msg: "front matter is not closed by a --- line"}
}

// cutLine splits off the first line (without its newline).
func cutLine(b []byte) (line, rest []byte, found bool) {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i], b[i+1:], true
	}
	return b, nil, false
}

// isDelimiter reports whether line is a front-matter delimiter; closing
// delimiters may also be "...".
func isDelimiter(line []byte, closing bool) bool {
	line = bytes.TrimRight(line, " \t\r")
	return string(line) == "---" || closing && string(line) == "..."
}

// isBlank reports whether b holds only white space and comment lines.
func isBlank(b []byte) bool {
	for len(b) > 0 {
		var l []byte
		l, b, _ = cutLine(b)
		l = bytes.TrimLeft(l, " \t\r")
		if len(l) > 0 && l[0] != '#' {
			return false
		}
	}
	return true
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line
}

// parseYAML reads src with the fast reader, falling back to the full YAML
// parser for anything outside the subset the fast reader knows.
// checked says src is known to hold only characters the fast reader takes.
func parseYAML(path string, src []byte, lineBase int, checked bool, listLimit func(string) int) (*tree, error) {
	t, err := parseFastLimited(src, lineBase, checked, listLimit)
	if err == nil {
		return t, nil
	}
	var tooLong *listError
	if errors.As(err, &tooLong) {
		return nil, &ParseError{Path: path, Line: tooLong.line, Msg: tooLong.Error()}
	}
	if !errors.Is(err, errOutside) {
		return nil, err
	}
	return parseFull(path, src, lineBase)
}
