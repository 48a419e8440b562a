package web

import (
	"bytes"
	"context"
	"fmt"
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
	b := &builder{w: w, vc: vc, out: out, ctx: ctx}
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
	w.log.Info("build: website written", "pages", b.pages.Load(), "pictures", copied, "took", time.Since(start).Round(time.Millisecond))
	return ctx.Err()
}

// builder renders pages on every processor and puts them in the build's
// output, which compares each with OUT's copy where there is one.
type builder struct {
	w   *Web
	vc  *viewCache
	out *publish.Output
	ctx context.Context

	mu  sync.Mutex
	err error

	cards sync.Map // record path → its card's fragments, see page.Card

	pages atomic.Int64
}

// run writes every page.
func (b *builder) run() {
	if err := b.writeAssets(); err != nil {
		b.fail(err)
		return
	}
	w, vc := b.w, b.vc
	b.page(w.homePage(vc))
	b.page(w.eventsPage(vc))
	b.page(w.peoplePage(vc))
	b.page(w.learningPage(vc))
	b.newsletters()
	search, _ := w.searchPage(b.ctx, vc, url.Values{}, true)
	b.page(search)
	nf := w.notFoundPage(vc, "/404.html")
	if root := rootURL(vc.v); root != "" {
		nf.Base = root // served for any missing path: relative links would break
	}
	b.file("404.html", nf)
	if b.failed() != nil {
		return
	}
	related, err := b.relatedCoverage()
	if err != nil {
		b.fail(fmt.Errorf("build website: %w", err))
		return
	}
	// A story's pages are written together, and what they share is let
	// go after them.
	stories := vc.v.Stories()
	b.parallel(len(stories), func(i int) { b.story(stories[i], related) })
	loose := vc.v.Loose()
	b.parallel(len(loose), func(i int) { b.article(loose[i], nil, related, nil) })
	b.topics()
}

// relatedCoverage reads, for each article of the view, the related
// coverage its page lists, which the view lacks: the news is read again,
// and what a page leaves out (links to its story's own articles) is
// dropped at once, so most articles keep none. An article whose record
// went since the view was loaded is written without it. The pages of
// archived articles, which the view does not hold, are written as their
// records pass.
func (b *builder) relatedCoverage() (map[string][]model.Related, error) {
	v := b.vc.v
	var mu sync.Mutex
	out := map[string][]model.Related{}
	var own sync.Map // story id → its articles' web URLs
	err := publish.EachNews(b.ctx, b.w.st, func(r *model.Record) {
		e := v.Entry(r.Path)
		if e == nil {
			b.archived(r)
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

// archived writes the page of an archived article, unless another record
// owns its address.
func (b *builder) archived(r *model.Record) {
	owns, err := b.vc.v.OwnsArchived(b.ctx, r)
	if err != nil {
		b.fail(fmt.Errorf("build website: %w", err))
		return
	}
	if owns {
		b.page(b.w.archivedView(b.vc, r))
	}
}

// story writes a story's page and its members' article pages, which
// share the story's rendered items.
func (b *builder) story(s *publish.Story, related map[string][]model.Related) {
	sc := b.vc.storyCards(s)
	pg, err := b.w.storyView(b.vc, sc)
	if err != nil {
		b.fail(err)
		return
	}
	items := &sync.Map{}
	pg.items = items
	b.page(pg)
	for _, e := range s.Members {
		b.article(e, sc, related, items)
	}
}

// article writes an article's page, unless another record owns its
// address (an archived copy of a live article).
func (b *builder) article(e *publish.Entry, sc *storyCards, related map[string][]model.Related, items *sync.Map) {
	if b.vc.v.Article(e.Key) != e {
		return
	}
	pg := b.w.articleView(b.vc, e, sc, related[e.Path])
	pg.items = items
	b.page(pg)
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
		b.page(pg)
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

// page writes a page at <path>/index.html.
func (b *builder) page(pg *page) {
	b.file(pg.Path+"index.html", pg)
}

// file renders a page for the file at the site path p.
func (b *builder) file(p string, pg *page) {
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
	if err := b.out.Put(name, buf.Bytes()); err != nil {
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
