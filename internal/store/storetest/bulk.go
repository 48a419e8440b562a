package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// RunBulk checks a store.BulkLoader: the checks of Run that seed a store
// and then ask it questions, on stores whose first write goes through
// BulkLoad, so that a bulk-loaded store answers every query exactly as an
// upserted one does; then BulkLoad's own rules. open must return a new,
// empty store that implements store.BulkLoader.
func RunBulk(t *testing.T, open func(t *testing.T) store.Store) {
	seeded := []struct {
		name string
		fn   func(t *testing.T, st store.Store)
	}{
		{"UpsertInsertsAndGetReturnsRecords", testUpsertInsert},
		{"UpsertReplacesRecordAtSamePath", testUpsertReplace},
		{"UpsertKeepsIndexesInStepWithEachField", testUpsertFieldChanges},
		{"UpsertLastDuplicateInBatchWins", testUpsertDuplicateInBatch},
		{"UpsertOfUnchangedRecordsKeepsThem", testUpsertUnchanged},
		{"UpsertStoresOddInput", testUpsertOddInput},
		{"ArticleByURLMatchesCanonicalURLOrGUID", testArticleByURL},
		{"NewsHonoursEveryQueryField", testNewsQueries},
		{"NewsPagesCoverTheListingOnce", testNewsPaging},
		{"StoryListsLeadFirstThenQuality", testStory},
		{"DeleteRemovesRecordsFromEveryIndex", testDelete},
		{"CountCountsEachKind", testCount},
		{"ScanVisitsKindsInPathOrder", testScan},
		{"ScanRawGivesFileBytes", testScanRaw},
		{"SearchRanksTitleMatchesFirst", testSearchRanking},
		{"SearchMatchesWordsPhrasesAndPrefixes", testSearchSyntax},
		{"SearchFiltersByTopicAndTime", testSearchFilters},
		{"SearchPagesWithTotal", testSearchPaging},
		{"SearchRanksTheMatchesStoredLast", testSearchRankLimit},
		{"ReadsCarryTheVersionEachWriteChanges", testVersions},
		{"UpsertIfUnchangedRefusesRecordsChangedSinceRead", testUpsertIfUnchangedRefusesChangedRecords},
		{"UpsertIfUnchangedOfTheStoredValueIsNoConflict", testUpsertIfUnchangedOfTheStoredValue},
		{"PublicQueriesLeaveOutWithheld", testPublicLeavesOutWithheld},
		{"PinnedAtListsPinnedRecords", testPinnedAtListsPinnedLeads},
	}
	for _, tt := range seeded {
		t.Run("BulkSeeded/"+tt.name, func(t *testing.T) {
			st := &bulkFirst{Store: open(t), t: t}
			t.Cleanup(func() {
				if err := st.Close(); err != nil {
					t.Errorf("Close: %v", err)
				}
				if !st.loaded {
					t.Errorf("the check wrote nothing through BulkLoad")
				}
			})
			tt.fn(t, st)
		})
	}
	own := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) store.Store)
	}{
		{"BulkLoadAnswersAsUpsertsDo", testBulkAnswersAsUpserts},
		{"BulkLoadRefusesAStoreHoldingRecords", testBulkRefusesNonEmpty},
		{"BulkLoadThatFailsLeavesAWholeStore", testBulkFailedLoad},
		{"BulkLoadKeepsTextAndTopicsOfRewrittenRecords", testBulkRewrites},
	}
	for _, tt := range own {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// bulkFirst is a store whose first Upsert (or UpsertIfUnchanged) runs
// inside BulkLoad.
type bulkFirst struct {
	store.Store
	t      *testing.T
	mu     sync.Mutex
	loaded bool
}

func (b *bulkFirst) Upsert(ctx context.Context, recs []*model.Record) error {
	return b.first(ctx, recs, b.Store.Upsert)
}

func (b *bulkFirst) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	return b.first(ctx, recs, b.Store.UpsertIfUnchanged)
}

func (b *bulkFirst) first(ctx context.Context, recs []*model.Record, write func(context.Context, []*model.Record) error) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.loaded {
		return write(ctx, recs)
	}
	b.loaded = true
	ran := false
	err := bulkLoad(b.Store, ctx, func(ctx context.Context) error {
		ran = true
		return write(ctx, recs)
	})
	if !ran {
		b.t.Fatalf("BulkLoad into a new store did not load: %v", err)
	}
	return err
}

func bulkLoad(st store.Store, ctx context.Context, load func(ctx context.Context) error) error {
	bl, ok := st.(store.BulkLoader)
	if !ok {
		return fmt.Errorf("%T is not a store.BulkLoader", st)
	}
	return bl.BulkLoad(ctx, load)
}

// answers is everything a store answers about a set of records.
type answers map[string]any

// ask puts to st the queries of every kind a hub's readers make.
func ask(t *testing.T, st store.Store, news []*model.Record) answers {
	t.Helper()
	ctx := context.Background()
	a := answers{}
	put := func(key string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		a[key] = v
	}
	var all []string
	err := st.Scan(ctx, nil, func(r *model.Record) error {
		v, err := r.MarshalValue()
		all = append(all, fmt.Sprintf("%s %s %d %q %s", r.Path, r.Kind, r.Version, r.Raw, v))
		return err
	})
	put("scan", all, err)
	counts, err := st.Count(ctx)
	put("count", counts, err)
	gen, err := st.Generation(ctx)
	put("generation", gen, err)
	yes, no := true, false
	name := func(q store.NewsQuery) string {
		archived := "any"
		if q.Archived != nil {
			archived = fmt.Sprint(*q.Archived)
		}
		return fmt.Sprintf("topic %q order %d published only %v archived %s since %v until %v offset %d limit %d",
			q.Topic, q.Order, q.PublishedOnly, archived, q.Since, q.Until, q.Offset, q.Limit)
	}
	for _, topic := range []string{"", "Election", "Donald Trump", "Joe Biden", "Democratic Voice", "Nobody"} {
		for _, order := range []store.Order{store.ByTime, store.ByHeat, store.ByQuality} {
			for _, q := range []store.NewsQuery{
				{}, {PublishedOnly: true}, {Archived: &yes}, {Archived: &no},
				{Since: hours(1), Until: hours(6)}, {Offset: 2, Limit: 3},
			} {
				q.Topic, q.Order = topic, order
				recs, err := st.News(ctx, q)
				put("news "+name(q), paths(recs), err)
				n, err := st.CountNews(ctx, q)
				put("count news "+name(q), n, err)
			}
		}
	}
	for _, r := range news {
		recs, err := st.Story(ctx, r.Article.Story)
		put("story "+r.Article.Story, paths(recs), err)
		got, err := st.ArticleByURL(ctx, r.Article.CanonicalURL)
		put("by url "+r.Article.CanonicalURL, got, err)
	}
	for _, q := range []store.SearchQuery{
		{Text: "trump"}, {Text: "rally"}, {Text: `"trump rally"`}, {Text: "bid*"}, {Text: "convention"},
		{Text: "senate"}, {Text: `"voting rights"`}, {Text: "sen*", Topic: "Election"}, {Text: "cafe"},
		{Text: "trump", Topic: "Democratic Voice"}, {Text: "biden", Since: hours(0), Until: hours(4)},
		{Text: "coverage", Offset: 3, Limit: 4}, {Text: "coverage", RankLimit: 5},
	} {
		res, err := st.Search(ctx, q)
		put(fmt.Sprintf("search %+v", q), fmt.Sprint(res.Total, res.Ranked, res.Capped, paths(res.Hits)), err)
	}
	return a
}

// testBulkAnswersAsUpserts loads the same records in the same batches
// into two stores, one through BulkLoad, and asks both every query.
func testBulkAnswersAsUpserts(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	news, others := newsSet()
	var set []*model.Record
	for _, r := range searchSet() {
		set = append(set, r)
	}
	sort.Slice(set, func(i, j int) bool { return set[i].Path < set[j].Path }) // the same ids in both
	batches := [][]*model.Record{others, news[:4], news[4:], set}
	load := func(st store.Store) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			for _, b := range batches {
				if err := st.Upsert(ctx, b); err != nil {
					return err
				}
			}
			return nil
		}
	}
	upserted, bulk := open(t), open(t)
	defer upserted.Close()
	defer bulk.Close()
	if err := load(upserted)(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bulkLoad(bulk, ctx, load(bulk)); err != nil {
		t.Fatalf("BulkLoad: %v", err)
	}
	want, got := ask(t, upserted, news), ask(t, bulk, news)
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			t.Errorf("%s:\nbulk-loaded store: %v\nupserted store:    %v", key, got[key], w)
		}
	}
	// Both take writes alike after the load.
	extra := article("late-news", "Trump late rally", hours(9), "Election", "Donald Trump")
	for _, st := range []store.Store{upserted, bulk} {
		upsert(t, st, extra)
		if err := st.Delete(ctx, news[0].Path); err != nil {
			t.Fatal(err)
		}
	}
	want, got = ask(t, upserted, news[1:]), ask(t, bulk, news[1:])
	for key, w := range want {
		if !reflect.DeepEqual(got[key], w) {
			t.Errorf("after writes, %s:\nbulk-loaded store: %v\nupserted store:    %v", key, got[key], w)
		}
	}
}

// testBulkRefusesNonEmpty checks that BulkLoad leaves a store holding
// records to ordinary writes: it returns ErrNotEmpty without loading.
func testBulkRefusesNonEmpty(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	st := open(t)
	defer st.Close()
	upsert(t, st, person("joe-biden", "Joe Biden", 300))
	called := false
	err := bulkLoad(st, ctx, func(context.Context) error { called = true; return nil })
	if !errors.Is(err, store.ErrNotEmpty) || called {
		t.Errorf("BulkLoad of a store holding a record: %v, load called %v; want ErrNotEmpty, not called", err, called)
	}
	// A store that holds only ingest state is not empty either.
	st2 := open(t)
	defer st2.Close()
	if err := st2.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed"}); err != nil {
		t.Fatal(err)
	}
	err = bulkLoad(st2, ctx, func(context.Context) error { called = true; return nil })
	if !errors.Is(err, store.ErrNotEmpty) || called {
		t.Errorf("BulkLoad of a store holding a source state: %v, load called %v; want ErrNotEmpty, not called", err, called)
	}
}

// testBulkFailedLoad checks that a load that fails half-way leaves a
// store holding what it wrote, indexed and searchable, and taking writes.
func testBulkFailedLoad(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	st := open(t)
	defer st.Close()
	news, _ := newsSet()
	stop := errors.New("stopped half-way")
	err := bulkLoad(st, ctx, func(ctx context.Context) error {
		if err := st.Upsert(ctx, news[:5]); err != nil {
			return err
		}
		// A batch the store refuses (a record without a path) writes
		// nothing of itself.
		if err := st.Upsert(ctx, []*model.Record{news[5], {Kind: model.KindNews, Article: &model.Article{}}}); err == nil {
			t.Error("a record without a path was stored")
		}
		return stop
	})
	if !errors.Is(err, stop) {
		t.Fatalf("BulkLoad returned %v, want the load's error", err)
	}
	got, err := st.News(ctx, store.NewsQuery{Order: store.ByHeat})
	if err != nil || !equalStrings(paths(got), paths(expectNews(news[:5], store.NewsQuery{Order: store.ByHeat}))) {
		t.Errorf("after a failed load, News by heat = %v, %v; want the 5 records written", paths(got), err)
	}
	res, err := st.Search(ctx, store.SearchQuery{Text: "biden"})
	if err != nil || res.Total != 2 {
		t.Errorf("after a failed load, search for biden: %d hits, %v; want 2", res.Total, err)
	}
	upsert(t, st, news[5:]...)
	if n, err := st.CountNews(ctx, store.NewsQuery{}); err != nil || n != len(news) {
		t.Errorf("after writing the rest: %d news, %v; want %d", n, err, len(news))
	}
}

// testBulkRewrites writes, in a bulk load and in plain upserts alike,
// batches that rewrite or delete records of the batch before (whose topic
// and search rows a store may write after the batch commits); both stores
// must then find the same records by word and by topic. Inside the load,
// a batch's words are found once the next batch is in.
func testBulkRewrites(t *testing.T, open func(t *testing.T) store.Store) {
	ctx := context.Background()
	b := article("b", "Beta bridge", hours(2), "Roads")
	batches := []struct {
		name   string
		write  []*model.Record
		delete []string
	}{
		{name: "new", write: []*model.Record{
			article("a", "Alpha harbour", hours(1), "Ports"),
			b,
			article("c", "Gamma canal", hours(3), "Ports", "Roads"),
		}},
		{name: "rewrites", write: []*model.Record{
			article("a", "Omega harbour", hours(1), "Roads"), // new words and topics
			article("d", "Delta dam", hours(4), "Ports"),
		}, delete: []string{b.Path}},
		{name: "rewrites again", write: []*model.Record{
			article("c", "Gamma canal", hours(5), "Ports"), // same words, new time, one topic fewer
			article("d", "Delta weir", hours(4), "Ports"),
		}},
	}
	load := func(st store.Store, between func(done int)) func(ctx context.Context) error {
		return func(ctx context.Context) error {
			for i, b := range batches {
				if err := st.Upsert(ctx, b.write); err != nil {
					return fmt.Errorf("%s: %w", b.name, err)
				}
				if err := st.Delete(ctx, b.delete...); err != nil {
					return fmt.Errorf("%s: %w", b.name, err)
				}
				between(i)
			}
			return nil
		}
	}
	plain, bulk := open(t), open(t)
	defer plain.Close()
	defer bulk.Close()
	if err := load(plain, func(int) {})(ctx); err != nil {
		t.Fatal(err)
	}
	err := bulkLoad(bulk, ctx, load(bulk, func(done int) {
		if done != 1 {
			return
		}
		res, err := bulk.Search(ctx, store.SearchQuery{Text: "gamma"})
		if err != nil || res.Total != 1 {
			t.Errorf("during the load, after the second batch: search for a word of the first: %d hits, %v; want 1", res.Total, err)
		}
	}))
	if err != nil {
		t.Fatal(err)
	}
	for _, word := range []string{"alpha", "omega", "beta", "gamma", "delta", "dam", "weir", "harbour", "canal"} {
		want, err := plain.Search(ctx, store.SearchQuery{Text: word})
		if err != nil {
			t.Fatal(err)
		}
		got, err := bulk.Search(ctx, store.SearchQuery{Text: word})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(paths(got.Hits), paths(want.Hits)) || got.Total != want.Total {
			t.Errorf("search %q: bulk-loaded %v (%d), upserted %v (%d)", word, paths(got.Hits), got.Total, paths(want.Hits), want.Total)
		}
	}
	for _, topic := range []string{"Ports", "Roads"} {
		want, err := plain.News(ctx, store.NewsQuery{Topic: topic})
		if err != nil {
			t.Fatal(err)
		}
		got, err := bulk.News(ctx, store.NewsQuery{Topic: topic})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(paths(got), paths(want)) {
			t.Errorf("topic %s: bulk-loaded %v, upserted %v", topic, paths(got), paths(want))
		}
	}
}
