package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"path"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
)

// Build puts the website of the view v into out: one folder with an
// index.html for each page, the assets, the pictures, and 404.html. Links between pages
// are relative, so the copy works under any base URL. Search on a static
// copy asks api/search when a server answers there, and says it is
// unavailable otherwise. Its signature is that of publish.BuildOptions'
// Extra, so the website lands in the API build's folder from its view.
func (w *Web) Build(ctx context.Context, v *publish.View, out *publish.Output) error {
	start := time.Now()
	vc := newViewCache(v)
	vc.leadsOnly = true
	b := &builder{w: w, vc: vc, rd: v.Reader(), out: out, ctx: ctx}
	b.run()
	if err := b.failed(); err != nil {
		return err
	}
	copied, skipped, err := w.copyPictures(ctx, out)
	if err != nil {
		return fmt.Errorf("build website: %w", err)
	}
	if skipped > 0 {
		w.log.Warn("build: files under "+PictureDir+" left out: not a picture type newshub serves, or not a regular file", "files", skipped)
	}
	related := "read with each page made"
	if b.newsPass {
		related = "one pass over the news"
	}
	w.log.Info("build: website written", "pages", b.pages.Load(), "kept", b.kept.Load(), "aged", b.st.aged.Load(), "pictures", copied,
		"related", related, "took", time.Since(start).Round(time.Millisecond))
	return ctx.Err()
}

// builder renders pages on every processor and puts them in the build's
// output, which compares each with OUT's copy where there is one. On an
// update whose output knows the previous build's stamps, a page of an
// article or a story is rendered only when its stamp no longer holds
// (see stamper), and its related coverage is read from its record then.
type builder struct {
	w  *Web
	vc *viewCache
	// rd is what the build reads of the store: the view's reader, the
	// snapshot the build holds, so the pages are of the view's
	// generation whatever is written meanwhile.
	rd  store.Reader
	st  *stamper
	out *publish.Output
	ctx context.Context

	mu  sync.Mutex
	err error

	cards sync.Map // record path → its card's fragments, see page.Card

	pages, kept atomic.Int64
	// newsPass says the related coverage of the pages was read in one
	// pass over the news (a first build, or the settings changed) rather
	// than from the records of the pages made again.
	newsPass bool
}

// run writes every page.
func (b *builder) run() {
	if err := b.writeAssets(); err != nil {
		b.fail(err)
		return
	}
	w, vc := b.w, b.vc
	b.st = newStamper(vc)
	b.page(w.homePage(vc), "")
	b.page(w.eventsPage(vc), "")
	b.page(w.peoplePage(vc), "")
	b.page(w.learningPage(vc), "")
	b.records()
	b.newsletters()
	search, _ := w.searchPage(b.ctx, vc, url.Values{}, true)
	b.page(search, "")
	nf := w.notFoundPage(vc, "/404.html")
	if root := rootURL(vc.v); root != "" {
		nf.Base = root // served for any missing path: relative links would break
	}
	// The page every build renders whatever changed carries the site's
	// hash as its stamp: the next build, in this process or another
	// (the stamps are saved with OUT's manifest), knows from it whether
	// the settings changed.
	b.file("404.html", nf, b.st.siteStamp())
	if b.failed() != nil {
		return
	}
	claims, err := b.archivedClaims()
	if err != nil {
		b.fail(fmt.Errorf("build website: %w", err))
		return
	}
	var related map[string][]model.Related
	if prev, ok := b.out.PrevStamp("404.html"); ok && prev == b.st.siteStamp() {
		// Few pages change: the records of those are read one by one.
		// After a change of the site's settings, which changes every
		// page, one pass over the news costs less.
		keys := slices.Sorted(maps.Keys(claims))
		b.parallel(len(keys), func(i int) { b.archivedAt(keys[i], claims[keys[i]]) })
	} else {
		b.newsPass = true
		related, err = b.relatedCoverage(claims)
		if err != nil {
			b.fail(fmt.Errorf("build website: %w", err))
			return
		}
	}
	// A story's pages are written together, and what they share is let
	// go after them.
	stories := vc.v.Stories()
	b.parallel(len(stories), func(i int) { b.story(stories[i], related) })
	loose := vc.v.Loose()
	b.parallel(len(loose), func(i int) { b.loose(loose[i], related) })
	b.topics()
}

// relatedCoverage reads, for each article of the view, the related
// coverage its page lists, which the view lacks: the news is read again,
// and what a page leaves out (links to its story's own articles) is
// dropped at once, so most articles keep none. An article whose record
// went since the view was loaded is written without it. The pages of
// archived articles, which the view does not hold, are written as their
// records pass.
func (b *builder) relatedCoverage(claims map[string][]archivedClaim) (map[string][]model.Related, error) {
	v := b.vc.v
	var mu sync.Mutex
	out := map[string][]model.Related{}
	var own sync.Map // story id → its articles' web URLs
	err := publish.EachNews(b.ctx, b.rd, func(r *model.Record) {
		e := v.Entry(r.Path)
		if e == nil {
			key := publish.ArticleKey(r.Path, r.Article.PublishedDateTime)
			cl, ok := claims[key]
			sum := b.st.archivedHash(v, key, cl)
			if ok && b.keep(articleFile(key), sum) {
				return // the same claims as when its page was written
			}
			b.archived(r, sum)
			return
		}
		if len(r.Article.Related) == 0 {
			return
		}
		skip := []string{e.WebURL()}
		if s := v.Story(e.Story); s != nil {
			urls, ok := own.Load(s.ID)
			if !ok {
				l := make([]string, len(s.Members))
				for i, m := range s.Members {
					l[i] = m.WebURL()
				}
				urls, _ = own.LoadOrStore(s.ID, l)
			}
			skip = urls.([]string)
		}
		var keep []model.Related
		for _, rel := range r.Article.Related {
			if !slices.Contains(skip, rel.WebURL) {
				keep = append(keep, rel)
			}
		}
		if keep != nil {
			mu.Lock()
			out[e.Path] = keep
			mu.Unlock()
		}
	})
	return out, err
}

// relatedOf returns the related coverage of an entry's page: from
// related when the news was read whole, else from its record, read now.
func (b *builder) relatedOf(e *publish.Entry, related map[string][]model.Related) []model.Related {
	if related != nil {
		return related[e.Path]
	}
	r, err := b.rd.Get(b.ctx, e.Path)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil // went since the view was loaded, as relatedCoverage
	case err != nil:
		b.fail(fmt.Errorf("build website: article %s: %w", e.Path, err))
		return nil
	case !b.vc.v.Shows(r):
		return nil
	}
	return r.Article.Related
}

// archivedClaims lists, by address, the archived news records that claim
// an address no current article of the view owns, from the store's
// index: what the pages of archived articles are made from.
func (b *builder) archivedClaims() (map[string][]archivedClaim, error) {
	v := b.vc.v
	yes := true
	claims := map[string][]archivedClaim{}
	err := b.rd.ScanNews(b.ctx, store.NewsQuery{Public: true, Archived: &yes}, func(e store.NewsEntry) error {
		key := publish.ArticleKey(e.Path, e.PublishedAt)
		if v.Article(key) == nil {
			claims[key] = append(claims[key], archivedClaim{path: e.Path, version: e.Version})
		}
		return nil
	})
	for _, cl := range claims {
		slices.SortFunc(cl, func(a, b archivedClaim) int { return strings.Compare(a.path, b.path) })
	}
	return claims, err
}

// archivedAt writes the page at an archived article's address, unless
// its stamp still holds, from the record among claims that owns it.
func (b *builder) archivedAt(key string, claims []archivedClaim) {
	sum := b.st.archivedHash(b.vc.v, key, claims)
	if b.keep(articleFile(key), sum) {
		return
	}
	for _, c := range claims {
		r, err := b.rd.Get(b.ctx, c.path)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			b.fail(fmt.Errorf("build website: %w", err))
			return
		}
		if b.archived(r, sum) {
			return
		}
	}
}

// archived writes the page of an archived article, unless another record
// owns its address, and reports whether it did.
func (b *builder) archived(r *model.Record, sum uint64) bool {
	owns, err := b.vc.v.OwnsArchived(b.ctx, r)
	if err != nil {
		b.fail(fmt.Errorf("build website: %w", err))
		return false
	}
	if !owns {
		return false
	}
	ts := relatedTimes([]time.Time{r.Article.PublishedDateTime}, r.Article.Related)
	b.page(b.w.archivedView(b.vc, r), b.st.stamp(sum, ts))
	return true
}

// story writes a story's page and its members' article pages, which
// share the story's rendered items, but those whose stamp still holds.
func (b *builder) story(s *publish.Story, related map[string][]model.Related) {
	v := b.vc.v
	group := b.st.storyHash(v, s)
	times := make([]time.Time, len(s.Members))
	for i, e := range s.Members {
		times[i] = e.Time
	}
	storySum := b.st.of(group, "")
	keepStory := b.keep(storyFile(s.ID), storySum)
	var todo []*publish.Entry
	for _, e := range s.Members {
		// An article whose address another record owns (an archived
		// copy of a live article) has no page here.
		if v.Article(e.Key) == e && !b.keep(articleFile(e.Key), b.st.of(group, e.Path)) {
			todo = append(todo, e)
		}
	}
	if keepStory && len(todo) == 0 {
		return
	}
	sc := b.vc.storyCards(s)
	items := &sync.Map{}
	if !keepStory {
		pg, err := b.w.storyView(b.vc, sc)
		if err != nil {
			b.fail(err)
			return
		}
		pg.items = items
		b.page(pg, b.st.stamp(storySum, times))
	}
	for _, e := range todo {
		rel := b.relatedOf(e, related)
		pg := b.w.articleView(b.vc, e, sc, rel)
		pg.items = items
		b.page(pg, b.st.stamp(b.st.of(group, e.Path), relatedTimes(slices.Clip(times), rel)))
	}
}

// loose writes the page of an article in no story, unless its stamp
// still holds or another record owns its address.
func (b *builder) loose(e *publish.Entry, related map[string][]model.Related) {
	if b.vc.v.Article(e.Key) != e {
		return
	}
	sum := b.st.looseHash(e)
	if b.keep(articleFile(e.Key), sum) {
		return
	}
	rel := b.relatedOf(e, related)
	b.page(b.w.articleView(b.vc, e, nil, rel), b.st.stamp(sum, relatedTimes([]time.Time{e.Time}, rel)))
}

// keep leaves OUT's file at rel as it is when its stamp still holds for
// inputs hashing to sum.
func (b *builder) keep(rel string, sum uint64) bool {
	if rel == "" || !b.out.KeepStamped(rel, func(prev string) bool { return b.st.fresh(prev, sum) }) {
		return false
	}
	b.kept.Add(1)
	return true
}

// parallel calls fn for 0…n-1 on every processor, until the build fails.
func (b *builder) parallel(n int, fn func(int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || b.failed() != nil || b.ctx.Err() != nil {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// topics writes every page of every topic.
func (b *builder) topics() {
	type topicPage struct {
		id string
		n  int
	}
	var todo []topicPage
	size := b.vc.pageSize()
	for _, t := range b.vc.site.Topics {
		pages := max(1, (len(b.vc.v.RankedIn(t.ID))+size-1)/size)
		for n := 1; n <= pages; n++ {
			todo = append(todo, topicPage{t.ID, n})
		}
	}
	b.parallel(len(todo), func(i int) {
		pg, err := b.w.topicPage(b.vc, todo[i].id, todo[i].n)
		if err != nil {
			b.fail(err)
			return
		}
		b.page(pg, "")
	})
}

func (b *builder) fail(err error) {
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
}

func (b *builder) failed() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}

// page writes a page at <path>/index.html, with its stamp ("" for
// none).
func (b *builder) page(pg *page, stamp string) {
	b.file(pg.Path+"index.html", pg, stamp)
}

// file renders a page for the file at the site path p.
func (b *builder) file(p string, pg *page, stamp string) {
	if pg.Base == "" {
		pg.Base = relBase("/" + p)
	}
	pg.Static = pg.Static || pg.Template == "search"
	if root := rootURL(b.vc.v); !pg.NoIndex && root != "" {
		pg.Canonical = root + pg.Path
	}
	pg.cards = &b.cards
	name, err := filePath(p)
	if err != nil {
		b.fail(err)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	defer putBuf(buf)
	if err := b.w.tmpl.render(buf, pg); err != nil {
		b.fail(fmt.Errorf("build %s: %w", p, err))
		return
	}
	b.pages.Add(1)
	if b.w.onPage != nil {
		b.w.onPage(name)
	}
	if stamp != "" {
		err = b.out.PutStamped(name, buf.Bytes(), stamp)
	} else {
		err = b.out.Put(name, buf.Bytes())
	}
	if err != nil {
		b.fail(err)
	}
}

// bufPool holds page buffers: a build renders a page per article, and
// growing a fresh buffer for each is most of what the collector then scans.
var bufPool = sync.Pool{New: func() any { return bytes.NewBuffer(make([]byte, 0, 64<<10)) }}

func putBuf(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return // an outsized page: let it go rather than pin it
	}
	buf.Reset()
	bufPool.Put(buf)
}

// filePath maps a site path (URL-escaped segments) to the slash path of
// its file in the build, refusing anything that would leave it.
func filePath(p string) (string, error) {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil || strings.ContainsAny(u, `/\`) || u == "." || u == ".." || (u == "" && i != len(segs)-1) {
			return "", fmt.Errorf("build: unsafe page path %q", p)
		}
		segs[i] = u
	}
	return path.Join(segs...), nil
}

func (b *builder) writeAssets() error {
	names := make([]string, 0, len(b.w.tmpl.assets))
	for n := range b.w.tmpl.assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := b.out.Put("assets/"+n, b.w.tmpl.assets[n]); err != nil {
			return err
		}
	}
	return b.out.Put("favicon.svg", b.w.tmpl.assets["favicon.svg"])
}
