package curate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"newshub/internal/curate"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestPreparedArrivalsCurateAsUnprepared curates the same batches into
// two stores, one curator given every record beforehand through Prepare
// (on several goroutines, as an import's parsers do) and one not, and
// checks that both leave the same store after every batch: imported
// records (carrying their curated values) and fresh ones, whose topic
// decisions the gate makes and learns from in turn.
func TestPreparedArrivalsCurateAsUnprepared(t *testing.T) {
	ctx := context.Background()
	until := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	opts := gen.Options{Articles: 600, Seed: 13, Until: until, Span: 4 * 24 * time.Hour}
	config, _ := generatedHub(t, opts)
	now := until.Add(time.Hour)
	stores := [2]store.Store{openStore(t, true), openStore(t, true)}
	var curators [2]*curate.Curator
	for k, st := range stores {
		curators[k] = curatorOn(t, st, st, config, now)
	}
	// batches returns the batches anew: curating changes their records.
	// Odd batches are fresh arrivals, even ones imported records.
	const n = 6
	batches := func() [][]*model.Record {
		_, news := generatedHub(t, opts)
		out := make([][]*model.Record, n)
		for j, r := range news {
			if k := j % n; k%2 == 1 {
				out[k] = append(out[k], freshOf(r))
			} else {
				out[k] = append(out[k], r)
			}
		}
		return out
	}
	plain, prepared := batches(), batches()
	for i := range n {
		var wg sync.WaitGroup
		for w := range 3 {
			wg.Go(func() {
				for j := w; j < len(prepared[i]); j += 3 {
					curators[1].Prepare(prepared[i][j])
				}
			})
		}
		wg.Wait()
		for k, b := range [][]*model.Record{plain[i], prepared[i]} {
			if _, _, err := curators[k].Commit(ctx, b); err != nil {
				t.Fatalf("batch %d: %v", i, err)
			}
		}
		sameStores(t, fmt.Sprintf("batch %d", i), curate.DumpStore(t, stores[0]), curate.DumpStore(t, stores[1]))
	}
}
