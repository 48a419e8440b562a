package ingest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestRoundsAreLoggedInTheStore checks that rounds that fetched are logged
// with their summary, newest first, and that a round with nothing due is
// not.
func TestRoundsAreLoggedInTheStore(t *testing.T) {
	srv := newFixtureServer(t)
	h := newHub(t, true, model.Source{URL: srv.URL + "/feeds/a.xml", Provider: "example-news.com"},
		model.Source{URL: srv.URL + "/hostile/500"})
	clock := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	opts := testOptions()
	opts.Now = func() time.Time { return clock }
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	first, err := in.RunOnce(ctx)
	if err != nil || first.Due != 2 {
		t.Fatalf("first round %+v %v", first, err)
	}
	// Nothing is due a minute later: no line in the log.
	clock = clock.Add(time.Minute)
	if sum, err := in.RunOnce(ctx); err != nil || sum.Due != 0 {
		t.Fatalf("second round %+v %v", sum, err)
	}
	clock = clock.Add(24 * time.Hour)
	third, err := in.RunOnce(ctx)
	if err != nil || third.Due != 2 {
		t.Fatalf("third round %+v %v", third, err)
	}
	rounds, err := Rounds(ctx, h.st, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 2 {
		t.Fatalf("logged %d rounds, want 2: %+v", len(rounds), rounds)
	}
	for i, want := range []Summary{third, first} {
		got := rounds[i]
		if got.Due != want.Due || got.New != want.New || got.Failed != want.Failed || got.Fetched != want.Fetched ||
			got.Duration != want.Duration || got.Items != want.Items || got.Err != "" {
			t.Errorf("round %d logged as %+v, want %+v", i, got.Summary, want)
		}
	}
	if !rounds[1].Started.Equal(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)) || !rounds[0].Started.Equal(clock) {
		t.Errorf("rounds started %v and %v", rounds[1].Started, rounds[0].Started)
	}
	if first.New != 3 || first.Failed != 1 || !reflect.DeepEqual(rounds[1].NotStored, first.NotStored) ||
		!reflect.DeepEqual(rounds[1].Pages, first.Pages) {
		t.Errorf("first round %+v, logged as %+v", first, rounds[1].Summary)
	}
}

// TestUnreadableRoundIsShownNotDropped checks that a log entry this
// version cannot decode comes back saying so.
func TestUnreadableRoundIsShownNotDropped(t *testing.T) {
	h := newHub(t, true)
	ctx := context.Background()
	at := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
	if err := h.st.AddRound(ctx, store.Round{Started: at, Summary: []byte(`{"Due":"many"}`)}); err != nil {
		t.Fatal(err)
	}
	rounds, err := Rounds(ctx, h.st, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(rounds) != 1 || !rounds[0].Started.Equal(at) || rounds[0].Err == "" {
		t.Fatalf("rounds = %+v, want the entry with an error", rounds)
	}
}
