package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// archivePath is the path of a news record moved under _archive/news/.
func archivePath(p string) string { return "_archive/news/" + strings.TrimPrefix(p, "_news/") }

// moved is rec as Move leaves it at path to: the same bytes and value but
// for Archived.
func moved(rec *model.Record, to string) *model.Record {
	m := *rec
	a := *rec.Article
	a.Archived = strings.HasPrefix(to, "_archive/")
	m.Path, m.Article = to, &a
	return &m
}

// newsTimes lists the distinct publishedDateTimes of the news of all.
func newsTimes(all []*model.Record) []time.Time {
	var ts []time.Time
	for _, r := range all {
		if r.Kind == model.KindNews {
			ts = append(ts, r.Article.PublishedDateTime)
		}
	}
	slices.SortFunc(ts, time.Time.Compare)
	return slices.CompactFunc(ts, time.Time.Equal)
}

// checkListings fails the test unless every news listing, topic page,
// story, search and key lookup agrees with the records all.
func checkListings(t *testing.T, st store.Store, all []*model.Record) {
	t.Helper()
	ctx := context.Background()
	yes, no := true, false
	queries := []store.NewsQuery{{}, {Archived: &yes}, {Archived: &no}, {Topic: "Donald Trump"},
		{Topic: "Election", Archived: &no, PublishedOnly: true}, {Topic: "Election", Order: store.ByHeat, Archived: &yes},
		{Story: "s1"}, {Story: "s0", Archived: &yes}, {Unpublished: true}}
	// What retention reads, cut at each article's time: the archived
	// records of stories with news since the cut, and the unpublished
	// records before it.
	for _, cut := range newsTimes(all) {
		queries = append(queries, store.NewsQuery{StoryActiveSince: cut},
			store.NewsQuery{StoryActiveSince: cut, Archived: &yes, Until: cut},
			store.NewsQuery{Unpublished: true, Archived: &yes, Until: cut})
	}
	for _, q := range queries {
		got, err := st.News(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := paths(expectNews(all, q)); !equalStrings(paths(got), want) {
			t.Errorf("News(%+v) = %v, want %v", q, paths(got), want)
		}
		if n, err := st.CountNews(ctx, q); err != nil || n != len(expectNews(all, q)) {
			t.Errorf("CountNews(%+v) = %d, %v; want %d", q, n, err, len(expectNews(all, q)))
		}
		sameEntries(t, st, q, got)
	}
	for _, r := range all {
		got, err := st.ArticleByURL(ctx, r.Article.CanonicalURL)
		if err != nil || got.Path != r.Path {
			t.Errorf("ArticleByURL(%s) = %v, %v; want %s", r.Article.CanonicalURL, got, err, r.Path)
			continue
		}
		sameRecord(t, got, r)
		res := search(t, st, store.SearchQuery{Text: `"` + r.Article.Title + `"`})
		if !containsPath(res.Hits, r.Path) {
			t.Errorf("search for %q gives %v, want %s among them", r.Article.Title, paths(res.Hits), r.Path)
		}
		if r.Article.Story != "" {
			story, err := st.Story(ctx, r.Article.Story)
			if err != nil || !containsPath(story, r.Path) {
				t.Errorf("Story(%s) = %v, %v; want %s among them", r.Article.Story, paths(story), err, r.Path)
			}
		}
	}
}

func testMove(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	story := []int{0, 1, 2} // s1: the lead and its two members
	var moves []store.Move
	all := slices.Clone(news)
	for _, i := range story {
		r := get(t, st, news[i].Path)
		moves = append(moves, store.Move{From: r.Path, To: archivePath(r.Path), Version: r.Version})
		all[i] = moved(news[i], archivePath(r.Path))
	}
	before := generation(t, st)
	if err := st.Move(ctx, moves); err != nil {
		t.Fatalf("Move: %v", err)
	}
	if generation(t, st) == before {
		t.Error("Move left the generation as it was")
	}
	for i, m := range moves {
		_, err := st.Get(ctx, m.From)
		mustNotFound(t, "Get(moved from)", err)
		got := get(t, st, m.To)
		sameRecord(t, got, all[story[i]])
		if !got.Article.Archived || got.Version == m.Version || got.Version == 0 {
			t.Errorf("%s: Archived %v, version %d (was %d); want archived with a new version", m.To, got.Article.Archived, got.Version, m.Version)
		}
	}
	counts, err := st.Count(ctx)
	if err != nil || counts[model.KindNews] != len(news) {
		t.Errorf("Count = %v, %v; want %d news", counts, err, len(news))
	}
	checkListings(t, st, all)

	// And back: the record is current again, under its first path.
	back := get(t, st, moves[0].To)
	if err := st.Move(ctx, []store.Move{{From: back.Path, To: news[0].Path, Version: back.Version}}); err != nil {
		t.Fatalf("Move back: %v", err)
	}
	all[0] = news[0]
	checkListings(t, st, all)

	// A record read at its new path is written over that version.
	r := get(t, st, moves[1].To)
	rewrite(t, st, retitle(r, "Trump rally draws record crowd"))
	all[1] = r
	checkListings(t, st, all)

	if err := st.Move(ctx, nil); err != nil {
		t.Errorf("Move of nothing: %v", err)
	}
}

func testMoveRefusesConflicts(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	rally, poll, senate := get(t, st, news[0].Path), get(t, st, news[6].Path), get(t, st, news[8].Path)
	ok := store.Move{From: senate.Path, To: archivePath(senate.Path), Version: senate.Version}
	rewrite(t, st, retitle(get(t, st, poll.Path), "New national poll, revised"))
	taken := news[9].Path // convention, archived already
	tests := []struct {
		name  string
		moves []store.Move
		want  []string
	}{
		{"changed since read", []store.Move{ok, {From: poll.Path, To: archivePath(poll.Path), Version: poll.Version}}, []string{poll.Path}},
		{"gone", []store.Move{{From: "_news/2000-01-01-never.md", To: "_archive/news/2000-01-01-never.md"}, ok}, []string{"_news/2000-01-01-never.md"}},
		{"target taken", []store.Move{ok, {From: rally.Path, To: taken, Version: rally.Version}}, []string{taken}},
		{"one target twice", []store.Move{ok, {From: rally.Path, To: ok.To, Version: rally.Version}}, []string{ok.To}},
		{"target moved from in the batch", []store.Move{{From: rally.Path, To: senate.Path, Version: rally.Version}, ok}, []string{senate.Path}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := generation(t, st)
			err := st.Move(ctx, tt.moves)
			mustConflict(t, err, tt.want...)
			if generation(t, st) != before {
				t.Error("a refused Move changed the generation")
			}
			for _, m := range tt.moves {
				if _, err := st.Get(ctx, m.From); err != nil && m.From != "_news/2000-01-01-never.md" {
					t.Errorf("a refused Move moved %s: %v", m.From, err)
				}
			}
			_, err = st.Get(ctx, ok.To)
			mustNotFound(t, "Get(target of a refused batch)", err)
		})
	}
}

func testPurge(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	member := get(t, st, news[1].Path) // trump-rally-2, unpublished member of s1
	member.Article.GUID = "tag:example.com,2020:rally-2"
	refresh(member)
	rewrite(t, st, member)
	member = get(t, st, member.Path)
	archivedMember := get(t, st, news[10].Path) // convention-2
	at := time.Date(2021, 3, 1, 4, 5, 6, 0, time.UTC)
	keys := []string{member.Article.CanonicalURL, member.Article.GUID, "https://example.com/trump-rally-2"}
	before := generation(t, st)
	err := st.Purge(ctx, []store.Purge{
		{Path: member.Path, Version: member.Version, Keys: keys, At: at},
		{Path: archivedMember.Path, Version: archivedMember.Version, Keys: []string{archivedMember.Article.CanonicalURL}, At: at},
	})
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if generation(t, st) == before {
		t.Error("Purge left the generation as it was")
	}
	for _, p := range []string{member.Path, archivedMember.Path} {
		_, err := st.Get(ctx, p)
		mustNotFound(t, "Get(purged)", err)
	}
	_, err = st.ArticleByURL(ctx, member.Article.GUID)
	mustNotFound(t, "ArticleByURL(purged GUID)", err)
	rest := slices.Delete(slices.Clone(news), 10, 11)
	rest = slices.Delete(rest, 1, 2)
	checkListings(t, st, rest)
	if res := search(t, st, store.SearchQuery{Text: "crowd"}); containsPath(res.Hits, member.Path) {
		t.Errorf("search finds the purged %s", member.Path)
	}

	want := []store.Tombstone{
		{Key: keys[0], Path: member.Path, PurgedAt: at},
		{Key: archivedMember.Article.CanonicalURL, Path: archivedMember.Path, PurgedAt: at},
		{Key: keys[1], Path: member.Path, PurgedAt: at},
	}
	slices.SortFunc(want, func(a, b store.Tombstone) int { return strings.Compare(a.Key, b.Key) })
	checkTombstones(t, st, want)
	for _, w := range want {
		got, err := st.Tombstone(ctx, w.Key)
		if err != nil || got != w {
			t.Errorf("Tombstone(%s) = %+v, %v; want %+v", w.Key, got, err, w)
		}
	}
	_, err = st.Tombstone(ctx, news[0].Article.CanonicalURL)
	mustNotFound(t, "Tombstone(a key never purged)", err)

	// The path can be used again by another article.
	upsert(t, st, news[1])
	if got := get(t, st, news[1].Path); got.Article.Title != news[1].Article.Title {
		t.Errorf("path reused: %q", got.Article.Title)
	}

	// Keys kept again (a copy of another store's tombstones, version 0):
	// the later purge is kept, once, and the record now at the path stays.
	later := at.Add(time.Hour)
	if err := st.Purge(ctx, []store.Purge{{Path: member.Path, Keys: []string{keys[0], keys[0]}, At: later}}); err != nil {
		t.Fatalf("Purge again: %v", err)
	}
	want[slices.IndexFunc(want, func(w store.Tombstone) bool { return w.Key == keys[0] })].PurgedAt = later
	checkTombstones(t, st, want)
	get(t, st, news[1].Path)
}

// testExpireTombstones checks that ExpireTombstones deletes the tombstones
// dated before its time, and those alone: one dated at it or after, and
// one without a date, stay; the generation moves only when one went.
func testExpireTombstones(t *testing.T, st store.Store) {
	ctx := context.Background()
	cut := day0.Add(30 * 24 * time.Hour)
	old := store.Tombstone{Key: "https://example.com/old", Path: "_news/2020-01-01-old.md", PurgedAt: day0, Dated: cut.Add(-time.Microsecond)}
	at := store.Tombstone{Key: "https://example.com/at", Path: "_news/2020-01-31-at.md", PurgedAt: day0, Dated: cut}
	undated := store.Tombstone{Key: "https://example.com/undated", Path: "_news/2020-01-01-undated.md", PurgedAt: day0}
	var purges []store.Purge
	for _, ts := range []store.Tombstone{old, at, undated} {
		purges = append(purges, store.Purge{Path: ts.Path, Keys: []string{ts.Key}, At: ts.PurgedAt, Dated: ts.Dated})
	}
	if err := st.Purge(ctx, purges); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	checkTombstones(t, st, []store.Tombstone{at, old, undated})
	before := generation(t, st)
	n, err := st.ExpireTombstones(ctx, cut)
	if err != nil || n != 1 {
		t.Fatalf("ExpireTombstones = %d, %v; want 1", n, err)
	}
	if generation(t, st) == before {
		t.Error("ExpireTombstones left the generation as it was")
	}
	checkTombstones(t, st, []store.Tombstone{at, undated})
	_, err = st.Tombstone(ctx, old.Key)
	mustNotFound(t, "Tombstone(expired)", err)
	if got, err := st.PurgedPaths(ctx, []string{old.Path, at.Path}); err != nil || !slices.Equal(got, []string{at.Path}) {
		t.Errorf("PurgedPaths after the expiry = %v, %v; want %v", got, err, []string{at.Path})
	}

	before = generation(t, st)
	if n, err := st.ExpireTombstones(ctx, cut); err != nil || n != 0 {
		t.Errorf("ExpireTombstones again = %d, %v; want 0", n, err)
	}
	if generation(t, st) != before {
		t.Error("an ExpireTombstones that deleted nothing changed the generation")
	}
}

func testPurgeRefusesChangedRecords(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	a, b := get(t, st, news[1].Path), get(t, st, news[2].Path)
	rewrite(t, st, retitle(get(t, st, b.Path), "Rally in Portland, updated"))
	before := generation(t, st)
	err := st.Purge(ctx, []store.Purge{
		{Path: a.Path, Version: a.Version, Keys: []string{a.Article.CanonicalURL}, At: day0},
		{Path: b.Path, Version: b.Version, Keys: []string{b.Article.CanonicalURL}, At: day0},
		{Path: "_news/2000-01-01-never.md", Version: 7, Keys: []string{"https://example.com/never"}, At: day0},
	})
	mustConflict(t, err, b.Path, "_news/2000-01-01-never.md")
	if generation(t, st) != before {
		t.Error("a refused Purge changed the generation")
	}
	get(t, st, a.Path)
	get(t, st, b.Path)
	checkTombstones(t, st, nil)
}

// testPurgedLookUps checks PurgedKeys and PurgedPaths against what was
// purged: a key purged again names the later purge, a key or path never
// purged (or stored) is not found, and a batch larger than a store looks
// up at once is found whole.
func testPurgedLookUps(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	a, b := get(t, st, news[1].Path), get(t, st, news[10].Path)
	shared := "https://example.com/shared-link"
	err := st.Purge(ctx, []store.Purge{
		{Path: a.Path, Version: a.Version, Keys: []string{a.Article.CanonicalURL, shared}, At: day0},
		{Path: b.Path, Version: b.Version, Keys: []string{b.Article.CanonicalURL}, At: day0},
	})
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	// shared purged again, with another article: the later purge names it.
	if err := st.Purge(ctx, []store.Purge{{Path: b.Path, Keys: []string{shared}, At: day0.Add(time.Hour)}}); err != nil {
		t.Fatalf("Purge again: %v", err)
	}
	stored := news[0]
	keys := []string{a.Article.CanonicalURL, "", shared, stored.Article.CanonicalURL, "https://example.com/never", a.Article.CanonicalURL, "bad\x00key", "https://example.com/\xff"}
	want := map[string]string{a.Article.CanonicalURL: a.Path, shared: b.Path}
	paths := []string{a.Path, stored.Path, b.Path, "_news/2000-01-01-never.md", "bad\x00path"}
	wantPaths := []string{a.Path, b.Path}
	// More keys and paths than a store may look up at once (see
	// sqlite's lookupChunk), every other one purged.
	var many []store.Purge
	for i := range 1200 {
		p := store.Purge{Path: fmt.Sprintf("_news/2020-01-01-many-%d.md", i), Keys: []string{fmt.Sprintf("https://example.com/many/%d", i)}, At: day0}
		keys, paths = append(keys, p.Keys[0]), append(paths, p.Path)
		if i%2 == 0 {
			many = append(many, p)
			want[p.Keys[0]] = p.Path
			wantPaths = append(wantPaths, p.Path)
		}
	}
	if err := st.Purge(ctx, many); err != nil {
		t.Fatalf("Purge many: %v", err)
	}

	got, err := st.PurgedKeys(ctx, keys)
	if err != nil {
		t.Fatalf("PurgedKeys: %v", err)
	}
	if !maps.Equal(got, want) {
		t.Errorf("PurgedKeys gave %d keys, want %d; first differences: %v", len(got), len(want), firstDiffs(got, want))
	}
	gotPaths, err := st.PurgedPaths(ctx, paths)
	if err != nil {
		t.Fatalf("PurgedPaths: %v", err)
	}
	slices.Sort(gotPaths)
	slices.Sort(wantPaths)
	if !slices.Equal(gotPaths, wantPaths) {
		t.Errorf("PurgedPaths gave %d paths, want %d: %q", len(gotPaths), len(wantPaths), gotPaths[:min(5, len(gotPaths))])
	}
	if got, err := st.PurgedKeys(ctx, nil); err != nil || len(got) != 0 {
		t.Errorf("PurgedKeys(none) = %v, %v", got, err)
	}
}

// firstDiffs names up to three keys whose values differ between got and
// want.
func firstDiffs(got, want map[string]string) []string {
	var out []string
	for k := range maps.Keys(want) {
		if got[k] != want[k] && len(out) < 3 {
			out = append(out, fmt.Sprintf("%s: %q, want %q", k, got[k], want[k]))
		}
	}
	for k := range maps.Keys(got) {
		if _, ok := want[k]; !ok && len(out) < 3 {
			out = append(out, fmt.Sprintf("%s: %q, want none", k, got[k]))
		}
	}
	return out
}

// checkTombstones fails the test unless Tombstones gives want, in order.
func checkTombstones(t *testing.T, st store.Store, want []store.Tombstone) {
	t.Helper()
	var got []store.Tombstone
	if err := st.Tombstones(context.Background(), func(ts store.Tombstone) error {
		got = append(got, ts)
		return nil
	}); err != nil {
		t.Fatalf("Tombstones: %v", err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Tombstones =\n %+v\nwant\n %+v", got, want)
	}
}
