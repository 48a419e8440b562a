package ingest

import (
	"context"
	"errors"
	"net/http/httptest"
	"testing"

	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestRoundForgetsTheStatesOfSourcesNoLongerListed: the state of a
// source removed from the list (its validators, failures, schedule, last
// read) stayed in the store for good; a round now deletes it, and the
// source added again is asked for its feed whole, whose item, stored
// before, is not stored again. The index forgets the keys of its last
// feed too, which it kept for as long as the process ran. A source
// disabled keeps its state, and so do all when the list is empty (more
// likely gone than emptied).
func TestRoundForgetsTheStatesOfSourcesNoLongerListed(t *testing.T) {
	tests := []struct {
		name   string
		change func(l *sources.List, url string) // of the list, after the first round
		kept   bool                              // the source's state stays
	}{
		{"removed", func(l *sources.List, url string) { l.Remove(url) }, false},
		{"disabled", func(l *sources.List, url string) { l.SetEnabled(url, false) }, true},
		{"every source removed", func(l *sources.List, url string) {
			for _, s := range l.Sources() {
				l.Remove(s.URL)
			}
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			feeds := newFeedCounter()
			srv := httptest.NewServer(feeds)
			defer srv.Close()
			stays, goes := srv.URL+"/feeds/stays.xml", srv.URL+"/feeds/goes.xml"
			h := newHub(t, true, model.Source{URL: stays}, model.Source{URL: goes})
			opts := testOptions()
			opts.SkipPages, opts.All = true, true
			in := h.ingester(opts)
			defer in.Close()
			ctx := context.Background()
			if sum, err := in.RunOnce(ctx); err != nil || sum.Fetched != 2 || sum.New != 2 {
				t.Fatalf("first round: %+v, %v; want 2 feeds fetched, 2 new", sum, err)
			}
			changeList(t, h.st, func(l *sources.List) { tt.change(l, goes) })
			if _, err := in.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			h.state(t, stays) // kept, listed or not
			if _, known := in.index.feeds[goes]; known != tt.kept {
				t.Errorf("the index knows the last feed of the source %s: %v, want %v", tt.name, known, tt.kept)
			}
			_, err := h.st.SourceState(ctx, goes)
			switch {
			case tt.kept && err != nil:
				t.Fatalf("state of the source %s: %v; want it kept", tt.name, err)
			case !tt.kept && !errors.Is(err, store.ErrNotFound):
				t.Fatalf("state of the source %s: %v; want it forgotten", tt.name, err)
			case tt.kept:
				return
			}
			changeList(t, h.st, func(l *sources.List) {
				if err := l.Add(model.Source{URL: goes}); err != nil {
					t.Fatal(err)
				}
			})
			sum, err := in.RunOnce(ctx)
			if err != nil || sum.New != 0 || sum.Duplicates != 1 {
				t.Fatalf("round after the source was added again: %+v, %v; want its item known, none new", sum, err)
			}
			if feeds.wasConditional("/feeds/goes.xml") {
				t.Error("the source added again was asked with the validators of its state before, want its feed whole")
			}
		})
	}
}

// changeList changes the sources list stored, as newshub sources does.
func changeList(t *testing.T, st store.Store, change func(l *sources.List)) {
	t.Helper()
	ctx := context.Background()
	l, err := sources.Load(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	change(l)
	if err := l.Save(ctx, st, ""); err != nil {
		t.Fatal(err)
	}
}
