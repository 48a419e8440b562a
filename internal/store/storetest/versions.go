package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// get reads the record at path or fails the test.
func get(t *testing.T, st store.Store, path string) *model.Record {
	t.Helper()
	r, err := st.Get(context.Background(), path)
	if err != nil {
		t.Fatalf("Get(%s): %v", path, err)
	}
	return r
}

// retitle changes a news record's title, bytes in step.
func retitle(r *model.Record, title string) *model.Record {
	r.Article.Title = title
	refresh(r)
	return r
}

// rewrite writes recs back with UpsertIfUnchanged or fails the test.
func rewrite(t *testing.T, st store.Store, recs ...*model.Record) {
	t.Helper()
	if err := st.UpsertIfUnchanged(context.Background(), recs); err != nil {
		t.Fatalf("UpsertIfUnchanged: %v", err)
	}
}

// mustConflict fails the test unless err is a conflict naming paths.
func mustConflict(t *testing.T, err error, paths ...string) {
	t.Helper()
	var ce *store.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("UpsertIfUnchanged = %v, want a *store.ConflictError matching ErrConflict", err)
	}
	if !slices.Equal(ce.Paths, paths) {
		t.Fatalf("conflict names %v, want %v", ce.Paths, paths)
	}
}

func testVersions(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, _ := newsSet()
	upsert(t, st, news...)
	r0 := news[0]
	want := get(t, st, r0.Path).Version
	if want == 0 {
		t.Fatalf("Get gives %s no version", r0.Path)
	}
	reads := map[string]func() ([]*model.Record, error){
		"ArticleByURL": func() ([]*model.Record, error) {
			r, err := st.ArticleByURL(ctx, r0.Article.CanonicalURL)
			return []*model.Record{r}, err
		},
		"Scan": func() (out []*model.Record, err error) {
			err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
				out = append(out, r)
				return nil
			})
			return out, err
		},
		"News":      func() ([]*model.Record, error) { return st.News(ctx, store.NewsQuery{}) },
		"NewsNoRaw": func() ([]*model.Record, error) { return st.News(ctx, store.NewsQuery{NoRaw: true}) },
		"Story":     func() ([]*model.Record, error) { return st.Story(ctx, r0.Article.Story) },
		"Search": func() ([]*model.Record, error) {
			res, err := st.Search(ctx, store.SearchQuery{Text: "praises"})
			return res.Hits, err
		},
	}
	for name, read := range reads {
		recs, err := read()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		i := slices.IndexFunc(recs, func(r *model.Record) bool { return r.Path == r0.Path })
		if i < 0 {
			t.Fatalf("%s does not return %s", name, r0.Path)
		}
		if recs[i].Version != want {
			t.Errorf("%s gives version %d, Get gives %d", name, recs[i].Version, want)
		}
	}

	// Writing what is stored again changes nothing, version included.
	upsert(t, st, get(t, st, r0.Path))
	rewrite(t, st, get(t, st, r0.Path))
	if got := get(t, st, r0.Path).Version; got != want {
		t.Errorf("unchanged writes moved the version from %d to %d", want, got)
	}
	// Each change, by either write, gives a version never given before,
	// also to a path deleted and written again.
	seen := map[int64]bool{want: true}
	for i := range 4 {
		r := retitle(get(t, st, r0.Path), fmt.Sprintf("Title %d", i))
		switch i {
		case 0:
			upsert(t, st, r)
		case 1:
			rewrite(t, st, r)
		case 2:
			if err := st.Delete(ctx, r0.Path); err != nil {
				t.Fatal(err)
			}
			r.Version = 0 // a new record at the path
			upsert(t, st, r)
		case 3:
			if err := st.Delete(ctx, r0.Path); err != nil {
				t.Fatal(err)
			}
			r.Version = 0
			rewrite(t, st, r)
		}
		v := get(t, st, r0.Path).Version
		if v == 0 || seen[v] {
			t.Fatalf("write %d gave version %d, given before", i, v)
		}
		seen[v] = true
	}
}

func testUpsertIfUnchangedRefusesChangedRecords(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, _ := newsSet()
	upsert(t, st, news...)
	a, b, c := news[0].Path, news[1].Path, news[2].Path
	mine := []*model.Record{get(t, st, a), get(t, st, b), get(t, st, c)}
	gen0, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Other writers edit a (after reading it) and c (blind, as import does).
	theirs := retitle(get(t, st, a), "Edited by another writer")
	rewrite(t, st, theirs)
	blind := retitle(article("x", "Edited blind", news[2].Article.PublishedDateTime), "Edited blind")
	blind.Path = c
	upsert(t, st, blind)
	gen1, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}

	for _, r := range mine {
		retitle(r, "Stale rewrite of "+r.Path)
	}
	mustConflict(t, st.UpsertIfUnchanged(ctx, mine), a, c)
	// Nothing of the batch was written, b neither, which nobody else
	// changed; the refused write moved no version, nor the generation.
	if got := get(t, st, a); got.Article.Title != "Edited by another writer" {
		t.Errorf("%s after a refused write: %q, want the other writer's", a, got.Article.Title)
	}
	if got := get(t, st, b); got.Article.Title != news[1].Article.Title || got.Version != mine[1].Version {
		t.Errorf("%s was written by a refused batch: %q", b, got.Article.Title)
	}
	if got := get(t, st, c); got.Article.Title != "Edited blind" {
		t.Errorf("%s after a refused write: %q", c, got.Article.Title)
	}
	if g, err := st.Generation(ctx); err != nil || g != gen1 || gen1 == gen0 {
		t.Errorf("generation %d → %d → %d (%v): the edits must move it, the refused write must not", gen0, gen1, g, err)
	}

	// Read again, the same change goes through; so do records of version 0.
	again := retitle(get(t, st, a), "Rewritten after reading again")
	fresh := article("brand-new", "A new article", hours(3), "Election")
	rewrite(t, st, again, mine[1], fresh)
	if got := get(t, st, a); got.Article.Title != "Rewritten after reading again" {
		t.Errorf("write after a fresh read: %q", got.Article.Title)
	}
	if got := get(t, st, b); got.Article.Title != mine[1].Article.Title {
		t.Errorf("write of an unchanged record: %q", got.Article.Title)
	}
	get(t, st, fresh.Path)
	// Upsert writes whatever the version: an edit wins.
	upsert(t, st, retitle(mine[0], "Stale but an edit"))
	if got := get(t, st, a); got.Article.Title != "Stale but an edit" {
		t.Errorf("Upsert of a record read before a change: %q", got.Article.Title)
	}
}

func testUpsertIfUnchangedRefusesDeletedRecords(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, _ := newsSet()
	upsert(t, st, news...)
	mine := get(t, st, news[0].Path)
	if err := st.Delete(ctx, mine.Path); err != nil {
		t.Fatal(err)
	}
	mustConflict(t, st.UpsertIfUnchanged(ctx, []*model.Record{retitle(mine, "Resurrected")}), mine.Path)
	if _, err := st.Get(ctx, mine.Path); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a record deleted since it was read was written back: %v", err)
	}
	// Deleted and written again by someone else: still not the one read.
	again := retitle(article("trump-rally", "Written again", news[0].Article.PublishedDateTime), "Written again")
	again.Path = mine.Path
	upsert(t, st, again)
	mustConflict(t, st.UpsertIfUnchanged(ctx, []*model.Record{mine}), mine.Path)
}

func testUpsertIfUnchangedOfTheStoredValue(t *testing.T, st store.Store) {
	news, _ := newsSet()
	upsert(t, st, news...)
	mine := get(t, st, news[0].Path)
	rewrite(t, st, retitle(get(t, st, news[0].Path), "Same edit"))
	// Both writers computed the same record: writing it loses nothing.
	rewrite(t, st, retitle(mine, "Same edit"))
}

func testUpsertIfUnchangedSamePathTwice(t *testing.T, st store.Store) {
	news, _ := newsSet()
	upsert(t, st, news...)
	first := retitle(get(t, st, news[0].Path), "First of two")
	second := retitle(get(t, st, news[0].Path), "Second of two")
	rewrite(t, st, first, second)
	if got := get(t, st, news[0].Path); got.Article.Title != "Second of two" {
		t.Errorf("stored %q, want the last of the batch", got.Article.Title)
	}
}

// concWriters is how many writers race to rewrite one record read at once.
const concWriters = 8

func testConcurrentRewritersOneWins(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, _ := newsSet()
	upsert(t, st, news...)
	path := news[0].Path
	for round := range 5 {
		reads := make([]*model.Record, concWriters)
		for i := range reads {
			reads[i] = retitle(get(t, st, path), fmt.Sprintf("round %d writer %d", round, i))
		}
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			won       []int
			conflicts int
			failures  []error
		)
		for i, r := range reads {
			wg.Go(func() {
				err := st.UpsertIfUnchanged(ctx, []*model.Record{r})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won = append(won, i)
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					failures = append(failures, err)
				}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("round %d: %v", round, failures[0])
		}
		if len(won) != 1 || conflicts != concWriters-1 {
			t.Fatalf("round %d: %d writers won and %d were refused, want 1 and %d", round, len(won), conflicts, concWriters-1)
		}
		if got := get(t, st, path); got.Article.Title != reads[won[0]].Article.Title {
			t.Fatalf("round %d: stored %q, the winner wrote %q", round, got.Article.Title, reads[won[0]].Article.Title)
		}
	}
}
