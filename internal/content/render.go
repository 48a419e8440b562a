package content

import (
	"bytes"
	"fmt"
	"sort"
	"unicode/utf8"

	"newshub/internal/model"
)

// Render brings rec.Raw in step with rec's typed value.
//
// When rec.Raw is empty it writes the record in the style of Smartable's
// generator for its kind. Otherwise it rewrites only the top-level fields
// whose value changed, keeping every other byte (unknown fields, blank
// lines, comments), inserts new fields at their canonical position and
// removes fields that became empty. In an existing news file, a curated
// field (quality, heat, published, topics) the file lacks is added when its
// value is not zero or its Has flag is set; after Render, Article.Has tells
// which of them the file carries.
func Render(rec *model.Record) error {
	if rec == nil {
		return fmt.Errorf("render: nil record")
	}
	var old *model.Record
	var doc *document
	if len(rec.Raw) > 0 {
		var err error
		if old, doc, err = parse(rec.Path, rec.Raw, nil); err != nil {
			return fmt.Errorf("render %s: %w", rec.Path, err)
		}
		if old.Kind != rec.Kind {
			return fmt.Errorf("render %s: record kind %q does not match its path (%q)", rec.Path, rec.Kind, old.Kind)
		}
	}
	var out []byte
	var err error
	switch rec.Kind {
	case model.KindNews:
		out, err = render(newsSpec, rec, doc, rec.Article, oldValue(old, func(r *model.Record) *model.Article { return r.Article }), "")
	case model.KindPerson, model.KindPeopleList:
		out, err = render(personSpec, rec, doc, rec.Person, oldValue(old, func(r *model.Record) *model.Person { return r.Person }), "")
	case model.KindEvent:
		out, err = render(eventSpec, rec, doc, rec.Event, oldValue(old, func(r *model.Record) *model.Event { return r.Event }), "")
	case model.KindLearning, model.KindLearningList:
		out, err = render(learningSpec, rec, doc, rec.Learning, oldValue(old, func(r *model.Record) *model.Learning { return r.Learning }), "")
	case model.KindNewsletter:
		if rec.Newsletter == nil {
			return fmt.Errorf("render %s: no newsletter value", rec.Path)
		}
		out, err = render(newsletterSpec, rec, doc, rec.Newsletter, oldValue(old, func(r *model.Record) *model.Newsletter { return r.Newsletter }), rec.Newsletter.Body)
	case model.KindTopic:
		out, err = render(topicSpec, rec, doc, rec.Topic, oldValue(old, func(r *model.Record) *model.Topic { return r.Topic }), "")
	case model.KindOrganization:
		out, err = render(organizationSpec, rec, doc, rec.Organization, oldValue(old, func(r *model.Record) *model.Organization { return r.Organization }), "")
	case model.KindConfig:
		out, err = render(configSpec, rec, doc, rec.Config, oldValue(old, func(r *model.Record) *model.Config { return r.Config }), "")
	case model.KindSources:
		out, err = render(sourcesSpec, rec, doc, rec.Sources, oldValue(old, func(r *model.Record) *model.Sources { return r.Sources }), "")
	case model.KindDecisions:
		out, err = render(decisionsSpec, rec, doc, rec.Decisions, oldValue(old, func(r *model.Record) *model.Decisions { return r.Decisions }), "")
	default:
		return fmt.Errorf("render %s: unknown kind %q", rec.Path, rec.Kind)
	}
	if err != nil {
		return fmt.Errorf("render %s: %w", rec.Path, err)
	}
	if old != nil && len(out) == len(rec.Raw) && &out[0] == &rec.Raw[0] {
		// Nothing changed: the file stays as it is.
		if rec.Kind == model.KindNews {
			rec.Article.Has = old.Article.Has
		}
		return nil
	}
	if !utf8.Valid(out) {
		return fmt.Errorf("render %s: a field holds invalid UTF-8", rec.Path)
	}
	// Check the result reads back, so a bad value never reaches a file, and
	// learn which curated fields the file now carries.
	back, err := Parse(rec.Path, out)
	if err != nil {
		return fmt.Errorf("render %s: result does not read back: %w", rec.Path, err)
	}
	if rec.Kind == model.KindNews {
		rec.Article.Has = back.Article.Has
	}
	rec.Raw = out
	return nil
}

func oldValue[T any](old *model.Record, get func(*model.Record) *T) *T {
	if old == nil {
		return nil
	}
	return get(old)
}

// render writes v: from scratch when doc is nil, else as edits of rec.Raw
// against the value old that rec.Raw holds.
func render[T any](sp spec[T], rec *model.Record, doc *document, v, old *T, body string) ([]byte, error) {
	if v == nil {
		return nil, fmt.Errorf("no %s value", rec.Kind)
	}
	if doc == nil {
		return renderNew(sp, rec.Kind, v, body)
	}
	return renderEdit(sp, rec.Raw, doc, v, old, body)
}

func renderNew[T any](sp spec[T], kind model.Kind, v *T, body string) ([]byte, error) {
	e := &enc{all: true, utc: sp.utc, b: make([]byte, 0, 1024)}
	fm := hasFrontMatter(kind)
	if fm {
		e.b = append(e.b, "---\n"...)
	}
	group, last := -1, ""
	for _, f := range sp.fields {
		n := len(e.b)
		if sp.blocks && group >= 0 && f.group != group {
			e.b = append(e.b, '\n')
		}
		m := len(e.b)
		f.put(e, v)
		if len(e.b) == m {
			e.b = e.b[:n] // nothing written: no separator either
			continue
		}
		group, last = f.group, f.key
	}
	if e.err != nil {
		return nil, e.err
	}
	if fm {
		if sp.blocks && last != "secured" && last != "" {
			e.b = append(e.b, '\n')
		}
		e.b = append(e.b, "---\n"...)
		e.b = append(e.b, sp.tail...)
		e.b = append(e.b, body...)
	}
	return e.b, nil
}

// span is the byte range of one top-level field in a file.
type span struct{ start, end int }

// edit replaces raw[start:end] with text.
type edit struct {
	start, end int
	text       []byte
}

func renderEdit[T any](sp spec[T], raw []byte, doc *document, v, old *T, body string) ([]byte, error) {
	kids := written(doc.tree.kids(&doc.tree.root))
	starts := make([]int, len(kids))
	pos, line := 0, 1
	for i := range kids {
		pos, line = lineOffset(raw, pos, line, int(kids[i].line)), int(kids[i].line)
		starts[i] = pos
	}
	spans := make(map[string]span, len(kids))
	for i := range kids {
		end := doc.yamlEnd
		if i+1 < len(kids) {
			end = starts[i+1]
		}
		spans[doc.tree.key(&kids[i])] = span{starts[i], trimTail(raw, starts[i], end)}
	}
	var edits []edit
	ne := &enc{utc: sp.utc}
	oe := &enc{utc: sp.utc}
	prev := -1 // index in sp.fields of the last field present in the file
	for fi, f := range sp.fields {
		ne.b, oe.b = ne.b[:0], oe.b[:0]
		f.put(ne, v)
		f.put(oe, old)
		sp0, present := spans[f.key]
		if ne.err != nil {
			return nil, ne.err
		}
		if bytes.Equal(ne.b, oe.b) {
			if present {
				prev = fi
			}
			continue
		}
		text := append([]byte(nil), ne.b...)
		switch {
		case present && len(text) > 0:
			if kept := sp.edits[f.key]; kept != nil && old != nil {
				if t := kept(raw[sp0.start:sp0.end], v, old); t != nil {
					text = t
				}
			}
			old := raw[sp0.start:sp0.end]
			edits = append(edits, edit{sp0.start, sp0.end, keepAnchor(old, keepStyle(old, text))})
			prev = fi
		case present:
			end := sp0.end
			if blankBefore(raw, sp0.start, doc.yamlStart) && blankAt(raw, end, doc.yamlEnd) {
				end = lineEnd(raw, end)
			}
			edits = append(edits, edit{sp0.start, end, text})
		case len(text) > 0:
			edits = append(edits, insertion(sp, spans, raw, doc, fi, prev, text))
		}
	}
	for i := range edits {
		if crlfAt(raw, edits[i]) {
			edits[i].text = toCRLF(edits[i].text)
		}
	}
	if doc.bodyStart >= 0 && string(raw[doc.bodyStart:]) != body && doc.kindHasBody() {
		edits = append(edits, edit{doc.bodyStart, len(raw), []byte(body)})
	}
	if len(edits) == 0 {
		return raw, nil
	}
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	out := make([]byte, 0, len(raw)+256)
	pos = 0
	for _, ed := range edits {
		out = append(out, raw[pos:ed.start]...)
		out = append(out, ed.text...)
		pos = ed.end
	}
	return append(out, raw[pos:]...), nil
}

// written returns the entries of a map written in it, in the file's
// order: those a merge key brought in are written under another key, and
// an edit of one writes it in the map itself, where it wins.
func written(kids []pair) []pair {
	var out []pair
	for i, p := range kids {
		switch {
		case p.val.merged && out == nil:
			out = append(make([]pair, 0, len(kids)), kids[:i]...)
		case !p.val.merged && out != nil:
			out = append(out, p)
		}
	}
	if out == nil {
		return kids
	}
	return out
}

// crlf reports whether the file ends its lines with CR LF, as files
// written on Windows do, judged by its first line.
func crlf(raw []byte) bool {
	i := bytes.IndexByte(raw, '\n')
	return i > 0 && raw[i-1] == '\r'
}

// keepStyle carries what the old line of a one-line field holds of its
// writer's own onto the line written in its place: the key as spelled
// ('quality', or a blank before the colon), the blanks that align its
// value (title:  "x", as Jekyll writes a post's) and a comment after the
// value (quality: 80  # raised by hand). A field over several lines, or a
// value that is no plain or quoted scalar, keeps nothing.
func keepStyle(old, text []byte) []byte {
	old = bytes.TrimSuffix(bytes.TrimSuffix(old, []byte{'\n'}), []byte{'\r'})
	if bytes.IndexByte(old, '\n') >= 0 || bytes.IndexByte(text, '\n') != len(text)-1 {
		return text
	}
	line := text[:len(text)-1]
	ov, oc, ok := scalarLine(old)
	nv, nc, nok := scalarLine(line)
	if !ok || !nok || nc != len(line) {
		return text
	}
	out := make([]byte, 0, len(text)+len(old))
	out = append(out, old[:ov]...)
	out = append(out, line[nv:]...)
	out = append(out, old[oc:]...)
	return append(out, '\n')
}

// keepAnchor puts the anchor of the old field's value (quality: &score 70,
// topics: &subjects) on the value written in its place, where an alias
// elsewhere in the file (a field newshub does not know) may name it:
// without it the alias names nothing and the file no longer reads.
func keepAnchor(old, text []byte) []byte {
	name := anchorOf(old)
	if name == nil {
		return text
	}
	line, _, _ := bytes.Cut(text, []byte{'\n'})
	colon := skipScalar(line, 0)
	if colon <= 0 || colon >= len(line) || line[colon] != ':' {
		return text
	}
	out := make([]byte, 0, len(text)+len(name)+2)
	out = append(out, text[:colon+1]...)
	out = append(out, " &"...)
	out = append(out, name...)
	return append(out, text[colon+1:]...)
}

// anchorOf returns the name of the anchor on the value of the field whose
// lines are field, after any tag (key: !!seq &name), or nil for none.
func anchorOf(field []byte) []byte {
	line, _, _ := bytes.Cut(field, []byte{'\n'})
	line = bytes.TrimSuffix(line, []byte{'\r'})
	colon := skipScalar(line, 0)
	if colon <= 0 || colon >= len(line) || line[colon] != ':' {
		return nil
	}
	for rest := line[colon+1:]; ; {
		rest = bytes.TrimLeft(rest, " \t")
		if len(rest) == 0 || (rest[0] != '&' && rest[0] != '!') {
			return nil
		}
		end := bytes.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		if rest[0] == '&' {
			if end == 1 {
				return nil
			}
			return rest[1:end]
		}
		rest = rest[end:]
	}
}

// scalarLine splits line, a "key: value" line whose value is a plain or
// quoted scalar after at least one blank, at the offset of its value and
// at the end of the value, where the blanks and comment that end the line
// begin (len(line) when none do). ok is false for any other line.
func scalarLine(line []byte) (value, end int, ok bool) {
	colon := skipScalar(line, 0)
	if colon <= 0 || colon >= len(line) || line[colon] != ':' {
		return 0, 0, false
	}
	value = colon + 1
	for value < len(line) && (line[value] == ' ' || line[value] == '\t') {
		value++
	}
	if value == colon+1 || value == len(line) || bytes.IndexByte([]byte("[{|>&*!#"), line[value]) >= 0 {
		return 0, 0, false
	}
	if end = skipScalar(line, value); end < 0 {
		return 0, 0, false
	}
	i := end
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	if i < len(line) && line[i] != '#' {
		return 0, 0, false
	}
	return value, end, true
}

// skipScalar returns the offset after the scalar starting at offset i of
// line: a quoted one up to its closing quote, a plain one up to a ": "
// (a key's end) or the blanks before a "#"; -1 when a quote is not closed.
func skipScalar(line []byte, i int) int {
	if i < len(line) && (line[i] == '"' || line[i] == '\'') {
		q := line[i]
		for j := i + 1; j < len(line); j++ {
			switch {
			case q == '"' && line[j] == '\\':
				j++
			case q == '\'' && line[j] == '\'' && j+1 < len(line) && line[j+1] == '\'':
				j++
			case line[j] == q:
				return j + 1
			}
		}
		return -1
	}
	for j := i; j < len(line); j++ {
		switch {
		case line[j] == ':' && (j+1 == len(line) || line[j+1] == ' ' || line[j+1] == '\t'):
			return j
		case line[j] == '#' && j > i && (line[j-1] == ' ' || line[j-1] == '\t'):
			for j > i && (line[j-1] == ' ' || line[j-1] == '\t') {
				j--
			}
			return j
		}
	}
	return len(line)
}

// crlfAt reports whether the lines an edit writes end with CR LF: as the
// last line it replaces does, or for an insertion the line before it. A
// file whose lines end both ways (lines a Windows editor added to a
// generator's) so keeps each line's own ending; the first line's decides
// where no line comes before.
func crlfAt(raw []byte, ed edit) bool {
	if p := ed.end; p > 0 && raw[p-1] == '\n' {
		return p > 1 && raw[p-2] == '\r'
	}
	return crlf(raw)
}

// toCRLF ends every line of text, a field as the encoder writes it, with
// CR LF, so that an edit leaves a CR LF file in one style rather than
// mixing line endings. The encoder writes no CR of its own (a CR in a value
// is escaped inside quotes), so every LF is a line end.
func toCRLF(text []byte) []byte {
	n := bytes.Count(text, []byte{'\n'})
	if n == 0 {
		return text
	}
	out := make([]byte, 0, len(text)+n)
	for _, c := range text {
		if c == '\n' {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

func (doc *document) kindHasBody() bool { return doc.kind == model.KindNewsletter }

// insertion places a field the file lacks: after the nearest preceding
// field the file has, else before the nearest following one, else at the
// end of the YAML. A blank line keeps groups apart as the generator does.
func insertion[T any](sp spec[T], spans map[string]span, raw []byte, doc *document, fi, prev int, text []byte) edit {
	f := sp.fields[fi]
	if prev >= 0 {
		pos := spans[sp.fields[prev].key].end
		if sp.blocks && sp.fields[prev].group != f.group {
			text = append([]byte{'\n'}, text...)
		}
		if pos > 0 && raw[pos-1] != '\n' {
			text = append([]byte{'\n'}, text...)
		}
		return edit{pos, pos, text}
	}
	for _, g := range sp.fields[fi+1:] {
		if s, ok := spans[g.key]; ok {
			if sp.blocks && g.group != f.group {
				text = append(text, '\n')
			}
			return edit{s.start, s.start, text}
		}
	}
	pos := doc.yamlEnd
	if pos > 0 && raw[pos-1] != '\n' {
		text = append([]byte{'\n'}, text...)
	}
	return edit{pos, pos, text}
}

// lineOffset returns the offset of line want, counting forward from
// offset pos, which starts line.
func lineOffset(raw []byte, pos, line, want int) int {
	for ; line < want; line++ {
		i := bytes.IndexByte(raw[pos:], '\n')
		if i < 0 {
			return len(raw)
		}
		pos += i + 1
	}
	return pos
}

// trimTail moves end back over trailing blank lines and comment lines at
// column 0, which belong to the layout rather than to the field.
func trimTail(raw []byte, start, end int) int {
	for end > start {
		// the last line in [start, end)
		e := end
		if raw[e-1] == '\n' {
			e--
		}
		ls := bytes.LastIndexByte(raw[start:e], '\n') + 1 + start
		if ls == start {
			break // the key line itself
		}
		l := raw[ls:e]
		if len(bytes.TrimSpace(l)) != 0 && l[0] != '#' {
			break
		}
		end = ls
	}
	return end
}

// blankBefore reports whether the line before offset pos is blank.
func blankBefore(raw []byte, pos, min int) bool {
	if pos-1 <= min {
		return false
	}
	ls := bytes.LastIndexByte(raw[:pos-1], '\n') + 1
	return len(bytes.TrimSpace(raw[ls:pos-1])) == 0
}

// blankAt reports whether the line starting at pos is blank.
func blankAt(raw []byte, pos, max int) bool {
	if pos >= max {
		return false
	}
	return len(bytes.TrimSpace(raw[pos:lineEnd(raw, pos)])) == 0
}

// lineEnd returns the offset after the line starting at pos.
func lineEnd(raw []byte, pos int) int {
	if i := bytes.IndexByte(raw[pos:], '\n'); i >= 0 {
		return pos + i + 1
	}
	return len(raw)
}
