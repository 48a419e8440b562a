package curate

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
)

func TestMergeCombinesWhatEachKnew(t *testing.T) {
	early := time.Date(2021, 6, 26, 10, 0, 0, 0, time.UTC)
	late := early.Add(3 * time.Hour)
	dst := &model.Article{
		Title:             "Trump to return to the rally stage",
		Excerpt:           "Short.",
		OriginalURL:       "https://www.foxnews.com/politics/trump-ohio",
		PublishedDateTime: late,
		Quality:           90, Has: model.Curated{Quality: true},
		Images: []model.Image{{URL: "https://img/a.jpg"}},
	}
	src := &model.Article{
		Title:             "A different title that must not win",
		Excerpt:           "A much longer excerpt that says more about the rally in Ohio.",
		OriginalURL:       "http://feeds.foxnews.com/~r/foxnews/politics/~3/x/trump-ohio",
		AmpWebURL:         "https://www.foxnews.com/politics/trump-ohio.amp",
		GUID:              "fox-123",
		PublishedDateTime: early,
		Quality:           40,
		Topics:            []string{"Election"},
		Images:            []model.Image{{URL: "https://img/a.jpg", Width: 800, Height: 600}, {URL: "https://img/b.jpg"}},
		Provider:          model.Provider{Name: "Fox News", Domain: "foxnews.com"},
	}
	if KeyOf(dst) != KeyOf(src) {
		t.Fatal("the feed-proxy link and the page link should be one article")
	}
	Merge(dst, src)
	if dst.Title != "Trump to return to the rally stage" {
		t.Errorf("title = %q, want dst's", dst.Title)
	}
	if dst.Excerpt != src.Excerpt {
		t.Errorf("excerpt = %q, want the longer one", dst.Excerpt)
	}
	if !dst.PublishedDateTime.Equal(early) {
		t.Errorf("published = %v, want the earliest", dst.PublishedDateTime)
	}
	if dst.AmpWebURL == "" || dst.GUID != "fox-123" || dst.Provider.Domain != "foxnews.com" {
		t.Errorf("empty fields not filled: %+v", dst)
	}
	if dst.Quality != 90 {
		t.Errorf("quality = %d, want the carried 90", dst.Quality)
	}
	if !slices.Equal(dst.Topics, []string{"Election"}) {
		t.Errorf("topics = %q", dst.Topics)
	}
	if len(dst.Images) != 2 || dst.Images[0].Width != 800 {
		t.Errorf("images = %+v, want a union with the known size", dst.Images)
	}
}

func TestMergeIntoItselfOrNilChangesNothing(t *testing.T) {
	a := &model.Article{OriginalURL: "https://a.example/1", GUID: "g", Excerpt: "x", Related: []model.Related{{WebURL: "https://b.example/2"}}}
	want := *a
	Merge(a, a)
	Merge(nil, a)
	Merge(a, nil)
	if !reflect.DeepEqual(*a, want) {
		t.Errorf("article changed: %+v, want %+v", *a, want)
	}
}
