package sqlite

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"newshub/internal/model"
)

// TestBackupWhileWriting backs the store up while another goroutine writes
// rounds of ten articles, as a serving hub's ingest does: the backup holds
// whole rounds, as many as its generation says, and the writes go on.
func TestBackupWhileWriting(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	ctx := context.Background()
	const round = 10
	write := func(r int) error {
		recs := make([]*model.Record, round)
		for i := range recs {
			recs[i] = walArticle(r*round + i)
		}
		return st.Upsert(ctx, recs)
	}
	for r := range 20 {
		if err := write(r); err != nil {
			t.Fatal(err)
		}
	}
	g0, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var (
		wg     sync.WaitGroup
		wrote  int
		wrErr  error
		backup = filepath.Join(t.TempDir(), "backup.db")
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for r := 20; ; r++ {
			select {
			case <-stop:
				return
			default:
			}
			if wrErr = write(r); wrErr != nil {
				return
			}
			wrote++
		}
	}()
	err = st.Backup(ctx, backup)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if wrErr != nil {
		t.Fatalf("a write during the backup failed: %v", wrErr)
	}
	b := openPath(t, backup)
	defer b.Close()
	g, err := b.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	counts, err := b.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := round * (20 + int(g-g0)); counts[model.KindNews] != want {
		t.Errorf("the backup at generation %d holds %d articles, want %d: not one commit of the store", g, counts[model.KindNews], want)
	}
	t.Logf("backup at generation %d of %d articles; %d rounds written during it", g, counts[model.KindNews], wrote)
	if err := st.Backup(ctx, backup); !errors.Is(err, fs.ErrExist) {
		t.Errorf("a backup over an existing file: %v, want %v", err, fs.ErrExist)
	}
}

// TestSpaceAfterDeletes deletes most of the store: the file keeps its
// size and says how much of it is free, and a backup of it is compact.
func TestSpaceAfterDeletes(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	ctx := context.Background()
	recs := make([]*model.Record, 600)
	paths := make([]string, 0, len(recs))
	for i := range recs {
		recs[i] = walArticle(i)
		if i >= 50 {
			paths = append(paths, recs[i].Path)
		}
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	full, err := st.Space(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, paths...); err != nil {
		t.Fatal(err)
	}
	sp, err := st.Space(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Each table and index takes a page of 64 KiB at least, empty or not:
	// the articles took some ten more.
	if sp.File != full.File || sp.Free < full.Free+8*pageSize {
		t.Errorf("after deleting 550 of 600 articles, %d of %d bytes are free, where %d of %d were before", sp.Free, sp.File, full.Free, full.File)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(ctx, backup); err != nil {
		t.Fatal(err)
	}
	b := openPath(t, backup)
	defer b.Close()
	bsp, err := b.Space(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bsp.Free != 0 || bsp.File >= sp.File {
		t.Errorf("the backup is %d bytes with %d free, want none free and fewer than the store's %d", bsp.File, bsp.Free, sp.File)
	}
	t.Logf("store %d bytes, %d free; backup %d bytes", sp.File, sp.Free, bsp.File)
}
