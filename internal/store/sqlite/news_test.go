package sqlite

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestStoryIsInTheOrderOfSQLitesOrderBy checks the members of a story,
// sorted in Go, against the ORDER BY they are sorted by: published first,
// then quality, then time, then path, over members that tie on each of
// them in turn.
func TestStoryIsInTheOrderOfSQLitesOrderBy(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	recs := newsRecords(400)
	for i, r := range recs {
		a := r.Article
		a.Story = "s1"
		if i%7 == 0 {
			a.Story = "s2"
		}
		a.Published = rng.IntN(3) == 0
		a.Quality = rng.IntN(4)
		a.PublishedDateTime = time.Date(2020, 8, 30, 0, rng.IntN(5), 0, 0, time.UTC)
	}
	rng.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	for _, story := range []string{"s1", "s2", "none"} {
		rows, err := st.r.QueryContext(ctx, `SELECT path FROM records r WHERE r.story = ? AND r.kind = 'news'
			ORDER BY r.published DESC, r.quality DESC, r.published_at ASC, r.path`, story)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for rows.Next() {
			var p string
			if err := rows.Scan(&p); err != nil {
				t.Fatal(err)
			}
			want = append(want, p)
		}
		rows.Close()
		for name, read := range map[string]func() ([]string, error){
			"Story":       func() ([]string, error) { return storyPaths(st.Story(ctx, story)) },
			"StoryValues": func() ([]string, error) { return storyPaths(st.StoryValues(ctx, story)) },
		} {
			got, err := read()
			if err != nil {
				t.Fatalf("%s(%s): %v", name, story, err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s(%s): %d members in the order %v, want %v", name, story, len(got), got, want)
			}
		}
	}
}

func storyPaths(recs []*model.Record, err error) ([]string, error) {
	var ps []string
	for _, r := range recs {
		ps = append(ps, r.Path)
	}
	return ps, err
}
