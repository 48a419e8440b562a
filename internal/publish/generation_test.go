package publish

import (
	"context"
	"maps"
	"sync"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestViewHoldsOneGeneration loads views of a store, SQLite's file and
// PostgreSQL, whole and after the view before, while another writer
// commits generation after generation, each giving a tenth of the current
// articles the number of the write as heat: every view holds the articles
// as one generation left them, the one it is labelled with, never the
// label of one and the articles of another, nor articles of two.
func TestViewHoldsOneGeneration(t *testing.T) {
	for _, tt := range stores {
		t.Run(tt.name, func(t *testing.T) { testViewHoldsOneGeneration(t, tt.open(t)) })
	}
}

func testViewHoldsOneGeneration(t *testing.T, st store.Store) {
	ctx := context.Background()
	st, s := genStoreIn(t, st, 100)
	no := false
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Archived: &no})
	if err != nil {
		t.Fatal(err)
	}
	heats := map[string]int{}             // path → heat, as written last
	heatsAt := map[int64]map[string]int{} // generation → heats
	write := func(k int) error {
		var batch []*model.Record
		for i, r := range recs {
			if k == 0 || i%10 == k%10 {
				r.Article.Heat = k
				heats[r.Path] = k
				batch = append(batch, r)
			}
		}
		if err := st.Upsert(ctx, batch); err != nil {
			return err
		}
		gen, err := st.Generation(ctx) // the only writer: its own generation
		heatsAt[gen] = maps.Clone(heats)
		return err
	}
	if err := write(0); err != nil {
		t.Fatal(err)
	}
	var (
		wg       sync.WaitGroup
		writeErr error
	)
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 1; writeErr == nil; k++ {
			select {
			case <-done:
				return
			default:
				writeErr = write(k)
			}
		}
	}()
	type seen struct {
		gen   int64
		heats map[string]int
	}
	var views []seen
	var prev *View
	for i := range 20 {
		if i%2 == 0 {
			prev = nil // loaded whole, else after the view before
		}
		v, err := loadAfter(ctx, st, s, genOptions(), prev)
		if err != nil {
			close(done)
			wg.Wait()
			t.Fatal(err)
		}
		got := map[string]int{}
		for p, e := range v.news {
			got[p] = e.Heat
		}
		views = append(views, seen{v.Generation(), got})
		prev = v
	}
	close(done)
	wg.Wait()
	if writeErr != nil {
		t.Fatal(writeErr)
	}
	for i, v := range views {
		want, ok := heatsAt[v.gen]
		if !ok {
			t.Errorf("view %d is labelled generation %d, which the writer did not make", i, v.gen)
			continue
		}
		for p, h := range v.heats {
			if h != want[p] {
				t.Errorf("view %d, labelled generation %d: %s has heat %d, want %d", i, v.gen, p, h, want[p])
				break
			}
		}
		if len(v.heats) != len(want) {
			t.Errorf("view %d, labelled generation %d: %d articles, want %d", i, v.gen, len(v.heats), len(want))
		}
	}
	t.Logf("%d views over %d generations", len(views), len(heatsAt))
}
