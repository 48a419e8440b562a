package curate

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"
	"unsafe"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
)

// TestArriveKeepsTheFileOfAStoredRecordItChanges checks that a stored
// record of the window, read without its file bytes, is written back with
// them: a field newshub does not know, written by hand, survives its
// demotion by an arrival.
func TestArriveKeepsTheFileOfAStoredRecordItChanges(t *testing.T) {
	ctx, st := context.Background(), openStore(t)
	day := time.Date(2020, 9, 12, 17, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, day.Add(6*time.Hour))
	background(t, cur, st, day)
	a := fresh("Pence drops plan to go to fundraiser hosted by QAnon backers", "https://triblive.com/news/pence-drops-plan-qanon/", "TribLIVE", day)
	if out := arrive(t, cur, st, a); len(out) != 1 || !a.Article.Published {
		t.Fatalf("a lone arrival should lead its story: %q", paths(out))
	}
	const kept = "sponsorNote: \"written by hand\"\n"
	edited := bytes.Replace(a.Raw, []byte("\ntitle:"), []byte("\n"+kept+"title:"), 1)
	if bytes.Equal(edited, a.Raw) {
		t.Fatalf("no title line to edit before:\n%s", a.Raw)
	}
	if _, err := content.Parse(a.Path, edited); err != nil {
		t.Fatal(err)
	}
	// The file as edited, over the values curation gave it.
	if err := st.Upsert(ctx, []*model.Record{{Path: a.Path, Kind: a.Kind, Raw: edited, Article: a.Article}}); err != nil {
		t.Fatal(err)
	}

	b := fresh("Vice President Mike Pence drops plan to go to fundraiser hosted by QAnon backers", "https://www.chicagotribune.com/nation-world/ct-nw-mike-pence-qanon-story.html", "Chicago Tribune", day.Add(2*time.Hour))
	b.Article.Images = []model.Image{{URL: "https://img.example/p.jpg", Width: 1200, Height: 800}}
	out := arrive(t, cur, st, b)
	if got := paths(out); len(got) != 2 || got[1] != a.Path {
		t.Fatalf("returned %q, want the arrival and the demoted former lead", got)
	}
	stored, err := st.Get(ctx, a.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(stored.Raw, []byte("published: false")) || !bytes.Contains(stored.Raw, []byte(kept)) {
		t.Errorf("former lead's file lost its own field or was not re-rendered:\n%s", stored.Raw)
	}
}

// TestWindowCopiesShedWhatOnlyRelatedCoverageReads checks that the lean
// copies of a window's stored records keep no excerpt, images, addresses
// (but the canonical URL) nor publisher once clustered (a related entry
// made of one is made of the stored record, read again), and no GUID once
// the arrivals are de-duplicated: across a window of tens of thousands of
// records they would be much of what a batch holds.
func TestWindowCopiesShedWhatOnlyRelatedCoverageReads(t *testing.T) {
	ctx, st := context.Background(), openStore(t)
	day := time.Date(2020, 9, 12, 17, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, day.Add(6*time.Hour))
	background(t, cur, st, day)
	a := fresh("Pence drops plan to go to fundraiser hosted by QAnon backers", "https://triblive.com/news/pence-drops-plan-qanon/", "TribLIVE", day)
	a.Article.Images = []model.Image{{URL: "https://img.example/p.jpg", Width: 1200, Height: 800}}
	a.Article.AmpWebURL = "https://triblive.com/news/pence-drops-plan-qanon/amp/"
	other := fresh("Farmers welcome rain after a dry summer on the plains", "https://farm.example/news/rain", "Farm News", day.Add(-time.Hour))
	other.Article.GUID = "https://farm.example/feed/#item-7"
	arrive(t, cur, st, a, other)

	arrival := fresh("Vice President Mike Pence drops plan to go to fundraiser hosted by QAnon backers", "https://www.chicagotribune.com/nation-world/ct-nw-mike-pence-qanon-story.html", "Chicago Tribune", day.Add(2*time.Hour))
	b, _, err := cur.newBatch(ctx, []*model.Record{arrival}, arriveOpts{})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.curate(ctx); err != nil {
		t.Fatal(err)
	}
	lean := 0
	for _, r := range b.window {
		if !b.lean[r] {
			continue
		}
		lean++
		if x := r.Article; x.Excerpt != "" || x.Images != nil || x.AmpWebURL != "" || x.CdnAmpWebURL != "" || x.Provider.Name != "" {
			t.Errorf("%s: lean copy kept excerpt %q, images %v, AMP %q, %q, publisher %q once clustered", r.Path, x.Excerpt, x.Images, x.AmpWebURL, x.CdnAmpWebURL, x.Provider.Name)
		}
		if r.Article.GUID != "" {
			t.Errorf("%s: lean copy kept GUID %q past de-duplication", r.Path, r.Article.GUID)
		}
		if x := r.Article; x.OriginalURL != "" || x.WebURL != "" {
			t.Errorf("%s: lean copy kept addresses %q, %q once clustered", r.Path, x.OriginalURL, x.WebURL)
		}
		if r.Article.Title == "" || r.Article.CanonicalURL == "" {
			t.Errorf("%s: lean copy lost its title or canonical URL, which the batch finds it by", r.Path)
		}
	}
	if lean < 60 {
		t.Fatalf("%d lean copies in the window, want the stored records'", lean)
	}
}

// TestLeanCopiesAreAllocatedTogether checks that a window's lean copies
// come from shared chunks and keep their own copies of the strings they
// hold for the whole batch: the records they were made of, and the strings
// decoded with those, are garbage at once, and do not leave the heap's
// pages half full of lean copies.
func TestLeanCopiesAreAllocatedTogether(t *testing.T) {
	day := time.Date(2020, 9, 12, 17, 0, 0, 0, time.UTC)
	onTopic := &leanRelevance{sure: &model.Relevance{OnTopic: true}}
	var la leanArena
	var prev *model.Record
	for i := range 2 * leanChunk {
		r := fresh(fmt.Sprintf("Senate passes the budget, vote %d", i), fmt.Sprintf("https://news.example/budget/%d", i), "News", day)
		r.Path = fmt.Sprintf("_news/2020-09-12-budget-%d.md", i)
		r.Article.CanonicalURL = r.Article.OriginalURL
		r.Article.Story = "story-1"
		l := la.copy(r, onTopic)
		if l.Path != r.Path || l.Article.Title != r.Article.Title || l.Article.CanonicalURL != r.Article.CanonicalURL || l.Article.Story != "story-1" {
			t.Fatalf("copy %d: path %q, title %q, canonical %q, story %q", i, l.Path, l.Article.Title, l.Article.CanonicalURL, l.Article.Story)
		}
		for _, s := range [][2]string{{l.Path, r.Path}, {l.Article.Title, r.Article.Title}, {l.Article.CanonicalURL, r.Article.CanonicalURL}} {
			if unsafe.StringData(s[0]) == unsafe.StringData(s[1]) {
				t.Fatalf("copy %d keeps the decoded string %q", i, s[1])
			}
		}
		if l.Article.OriginalURL != r.Article.OriginalURL || unsafe.StringData(l.Article.OriginalURL) != unsafe.StringData(l.Article.CanonicalURL) {
			t.Errorf("copy %d: the address given twice is not one string", i)
		}
		if prev != nil && i%leanChunk != 0 && uintptr(unsafe.Pointer(l)) != uintptr(unsafe.Pointer(prev))+unsafe.Sizeof(*l) {
			t.Fatalf("copy %d was allocated apart from copy %d", i, i-1)
		}
		prev = l
	}
}

// TestStoryWindowInDays takes story_window as the settings beside it are
// written, in days: "2d" is a window of 48 hours, not the default.
func TestStoryWindowInDays(t *testing.T) {
	c := New(site.New(&model.Config{StoryWindow: "2d"}, nil, nil), nil, Options{})
	if c.window != 48*time.Hour {
		t.Errorf("window %v for story_window: 2d, want 48h", c.window)
	}
}
