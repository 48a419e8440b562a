package ingest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
)

// write is the round's single writer: it gathers the workers' results,
// and per batch gives new records their paths, has the curator place them,
// stores them in one transaction and only then records the sources' new
// states. Once the round is cancelled it commits nothing more: sources
// whose results were not committed keep their old state and are fetched
// again in full next time.
func (r *round) write(ctx context.Context, sum *Summary) error {
	in := r.in
	var (
		pending  []*result
		nrecs    int
		firstErr error
		paths    = map[string]bool{} // paths given this round
	)
	flush := func() {
		if len(pending) == 0 || ctx.Err() != nil {
			return
		}
		if err := r.commit(ctx, pending, paths, sum); err != nil && firstErr == nil && ctx.Err() == nil {
			firstErr = err
		}
		pending, nrecs = pending[:0], 0
	}
	for res := range r.results {
		if res.cancelled || ctx.Err() != nil {
			continue // drain, so the senders finish
		}
		r.count(res, sum)
		pending = append(pending, res)
		nrecs += len(res.recs)
		if nrecs >= in.opts.BatchSize || len(pending) >= in.opts.BatchSize {
			flush()
		}
	}
	flush()
	return firstErr
}

func (r *round) count(res *result, sum *Summary) {
	switch {
	case res.failed:
		sum.Failed++
	case res.notModified:
		sum.NotModified++
	case res.fetched:
		sum.Fetched++
	}
	sum.Items += res.items
	sum.Duplicates += res.dups
	sum.Skipped += res.skipped
	sum.Pages += res.pages
	sum.PageErrors += res.pageErrors
}

// commit stores one batch. When the records cannot be stored, the
// sources whose items were in it are recorded as failed and their
// validators dropped, so the next round fetches those items again.
func (r *round) commit(ctx context.Context, batch []*result, paths map[string]bool, sum *Summary) error {
	in := r.in
	var recs []*model.Record
	for _, res := range batch {
		for _, rec := range res.recs {
			p, err := r.freePath(ctx, rec.Article, paths)
			if err != nil {
				return err
			}
			rec.Path = p
			recs = append(recs, rec)
		}
	}
	var storeErr error
	if len(recs) > 0 {
		t0 := time.Now()
		out, err := in.curator.Arrive(ctx, recs)
		if err != nil && ctx.Err() != nil {
			return err // stopped while curating: nothing written, nothing recorded
		}
		t1 := time.Now()
		if err == nil {
			for _, rec := range out {
				if len(rec.Raw) == 0 {
					if err = content.Render(rec); err != nil {
						break
					}
				}
			}
		}
		if err == nil {
			err = in.st.Upsert(context.WithoutCancel(ctx), out)
		}
		in.log.Debug("batch stored", "records", len(recs), "written", len(out), "curate", t1.Sub(t0), "store", time.Since(t1))
		if err != nil {
			storeErr = fmt.Errorf("ingest: store %d new records: %w", len(recs), err)
			in.log.Error("store failed", "records", len(recs), "err", err)
		} else {
			in.index.add(out)
			sum.New += len(recs)
			sum.Written += len(out)
		}
	}
	now := in.now()
	for _, res := range batch {
		st := res.state
		if storeErr != nil && len(res.recs) > 0 {
			st.ETag, st.LastModified = "", ""
			in.opts.Policy.Failure(&st, now, storeErr, 0)
		} else {
			st.Items += len(res.recs)
		}
		if err := in.st.PutSourceState(context.WithoutCancel(ctx), st); err != nil {
			return fmt.Errorf("ingest: record state of %s: %w", st.URL, err)
		}
	}
	return storeErr
}

// freePath returns the record path for an article, numbered ("-2", "-3",
// ...) when another article already has it.
func (r *round) freePath(ctx context.Context, a *model.Article, taken map[string]bool) (string, error) {
	base := content.NewsPath(a.PublishedDateTime, a.Title)
	stem := strings.TrimSuffix(base, ".md")
	for n := 1; ; n++ {
		p := base
		if n > 1 {
			p = stem + "-" + strconv.Itoa(n) + ".md"
		}
		if taken[p] {
			continue
		}
		if !r.in.index.hasPath(p) {
			taken[p] = true
			return p, nil
		}
		if n > 1000 {
			return "", fmt.Errorf("ingest: no free path for %q", base)
		}
	}
}
