package sources

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Head    opmlHead    `xml:"head"`
	Body    []opmlEntry `xml:"body>outline"`
}

type opmlHead struct {
	Title       string `xml:"title"`
	DateCreated string `xml:"dateCreated,omitempty"`
}

type opmlEntry struct {
	Text     string `xml:"text,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	XMLURL   string `xml:"xmlUrl,attr,omitempty"`
	Category string `xml:"category,attr,omitempty"`
	// newshub's own attributes: what a source holds beyond its address
	// and topics, so that a hub's sources move to another whole. Other
	// readers leave attributes they do not know.
	Provider  string `xml:"provider,attr,omitempty"`
	Interval  string `xml:"interval,attr,omitempty"`
	Dedicated bool   `xml:"dedicated,attr,omitempty"`
	Paused    bool   `xml:"paused,attr,omitempty"`
}

// maxOPML bounds an OPML file.
const maxOPML = 16 << 20

// maxNesting bounds how deep outlines nest: readers' folders nest a few
// deep, and each level read holds a call of outline.
const maxNesting = 1000

// Why ReadOPML leaves an outline out (OPMLSkip.Reason).
const (
	SkipFolder    = "folder"     // its feeds are read; its name is no topic
	SkipLink      = "link"       // a page or an included file, not a feed
	SkipNoAddress = "no address" // neither folder nor feed
	SkipDuplicate = "duplicate"  // a feed listed earlier in the file
	SkipRefused   = "refused"    // an address that is not absolute http(s)
)

// OPMLFeed is a feed of an OPML file and the line its outline starts on.
type OPMLFeed struct {
	model.Source
	Line int
}

// OPMLSkip is an outline ReadOPML left out: where, why, and in words.
type OPMLSkip struct {
	Line   int
	Reason string
	Detail string
}

// OPML is what an OPML file lists: its feeds, in file order, and every
// outline that is not one, so that none is dropped unsaid.
type OPML struct {
	Feeds   []OPMLFeed
	Skipped []OPMLSkip
}

// Sources returns the feeds' sources.
func (o *OPML) Sources() []model.Source {
	out := make([]model.Source, len(o.Feeds))
	for i, f := range o.Feeds {
		out[i] = f.Source
	}
	return out
}

// ReadOPML reads an OPML document (1.0, 1.1 or 2.0), nested outlines
// included, as readers write it: attribute names in any case (xmlUrl,
// xmlurl), the feed's address in url where the type says it is a feed.
// The document is read as a stream of tokens, so a file of many outlines
// takes no tree in memory. Its encoding is told as a feed's is
// (parser.ToUTF8), so that a file saved in UTF-16, or in a legacy
// encoding it does not declare, gives its feeds as one in UTF-8 does.
// Errors start "line N: ".
func ReadOPML(r io.Reader) (*OPML, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxOPML+1))
	if err != nil {
		return nil, fmt.Errorf("read OPML: %w", err)
	}
	if len(body) > maxOPML {
		return nil, fmt.Errorf("line 1: not read: an OPML file is at most %d MB", maxOPML>>20)
	}
	if body, err = parser.ToUTF8(body, ""); err != nil {
		return nil, fmt.Errorf("line 1: invalid OPML: %w", err)
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	o := &opmlReader{dec: dec, out: &OPML{}, seen: map[string]int{}}
	if err := o.read(); err != nil {
		return nil, err
	}
	// A folder is told once its outlines are read: in file order, it
	// comes before them.
	slices.SortStableFunc(o.out.Skipped, func(a, b OPMLSkip) int { return cmp.Compare(a.Line, b.Line) })
	return o.out, nil
}

// opmlReader walks the tokens of one document.
type opmlReader struct {
	dec   *xml.Decoder
	out   *OPML
	seen  map[string]int // feedKey to the line that listed it first
	line  int            // the line the last token started on
	depth int            // the outlines open
}

func (o *opmlReader) token() (xml.Token, error) {
	o.line, _ = o.dec.InputPos()
	tok, err := o.dec.Token()
	if err != nil {
		line := o.line
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			line, err = se.Line, errors.New(se.Msg)
		}
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("line %d: invalid OPML: %w", line, err)
	}
	return tok, nil
}

func (o *opmlReader) read() error {
	root, err := o.root()
	if err != nil {
		return err
	}
	if !strings.EqualFold(root.Name.Local, "opml") {
		return fmt.Errorf("line %d: not an OPML file: its root element is <%s>, not <opml>", o.line, root.Name.Local)
	}
	// Outlines count in the body only; a depth of 1 is the root's child.
	depth, inBody := 0, false
	for {
		tok, err := o.token()
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && strings.EqualFold(t.Name.Local, "body"):
				inBody = true
			case inBody && strings.EqualFold(t.Name.Local, "outline"):
				if err := o.outline(t); err != nil {
					return err
				}
				depth--
			}
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			if depth--; depth == 0 {
				inBody = false
			}
		}
	}
}

// root returns the document's first element.
func (o *opmlReader) root() (xml.StartElement, error) {
	for {
		o.line, _ = o.dec.InputPos()
		tok, err := o.dec.Token()
		if err == io.EOF {
			return xml.StartElement{}, errors.New("line 1: not an OPML file: it holds no element")
		}
		if err != nil {
			return xml.StartElement{}, fmt.Errorf("line %d: invalid OPML: %w", o.line, err)
		}
		if t, ok := tok.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// outline reads the outline that start opens, its children and its end.
func (o *opmlReader) outline(start xml.StartElement) error {
	line := o.line
	if o.depth++; o.depth > maxNesting {
		return fmt.Errorf("line %d: invalid OPML: outlines nested more than %d deep", line, maxNesting)
	}
	defer func() { o.depth-- }()
	attr := func(name string) string {
		for _, a := range start.Attr {
			if strings.EqualFold(a.Name.Local, name) && (a.Name.Space == "" || strings.EqualFold(a.Name.Space, "opml")) {
				return strings.TrimSpace(a.Value)
			}
		}
		return ""
	}
	typ := strings.ToLower(attr("type"))
	addr := attr("xmlUrl")
	if addr == "" && (typ == "rss" || typ == "atom") {
		addr = attr("url") // as some podcast apps write a feed's
	}
	if addr != "" {
		o.feed(line, addr, attr)
	}
	children := 0
	for {
		tok, err := o.token()
		if err != nil {
			return err
		}
		if t, ok := tok.(xml.StartElement); ok {
			if !strings.EqualFold(t.Name.Local, "outline") {
				if err := o.dec.Skip(); err != nil {
					return fmt.Errorf("line %d: invalid OPML: %w", o.line, err)
				}
				continue
			}
			children++
			if err := o.outline(t); err != nil {
				return err
			}
		}
		if _, ok := tok.(xml.EndElement); ok {
			break
		}
	}
	name := attr("text")
	if name == "" {
		name = attr("title")
	}
	switch {
	case addr != "":
	case children > 0:
		o.skip(line, SkipFolder, fmt.Sprintf("folder %s: its %d outlines are read; its name is no topic", model.Quoted(name), children))
	case attr("url") != "" || typ == "link" || typ == "include":
		o.skip(line, SkipLink, fmt.Sprintf("%s: a link (type %s), not a feed", model.Quoted(name), model.Quoted(typ)))
	default:
		o.skip(line, SkipNoAddress, fmt.Sprintf("%s: no feed address (xmlUrl)", model.Quoted(name)))
	}
	return nil
}

func (o *opmlReader) skip(line int, reason, detail string) {
	o.out.Skipped = append(o.out.Skipped, OPMLSkip{Line: line, Reason: reason, Detail: detail})
}

// feed adds the feed at addr, unless it is refused or listed before.
func (o *opmlReader) feed(line int, addr string, attr func(string) string) {
	s := model.Source{URL: addr, Topics: categories(attr("category")), Provider: attr("provider"),
		Interval: attr("interval"), Dedicated: isTrue(attr("dedicated"))}
	if isTrue(attr("paused")) {
		s.Enabled = new(false)
	}
	if err := Validate(model.Source{URL: addr}); err != nil {
		o.skip(line, SkipRefused, err.Error())
		return
	}
	k := feedKey(addr)
	if first, ok := o.seen[k]; ok {
		o.skip(line, SkipDuplicate, fmt.Sprintf("%s: the feed of line %d", model.QuotedURL(addr), first))
		return
	}
	o.seen[k] = line
	o.out.Feeds = append(o.out.Feeds, OPMLFeed{Source: s, Line: line})
}

func isTrue(v string) bool {
	b, _ := strconv.ParseBool(v)
	return b
}

// feedKey is the key two addresses of one feed share: as the list
// compares them (model.SourceKey), http and https folded too, as one
// feed exported by readers that differ in the scheme they keep.
func feedKey(raw string) string {
	k := model.SourceKey(raw)
	if rest, ok := strings.CutPrefix(k, "http://"); ok {
		return "https://" + rest
	}
	return k
}

// Imported is what Import did with the feeds of an OPML file.
type Imported struct {
	Added, Listed int
	// Rejected are the feeds the list refuses (an interval that does
	// not read).
	Rejected []OPMLSkip
}

// Import adds the feeds not yet listed, each address compared with the
// listed ones as feedKey folds it, in one pass over each: a file of ten
// thousand feeds is not compared with the list once a feed.
func (l *List) Import(feeds []OPMLFeed) Imported {
	var r Imported
	listed := make(map[string]bool, len(l.rec.Sources.Sources)+len(feeds))
	for _, s := range l.rec.Sources.Sources {
		listed[feedKey(s.URL)] = true
	}
	for _, f := range feeds {
		k := feedKey(f.URL)
		if listed[k] {
			r.Listed++
			continue
		}
		// Validate is Add's check; Add's search of the list is the map's.
		if err := Validate(f.Source); err != nil {
			r.Rejected = append(r.Rejected, OPMLSkip{Line: f.Line, Reason: SkipRefused, Detail: err.Error()})
			continue
		}
		l.rec.Sources.Sources = append(l.rec.Sources.Sources, f.Source)
		listed[k] = true
		r.Added++
	}
	return r
}

// WriteOPML writes the sources as an OPML 2.0 document created at
// created (its dateCreated, in RFC 822 form, as the specification asks).
func WriteOPML(w io.Writer, title string, created time.Time, srcs []model.Source) error {
	doc := opmlDoc{Version: "2.0", Head: opmlHead{Title: title}}
	if !created.IsZero() {
		doc.Head.DateCreated = created.UTC().Format(time.RFC1123Z)
	}
	for _, s := range srcs {
		text := s.Provider
		if text == "" {
			text = s.URL
		}
		doc.Body = append(doc.Body, opmlEntry{Text: text, Title: text, Type: "rss", XMLURL: s.URL,
			Category: strings.Join(s.Topics, ","), Provider: s.Provider, Interval: s.Interval,
			Dedicated: s.Dedicated, Paused: s.Enabled != nil && !*s.Enabled})
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write OPML: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// categories reads the topics newshub writes in the category attribute
// (comma separated names); OPML's slash-path categories are not topics.
func categories(attr string) []string {
	var out []string
	for _, c := range strings.Split(attr, ",") {
		if c = strings.TrimSpace(c); c != "" && !strings.HasPrefix(c, "/") {
			out = append(out, c)
		}
	}
	return out
}
