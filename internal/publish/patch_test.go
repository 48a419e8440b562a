package publish

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestPatchedViewEqualsALoadedOne checks that a view patched from the one
// before it (a served view after an ingest round) publishes exactly what
// a view loaded whole from the same store does, after a round with new
// articles, a merge of two stories, a relabelled article, an archived
// story, a withheld article, a deleted one and a new lead.
func TestPatchedViewEqualsALoadedOne(t *testing.T) {
	for _, tc := range stores {
		t.Run(tc.name, func(t *testing.T) { patchedViewEqualsALoadedOne(t, tc.open(t)) })
	}
}

func patchedViewEqualsALoadedOne(t *testing.T, st store.Store) {
	st, s := genStoreIn(t, st, 300)
	ctx := context.Background()
	prev, err := loadAfter(ctx, st, s, genOptions(), nil)
	if err != nil {
		t.Fatal(err)
	}
	reviseStore(t, st)
	patched, err := loadAfter(ctx, st, s, genOptions(), prev)
	if err != nil {
		t.Fatal(err)
	}
	if patched.read == 0 || patched.read > 50 {
		t.Fatalf("the view read %d records: it was not patched", patched.read)
	}
	loaded, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(sortedKeys(patched.news), sortedKeys(loaded.news)) {
		t.Errorf("the patched view holds %d articles, the loaded one %d", len(patched.news), len(loaded.news))
	}
	paths := loaded.Paths(ctx)
	if got := patched.Paths(ctx); !slices.Equal(sorted(got), sorted(paths)) {
		t.Errorf("the patched view publishes %d files, the loaded one %d", len(got), len(paths))
	}
	differ := 0
	for _, p := range paths {
		want, err := loaded.Doc(ctx, strings.TrimSuffix(p, "index.json"))
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		got, err := patched.Doc(ctx, strings.TrimSuffix(p, "index.json"))
		if err != nil {
			t.Errorf("%s: %v", p, err)
			continue
		}
		if !bytes.Equal(got.Body, want.Body) {
			if differ++; differ <= 5 {
				t.Errorf("%s: the patched view's document differs from the loaded one's", p)
			}
		}
	}
	if differ > 5 {
		t.Errorf("%d documents differ in all", differ)
	}
}

// reviseStore changes the store as a round of ingest, curation and
// retention does.
func reviseStore(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	no := false
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Archived: &no, Order: store.ByTime})
	if err != nil {
		t.Fatal(err)
	}
	byStory := map[string][]*model.Record{}
	var stories []string
	for _, r := range recs {
		if id := r.Article.Story; id != "" {
			if byStory[id] == nil {
				stories = append(stories, id)
			}
			byStory[id] = append(byStory[id], r)
		}
	}
	if len(stories) < 6 {
		t.Fatalf("only %d stories", len(stories))
	}
	var write []*model.Record
	// Two stories merge: the second's members join the first, unpublished.
	into, from := stories[0], stories[1]
	for _, r := range byStory[from] {
		r.Article.Story, r.Article.Published = into, false
		write = append(write, r)
	}
	// An article is relabelled and warmer.
	re := byStory[stories[2]][0]
	re.Article.Topics = []string{"Relabelled"}
	re.Article.Heat += 50
	write = append(write, re)
	// Another story gets a new lead.
	ms := byStory[stories[3]]
	for _, r := range ms {
		r.Article.Published = r == ms[len(ms)-1]
		write = append(write, r)
	}
	// An article is withheld.
	wh := byStory[stories[4]][0]
	wh.Article.Withheld = "hidden"
	write = append(write, wh)
	if err := st.UpsertIfUnchanged(ctx, write); err != nil {
		t.Fatal(err)
	}
	// A story is archived whole; an article is deleted.
	var moves []store.Move
	for _, r := range byStory[stories[5]] {
		moves = append(moves, store.Move{From: r.Path, To: "_archive/news/" + path.Base(r.Path), Version: r.Version})
	}
	if err := st.Move(ctx, moves); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, byStory[into][0].Path); err != nil {
		t.Fatal(err)
	}
	// New articles arrive, newer than the rest.
	var fresh []*model.Record
	err = gen.Records(gen.Options{Articles: 12, Seed: 99, Until: genNow.Add(-time.Hour), Span: 6 * time.Hour}, func(r *model.Record) error {
		if r.Article != nil {
			r.Path = strings.TrimSuffix(r.Path, ".md") + "-new.md"
			r.Article.OriginalURL += "?new"
			r.Article.WebURL += "?new"
			r.Article.Story = fmt.Sprintf("new-%s", r.Article.Story)
			fresh = append(fresh, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, fresh); err != nil {
		t.Fatal(err)
	}
}

func sortedKeys[V any](m map[string]V) []string {
	var l []string
	for k := range m {
		l = append(l, k)
	}
	return sorted(l)
}

func sorted(l []string) []string {
	l = slices.Clone(l)
	slices.Sort(l)
	return l
}
