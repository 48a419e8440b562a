package sources

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

type opmlDoc struct {
	XMLName xml.Name    `xml:"opml"`
	Version string      `xml:"version,attr"`
	Title   string      `xml:"head>title"`
	Body    []opmlEntry `xml:"body>outline"`
}

type opmlEntry struct {
	Text     string `xml:"text,attr,omitempty"`
	Title    string `xml:"title,attr,omitempty"`
	Type     string `xml:"type,attr,omitempty"`
	XMLURL   string `xml:"xmlUrl,attr,omitempty"`
	HTMLURL  string `xml:"htmlUrl,attr,omitempty"`
	Category string `xml:"category,attr,omitempty"`
	// newshub's own attributes: what a source holds beyond its address
	// and topics, so that a hub's sources move to another whole. Other
	// readers leave attributes they do not know.
	Provider  string      `xml:"provider,attr,omitempty"`
	Interval  string      `xml:"interval,attr,omitempty"`
	Dedicated bool        `xml:"dedicated,attr,omitempty"`
	Paused    bool        `xml:"paused,attr,omitempty"`
	Children  []opmlEntry `xml:"outline"`
}

// maxOPML bounds an OPML file.
const maxOPML = 16 << 20

// ReadOPML returns the feeds of an OPML document, nested outlines
// included. Outlines without xmlUrl are folders and are not returned. The
// document's encoding is told as a feed's is (parser.ToUTF8), so that a
// file saved in UTF-16, or in a legacy encoding it does not declare, gives
// its feeds as one in UTF-8 does.
func ReadOPML(r io.Reader) ([]model.Source, error) {
	body, err := io.ReadAll(io.LimitReader(r, maxOPML))
	if err != nil {
		return nil, fmt.Errorf("read OPML: %w", err)
	}
	if body, err = parser.ToUTF8(body, ""); err != nil {
		return nil, fmt.Errorf("line 1: invalid OPML: %w", err)
	}
	var doc opmlDoc
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	if err := dec.Decode(&doc); err != nil {
		line, _ := dec.InputPos()
		return nil, fmt.Errorf("line %d: invalid OPML: %w", line, err)
	}
	var out []model.Source
	var walk func([]opmlEntry)
	walk = func(es []opmlEntry) {
		for _, e := range es {
			if u := strings.TrimSpace(e.XMLURL); u != "" {
				s := model.Source{URL: u, Topics: categories(e.Category), Provider: strings.TrimSpace(e.Provider),
					Interval: strings.TrimSpace(e.Interval), Dedicated: e.Dedicated}
				if e.Paused {
					s.Enabled = new(false)
				}
				out = append(out, s)
			}
			walk(e.Children)
		}
	}
	walk(doc.Body)
	return out, nil
}

// WriteOPML writes the sources as an OPML 2.0 document.
func WriteOPML(w io.Writer, title string, srcs []model.Source) error {
	doc := opmlDoc{Version: "2.0", Title: title}
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
