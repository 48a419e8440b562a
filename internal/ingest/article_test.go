package ingest

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"

	"newshub/internal/ingest/pagemeta"
	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

// TestArticlesOfAPublisherShareItsNames checks that the articles of one
// publisher share one copy of its name and domain, and that the domain is
// no part of a page's address: a round holds tens of thousands of new
// records until their batch is stored, and a domain cut from the address
// would keep all of it in each.
func TestArticlesOfAPublisherShareItsNames(t *testing.T) {
	h := newHub(t, true)
	in := h.ingester(testOptions())
	defer in.Close()
	src := model.Source{URL: "https://news.example/feed.xml"}
	var got []model.Provider
	for i := range 2 {
		page := fmt.Sprintf("https://www.news.example/articles/%d?ref=feed", i)
		c := &candidate{item: parser.Item{Link: page}, page: page,
			meta: pagemeta.Meta{SiteName: strings.Clone("News Example")}}
		got = append(got, in.provider(src, feedHead{title: "Feed title"}, c))
	}
	for _, p := range got {
		if p.Name != "News Example" || p.Domain != "news.example" {
			t.Fatalf("provider %q %q, want \"News Example\" \"news.example\"", p.Name, p.Domain)
		}
	}
	if unsafe.StringData(got[0].Name) != unsafe.StringData(got[1].Name) {
		t.Error("two articles of one publisher hold two copies of its name")
	}
	if unsafe.StringData(got[0].Domain) != unsafe.StringData(got[1].Domain) {
		t.Error("two articles of one publisher hold two copies of its domain")
	}
}
