package cluster

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// LineSource is JSON-lines input that can be read again by offset, such
// as an *os.File.
type LineSource interface {
	io.Reader
	io.ReaderAt
}

// LinesOptions configure Lines.
type LinesOptions struct {
	// Window is the time window of a story, as in Options.
	Window time.Duration
	// Related is how many related article ids to list per article; 0
	// lists none.
	Related int
	// Bad, when set, is called with the line number and the reason for
	// each line that is not clustered: not a JSON object, no id, a time
	// that is not RFC 3339, an id already given. Blank lines are not
	// articles and are skipped.
	Bad func(line int, err error)
}

// Member is an article's place in the stories Lines found.
type Member struct {
	ID      string
	Story   string
	Related []string // up to LinesOptions.Related ids, most similar first
}

// Lines clusters articles given one JSON object a line (id, a string or a
// number; title; optional excerpt, url, provider as a name or an object
// with name and domain, domain, publishedDateTime) and returns the story of
// each, in input order. Unknown fields are ignored.
//
// Stories grow forward in time within a window, so articles are added in
// time order. Most files are in time order, and are clustered as they are
// read; otherwise the lines are read again, by their offsets, in time
// order (undated articles, which count as "now", after the dated ones).
// Only offsets and times are kept, never the text of the whole input.
func Lines(ctx context.Context, r LineSource, opts LinesOptions) ([]Member, error) {
	l := &lines{opts: opts, story: map[string]string{}, related: map[string][]string{}}
	l.reset()

	var pos []linePos
	seen := map[string]bool{}
	inOrder := true
	var last time.Time
	for pl := range readLines(ctx, r) {
		switch {
		case pl.err == errBlank:
			continue
		case pl.err != nil && pl.n == 0:
			return nil, fmt.Errorf("read: %w", pl.err)
		case pl.err != nil:
			l.bad(pl.n, pl.err)
			continue
		}
		if seen[pl.doc.ID] {
			l.bad(pl.n, fmt.Errorf("duplicate id %q", pl.doc.ID))
			continue
		}
		seen[pl.doc.ID] = true
		l.ids = append(l.ids, pl.doc.ID)
		pos = append(pos, linePos{off: pl.off, size: pl.size, at: pl.doc.Published})
		if t := pl.doc.Published; !t.IsZero() {
			inOrder = inOrder && !t.Before(last)
			last = t
		}
		if inOrder {
			l.story[pl.doc.ID] = l.c.Add(pl.doc).Story
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !inOrder {
		if err := l.again(ctx, r, pos); err != nil {
			return nil, err
		}
	}
	l.c.Refine()
	return l.members(), nil
}

// lines is one run of Lines.
type lines struct {
	opts    LinesOptions
	c       *Clusterer
	ids     []string            // in input order
	story   map[string]string   // final story of articles that left the window, else as added
	related map[string][]string // related ids of articles that left the window
}

// reset starts clustering afresh.
func (l *lines) reset() {
	clear(l.story)
	clear(l.related)
	l.c = New(Options{Window: l.opts.Window, OnEvict: func(id, st string) {
		l.story[id] = st
		if l.opts.Related > 0 {
			l.related[id] = l.c.Related(id, l.opts.Related)
		}
	}})
}

func (l *lines) bad(n int, err error) {
	if l.opts.Bad != nil {
		l.opts.Bad(n, err)
	}
}

// again clusters the lines at pos afresh, in time order.
func (l *lines) again(ctx context.Context, r io.ReaderAt, pos []linePos) error {
	l.reset()
	slices.SortStableFunc(pos, func(a, b linePos) int {
		if a.at.IsZero() || b.at.IsZero() {
			return cmp.Compare(btoi(a.at.IsZero()), btoi(b.at.IsZero()))
		}
		return a.at.Compare(b.at)
	})
	var buf []byte
	for i, p := range pos {
		if i%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		buf = slices.Grow(buf[:0], p.size)[:p.size]
		if _, err := r.ReadAt(buf, p.off); err != nil {
			return fmt.Errorf("read again: %w", err)
		}
		d, err := parseLine(buf)
		if err != nil {
			return fmt.Errorf("input changed while reading: %w", err)
		}
		l.story[d.ID] = l.c.Add(d).Story
	}
	return nil
}

// members returns the story of every article, in input order.
func (l *lines) members() []Member {
	out := make([]Member, len(l.ids))
	for i, id := range l.ids {
		m := Member{ID: id, Story: l.c.Story(id)}
		switch {
		case m.Story == "": // left the window before the end
			m.Story, m.Related = l.story[id], l.related[id]
		case l.opts.Related > 0:
			m.Related = l.c.Related(id, l.opts.Related)
		}
		out[i] = m
	}
	return out
}

var errBlank = errors.New("blank line")

// ReadLines reads articles given one JSON object a line, in the format
// Lines reads, and calls fn for each line in input order with its number
// and the article, or the reason it cannot be read (blank lines are
// skipped). It stops at the first error fn returns, or a read error.
func ReadLines(ctx context.Context, r io.Reader, fn func(line int, d Doc, err error) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the reader when fn stops early
	for pl := range readLines(ctx, r) {
		switch {
		case pl.n == 0:
			return pl.err
		case pl.err == errBlank:
			continue
		}
		if err := fn(pl.n, pl.doc, pl.err); err != nil {
			return err
		}
	}
	return ctx.Err()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parsedLine is one input line, decoded; n is 0 for a read error.
type parsedLine struct {
	n    int
	off  int64 // where the line starts in the input
	size int   // its length in bytes
	doc  Doc
	err  error
}

// linePos is where an article's line is and when it was published.
type linePos struct {
	off  int64
	size int
	at   time.Time
}

// maxLine is the longest line read: a longer one is reported and left
// out, and the lines after it are read.
const maxLine = 16 << 20

var errTooLong = fmt.Errorf("longer than %d MiB", maxLine>>20)

// utf8BOM is UTF-8's byte order mark.
var utf8BOM = []byte("\xef\xbb\xbf")

// readLines decodes the input in a goroutine of its own, so that reading
// and decoding overlap with clustering; lines arrive in order.
func readLines(ctx context.Context, r io.Reader) <-chan parsedLine {
	ch := make(chan parsedLine, 1024)
	send := func(pl parsedLine) bool {
		select {
		case ch <- pl:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(ch)
		br := bufio.NewReaderSize(r, 64*1024)
		var buf []byte
		var off int64
		for n := 1; ; n++ {
			b, size, err := readLine(br, buf[:0])
			buf = b[:0]
			if n == 1 && bytes.HasPrefix(b, utf8BOM) {
				// Editors and shells on Windows open a file with it; it
				// is no part of the first line.
				b, size, off = b[len(utf8BOM):], size-len(utf8BOM), off+int64(len(utf8BOM))
			}
			if size > 0 {
				pl := parsedLine{n: n, off: off, size: size, err: errTooLong}
				if len(bytes.TrimRight(b, "\r\n")) <= maxLine {
					pl.doc, pl.err = parseLine(b)
				}
				if !send(pl) {
					return
				}
				off += int64(size)
			}
			if err != nil {
				if err != io.EOF {
					send(parsedLine{err: err})
				}
				return
			}
		}
	}()
	return ch
}

// readLine reads one line, keeping the newline, appended to buf; it keeps
// no more than maxLine+1 bytes of a longer one and skips the rest. size is
// the line's length in the input, so that offsets add up.
func readLine(br *bufio.Reader, buf []byte) (line []byte, size int, err error) {
	for {
		chunk, err := br.ReadSlice('\n')
		size += len(chunk)
		if room := maxLine + 1 - len(buf); room > 0 {
			buf = append(buf, chunk[:min(len(chunk), room)]...)
		}
		if err != bufio.ErrBufferFull {
			return buf, size, err
		}
	}
}

// jsonLine is one input line; unknown fields are ignored.
type jsonLine struct {
	ID                json.RawMessage `json:"id"`
	Title             string          `json:"title"`
	Excerpt           string          `json:"excerpt"`
	URL               string          `json:"url"`
	Provider          any             `json:"provider"` // a name, or an object with name and domain
	Domain            string          `json:"domain"`
	PublishedDateTime string          `json:"publishedDateTime"`
}

// parseLine decodes one input line into a document.
func parseLine(b []byte) (Doc, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return Doc{}, errBlank
	}
	if string(bytes.TrimSpace(b)) == "null" {
		// It decodes as an object of no fields, and would read "missing id".
		return Doc{}, errors.New("not a JSON object: null")
	}
	var l jsonLine
	if err := json.Unmarshal(b, &l); err != nil {
		return Doc{}, decodeError(err)
	}
	id, err := lineID(l.ID)
	if err != nil {
		return Doc{}, err
	}
	d := Doc{ID: id, Title: l.Title, Excerpt: l.Excerpt, URL: l.URL, Domain: l.Domain}
	switch p := l.Provider.(type) {
	case string:
		d.Provider = p
	case map[string]any:
		d.Provider, _ = p["name"].(string)
		if d.Domain == "" {
			d.Domain, _ = p["domain"].(string)
		}
	}
	if l.PublishedDateTime != "" {
		t, err := time.Parse(time.RFC3339, l.PublishedDateTime)
		if err != nil {
			return Doc{}, fmt.Errorf("publishedDateTime %q is not an RFC 3339 time", l.PublishedDateTime)
		}
		d.Published = t
	}
	return d, nil
}

// decodeError says what is wrong with a line that does not decode, in the
// input's words: the field of the wrong type, or what the line is instead
// of an object, rather than the program's names for them.
func decodeError(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return fmt.Errorf("not a JSON object: %v", err)
	}
	if te.Field != "" {
		return fmt.Errorf("%s must be a string, not %s", te.Field, withArticle(te.Value))
	}
	return fmt.Errorf("not a JSON object: %s", withArticle(te.Value))
}

// withArticle names a kind of JSON value ("number", "array") with its
// indefinite article.
func withArticle(kind string) string {
	if strings.ContainsAny(kind[:min(1, len(kind))], "aeiou") {
		return "an " + kind
	}
	return "a " + kind
}

// lineID reads an id given as a JSON string or number.
func lineID(raw json.RawMessage) (string, error) {
	var id string
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("missing id")
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", fmt.Errorf("id: %v", err)
		}
	} else {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", errors.New("id must be a string or a number")
		}
		id = n.String()
	}
	if strings.TrimSpace(id) == "" {
		return "", errors.New("missing id")
	}
	return id, nil
}
