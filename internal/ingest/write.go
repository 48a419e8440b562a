package ingest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

// write is the round's writer. It gathers the workers' results into a
// queue while a committer works through it: per batch it gives new records
// their paths, has the curator place them, stores them in one transaction
// and only then records the sources' new states. Gathering goes on while a
// batch is curated, so fetching never waits on the store; a batch takes
// every result queued meanwhile, because curating costs the stored window
// once per batch whatever its size. Once the round is cancelled it commits
// nothing more: sources whose results were not committed keep their old
// state and are fetched again in full next time.
func (r *round) write(ctx context.Context, sum *Summary) error {
	q := &queue{min: r.in.opts.BatchSize, max: 2 * r.in.opts.BatchSize}
	q.ready = sync.NewCond(&q.mu)
	done := make(chan error, 1)
	go func() { done <- r.commitQueued(ctx, q, sum) }()
	for res := range r.results {
		if res.cancelled || ctx.Err() != nil {
			continue // drain, so the senders finish
		}
		q.put(res)
	}
	q.close()
	return <-done
}

// queue holds results gathered and not yet committed. put blocks while
// max records wait (the committer is behind: fetching waits rather than
// memory growing); take waits for min records, or for the end.
type queue struct {
	mu       sync.Mutex
	ready    *sync.Cond
	min, max int
	items    []*result
	nrecs    int
	closed   bool
}

func (q *queue) put(res *result) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.nrecs >= q.max {
		q.ready.Wait()
	}
	q.items = append(q.items, res)
	q.nrecs += len(res.recs)
	q.ready.Broadcast()
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.ready.Broadcast()
	q.mu.Unlock()
}

// take returns every queued result once there are enough records (or
// sources: their states are worth recording too) or the queue is closed;
// nil when it is closed and empty.
func (q *queue) take() []*result {
	q.mu.Lock()
	defer q.mu.Unlock()
	for !q.closed && q.nrecs < q.min && len(q.items) < q.min {
		q.ready.Wait()
	}
	out := q.items
	q.items, q.nrecs = nil, 0
	q.ready.Broadcast()
	return out
}

// commitQueued commits the queued results batch by batch until the queue
// is closed and empty.
func (r *round) commitQueued(ctx context.Context, q *queue, sum *Summary) error {
	var firstErr error
	paths := map[string]bool{} // paths given this round
	for {
		batch := q.take()
		if batch == nil {
			return firstErr
		}
		if ctx.Err() != nil {
			continue // drain, so put never blocks
		}
		for _, res := range batch {
			r.count(res, sum)
		}
		if err := r.commit(ctx, batch, paths, sum); err != nil && firstErr == nil && ctx.Err() == nil {
			firstErr = err
		}
	}
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
	for outcome, n := range res.pages {
		if sum.Pages == nil {
			sum.Pages = map[string]int{}
		}
		sum.Pages[outcome] += n
	}
}

// countItems adds what a committed source's feed gave to the summary.
func countItems(rep store.ReadReport, sum *Summary) {
	sum.Items += rep.Items
	for reason, n := range rep.NotStored {
		if sum.NotStored == nil {
			sum.NotStored = map[string]int{}
		}
		sum.NotStored[reason] += n
		if reason == ReasonKnown || reason == ReasonDuplicate {
			sum.Duplicates += n
		} else {
			sum.Skipped += n
		}
	}
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
	kept := map[*model.Record]bool{}
	if len(recs) > 0 {
		t0 := time.Now()
		// Curated and stored over the stored records curation read: one
		// another writer changed meanwhile (an edit, an import) makes the
		// batch curated again rather than overwritten.
		out, attempts, err := in.curator.Commit(ctx, recs)
		sum.Recurated += attempts - 1
		if err != nil && ctx.Err() != nil {
			return err // stopped while curating: nothing written, nothing recorded
		}
		rejected := rejections(err)
		if len(rejected) > 0 {
			err = nil // the rest is stored; the rejected are reported
		}
		in.log.Debug("batch stored", "records", len(recs), "written", len(out), "took", time.Since(t0))
		if err != nil {
			storeErr = fmt.Errorf("ingest: store %d new records: %w", len(recs), err)
			in.log.Error("store failed", "records", len(recs), "err", err)
		} else {
			in.index.add(out)
			for _, rec := range out {
				kept[rec] = true
			}
			for _, res := range batch {
				r.settle(res, kept, rejected)
				sum.New += res.report.New
				sum.OffTopic += res.report.OffTopic
			}
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
			st.Items += res.report.New
			if res.fetched {
				st.LastRead = res.report
				countItems(res.report, sum)
			}
		}
		// The records are stored: only the state is needed from here.
		res.recs = nil
		if err := in.st.PutSourceState(context.WithoutCancel(ctx), st); err != nil {
			return fmt.Errorf("ingest: record state of %s: %w", st.URL, err)
		}
	}
	return storeErr
}

// settle notes which of a source's new records were stored: the others
// curation merged into an article it already had (same canonical URL or
// GUID), or rejected.
func (r *round) settle(res *result, kept map[*model.Record]bool, rejected map[string]string) {
	for _, rec := range res.recs {
		if kept[rec] {
			res.report.New++
			if rec.Article.Withheld == model.WithheldOffTopic {
				res.report.OffTopic++
			}
			continue
		}
		a := rec.Article
		d := store.Drop{URL: a.OriginalURL, GUID: a.GUID, Title: a.Title, Reason: ReasonDuplicate,
			Detail: "curation merged it into the stored article with the same canonical URL or GUID"}
		if why, ok := rejected[rec.Path]; ok {
			d.Reason, d.Detail = ReasonRejected, why
		}
		res.drop(r.in.log, d)
	}
}

// rejections maps the paths of the arrivals curation rejected to why.
func rejections(err error) map[string]string {
	if !errors.Is(err, curate.ErrRejected) {
		return nil
	}
	out := map[string]string{}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	for _, e := range errs {
		path, why, _ := strings.Cut(e.Error(), ": ")
		out[path] = why
	}
	return out
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
