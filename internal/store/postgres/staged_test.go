package postgres

import (
	"context"
	"reflect"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
)

// TestStagedArrivalsStayUntilUnstaged stages arrivals with their sources'
// states: the states are recorded at once, the arrivals read back as they
// were given, in the order staged, until unstaged with the states the
// holder adds to.
func TestStagedArrivalsStayUntilUnstaged(t *testing.T) {
	ctx := context.Background()
	st := openDSN(t, pgtest.DSN(t))
	defer st.Close()
	at := time.Date(2026, 6, 12, 9, 30, 0, 0, time.FixedZone("", 2*3600))
	arrival := func(title, link string) *model.Record {
		return &model.Record{Kind: model.KindNews, Article: &model.Article{Title: title, Excerpt: "Words of " + title,
			PublishedDateTime: at, OriginalURL: link, WebURL: link, CanonicalURL: link, GUID: link + "#guid",
			Type: "article", Provider: model.Provider{Name: "Ledger", Domain: "ledger.example"},
			Topics: []string{"election"}, FetchedAt: at.Add(time.Minute)}}
	}
	given := []store.Staged{
		{Source: "https://a.example/feed", Record: arrival("Polls open", "https://a.example/polls")},
		{Source: "https://b.example/feed", Record: arrival("Count begins", "https://b.example/count")},
		{Source: "https://a.example/feed", Record: arrival("Turnout high", "https://a.example/turnout")},
	}
	states := []store.SourceState{
		{URL: "https://a.example/feed", ETag: `"a1"`, LastSuccess: at, LastRead: store.ReadReport{Items: 2}},
		{URL: "https://b.example/feed", ETag: `"b1"`, LastSuccess: at, LastRead: store.ReadReport{Items: 1}},
	}
	if has, err := st.HasStaged(ctx); err != nil || has {
		t.Fatalf("HasStaged of a new store: %v, %v", has, err)
	}
	if err := st.Stage(ctx, given, states...); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SourceState(ctx, "https://a.example/feed"); err != nil || got.ETag != `"a1"` || got.LastRead.Items != 2 {
		t.Errorf("state of a staged source: %+v, %v", got, err)
	}
	staged, err := st.Staged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(staged) != len(given) {
		t.Fatalf("%d staged, want %d", len(staged), len(given))
	}
	for i, s := range staged {
		if s.Source != given[i].Source || s.ID == 0 {
			t.Errorf("staged %d: source %q, id %d; want %q and an id", i, s.Source, s.ID, given[i].Source)
		}
		want, _ := encodeValue(given[i].Record)
		got, _ := encodeValue(s.Record)
		if string(got) != string(want) || !reflect.DeepEqual(s.Record.Article.Topics, given[i].Record.Article.Topics) {
			t.Errorf("staged %d reads back as\n%s\nwant\n%s", i, got, want)
		}
	}
	done := states[1]
	done.Items, done.LastRead.New = 1, 1
	if err := st.Unstage(ctx, []int64{staged[1].ID}, done); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SourceState(ctx, done.URL); err != nil || got.Items != 1 || got.LastRead.New != 1 {
		t.Errorf("state after unstaging: %+v, %v", got, err)
	}
	left, err := st.Staged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0].ID != staged[0].ID || left[1].ID != staged[2].ID {
		t.Errorf("left staged: %+v, want the first and the third", left)
	}
	if err := st.Unstage(ctx, []int64{staged[0].ID, staged[2].ID}); err != nil {
		t.Fatal(err)
	}
	if has, err := st.HasStaged(ctx); err != nil || has {
		t.Errorf("HasStaged once all are unstaged: %v, %v", has, err)
	}
}

// TestTryExclusiveDoesNotWait runs fn when the lock is free, and returns
// at once without running it while another handle holds the lock.
func TestTryExclusiveDoesNotWait(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	a, b := openDSN(t, dsn), openDSN(t, dsn)
	defer a.Close()
	defer b.Close()
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- a.Exclusive(ctx, "curate", func(context.Context) error {
			close(held)
			<-release
			return nil
		})
	}()
	<-held
	ran, err := b.TryExclusive(ctx, "curate", func(context.Context) error {
		t.Error("fn ran while another handle held the lock")
		return nil
	})
	if ran || err != nil {
		t.Errorf("TryExclusive while held: %v, %v; want false, nil", ran, err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	calls := 0
	ran, err = b.TryExclusive(ctx, "curate", func(context.Context) error { calls++; return nil })
	if !ran || err != nil || calls != 1 {
		t.Errorf("TryExclusive once free: %v, %v, %d calls; want true, nil, 1", ran, err, calls)
	}
}
