// Package storetest is the conformance suite every store.Store must pass.
//
// An implementation's test calls Run with a function that opens a new,
// empty store (for SQLite, a file in t.TempDir()). The suite uses only the
// store.Store interface, so SQLite and PostgreSQL are held to the same
// behaviour.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Run runs the conformance suite. open must return a new, empty store; the
// suite closes it.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"UpsertInsertsAndGetReturnsRecords", testUpsertInsert},
		{"UpsertReplacesRecordAtSamePath", testUpsertReplace},
		{"UpsertKeepsIndexesInStepWithEachField", testUpsertFieldChanges},
		{"UpsertLastDuplicateInBatchWins", testUpsertDuplicateInBatch},
		{"UpsertOfUnchangedRecordsKeepsThem", testUpsertUnchanged},
		{"UpsertStoresOddInput", testUpsertOddInput},
		{"HeatBeyondInt32ListsInOrder", testHeatBeyondInt32},
		{"GetMissingIsNotFound", testGetNotFound},
		{"ArticleByURLMatchesCanonicalURLOrGUID", testArticleByURL},
		{"ArticlePathsAgreeWithArticleByURL", testArticlePaths},
		{"LongestURLsAreKeysLikeOthers", testLongURLs},
		{"NewsHonoursEveryQueryField", testNewsQueries},
		{"NewsPagesCoverTheListingOnce", testNewsPaging},
		{"StoryListsLeadFirstThenQuality", testStory},
		{"DeleteRemovesRecordsFromEveryIndex", testDelete},
		{"CountCountsEachKind", testCount},
		{"GenerationChangesOnEveryWrite", testGeneration},
		{"GenerationsAreDatedByTheirCommits", testCommitTimes},
		{"ScanVisitsKindsInPathOrder", testScan},
		{"ScanRawGivesFileBytes", testScanRaw},
		{"ScanHoldingFindsTheRecordsHoldingAKey", testScanHolding},
		{"ModesRoundTripAndReplace", testModes},
		{"ModesFollowTheirFiles", testModesFollowFiles},
		{"ScanStopsAtCallbackError", testScanStops},
		{"WritesInsideScanCallbackProceed", testWriteDuringScan},
		{"SearchRanksTitleMatchesFirst", testSearchRanking},
		{"SearchMatchesWordsPhrasesAndPrefixes", testSearchSyntax},
		{"SearchFiltersByTopicAndTime", testSearchFilters},
		{"SearchPagesWithTotal", testSearchPaging},
		{"SearchRanksTheMatchesStoredLast", testSearchRankLimit},
		{"SearchRejectsBadQueries", testSearchBadQuery},
		{"SearchFindsWordsInsideCJKText", testSearchCJK},
		{"SearchRanksNewerFirstAmongEqualMatches", testSearchNewerFirstAmongEqual},
		{"SearchKeepsMarksInWords", testSearchMarks},
		{"SearchFindsWordsHoweverTheirLettersAreWritten", testSearchForms},
		{"SearchRanksByTextNotTopics", testSearchRanksByTextNotTopics},
		{"SourceStateRoundTrips", testSourceState},
		{"SourceStatesOfReadAsOneByOne", testSourceStatesOf},
		{"LongestSourceURLsAreKeysLikeOthers", testLongSourceURLs},
		{"DeleteSourceStatesForgetsThoseNamed", testDeleteSourceStates},
		{"RoundLogKeepsTheNewest", testRounds},
		{"HostHoldsKeepTheLatestUntilOver", testHostHolds},
		{"HostHoldsPutAtOnceByWorkers", testHostHoldsPutAtOnce},
		{"HostHoldsStaleGiveWayAfterTheClockIsSetBack", testHostHoldsStale},
		{"UnreadPagesOldestFirstAndBoundedByHost", testUnreadPages},
		{"FailedBatchWritesNothing", testFailedBatch},
		{"ReadersSeeWholeBatchesDuringWrites", testConcurrentReaders},
		{"ReadsCarryTheVersionEachWriteChanges", testVersions},
		{"SnapshotReadsOneGeneration", testSnapshot},
		{"UpsertIfUnchangedRefusesRecordsChangedSinceRead", testUpsertIfUnchangedRefusesChangedRecords},
		{"UpsertIfUnchangedRefusesRecordsDeletedSinceRead", testUpsertIfUnchangedRefusesDeletedRecords},
		{"UpsertIfUnchangedOfTheStoredValueIsNoConflict", testUpsertIfUnchangedOfTheStoredValue},
		{"UpsertIfUnchangedLastOfSamePathInBatchWins", testUpsertIfUnchangedSamePathTwice},
		{"ConcurrentRewritersOfOneReadOneWins", testConcurrentRewritersOneWins},
		{"PublicQueriesLeaveOutWithheld", testPublicLeavesOutWithheld},
		{"PinnedAtListsPinnedRecords", testPinnedAtListsPinnedLeads},
		{"MoveGivesRecordsNewPathsEverywhere", testMove},
		{"MoveRefusesChangedGoneOrTakenPaths", testMoveRefusesConflicts},
		{"PurgeDeletesRecordsAndKeepsTheirKeys", testPurge},
		{"PurgeRefusesRecordsChangedSinceRead", testPurgeRefusesChangedRecords},
		{"PurgedKeysAndPathsAreLookedUpInBatches", testPurgedLookUps},
		{"ExpireTombstonesDeletesThoseDatedBefore", testExpireTombstones},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := open(t)
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
			})
			tt.fn(t, st)
		})
	}
}

func testUpsertInsert(t *testing.T, st store.Store) {
	ctx := context.Background()
	recs := []*model.Record{
		article("trump-rally", "Trump praises supporters in Portland", hours(0), "Election", "Donald Trump"),
		archived(article("old-debate", "First debate recap", hours(-500), "Election")),
		person("joe-biden", "Joe Biden", 300),
		topic(1, "election", "Election"),
		config(),
		event("debate-night", "Debate night", hours(48)),
	}
	recs[0].Article.GUID = "tag:example.com,2020:rally"
	recs[0].Article.Explain = &model.Explain{Heat: "142 + 20 x 0 related = 142"}
	upsert(t, st, recs...)
	for _, want := range recs {
		got, err := st.Get(ctx, want.Path)
		if err != nil {
			t.Fatalf("Get(%s): %v", want.Path, err)
		}
		sameRecord(t, got, want)
	}
}

func testUpsertReplace(t *testing.T, st store.Store) {
	ctx := context.Background()
	old := article("rally", "Trump rally in Portland", hours(0), "Election", "Donald Trump")
	old.Article.Story = "s-old"
	upsert(t, st, old)

	repl := article("rally", "Biden speech in Delaware", hours(1), "Election", "Joe Biden")
	repl.Path = old.Path
	repl.Article.CanonicalURL = "https://example.com/rally-moved"
	repl.Article.Story = "s-new"
	repl.Article.Published = false
	refresh(repl)
	upsert(t, st, repl)

	got, err := st.Get(ctx, old.Path)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameRecord(t, got, repl)
	counts, err := st.Count(ctx)
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	if counts[model.KindNews] != 1 {
		t.Errorf("Count[news] = %d after replacing, want 1", counts[model.KindNews])
	}
	checks := []struct {
		name string
		q    store.NewsQuery
		want int
	}{
		{"old topic no longer lists it", store.NewsQuery{Topic: "Donald Trump"}, 0},
		{"new topic lists it", store.NewsQuery{Topic: "Joe Biden"}, 1},
		{"old story no longer has it", store.NewsQuery{Story: "s-old"}, 0},
		{"new story has it", store.NewsQuery{Story: "s-new"}, 1},
		{"no longer published", store.NewsQuery{PublishedOnly: true}, 0},
		{"old time range no longer holds it", store.NewsQuery{Until: hours(1)}, 0},
	}
	for _, c := range checks {
		n, err := st.CountNews(ctx, c.q)
		if err != nil {
			t.Fatalf("%s: CountNews: %v", c.name, err)
		}
		if n != c.want {
			t.Errorf("%s: CountNews = %d, want %d", c.name, n, c.want)
		}
	}
	if _, err := st.ArticleByURL(ctx, old.Article.CanonicalURL); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ArticleByURL(old canonical URL): err = %v, want ErrNotFound", err)
	}
	if res := search(t, st, store.SearchQuery{Text: "Portland"}); res.Total != 0 {
		t.Errorf("search for the old title's word: total %d, want 0", res.Total)
	}
	if res := search(t, st, store.SearchQuery{Text: "Delaware"}); res.Total != 1 {
		t.Errorf("search for the new title's word: total %d, want 1", res.Total)
	}

	// A record may even change kind at the same path.
	other := person("rally", "Not news any more", 5)
	other.Path = old.Path
	upsert(t, st, other)
	if n, err := st.CountNews(ctx, store.NewsQuery{}); err != nil || n != 0 {
		t.Errorf("CountNews after kind change = %d, %v; want 0", n, err)
	}
	if res := search(t, st, store.SearchQuery{Text: "Delaware"}); res.Total != 0 {
		t.Errorf("search after kind change: total %d, want 0", res.Total)
	}
}

func testUpsertFieldChanges(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	r := news[3] // biden-speech
	changes := []struct {
		name   string
		change func(a *model.Article)
	}{
		{"heat", func(a *model.Article) { a.Heat = 999 }},
		{"quality and published", func(a *model.Article) { a.Quality, a.Published = 1, false }},
		{"time", func(a *model.Article) { a.PublishedDateTime = hours(-100) }},
		{"topic added", func(a *model.Article) { a.Topics = append(a.Topics, "Kamala Harris") }},
		{"topic removed", func(a *model.Article) { a.Topics = []string{"Election", "Kamala Harris"} }},
		{"title", func(a *model.Article) { a.Title = "Harris answers questions in Wilmington" }},
		{"excerpt", func(a *model.Article) { a.Excerpt = "Reporters pressed on healthcare." }},
		{"publisher", func(a *model.Article) { a.Provider.Name = "Delaware Courier" }},
		{"story", func(a *model.Article) { a.Story = "s9" }},
		{"everything back", func(a *model.Article) {
			*a = *article("biden-speech", "Biden speaks in Pittsburgh", hours(3), "Election", "Joe Biden").Article
		}},
	}
	queries := []store.NewsQuery{
		{}, {Topic: "Election"}, {Topic: "Joe Biden"}, {Topic: "Kamala Harris"},
		{Topic: "Election", Order: store.ByHeat}, {PublishedOnly: true, Order: store.ByQuality},
		{Since: hours(-200), Until: hours(0)}, {Story: "s9"}, {Story: "s2"},
	}
	for _, ch := range changes {
		ch.change(r.Article)
		refresh(r)
		upsert(t, st, r)
		for _, q := range queries {
			got, err := st.News(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if want := paths(expectNews(news, q)); !equalStrings(paths(got), want) {
				t.Errorf("after changing %s: News(%+v) = %v, want %v", ch.name, q, paths(got), want)
			}
		}
		for _, w := range []string{"Pittsburgh", "Wilmington", "healthcare", "Courier"} {
			want := 0
			a := r.Article
			if strings.Contains(strings.ToLower(a.Title+" "+a.Excerpt+" "+a.Provider.Name), strings.ToLower(w)) {
				want = 1
			}
			if res := search(t, st, store.SearchQuery{Text: w}); res.Total != want {
				t.Errorf("after changing %s: search %s finds %d, want %d", ch.name, w, res.Total, want)
			}
		}
		got, err := st.Get(ctx, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		sameRecord(t, got, r)
	}
}

func testUpsertDuplicateInBatch(t *testing.T, st store.Store) {
	first := article("dup", "First version", hours(0), "Election")
	second := article("dup", "Second version", hours(0), "Election", "Senate")
	upsert(t, st, first, second)
	got, err := st.Get(context.Background(), first.Path)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	sameRecord(t, got, second)
	if n, _ := st.CountNews(context.Background(), store.NewsQuery{Topic: "Senate"}); n != 1 {
		t.Errorf("CountNews(Senate) = %d, want 1", n)
	}
}

func testUpsertUnchanged(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	before, err := st.News(ctx, store.NewsQuery{Topic: "Donald Trump"})
	if err != nil {
		t.Fatal(err)
	}
	hits := search(t, st, store.SearchQuery{Text: "Trump"})
	if hits.Total == 0 {
		t.Fatal("search Trump finds nothing before the re-upsert")
	}
	// The same records again, as a second import of an unchanged site.
	again, others := newsSet()
	upsert(t, st, append(again, others...)...)
	after, err := st.News(ctx, store.NewsQuery{Topic: "Donald Trump"})
	if err != nil {
		t.Fatal(err)
	}
	if !equalStrings(paths(after), paths(before)) {
		t.Errorf("topic listing changed by re-upserting the same records: %v, was %v", paths(after), paths(before))
	}
	if res := search(t, st, store.SearchQuery{Text: "Trump"}); res.Total != hits.Total {
		t.Errorf("search Trump after re-upsert: total %d, was %d", res.Total, hits.Total)
	}
	for _, want := range news {
		got, err := st.Get(ctx, want.Path)
		if err != nil {
			t.Fatalf("Get(%s): %v", want.Path, err)
		}
		sameRecord(t, got, want)
	}
	// A record whose value changes but whose file bytes do not is still
	// rewritten: the value is part of what is stored.
	changed := again[0]
	changed.Article.Story = "s-moved"
	upsert(t, st, changed)
	if got, _ := st.Story(ctx, "s-moved"); len(got) != 1 {
		t.Errorf("Story(s-moved) has %d records after a value-only change, want 1", len(got))
	}
}

func testUpsertOddInput(t *testing.T, st store.Store) {
	ctx := context.Background()
	ancient := article("ancient", "Year one", time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), "Election")
	future := article("future", "Year 9999", time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC), "Election")
	zero := article("zero", "No date", time.Time{}, "Election")
	odd := article("odd", "Bad \xff bytes and 'quotes'; DROP TABLE records; --", hours(0), "Election", `Topic "quoted" 'x'`, "")
	odd.Article.Excerpt = strings.Repeat("long excerpt ", 20000)
	refresh(odd)
	noTopics := article("no-topics", "No topics at all", hours(1))
	recs := []*model.Record{ancient, future, zero, odd, noTopics}
	upsert(t, st, recs...)
	for _, want := range recs {
		got, err := st.Get(ctx, want.Path)
		if err != nil {
			t.Fatalf("Get(%s): %v", want.Path, err)
		}
		sameRecord(t, got, want)
	}
	got, err := st.News(ctx, store.NewsQuery{Topic: "Election"})
	if err != nil {
		t.Fatal(err)
	}
	if want := paths(expectNews(recs, store.NewsQuery{Topic: "Election"})); !equalStrings(paths(got), want) {
		t.Errorf("News(Election) = %v, want %v", paths(got), want)
	}
	if n, _ := st.CountNews(ctx, store.NewsQuery{Topic: `Topic "quoted" 'x'`}); n != 1 {
		t.Errorf("CountNews(quoted topic) = %d, want 1", n)
	}
	if n, _ := st.CountNews(ctx, store.NewsQuery{Since: time.Date(5000, 1, 1, 0, 0, 0, 0, time.UTC)}); n != 1 {
		t.Errorf("CountNews(since year 5000) = %d, want 1", n)
	}
	if res := search(t, st, store.SearchQuery{Text: "quotes DROP"}); res.Total != 1 {
		t.Errorf("search in a title with SQL in it: total %d, want 1", res.Total)
	}
}

func testGetNotFound(t *testing.T, st store.Store) {
	upsert(t, st, article("present", "Present", hours(0), "Election"))
	_, err := st.Get(context.Background(), "_news/2020-08-30-absent.md")
	mustNotFound(t, "Get(absent)", err)
}

func testArticleByURL(t *testing.T, st store.Store) {
	ctx := context.Background()
	a := article("by-url", "Found by URL", hours(0), "Election")
	a.Article.GUID = "https://feeds.example.com/item/42"
	refresh(a)
	b := article("other", "Another article", hours(1), "Election")
	upsert(t, st, a, b, person("jane", "Jane Doe", 1))
	tests := []struct {
		key  string
		want string // path; "" for not found
	}{
		{a.Article.CanonicalURL, a.Path},
		{a.Article.GUID, a.Path},
		{b.Article.CanonicalURL, b.Path},
		{"https://example.com/unknown", ""},
		{a.Article.OriginalURL, ""}, // only canonical URL and GUID are keys
		{"", ""},
	}
	for _, tt := range tests {
		got, err := st.ArticleByURL(ctx, tt.key)
		if tt.want == "" {
			mustNotFound(t, "ArticleByURL("+tt.key+")", err)
			continue
		}
		if err != nil {
			t.Errorf("ArticleByURL(%s): %v", tt.key, err)
			continue
		}
		if got.Path != tt.want || got.Article == nil {
			t.Errorf("ArticleByURL(%s) = %s, want %s", tt.key, got.Path, tt.want)
		}
	}
}

func testGeneration(t *testing.T, st store.Store) {
	ctx := context.Background()
	g0 := generation(t, st)
	rec := article("gen", "Generation", hours(0), "Election")
	upsert(t, st, rec)
	g1 := generation(t, st)
	if g1 == g0 {
		t.Fatalf("generation %d unchanged by Upsert", g1)
	}
	if _, err := st.Get(ctx, rec.Path); err != nil {
		t.Fatal(err)
	}
	if _, err := st.News(ctx, store.NewsQuery{}); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, st); g != g1 {
		t.Errorf("generation changed from %d to %d by reads", g1, g)
	}
	if err := st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml"}); err != nil {
		t.Fatal(err)
	}
	g2 := generation(t, st)
	if g2 == g1 {
		t.Errorf("generation %d unchanged by PutSourceState", g2)
	}
	if err := st.Delete(ctx, rec.Path); err != nil {
		t.Fatal(err)
	}
	if g := generation(t, st); g == g2 {
		t.Errorf("generation %d unchanged by Delete", g)
	}
}

func testCount(t *testing.T, st store.Store) {
	upsert(t, st,
		article("a", "A", hours(0), "Election"),
		article("b", "B", hours(1), "Election"),
		archived(article("c", "C", hours(-100), "Election")),
		person("p", "P", 1),
		person("q", "Q", 2),
		topic(1, "election", "Election"),
		config(),
	)
	got, err := st.Count(context.Background())
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	want := map[model.Kind]int{model.KindNews: 3, model.KindPerson: 2, model.KindTopic: 1, model.KindConfig: 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("Count[%s] = %d, want %d", k, got[k], n)
		}
	}
	for k, n := range got {
		if want[k] != n {
			t.Errorf("Count has %s = %d, want %d", k, n, want[k])
		}
	}
}

func testSourceState(t *testing.T, st store.Store) {
	ctx := context.Background()
	_, err := st.SourceState(ctx, "https://example.com/feed.xml")
	mustNotFound(t, "SourceState(never fetched)", err)

	at := day0.Add(123456 * time.Microsecond)
	states := []store.SourceState{
		{
			URL: "https://example.com/feed.xml", ETag: `W/"abc"`, LastModified: "Sun, 30 Aug 2020 12:00:00 GMT",
			LastFetch: at, LastSuccess: at.Add(-time.Hour), LastStatus: "304 Not Modified",
			Items: 42, Errors: 0, NextFetch: at.Add(30 * time.Minute), Interval: 30 * time.Minute,
			// What the last read gave: kept whole, the reasons and the
			// dropped items with them.
			LastRead: store.ReadReport{
				Items: 5, New: 1, Malformed: "malformed XML (line 40: document ends inside <item>): 4 of 5 items read",
				NotStored: map[string]int{"already stored": 2, "no usable link": 1, "malformed": 1},
				Drops: []store.Drop{
					{Title: "Untitled «draft»", GUID: "42", Reason: "no usable link"},
					{Reason: "malformed", Detail: "item 5 (line 40): the document ends inside it"},
				},
			},
		},
		{
			URL: "https://news.example.org/rss", LastFetch: at, LastStatus: "dial tcp: connection refused",
			Errors: 7, NextFetch: at.Add(6 * time.Hour), Interval: 6 * time.Hour, Paused: true,
		},
		{URL: "https://empty.example.net/atom"}, // never succeeded: zero times
	}
	if err := st.PutSourceState(ctx, states[0]); err != nil {
		t.Fatalf("PutSourceState(%s): %v", states[0].URL, err)
	}
	// The rest in one go.
	if err := st.PutSourceState(ctx, states[1:]...); err != nil {
		t.Fatalf("PutSourceState of %d: %v", len(states)-1, err)
	}
	for _, want := range states {
		got, err := st.SourceState(ctx, want.URL)
		if err != nil {
			t.Fatalf("SourceState(%s): %v", want.URL, err)
		}
		sameState(t, got, want)
	}
	// Replacing keeps one state per URL.
	states[0].Errors, states[0].LastStatus, states[0].ETag = 1, "500 Internal Server Error", ""
	if err := st.PutSourceState(ctx, states[0]); err != nil {
		t.Fatal(err)
	}
	all, err := st.SourceStates(ctx)
	if err != nil {
		t.Fatalf("SourceStates: %v", err)
	}
	if len(all) != len(states) {
		t.Fatalf("SourceStates returned %d states, want %d", len(all), len(states))
	}
	byURL := map[string]store.SourceState{}
	for _, s := range all {
		byURL[s.URL] = s
	}
	for _, want := range states {
		got, ok := byURL[want.URL]
		if !ok {
			t.Errorf("SourceStates lacks %s", want.URL)
			continue
		}
		sameState(t, got, want)
	}
	// States given together are stored together or not at all.
	bad := []store.SourceState{{URL: "https://new.example.com/a.xml", Items: 3}, {Items: 4}}
	if err := st.PutSourceState(ctx, bad...); err == nil {
		t.Error("PutSourceState with an empty URL: no error")
	}
	_, err = st.SourceState(ctx, bad[0].URL)
	mustNotFound(t, "SourceState of a state put with a bad one", err)
}

// testSourceStatesOf reads the states of several sources in one call:
// the same answer SourceState gives for each, those with none (never
// fetched, "", a URL named twice) left out or given once, past the first
// thousand URLs asked as before it.
func testSourceStatesOf(t *testing.T, st store.Store) {
	ctx := context.Background()
	if got, err := st.SourceStatesOf(ctx); err != nil || len(got) != 0 {
		t.Fatalf("SourceStatesOf of none: %v, %v; want none", got, err)
	}
	long, plain, latin := longURL(5, model.MaxURL), "https://example.com/feed.xml", "https://example.com/caf\xe9.xml"
	states := []store.SourceState{
		{URL: long, Items: 4, LastFetch: day0, NextFetch: day0.Add(time.Hour), Interval: time.Hour},
		{URL: plain, Errors: 3, Paused: true, LastStatus: "dial tcp: connection refused"},
		{URL: latin, ETag: `"x"`, LastRead: store.ReadReport{Items: 2, NotStored: map[string]int{"already stored": 2}}},
	}
	if err := st.PutSourceState(ctx, states...); err != nil {
		t.Fatalf("PutSourceState: %v", err)
	}
	var asked []string
	for i := range 1000 {
		asked = append(asked, fmt.Sprintf("https://never.example.net/%d.xml", i))
	}
	asked = append(asked, long, plain, "", latin, plain, "https://never.example.net/atom")
	got, err := st.SourceStatesOf(ctx, asked...)
	if err != nil {
		t.Fatalf("SourceStatesOf: %v", err)
	}
	found := 0
	for _, u := range slices.Compact(slices.Sorted(slices.Values(asked))) {
		one, err := st.SourceState(ctx, u)
		many, ok := got[u]
		switch {
		case errors.Is(err, store.ErrNotFound) && ok:
			t.Errorf("SourceStatesOf gives a state of %.60q, which SourceState does not find", u)
		case err != nil && !errors.Is(err, store.ErrNotFound):
			t.Fatalf("SourceState(%.60q): %v", u, err)
		case err == nil && !ok:
			t.Errorf("SourceStatesOf lacks the state of %.60q", u)
		case err == nil:
			found++
			sameState(t, many, one)
		}
	}
	if found != len(states) || len(got) != found {
		t.Errorf("SourceStatesOf gave %d states, SourceState found %d; want %d", len(got), found, len(states))
	}
}

// testLongSourceURLs keeps the state of, and leases, a source whose URL
// is as long as an address may be (model.MaxURL), beside an ordinary one
// in the same calls.
func testLongSourceURLs(t *testing.T, st store.Store) {
	ctx := context.Background()
	long, plain := longURL(3, model.MaxURL), "https://example.com/feed.xml"
	states := []store.SourceState{{URL: long, Items: 4, LastFetch: day0}, {URL: plain, Items: 2, LastFetch: day0}}
	if err := st.PutSourceState(ctx, states...); err != nil {
		t.Fatalf("PutSourceState: %v", err)
	}
	states[0].Items = 5 // replaced, not added
	if err := st.PutSourceState(ctx, states[0]); err != nil {
		t.Fatalf("PutSourceState again: %v", err)
	}
	if got, err := st.SourceState(ctx, long); err != nil || got.Items != 5 {
		t.Errorf("SourceState of the long URL: %d items, %v; want 5", got.Items, err)
	}
	if all, err := st.SourceStates(ctx); err != nil || len(all) != 2 {
		t.Errorf("SourceStates: %d states, %v; want 2", len(all), err)
	}
	got, err := st.Lease(ctx, "A", time.Hour, long, plain)
	if err != nil || len(got) != 2 {
		t.Fatalf("Lease: %v, %v; want both", got, err)
	}
	if got, err := st.Lease(ctx, "B", time.Hour, long); err != nil || len(got) != 0 {
		t.Errorf("Lease of the long URL another holds: %v, %v; want none", got, err)
	}
	if err := st.Release(ctx, "A", long); err != nil {
		t.Fatalf("Release: %v", err)
	}
	if got, err := st.Lease(ctx, "B", time.Hour, long, plain); err != nil || len(got) != 1 || got[0] != long {
		t.Errorf("Lease once released: %v, %v; want the long URL alone", got, err)
	}
}

// testDeleteSourceStates deletes the states of the sources named, a long
// URL's among them, in one call: the others stay, a URL with no state is
// passed over, and the generation changes only when a state was deleted.
func testDeleteSourceStates(t *testing.T, st store.Store) {
	ctx := context.Background()
	long, plain, kept := longURL(4, model.MaxURL), "https://example.com/feed.xml", "https://news.example.org/rss"
	states := []store.SourceState{{URL: long, Items: 4, LastFetch: day0}, {URL: plain, Errors: 3, Paused: true}, {URL: kept, Items: 1}}
	if err := st.PutSourceState(ctx, states...); err != nil {
		t.Fatalf("PutSourceState: %v", err)
	}
	g0 := generation(t, st)
	if n, err := st.DeleteSourceStates(ctx, long, plain, "https://never.example.net/atom", plain); err != nil || n != 2 {
		t.Fatalf("DeleteSourceStates: %d, %v; want 2 deleted", n, err)
	}
	for _, u := range []string{long, plain} {
		_, err := st.SourceState(ctx, u)
		mustNotFound(t, "SourceState of a state deleted", err)
	}
	if all, err := st.SourceStates(ctx); err != nil || len(all) != 1 || all[0].URL != kept {
		t.Errorf("SourceStates after the delete: %v, %v; want %s alone", all, err, kept)
	}
	g1 := generation(t, st)
	if g1 == g0 {
		t.Errorf("generation %d unchanged by DeleteSourceStates", g1)
	}
	if n, err := st.DeleteSourceStates(ctx, long, "https://never.example.net/atom"); err != nil || n != 0 {
		t.Errorf("DeleteSourceStates of states gone: %d, %v; want 0", n, err)
	}
	if n, err := st.DeleteSourceStates(ctx); err != nil || n != 0 {
		t.Errorf("DeleteSourceStates of none: %d, %v; want 0", n, err)
	}
	if g := generation(t, st); g != g1 {
		t.Errorf("generation changed from %d to %d by deleting no state", g1, g)
	}
}

func sameState(t *testing.T, got, want store.SourceState) {
	t.Helper()
	times := []struct {
		name    string
		got, wt time.Time
	}{{"LastFetch", got.LastFetch, want.LastFetch}, {"LastSuccess", got.LastSuccess, want.LastSuccess}, {"NextFetch", got.NextFetch, want.NextFetch}}
	for _, tm := range times {
		if !tm.got.Equal(tm.wt) || tm.got.IsZero() != tm.wt.IsZero() {
			t.Errorf("%s: %s = %v, want %v", want.URL, tm.name, tm.got, tm.wt)
		}
	}
	got.LastFetch, got.LastSuccess, got.NextFetch = want.LastFetch, want.LastSuccess, want.NextFetch
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SourceState = %+v, want %+v", got, want)
	}
}

func testFailedBatch(t *testing.T, st store.Store) {
	ctx := context.Background()
	kept := article("kept", "Kept as it was", hours(0), "Election")
	upsert(t, st, kept)
	g := generation(t, st)

	changed := article("kept", "Changed by a failed batch", hours(0), "Election", "Senate")
	fresh := article("fresh", "Fresh in a failed batch", hours(1), "Election")
	after := article("after", "After the bad record", hours(2), "Election")
	bad := []struct {
		name string
		rec  *model.Record
	}{
		{"news without an article", &model.Record{Path: "_news/2020-08-30-broken.md", Kind: model.KindNews, Raw: []byte("---\n---\n")}},
		{"unknown kind", &model.Record{Path: "_misc/x.md", Kind: "mystery", Raw: []byte("x")}},
		{"empty path", func() *model.Record { r := article("nopath", "No path", hours(3), "Election"); r.Path = ""; return r }()},
	}
	for _, b := range bad {
		err := st.Upsert(ctx, []*model.Record{fresh, changed, b.rec, after})
		if err == nil {
			t.Errorf("%s: Upsert succeeded, want an error", b.name)
			continue
		}
		for _, p := range []string{fresh.Path, after.Path} {
			_, err := st.Get(ctx, p)
			mustNotFound(t, b.name+": Get("+p+")", err)
		}
		got, err := st.Get(ctx, kept.Path)
		if err != nil {
			t.Fatalf("%s: Get(kept): %v", b.name, err)
		}
		sameRecord(t, got, kept)
		if n, _ := st.CountNews(ctx, store.NewsQuery{}); n != 1 {
			t.Errorf("%s: CountNews = %d, want 1", b.name, n)
		}
		if n, _ := st.CountNews(ctx, store.NewsQuery{Topic: "Senate"}); n != 0 {
			t.Errorf("%s: CountNews(Senate) = %d, want 0", b.name, n)
		}
		if res := search(t, st, store.SearchQuery{Text: "failed"}); res.Total != 0 {
			t.Errorf("%s: search finds %d records of the failed batch", b.name, res.Total)
		}
		if got := generation(t, st); got != g {
			t.Errorf("%s: generation moved from %d to %d though nothing was written", b.name, g, got)
		}
	}
	// The store still takes writes afterwards.
	upsert(t, st, fresh)
	if _, err := st.Get(ctx, fresh.Path); err != nil {
		t.Errorf("Get after a good batch: %v", err)
	}
}

func testRounds(t *testing.T, st store.Store) {
	ctx := context.Background()
	if got, err := st.Rounds(ctx, 10); err != nil || len(got) != 0 {
		t.Fatalf("Rounds of an empty log = %d rounds, %v; want none", len(got), err)
	}
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Past the bound, the oldest go: the log holds the newest MaxRounds.
	n := store.MaxRounds + 3
	for i := range n {
		r := store.Round{Started: day0.Add(time.Duration(i)*time.Minute + 7*time.Microsecond),
			Summary: []byte(fmt.Sprintf(`{"Due":%d,"Err":"«%d»"}`, i, i))}
		if err := st.AddRound(ctx, r); err != nil {
			t.Fatalf("AddRound %d: %v", i, err)
		}
	}
	if g, err := st.Generation(ctx); err != nil || g != gen {
		t.Errorf("Generation after logging rounds = %d, %v; want %d (the log is not hub data)", g, err, gen)
	}
	got, err := st.Rounds(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("Rounds(3) = %d rounds", len(got))
	}
	for i, r := range got {
		k := n - 1 - i
		want := day0.Add(time.Duration(k)*time.Minute + 7*time.Microsecond)
		if !r.Started.Equal(want) || string(r.Summary) != fmt.Sprintf(`{"Due":%d,"Err":"«%d»"}`, k, k) {
			t.Errorf("round %d = %v %s, want %v and round %d's summary", i, r.Started, r.Summary, want, k)
		}
	}
	all, err := st.Rounds(ctx, 2*n)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != store.MaxRounds {
		t.Errorf("the log holds %d rounds, want the newest %d", len(all), store.MaxRounds)
	}
	if last := all[len(all)-1]; !strings.Contains(string(last.Summary), `"Due":3,`) {
		t.Errorf("oldest round kept = %s, want round 3", last.Summary)
	}
	if none, err := st.Rounds(ctx, 0); err != nil || len(none) != 0 {
		t.Errorf("Rounds(0) = %d rounds, %v; want none", len(none), err)
	}
}
