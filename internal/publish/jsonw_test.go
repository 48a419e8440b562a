package publish

import (
	"bytes"
	"context"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// TestNewsWriterMatchesEncodingJSON checks the hand-written news encoder
// against encoding/json on generated and real records (the real ones when
// the shared sample is present) and on strings that need escaping.
func TestNewsWriterMatchesEncodingJSON(t *testing.T) {
	type hubArticle struct {
		h *Hub
		r *model.Record
	}
	var arts []hubArticle
	add := func(st store.Store, s *site.Site) *Hub {
		h, err := Load(context.Background(), st, s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
			arts = append(arts, hubArticle{h, r})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	h := add(genStore(t, 60))
	if _, ok := testutil.SharedIfPresent(t, "smartable-sample"); ok {
		add(electionStore(t))
	}
	odd := "quote \" backslash \\ nl \n cr \r tab \t bell \a bs \b ff \f nul \x00 del \x7f " +
		"bad \xff\xfe utf8 é 中文 🙂 ls \u2028 ps \u2029 html <a href='x'>&amp;</a>"
	oddArt := &model.Article{Title: odd, Excerpt: odd, WebURL: odd, OriginalURL: odd, AmpWebURL: odd, Type: odd,
		PublishedDateTime: time.Date(2021, 2, 3, 4, 5, 6, 789, time.UTC),
		Provider:          model.Provider{Name: odd, Domain: odd, Images: []model.Image{{URL: odd, Title: odd}}},
		Topics:            []string{odd, "Democratic Voice"}, Images: []model.Image{{URL: odd, Width: -1}},
		Related: []model.Related{{Title: odd, Excerpt: odd, WebURL: odd, Type: odd, Quality: 3,
			Provider: model.Provider{Name: odd}, Images: []model.Image{{URL: odd}}}}}
	arts = append(arts, hubArticle{h, &model.Record{Path: "_news/2021-02-03-odd.md", Kind: model.KindNews, Article: oddArt}},
		hubArticle{h, &model.Record{Path: "_news/2021-02-03-empty.md", Kind: model.KindNews, Article: &model.Article{}}})
	if len(arts) < 50 {
		t.Fatalf("only %d articles", len(arts))
	}
	for _, a := range arts {
		for _, related := range []bool{false, true} {
			for _, prefix := range []string{"", "    "} {
				it := a.h.newsItem(a.r.Path, a.r.Article, related)
				want, err := encodeIndent(it, prefix)
				if err != nil {
					t.Fatal(err)
				}
				if got := encodeNews(it, prefix); !bytes.Equal(got, want) {
					t.Fatalf("%s (related %v, prefix %q):\ngot  %s\nwant %s", a.r.Path, related, prefix, got, want)
				}
			}
		}
	}
}
