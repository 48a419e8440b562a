package importer

import (
	"context"
	"errors"
	"fmt"

	"newshub/internal/model"
)

// arriver curates arriving news before it is stored.
type arriver interface {
	Arrive(ctx context.Context, recs []*model.Record) ([]*model.Record, error)
}

// load reads, parses and stores files in order, in batches, with parsing
// spread over workers and the writes of one batch overlapping the parsing
// of the next.
func (imp *importer) load(ctx context.Context, files []fileRef, cur arriver) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	results := imp.parseAll(ctx, files)

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
			imp.reject(p.ref, p.line, p.err)
			imp.advance(1)
			continue
		}
		if msg, line := imp.claim(p); msg != "" {
			imp.reject(p.ref, line, errors.New(msg))
			imp.advance(1)
			continue
		}
		batch = append(batch, p)
		if len(batch) >= imp.opts.Batch {
			batches <- batch
			batch = nil
		}
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

// store curates and writes one batch, leaving out records stored
// unchanged. A batch the store refuses is retried record by record, so one
// bad record is rejected and the rest go in.
func (imp *importer) store(ctx context.Context, batch []parsed, cur arriver) error {
	var recs []*model.Record
	var fresh []parsed
	for _, p := range batch {
		if imp.unchanged(p.rec) {
			imp.res.Kinds[p.rec.Kind]++
			imp.res.Unchanged++
			continue
		}
		recs = append(recs, p.rec)
		fresh = append(fresh, p)
	}
	imp.advance(len(batch) - len(fresh))
	if len(fresh) == 0 {
		return nil
	}
	if cur != nil {
		var err error
		if recs, err = cur.Arrive(ctx, recs); err != nil {
			return fmt.Errorf("import: curate: %w", err)
		}
	}
	if err := imp.st.Upsert(ctx, recs); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return imp.storeOneByOne(ctx, fresh, recs, err)
	}
	for _, p := range fresh {
		imp.res.Kinds[p.rec.Kind]++
	}
	imp.advance(len(fresh))
	return nil
}

// storeOneByOne writes the records of a refused batch one at a time,
// rejecting the files of those the store refuses. recs may hold more than
// the batch: curation adds the stored neighbours it changed.
func (imp *importer) storeOneByOne(ctx context.Context, batch []parsed, recs []*model.Record, batchErr error) error {
	files := map[string]fileRef{}
	for _, p := range batch {
		files[p.rec.Path] = p.ref
	}
	stored := 0
	for _, r := range recs {
		ref, fromFile := files[r.Path]
		if err := imp.st.Upsert(ctx, []*model.Record{r}); err != nil {
			if !fromFile {
				return fmt.Errorf("import: store %s: %w", r.Path, err)
			}
			imp.reject(ref, 0, fmt.Errorf("cannot store record: %v", err))
			continue
		}
		if fromFile {
			imp.res.Kinds[r.Kind]++
			stored++
		}
	}
	if stored == 0 {
		return fmt.Errorf("import: %w", batchErr)
	}
	imp.advance(len(batch))
	return nil
}
