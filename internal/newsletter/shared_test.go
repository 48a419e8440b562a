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
	"newshub/internal/store/sqlite"
)

// TestSchedulersOfSeveralWorkersWriteAndMailADayOnce runs the schedulers
// of several ingest workers of one hub, each with its own handle on the
// SQLite file as a process of its own has, ticking together at the
// minute the issue falls due, as workers started together do: the issue
// is written once and each address gets one message.
func TestSchedulersOfSeveralWorkersWriteAndMailADayOnce(t *testing.T) {
	ctx := context.Background()
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	first, err := sqlite.Open(ctx, dbPath)
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
			other, err := sqlite.Open(ctx, dbPath)
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
