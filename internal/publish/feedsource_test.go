package publish

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/mmcdole/gofeed/rss"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
)

// TestRSSSourceIsThePublishersFeed checks that an RSS item's <source>
// names the feed the article came from, the publisher's (RSS 2.0: "the
// RSS channel that the item came from"), with the publisher's name, and
// that an item whose feed is not known (a record read from a file) has
// none, in the hub's feed and a topic's, as a reader's parser reads them.
// Nor has an item of a private feed, whose address holds its secret (a
// user name, a password, a key in its query): the <source> published it.
func TestRSSSourceIsThePublishersFeed(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	var recs []*model.Record
	err := gen.Records(gen.Options{Articles: 24, Seed: 7}, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	feeds := map[string]string{} // by item id: the article's feed, "" for none shown
	private := []string{
		"https://reader:s3cret@feeds.private.example/all.xml",
		"https://s3cret@feeds.private.example/all.xml",
		"https://feeds.private.example/all.xml?format=rss&token=s3cret",
	}
	names := map[string]string{} // by item id: its publisher
	i := 0
	for _, r := range recs {
		a := r.Article
		if a == nil {
			continue
		}
		a.Story = fmt.Sprintf("s-%d", i) // each article leads its own story
		id := "news/" + ArticleKey(r.Path, a.PublishedDateTime)
		names[id] = site.SafeText(a.Provider.Name)
		switch i % 4 {
		case 0:
			a.Source = fmt.Sprintf("https://feeds.%s/%d.xml?format=rss&lang=en", a.Provider.Domain, i)
		case 1:
			// An aggregator's item: its link and its feed are the
			// aggregator's, its publisher another.
			a.Source = "https://news.aggregator.example/rss/search?q=election&hl=en"
			a.WebURL = fmt.Sprintf("https://news.aggregator.example/articles/%d", i)
			a.OriginalURL = a.WebURL
			names[id] = "news.aggregator.example"
		case 2:
			a.Source = private[i/4%len(private)]
		}
		feeds[id] = a.Source
		if i%4 == 2 {
			feeds[id] = ""
		}
		i++
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	docs := []string{"feeds/rss.xml"}
	for _, tp := range s.Topics {
		if tp != s.Root() && len(h.topicLeads[tp.ID]) > 0 {
			docs = append(docs, "feeds/"+tp.ID+"/rss.xml")
			break
		}
	}
	byGUID := map[string]string{}
	for id := range feeds {
		byGUID[h.apiURL(id)] = id
	}
	with, without := 0, 0
	for _, name := range docs {
		d, err := h.Doc(ctx, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if bytes.Contains(d.Body, []byte("s3cret")) {
			t.Errorf("%s holds a private feed's secret", name)
		}
		f, err := (&rss.Parser{}).Parse(bytes.NewReader(d.Body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Items) == 0 {
			t.Fatalf("%s: no items", name)
		}
		for _, it := range f.Items {
			id := byGUID[it.GUID.Value]
			feed, ok := feeds[id]
			switch {
			case !ok:
				t.Errorf("%s: item %q is no article of the hub", name, it.GUID.Value)
			case feed == "" && it.Source != nil:
				without++
				t.Errorf("%s: item %s has <source url=%q>%s</source>, want none: its feed is not known, or private", name, id, it.Source.URL, it.Source.Title)
			case feed == "":
				without++
			case it.Source == nil:
				with++
				t.Errorf("%s: item %s has no <source>, want %s", name, id, feed)
			default:
				with++
				if it.Source.URL != feed || it.Source.Title != names[id] {
					t.Errorf("%s: item %s has <source url=%q>%s</source>, want url=%q, %s", name, id, it.Source.URL, it.Source.Title, feed, names[id])
				}
			}
		}
	}
	if with == 0 || without == 0 {
		t.Errorf("%d items with a known feed and %d without: want both", with, without)
	}
}
