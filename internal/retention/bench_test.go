package retention

import (
	"context"
	"fmt"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite/sqlitetest"
)

// benchHub is a SQLite store holding n news records spread over the year
// before until, in stories of three (a lead and two unpublished
// duplicates), as a hub that has run for a year under pol leaves it: news
// older than archive_after in the archive, duplicates older than
// purge_after gone.
func benchHub(b *testing.B, n int, pol Policy) store.Store {
	b.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(b)
	step := 365 * day / time.Duration(n)
	var batch []*model.Record
	for i := range n {
		at := until.Add(-time.Duration(n-i) * step)
		lead := i%3 == 0
		if pol.PurgeAfter > 0 && !lead && until.Sub(at) > pol.PurgeAfter {
			continue
		}
		dir := "_news/"
		if pol.ArchiveAfter > 0 && until.Sub(at) > pol.ArchiveAfter+step*3 {
			dir = "_archive/news/"
		}
		url := fmt.Sprintf("https://www.example%d.com/politics/story-%d", i%50, i)
		a := &model.Article{
			Category: "news", Title: fmt.Sprintf("Story %d of the count", i), PublishedDateTime: at,
			OriginalURL: url, WebURL: url, Type: "article", Published: lead, Heat: -1,
			Provider: model.Provider{Name: fmt.Sprintf("Example %d News", i%50), Domain: fmt.Sprintf("example%d.com", i%50)},
			Topics:   []string{"Election"}, CanonicalURL: url, Story: fmt.Sprintf("s-%d", i/3),
			Archived: dir != "_news/",
		}
		rec := &model.Record{Path: dir + at.Format("2006-01-02") + fmt.Sprintf("-story-%d.md", i), Kind: model.KindNews, Article: a}
		raw, err := rec.MarshalValue()
		if err != nil {
			b.Fatal(err)
		}
		rec.Raw = append(append([]byte("---\n"), raw...), "\n---\n"...)
		if batch = append(batch, rec); len(batch) == 1000 {
			if err := st.Upsert(ctx, batch); err != nil {
				b.Fatal(err)
			}
			batch = batch[:0]
		}
	}
	if err := st.Upsert(ctx, batch); err != nil {
		b.Fatal(err)
	}
	return st
}

// BenchmarkApply measures a run of retention after an ingest round on a
// hub of 100,000 records that has run for a year: little is due, so the
// cost is what the run reads, reported as records read per run (News).
func BenchmarkApply(b *testing.B) {
	for _, bc := range []struct {
		name string
		pol  Policy
	}{
		{"archive-30d", Policy{ArchiveAfter: 30 * day}},
		{"archive-30d-purge-90d", Policy{ArchiveAfter: 30 * day, PurgeAfter: 90 * day}},
		{"archive-30d-purge-300d", Policy{ArchiveAfter: 30 * day, PurgeAfter: 300 * day}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			st := benchHub(b, 100_000, bc.pol)
			ctx := context.Background()
			b.ReportAllocs()
			var read int
			for b.Loop() {
				sum, err := Apply(ctx, st, bc.pol, Options{Now: clock(until)})
				if err != nil {
					b.Fatal(err)
				}
				read = sum.News
			}
			b.ReportMetric(float64(read), "records-read/op")
		})
	}
}
