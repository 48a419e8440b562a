package curate

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
)

// TestAnEditorsTopicBringsItsParents: a topic an editor adds to an
// article brings the topics above it, as one found in its words does (a
// child topic implies its parent), so the article is listed under each;
// on arrival and in curate alike.
func TestAnEditorsTopicBringsItsParents(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	now := time.Date(2021, 4, 7, 12, 0, 0, 0, time.UTC)
	c := New(testSite(), st, Options{Now: func() time.Time { return now }, SiteDir: dir})
	tests := []struct {
		topic string // as the decision names it
		want  []string
	}{
		{"Trump Rallies", []string{"Election", "Donald Trump", "Trump Rallies"}},
		{"trump-rallies", []string{"Election", "Donald Trump", "Trump Rallies"}},
		{"Mike Pence", []string{"Election", "Mike Pence"}},
	}
	var recs []*model.Record
	for i, tc := range tests {
		r := fresh(fmt.Sprintf("Crowds gather at fairground number %d", i), fmt.Sprintf("https://local.example/fair-%d", i), "Local", now.Add(-time.Duration(i+1)*time.Hour))
		d := model.Decision{Action: editorial.TopicAdd, Article: r.Article.OriginalURL, Topic: tc.topic, At: now}
		if _, err := editorial.Append(ctx, st, dir, d); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	commit(t, c, recs...)
	check := func(when string) {
		for i, tc := range tests {
			if got := stored(t, st, recs[i]).Topics; !slices.Equal(got, tc.want) {
				t.Errorf("%s, %q added: topics %q, want %q", when, tc.topic, got, tc.want)
			}
		}
	}
	check("on arrival")
	if _, err := c.All(ctx); err != nil {
		t.Fatal(err)
	}
	check("after curate")
}

// TestAnEditorsTopicGoneFromTheTaxonomyIsNotGiven: a topic an editor
// added and the taxonomy no longer has (removed, or renamed since) is
// not given to the article: it would name a topic the hub has no page
// for, on arrival and after every curate.
func TestAnEditorsTopicGoneFromTheTaxonomyIsNotGiven(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	now := time.Date(2021, 4, 7, 12, 0, 0, 0, time.UTC)
	c := New(testSite(), st, Options{Now: func() time.Time { return now }, SiteDir: dir})
	r := fresh("Crowds gather at the county fairground", "https://local.example/fair", "Local", now.Add(-time.Hour))
	for _, d := range []model.Decision{
		{Action: editorial.TopicAdd, Article: r.Article.OriginalURL, Topic: "Rally Season", At: now},
		{Action: editorial.TopicAdd, Article: r.Article.OriginalURL, Topic: "Mike Pence", At: now},
	} {
		if _, err := editorial.Append(ctx, st, dir, d); err != nil {
			t.Fatal(err)
		}
	}
	commit(t, c, r)
	want := []string{"Election", "Mike Pence"}
	if got := stored(t, st, r).Topics; !slices.Equal(got, want) {
		t.Errorf("on arrival: topics %q, want %q", got, want)
	}
	if _, err := c.All(ctx); err != nil {
		t.Fatal(err)
	}
	if got := stored(t, st, r).Topics; !slices.Equal(got, want) {
		t.Errorf("after curate: topics %q, want %q", got, want)
	}
}

// TestTopicEditsAreExplainedOnceEach: each decision applied at once (as
// edit and the admin area apply it) explains the article's topics as a
// whole curate does, each editor's topic edit once, where every later
// edit on the article wrote the earlier ones' lines again.
func TestTopicEditsAreExplainedOnceEach(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	dir := t.TempDir()
	now := time.Date(2021, 4, 7, 12, 0, 0, 0, time.UTC)
	c := New(testSite(), st, Options{Now: func() time.Time { return now }, SiteDir: dir})
	r := fresh("Crowds gather at the county fairground", "https://local.example/fair", "Local", now.Add(-time.Hour))
	commit(t, c, r)
	for _, d := range []model.Decision{
		{Action: editorial.TopicAdd, Article: r.Article.OriginalURL, Topic: "Mike Pence", At: now},
		{Action: editorial.TopicAdd, Article: r.Article.OriginalURL, Topic: "Trump Rallies", At: now},
		{Action: editorial.TopicRemove, Article: r.Article.OriginalURL, Topic: "Mike Pence", At: now},
	} {
		if _, err := editorial.Append(ctx, st, dir, d); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Apply(ctx, []model.Decision{d}); err != nil {
			t.Fatal(err)
		}
	}
	applied := stored(t, st, r).Explain.Topics
	if _, err := c.All(ctx); err != nil {
		t.Fatal(err)
	}
	if curated := stored(t, st, r).Explain.Topics; !slices.Equal(applied, curated) {
		t.Errorf("topics explained as applied:\n%q\nwant as curate explains them:\n%q", applied, curated)
	}
}
