package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// TestNewsWriterMatchesEncodingJSON checks the hand-written news encoder
// against encoding/json on synthetic records, on strings that need
// escaping and, when the shared sample is there, on real records.
func TestNewsWriterMatchesEncodingJSON(t *testing.T) {
	odd := "quote \" backslash \\ nl \n cr \r tab \t bell \a bs \b ff \f nul \x00 del \x7f " +
		"bad \xff\xfe utf8 é 中文 🙂 ls \u2028 ps \u2029 html <a href='x'>&amp;</a>"
	oddArt := &model.Article{Title: odd, Excerpt: odd, WebURL: odd, OriginalURL: odd, AmpWebURL: odd, Type: odd, FeaturedContent: odd,
		PublishedDateTime: time.Date(2021, 2, 3, 4, 5, 6, 789, time.UTC),
		Provider: model.Provider{Name: odd, Domain: odd, Images: []model.Image{{URL: odd, Title: odd}},
			Makers: &model.Makers{Publishers: []model.Party{{Name: odd, Domain: odd, Images: []model.Image{{URL: odd}}}, {Name: odd}},
				Authors: []model.Party{{Name: odd}}}},
		Topics: []string{odd, "Democratic Voice"}, Images: []model.Image{{URL: odd, Width: -1}},
		Related: []model.Related{{Title: odd, Excerpt: odd, WebURL: odd, Type: odd, Quality: 3,
			Provider: model.Provider{Name: odd}, Images: []model.Image{{URL: odd}}}}}
	synthetic := []*model.Record{{Path: "_news/2021-02-03-odd.md", Kind: model.KindNews, Article: oddArt},
		{Path: "_news/2021-02-03-empty.md", Kind: model.KindNews, Article: &model.Article{}}}
	t.Run("generated", func(t *testing.T) {
		st, s := genStore(t, 60)
		checkNewsWriter(t, st, s, synthetic)
	})
	t.Run("sample", func(t *testing.T) {
		st, s := electionStore(t) // skips when the sample is absent
		checkNewsWriter(t, st, s, synthetic)
	})
}

// checkNewsWriter compares the two encodings of every news record of st
// and of extra, with and without the related list, at two depths.
func checkNewsWriter(t *testing.T, st store.Store, s *site.Site, extra []*model.Record) {
	t.Helper()
	v, err := Load(context.Background(), st, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	arts := extra
	st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		arts = append(arts, r)
		return nil
	})
	if len(arts) < 40 {
		t.Fatalf("only %d articles", len(arts))
	}
	for _, r := range arts {
		for _, related := range []bool{false, true} {
			for _, prefix := range []string{"", "    "} {
				it := v.newsItem(r.Path, r.Article, related)
				want, err := encodeIndent(it, prefix)
				if err != nil {
					t.Fatal(err)
				}
				if got := encodeNews(it, prefix); !bytes.Equal(got, want) {
					t.Fatalf("%s (related %v, prefix %q):\ngot  %s\nwant %s", r.Path, related, prefix, got, want)
				}
			}
		}
	}
}

// TestDetailsReadTheItem checks that an entry's details, read at the
// marks the writer records, are what decoding its whole item gives, on
// the generated hub and on strings that need escaping.
func TestDetailsReadTheItem(t *testing.T) {
	st, s := genStore(t, 60)
	odd := "quote \" backslash \\ nl \n bad \xff utf8 é 🙂 ls \u2028 <b>&amp;</b>"
	recs := []*model.Record{
		{Path: "_news/2021-02-03-odd.md", Kind: model.KindNews, Article: &model.Article{Title: "Odd", Excerpt: odd, WebURL: odd, AmpWebURL: odd,
			FeaturedContent: `<iframe src="https://www.youtube.com/embed/x"></iframe>` + odd,
			Provider:        model.Provider{Name: "P", Images: []model.Image{{URL: odd, Title: odd, Width: 5}}},
			Images:          []model.Image{{URL: "https://a.example/1.jpg", Width: 10, Height: 5, Title: odd}, {URL: odd}}}},
		{Path: "_news/2021-02-03-empty.md", Kind: model.KindNews, Article: &model.Article{Title: "Empty"}},
	}
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	v, err := Load(context.Background(), st, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range v.news {
		var it struct {
			Excerpt         string      `json:"excerpt"`
			WebURL          string      `json:"webUrl"`
			AmpWebURL       *string     `json:"ampWebUrl"`
			FeaturedContent *string     `json:"featuredContent"`
			Images          []newsImage `json:"images"`
			Provider        struct {
				Images []newsImage `json:"images"`
			} `json:"provider"`
		}
		if err := json.Unmarshal(e.body, &it); err != nil {
			t.Fatal(err)
		}
		want := Details{Excerpt: it.Excerpt, WebURL: it.WebURL, Images: modelImages(it.Images), ProviderImages: modelImages(it.Provider.Images)}
		if it.AmpWebURL != nil {
			want.AmpWebURL = *it.AmpWebURL
		}
		if it.FeaturedContent != nil {
			want.FeaturedContent = *it.FeaturedContent
		}
		if got := e.Details(); !reflect.DeepEqual(got, want) || e.WebURL() != want.WebURL {
			t.Errorf("%s: details\n got %+v\nwant %+v", e.Path, got, want)
		}
	}
}
