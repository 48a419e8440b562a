package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
	"newshub/internal/store"
)

// maxUnreadPerHost bounds the pages a host keeps unread (see
// store.Store.AddUnreadPages): a host that never has a turn to spare
// would otherwise grow them for ever. A round reads at most as many of a
// host's as its turns allow within the fetch timeout.
const maxUnreadPerHost = 1000

// unreadLeasePrefix names the lease a worker holds on a host's unread
// pages while it reads them, so that no page is read twice.
const unreadLeasePrefix = "unread pages of "

// Unread counts what a round did with the article pages not read for
// want of their host's turn.
type Unread struct {
	Kept      int // left unread this round and kept for a later one
	Dropped   int // kept before, dropped as their host kept too many
	Read      int // kept before and asked for this round, whatever came of it
	Completed int // of them, articles written again with what their pages gave
	Gone      int // of them, pages whose article is no longer stored
	Folded    int // of them, articles whose page names another stored article's address: merged into it and purged (see round.foldOf)
	Unfolded  int // of them, such articles left stored: changed while being folded
	Left      int // kept before and left for a later round: their host had no turn to spare, or (read) their article was staged, not stored yet
}

// laterRead reports whether a page's outcome leaves it for a later round:
// its host gave it no turn, was not answering, or asked to wait.
func laterRead(outcome string) bool {
	return outcome == pageNoTurn || outcome == pageHostTimedOut || outcome == pageHeldOff
}

// unreadPage is what a source's result keeps of a new article whose page
// was left for later (see laterRead).
func unreadPage(src model.Source, c *candidate, a *model.Article, now time.Time) store.UnreadPage {
	return store.UnreadPage{URL: c.item.Link, Article: cmp.Or(a.CanonicalURL, a.GUID), Source: src.URL,
		Host: pageHost(c.item.Link), Added: now.UTC()}
}

// keepUnread records the pages of the batch's new articles left unread,
// once the articles are stored (or staged), for a later round to read.
// On failure they stay unread: the articles keep what their feeds gave.
func (r *round) keepUnread(ctx context.Context, batch []*result, sum *Summary) {
	var pages []store.UnreadPage
	for _, res := range batch {
		pages = append(pages, res.unread...)
		res.unread = nil
	}
	if len(pages) == 0 {
		return
	}
	dropped, err := r.in.st.AddUnreadPages(context.WithoutCancel(ctx), pages, maxUnreadPerHost)
	if err != nil {
		r.in.log.Warn("the pages left unread are not kept: their articles keep what their feeds gave", "pages", len(pages), "err", err)
		return
	}
	sum.Unread.Kept += len(pages)
	sum.Unread.Dropped += dropped
	if dropped > 0 {
		r.in.log.Info("unread pages dropped: their hosts keep too many", "dropped", dropped, "per_host", maxUnreadPerHost)
	}
}

// pageLeft is a kept page read this round, with what its page gave.
type pageLeft struct {
	store.UnreadPage
	c *candidate
}

// readUnread reads the pages earlier rounds left unread (see laterRead),
// oldest first, each host's for as long as a page may wait for its turn
// there (the fetch timeout), but those of the hosts that had no turn to
// spare this round; and writes their articles again with what the pages
// gave (curate.Merge: a picture, an excerpt where its feed gave none, the
// page's address as the article's, the site's name) over the curate lock, as a batch of
// arrivals is. Pages read are forgotten, whatever came of them.
func (r *round) readUnread(ctx context.Context, srcs map[string]model.Source, sum *Summary) error {
	in := r.in
	kept, err := in.st.UnreadPages(ctx, maxUnreadPerHost)
	if err != nil || len(kept) == 0 {
		return err
	}
	byHost := map[string][]store.UnreadPage{}
	var names []string
	for _, p := range kept {
		if _, busy := r.timedOut.Load(p.Host); busy {
			sum.Unread.Left++
			continue
		}
		if byHost[p.Host] == nil {
			names = append(names, unreadLeasePrefix+p.Host)
		}
		byHost[p.Host] = append(byHost[p.Host], p)
	}
	// Another worker reading a host's pages has its lease: they are left
	// to it.
	held, err := in.st.Lease(ctx, in.holder, in.opts.LeaseTTL, names...)
	if err != nil {
		return fmt.Errorf("lease unread pages: %w", err)
	}
	defer func() {
		if err := in.st.Release(context.WithoutCancel(ctx), in.holder, held...); err != nil {
			in.log.Warn("releasing the leases of unread pages failed: they expire", "err", err)
		}
	}()
	var (
		mu   sync.Mutex
		read []pageLeft
		done []string
		wg   sync.WaitGroup
	)
	slots := make(chan struct{}, in.opts.PageFetches)
	for _, name := range held {
		pages := byHost[name[len(unreadLeasePrefix):]]
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			got, asked := r.readHost(ctx, pages)
			mu.Lock()
			defer mu.Unlock()
			read = append(read, got...)
			for _, p := range pages[:asked] {
				done = append(done, p.URL)
			}
			sum.Unread.Read += asked
			sum.Unread.Left += len(pages) - asked
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil // stopped: the pages stay unread
	}
	staged, err := r.complete(ctx, srcs, read, sum)
	if err != nil {
		return err
	}
	done = slices.DeleteFunc(done, func(u string) bool { return staged[u] })
	if err := in.st.DeleteUnreadPages(ctx, done...); err != nil {
		return fmt.Errorf("forget the unread pages read: %w", err)
	}
	return nil
}

// readHost reads a host's kept pages in turn, oldest first, until one
// gets no turn within what is left of the fetch timeout. It returns those
// read whole, and how many were asked for (the first of pages).
func (r *round) readHost(ctx context.Context, pages []store.UnreadPage) (read []pageLeft, asked int) {
	ctx, cancel := context.WithTimeout(ctx, r.in.fetch.Options().Timeout)
	defer cancel()
	for _, p := range pages {
		c := &candidate{item: parser.Item{Link: p.URL}}
		outcome := r.page(ctx, c)
		if ctx.Err() != nil || laterRead(outcome) {
			break
		}
		asked++
		if outcome == pageRead {
			read = append(read, pageLeft{UnreadPage: p, c: c})
		}
	}
	return read, asked
}

// complete writes the articles of the pages read again with what the
// pages gave: each comes as an arrival with the stored article's keys,
// which curation merges into it (see curate.Merge), so the article's
// story, files and outputs follow as for any changed record. It returns
// the pages whose articles are staged, not stored yet (see stagedKeys):
// they are read again in a later round.
func (r *round) complete(ctx context.Context, srcs map[string]model.Source, read []pageLeft, sum *Summary) (staged map[string]bool, _ error) {
	if len(read) == 0 {
		return nil, nil
	}
	in := r.in
	return staged, in.st.Exclusive(ctx, curateLock, func(ctx context.Context) error {
		gen, err := in.st.Generation(ctx)
		if err != nil {
			return err
		}
		current := in.index.current(gen)
		now := in.now()
		taken := map[string]bool{}
		var keys map[string]bool // of the arrivals staged, read at the first article not stored
		var recs []*model.Record
		var folds []fold // by record
		for _, p := range read {
			// Read under the lock: retention, which may purge it, takes
			// the lock too.
			rec, err := in.st.ArticleByURL(ctx, p.Article)
			if errors.Is(err, store.ErrNotFound) && keys == nil {
				if keys, err = r.stagedKeys(ctx); err != nil {
					return err
				}
				err = store.ErrNotFound
			}
			switch {
			case errors.Is(err, store.ErrNotFound) && keys[p.Article]:
				if staged == nil {
					staged = map[string]bool{}
				}
				staged[p.URL] = true
				sum.Unread.Left++
				continue
			case errors.Is(err, store.ErrNotFound):
				sum.Unread.Gone++
				continue
			}
			if err != nil {
				return fmt.Errorf("read the article of an unread page: %w", err)
			}
			// A path of its own, which the stored one holds: an arrival
			// at the stored path would be written over it, not merged.
			taken[rec.Path] = true
			src, ok := srcs[p.Source]
			if !ok {
				src = model.Source{URL: p.Source}
			}
			a := in.completion(src, rec.Article, p.c, now)
			fold, err := r.foldOf(ctx, rec, p.c, now)
			if err != nil {
				return err
			}
			if fold.into != nil {
				// The stored one's keys: curation merges it there.
				a.CanonicalURL, a.GUID = fold.into.CanonicalURL, fold.into.GUID
			}
			recs = append(recs, &model.Record{Kind: model.KindNews, Article: a})
			folds = append(folds, fold)
		}
		for _, rec := range recs {
			if rec.Path, err = r.freePath(rec.Article, taken); err != nil {
				return err
			}
		}
		if err := r.placeAll(ctx, recs, taken); err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		out, _, err := in.curator.Commit(ctx, recs)
		rejected := rejections(err)
		if len(rejected) == 0 && err != nil {
			return fmt.Errorf("write %d articles with what their pages gave: %w", len(recs), err)
		}
		sum.Unread.Completed += len(recs) - len(rejected)
		sum.Written += len(out)
		bySource := map[string][]*model.Record{}
		for _, rec := range out {
			if rec.Article != nil {
				bySource[rec.Article.Source] = append(bySource[rec.Article.Source], rec)
			}
		}
		for src, recs := range bySource {
			in.index.add(src, recs)
		}
		// After the index took what was written: it then forgets the
		// articles purged.
		if err := r.purgeFolded(ctx, recs, folds, rejected, sum); err != nil {
			return err
		}
		if current {
			if g, err := in.st.Generation(context.WithoutCancel(ctx)); err == nil {
				in.index.advance(g)
			}
		}
		return nil
	})
}

// stagedKeys returns the keys of the arrivals staged (see store.Stager):
// another worker, which kept their pages unread once it staged them, has
// handed them to the worker curating, which has not stored them yet.
func (r *round) stagedKeys(ctx context.Context) (map[string]bool, error) {
	keys := map[string]bool{}
	sg, ok := r.in.st.(store.StagedReader)
	if !ok {
		return keys, nil
	}
	staged, err := sg.Staged(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the arrivals staged: %w", err)
	}
	for _, s := range staged {
		for _, k := range articleKeys(s.Record.Article) {
			keys[k] = true
		}
	}
	return keys, nil
}

// completion is the article stored as a, as its page c read now makes it
// (see Ingester.article): merged into a, it gives a what a had not.
func (in *Ingester) completion(src model.Source, a *model.Article, c *candidate, now time.Time) *model.Article {
	c.item.Title, c.item.Images = a.Title, a.Images
	c.canon, c.guid, c.text = a.CanonicalURL, a.GUID, a.Excerpt
	out := in.article(src, feedHead{}, c, now)
	if pc, ignored := pageCanonical(c); !ignored && pc != "" && out.GUID == "" && pageOwn(c, pc) {
		out.GUID = pc // as articles has it of a page read at once
	}
	return out
}

// fold is what completing a stored article does beside, where its page
// names the address of another stored article: it folds into that one
// (into), and is purged (purge).
type fold struct {
	into  *model.Article
	purge store.Purge
}

// foldOf returns the fold of the stored article rec, whose page c read
// late names the address of another stored article: the same story
// under two feed addresses, as a page read at once would have found it
// (see round.articles), its item then dropped.
func (r *round) foldOf(ctx context.Context, rec *model.Record, c *candidate, now time.Time) (fold, error) {
	pc, ignored := pageCanonical(c)
	if ignored || pc == "" {
		return fold{}, nil
	}
	if err := r.ensureIndex(ctx); err != nil {
		return fold{}, err
	}
	found, err := r.in.index.find(ctx, r.in.st, []string{pc})
	if err != nil {
		return fold{}, fmt.Errorf("look up the canonical address of an unread page: %w", err)
	}
	p := found[pc]
	if p == "" || p == rec.Path {
		return fold{}, nil
	}
	into := r.storedArticle(ctx, pc, p)
	if into == nil {
		return fold{}, nil
	}
	// Its keys but those of the article it folds into, so that its feed
	// does not bring it back (a purged key is dropped, see known).
	theirs := articleKeys(into)
	keys := slices.DeleteFunc(articleKeys(rec.Article), func(k string) bool { return slices.Contains(theirs, k) })
	return fold{into: into, purge: store.Purge{Path: rec.Path, Keys: keys, At: now.UTC()}}, nil
}

// purgeFolded purges the articles folded into others, once what their
// pages gave is merged into those (recs, written but for the paths
// rejected), as retention purges duplicates: their keys kept as
// tombstones. The stories they led are settled again, for another lead.
// Those another writer changed meanwhile stay.
func (r *round) purgeFolded(ctx context.Context, recs []*model.Record, folds []fold, rejected map[string]string, sum *Summary) error {
	var purges []store.Purge
	var led []string
	for i, f := range folds {
		if _, no := rejected[recs[i].Path]; f.into == nil || no {
			continue
		}
		// Read as curation left it (it may have settled its story
		// again): purged at that version, and its story settled again
		// if it leads it.
		rec, err := r.in.st.Get(ctx, f.purge.Path)
		if errors.Is(err, store.ErrNotFound) {
			sum.Unread.Gone++
			continue
		}
		if err != nil {
			return fmt.Errorf("read an article folded into another: %w", err)
		}
		f.purge.Version = rec.Version
		purges = append(purges, f.purge)
		if a := rec.Article; a != nil && a.Published && a.Story != "" {
			led = append(led, a.Story)
		}
	}
	if len(purges) == 0 {
		return nil
	}
	err := r.in.st.Purge(ctx, purges)
	if errors.Is(err, store.ErrConflict) {
		r.in.log.Info("articles not folded into the stored ones their pages name: changed meanwhile", "articles", len(purges), "err", err)
		sum.Unread.Unfolded += len(purges)
		return nil
	}
	if err != nil {
		return fmt.Errorf("purge %d articles folded into the stored ones their pages name: %w", len(purges), err)
	}
	r.in.index.forget(purges)
	sum.Unread.Folded += len(purges)
	r.in.log.Info("articles folded into the stored ones their pages name", "articles", len(purges), "leads", len(led))
	if len(led) > 0 {
		if _, err := r.in.curator.Settle(ctx, led...); err != nil {
			return fmt.Errorf("settle %d stories whose leads were folded into other articles: %w", len(led), err)
		}
	}
	return nil
}
