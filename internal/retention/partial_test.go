package retention

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestApplyDecidesAsIfItReadEveryRecord checks that reading only what can
// be due misses nothing: at each step of a hub's life, Apply leaves the
// store where a plan over every stored record says, and names the same
// next due time. The steps are the ones a partial read can get wrong: a
// story brought back by a late article, an archived record that joins a
// current story, a longer archive_after, time passing, and purges.
func TestApplyDecidesAsIfItReadEveryRecord(t *testing.T) {
	ctx := context.Background()
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			h := genHub(t, sc.open(t), 900)
			archive := Policy{ArchiveAfter: 30 * day}
			both := Policy{ArchiveAfter: 30 * day, PurgeAfter: 60 * day}
			steps := []struct {
				name  string
				edit  func(t *testing.T)
				pol   Policy
				now   time.Time
				moves bool // the step must move or purge records
			}{
				{name: "first run", pol: archive, now: until, moves: true},
				{name: "nothing new", pol: archive, now: until},
				{name: "a late article brings an archived story back", pol: archive, now: until, moves: true,
					edit: func(t *testing.T) { joinStory(t, h.st, true, "_news/2026-10-25-late.md", until.Add(-5*day)) }},
				{name: "an archived article joins a current story", pol: archive, now: until, moves: true,
					edit: func(t *testing.T) { moveIntoCurrentStory(t, h.st) }},
				{name: "a longer archive_after brings news back", pol: Policy{ArchiveAfter: 45 * day}, now: until, moves: true},
				{name: "time passes", pol: archive, now: until.Add(10 * day), moves: true},
				{name: "purges", pol: both, now: until.Add(10 * day), moves: true},
				{name: "later still", pol: both, now: until.Add(40 * day), moves: true},
			}
			gone := map[string]bool{} // names of purged records
			for _, step := range steps {
				if step.edit != nil {
					step.edit(t)
				}
				want, next := planned(t, h.st, step.pol, step.now)
				before := paths(t, h.st)
				sum, err := Apply(ctx, h.st, step.pol, Options{SiteDir: h.dir, Now: clock(step.now), Batch: 64})
				if err != nil {
					t.Fatalf("%s: %v", step.name, err)
				}
				got := paths(t, h.st)
				if !slices.Equal(got, want) {
					t.Errorf("%s: the store holds %d news records (%d archived) after Apply, want %d (%d archived): %v",
						step.name, len(got), archivedCount(got), len(want), archivedCount(want), firstDiff(got, want))
				}
				if !sum.Next.Equal(next) {
					t.Errorf("%s: Next %s, want %s", step.name, sum.Next, next)
				}
				if moved := !slices.Equal(before, got); moved != step.moves {
					t.Errorf("%s: records moved %v, want %v: the step does not test what it says", step.name, moved, step.moves)
				}
				left := map[string]bool{}
				for _, p := range got {
					left[name(p)] = true
				}
				for _, p := range before {
					if !left[name(p)] {
						gone[name(p)] = true
					}
				}
				checkFolder(t, h, gone)
			}
		})
	}
}

// planned is where a plan over every record of st puts them: the sorted
// paths of the news records after its moves and purges, and its next due
// time.
func planned(t *testing.T, st store.Store, pol Policy, now time.Time) ([]string, time.Time) {
	t.Helper()
	all := map[string]*entry{}
	err := st.ScanNews(context.Background(), store.NewsQuery{}, func(e store.NewsEntry) error {
		all[e.Path] = &entry{NewsEntry: e}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d := plan(all, pol, now)
	at := map[string]bool{}
	for p := range all {
		at[p] = true
	}
	for _, g := range d.purges {
		for _, p := range g {
			delete(at, p.Path)
		}
	}
	for _, g := range d.moves {
		for _, m := range g {
			delete(at, m.From)
		}
		for _, m := range g {
			at[m.To] = true
		}
	}
	return slices.Sorted(maps.Keys(at)), d.next
}

// paths lists the news records of st, sorted.
func paths(t *testing.T, st store.Store) []string {
	t.Helper()
	return slices.Sorted(maps.Keys(entriesOf(t, st)))
}

func archivedCount(ps []string) (n int) {
	for _, p := range ps {
		if p[:len("_archive/")] == "_archive/" {
			n++
		}
	}
	return n
}

// firstDiff names the first path in one list and not the other.
func firstDiff(got, want []string) string {
	g, w := map[string]bool{}, map[string]bool{}
	for _, p := range got {
		g[p] = true
	}
	for _, p := range want {
		w[p] = true
	}
	for _, p := range got {
		if !w[p] {
			return "unexpected " + p
		}
	}
	for _, p := range want {
		if !g[p] {
			return "missing " + p
		}
	}
	return ""
}

// joinStory stores a new current article at path, published at, in the
// archived (or current) story of most articles.
func joinStory(t *testing.T, st store.Store, archived bool, path string, at time.Time) {
	t.Helper()
	count := map[string]int{}
	for _, e := range entriesOf(t, st) {
		if e.Story != "" && e.Archived == archived {
			count[e.Story]++
		}
	}
	story := ""
	for _, id := range slices.Sorted(maps.Keys(count)) {
		if story == "" || count[id] > count[story] {
			story = id
		}
	}
	if story == "" || count[story] < 2 {
		t.Fatalf("no story of several articles (archived %v)", archived)
	}
	rec := &model.Record{Path: path, Kind: model.KindNews, Raw: []byte("---\ntitle: Late\n---\n"),
		Article: &model.Article{Title: "Late", Story: story, PublishedDateTime: at,
			OriginalURL: "https://example.org/" + path, CanonicalURL: "https://example.org/" + path}}
	if err := st.Upsert(context.Background(), []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
}

// moveIntoCurrentStory makes an archived lone article, or the oldest
// archived one, a member of a current story, as curation may when it
// re-clusters.
func moveIntoCurrentStory(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	var arch, cur store.NewsEntry
	for _, e := range entriesOf(t, st) {
		if e.Archived && (arch.Path == "" || e.Path < arch.Path) {
			arch = e
		}
		if !e.Archived && e.Story != "" && (cur.Path == "" || e.Path < cur.Path) {
			cur = e
		}
	}
	if arch.Path == "" || cur.Path == "" {
		t.Fatal("no archived article or current story")
	}
	rec, err := st.Get(ctx, arch.Path)
	if err != nil {
		t.Fatal(err)
	}
	a := *rec.Article
	a.Story, a.Published = cur.Story, false
	rec.Article = &a
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
}
