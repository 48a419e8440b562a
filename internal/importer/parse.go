package importer

import (
	"cmp"
	"context"
	"errors"
	"io/fs"
	"strings"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
)

// parsed is the outcome of reading and parsing one file.
type parsed struct {
	ref  fileRef
	rec  *model.Record
	line int
	err  error
	// unchanged says the store holds the record's bytes already.
	unchanged bool
	// perm is the file's permission bits, which export writes back.
	perm fs.FileMode
	// keep, when set, says why a file of a kind newshub reads, or shaped
	// like one (content.Misnamed), is kept as it is, not read: rec is
	// then an opaque record.
	keep string
	// warns are what reads in the file but looks like a mistake (see
	// content.ParseWarn).
	warns []*content.ParseError
}

// parseAll reads and parses files with opts.Workers goroutines and
// delivers the results in file order. Each record parsed that the store
// does not already hold is given to prepare, when set, on the same
// goroutine.
func (imp *importer) parseAll(ctx context.Context, files []fileRef, prepare func(*model.Record)) <-chan parsed {
	type job struct {
		ref fileRef
		out chan parsed
	}
	jobs := make(chan job, 64)
	queue := make(chan chan parsed, parseAhead) // bounds what waits in memory
	for range imp.opts.Workers {
		go func() {
			var ps content.Parser
			for j := range jobs {
				p := imp.parseFile(&ps, j.ref)
				if p.rec != nil {
					p.unchanged = imp.unchanged(p.rec)
					if prepare != nil && !p.unchanged {
						prepare(p.rec)
					}
				}
				j.out <- p
			}
		}()
	}
	go func() {
		defer close(queue)
		defer close(jobs)
		for _, f := range files {
			out := make(chan parsed, 1)
			select {
			case queue <- out:
			case <-ctx.Done():
				return
			}
			jobs <- job{f, out}
		}
	}()
	results := make(chan parsed, 64)
	go func() {
		defer close(results)
		for out := range queue {
			select {
			case results <- <-out:
			case <-ctx.Done():
				return
			}
		}
	}()
	return results
}

// parseFile reads one file within the size cap and parses it with ps.
func (imp *importer) parseFile(ps *content.Parser, ref fileRef) parsed {
	p := parsed{ref: ref}
	data, perm, err := readCapped(ref.abs, imp.opts.MaxSize)
	p.perm = perm
	if err != nil {
		p.err = err
		return p
	}
	if ref.kind == model.KindOpaque {
		p.rec = content.Opaque(ref.rel, data)
		// One that looks like a record (a news article named .MD or
		// .markdown, or in a subfolder, as Jekyll reads them) is named:
		// its author expects it read.
		p.keep = content.Misnamed(ref.rel, data)
		return p
	}
	// Not a record in Jekyll's eyes either (a README, an empty file, an
	// empty data file): kept as it is, as refusing it would lose it from
	// export, and named.
	switch {
	case content.StaticFile(ref.rel, data):
		p.keep = content.NoFrontMatter(data)
	case content.EmptyData(ref.rel, data):
		p.keep = "empty file (blank or comment lines only): Jekyll reads it as no data, so it gives no topic"
	}
	if p.keep != "" {
		p.rec = content.Opaque(ref.rel, data)
		return p
	}
	rec, warns, err := ps.ParseWarn(ref.rel, data)
	if err != nil {
		var pe *content.ParseError
		if errors.As(err, &pe) {
			p.line, p.err = pe.Line, errors.New(pe.Msg)
		} else {
			p.err = err
		}
		p.rec = content.Opaque(ref.rel, data) // its bytes, kept (see load)
		return p
	}
	if rec.Kind == model.KindTopic {
		if err := content.CheckTopicID(rec.Topic.ID); err != nil {
			p.line, p.err = lineOf(data, "_id"), err
			p.rec = content.Opaque(ref.rel, data)
			return p
		}
	}
	if rec.Kind == model.KindNews {
		a := rec.Article
		detachLinks(a)
		a.Archived = strings.HasPrefix(ref.rel, "_archive/")
		if a.CanonicalURL == "" {
			a.CanonicalURL = curate.CanonicalURL(cmp.Or(a.OriginalURL, a.WebURL))
		}
	}
	p.rec, p.warns = rec, warns
	return p
}

// detachLinks gives an article's addresses memory of their own: the
// strings Parse decodes share the file's bytes, and curation keeps the
// addresses it has made canonical in a cache of tens of thousands, which
// would otherwise keep the whole file of each alive (at 4 KB a file, most
// of an import's heap).
func detachLinks(a *model.Article) {
	a.OriginalURL = strings.Clone(a.OriginalURL)
	a.WebURL = strings.Clone(a.WebURL)
	for i := range a.Related {
		a.Related[i].WebURL = strings.Clone(a.Related[i].WebURL)
	}
}
