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
