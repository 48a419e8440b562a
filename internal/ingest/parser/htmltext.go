package parser

import (
	"bytes"
	"slices"
	"strings"
	"unicode"
)

// htmlText is an Atom text construct of HTML (of type "html" or
// "xhtml") the scan is inside of: its index in the scan's stack (-1 when
// none is open), where its text starts, how much the scan had found
// before it, which the repairs of what it holds are told apart by, and
// the elements it holds.
type htmlText struct {
	depth, from                   int
	repairs, slashes, notes, amps int
	xhtml                         bool
	elements                      int // its HTML was given as elements, where RFC 4287 has "html" escaped
	// children are the elements right inside it; div the first one's
	// name as written, where its start tag starts and ends, and its end
	// tag (XHTML's <div>).
	children                int
	div                     string
	divStart, divTagEnd     int
	divEndTag, divEndTagEnd int
}

// atomText are the Atom elements gofeed reads as text constructs.
var atomText = map[string]bool{"title": true, "subtitle": true, "rights": true, "summary": true, "content": true}

// htmlTextType reports whether tag, a start tag named qname (name its
// local name) closed by its ">", opens an Atom text construct of HTML,
// as gofeed tells one: of type "html" (in any case), or of one naming
// XHTML.
func htmlTextType(tag []byte, qname, name string) (ok, xhtml bool) {
	if !atomText[name] || tag[len(tag)-1] != '>' || qname != name && !strings.EqualFold(qname, "atom:"+name) {
		return false, false
	}
	for a := range tagAttrs(tag, "type") {
		typ := strings.ToLower(string(tag[a.start:a.end]))
		return typ == "html" || strings.Contains(typ, "xhtml"), strings.Contains(typ, "xhtml")
	}
	return false, false
}

// htmlText returns the text construct of HTML at depth in the scan's
// stack whose text starts at from.
func (s *scan) htmlText(depth, from int, xhtml bool) htmlText {
	return htmlText{depth: depth, from: from, repairs: len(s.repairs), slashes: len(s.slashes), notes: len(s.notes), amps: s.amps, xhtml: xhtml}
}

// startTag notes the start tag at doc[at:end], named qname as written,
// opened where depth elements are open.
func (h *htmlText) startTag(depth int, qname string, at, end int) {
	if h.depth < 0 {
		return
	}
	h.elements++
	if depth == h.depth+1 {
		if h.children++; h.children == 1 {
			h.div, h.divStart, h.divTagEnd = qname, at, end
		}
	}
}

// endTag notes the end tag at doc[at:end] of the element open at index k
// of the scan's stack.
func (h *htmlText) endTag(k, at, end int) {
	if h.depth >= 0 && k == h.depth+1 && h.children == 1 {
		h.divEndTag, h.divEndTagEnd = at, end
	}
}

// wrapHTML makes the HTML h holds as elements, up to its end tag at end,
// the text that HTML is written as: a CDATA section of it as written,
// each "]]>" in it split across two. RFC 4287 (3.1.1.2) has the HTML of
// type "html" escaped; left unescaped, gofeed parsed it into a tree of
// HTML, 20 to 30 times the feed's size, where the escaped form is read as
// a string. So it did XHTML, whose <div> around it is left out, as gofeed
// leaves it out. What the scan mended inside for a reader of XML is
// undone, as HTML reads it as written; the document's own entities and a
// character's halves joined stay, which only XML knew.
func (s *scan) wrapHTML(doc []byte, h htmlText, end int, lineOf func(int) int) {
	s.slashes = s.slashes[:h.slashes]
	if !h.xhtml {
		s.notes, s.amps = s.notes[:h.notes], h.amps
		if s.html++; s.html == 1 {
			s.note(lineOf(h.from), "HTML not escaped in an Atom text of type \"html\"")
		}
	}
	from, to := h.span(doc, end)
	open, closing := repair{pos: from, text: "<![CDATA["}, repair{pos: to, text: "]]>"}
	if h.xhtml && h.children == 1 && strings.EqualFold(h.div, "div") && h.divEndTag > 0 && from == h.divStart && to == h.divEndTagEnd {
		// XHTML in its <div>, and nothing else: the section takes the
		// place of the <div>'s tags.
		open.cut = h.divTagEnd - from
		closing.pos, closing.cut = h.divEndTag, h.divEndTagEnd-h.divEndTag
		from, to = h.divTagEnd, h.divEndTag
	}
	kept := []repair{open}
	for _, r := range s.repairs[h.repairs:] {
		if r.pos < h.from || r.pos >= end || characterRepair(doc, r) {
			kept = append(kept, r)
		}
	}
	for k := from; ; k += 3 {
		n := bytes.Index(doc[k:to], []byte("]]>"))
		if n < 0 {
			break
		}
		k += n
		kept = append(kept, repair{pos: k, cut: 3, text: "]]]]><![CDATA[>"})
	}
	kept = append(kept, closing)
	slices.SortStableFunc(kept, func(a, b repair) int { return a.pos - b.pos })
	s.repairs = append(s.repairs[:h.repairs], kept...)
}

// span returns where the text h holds up to end starts and ends without
// the white space around it, which gofeed trims off an escaped text and
// keeps in a CDATA section.
func (h *htmlText) span(doc []byte, end int) (from, to int) {
	text := doc[h.from:end]
	return h.from + len(text) - len(bytes.TrimLeftFunc(text, unicode.IsSpace)), h.from + len(bytes.TrimRightFunc(text, unicode.IsSpace))
}

// characterRepair reports whether r, a repair inside a text of HTML, is
// one of the characters it spells: a reference to the document's own
// entity expanded, a character's halves joined, one XML forbids dropped.
// (A bare "&" escaped is not: HTML reads it as written.) An entity's
// text holding a "]" might end the CDATA section, and is left as written.
func characterRepair(doc []byte, r repair) bool {
	return doc[r.pos] == '&' && !(r.cut == 1 && r.text == "&amp;") && !strings.Contains(r.text, "]")
}
