package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// TestBackupWhileAnotherWriterWrites backs a hub up while another store
// of the same file writes a source's state at a time, as a serving hub
// does: the backup holds as many states as its generation says.
func TestBackupWhileAnotherWriterWrites(t *testing.T) {
	t.Parallel() // it waits on the writer
	site := localSite(t)
	db := filepath.Join(t.TempDir(), "hub.db")
	ctx := context.Background()
	w, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	g0, err := w.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var (
		wg    sync.WaitGroup
		wrErr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			st := store.SourceState{URL: fmt.Sprintf("https://news.example.com/feed/%d.xml", i), LastFetch: time.Now()}
			if wrErr = w.PutSourceState(ctx, st); wrErr != nil {
				return
			}
		}
	}()
	out := filepath.Join(t.TempDir(), "backup.db")
	code, stdout, errs := run(t, "--site", site, "--db", "sqlite:"+db, "backup", out)
	close(stop)
	wg.Wait()
	if code != 0 || !strings.Contains(stdout, "backed up sqlite:"+db) || !strings.Contains(stdout, "free pages") {
		t.Fatalf("backup: exit %d, %q, %q", code, stdout, errs)
	}
	if wrErr != nil {
		t.Fatalf("a write during the backup failed: %v", wrErr)
	}
	b, err := sqlite.Open(ctx, out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	g, err := b.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	states, err := b.SourceStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(states)) != g-g0 {
		t.Errorf("the backup at generation %d holds %d source states, want %d: not one commit of the hub", g, len(states), g-g0)
	}
	if code, _, errs := run(t, "--site", site, "--db", "sqlite:"+db, "backup", out); code != ExitFailure || !strings.Contains(errs, "file already exists") {
		t.Errorf("a backup over an existing file: exit %d, %q", code, errs)
	}
	if code, _, errs := run(t, "--site", site, "--db", "postgres://hub.example.com/news", "backup", out+"2"); code != ExitFailure || !strings.Contains(errs, "pg_dump") {
		t.Errorf("a backup of PostgreSQL: exit %d, %q", code, errs)
	}
}
