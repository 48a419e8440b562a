package parser

import (
	"bytes"
	"fmt"
	"iter"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// scan is what a lenient pass over an XML feed finds: the feed's root
// element wherever it starts (an Atom feed inside an XHTML page too), the
// start tags that declare the namespaces its items use, every item or
// entry element, and the repairs that make each readable. It never fails:
// a document it cannot make sense of simply has no root.
type scan struct {
	root      string // local name of the feed's root: "rss", "rdf" or "feed"; "" when none
	rootStart int    // offset of the root's start tag
	rootEnd   int    // offset just past the root's end tag; len(doc) when it has none
	rootTag   string // the root's start tag as written, namespaces and all
	rootQName string // the root's name as written ("rdf:RDF")
	chanTag   string // RSS 0.9x/2.0: the channel's start tag as written
	records   []record
	repairs   []repair // in document order
	// slashes are where a "/" closes the start tag of a void element of
	// HTML left open (see htmlVoid), in document order: repairs of their
	// own, 4 bytes each where a repair takes 32, as a feed may hold
	// millions.
	slashes  []int32
	notes    []string          // what was malformed, where
	amps     int               // bare "&" escaped
	html     int               // Atom texts of HTML given as elements, read as the HTML they spell (see wrapHTML)
	entities map[string]string // the document's own entities, by name, as declared
	expanded int               // bytes the references to them add (see bareAmps)
	// stop is where the scan stopped short of the document's end, at
	// the start tag of its item past MaxItems (see maxItems), with the
	// end tags of the elements open there in closing; 0 when it did not.
	stop    int
	closing string
	// tooDeep is the line of a start tag nested past maxDepth, where the
	// scan stopped; 0 when none is.
	tooDeep int
}

// MaxItems is how many items or entries of a feed are read: a real feed
// holds a few hundred at most (a podcast's whole archive a few
// thousand), and the parsers hold about a kilobyte for each, so a feed of
// millions of empty items, 16 MB on the wire, took gigabytes to read.
const MaxItems = 10000

// maxDepth is how deeply a feed's elements may nest. A feed's own nest
// a few levels deep and the HTML it holds unescaped a few dozen; nested
// millions deep, they took the parsers gigabytes and half a minute.
const maxDepth = 1000

// record is one item (RSS) or entry (Atom).
type record struct {
	qname      string // its element's name as written ("item", "atom:entry")
	start, end int    // byte span, the end tag included when there is one
	line       int
	closed     bool // its end tag was there
	truncated  bool // the document ended inside it
	lastChild  int  // end of its last complete child element
}

// repair replaces doc[pos:pos+cut] with text.
type repair struct {
	pos, cut int
	text     string
}

// textOnly are the elements of an item or entry that hold only text, so
// that a start tag inside one means it was left open.
var textOnly = map[string]bool{"title": true, "link": true, "guid": true, "pubdate": true,
	"published": true, "updated": true, "id": true, "comments": true, "creator": true, "date": true,
	"videoid": true, "channelid": true, "duration": true, "explicit": true, "episode": true,
	"season": true, "episodetype": true, "origlink": true, "category": true, "subject": true, "keywords": true,
	"commentrss": true}

// voidElement are the HTML elements that never have content ("<br>",
// "<img …>"): in a feed's unescaped HTML one is an element closed where
// it starts.
var voidElement = map[string]bool{"area": true, "br": true, "col": true, "embed": true, "hr": true,
	"img": true, "input": true, "param": true, "source": true, "track": true, "wbr": true}

// holdsMarkup reports whether an element named name (qname as written)
// holds text or HTML, which a void element inside is HTML's (see
// htmlVoid). A media:content or media:description is Media RSS's.
func holdsMarkup(name, qname string) bool {
	return (textOnly[name] || htmlPart[name]) && !strings.HasPrefix(qname, "media:")
}

// htmlVoid reports whether the start tag of the element named qname
// (name its local name), ending in ">" at doc[end-1], is a void element
// of HTML left open: one of no namespace (a media:param holds text) not
// followed by its own end tag ("<br></br>").
func htmlVoid(doc []byte, qname, name string, end int) bool {
	if !voidElement[name] || doc[end-1] != '>' || strings.IndexByte(qname, ':') >= 0 {
		return false
	}
	rest := doc[end:]
	return !bytes.HasPrefix(rest, []byte("</")) || !strings.EqualFold(tagName(rest[2:]), qname)
}

// person are the elements of an entry that name a person: an item part
// other than their own (name, uri, email) starting inside one means it
// was left open.
var person = map[string]bool{"author": true, "contributor": true}

// itemPart are the other usual elements of an item or entry: one starting
// inside a text-only element means that element was left open (a "<b>"
// in a title is markup that should have been escaped).
var itemPart = map[string]bool{"description": true, "encoded": true, "author": true, "category": true,
	"enclosure": true, "source": true, "creator": true, "date": true, "summary": true, "content": true,
	"thumbnail": true}

// htmlPart are the elements of an item or entry that hold its HTML,
// escaped or not; htmlToo the item parts HTML has elements of the same
// name as ("<details><summary>", "<picture><source>").
var (
	htmlPart = map[string]bool{"description": true, "summary": true, "content": true, "encoded": true}
	htmlToo  = map[string]bool{"summary": true, "source": true}
)

// endsPart reports whether the start tag of an element named name at
// doc[at:], right inside the item's part open (openQName as written, its
// start tag at doc[start:]), means that part was left open: a part that
// holds only text holds no element, and one that holds HTML no other
// part of the item. A category holding no text before another is
// iTunes's, around its subcategory; a media:content holds a title and a
// description of its own.
func endsPart(doc []byte, open, openQName string, start int, name string, at int) bool {
	switch {
	case open == "category" && name == "category":
		return holdsText(doc, start, at)
	case textOnly[open]:
		return textOnly[name] || itemPart[name]
	case htmlPart[open] && !strings.HasPrefix(openQName, "media:"):
		return (textOnly[name] || itemPart[name]) && !htmlToo[name]
	}
	return false
}

// recordName is the element that holds one entry for each root.
func recordName(root string) string {
	if root == "feed" {
		return "entry"
	}
	return "item"
}

// scanXML walks doc tag by tag, as a forgiving reader does: comments,
// processing instructions and CDATA sections are skipped, a stray "<" in
// text is text, an end tag closes the innermost element of its name (and
// what was left open inside it), and a CDATA section that would swallow
// the end of its item is taken to end where its element does.
func scanXML(doc []byte) *scan {
	s := &scan{rootEnd: len(doc)}
	var stack []string  // local names of the open elements
	var qnames []string // their names as written, in step with stack
	var starts []int    // where their start tags are, in step with stack
	rec := -1           // index in s.records of the open record, or -1
	recDepth := 0       // len(stack) once the record's element is pushed
	voids := 0          // the void elements open (see voidElement), which nest nothing
	inText := -1        // index in stack of the outermost open element read as text or HTML, or -1
	html := htmlText{depth: -1}
	// push opens an element; cut closes those from the k-th open one on.
	push := func(name, qname string, at int) {
		if inText < 0 && len(stack) > 0 && holdsMarkup(name, qname) {
			inText = len(stack)
		}
		stack, qnames, starts = append(stack, name), append(qnames, qname), append(starts, at)
		if voidElement[name] {
			voids++
		}
	}
	cut := func(k int) {
		for _, n := range stack[k:] {
			if voidElement[n] {
				voids--
			}
		}
		stack, qnames, starts = stack[:k], qnames[:k], starts[:k]
		if inText >= k {
			inText = -1
		}
		if html.depth >= k {
			html.depth = -1
		}
	}
	line, lineAt := 1, 0
	lineOf := func(pos int) int {
		if pos < lineAt { // a tag's attributes were noted before the tag
			line -= bytes.Count(doc[pos:lineAt], []byte{'\n'})
		} else {
			line += bytes.Count(doc[lineAt:pos], []byte{'\n'})
		}
		lineAt = pos
		return line
	}
	recName := ""
	textLink := -1 // where the end tag of an Atom <link>URL</link> starts
	rootTagEnd, chanStart, chanEnd := 0, 0, 0
	sorted := true // the repairs are in document order
	closeRecord := func(end int, closed bool) {
		r := &s.records[rec]
		r.end, r.closed = end, closed
		rec = -1
	}
	popTo := func(name string) bool {
		for k := len(stack) - 1; k >= 0; k-- {
			if stack[k] == name {
				cut(k)
				return true
			}
		}
		return false
	}
	i := 0
	seen := 0 // records started, empty ones too
scanning:
	for i < len(doc) {
		j := bytes.IndexByte(doc[i:], '<')
		if j < 0 {
			j = len(doc) - i
		}
		s.bareAmps(doc, i, i+j, lineOf)
		if i += j; i >= len(doc) {
			break
		}
		rest := doc[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			k := bytes.Index(rest[4:], []byte("-->"))
			if k < 0 {
				i = len(doc)
				continue
			}
			if text := rest[4 : 4+k]; bytes.Contains(text, []byte("--")) || bytes.HasSuffix(text, []byte("-")) {
				// "<!-- a -- b -->", "<!------->": a reader rejects the
				// comment, and the item it is in; it says nothing, so it
				// is dropped.
				s.repairs = append(s.repairs, repair{pos: i, cut: 4 + k + 3})
				s.note(lineOf(i), "\"--\" inside a comment")
			}
			i += 4 + k + 3
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = s.cdata(doc, i, rec >= 0, recName, stack, lineOf)
		case bytes.HasPrefix(rest, []byte("<?")):
			k := bytes.Index(rest, []byte("?>"))
			if k < 0 {
				i = len(doc)
				continue
			}
			i += k + 2
		case bytes.HasPrefix(rest, []byte("<!")):
			n := 2 + tagEnd(doc, i+2, true)
			if s.root == "" {
				s.entityDecl(doc[i : i+n])
			}
			i += n
		case bytes.HasPrefix(rest, []byte("</")):
			qname := tagName(rest[2:])
			if qname == "" {
				// "</" and no name (an end tag cut short where a PHP
				// error was written in): a stray "<", as in text.
				s.repairs = append(s.repairs, repair{pos: i, cut: 1, text: "&lt;"})
				s.note(lineOf(i), "unescaped \"<\" in text")
				i++
				continue
			}
			n := tagEnd(doc, i+2+len(qname), false)
			end := i + 2 + len(qname) + n
			name := localName(qname)
			closesHTML := html.depth >= 0 && unclosedIn(stack, name) == html.depth
			html.endTag(unclosedIn(stack, name), i, end)
			if s.root != "" && n > 0 && doc[end-1] == '>' && !contains(stack, name) {
				// "</span>" with no <span> open: an end tag a loose
				// reader ignores, and a strict one rejects the item for.
				// (One cut short, "</titl", is the open element's.)
				s.repairs = append(s.repairs, repair{pos: i, cut: end - i})
				s.note(lineOf(i), "end tag </%s> of no open element", qname)
				i = end
				continue
			}
			if i == textLink {
				s.repairs = append(s.repairs, repair{pos: i, cut: end - i, text: `"/>`})
			}
			for k := len(stack) - 1; k >= 0; k-- {
				if stack[k] != name {
					continue
				}
				if qnames[k] != qname {
					// "<Title>…</title>": the end tag closes the innermost
					// open element of its name, as its start tag names it.
					s.repairs = append(s.repairs, repair{pos: i + 2, cut: len(qname), text: qnames[k]})
					s.note(lineOf(i), "<%s> closed by </%s>", qnames[k], qname)
				}
				break
			}
			if n == 0 || doc[end-1] != '>' {
				// "</link" with no ">" before the next tag.
				s.repairs = append(s.repairs, repair{pos: end, text: ">"})
				s.note(lineOf(i), "end tag </%s> not closed", qname)
			}
			if rec >= 0 && !contains(stack[recDepth-1:], name) {
				// An end tag of something outside the record: the record
				// was left open.
				if popTo(name) {
					closeRecord(i, false)
					s.note(lineOf(i), "<%s> not closed", recName)
				}
			} else if rec >= 0 && stack[len(stack)-1] != name && unclosedIn(stack, name) >= recDepth {
				// "<description><p>One<br>Two</p>": what was left open
				// inside a part of the record, HTML not escaped or a
				// "<String>" in a title, is what the element whose end
				// tag this is holds: an HTML element that never has
				// content is closed where it starts, another's "<" is
				// escaped (a reader takes the element's text as HTML).
				for k := unclosedIn(stack, name) + 1; k < len(stack); k++ {
					s.note(lineOf(starts[k]), "<%s> not closed", qnames[k])
					sorted = false
					at := starts[k] + 1 + len(qnames[k])
					if e := at + tagEnd(doc, at, false); voidElement[stack[k]] && doc[e-1] == '>' {
						s.repairs = append(s.repairs, repair{pos: e - 1, text: "/"})
						continue
					}
					s.repairs = append(s.repairs, repair{pos: starts[k], cut: 1, text: "&lt;"})
				}
				popTo(name)
				if len(stack) == recDepth {
					s.records[rec].lastChild = end
				}
			} else if rec >= 0 && name == recName && len(stack) > recDepth && unclosedIn(stack, name) == recDepth-1 {
				// "<description>Text</item>": what was left open in the
				// item ends with it.
				s.note(lineOf(starts[recDepth]), "<%s> not closed", qnames[recDepth])
				for k := len(stack) - 1; k >= recDepth; k-- {
					s.repairs = append(s.repairs, repair{pos: i, text: "</" + qnames[k] + ">"})
				}
				popTo(name)
				closeRecord(end, true)
			} else if popTo(name) && rec >= 0 {
				switch {
				case len(stack) < recDepth:
					closeRecord(end, true)
				case len(stack) == recDepth:
					s.records[rec].lastChild = end
				}
			}
			if s.root != "" && name == s.root && len(stack) == 0 && rec < 0 {
				s.rootEnd = end
			}
			if closesHTML && html.elements > 0 {
				s.wrapHTML(doc, html, i, lineOf)
			}
			i = end
		default:
			qname := tagName(rest[1:])
			n := tagEnd(doc, i+1+len(qname), false)
			end := i + 1 + len(qname) + n
			if len(qname) == 0 || s.root != "" && (!isName(qname) || wordsNotTag(doc, i, end)) {
				// A stray "<" in text: it means "<".
				s.repairs = append(s.repairs, repair{pos: i, cut: 1, text: "&lt;"})
				s.note(lineOf(i), "unescaped \"<\" in text")
				i++
				continue
			}
			name := localName(qname)
			selfClosing := n > 0 && bytes.HasSuffix(doc[i:end], []byte("/>"))
			if selfClosing && (name == recName || name == "channel") && s.root != "" && slashOfValue(doc[i:end-2]) {
				// <item rdf:about=https://example.com/a/>: the "/" ends an
				// unquoted value, as HTML reads it; a channel, item or
				// entry is never empty but by mistake.
				selfClosing = false
			}
			attrsEnd := end
			switch {
			case selfClosing:
				attrsEnd -= 2
			case n > 0 && doc[end-1] == '>':
				attrsEnd--
			}
			if s.root == "" {
				switch name {
				case "rss", "rdf", "feed":
					s.root, s.rootStart, s.rootQName = name, i, qname
					rootTagEnd = end
					recName = recordName(name)
					cut(0)
				}
			} else if name == "channel" && chanEnd == 0 && s.root == "rss" {
				chanStart, chanEnd = i, end
			}
			if s.root != "" && name == recName {
				if seen++; seen > MaxItems {
					s.stopAt(i, qnames)
					break scanning
				}
			}
			if !selfClosing && len(stack)-voids >= maxDepth {
				s.tooDeep = lineOf(i)
				break scanning
			}
			if s.root != "" && name == recName && !selfClosing {
				if rec >= 0 {
					// A new record while one is open: the open one ends here.
					popTo(recName)
					closeRecord(i, false)
					s.note(lineOf(i), "<%s> not closed", recName)
				}
				s.records = append(s.records, record{qname: qname, start: i, line: lineOf(i)})
				rec = len(s.records) - 1
				push(name, qname, i)
				recDepth = len(stack)
				s.attrs(doc, i+1+len(qname), attrsEnd, lineOf)
				i = end
				continue
			}
			linkText := false
			if s.root == "feed" && name == "link" && rec >= 0 && !selfClosing {
				if k := atomTextLink(doc, i+1+len(qname), attrsEnd, end, qname); k > 0 {
					// "<link>https://…</link>", RSS's way in an Atom entry:
					// its text is the address (mended after its attributes).
					s.note(lineOf(i), "Atom <link> with its address as text")
					linkText, textLink = true, k
				}
			}
			if rec >= 0 && len(stack) == recDepth+1 && endsPart(doc, stack[recDepth], qnames[recDepth], starts[recDepth], name, i) {
				// "<title>Results<link>...", "<description>Text<guid>":
				// a part of the item was left open; it ends where the
				// next one starts.
				s.repairs = append(s.repairs, repair{pos: i, text: "</" + qnames[recDepth] + ">"})
				s.note(lineOf(i), "<%s> not closed", qnames[recDepth])
				cut(recDepth)
				s.records[rec].lastChild = i
			} else if rec >= 0 && len(stack) > recDepth && person[stack[recDepth]] && (textOnly[name] || itemPart[name]) &&
				!closedInRecord(doc, end, stack[recDepth], recName) {
				// "<author><name>A</name><link …/>": the author was left
				// open; it ends where the entry's next part starts. One
				// closed further on holds the part as its own (the job
				// <title> of an author's card, as Google's blogs write
				// it), which is no item's.
				for k := len(stack) - 1; k >= recDepth; k-- {
					s.repairs = append(s.repairs, repair{pos: i, text: "</" + qnames[k] + ">"})
				}
				s.note(lineOf(i), "<%s> not closed", qnames[recDepth])
				cut(recDepth)
				s.records[rec].lastChild = i
			}
			s.attrs(doc, i+1+len(qname), attrsEnd, lineOf) // after what the tag's start closed
			html.startTag(len(stack), qname, i, end)
			if linkText {
				// The text link's attributes stay: a rel="enclosure" one
				// is no page of the entry's.
				s.repairs = append(s.repairs, repair{pos: end - 1, cut: 1, text: ` href="`})
			}
			if !selfClosing && (name != "source" || inText >= 0) && end <= math.MaxInt32 && htmlVoid(doc, qname, name, end) {
				// "<br>" of HTML left unescaped: closed where it starts,
				// as HTML reads it, where a reader nested what follows in
				// it (a million <br>s a million deep, and hundreds of
				// megabytes for one feed). An RSS or Atom <source> holds
				// what follows; HTML's is in a text.
				if s.slashes = append(s.slashes, int32(end-1)); len(s.slashes) == 1 {
					s.note(lineOf(i), "<%s> not closed", qname)
				}
			} else if !selfClosing {
				if ok, xhtml := htmlTextType(doc[i:end], qname, name); ok && html.depth < 0 && s.root == "feed" {
					html = s.htmlText(len(stack), end, xhtml)
				}
				push(name, qname, i)
			} else if rec >= 0 && len(stack) == recDepth {
				s.records[rec].lastChild = end
			}
			i = end
		}
	}
	if rec >= 0 {
		s.records[rec].truncated = true
		s.note(s.records[rec].line, "document ends inside <%s>", recName)
		closeRecord(len(doc), false)
	}
	if !sorted {
		sort.SliceStable(s.repairs, func(a, b int) bool { return s.repairs[a].pos < s.repairs[b].pos })
	}
	// The start tags as mended: the items read on their own are wrapped
	// in them.
	if s.root != "" {
		s.rootTag = string(s.text(doc, s.rootStart, rootTagEnd))
	}
	if chanEnd > 0 {
		s.chanTag = string(s.text(doc, chanStart, chanEnd))
	}
	return s
}

// stopAt stops the scan at i, where the elements named qnames are open.
func (s *scan) stopAt(i int, qnames []string) {
	s.stop = i
	var b strings.Builder
	for k := len(qnames) - 1; k >= 0; k-- {
		b.WriteString("</" + qnames[k] + ">")
	}
	s.closing = b.String()
}

// cdata skips the CDATA section starting at i and returns where scanning
// goes on. Inside a record, a section with no "]]>" before the record's
// end and the next record's start is unterminated: it is closed before the
// end tag of the element that holds it.
func (s *scan) cdata(doc []byte, i int, inRecord bool, recName string, stack []string, lineOf func(int) int) int {
	body := i + len("<![CDATA[")
	e := bytes.Index(doc[body:], []byte("]]>"))
	if !inRecord {
		if e < 0 {
			return len(doc)
		}
		return body + e + 3
	}
	if e >= 0 && len(stack) > 0 {
		e = s.cdataEnd(doc, body, body+e, recName, stack[len(stack)-1], lineOf) - body
	}
	limit := len(doc)
	if e >= 0 {
		limit = body + e
	}
	c := bytes.Index(doc[body:limit], []byte("</"+recName))
	if c < 0 {
		if e < 0 {
			s.note(lineOf(i), "CDATA section not closed")
			s.repairs = append(s.repairs, repair{pos: len(doc), text: "]]>"})
			return len(doc)
		}
		return body + e + 3
	}
	c += body
	if e >= 0 && !bytes.Contains(doc[c:limit], []byte("<"+recName)) {
		return body + e + 3 // "</item>" as text inside a well-closed section
	}
	end := c
	if len(stack) > 0 {
		if k := bytes.LastIndex(doc[body:c], []byte("</"+stack[len(stack)-1])); k >= 0 {
			end = body + k
		}
	}
	s.note(lineOf(i), "CDATA section not closed")
	s.repairs = append(s.repairs, repair{pos: end, text: "]]>"})
	return end
}

// cdataEnd returns where the CDATA section whose text starts at body
// really ends, given its first "]]>" at end: a generator that wraps text
// holding a "]]>" of its own (a script's "//]]>", code) leaves the rest of
// that text, and another "]]>", before the end tag of the element (named
// elem) that holds the section. Each "]]>" but the last is then text: it
// is split across two sections, which keeps it.
func (s *scan) cdataEnd(doc []byte, body, end int, recName, elem string, lineOf func(int) int) int {
	for {
		from := end + len("]]>")
		next := bytes.Index(doc[from:], []byte("]]>"))
		if next < 0 {
			return end
		}
		next += from
		between := doc[from:next]
		if bytes.Contains(between, []byte("<![CDATA[")) || bytes.Contains(between, []byte("<"+recName)) ||
			bytes.Contains(between, []byte("</"+recName)) || hasEndTag(between, elem) {
			return end
		}
		s.note(lineOf(end), "\"]]>\" inside a CDATA section")
		s.repairs = append(s.repairs, repair{pos: end, cut: len("]]>"), text: "]]]]><![CDATA[>"})
		end = next
	}
}

// closedInRecord reports whether an end tag of the element whose local
// name is name comes after doc[from:] and before the end of the record
// (recName) it is in, or the start of the next.
func closedInRecord(doc []byte, from int, name, recName string) bool {
	b := doc[from:]
	for {
		k := bytes.IndexByte(b, '<')
		if k < 0 {
			return false
		}
		b = b[k+1:]
		end := len(b) > 0 && b[0] == '/'
		if end {
			b = b[1:]
		}
		switch localName(tagName(b)) {
		case name:
			if end {
				return true
			}
		case recName:
			return false
		}
	}
}

// slashOfValue reports whether tag, a start tag up to the "/" of its
// "/>", ends with an unquoted attribute value, which the "/" is part of.
func slashOfValue(tag []byte) bool {
	k := bytes.LastIndexByte(tag, '=')
	if k < 0 {
		return false
	}
	v := bytes.TrimLeft(tag[k+1:], " \t\r\n")
	return len(v) > 0 && v[0] != '"' && v[0] != '\'' && !bytes.ContainsAny(v, " \t\r\n")
}

// holdsText reports whether the element whose start tag is at doc[start:]
// holds text other than white space before doc[end:].
func holdsText(doc []byte, start, end int) bool {
	k := bytes.IndexByte(doc[start:end], '>')
	return k >= 0 && len(bytes.TrimSpace(doc[start+k+1:end])) > 0
}

// hasEndTag reports whether b holds an end tag of the element whose local
// name is name.
func hasEndTag(b []byte, name string) bool {
	for {
		k := bytes.Index(b, []byte("</"))
		if k < 0 {
			return false
		}
		b = b[k+2:]
		if localName(tagName(b)) == name {
			return true
		}
	}
}

// attrs mends the attributes of a start tag, doc[from:to]: a bare "&" or
// a "<" in a value is escaped, and what stands where the name of an
// attribute should (a stray quote: width="460"", or a word no name can
// be: the rest of a value whose own quotes were not escaped) is
// dropped. A reader rejects the element, and the item with it, for
// either.
func (s *scan) attrs(doc []byte, from, to int, lineOf func(int) int) {
	for k := from; k < to; {
		switch c := doc[k]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			k++
		case c == '_' || c == ':' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80:
			k = s.attr(doc, k, to, lineOf)
		default:
			s.note(lineOf(k), "stray %q in a tag", c)
			s.repairs = append(s.repairs, repair{pos: k, cut: 1})
			k++
		}
	}
}

// attr mends the attribute at doc[k:to] and returns where it ends: its
// name alone, name=value or name="value" (a reader takes the first two
// from HTML).
func (s *scan) attr(doc []byte, k, to int, lineOf func(int) int) int {
	name := k
	for ; k < to; k++ {
		if c := doc[k]; c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '=' || c == '"' || c == '\'' {
			break
		}
	}
	if !isName(string(doc[name:k])) {
		// A word of a value whose own quotes were not escaped
		// (title="The "AC/DC" pack", as e107 wrote its plugins' names):
		// no name, and dropped, as HTML drops it.
		s.note(lineOf(name), "stray %q in a tag", doc[name:k])
		s.repairs = append(s.repairs, repair{pos: name, cut: k - name})
		return k
	}
	j := k
	for j < to && (doc[j] == ' ' || doc[j] == '\t' || doc[j] == '\n' || doc[j] == '\r') {
		j++
	}
	if j == to || doc[j] != '=' {
		return k
	}
	for j++; j < to && (doc[j] == ' ' || doc[j] == '\t' || doc[j] == '\n' || doc[j] == '\r'); j++ {
	}
	if j == to {
		return j
	}
	start, end := j, j
	if q := doc[j]; q == '"' || q == '\'' {
		start++
		end = to
		if e := bytes.IndexByte(doc[start:to], q); e >= 0 {
			end = start + e
		}
		for p := start; p < end; p++ {
			if doc[p] == '<' {
				s.note(lineOf(p), "\"<\" in an attribute value")
				s.repairs = append(s.repairs, repair{pos: p, cut: 1, text: "&lt;"})
			} else if doc[p] == '&' {
				s.bareAmps(doc, p, p+1+refLen(doc[p+1:end]), lineOf)
			}
		}
		return min(end+1, to)
	}
	for end < to && doc[end] != ' ' && doc[end] != '\t' && doc[end] != '\n' && doc[end] != '\r' {
		end++
	}
	// An unquoted value (url=https://… type=audio/mpeg), as HTML has it:
	// quoted, the element reads.
	s.note(lineOf(start), "attribute value not quoted")
	s.repairs = append(s.repairs, repair{pos: start, text: `"`})
	s.bareAmps(doc, start, end, lineOf)
	s.repairs = append(s.repairs, repair{pos: end, text: `"`})
	return end
}

// refLen returns how many bytes of b (what follows an "&") a reference
// takes, at most 32: enough for bareAmps to tell one.
func refLen(b []byte) int {
	if k := bytes.IndexByte(b, ';'); k >= 0 && k < 32 {
		return k + 1
	}
	return 0
}

// bareAmps escapes each "&" of doc[from:to] that starts no character or
// entity reference ("&c=2", "&reg=2" in a link): read as it stands,
// "&reg=" would become "®=". It also escapes the ">" of a "]]>".
func (s *scan) bareAmps(doc []byte, from, to int, lineOf func(int) int) {
	for k := from; k < to; k++ {
		if doc[k] == '>' && k >= from+2 && doc[k-1] == ']' && doc[k-2] == ']' {
			// "]]>" outside a CDATA section: text may not hold it.
			s.note(lineOf(k), "\"]]>\" in text")
			s.repairs = append(s.repairs, repair{pos: k, cut: 1, text: "&gt;"})
			continue
		}
		if doc[k] != '&' {
			continue
		}
		if isReference(doc[k+1 : to]) {
			if name, value, ok := s.entity(doc[k+1 : to]); ok {
				// The feed's own entity ("&site;"): the documents the
				// items are read from do not carry its declaration. Its
				// references may add at most the document's own size, so
				// that a few bytes cannot ask for gigabytes (a large
				// entity given thousands of times); past that they are
				// left as written.
				if s.expanded += len(value) - len(name) - 2; s.expanded <= len(doc) {
					s.repairs = append(s.repairs, repair{pos: k, cut: len(name) + 2, text: value})
				} else if s.expanded-len(value)+len(name)+2 <= len(doc) {
					s.note(lineOf(k), "its entities expand past the document's size: the rest left as written")
				}
			} else if r, n := surrogatePair(string(doc[k:min(k+32, to)])); n > 0 {
				// A character written as the two halves of its UTF-16
				// surrogate pair, which XML forbids one by one: the
				// one character they make.
				s.note(lineOf(k), "a character written as the two halves of a surrogate pair")
				s.repairs = append(s.repairs, repair{pos: k, cut: n, text: fmt.Sprintf("&#x%X;", r)})
				k += n - 1
			} else if n := badCharRef(doc[k+1 : to]); n > 0 {
				// "&#0;", "&#xD800;": a character XML forbids, and a
				// reader rejects the item for it; it is dropped.
				s.note(lineOf(k), "reference to a character XML forbids")
				s.repairs = append(s.repairs, repair{pos: k, cut: 1 + n})
			}
			continue
		}
		if s.amps == 0 {
			s.note(lineOf(k), "bare \"&\"")
		}
		s.amps++
		s.repairs = append(s.repairs, repair{pos: k, cut: 1, text: "&amp;"})
	}
}

// wordsNotTag reports whether doc[i:end], which starts with "<" and a
// name, is words rather than a start tag: it runs into the next "<" with
// no ">" and has no attribute value ("A<B and C</title>"). A tag cut
// short by the document's end, or one with a value and a quote gone
// astray, is left to be read as a tag.
func wordsNotTag(doc []byte, i, end int) bool {
	return end < len(doc) && doc[end] == '<' && doc[end-1] != '>' && !bytes.ContainsAny(doc[i:end], "=\"'")
}

// isName reports whether qname, which starts as a name does, is one: no
// tag is named "K," ("HashMap<K, V>" in a title).
func isName(qname string) bool {
	for i := 0; i < len(qname); i++ {
		c := qname[i]
		if c < 0x80 && !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// entityDeclPattern matches the declaration of a general entity with
// its replacement text: <!ENTITY site "https://example.com">.
var entityDeclPattern = regexp.MustCompile(`^<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>$`)

// entityDecl notes the entity decl declares, if it declares one (the
// document type's internal subset, before the root).
func (s *scan) entityDecl(decl []byte) {
	m := entityDeclPattern.FindSubmatch(decl)
	if m == nil {
		return
	}
	if s.entities == nil {
		s.entities = map[string]string{}
	}
	if _, ok := s.entities[string(m[1])]; !ok { // the first declaration binds
		s.entities[string(m[1])] = string(m[2]) + string(m[3])
	}
}

// entity returns the name and replacement text of the document's own
// entity that b (what follows an "&") refers to; ok is false when it
// refers to none.
func (s *scan) entity(b []byte) (name, value string, ok bool) {
	if len(s.entities) == 0 {
		return "", "", false
	}
	end := bytes.IndexByte(b, ';')
	name = string(b[:end])
	value, ok = s.entities[name]
	return name, value, ok
}

// atomTextLink returns where the end tag of an Atom link element starts
// when the element holds an http(s) address as text and has no href; 0
// otherwise. Its start tag, named qname, has its attributes at
// doc[attrs:attrsEnd] and ends at end.
func atomTextLink(doc []byte, attrs, attrsEnd, end int, qname string) int {
	if doc[end-1] != '>' || bytes.Contains(doc[attrs:attrsEnd], []byte("href")) {
		return 0
	}
	k := bytes.IndexByte(doc[end:], '<')
	if k < 0 || !bytes.HasPrefix(doc[end+k:], []byte("</"+qname+">")) {
		return 0
	}
	text := bytes.TrimSpace(doc[end : end+k])
	if !isHTTP(string(text)) || bytes.ContainsAny(text, "\"") {
		return 0
	}
	return end + k
}

// badCharRef returns the length of the character reference b (what
// follows an "&") starts with when it names a character XML does not
// allow, 0 otherwise.
func badCharRef(b []byte) int {
	if len(b) < 2 || b[0] != '#' {
		return 0
	}
	end := bytes.IndexByte(b, ';')
	digits, base := b[1:end], 10
	if digits[0] == 'x' || digits[0] == 'X' {
		digits, base = digits[1:], 16
	}
	n, err := strconv.ParseUint(string(digits), base, 32)
	if err == nil && (n == 0x9 || n == 0xA || n == 0xD || n >= 0x20 && n <= 0xD7FF ||
		n >= 0xE000 && n <= 0xFFFD || n >= 0x10000 && n <= 0x10FFFF) {
		return 0
	}
	return end + 1
}

// isReference reports whether b (what follows an "&") starts with the
// rest of a reference: a name, "#" and digits or "#x" and hex digits,
// then ";".
func isReference(b []byte) bool {
	n := 0
	switch {
	case len(b) > 1 && b[0] == '#' && (b[1] == 'x' || b[1] == 'X'):
		n = 2
		for n < len(b) && (b[n] >= '0' && b[n] <= '9' || b[n] >= 'a' && b[n] <= 'f' || b[n] >= 'A' && b[n] <= 'F') {
			n++
		}
		if n == 2 {
			return false
		}
	case len(b) > 0 && b[0] == '#':
		n = 1
		for n < len(b) && b[n] >= '0' && b[n] <= '9' {
			n++
		}
		if n == 1 {
			return false
		}
	default:
		for n < len(b) && (b[n] >= 'a' && b[n] <= 'z' || b[n] >= 'A' && b[n] <= 'Z' || n > 0 && (b[n] >= '0' && b[n] <= '9' || b[n] == '_' || b[n] == '-' || b[n] == '.')) {
			n++
		}
		if n == 0 {
			return false
		}
	}
	return n < len(b) && b[n] == ';'
}

func (s *scan) note(line int, format string, args ...any) {
	if len(s.notes) < 5 {
		s.notes = append(s.notes, fmt.Sprintf("line %d: ", line)+fmt.Sprintf(format, args...))
	}
}

// text returns a copy of doc[from:to] with the repairs and slashes that
// fall inside applied. A repair inside what an earlier one cut is gone
// with it, and a cut that runs past to ends there.
func (s *scan) text(doc []byte, from, to int) []byte {
	b := make([]byte, 0, to-from+16+s.slashesIn(from, to))
	at := from
	for r := range s.repairsFrom(from) {
		if r.pos > to {
			break
		}
		if r.pos < at || (r.pos == to && r.cut > 0) {
			continue
		}
		b = append(b, doc[at:r.pos]...)
		b = append(b, r.text...)
		at = min(r.pos+r.cut, to)
	}
	return append(b, doc[at:to]...)
}

// slashesIn returns how many slashes fall in doc[from:to]: what text adds
// for them, which it makes room for at once.
func (s *scan) slashesIn(from, to int) int {
	return s.slashAt(to) - s.slashAt(from)
}

// slashAt returns the index in s.slashes of the first slash at pos or
// after it.
func (s *scan) slashAt(pos int) int {
	return sort.Search(len(s.slashes), func(k int) bool { return int(s.slashes[k]) >= pos })
}

// repairsFrom yields the repairs and slashes at from and after, in
// document order, a repair before a slash at the same place (the quote
// that ends an unquoted value: <img src=a.png>). It starts where from is
// in each, as text is asked for each of a feed's items.
func (s *scan) repairsFrom(from int) iter.Seq[repair] {
	return func(yield func(repair) bool) {
		rs := s.repairs[sort.Search(len(s.repairs), func(k int) bool { return s.repairs[k].pos >= from }):]
		vs := s.slashes[s.slashAt(from):]
		for len(rs) > 0 || len(vs) > 0 {
			var r repair
			if len(vs) > 0 && (len(rs) == 0 || int(vs[0]) < rs[0].pos) {
				r, vs = repair{pos: int(vs[0]), text: "/"}, vs[1:]
			} else {
				r, rs = rs[0], rs[1:]
			}
			if !yield(r) {
				return
			}
		}
	}
}

// tagName returns the qualified name at the start of b ("" when b does not
// start with a name).
func tagName(b []byte) string {
	n := 0
	for n < len(b) {
		c := b[n]
		if c == '>' || c == '/' || c == '<' || c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			break
		}
		if n == 0 && !(c == '_' || c == ':' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80) {
			return ""
		}
		n++
	}
	return string(b[:n])
}

// tagEnd returns how many bytes from i end the tag: up to and including
// its ">" (outside quoted attribute values), or up to the next "<" when
// the tag is left open. In a tag a quote opens a value only after an
// "=": a stray one (width="460"") is no value, as HTML has it; in a
// declaration (decl, "<!DOCTYPE") any quote opens a literal.
func tagEnd(doc []byte, i int, decl bool) int {
	var quote, last byte
	for k := i; k < len(doc); k++ {
		c := doc[k]
		switch {
		case quote != 0:
			if c == quote {
				quote, last = 0, c
			} else if c == '<' && bytes.IndexByte(doc[k:min(len(doc), k+256)], quote) < 0 {
				return k - i // an unbalanced quote: the tag ends before this "<"
			}
			continue
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case (c == '"' || c == '\'') && (last == '=' || decl):
			quote = c
		case c == '>':
			return k + 1 - i
		case c == '<':
			return k - i
		}
		last = c
	}
	return len(doc) - i
}

// localName lower-cases a qualified name without its prefix.
func localName(qname string) string {
	if i := strings.LastIndexByte(qname, ':'); i >= 0 {
		qname = qname[i+1:]
	}
	return strings.ToLower(qname)
}

// unclosedIn returns the index in stack of the innermost open element
// named name, -1 when none is.
func unclosedIn(stack []string, name string) int {
	for k := len(stack) - 1; k >= 0; k-- {
		if stack[k] == name {
			return k
		}
	}
	return -1
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
