package storetest

import (
	"context"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// testHeatBeyondInt32 stores records whose heat and quality (a hand-kept
// record's, read as YAML reads them: any 64-bit integer) lie beyond what
// 32 bits hold: they list by heat and quality as their values order them,
// the highest first and the lowest last, in every store.
func testHeatBeyondInt32(t *testing.T, st store.Store) {
	var recs []*model.Record
	for i, v := range []int{3_000_000_000, 100, -3_000_000_000, 1 << 40} {
		rec := article([]string{"high", "plain", "low", "highest"}[i], "Ferry story", hours(i), "Harbour")
		rec.Article.Heat, rec.Article.Quality = v, v
		refresh(rec)
		recs = append(recs, rec)
	}
	upsert(t, st, recs...)
	for _, order := range []store.Order{store.ByHeat, store.ByQuality} {
		q := store.NewsQuery{Order: order}
		got, err := st.News(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if want := paths(expectNews(recs, q)); !equalStrings(paths(got), want) {
			t.Errorf("News(order %v) = %v, want %v", order, paths(got), want)
		}
	}
}
