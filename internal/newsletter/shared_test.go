package newsletter

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/sqlite"
)

// TestSchedulersOfSeveralWorkersWriteAndMailADayOnce runs the schedulers
// of several ingest workers of one hub, each with its own handle on the
// SQLite file or the PostgreSQL database as a process of its own has,
// ticking together at the minute the issue falls due, as workers started
// together do: the issue is written once and each address gets one
// message.
func TestSchedulersOfSeveralWorkersWriteAndMailADayOnce(t *testing.T) {
	tests := []struct {
		name string
		open func(t *testing.T) func(context.Context) (store.Store, error)
	}{
		{"sqlite", func(t *testing.T) func(context.Context) (store.Store, error) {
			dbPath := filepath.Join(t.TempDir(), "hub.db")
			return func(ctx context.Context) (store.Store, error) { return sqlite.Open(ctx, dbPath) }
		}},
		{"postgres", func(t *testing.T) func(context.Context) (store.Store, error) {
			dsn := pgtest.DSN(t)
			return func(ctx context.Context) (store.Store, error) { return postgres.Open(ctx, dsn) }
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { severalWorkersWriteAndMailADayOnce(t, tt.open(t)) })
	}
}

func severalWorkersWriteAndMailADayOnce(t *testing.T, open func(context.Context) (store.Store, error)) {
	ctx := context.Background()
	first, err := open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Close() })
	h, err := fillHub(first, t.TempDir(), 1500, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, smtptest.Options{})
	s, la := newsletterSite(t, h, srv)
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)

	const workers = 10
	scheds := make([]*Scheduler, workers)
	for i := range scheds {
		var st store.Store = first
		if i > 0 {
			other, err := open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { other.Close() })
			st = other
		}
		scheds[i] = &Scheduler{Store: st, Site: func() *site.Site { return s }, SiteDir: h.dir,
			Options: Options{Now: func() time.Time { return now }}}
	}
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		written []string
		start   = make(chan struct{})
	)
	for _, sc := range scheds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			is, err := sc.Tick(ctx)
			if err != nil {
				t.Error(err)
				return
			}
			if is != nil {
				mu.Lock()
				written = append(written, is.Date.String())
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	if len(written) != 1 || written[0] != "2026-11-02" {
		t.Errorf("the workers wrote %q, want the issue of 2026-11-02 once", written)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("the address got %d messages of the day, want 1", n)
	}
}
