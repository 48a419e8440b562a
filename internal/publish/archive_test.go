package publish

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/store"
)

// TestViewHoldsCurrentNewsOnly checks that a served view holds no archived
// article, and that it answers every archived article's document, read
// from the store, with the bytes a build writes for it.
func TestViewHoldsCurrentNewsOnly(t *testing.T) {
	st, s := genStore(t, 300)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	v, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	current := false
	want, err := st.CountNews(ctx, store.NewsQuery{Public: true, Archived: &current})
	if err != nil {
		t.Fatal(err)
	}
	if len(v.news) != want {
		t.Errorf("the view holds %d articles, the store has %d current", len(v.news), want)
	}
	for p := range v.news {
		if strings.HasPrefix(p, "_archive/") {
			t.Errorf("the view holds archived %s", p)
		}
	}
	archived := 0
	yes := true
	err = st.ScanNews(ctx, store.NewsQuery{Public: true, Archived: &yes}, func(e store.NewsEntry) error {
		key := ArticleKey(e.Path, e.PublishedAt)
		if _, ok := v.articles[key]; ok {
			return nil // a current article owns the address
		}
		archived++
		built, err := os.ReadFile(filepath.Join(out, "api/news", filepath.FromSlash(key), "index.json"))
		if err != nil {
			t.Errorf("%s: %v", e.Path, err)
			return nil
		}
		d, err := v.Doc(ctx, "api/news/"+key+"/")
		switch {
		case err != nil:
			t.Errorf("%s: %v", e.Path, err)
		case !bytes.Equal(d.Body, built):
			t.Errorf("%s: the served document differs from the built one", e.Path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if archived < 10 {
		t.Errorf("only %d archived articles in the generated hub", archived)
	}
	for _, key := range []string{"2020/01/01/no-such-article", "2020/01/01/a b", "20/01/01/x"} {
		if _, err := v.Doc(ctx, "api/news/"+key+"/"); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want not found", key, err)
		}
	}
}

// TestArticleArchivedSinceTheViewLoadedIsServed checks that an article a
// view holds keeps its document once it is archived, before a new view is
// loaded: read from its new place, as a build would write it then.
func TestArticleArchivedSinceTheViewLoadedIsServed(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	v, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.leads) == 0 {
		t.Fatal("no current lead")
	}
	e := v.leads[0]
	to, _ := strings.CutPrefix(e.Path, "_news/")
	to = "_archive/news/" + to
	if err := st.Move(ctx, []store.Move{{From: e.Path, To: to}}); err != nil {
		t.Fatal(err)
	}
	d, err := v.Doc(ctx, "api/news/"+e.Key+"/")
	if err != nil {
		t.Fatalf("the archived article's document: %v", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	built, err := os.ReadFile(filepath.Join(out, "api/news", filepath.FromSlash(e.Key), "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Body, built) || !bytes.Contains(built, []byte(to)) {
		t.Errorf("the document served differs from the one built after the move, or names no new path:\n%s", d.Body)
	}
}

// TestNextViewFindsAnOddNamedArticleArchivedMeanwhile checks that a view
// which takes the archive's odd names over from the view before it,
// without reading the archive's index, still finds an article whose file
// name is not its address and that was archived in between.
func TestNextViewFindsAnOddNamedArticleArchivedMeanwhile(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	views := NewViews(ViewsConfig{Store: st, Site: s, Options: genOptions()})
	v, err := views.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.leads) == 0 {
		t.Fatal("no current lead")
	}
	e := v.leads[0]
	if err := st.Move(ctx, []store.Move{{From: e.Path, To: "_news/odd name.md"}}); err != nil {
		t.Fatal(err)
	}
	if v, err = views.Fresh(ctx); err != nil {
		t.Fatal(err)
	}
	key := ArticleKey("_news/odd name.md", e.Time)
	if v.articles[key] != "_news/odd name.md" {
		t.Fatalf("the view has %q at %s", v.articles[key], key)
	}
	if err := st.Move(ctx, []store.Move{{From: "_news/odd name.md", To: "_archive/news/odd name.md"}}); err != nil {
		t.Fatal(err)
	}
	next, err := views.Fresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if next == v || !next.archive.scanned.Equal(v.archive.scanned) {
		t.Fatalf("want a new view that took the archive's index over (scanned %v, before %v)", next.archive.scanned, v.archive.scanned)
	}
	r, err := next.Archived(ctx, key)
	if err != nil || r.Path != "_archive/news/odd name.md" {
		t.Fatalf("archived at %s: %v, %v", key, r, err)
	}
	if _, err := next.Doc(ctx, "api/news/"+key+"/"); err != nil {
		t.Errorf("its document: %v", err)
	}
}
