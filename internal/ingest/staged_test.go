package ingest

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// A worker that curates once it has asked for every due source waits in
// its turn for the round's end: the last batch another worker stages
// meanwhile joins its batch rather than need a turn of its own, which
// would read the stored window again. It waits as long as its turns took
// this round, longer than lastArrivalsWait when they took longer.
func TestLastStagedBatchJoinsTheHoldersTurn(t *testing.T) {
	for _, tc := range []struct {
		name string
		// the round's wait (lastWait) and its longest turn so far
		lastWait, turnTook time.Duration
		// how long after the holder took the lock the batch is staged
		stageAfter time.Duration
	}{
		{name: "within the wait", lastWait: time.Minute},
		{name: "past lastArrivalsWait, within a turn's length", turnTook: time.Minute, stageAfter: lastArrivalsWait + 500*time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lastStagedBatchJoinsTheHoldersTurn(t, tc.lastWait, tc.turnTook, tc.stageAfter)
		})
	}
}

func lastStagedBatchJoinsTheHoldersTurn(t *testing.T, lastWait, turnTook, stageAfter time.Duration) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	own, other := "https://a.example.org/feed.xml", "https://b.example.org/feed.xml"
	h := newHubIn(t, st, false, model.Source{URL: own}, model.Source{URL: other})
	var logged bytes.Buffer
	opts := testOptions()
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	// Long enough for any machine: the wait ends when the queue closes.
	r := &round{in: in, queue: newQueue(1, 10), lastWait: lastWait, turnTook: turnTook,
		leases: &leases{st: h.st, holder: in.holder, ttl: time.Minute, held: map[string]bool{}}}
	r.awaiting.Store(true) // every due source asked for: the rest are in flight
	r.queue.put(&result{src: model.Source{URL: own}, state: store.SourceState{URL: own}, notModified: true})
	var sum Summary
	done := make(chan error, 1)
	go func() { done <- r.commit(ctx, r.queue, map[string]bool{}, &sum) }()

	// The other worker finds the lock taken and stages its last batch.
	probe, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer probe.Close(ctx)
	for held := false; !held; {
		if err := probe.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted)`).Scan(&held); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			t.Fatalf("the turn ended before the round did (err %v):\n%s", err, logged.String())
		default:
		}
	}
	time.Sleep(stageAfter)
	at := time.Date(2026, 6, 12, 9, 30, 0, 0, time.UTC)
	link := "https://b.example.org/count"
	arrival := &model.Record{Kind: model.KindNews, Article: &model.Article{Title: "Count begins", Excerpt: "The count begins.",
		PublishedDateTime: at, OriginalURL: link, WebURL: link, CanonicalURL: link, GUID: link,
		Type: "article", Provider: model.Provider{Name: "Ledger", Domain: "b.example.org"},
		Topics: []string{"election"}, FetchedAt: at.Add(time.Minute)}}
	state := store.SourceState{URL: other, ETag: `"b1"`, LastSuccess: at, LastRead: store.ReadReport{Items: 1}}
	if err := st.Stage(ctx, []store.Staged{{Source: other, Record: arrival}}, state); err != nil {
		t.Fatal(err)
	}
	r.queue.close() // every source is read

	if err := <-done; err != nil {
		t.Fatal(err)
	}
	log := logged.String()
	if n := strings.Count(log, "msg=curating"); n != 1 || !strings.Contains(log, "msg=curating sources=2 staged=1") {
		t.Errorf("%d batches curated, want 1 of both sources, the staged one's too:\n%s", n, log)
	}
	if has, err := st.HasStaged(ctx); err != nil || has {
		t.Errorf("arrivals left staged after the turn: %v, %v", has, err)
	}
	if news := h.news(t); len(news) != 1 {
		t.Errorf("%d articles stored, want the staged one", len(news))
	}
	if s := h.state(t, other); s.ETag != `"b1"` || s.Items != 1 {
		t.Errorf("state of the staged source: %+v, want its ETag and the article stored counted", s)
	}
	if s := h.state(t, own); s.URL != own {
		t.Errorf("state of the holder's source not recorded: %+v", s)
	}
}

// A worker whose new articles the worker curating stored leaves retention
// to that worker, which applies it after the round in which it stored
// them; a worker that stored its own applies it.
func TestWorkerThatHandedItsArticlesLeavesRetention(t *testing.T) {
	for _, tc := range []struct {
		name     string
		busy     bool // another worker curates while this one commits
		wantLeft bool
	}{
		{"handed to the worker curating", true, true},
		{"stored by itself", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dsn := pgtest.DSN(t)
			st, err := postgres.Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			fs := newFixtureServer(t)
			h := newHubIn(t, st, true, model.Source{URL: fs.URL + "/feeds/a.xml"})
			opts := testOptions()
			opts.Retention = &retention.Policy{ArchiveAfter: 30 * 24 * time.Hour}
			in := h.ingester(opts)
			defer in.Close()

			curated := make(chan error, 1)
			if tc.busy {
				other, err := postgres.Open(ctx, dsn)
				if err != nil {
					t.Fatal(err)
				}
				holder := newHubIn(t, other, true).ingester(opts)
				defer holder.Close()
				locked := make(chan struct{})
				go func() {
					curated <- other.Exclusive(ctx, curateLock, func(ctx context.Context) error {
						close(locked)
						// The holder's turn once the worker has handed its
						// articles, as the holder's next turn would find them.
						for {
							has, err := other.HasStaged(ctx)
							if err != nil {
								return err
							}
							if has {
								break
							}
							time.Sleep(10 * time.Millisecond)
						}
						r := &round{in: holder, queue: newQueue(1, 10),
							leases: &leases{st: other, holder: holder.holder, ttl: time.Minute, held: map[string]bool{}}}
						_, err := r.turn(ctx, other, r.queue, map[string]bool{}, &Summary{})
						return err
					})
				}()
				<-locked
			} else {
				curated <- nil
			}
			sum, err := in.RunOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if err := <-curated; err != nil {
				t.Fatal(err)
			}
			if len(h.news(t)) == 0 {
				t.Fatal("no article stored")
			}
			if tc.busy && sum.Handed == 0 {
				t.Fatalf("nothing handed to the worker curating: %+v", sum)
			}
			if applied := sum.Retention.News > 0; applied == tc.wantLeft || sum.RetentionLeft != tc.wantLeft {
				t.Errorf("retention applied %v (%+v), left %v; want left %v", applied, sum.Retention, sum.RetentionLeft, tc.wantLeft)
			}
		})
	}
}

// A worker of a store that stages curates a small first batch, and small
// batches while other workers are seen at work, so that their turns run
// while sources are read rather than all at the round's end; alone, or on
// a store that does not stage, it gathers Options.BatchSize.
func TestBatchesAreSmallWhileWorkersShare(t *testing.T) {
	ctx := context.Background()
	pg, err := postgres.Open(ctx, pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	stores := map[string]*hub{"postgres": newHubIn(t, pg, false), "sqlite": newHub(t, false)}
	for _, tc := range []struct {
		store             string
		committed, shared bool
		want              int
	}{
		{store: "postgres", want: 4},
		{store: "postgres", committed: true, want: 100},
		{store: "postgres", committed: true, shared: true, want: 4},
		{store: "sqlite", want: 100},
		{store: "sqlite", committed: true, shared: true, want: 100},
	} {
		opts := testOptions()
		opts.BatchSize = 100
		in := stores[tc.store].ingester(opts)
		r := &round{in: in}
		r.committed.Store(tc.committed)
		r.shared.Store(tc.shared)
		if got := r.batchMin(); got != tc.want {
			t.Errorf("%s, committed %v, shared %v: a batch waits for %d records, want %d", tc.store, tc.committed, tc.shared, got, tc.want)
		}
		in.Close()
	}
}
