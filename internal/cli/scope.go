package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"net/url"
	"os"
	"slices"

	"newshub/internal/curate"
	"newshub/internal/curate/cluster"
	"newshub/internal/curate/scope"
	"newshub/internal/ingest/parser"
)

// scopeOut is one output line of the scope command.
type scopeOut struct {
	ID      string  `json:"id"`
	OnTopic bool    `json:"onTopic"`
	Score   float64 `json:"score"`
}

// runScope decides for JSON-lines articles, in the order they arrive,
// whether each is on the hub's topic, with the gate ingestion uses,
// learning from the stream as it goes; it writes one {"id","onTopic",
// "score"} line per input line, in order. Titles and excerpts are read as
// ingestion stores them, as plain text: markup in a feed's description
// (links, tags) is not the article's words; the publisher as ingestion
// gives it (see publisher).
func runScope(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("scope")
	hubFile := fs.String("hub", "", "hub `FILE`: JSON {\"topic\", \"keywords\", \"hashtags\"}")
	in := fs.String("in", "", "input `FILE`, one JSON article a line (id, title, excerpt, url, provider, optional publishedDateTime)")
	out := fs.String("out", "", "output `FILE` (default standard output)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	switch {
	case *hubFile == "":
		return usageError("--hub FILE is required")
	case *in == "":
		return usageError("--in FILE is required")
	case fs.NArg() > 0:
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	hub, err := readHub(*hubFile, env.Stderr)
	if err != nil {
		return fmt.Errorf("scope: %w", err)
	}
	f, err := os.Open(*in)
	if err != nil {
		return fmt.Errorf("scope: %w", err)
	}
	defer f.Close()

	var w io.Writer = env.Stdout
	var of *os.File
	if *out != "" {
		// Created, the output would be empty before the input is read.
		if fi, err := os.Stat(*out); err == nil {
			if ii, err := f.Stat(); err == nil && os.SameFile(fi, ii) {
				return usageError("--out %s is the input file", *out)
			}
		}
		if of, err = os.Create(*out); err != nil {
			return fmt.Errorf("scope: %w", err)
		}
		defer of.Close()
		w = of
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)

	gate := scope.New(hub)
	for _, r := range gate.Ignored() {
		fmt.Fprintf(env.Stderr, "%s: %s\n", *hubFile, r)
	}
	seen := map[string]bool{}
	bad, n, on := 0, 0, 0
	var werr error
	err = cluster.ReadLines(ctx, f, func(line int, doc cluster.Doc, err error) error {
		switch {
		case err != nil:
			fmt.Fprintf(env.Stderr, "%s:%d: %v\n", *in, line, err)
			bad++
			return nil
		case seen[doc.ID]:
			fmt.Fprintf(env.Stderr, "%s:%d: duplicate id %q\n", *in, line, doc.ID)
			bad++
			return nil
		}
		seen[doc.ID] = true
		d := gate.Observe(scope.Article{
			Title:    parser.PlainText(doc.Title),
			Excerpt:  parser.PlainText(doc.Excerpt),
			URL:      doc.URL,
			Provider: publisher(doc),
		})
		n++
		if d.OnTopic {
			on++
		}
		werr = enc.Encode(scopeOut{ID: doc.ID, OnTopic: d.OnTopic, Score: math.Round(d.Score*1e4) / 1e4})
		return werr
	})
	switch {
	case werr != nil:
		return fmt.Errorf("scope: write: %w", werr)
	case err != nil && ctx.Err() == nil:
		return fmt.Errorf("scope: read %s: %w", *in, err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("scope: write: %w", err)
	}
	if of != nil {
		if err := of.Close(); err != nil {
			return fmt.Errorf("scope: write %s: %w", *out, err)
		}
	}
	env.Log.Info("scoped", "articles", n, "on_topic", on, "bad", bad, "open", gate.Open())
	if bad > 0 {
		return errFailed
	}
	return nil
}

// publisher is the publisher the gate reads of an article, as ingestion
// gives it: the domain given, else its URL's registrable domain, else the
// name given. Read by its name first, a stream's articles had other
// publishers than the same articles ingested, and the gate learned and
// decided them otherwise.
func publisher(d cluster.Doc) string {
	if d.Domain != "" {
		return d.Domain
	}
	if u, err := url.Parse(d.URL); err == nil && u.Hostname() != "" {
		return curate.RegistrableDomain(u.Hostname())
	}
	return d.Provider
}

// readHub reads a hub file, {"topic", "keywords", "hashtags"}; other
// fields are reported and ignored.
func readHub(path string, warn io.Writer) (scope.Hub, error) {
	var h scope.Hub
	b, err := os.ReadFile(path)
	if err != nil {
		return h, err
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf")) // a byte order mark, as Notepad writes one
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		line := 1
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line = lineAt(b, int(se.Offset))
		}
		return h, fmt.Errorf("%s:%d: not a JSON object: %v", path, line, err)
	}
	if fields == nil {
		// null reads as no fields: a hub of no keywords, open to everything.
		return h, fmt.Errorf("%s:%d: not a JSON object: null", path, lineAt(b, bytes.Index(b, []byte("null"))))
	}
	for _, k := range slices.Sorted(maps.Keys(fields)) {
		v := fields[k]
		var err error
		switch k {
		case "topic":
			err = json.Unmarshal(v, &h.Topic)
		case "keywords":
			err = json.Unmarshal(v, &h.Keywords)
		case "hashtags":
			err = json.Unmarshal(v, &h.Hashtags)
		default:
			fmt.Fprintf(warn, "%s:%d: unknown field %q ignored\n", path, lineAt(b, bytes.Index(b, v)), k)
			continue
		}
		if err != nil {
			want := "a list of strings"
			if k == "topic" {
				want = "a string"
			}
			return h, fmt.Errorf("%s:%d: %s must be %s", path, lineAt(b, bytes.Index(b, v)), k, want)
		}
	}
	return h, nil
}

// lineAt returns the 1-based line of byte offset off in b.
func lineAt(b []byte, off int) int {
	off = max(0, min(off, len(b)))
	return bytes.Count(b[:off], []byte{'\n'}) + 1
}
