package ingest

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"newshub/internal/curate"
	"newshub/internal/ingest/fetcher"
	"newshub/internal/ingest/pagemeta"
	"newshub/internal/ingest/parser"
	"newshub/internal/ingest/robots"
	"newshub/internal/model"
	"newshub/internal/store"
)

const feedAccept = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8"

// source fetches one source. It returns the source's result, or nil when
// it handed the source's new items to a goroutine that reads their pages
// and sends the result itself.
func (r *round) source(ctx context.Context, j job) *result {
	in := r.in
	res := &result{src: j.src, state: j.state}
	st := &res.state
	now := in.now()
	policy := in.opts.Policy
	var configured time.Duration
	if j.src.Interval != "" {
		configured, _ = model.ParseInterval(j.src.Interval) // checked when the list was read
	}

	resp, err := in.fetch.Fetch(ctx, fetcher.Request{URL: j.src.URL, ETag: st.ETag, LastModified: st.LastModified, Accept: feedAccept, Cut: true})
	if err != nil {
		if ctx.Err() != nil {
			res.cancelled = true
			return res
		}
		var held *fetcher.HeldOffError
		if errors.As(err, &held) {
			res.heldOff = true // no failure of the source's (see Policy.NotAsked)
			policy.NotAsked(st, now, err, held.Until)
			// At debug: a host's wait holds all its feeds, hundreds of
			// a publisher's sections; the round's summary counts them.
			in.log.Debug("source not asked: its host asked to wait", "url", fetcher.Masked(j.src.URL), "until", held.Until)
			return res
		}
		res.failed = true
		if errors.Is(err, fetcher.ErrUnreached) {
			// Whose failure it is, the publisher's or the hub's own
			// network's, the round says once it knows whether any of
			// its fetches reached a server (see round.settleNetwork).
			res.unreached, res.err, res.at = true, err, now
			return res
		}
		gone := gone(err)
		if gone {
			err = fmt.Errorf("%w: the feed was removed for good; paused until resumed", err)
		}
		policy.Failure(st, now, err, fetcher.RetryAfter(err))
		st.Paused = st.Paused || gone
		in.logFailure(ctx, j.src.URL, st, err)
		return res
	}
	if resp.Moved != "" {
		in.log.Warn("source moved permanently", "url", fetcher.Masked(j.src.URL), "to", fetcher.Masked(resp.Moved))
	}
	if resp.NotModified {
		res.notModified = true
		st.ETag, st.LastModified = resp.ETag, resp.LastModified
		policy.Success(st, r.began, now, resp.Status+moved(resp), policy.Interval(configured, st.Interval, nil, now))
		return res
	}
	parse := parser.Parse
	if resp.Cut || resp.Short != nil {
		parse = parser.ParseCut
	}
	feed, err := parse(resp.Body, resp.Header.Get("Content-Type"), resp.URL)
	whole := err == nil && len(feed.Items)+len(feed.Unreadable) > 0
	switch {
	case resp.Cut && !whole:
		// Nothing whole before the cap: an endless or padded body, which
		// fails as one over the cap does, and is fetched less often.
		err = fmt.Errorf("%w (%d bytes) and holds no whole item before it", fetcher.ErrTooLarge, len(resp.Body))
	case resp.Short != nil && !whole:
		err = fmt.Errorf("the body ended early (%w) after %d bytes, with no whole item before", resp.Short, len(resp.Body))
	}
	if err != nil {
		res.failed = true
		// Forget the validators so the next round refetches in full.
		st.ETag, st.LastModified = "", ""
		err = fmt.Errorf("%s: %s%s: %w", fetcher.Masked(j.src.URL), resp.Status, answeredAt(j.src.URL, resp), err)
		policy.Failure(st, now, err, 0)
		in.logFailure(ctx, j.src.URL, st, err)
		return res
	}
	// Its complete items are read; those after the cap or the end are
	// not known, so not counted either: the source says why.
	switch {
	case resp.Cut:
		feed.Malformed = note(feed.Malformed, fmt.Sprintf("longer than the size cap (%d bytes): read up to it, the items after it are not read", len(resp.Body)))
	case resp.Short != nil:
		feed.Malformed = note(feed.Malformed, fmt.Sprintf("the body ended early (%v) after %d bytes: read up to there, the items after it are not read", resp.Short, len(resp.Body)))
	}
	res.fetched = true
	res.report.Items = len(feed.Items) + len(feed.Unreadable)
	res.report.Malformed = feed.Malformed
	// At debug: a broken feed is broken every round, and its state (status,
	// explain) says how.
	if feed.Malformed != "" {
		in.log.Debug("feed malformed, read leniently", "url", fetcher.Masked(j.src.URL), "what", feed.Malformed)
	}

	fresh, published, err := r.newItems(ctx, j.src, feed, res)
	if err != nil {
		if ctx.Err() != nil {
			res.cancelled = true
			return res
		}
		res.failed = true
		policy.NotRead(st, now, err)
		r.notRead(ctx, j.src.URL, err)
		return res
	}
	st.ETag, st.LastModified = resp.ETag, resp.LastModified
	if resp.Short != nil || res.report.NotStored[ReasonLater] > 0 {
		// A 304 would leave the rest unread until the feed changes.
		st.ETag, st.LastModified = "", ""
	}
	// Keep only what is needed while pages are read, not the feed's bytes
	// or its parsed items.
	status, head := resp.Status+moved(resp), feedHead{title: feed.Title, site: feed.SiteURL}
	resp, feed = nil, nil
	finish := func() *result {
		if res.report.Malformed != "" {
			status += "; malformed, read leniently"
		}
		policy.Success(st, r.began, now, status, policy.Interval(configured, st.Interval, published, now))
		return res
	}
	if len(fresh) == 0 {
		return finish()
	}
	// Reading the pages takes a while (politeness bounds it per host):
	// hand it off so this worker can fetch the next feed. At most
	// 2*PageFetches sources read pages at once: enough to keep the
	// fetcher's slots busy while each host waits for its rate tokens, few
	// enough to bound the candidates held in memory.
	select {
	case r.pageSources <- struct{}{}:
	case <-ctx.Done():
		res.cancelled = true
		return res
	}
	r.pending.Add(1)
	go func() {
		defer func() { <-r.pageSources; r.pending.Done() }()
		res.recs = r.articles(ctx, j.src, head, fresh, res)
		if ctx.Err() != nil {
			// Stopped half-way: record nothing, so the next round
			// fetches these items again in full.
			res.cancelled = true
			r.results <- res
			return
		}
		r.results <- finish()
	}()
	return nil
}

// gone reports whether a fetch failed with 410 Gone: the server says the
// feed was removed and will not come back, and asks readers to stop
// (RSS readers since RSS Bandit and SimplePie pause such a feed), where
// a 404 may be a mistake put right tomorrow.
func gone(err error) bool {
	var se *fetcher.StatusError
	return errors.As(err, &se) && se.StatusCode == http.StatusGone
}

// moved words, for a source's status, the address its feed was moved to
// for good: the source is read there through its redirects, until it is
// listed under it (followed unasked, a hijacked or misconfigured site's
// redirect would take the source over). Its secrets are masked, as in
// the source's errors: a relative redirect keeps the password of the
// address it was asked at, and a private feed's new address its token.
func moved(resp *fetcher.Response) string {
	if resp.Moved == "" {
		return ""
	}
	return "; moved permanently to " + fetcher.Masked(resp.Moved) + ": list the source under that address"
}

// answeredAt words, for a source's error, the address that answered when
// redirects led from the source's to another (a login page, a home page),
// as a fetcher.StatusError names it: the document that failed is that
// address's. "" when the source's own address answered.
func answeredAt(src string, resp *fetcher.Response) string {
	if u, err := url.Parse(src); err != nil || u.String() == resp.URL {
		return ""
	}
	return " (at " + fetcher.Masked(resp.URL) + ")"
}

// note adds what to a feed's note of what was malformed.
func note(malformed, what string) string {
	return strings.TrimPrefix(malformed+"; "+what, "; ")
}

// candidate is a feed item not seen before.
type candidate struct {
	item  parser.Item
	canon string // the key it is known by (see itemKeys)
	guid  string
	late  bool // untitled and without text: claimed once its page gives it a title
	meta  pagemeta.Meta
	page  string // final page URL, when fetched
	later bool   // its page is left for a later round (see laterRead)
	text  string // the item's plain text, as much as its article takes (see keepText)
}

// keepText keeps of the item's plain text the first n runes and one more,
// all that Truncate reads to cut an excerpt or a title of at most n, and
// lets go of its HTML: a blog's feed gives each post whole, and the
// candidates of every source reading its pages at once would otherwise
// hold all of them until their pages are read.
func (c *candidate) keepText(text string, n int) {
	c.item.Summary, c.item.Content = "", ""
	i := 0
	for range n + 1 {
		if i >= len(text) {
			break
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	// A copy, so that the kept text holds no more of the item's.
	c.text = strings.Clone(text[:i])
}

// drop is an item of the candidate that is not stored.
func (c *candidate) drop(reason, detail string) store.Drop {
	return store.Drop{URL: c.item.Link, GUID: c.item.GUID, Title: c.item.Title, Reason: reason, Detail: detail}
}

// newItems keeps the items that have a link and are neither in the store
// nor taken by another item this round; every other item is dropped with
// its reason. It also returns every item's date (see itemDate), for the
// adaptive interval.
func (r *round) newItems(ctx context.Context, src model.Source, feed *parser.Feed, res *result) ([]*candidate, []time.Time, error) {
	if err := r.ensureIndex(ctx); err != nil {
		return nil, nil, err
	}
	for _, u := range feed.Unreadable {
		where := fmt.Sprintf("item %d", u.Item)
		if u.Line > 0 {
			where += fmt.Sprintf(" (line %d)", u.Line)
		}
		res.drop(r.in.log, store.Drop{Reason: ReasonMalformed, Detail: where + ": " + u.Reason})
	}
	keys := itemKeys(feed)
	guids := guidKeys(src.URL, feed, keys)
	// parts are the keys of items keyed by their page alone whose links
	// name a part of it: such an item is known by the part when the part
	// was stored from a feed that gave the page's other parts too.
	parts := make([]string, len(keys))
	all := make([]string, 0, 3*len(keys))
	for i, it := range feed.Items {
		parts[i] = curate.FragmentKey(keys[i], it.Link)
		all = append(all, keys[i], guids[i], parts[i])
	}
	stored, gone, err := r.in.index.lookup(ctx, r.in.st, src.URL, all)
	if err != nil {
		return nil, nil, err
	}
	alone, pages, err := r.lookupShared(ctx, feed, keys, guids, parts, stored, gone)
	if err != nil {
		return nil, nil, err
	}
	var out []*candidate
	published := make([]time.Time, 0, len(feed.Items))
	storedAlone := r.storedAlone(ctx, stored)
	reused := r.reusedGUIDs(ctx, src, feed, stored, keys, guids)
	cut := r.in.tombstoneCut()
	for i, it := range feed.Items {
		published = append(published, itemDate(it))
		c := &candidate{item: it, canon: keys[i], guid: guids[i]}
		if it.Link == "" {
			res.drop(r.in.log, c.drop(ReasonNoLink, "the item has no http or https link"))
			continue
		}
		if model.OverLimit(it.Link, model.MaxURL) {
			res.drop(r.in.log, c.drop(ReasonNoLink, fmt.Sprintf("the item's link is longer than %d characters", model.MaxURL)))
			continue
		}
		own := append([]string{c.canon, parts[i]}, alone[i]...)
		if storedAlone(c) {
			own = append(own, pages[i])
		}
		if _, key, _ := known(stored, gone, own...); key == "" && reused(i) {
			// Known by its links alone, and stored without the GUID,
			// which the curator would merge it by.
			c.guid = ""
		}
		if p, key, purged := known(stored, gone, append(own, c.guid)...); key != "" {
			reason := ReasonKnown
			if !slices.Contains(own, key) {
				reason = ReasonDuplicate // another link, same GUID
				if p == "" {
					p = r.in.index.path(ctx, r.in.st, key)
				}
			}
			res.drop(r.in.log, c.drop(reason, p))
			continue
		} else if purged != "" {
			res.drop(r.in.log, c.drop(ReasonPurged, "the article was purged from "+purged))
			continue
		}
		if d := itemDate(it); !d.IsZero() && d.Before(cut) {
			res.drop(r.in.log, c.drop(ReasonPastKeys, pastKeys(d, cut)))
			continue
		}
		if len(out) >= r.in.opts.MaxNewItems {
			// Not claimed: another feed giving it may take it.
			res.drop(r.in.log, c.drop(ReasonLater, fmt.Sprintf("the feed gave more than %d new items this round", r.in.opts.MaxNewItems)))
			continue
		}
		text := itemText(it)
		if it.Title == "" && text == "" {
			c.late = true
		} else if by := r.claim(c, src.URL); by != "" {
			res.drop(r.in.log, c.drop(ReasonDuplicate, by))
			continue
		}
		c.keepText(text, r.in.textKept())
		out = append(out, c)
	}
	return out, published, nil
}

// reusedGUIDs returns a function that reports whether the GUID key of the
// feed's i'th item names a stored article it is not: the generator gave
// the GUID to a new article, as feeds that number their items by their
// place in the feed do ("1" the newest). That article is another when
// another item of the feed is known by it by its own link, or when it
// has another title (and another link, or the item would be known by its
// own). An article whose link changed under its GUID keeps its title.
// Only GUIDs that are not addresses, known within their feed (see
// guidKey), are so reused. The paths are looked up once, on first need.
func (r *round) reusedGUIDs(ctx context.Context, src model.Source, feed *parser.Feed, stored map[string]string, keys, guids []string) func(i int) bool {
	var paths map[string]string // the articles' paths by key
	path := func(k string) string {
		if paths == nil {
			var ask []string
			for _, k := range slices.Concat(keys, guids) {
				if p, ok := stored[k]; ok && p == "" {
					ask = append(ask, k) // known from the feed's last read
				}
			}
			found, err := r.in.index.find(ctx, r.in.st, ask)
			if err != nil {
				r.in.log.Warn("looking up the stored articles of a feed's items failed", "err", err)
				found = map[string]string{}
			}
			paths = found
		}
		return cmp.Or(stored[k], paths[k])
	}
	return func(i int) bool {
		if _, ok := stored[guids[i]]; !ok || !strings.HasPrefix(guids[i], src.URL+"#") {
			return false // none, or an address: another feed's item may give it
		}
		p := path(guids[i])
		if p == "" {
			return false
		}
		for j, k := range keys {
			if _, ok := stored[k]; ok && j != i && k != "" && k != keys[i] && path(k) == p {
				return true
			}
		}
		a := r.storedArticle(ctx, guids[i], p)
		title := feed.Items[i].Title
		return a != nil && title != "" && !strings.EqualFold(parser.NormalizeSpace(a.Title), parser.NormalizeSpace(title))
	}
}

// lookupShared looks up, for the items of a feed that the store knows by
// none of their keys, those they had when their page had other items of
// the feed beside them, or none, as the feed's window moved on: an item
// keyed by its page alone is known by the keys it had beside them (alone,
// see aloneKeys); one told apart from them (see sharedPage) may be the
// article stored under its page alone (see storedAlone). It returns those
// keys by item, and adds to stored and gone what of them the index found
// (see index.findAll). Items known already ask for nothing more, and a
// feed of them for no query.
func (r *round) lookupShared(ctx context.Context, feed *parser.Feed, keys, guids, parts []string, stored, gone map[string]string) (alone [][]string, pages []string, _ error) {
	alone, pages = make([][]string, len(keys)), make([]string, len(keys))
	var more []string
	for i, it := range feed.Items {
		if _, key, purged := known(stored, gone, keys[i], guids[i], parts[i]); keys[i] == "" || key != "" || purged != "" {
			continue
		}
		alone[i] = aloneKeys(keys[i], it)
		pages[i], _ = sharedPage(keys[i], it)
		more = append(append(more, pages[i]), alone[i]...)
	}
	if len(more) == 0 {
		return alone, pages, nil
	}
	found, purged, err := r.in.index.findAll(ctx, r.in.st, more)
	if err != nil {
		return nil, nil, err
	}
	maps.Copy(stored, found)
	maps.Copy(gone, purged)
	return alone, pages, nil
}

// storedAlone returns whether the article stored under the page a
// candidate shares with other items of its feed (see sharedPage) is the
// candidate, stored while it was the page's only item there. stored is
// what the index found of the feed's keys; each such article is read
// once.
func (r *round) storedAlone(ctx context.Context, stored map[string]string) func(c *candidate) bool {
	articles := map[string]*model.Article{}
	return func(c *candidate) bool {
		page, part := sharedPage(c.canon, c.item)
		p, ok := stored[page]
		if !ok || page == "" {
			return false
		}
		a, ok := articles[page]
		if !ok {
			a = r.storedArticle(ctx, page, p)
			articles[page] = a
		}
		// By its title: an item told apart by its GUID or its fragment
		// is known by them already.
		return a != nil && strings.HasPrefix(part, "title:") && part == "title:"+strings.ToLower(a.Title)
	}
}

// storedArticle returns the stored article known by key, at path when
// the index said where; nil when there is none or it cannot be read.
func (r *round) storedArticle(ctx context.Context, key, path string) *model.Article {
	if path == "" {
		found, err := r.in.index.find(ctx, r.in.st, []string{key})
		if err != nil || found[key] == "" {
			return nil
		}
		path = found[key]
	}
	rec, err := r.in.st.Get(ctx, path)
	if err != nil || rec == nil {
		return nil
	}
	return rec.Article
}

// logFailure logs a failed read of the source at url: at WARN when it
// begins to fail and when the failure pauses it, at DEBUG between. A dead
// feed fails at each retry until paused, and a directory's thousand dead
// feeds were a thousand WARN lines a round; its state (sources list,
// status) says how it fails meanwhile.
func (in *Ingester) logFailure(ctx context.Context, url string, st *store.SourceState, err error) {
	level := slog.LevelDebug
	if st.Errors <= 1 || st.Paused {
		level = slog.LevelWarn
	}
	in.log.Log(ctx, level, "source failed", "url", fetcher.Masked(url), "errors", st.Errors, "paused", st.Paused, "err", err)
}

// notRead logs a source not read as the store failed: the round's first
// at WARN, the others at DEBUG. A database restarted mid-round fails
// every source the round meets after it, one event that logged a WARN
// line for each of thousands of feeds; the round's summary counts them.
func (r *round) notRead(ctx context.Context, url string, err error) {
	level := slog.LevelDebug
	if r.storeFailures.Add(1) == 1 {
		level = slog.LevelWarn
	}
	r.in.log.Log(ctx, level, "source not read: the store failed", "url", fetcher.Masked(url), "err", err)
}

// articles reads the pages of the candidates (a few at a time: the
// fetcher's per-host limit is the real bound) and builds their records.
func (r *round) articles(ctx context.Context, src model.Source, head feedHead, cands []*candidate, res *result) []*model.Record {
	in := r.in
	if !in.opts.SkipPages && len(cands) > 0 {
		res.pages = map[string]int{}
		var mu sync.Mutex
		var wg sync.WaitGroup
		sem := make(chan struct{}, max(1, in.fetch.Options().PerHostConcurrency))
		for _, c := range cands {
			wg.Add(1)
			sem <- struct{}{}
			go func() {
				defer func() { <-sem; wg.Done() }()
				outcome := r.page(ctx, c)
				c.later = laterRead(outcome)
				mu.Lock()
				res.pages[outcome]++
				mu.Unlock()
			}()
		}
		wg.Wait()
	}
	canonicals := in.pageCanonicals(cands, res)
	stored, gone, err := in.index.findAll(ctx, in.st, slices.Collect(maps.Values(canonicals)))
	if err != nil {
		// The curator still merges such an article into the stored one.
		in.log.Warn("looking up the canonical addresses of pages failed", "source", fetcher.Masked(src.URL), "err", err)
	}
	now := in.now()
	cut := in.tombstoneCut()
	recs := make([]*model.Record, 0, len(cands))
	for _, c := range cands {
		a := in.article(src, head, c, now)
		if a == nil {
			res.drop(in.log, c.drop(ReasonNoTitle, "neither the item nor its page has a title or text"))
			continue
		}
		// Dated by its page where its item gave no date (see newItems):
		// its tombstone, dated so, would go while its feed lists it.
		if a.PublishedDateTime.Before(cut) {
			res.drop(in.log, c.drop(ReasonPastKeys, pastKeys(a.PublishedDateTime, cut)))
			continue
		}
		if c.late {
			if by := r.claim(c, src.URL); by != "" {
				res.drop(in.log, c.drop(ReasonDuplicate, by))
				continue
			}
		}
		// The page may name a canonical address another feed's item
		// already has: that is the same article.
		if pc := canonicals[c]; pc != "" {
			if p, key, purged := known(stored, gone, pc); key != "" {
				if p == "" {
					p = in.index.path(ctx, in.st, key)
				}
				reason := ReasonDuplicate
				if r.readBefore(ctx, src, c, pc, p) {
					reason = ReasonKnownPage
				}
				res.drop(in.log, c.drop(reason, "its page's canonical address is that of "+p))
				continue
			} else if purged != "" {
				res.drop(in.log, c.drop(ReasonPurged, "its page's canonical address is that of "+purged+", purged"))
				continue
			}
			if by := r.claimCanonical(pc, c.item.Link, src.URL); by != "" {
				res.drop(in.log, c.drop(ReasonDuplicate, "its page's canonical address is that of "+by))
				continue
			}
			if a.GUID == "" && pageOwn(c, pc) {
				// Without a GUID, the article is known by its page's
				// address too: its next fetch may link to the page with
				// another token in the query, which the link's key keeps.
				a.GUID = pc
			}
		}
		recs = append(recs, &model.Record{Kind: model.KindNews, Article: a})
		if c.later {
			res.unread = append(res.unread, unreadPage(src, c, a, now))
		}
	}
	return recs
}

// pastKeys is the detail of an item dropped as ReasonPastKeys: dated d,
// before cut (Ingester.tombstoneCut).
func pastKeys(d, cut time.Time) string {
	return fmt.Sprintf("dated %s, before %s, past which the keys of purged articles go",
		d.UTC().Format(time.RFC3339), cut.UTC().Format(time.RFC3339))
}

// pageOwn reports whether the canonical address a candidate's page names
// (see pageCanonicals) is the page's own, so that the article may be
// known by it: an address on the link's site that the link ends in (see
// slugOf), as "/story-1?t=1733480000" ends in "/story-1", for a link that
// names no part of a page ("#a1200", one of a day's posts). An address on
// another site is an original's, which its own item is known by.
func pageOwn(c *candidate, pc string) bool {
	return fragment(c.item.Link) == "" && sameSite(pc, c.item.Link) && slugOf(pc, c.item.Link)
}

// readBefore reports whether the stored article at path, which the page
// of the candidate names the address of (pc), is the candidate read
// before at another link: its feed's, known by that address as its own
// (see pageOwn).
func (r *round) readBefore(ctx context.Context, src model.Source, c *candidate, pc, path string) bool {
	if !pageOwn(c, pc) {
		return false
	}
	a := r.storedArticle(ctx, pc, path)
	return a != nil && a.Source == src.URL && (a.GUID == pc || a.CanonicalURL == pc)
}

// pageCanonical returns the canonical address the candidate's page names
// when it is another than the item's, "" otherwise. (Not for an item whose
// link is shared by others of its feed: the page is theirs too.) ignored
// says the page named one that cannot be the article's: the site's home
// page, or a section whose address the item's is under ("/news" for
// "/news/2024/11/05/a-story"), as templates name for every page of it.
//
// A page without a canonical link is known by its og:url only where that
// is its own address (see pageOwn): Open Graph's address is a hint for
// sharing cards that no search engine takes as canonical, and templates
// write it wrong more often (the site's main host on every regional
// one's pages, the home page, a staging host), so an og:url never makes
// the article another site's or another page's.
func pageCanonical(c *candidate) (pc string, ignored bool) {
	named, og := c.meta.Canonical, false
	if named == "" {
		named, og = c.meta.URL, true
	}
	pc = curate.CanonicalURL(named)
	if named == "" || pc == c.canon || strings.Contains(c.canon, "#") {
		return "", false
	}
	if !pathful(pc) || strings.HasPrefix(c.canon, pc+"/") || strings.HasPrefix(curate.CanonicalURL(c.page), pc+"/") {
		return "", true
	}
	if og && !pageOwn(c, pc) {
		return "", true
	}
	return pc, false
}

// pageCanonicals returns the canonical addresses of the candidates' pages
// that are not their items' own (see pageCanonical), by candidate, leaving
// out those the pages of two or more items of the feed name that do not
// all end in its slug (see slugOf): a template's (a theme's or a layout's
// one address for every page), which would make the feed's articles one.
// The pages that named an address not taken are counted under
// pageCanonicalIgnored rather than pageRead.
func (in *Ingester) pageCanonicals(cands []*candidate, res *result) map[*candidate]string {
	out := map[*candidate]string{}
	var ignored []*candidate
	items := map[string]map[string]bool{} // the items' keys by address
	slugs := map[string]bool{}            // the addresses whose items all end in their slugs
	for _, c := range cands {
		pc, bad := pageCanonical(c)
		switch {
		case bad:
			ignored = append(ignored, c)
		case pc != "":
			out[c] = pc
			if items[pc] == nil {
				items[pc] = map[string]bool{}
				slugs[pc] = true
			}
			items[pc][c.canon] = true
			slugs[pc] = slugs[pc] && slugOf(pc, c.item.Link)
		}
	}
	for c, pc := range out {
		if len(items[pc]) > 1 && !slugs[pc] {
			delete(out, c)
			ignored = append(ignored, c)
		}
	}
	for _, c := range ignored {
		in.log.Debug("page's canonical address not taken as the article's", "url", c.item.Link, "canonical", cmp.Or(c.meta.Canonical, c.meta.URL))
		if res.pages != nil {
			res.pages[pageRead]--
			res.pages[pageCanonicalIgnored]++
		}
	}
	return out
}

// Outcomes of reading an article page.
const (
	pageRead = "read"
	// Read, but its canonical address was not taken as the article's:
	// the site's home page, a section's, or one the feed's other pages
	// name too (see pageCanonicals).
	pageCanonicalIgnored = "read, its canonical address not the article's"
	// Read, but not the article: an error page answered with 200 OK, a
	// page that sends the reader on, or a consent, login or home page the
	// link was redirected to (see notArticlePage). The item keeps what
	// its feed says.
	pageNotArticle  = "read, not the article's page"
	pageFailed      = "failed"
	pageDisallowed  = "disallowed by robots.txt"
	pageRobotsError = "not read: robots.txt unreachable"
	pageMedia       = "not read: the link is the item's media file"
	pageNotHTML     = "not read: not a web page"
	pageAggregator  = "not read: the aggregator's page, not the article's"
	pageBlocked     = "not read: blocked by the site's bot protection"
	pageHeldOff     = "not read: its host asked to be left alone for a while (Retry-After)"
	pageTooLarge    = "not read: longer than the size cap" // the item keeps what its feed says
	// Not asked for: another page of its host timed out this round, or
	// waited for its turn there as long (see round.timedOut).
	pageHostTimedOut = "not read: its host timed out, or was too busy, on another page"
	pageNoTurn       = "not read: its host was too busy for it (waited the fetch timeout for its turn)"
)

// pageTypes are the media types of the article pages read: an item's link
// may lead to audio, video, a PDF or an image, which are not downloaded.
var pageTypes = []string{"text/html", "application/xhtml+xml", "text/plain"}

// page reads an article page's metadata, where robots.txt allows it, and
// says how that went.
func (r *round) page(ctx context.Context, c *candidate) string {
	in := r.in
	if slices.Contains(c.item.Enclosures, c.item.Link) || slices.ContainsFunc(c.item.Images, func(im model.Image) bool { return im.URL == c.item.Link }) {
		return pageMedia // an episode's audio or video, a photo: no page to read, and large
	}
	if aggregated(c.item) {
		return pageAggregator
	}
	host := pageHost(c.item.Link)
	if _, ok := r.timedOut.Load(host); ok {
		return pageHostTimedOut
	}
	if !in.opts.IgnoreRobots {
		switch err := in.robots.Check(ctx, c.item.Link); {
		case errors.Is(err, robots.ErrDisallowed):
			in.log.Debug("page disallowed by robots.txt", "url", c.item.Link)
			return pageDisallowed
		case errors.As(err, new(*fetcher.HeldOffError)):
			in.log.Debug("page not read", "url", c.item.Link, "err", err)
			return pageHeldOff
		case err != nil:
			in.log.Debug("page not read: robots.txt unreachable", "url", c.item.Link, "err", err)
			return pageRobotsError
		}
	}
	// The page is parsed while its request holds its fetcher slot, so the
	// bodies in memory at once are bounded by the slots, not by how
	// many pages wait for the CPU.
	// A page waits for its host's turn no longer than it may take once
	// it has it: a page is worth less than the round it would hold.
	req := fetcher.Request{URL: c.item.Link, Accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", Types: pageTypes,
		MaxWait: in.fetch.Options().Timeout}
	notArticle := ""
	_, err := in.fetch.FetchAndUse(ctx, req, func(resp *fetcher.Response) {
		m := pagemeta.Parse(resp.Body, resp.Header.Get("Content-Type"), resp.URL)
		if notArticle = notArticlePage(c.item.Link, resp.URL, m); notArticle == "" {
			c.page, c.meta = resp.URL, m
		}
	})
	switch {
	case err == nil && notArticle != "":
		in.log.Debug("page not the article's", "url", c.item.Link, "why", notArticle)
		return pageNotArticle
	case errors.Is(err, fetcher.ErrUnwantedType):
		in.log.Debug("page not read", "url", c.item.Link, "err", err)
		return pageNotHTML
	case errors.As(err, new(*fetcher.HeldOffError)):
		in.log.Debug("page not read", "url", c.item.Link, "err", err)
		return pageHeldOff
	case errors.Is(err, fetcher.ErrBlocked):
		in.log.Debug("page not read", "url", c.item.Link, "err", err)
		return pageBlocked
	case errors.Is(err, fetcher.ErrTooLarge):
		in.log.Debug("page not read", "url", c.item.Link, "err", err)
		return pageTooLarge
	case errors.Is(err, fetcher.ErrNoTurn):
		in.log.Debug("page not read", "url", c.item.Link, "err", err)
		r.timedOut.Store(host, true)
		return pageNoTurn
	case err != nil:
		if !errors.Is(err, context.Canceled) {
			in.log.Debug("page failed", "url", c.item.Link, "err", err)
		}
		if timedOut(err) && ctx.Err() == nil {
			r.timedOut.Store(host, true)
		}
		return pageFailed
	}
	return pageRead
}

// pageHost names the host of a page's link, port included, for
// round.timedOut.
func pageHost(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Host)
}

// timedOut reports whether a fetch failed for want of an answer in time:
// no connection, no headers or not the whole body before its timeout.
func timedOut(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// notArticlePage says why the page a link led to is not the article's, ""
// when it may be: an error page, a page that sends the reader on at once
// (a link shortener's, a redirect written in HTML), or an interstitial.
func notArticlePage(link, final string, m pagemeta.Meta) string {
	switch {
	case m.NotFound:
		return "an error page"
	case m.Refresh != "" && curate.CanonicalURL(m.Refresh) != curate.CanonicalURL(final):
		return "a page that sends the reader on to " + m.Refresh
	}
	return interstitial(link, final)
}

// interstitialLabels are the first labels of the hosts that ask for
// consent or a login before a page (Yahoo's consent.yahoo.com and
// guce.yahoo.com, Google's consent.google.com, DPG Media's
// myprivacy.dpgmedia.nl), interstitialSegments the path segments of such
// pages on a site's own host.
var (
	interstitialLabels   = []string{"consent", "guce", "myprivacy", "login", "signin", "sso", "auth", "accounts"}
	interstitialSegments = []string{"consent", "collectconsent", "login", "log-in", "signin", "sign-in", "logon", "sso", "auth", "subscribe", "paywall", "register"}
)

// interstitial says why the page a link was redirected to is not the
// article's, "" when it may be: the site's home page (where sites send a
// removed article's readers), a page that asks for consent or a login,
// or one that carries the link in its query to return the reader to it
// afterwards ("?continue=", "?callbackUrl=", "?redirect_to=").
func interstitial(link, final string) string {
	from, err1 := url.Parse(link)
	to, err2 := url.Parse(final)
	if err1 != nil || err2 != nil || curate.CanonicalURL(link) == curate.CanonicalURL(final) {
		return ""
	}
	switch label, _, _ := strings.Cut(strings.ToLower(to.Hostname()), "."); {
	case pathful(link) && !pathful(final) && to.RawQuery == "":
		return "redirected to the home page"
	case slices.Contains(interstitialLabels, label):
		return "redirected to " + to.Host
	case slices.ContainsFunc(strings.Split(strings.ToLower(to.Path), "/"), func(s string) bool { return slices.Contains(interstitialSegments, s) }):
		return "redirected to " + to.Path
	case len(strings.Trim(from.Path, "/")) > 1 && strings.Contains(queryText(to), strings.TrimRight(from.Path, "/")):
		return "redirected to a page that returns to the link"
	}
	return ""
}

// queryText is a URL's query with its escapes undone.
func queryText(u *url.URL) string {
	q, err := url.QueryUnescape(u.RawQuery)
	if err != nil {
		return u.RawQuery
	}
	return q
}

// aggregated reports whether an item's link leads to an aggregator's page
// rather than to its publisher's (a Google News link whose identifier
// names the article opaquely; see parser.Item.Publisher): that page says
// nothing of the article, and its picture, canonical address and site
// name would be taken for the article's.
func aggregated(it parser.Item) bool {
	return it.PublisherURL != "" && curate.RegistrableDomain(hostOf(it.Link)) != curate.RegistrableDomain(hostOf(it.PublisherURL))
}
