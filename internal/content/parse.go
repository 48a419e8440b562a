package content

import (
	"bytes"
	"errors"
	"fmt"
	"path"
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
	warns     []*ParseError
}

// Parse decodes one file. The record's Raw is data itself, and the decoded
// strings share its memory, so data must not be modified afterwards (Render
// always writes a new slice). Errors are *ParseError.
func Parse(path string, data []byte) (*model.Record, error) {
	rec, _, err := parse(path, data, nil)
	if err != nil {
		return nil, err
	}
	return rec, nil
}

// ParseWarn is Parse, and returns besides what reads but looks like a
// mistake in a file others read too: a key of a _config.yml, topic or
// publisher newshub does not read that looks like a slip of one it does
// ("titel:" for "title:"), which Jekyll or Smartable may read, so is not
// refused. In newshub's own files (the sources list, the decisions, the
// smtp settings) such a key is an error.
func ParseWarn(path string, data []byte) (*model.Record, []*ParseError, error) {
	return new(Parser).ParseWarn(path, data)
}

// Parser parses files one after another, each file's parse tree made in
// the memory of the one before: the tree is dropped once the record is
// decoded (its strings are the file's bytes, never the tree's), and an
// import parses a hundred thousand files. The zero value is ready to use;
// a Parser is not for several goroutines at once.
type Parser struct {
	pairs, stack []pair // a tree's pairs and the fast reader's stack, emptied
}

// ParseWarn is the package's ParseWarn, reusing p's memory.
func (p *Parser) ParseWarn(path string, data []byte) (*model.Record, []*ParseError, error) {
	rec, doc, err := parse(path, data, p)
	if err != nil {
		return nil, nil, err
	}
	if pairs := doc.tree.pairs; cap(pairs) <= maxPreallocPairs {
		p.pairs = pairs[:0]
	}
	return rec, doc.warns, nil
}

// parse decodes one file, its tree made with the memory of s when set (see
// Parser).
func parse(path string, data []byte, s *Parser) (*model.Record, *document, error) {
	kind, ok := KindOf(path)
	if !ok {
		return nil, nil, &ParseError{Path: path, Msg: "not a record path"}
	}
	// fastChars implies valid UTF-8 and spares the fast reader its own check.
	plain := fastChars(data)
	if !plain && !utf8.Valid(data) {
		if isUTF16(data) {
			return nil, nil, &ParseError{Path: path, Line: 1, Msg: "invalid UTF-8: the file is UTF-16; save it as UTF-8"}
		}
		line, msg := invalidUTF8(data)
		return nil, nil, &ParseError{Path: path, Line: line, Msg: msg}
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
	// like; every other kind is held to the list limits as it is read. Of
	// a key a config file gives twice the last is read, as Jekyll reads
	// it: a site's _config.yml grows by settings added at its end over
	// the years (a second plugins: or paginate:), and Jekyll builds it.
	limits, lastWins := model.ListLimit, false
	if kind == model.KindConfig {
		limits, lastWins = nil, true
	}
	t, err := parseYAML(path, data[doc.yamlStart:doc.yamlEnd], doc.lineBase, plain, limits, lastWins, s)
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
	doc.warns = d.warns
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

// NoFrontMatter words why a file StaticFile finds with no front matter has
// none, for its author to mend: most open with something else (a README's
// title), but an empty file, one saved as UTF-16 (Windows Notepad's
// "Unicode") and one whose lines end with a lone CR (classic Mac OS) look
// like records in an editor all the same.
func NoFrontMatter(data []byte) string {
	const static = ": Jekyll copies it as a static file"
	switch {
	case len(data) == 0:
		return "empty file, so no front matter" + static
	case isUTF16(data):
		return "no front matter that UTF-8 can read: the file is UTF-16 text (it opens with a UTF-16 byte order mark), and records are UTF-8" + static
	}
	first, _, _ := cutLine(bytes.TrimPrefix(data, utf8BOM))
	if i := bytes.IndexByte(first, '\r'); i >= 0 && i+1 < len(first) && isDelimiter(first[:i], false) {
		return "no front matter: the file's lines end with a lone CR (as classic Mac OS ended them), so it does not start with a --- line" + static
	}
	return "no front matter (the file does not start with a --- line)" + static
}

// Misnamed tells why newshub does not read the file at the site path p
// although it lies in a folder of records, or below one, and has the shape
// of one of its records: front matter (which makes it a document of the
// collection in Jekyll's eyes: Jekyll reads every extension, upper case
// included, and subfolders) or, in a folder of YAML records, a YAML
// extension. It returns "" for a file newshub reads (KindOf), one of
// another shape (a picture, an empty file) and one Jekyll leaves out too
// (hidden, "_" or "#" first, a backup ending in "~").
func Misnamed(p string, data []byte) string {
	if _, ok := KindOf(p); ok {
		return ""
	}
	p = cleanPath(p)
	dir, name := path.Split(p)
	if name == "" || strings.ContainsAny(name[:1], "._#~") || strings.HasSuffix(name, "~") {
		return ""
	}
	if want := dataFileOf(p); want != "" {
		return fmt.Sprintf("is the data file Jekyll reads as site.data.%s, which newshub reads only from %s", strings.TrimSuffix(name, path.Ext(name)), want)
	}
	for dir = strings.TrimSuffix(dir, "/"); dir != "" && dir != "."; dir = path.Dir(dir) {
		for _, ext := range []string{".md", ".html", ".yaml"} {
			kind, ok := KindOf(dir + "/x" + ext)
			if !ok {
				continue
			}
			e := strings.ToLower(path.Ext(name))
			if hasFrontMatter(kind) {
				first, _, _ := cutLine(bytes.TrimPrefix(data, utf8BOM))
				switch {
				case isDelimiter(first, false):
					return fmt.Sprintf("opens with front matter like the records of %s/, which newshub reads only from files named *%s directly in %s/", dir, ext, dir)
				case strings.HasPrefix(dir, "_data/") && (e == ".yaml" || e == ".yml" || e == ".json"):
					// Jekyll reads it as data of the folder, as a
					// publisher written as YAML rather than front matter.
					return fmt.Sprintf("is a data file Jekyll reads, but the records of %s/ that newshub reads are front matter in files named *%s directly in %s/", dir, ext, dir)
				}
				return ""
			}
			if e != ".yaml" && e != ".yml" {
				return ""
			}
			return fmt.Sprintf("is a YAML file like the records of %s/, which newshub reads only from files named *.yaml or *.yml directly in %s/", dir, dir)
		}
	}
	return ""
}

// dataFileOf returns the path of the data file newshub reads (sources,
// decisions) that Jekyll reads p as, under another extension: Jekyll's
// data reader takes .yml, .yaml, .json, .csv and .tsv alike, whatever
// their case, so _data/sources.yml is the hub's list of sources to it;
// "" for any other path.
func dataFileOf(p string) string {
	ext := path.Ext(p)
	switch strings.ToLower(ext) {
	case ".yml", ".yaml", ".json", ".csv", ".tsv":
	default:
		return ""
	}
	for _, want := range []string{"_data/sources.yaml", "_data/decisions.yaml"} {
		if p != want && strings.TrimSuffix(p, ext) == strings.TrimSuffix(want, ".yaml") {
			return want
		}
	}
	return ""
}

// Entries counts what a record file's YAML holds at its top and one level
// under it: a config's settings and those of its smtp block, the sources
// of the list, a topic's fields and keywords. A save cut short holds
// fewer. A file that does not parse counts 0.
func Entries(p string, data []byte) int {
	_, doc, err := parse(p, data, nil)
	if err != nil {
		return 0
	}
	t := doc.tree
	n := 0
	for _, kid := range t.kids(&t.root) {
		n++
		if kid.val.kind == mapNode || kid.val.kind == seqNode {
			n += int(kid.val.n)
		}
	}
	return n
}

// EmptyData reports whether data, the bytes of a file at the site path p
// of a kind written as YAML throughout that names a record (a topic), holds
// only blank and comment lines: Jekyll reads such a data file as no data,
// where Parse finds no record in it.
func EmptyData(p string, data []byte) bool {
	kind, ok := KindOf(p)
	return ok && kind == model.KindTopic && isBlank(bytes.TrimPrefix(data, utf8BOM))
}

// isUTF16 reports whether data opens with a UTF-16 byte order mark, as
// Windows Notepad saves "Unicode".
func isUTF16(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\xff\xfe")) || bytes.HasPrefix(data, []byte("\xfe\xff"))
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

// invalidUTF8 finds the first byte of data that is not UTF-8 and words
// it with its line and column: most often a character of a file saved as
// Windows-1252 or Latin-1 (a curly quote 0x93, an é 0xE9), which the
// author can find and save again as UTF-8.
func invalidUTF8(data []byte) (line int, msg string) {
	line, start := 1, 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			col := utf8.RuneCount(data[start:i]) + 1
			return line, fmt.Sprintf("invalid UTF-8: byte 0x%02X in column %d, as a file saved as Windows-1252 or Latin-1 holds; records are UTF-8", data[i], col)
		}
		if r == '\n' {
			line, start = line+1, i+1
		}
		i += size
	}
	return line, "invalid UTF-8"
}

// parseYAML reads src with the fast reader, falling back to the full YAML
// parser for anything outside the subset the fast reader knows.
// checked says src is known to hold only characters the fast reader takes;
// lastWins lets a map give a key twice, the last value read (see
// parseFull).
func parseYAML(path string, src []byte, lineBase int, checked bool, listLimit func(string) int, lastWins bool, s *Parser) (*tree, error) {
	t, err := parseFastLimited(src, lineBase, checked, listLimit, s)
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
	return parseFull(path, src, lineBase, lastWins)
}
