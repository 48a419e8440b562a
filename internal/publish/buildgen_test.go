package publish_test

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// TestBuildHoldsOneGeneration builds a hub, API and website, on SQLite
// and PostgreSQL, while a writer in the same process commits generation
// after generation, each giving every current article's title, its
// related coverage and every event's name the number of its write: every
// file of the build names them as one generation left them (the news and
// the events are read by queries of their own, the related coverage by
// the website after the view), where the website read the store as it was
// by then, and on PostgreSQL every read after the view's did.
func TestBuildHoldsOneGeneration(t *testing.T) {
	for _, sto := range publish.StoreCases() {
		t.Run(sto.Name, func(t *testing.T) {
			st, s, w := writtenHub(t, sto, 60, false)
			out := filepath.Join(t.TempDir(), "out")
			w.during(t, func() error {
				_, err := publish.Build(context.Background(), st, s, out, publish.BuildOptions{Options: publish.GenOptions(), Extra: siteBuild(t, st)})
				return err
			})
			checkOneGeneration(t, testutil.Files(t, out), w.writes)
		})
	}
}

// TestPublishingBuildHoldsOneGeneration builds from the views a server
// holds (serve --publish), first a whole tree, then an update of it, on
// SQLite and PostgreSQL, while a writer in the same process commits
// generation after generation, each renaming an article the held view
// lists (its document moves to another key) and now and then archiving
// one: every file of each build names one generation, and every article
// a list of OUT links to has its document there, where the build took
// the server's view and read each article's record, and the website its
// related coverage, from the store as it was by then: files of two
// generations, and lists linking to the documents of articles moved
// since, which were not written.
func TestPublishingBuildHoldsOneGeneration(t *testing.T) {
	for _, sto := range publish.StoreCases() {
		t.Run(sto.Name, func(t *testing.T) {
			ctx := context.Background()
			st, s, w := writtenHub(t, sto, 30, true)
			vs := publish.NewViews(publish.ViewsConfig{Store: st, Site: s, Options: publish.GenOptions()})
			held, err := vs.Fresh(ctx)
			if err != nil {
				t.Fatal(err)
			}
			out := filepath.Join(t.TempDir(), "out")
			opt := publish.BuildOptions{Options: publish.GenOptions(), Views: vs, Manifest: &publish.Manifest{}, Extra: siteBuild(t, st)}
			for _, build := range []string{"whole", "update"} {
				w.during(t, func() error {
					_, err := publish.Build(ctx, st, s, out, opt)
					return err
				})
				t.Run(build, func(t *testing.T) {
					files := testutil.Files(t, out)
					checkOneGeneration(t, files, w.writes)
					checkLinks(t, files, held.BaseURL())
				})
			}
		})
	}
}

// siteBuild is the website's part of a build of st.
func siteBuild(t *testing.T, st store.Store) []func(context.Context, *publish.View, *publish.Output) error {
	site, err := web.New(web.Config{Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	return []func(context.Context, *publish.View, *publish.Output) error{site.Build}
}

// writtenHub opens a store of sto holding a generated hub of n articles,
// and its genWriter.
func writtenHub(t *testing.T, sto publish.StoreCase, n int, churn bool) (store.Store, *site.Site, *genWriter) {
	st, s := publish.GenStoreIn(t, sto.Open(t), n)
	return st, s, newGenWriter(t, st, churn)
}

// genWriter writes generations of a hub whose every current article's
// title, related coverage and every event's name carry the number of the
// write ("[g3]"); with churn, each write also renames a current article
// and every fourth archives one, while more than half of them are left.
type genWriter struct {
	st       store.Store
	recs     []*model.Record
	plain    []string // each record's title or name as generated
	churn    bool
	articles int // articles, current or archived
	left     int // current articles
	writes   int // the last write's number
}

func newGenWriter(t *testing.T, st store.Store, churn bool) *genWriter {
	ctx := context.Background()
	no := false
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Archived: &no})
	if err != nil {
		t.Fatal(err)
	}
	w := &genWriter{st: st, churn: churn, articles: len(recs), left: len(recs)}
	err = st.Scan(ctx, []model.Kind{model.KindEvent}, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	w.recs = recs
	for _, r := range recs {
		w.plain = append(w.plain, *name(r))
	}
	if err := w.write(ctx, 0); err != nil {
		t.Fatal(err)
	}
	return w
}

// name is the field of r that carries the write's number.
func name(r *model.Record) *string {
	if r.Event != nil {
		return &r.Event.Name
	}
	return &r.Article.Title
}

// write commits write k: the moves first, each a generation whose titles
// are all the previous write's, then every title in one.
func (w *genWriter) write(ctx context.Context, k int) error {
	if w.churn && k > 0 {
		if err := w.move(ctx, k, fmt.Sprintf("-m%d.md", k)); err != nil {
			return err
		}
		if k%4 == 0 && 2*(w.left-1) > w.articles {
			if err := w.move(ctx, k+1, ""); err != nil {
				return err
			}
			w.left--
		}
	}
	for i, r := range w.recs {
		*name(r) = fmt.Sprintf("%s [g%d]", w.plain[i], k)
		if a := r.Article; a != nil {
			a.Related = []model.Related{{Title: fmt.Sprintf("Elsewhere [g%d]", k), WebURL: fmt.Sprintf("https://elsewhere.example/%d", i)}}
		}
	}
	w.writes = k
	return w.st.Upsert(ctx, w.recs)
}

// renamed matches the end of a news path: the suffix move gave it, if
// any, and ".md".
var renamed = regexp.MustCompile(`(-m\d+)?\.md$`)

// move moves the n-th current article (round the list): to the archive
// when suffix is "", else to the name its path gets with suffix for ".md".
func (w *genWriter) move(ctx context.Context, n int, suffix string) error {
	var cur []*model.Record
	for _, r := range w.recs {
		if r.Article != nil && !strings.HasPrefix(r.Path, content.ArchiveDir) {
			cur = append(cur, r)
		}
	}
	r := cur[n%len(cur)]
	to, _ := content.NewsPathIn(r.Path, true)
	if suffix != "" {
		to = renamed.ReplaceAllString(r.Path, "") + suffix
	}
	if err := w.st.Move(ctx, []store.Move{{From: r.Path, To: to}}); err != nil {
		return fmt.Errorf("move %s to %s: %w", r.Path, to, err)
	}
	r.Path = to
	return nil
}

// during runs fn while the writer commits write after write, and fails t
// when either fails.
func (w *genWriter) during(t *testing.T, fn func() error) {
	ctx := context.Background()
	var (
		wg       sync.WaitGroup
		writeErr error
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := w.writes + 1; writeErr == nil; k++ {
			select {
			case <-done:
				return
			default:
				writeErr = w.write(ctx, k)
			}
		}
	}()
	err := fn()
	close(done)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if writeErr != nil {
		t.Fatal(writeErr)
	}
}

// checkOneGeneration fails t unless every file of a build names the same
// one of writes.
func checkOneGeneration(t *testing.T, files map[string][]byte, writes int) {
	t.Helper()
	mark := regexp.MustCompile(`\[g(\d+)\]`)
	seen := map[string]string{} // generation mark → a file holding it
	for rel, data := range files {
		for _, m := range mark.FindAllSubmatch(data, -1) {
			if _, ok := seen[string(m[1])]; !ok {
				seen[string(m[1])] = rel
			}
		}
	}
	if len(seen) != 1 {
		t.Errorf("the build, over %d writes, holds the titles of %d writes, want one: %v", writes, len(seen), seen)
	}
}

// checkLinks fails t unless every document of the API that a file of a
// build links to (base + "/api/…") is one of its files, and there are
// such links (a base the build does not write would find none).
func checkLinks(t *testing.T, files map[string][]byte, base string) {
	t.Helper()
	link := regexp.MustCompile(regexp.QuoteMeta(base) + `/(api/[^"]*?index\.json)`)
	missing := map[string]string{} // document → a file linking to it
	links := 0
	for rel, data := range files {
		for _, m := range link.FindAllSubmatch(data, -1) {
			links++
			if _, ok := files[string(m[1])]; !ok {
				missing[string(m[1])] = rel
			}
		}
	}
	if links == 0 {
		t.Errorf("no file of the build, of %d, links to a document under %s/api/", len(files), base)
	}
	if len(missing) > 0 {
		t.Errorf("%d documents linked to are missing, as (document: linked from) %v", len(missing), missing)
	}
}
