package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestEachNewsSendsEveryPublicRecordOnce reads stores of several shapes
// through the parallel, time-ranged reader and checks that each public
// news record comes exactly once, and no other: ties of publication time
// across the chunks' bounds, records with no publication time, withheld
// and archived records.
func TestEachNewsSendsEveryPublicRecordOnce(t *testing.T) {
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		n    int
		when func(i int) time.Time
	}{
		{"fewer than a chunk", loadChunk / 2, func(i int) time.Time { return at.Add(-time.Duration(i) * time.Minute) }},
		{"every record its own time", 2*loadChunk + 321, func(i int) time.Time { return at.Add(-time.Duration(i) * time.Minute) }},
		{"a tie longer than a chunk across its bounds", 3*loadChunk + 7, func(i int) time.Time {
			if i > loadChunk/2 && i < 2*loadChunk+loadChunk/2 {
				return at.Add(-time.Hour)
			}
			return at.Add(-time.Duration(i) * time.Minute)
		}},
		{"one time for all", loadChunk + 5, func(int) time.Time { return at }},
		{"the oldest without a time", 3 * loadChunk, func(i int) time.Time {
			if i >= 2*loadChunk {
				return time.Time{}
			}
			return at.Add(-time.Duration(i) * time.Second)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			st := openStore(t)
			want := map[string]bool{} // path: archived
			var recs []*model.Record
			for i := range tt.n {
				a := &model.Article{Title: fmt.Sprintf("Article %d", i), PublishedDateTime: tt.when(i), Topics: []string{"Election"}}
				path := fmt.Sprintf("_news/2026-10-01-a-%05d.md", i)
				if i%5 == 0 {
					path = fmt.Sprintf("_archive/news/2026-10-01-a-%05d.md", i)
				}
				if i%7 == 0 {
					a.Withheld = model.WithheldOffTopic
				} else {
					want[path] = i%5 == 0
				}
				recs = append(recs, &model.Record{Path: path, Kind: model.KindNews, Article: a})
			}
			if err := st.Upsert(ctx, recs); err != nil {
				t.Fatal(err)
			}
			gen, err := st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, archived := range []*bool{nil, new(false), new(true)} {
				var mu sync.Mutex
				got := map[string]int{}
				err := eachNews(ctx, st, gen, archived, 3, func(_ int, r *model.Record) {
					mu.Lock()
					got[r.Path]++
					mu.Unlock()
				})
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for path, arch := range want {
					if archived != nil && arch != *archived {
						continue
					}
					n++
					if got[path] != 1 {
						t.Errorf("archived %v: %s sent %d times, want once", show(archived), path, got[path])
					}
				}
				if len(got) != n {
					t.Errorf("archived %v: %d records sent, want %d", show(archived), len(got), n)
				}
				// The time ranges alone cover the listing, each record once,
				// without the reader's fallback.
				chunks, total, err := timeChunks(ctx, st, store.NewsQuery{Public: true, Archived: archived, Order: store.ByTime, NoRaw: true})
				if err != nil {
					t.Fatal(err)
				}
				inChunks := map[string]bool{}
				for _, q := range chunks {
					recs, err := st.News(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range recs {
						if inChunks[r.Path] {
							t.Errorf("archived %v: %s in two chunks", show(archived), r.Path)
						}
						inChunks[r.Path] = true
					}
				}
				if total != n || len(inChunks) != n {
					t.Errorf("archived %v: listing counts %d, chunks hold %d, want %d", show(archived), total, len(inChunks), n)
				}
				if wantChunks := max(1, (n+loadChunk-1)/loadChunk); tt.name == "every record its own time" && len(chunks) != wantChunks {
					t.Errorf("archived %v: %d chunks, want %d", show(archived), len(chunks), wantChunks)
				}
			}
		})
	}
}

func show(b *bool) string {
	if b == nil {
		return "any"
	}
	return fmt.Sprint(*b)
}
