package importer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// committer curates arriving news and stores it with the stored records
// its curation changed, never over what another writer committed since it
// read them (curate.Curator).
type committer interface {
	Commit(ctx context.Context, recs []*model.Record) ([]*model.Record, int, error)
}

// preparer is a committer that can do part of its work on the records
// ahead, on the parsing goroutines (curate.Curator.Prepare).
type preparer interface {
	Prepare(rec *model.Record)
}

// load reads, parses and stores files in order, in batches, with parsing
// spread over workers and the writes of one batch overlapping the parsing
// of the next.
func (imp *importer) load(ctx context.Context, files []fileRef, cur committer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var prepare func(*model.Record)
	if p, ok := cur.(preparer); ok {
		prepare = p.Prepare
	}
	results := imp.parseAll(ctx, files, prepare)

	batches := make(chan []parsed) // one batch stored while the next fills
	written := make(chan error, 1)
	go func() {
		var err error
		for b := range batches {
			if err == nil {
				if err = imp.store(ctx, b, cur); err != nil {
					cancel() // stop reading: nothing more can be stored
				}
			}
		}
		written <- err
	}()

	var batch []parsed
	for p := range results {
		if p.err != nil {
			if p.rec == nil { // not read: nothing to keep
				imp.reject(p.ref, p.line, p.err)
				imp.advance(1)
				continue
			}
			// Read, but no record: rejected, and its bytes kept as they
			// are, so that export gives the file back for its author to
			// mend rather than lose it.
			imp.reject(p.ref, p.line, fmt.Errorf("%w; kept as it is, not read (export writes it back)", p.err))
			p = imp.opaque(p)
		}
		if p.keep != "" {
			p = imp.keepUnread(p, 1, p.keep)
		} else if msg, line := imp.storedTwin(ctx, p); msg != "" {
			p = imp.keepUnread(p, line, msg)
		} else if msg, line, _ := imp.claim(p); msg != "" {
			p = imp.keepUnread(p, line, msg)
		}
		if len(batch) >= imp.opts.Batch && !imp.oneStory(batch, p) {
			batches <- batch
			batch = nil
		}
		batch = append(batch, p)
	}
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	if err := <-written; err != nil {
		return err
	}
	return ctx.Err()
}

// oneStory reports whether p is of the story given (ValuesPath) with the
// last record of a full batch, which then takes it: curation judges a
// story's imported articles by its lead only among the articles of a
// batch, and a member without its lead would be judged alone, withheld as
// off the topic the story's lead gives it. A batch takes at most twice
// its size so.
func (imp *importer) oneStory(batch []parsed, p parsed) bool {
	s := imp.values[batch[len(batch)-1].ref.rel].Story
	return s != "" && s == imp.values[p.ref.rel].Story && len(batch) < 2*imp.opts.Batch
}

// store curates and writes one batch, leaving out records stored
// unchanged. A batch the store refuses is retried record by record, so one
// bad record is rejected and the rest go in.
func (imp *importer) store(ctx context.Context, batch []parsed, cur committer) error {
	var recs []*model.Record
	var fresh []parsed
	for _, p := range batch {
		if p.unchanged {
			imp.res.Kinds[p.rec.Kind]++
			imp.res.Unchanged++
			continue
		}
		if _, ok := imp.stored[p.rec.Path]; ok {
			imp.res.Replaced++
		}
		firstSeen(p.rec, imp.now)
		imp.giveValues(p.rec)
		recs = append(recs, p.rec)
		fresh = append(fresh, p)
	}
	if err := imp.setModes(ctx, batch); err != nil {
		return err
	}
	imp.advance(len(batch) - len(fresh))
	if len(fresh) == 0 {
		return nil
	}
	rejected, err := imp.write(ctx, recs, cur)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return imp.storeOneByOne(ctx, fresh, cur, err)
	}
	imp.count(fresh, rejected)
	imp.advance(len(fresh))
	return nil
}

// setModes records the permission bits of the batch's files whose bits
// the store does not hold yet (a new file, a file made private since),
// so export writes each back as import read it. A file mode changed
// alone, its bytes stored unchanged, counts too; a new file of the
// default mode does not (export writes it so).
func (imp *importer) setModes(ctx context.Context, batch []parsed) error {
	changed := map[string]fs.FileMode{}
	for _, p := range batch {
		m, ok := imp.modes[p.rec.Path]
		if ok && m != p.perm || !ok && p.perm != store.DefaultMode {
			changed[p.rec.Path] = p.perm
		}
	}
	if err := imp.st.SetModes(ctx, changed); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// keepUnread turns a file of a kind newshub reads into an opaque record
// and reports it with why: one with no front matter, or one whose identity
// another file already gives (storing both would make one article, topic
// or publisher two). Leaving it out would lose the file from export.
func (imp *importer) keepUnread(p parsed, line int, msg string) parsed {
	imp.keep(p.ref, line, fmt.Errorf("%s; kept as it is, not read (export writes it back)", msg))
	return imp.opaque(p)
}

// opaque makes p's file an opaque record of its collection, and counts
// it as unread.
func (imp *importer) opaque(p parsed) parsed {
	imp.res.Unread++
	if p.ref.kind == model.KindOpaque {
		return p // counted as opaque when it was found (recordFile)
	}
	p.ref.kind = model.KindOpaque
	p.rec = content.Opaque(p.ref.rel, p.rec.Raw)
	p.unchanged = imp.unchanged(p.rec)
	col := model.Collection(p.ref.rel)
	c := imp.res.Collections[col]
	c.Opaque++
	imp.res.Collections[col] = c
	return p
}

// write stores records: news through curation, the rest as they are. It
// returns the reasons curation left some out, by path.
func (imp *importer) write(ctx context.Context, recs []*model.Record, cur committer) (map[string]string, error) {
	if cur == nil {
		return nil, imp.st.Upsert(ctx, recs)
	}
	// Files kept unread among the news are no articles to curate.
	news := recs[:0:0]
	var kept []*model.Record
	for _, r := range recs {
		if r.Kind == model.KindOpaque {
			kept = append(kept, r)
		} else {
			news = append(news, r)
		}
	}
	if len(kept) > 0 {
		if err := imp.st.Upsert(ctx, kept); err != nil {
			return nil, err
		}
	}
	if len(news) == 0 {
		return nil, nil
	}
	recs = news
	_, _, err := cur.Commit(ctx, recs)
	if err == nil || !errors.Is(err, curate.ErrRejected) {
		return nil, err
	}
	// The rest is stored; each of these names its record.
	rejected := map[string]string{}
	for _, e := range unjoin(err) {
		msg := e.Error()
		for _, r := range recs {
			if reason, ok := strings.CutPrefix(msg, r.Path+": "); ok {
				rejected[r.Path] = strings.TrimPrefix(reason, curate.ErrRejected.Error()+": ")
				break
			}
		}
	}
	return rejected, nil
}

// unjoin returns the errors err joins, or err alone.
func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// count counts the files of a stored batch by kind, and rejects those
// curation left out.
func (imp *importer) count(batch []parsed, rejected map[string]string) {
	for _, p := range batch {
		if reason, ok := rejected[p.rec.Path]; ok {
			imp.reject(p.ref, 1, errors.New(reason))
			continue
		}
		imp.res.Kinds[p.rec.Kind]++
	}
}

// storeOneByOne writes the records of a refused batch one at a time,
// rejecting the files of those the store refuses.
func (imp *importer) storeOneByOne(ctx context.Context, batch []parsed, cur committer, batchErr error) error {
	stored := 0
	for _, p := range batch {
		rejected, err := imp.write(ctx, []*model.Record{p.rec}, cur)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			imp.reject(p.ref, 0, fmt.Errorf("cannot store record: %v", err))
			continue
		}
		imp.count([]parsed{p}, rejected)
		stored++
	}
	if stored == 0 {
		return fmt.Errorf("import: %w", batchErr)
	}
	imp.advance(len(batch))
	return nil
}

// firstSeen records, for an article dated ahead of the import (a clock
// or time-zone error of the hub it comes from), that the hub first saw it
// at the import, as ingest records when it fetched an item: retention
// ages it from then rather than from a date years off. The record's file
// is kept as it is: one carrying its lifecycle values keeps its date
// (curation places the others at the import).
func firstSeen(rec *model.Record, now time.Time) {
	a := rec.Article
	if rec.Kind != model.KindNews || a == nil || !a.FetchedAt.IsZero() || !a.PublishedDateTime.After(now.Add(time.Hour)) {
		return
	}
	a.FetchedAt = now.UTC().Truncate(time.Second)
}
