package cli

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate/cluster"
)

// clusterLine is one input line of the cluster command; unknown fields are
// ignored.
type clusterLine struct {
	ID                json.RawMessage `json:"id"`
	Title             string          `json:"title"`
	Excerpt           string          `json:"excerpt"`
	URL               string          `json:"url"`
	Provider          any             `json:"provider"` // a name, or an object with name and domain
	Domain            string          `json:"domain"`
	PublishedDateTime string          `json:"publishedDateTime"`
}

// clusterOut is one output line.
type clusterOut struct {
	ID      string   `json:"id"`
	Story   string   `json:"story"`
	Related []string `json:"related,omitempty"`
}

// runCluster clusters JSON-lines articles into stories with the same code
// curate uses, and writes one {"id","story"} line per input line, in order.
func runCluster(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("cluster")
	in := fs.String("in", "", "input `FILE`, one JSON article a line (id, title, optional excerpt, url, provider, domain, publishedDateTime)")
	out := fs.String("out", "", "output `FILE` (default standard output)")
	relatedK := fs.Int("related", 0, "also list up to `K` related article ids per line")
	window := fs.Duration("window", 0, "time window of a story (default 72h)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if *in == "" {
		return usageError("--in FILE is required")
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *relatedK < 0 {
		return usageError("--related must be 0 or more")
	}

	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	defer f.Close()

	var ids []string
	story := map[string]string{}     // final story of articles that left the window, else as added
	related := map[string][]string{} // related ids of articles that left the window
	var c *cluster.Clusterer
	newClusterer := func() {
		clear(story)
		clear(related)
		c = cluster.New(cluster.Options{Window: *window, OnEvict: func(id, st string) {
			story[id] = st
			if *relatedK > 0 {
				related[id] = c.Related(id, *relatedK)
			}
		}})
	}
	newClusterer()

	// Stories grow forward in time within a window, so articles are added
	// in time order. Most files are; they are clustered as they are read.
	// Otherwise the lines are read again, by their offsets, in time order
	// (undated articles, which count as "now", after the dated ones). Only
	// offsets and times are kept, never the text of the whole file.
	bad := 0
	var pos []linePos
	seen := map[string]bool{}
	inOrder := true
	var last time.Time
	for l := range readClusterLines(ctx, f) {
		switch {
		case l.err == errBlank:
			continue
		case l.err != nil && l.n == 0:
			return fmt.Errorf("cluster: read %s: %w", *in, l.err)
		case l.err != nil:
			fmt.Fprintf(env.Stderr, "%s:%d: %v\n", *in, l.n, l.err)
			bad++
			continue
		}
		if seen[l.doc.ID] {
			fmt.Fprintf(env.Stderr, "%s:%d: duplicate id %q\n", *in, l.n, l.doc.ID)
			bad++
			continue
		}
		seen[l.doc.ID] = true
		ids = append(ids, l.doc.ID)
		pos = append(pos, linePos{off: l.off, size: l.size, at: l.doc.Published})
		if t := l.doc.Published; !t.IsZero() {
			inOrder = inOrder && !t.Before(last)
			last = t
		}
		if inOrder {
			story[l.doc.ID] = c.Add(l.doc).Story
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if !inOrder {
		newClusterer()
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
			if _, err := f.ReadAt(buf, p.off); err != nil {
				return fmt.Errorf("cluster: read %s again: %w", *in, err)
			}
			d, err := parseClusterLine(buf)
			if err != nil {
				return fmt.Errorf("cluster: %s changed while reading: %w", *in, err)
			}
			story[d.ID] = c.Add(d).Story
		}
	}
	c.Refine()

	var w io.Writer = env.Stdout
	if *out != "" {
		of, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("cluster: %w", err)
		}
		defer of.Close()
		w = of
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, id := range ids {
		o := clusterOut{ID: id, Story: c.Story(id)}
		switch {
		case o.Story == "": // left the window before the end
			o.Story, o.Related = story[id], related[id]
		case *relatedK > 0:
			o.Related = c.Related(id, *relatedK)
		}
		if err := enc.Encode(o); err != nil {
			return fmt.Errorf("cluster: write: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("cluster: write: %w", err)
	}
	if *out != "" {
		if err := w.(*os.File).Close(); err != nil {
			return fmt.Errorf("cluster: write %s: %w", *out, err)
		}
	}
	env.Log.Info("clustered", "articles", len(ids), "bad", bad)
	if bad > 0 {
		return errFailed
	}
	return nil
}

var errBlank = errors.New("blank line")

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// parsedLine is one input line, decoded; n is 0 for a read error.
type parsedLine struct {
	n    int
	off  int64 // where the line starts in the file
	size int   // its length in bytes
	doc  cluster.Doc
	err  error
}

// linePos is where an article's line is and when it was published.
type linePos struct {
	off  int64
	size int
	at   time.Time
}

// scanLine splits lines keeping the newline, so that offsets add up.
func scanLine(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i+1], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// readClusterLines decodes the input in a goroutine of its own, so that
// reading and decoding overlap with clustering; lines arrive in order.
func readClusterLines(ctx context.Context, r io.Reader) <-chan parsedLine {
	ch := make(chan parsedLine, 1024)
	go func() {
		defer close(ch)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 16<<20)
		sc.Split(scanLine)
		var off int64
		for n := 1; sc.Scan(); n++ {
			b := sc.Bytes()
			d, err := parseClusterLine(b)
			select {
			case ch <- parsedLine{n: n, off: off, size: len(b), doc: d, err: err}:
			case <-ctx.Done():
				return
			}
			off += int64(len(b))
		}
		if err := sc.Err(); err != nil {
			ch <- parsedLine{err: err}
		}
	}()
	return ch
}

// parseClusterLine decodes one input line into a cluster document.
func parseClusterLine(b []byte) (cluster.Doc, error) {
	if len(strings.TrimSpace(string(b))) == 0 {
		return cluster.Doc{}, errBlank
	}
	var l clusterLine
	if err := json.Unmarshal(b, &l); err != nil {
		return cluster.Doc{}, fmt.Errorf("not a JSON object: %v", err)
	}
	id, err := lineID(l.ID)
	if err != nil {
		return cluster.Doc{}, err
	}
	d := cluster.Doc{ID: id, Title: l.Title, Excerpt: l.Excerpt, URL: l.URL, Domain: l.Domain}
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
			return cluster.Doc{}, fmt.Errorf("publishedDateTime %q is not an RFC 3339 time", l.PublishedDateTime)
		}
		d.Published = t
	}
	return d, nil
}

// lineID reads an id given as a JSON string or number.
func lineID(raw json.RawMessage) (string, error) {
	var id string
	if len(raw) == 0 || string(raw) == "null" {
		return "", fmt.Errorf("missing id")
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &id); err != nil {
			return "", fmt.Errorf("id: %v", err)
		}
	} else {
		var n json.Number
		if err := json.Unmarshal(raw, &n); err != nil {
			return "", fmt.Errorf("id must be a string or a number")
		}
		id = n.String()
	}
	if strings.TrimSpace(id) == "" {
		return "", fmt.Errorf("missing id")
	}
	return id, nil
}
