package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Build writes the website into dir: one folder with an index.html for each
// page, the assets, and 404.html. Links between pages are relative, so the
// copy works under any base URL. Search on a static copy asks api/search
// when a server answers there, and says it is unavailable otherwise.
func (w *Web) Build(ctx context.Context, dir string) error {
	s, err := w.freshSnapshot(ctx)
	if err != nil {
		return fmt.Errorf("build website: %w", err)
	}
	b := &builder{w: w, s: s, dir: dir, ctx: ctx}
	if err := b.writeAssets(); err != nil {
		return err
	}
	b.pageErr(w.homePage(ctx, s))
	b.page(w.eventsPage(s))
	b.page(w.peoplePage(s))
	b.page(w.learningPage(s))
	search, _ := w.searchPage(ctx, s, url.Values{}, true)
	b.page(search)
	nf := w.notFoundPage("/404.html")
	if root := w.rootURL(); root != "" {
		nf.Base = root // served for any missing path: relative links would break
	}
	b.file("404.html", nf)
	if b.err != nil {
		return b.err
	}
	// The story pages come first: they cache every story's coverage, which
	// the topic pages would otherwise read from the store once more.
	if err := b.news(); err != nil {
		return err
	}
	return b.topics()
}

// topics writes every page of every topic, several at a time.
func (b *builder) topics() error {
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
	var next atomic.Int64
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(todo) || b.failed() != nil || b.ctx.Err() != nil {
					return
				}
				b.pageErr(b.w.topicPage(b.ctx, b.s, todo[i].id, todo[i].n))
			}
		}()
	}
	wg.Wait()
	if err := b.failed(); err != nil {
		return err
	}
	return b.ctx.Err()
}

// builder writes pages, remembering the first error.
type builder struct {
	w   *Web
	s   *snapshot
	dir string
	ctx context.Context

	mu  sync.Mutex
	err error

	ioMu sync.Mutex // serializes file creation, see file
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

// file renders a page into the file at the site path p.
func (b *builder) file(p string, pg *page) {
	if pg.Base == "" {
		pg.Base = relBase("/" + p)
	}
	pg.Static = pg.Static || pg.Template == "search"
	if !pg.NoIndex && b.w.rootURL() != "" {
		pg.Canonical = b.w.rootURL() + pg.Path
	}
	name, err := filePath(b.dir, p)
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
	// One file is created at a time: concurrent creates in one folder
	// only contend for its lock in the kernel, burning the processor the
	// other workers render with.
	b.ioMu.Lock()
	err = writeFile(name, buf.Bytes())
	b.ioMu.Unlock()
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

// news writes every story page and every article page. The stories come
// from the snapshot's leads, one store read per story giving its page and
// its members' pages; only when that does not account for every news
// record (articles in no story, say) is the whole news read to find the
// rest.
func (b *builder) news() error {
	var ids, looseLeads []string
	seen := map[string]bool{}
	for _, c := range b.s.top {
		switch {
		case c.Story == "":
			looseLeads = append(looseLeads, c.rec)
		case !seen[c.Story]:
			seen[c.Story] = true
			ids = append(ids, c.Story)
		}
	}
	written, err := b.stories(ids)
	if err != nil {
		return err
	}
	total, err := b.w.st.CountNews(b.ctx, store.NewsQuery{})
	if err != nil {
		return fmt.Errorf("build: count news: %w", err)
	}
	if written+len(looseLeads) == total {
		return b.looseArticles(b.ctx, looseLeads)
	}
	all, loose, err := b.listNews(b.ctx)
	if err != nil {
		return err
	}
	var rest []string
	for _, id := range all {
		if !seen[id] {
			rest = append(rest, id)
		}
	}
	if _, err := b.stories(rest); err != nil {
		return err
	}
	return b.looseArticles(b.ctx, loose)
}

// stories writes the pages of the given stories, several at a time, and
// returns how many news records they hold.
func (b *builder) stories(ids []string) (int, error) {
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	var written atomic.Int64
	queue := make(chan string)
	var wg sync.WaitGroup
	// More workers than processors: writing files waits on the disk.
	for range 4 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range queue {
				n, err := b.story(ctx, id)
				if err != nil {
					b.fail(err)
					cancel()
				}
				written.Add(int64(n))
			}
		}()
	}
feed:
	for _, id := range ids {
		select {
		case queue <- id:
		case <-ctx.Done():
			break feed
		}
	}
	close(queue)
	wg.Wait()
	if err := b.failed(); err != nil {
		return 0, err
	}
	return int(written.Load()), b.ctx.Err()
}

// listNews returns the ids of every story and the paths of the articles in
// none.
func (b *builder) listNews(ctx context.Context) (ids, loose []string, err error) {
	seen := map[string]bool{}
	err = b.w.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		switch {
		case r.Article == nil:
		case r.Article.Story == "":
			loose = append(loose, r.Path)
		case !seen[r.Article.Story]:
			seen[r.Article.Story] = true
			ids = append(ids, r.Article.Story)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("build: list news: %w", err)
	}
	sort.Strings(ids)
	return ids, loose, nil
}

// story writes one story's page and its members' article pages, and
// returns the number of members.
func (b *builder) story(ctx context.Context, id string) (int, error) {
	members, err := b.w.st.Story(ctx, id)
	if err != nil {
		return 0, fmt.Errorf("build story %s: %w", id, err)
	}
	pg, err := b.w.storyView(b.s, id, members)
	if errors.Is(err, errNotFound) {
		return len(members), nil
	}
	if err != nil {
		return 0, err
	}
	items := map[cardKey]template.HTML{}
	pg.items = items
	b.page(pg)
	mc := b.s.memberCards(id, members)
	for _, r := range members {
		if err := b.article(ctx, r, members, items, mc); err != nil {
			return 0, err
		}
	}
	return len(members), nil
}

// looseArticles writes the pages of articles that belong to no story.
func (b *builder) looseArticles(ctx context.Context, loose []string) error {
	for _, p := range loose {
		r, err := b.w.st.Get(ctx, p)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the snapshot
		}
		if err != nil {
			return fmt.Errorf("build %s: %w", p, err)
		}
		if err := b.article(ctx, r, nil, nil, nil); err != nil {
			return err
		}
	}
	return b.failed()
}

// article writes one article's page. An archived record whose name is also
// under _news/ yields to it, as the server does.
func (b *builder) article(ctx context.Context, r *model.Record, members []*model.Record, items map[cardKey]template.HTML, mc *memberCards) error {
	if r.Article == nil {
		return nil
	}
	if rest, ok := strings.CutPrefix(r.Path, "_archive/news/"); ok {
		if _, err := b.w.st.Get(ctx, "_news/"+rest); err == nil {
			return nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("build %s: %w", r.Path, err)
		}
	}
	pg := b.w.articleViewCards(b.s, r, members, mc)
	pg.items = items
	b.page(pg)
	return nil
}
