package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Build writes the website into dir: one folder with an index.html for each
// page, the assets, and 404.html. Links between pages are relative, so the
// copy works under any base URL. Search on a static copy asks api/search
// when a server answers there, and says it is unavailable otherwise.
func (w *Web) Build(ctx context.Context, dir string) error {
	sb, err := w.NewBuild(ctx)
	if err != nil {
		return err
	}
	return sb.Build(ctx, dir)
}

// StaticBuild is one static build of the website. The build needs every
// news record; a caller that reads them all anyway (the API build) hands
// them over with AddNews, sparing the build its own read of the store.
type StaticBuild struct {
	w   *Web
	gen int64     // the store generation when the build was made
	s   *snapshot // the site and its voices; the rest is derived by Build

	mu   sync.Mutex
	news map[string]*entry // by record path
}

// NewBuild starts a static build of the store as it is now.
func (w *Web) NewBuild(ctx context.Context) (*StaticBuild, error) {
	gen, err := w.st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("build website: store generation: %w", err)
	}
	s, err := w.newSnapshot(ctx, gen, w.now())
	if err != nil {
		return nil, fmt.Errorf("build website: %w", err)
	}
	return &StaticBuild{w: w, gen: gen, s: s, news: map[string]*entry{}}, nil
}

// AddNews hands the build a news record read from the store since
// NewBuild; a record added twice replaces the first. It is safe for
// concurrent use and keeps only what the pages show of r.
func (sb *StaticBuild) AddNews(r *model.Record) {
	if r == nil || r.Article == nil || r.Kind != model.KindNews {
		return
	}
	e := sb.s.newEntry(r)
	sb.mu.Lock()
	sb.news[e.path] = e
	sb.mu.Unlock()
}

// Build writes the website into dir (see Web.Build). The records given to
// AddNews are used when the store has not changed since NewBuild and they
// are all of its news; otherwise the news is read again.
func (sb *StaticBuild) Build(ctx context.Context, dir string) error {
	w, s := sb.w, sb.s
	start := time.Now()
	s.now = w.now()
	news, gen, err := sb.entries(ctx)
	if err != nil {
		return fmt.Errorf("build website: %w", err)
	}
	loaded := time.Now()
	s.gen = gen
	ix := indexNews(news)
	count := len(news)
	news = nil // the index holds them, and lets them go story by story
	if err := s.loadOthers(ctx, w.st); err != nil {
		return fmt.Errorf("build website: %w", err)
	}
	s.rankLeads(ix.leads)
	for i, id := range ix.ids {
		s.entryCoverage(id, ix.members[i])
	}
	w.buildMu.Lock()
	w.snap.Store(s)
	w.buildMu.Unlock()

	b := newBuilder(ctx, w, s, ix, dir)
	b.run()
	if err := b.close(); err != nil {
		return err
	}
	w.log.Info("build: website written", "pages", b.pages.Load(), "news", count, "read", loaded.Sub(start).Round(time.Millisecond),
		"took", time.Since(start).Round(time.Millisecond))
	return ctx.Err()
}

// entries returns the entry of every news record and the generation they
// are of.
func (sb *StaticBuild) entries(ctx context.Context) ([]*entry, int64, error) {
	sb.mu.Lock()
	news := make([]*entry, 0, len(sb.news))
	for _, e := range sb.news {
		news = append(news, e)
	}
	sb.news = map[string]*entry{}
	sb.mu.Unlock()
	if len(news) > 0 {
		gen, err := sb.w.st.Generation(ctx)
		if err != nil {
			return nil, 0, fmt.Errorf("store generation: %w", err)
		}
		total, err := sb.w.st.CountNews(ctx, store.NewsQuery{})
		if err != nil {
			return nil, 0, fmt.Errorf("count news: %w", err)
		}
		if gen == sb.gen && total == len(news) {
			return news, gen, nil
		}
	}
	return readNews(ctx, sb.w.st, sb.s)
}

// loadChunk is how many news records one query of a parallel read gets.
const loadChunk = 2000

// readNews reads every news record, keeping its entry. Decoding records
// is most of the cost, so it reads chunks of the time-ordered listing in
// parallel, one query each; if the store changed meanwhile (the chunks may
// then overlap or miss records), it reads again with one Scan, which sees
// one snapshot.
func readNews(ctx context.Context, st store.Store, s *snapshot) ([]*entry, int64, error) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store generation: %w", err)
	}
	total, err := st.CountNews(ctx, store.NewsQuery{})
	if err != nil {
		return nil, 0, fmt.Errorf("count news: %w", err)
	}
	chunks := make([][]*entry, (total+loadChunk-1)/loadChunk)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, runtime.GOMAXPROCS(0))
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1) - 1)
				if n >= len(chunks) || ctx.Err() != nil {
					return
				}
				recs, err := st.News(ctx, store.NewsQuery{Order: store.ByTime, Offset: n * loadChunk, Limit: loadChunk})
				if err != nil {
					errs[i] = fmt.Errorf("read news: %w", err)
					return
				}
				chunks[n] = s.entries(recs)
				dropOwnRelated(chunks[n])
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	after, err := st.Generation(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("store generation: %w", err)
	}
	if after == gen {
		news := make([]*entry, 0, total)
		for _, c := range chunks {
			news = append(news, c...)
		}
		return news, gen, nil
	}
	// Written meanwhile: read it all from one snapshot of the store. Its
	// generation is at least after.
	var news []*entry
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if r.Article != nil {
			news = append(news, s.newEntry(r))
		}
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("read news: %w", err)
	}
	return news, after, nil
}

// newsIndex is the news of a build grouped as the pages show it.
type newsIndex struct {
	leads   []*entry        // published records, in the store's time order
	ids     []string        // story ids, sorted
	members [][]*entry      // the members of each story, in the store's story order
	loose   []*entry        // articles in no story
	current map[string]bool // names of the records under _news/
}

// indexNews groups the news by story, each story ordered as Store.Story
// orders it (lead first, then quality descending, earliest first, then
// path). Related coverage that the pages leave out (links to the story's
// own articles) is dropped: a build keeps every entry until the end.
func indexNews(news []*entry) *newsIndex {
	ix := &newsIndex{current: map[string]bool{}}
	stories := map[string][]*entry{}
	for _, e := range news {
		if rest, ok := strings.CutPrefix(e.path, "_news/"); ok {
			ix.current[rest] = true
		}
	}
	// The store's time order: newest first, then path.
	sort.Slice(news, func(i, j int) bool {
		ti, tj := news[i].card.Time.UnixMicro(), news[j].card.Time.UnixMicro()
		if ti != tj {
			return ti > tj
		}
		return news[i].path < news[j].path
	})
	for _, e := range news {
		if e.published {
			ix.leads = append(ix.leads, e)
		}
		id := e.card.Story
		if id == "" {
			ix.loose = append(ix.loose, e)
			e.related = keepRelated(e.related, map[string]bool{e.webURL: true})
			continue
		}
		if stories[id] == nil {
			ix.ids = append(ix.ids, id)
		}
		stories[id] = append(stories[id], e)
	}
	sort.Strings(ix.ids)
	ix.members = make([][]*entry, len(ix.ids))
	for i, id := range ix.ids {
		members := stories[id]
		ix.members[i] = members
		sort.SliceStable(members, func(i, j int) bool { return storyBefore(members[i], members[j]) })
		own := make(map[string]bool, len(members))
		for _, e := range members {
			own[e.webURL] = true
		}
		for _, e := range members {
			e.related = keepRelated(e.related, own)
		}
	}
	return ix
}

// dropOwnRelated drops the related coverage of each entry that links to
// another entry of its story among es, as indexNews does with the whole
// story: most of a story's articles are read together, and a build holds
// every entry until its story is written.
func dropOwnRelated(es []*entry) {
	own := map[string]map[string]bool{} // story id → its articles' URLs
	for _, e := range es {
		if id := e.card.Story; id != "" {
			if own[id] == nil {
				own[id] = map[string]bool{}
			}
			own[id][e.webURL] = true
		}
	}
	for _, e := range es {
		if id := e.card.Story; id != "" && len(e.related) > 0 {
			e.related = keepRelated(e.related, own[id])
		}
	}
}

// keepRelated returns a copy of the related coverage not linking to skip,
// nil when there is none.
func keepRelated(rel []relatedRef, skip map[string]bool) []relatedRef {
	var out []relatedRef
	for _, r := range rel {
		if !skip[r.webURL] {
			out = append(out, r)
		}
	}
	return out
}

// storyBefore orders a story's members as Store.Story does; ties are
// left in time order, which ends in path order.
func storyBefore(x, y *entry) bool {
	if x.published != y.published {
		return x.published
	}
	if x.quality != y.quality {
		return x.quality > y.quality
	}
	return x.card.Time.UnixMicro() < y.card.Time.UnixMicro()
}

// builder renders pages on every processor and hands them to one writer.
type builder struct {
	w   *Web
	s   *snapshot
	ix  *newsIndex
	dir string
	ctx context.Context

	mu  sync.Mutex
	err error

	cards sync.Map // record path → its card, see page.Card

	writes chan fileWrite
	wrote  chan struct{} // closed when the writer is done
	pages  atomic.Int64
}

// fileWrite is a rendered page on its way to its file.
type fileWrite struct {
	name string
	buf  *bytes.Buffer
}

func newBuilder(ctx context.Context, w *Web, s *snapshot, ix *newsIndex, dir string) *builder {
	b := &builder{w: w, s: s, ix: ix, dir: dir, ctx: ctx, writes: make(chan fileWrite, 64), wrote: make(chan struct{})}
	go b.writer()
	return b
}

// writer writes the files one at a time: concurrent creates in one folder
// only contend for its lock in the kernel, burning the processor the
// renderers use.
func (b *builder) writer() {
	defer close(b.wrote)
	for fw := range b.writes {
		if b.failed() == nil {
			if err := writeFile(fw.name, fw.buf.Bytes()); err != nil {
				b.fail(err)
			}
		}
		putBuf(fw.buf)
	}
}

// close waits for the writer and returns the first error.
func (b *builder) close() error {
	close(b.writes)
	<-b.wrote
	return b.failed()
}

// run writes every page.
func (b *builder) run() {
	if err := b.writeAssets(); err != nil {
		b.fail(err)
		return
	}
	w, s := b.w, b.s
	b.pageErr(w.homePage(b.ctx, s))
	b.page(w.eventsPage(s))
	b.page(w.peoplePage(s))
	b.page(w.learningPage(s))
	search, _ := w.searchPage(b.ctx, s, url.Values{}, true)
	b.page(search)
	nf := w.notFoundPage("/404.html")
	if root := w.rootURL(); root != "" {
		nf.Base = root // served for any missing path: relative links would break
	}
	b.file("404.html", nf)
	if b.failed() != nil {
		return
	}
	// Each story's entries are let go once its pages are written: only
	// the leads' cards are needed after.
	b.parallel(len(b.ix.ids)+len(b.ix.loose), func(i int) {
		if i < len(b.ix.ids) {
			b.story(b.ix.ids[i], b.ix.members[i])
			b.ix.members[i] = nil
		} else {
			j := i - len(b.ix.ids)
			b.article(b.ix.loose[j], nil, map[string][]string{})
			b.ix.loose[j] = nil
		}
	})
	b.ix.leads = nil
	b.topics()
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
	size := b.s.pageSize()
	for _, t := range b.s.site.Topics {
		pages := max(1, (len(b.s.byTopic[t.Name])+size-1)/size)
		for n := 1; n <= pages; n++ {
			todo = append(todo, topicPage{t.ID, n})
		}
	}
	b.parallel(len(todo), func(i int) {
		b.pageErr(b.w.topicPage(b.ctx, b.s, todo[i].id, todo[i].n))
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

func (b *builder) pageErr(pg *page, err error) {
	if err != nil {
		b.fail(err)
		return
	}
	b.page(pg)
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
	if !pg.NoIndex && b.w.rootURL() != "" {
		pg.Canonical = b.w.rootURL() + pg.Path
	}
	pg.cards = &b.cards
	name, err := filePath(b.dir, p)
	if err != nil {
		b.fail(err)
		return
	}
	buf := bufPool.Get().(*bytes.Buffer)
	if err := b.w.tmpl.render(buf, pg); err != nil {
		putBuf(buf)
		b.fail(fmt.Errorf("build %s: %w", p, err))
		return
	}
	b.pages.Add(1)
	b.writes <- fileWrite{name, buf}
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

// filePath maps a site path (URL-escaped segments) to a file under dir,
// refusing anything that would leave it.
func filePath(dir, p string) (string, error) {
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		u, err := url.PathUnescape(seg)
		if err != nil || strings.ContainsAny(u, `/\`) || u == "." || u == ".." || (u == "" && i != len(segs)-1) {
			return "", fmt.Errorf("build: unsafe page path %q", p)
		}
		segs[i] = u
	}
	return filepath.Join(append([]string{dir}, segs...)...), nil
}

func writeFile(name string, data []byte) error {
	// Most pages are a new folder in an existing one: try that first.
	dir := filepath.Dir(name)
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("build: %w", err)
		}
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("build: %w", err)
	}
	return nil
}

func (b *builder) writeAssets() error {
	names := make([]string, 0, len(b.w.tmpl.assets))
	for n := range b.w.tmpl.assets {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := writeFile(filepath.Join(b.dir, "assets", n), b.w.tmpl.assets[n]); err != nil {
			return err
		}
	}
	return writeFile(filepath.Join(b.dir, "favicon.svg"), b.w.tmpl.assets["favicon.svg"])
}

// story writes one story's page and its members' article pages.
func (b *builder) story(id string, members []*entry) {
	sc := b.s.storyCards(id, members)
	pg, err := b.w.storyView(b.s, sc)
	if errors.Is(err, errNotFound) {
		return
	}
	if err != nil {
		b.fail(err)
		return
	}
	items := map[string][]string{}
	pg.items = items
	b.page(pg)
	for _, e := range members {
		b.article(e, sc, items)
	}
}

// article writes one article's page. An archived record whose name is also
// under _news/ yields to it, as the server does.
func (b *builder) article(e *entry, sc *storyCards, items map[string][]string) {
	if rest, ok := strings.CutPrefix(e.path, "_archive/news/"); ok && b.ix.current[rest] {
		return
	}
	pg := b.w.articleView(b.s, e, sc)
	pg.items = items
	b.page(pg)
}
