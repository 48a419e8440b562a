package curate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// racedStore is a real SQLite store where another writer edits records
// of a batch just before the first races conditional writes of them: what
// an import or an editor committing while curation computes looks like.
type racedStore struct {
	*sqlite.Store
	t     *testing.T
	races int                            // conditional writes still to race
	edit  func(*model.Record)            // the other writer's change
	paths func([]*model.Record) []string // which records of the batch it edits
	n     int                            // edits made
}

func (s *racedStore) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	s.race(recs)
	return s.Store.UpsertIfUnchanged(ctx, recs)
}

// UpsertRendering, which Commit uses on SQLite, races as
// UpsertIfUnchanged does.
func (s *racedStore) UpsertRendering(ctx context.Context, recs []*model.Record, render func(*model.Record) ([]byte, error)) error {
	s.race(recs)
	return s.Store.UpsertRendering(ctx, recs, render)
}

// race makes the other writer's edits, while races are left.
func (s *racedStore) race(recs []*model.Record) {
	if s.races == 0 {
		return
	}
	if edit := s.paths(recs); len(edit) > 0 {
		s.races--
		for _, p := range edit {
			editStored(s.t, s.Store, p, s.edit)
			s.n++
		}
	}
}

// editStored makes another writer's change to the record at path and
// writes it blind, as import writes a file.
func editStored(t *testing.T, st store.Store, path string, edit func(*model.Record)) {
	t.Helper()
	ctx := context.Background()
	r, err := st.Get(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	edit(r)
	if err := content.Render(r); err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
}

// inBatch returns the given paths a batch holds.
func inBatch(paths ...string) func([]*model.Record) []string {
	return func(batch []*model.Record) []string {
		var in []string
		for _, r := range batch {
			if slices.Contains(paths, r.Path) {
				in = append(in, r.Path)
			}
		}
		return in
	}
}

// editTitle is the other writer's change: a new title and excerpt.
func editTitle(r *model.Record) {
	r.Article.Title = "Edited: " + r.Article.Title
	r.Article.Excerpt = "An editor rewrote this excerpt."
}

// stories returns each record's story and lead flag, and each title in
// each lead's related list, for comparing two stores.
func stories(t *testing.T, st store.Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		var rel []string
		for _, x := range a.Related {
			rel = append(rel, x.Title)
		}
		out[r.Path] = fmt.Sprintf("story %s published %v heat %d quality %d title %q related %q", a.Story, a.Published, a.Heat, a.Quality, a.Title, rel)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// StoredRecord is what a store holds of a record.
type StoredRecord struct {
	Raw, Value []byte
	Version    int64
}

// DumpStore returns what a store holds of each record, by path.
func DumpStore(t *testing.T, st store.Store) map[string]StoredRecord {
	t.Helper()
	m := map[string]StoredRecord{}
	err := st.Scan(context.Background(), nil, func(r *model.Record) error {
		v, err := r.MarshalValue()
		if err != nil {
			return err
		}
		m[r.Path] = StoredRecord{r.Raw, v, r.Version}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// harrisSet stores two stories of two articles each.
func harrisSet(t *testing.T, st store.Store, t0 time.Time) []string {
	t.Helper()
	var paths []string
	for i, title := range []string{"Harris moves into the Naval Observatory", "Harris moves into the Naval Observatory at last",
		"Senate passes the infrastructure bill", "Senate passes infrastructure bill after a long night"} {
		r := fresh(title, fmt.Sprintf("https://p%d.example/a/%d", i, i), fmt.Sprintf("P%d", i), t0.Add(time.Duration(i)*time.Hour))
		if err := content.Render(r); err != nil {
			t.Fatal(err)
		}
		if err := st.Upsert(context.Background(), []*model.Record{r}); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, r.Path)
	}
	return paths
}

// TestAllCuratesAgainWhatAnotherWriterChanged has another writer edit a
// record after All read it and before All writes it: the edit survives,
// and the stores ends as if All had run after the edit.
func TestAllCuratesAgainWhatAnotherWriterChanged(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	now := t0.Add(24 * time.Hour)
	ctx := context.Background()

	raced := &racedStore{Store: openStore(t).(*sqlite.Store), t: t, races: 1, edit: editTitle}
	paths := harrisSet(t, raced, t0)
	edited := paths[1]
	raced.paths = inBatch(edited)
	sum, err := newCurator(t, raced, now).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if raced.n != 1 || sum.Redone != 1 || sum.Left != 0 {
		t.Fatalf("edits %d, summary %+v: want one edit redone, none left", raced.n, sum)
	}
	if a := get(t, raced, edited); a.Title != "Edited: Harris moves into the Naval Observatory at last" {
		t.Fatalf("edit lost: title %q", a.Title)
	}

	// The same edit made before curation.
	serial := openStore(t)
	harrisSet(t, serial, t0)
	editStored(t, serial, edited, editTitle)
	if _, err := newCurator(t, serial, now).All(ctx); err != nil {
		t.Fatal(err)
	}
	got, want := stories(t, raced), stories(t, serial)
	for _, p := range paths {
		if got[p] != want[p] {
			t.Errorf("%s:\n raced  %s\n serial %s", p, got[p], want[p])
		}
	}
}

// TestAllLeavesRecordsThatKeepChanging bounds the rounds: a record edited
// before every write keeps the other writer's version.
func TestAllLeavesRecordsThatKeepChanging(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	raced := &racedStore{Store: openStore(t).(*sqlite.Store), t: t, races: 1 + RedoRounds, edit: func(r *model.Record) {
		r.Article.Excerpt += " Again."
	}}
	paths := harrisSet(t, raced, t0)
	raced.paths = inBatch(paths[0])
	sum, err := newCurator(t, raced, t0.Add(24*time.Hour)).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Redone != 1 || sum.Left != 1 {
		t.Fatalf("summary %+v: want the record redone and left", sum)
	}
	if a := get(t, raced, paths[0]); a.Excerpt != paths0Excerpt(raced.n) {
		t.Errorf("excerpt %q after %d edits", a.Excerpt, raced.n)
	}
}

func paths0Excerpt(edits int) string {
	s := "Harris moves into the Naval Observatory."
	for range edits {
		s += " Again."
	}
	return s
}

// TestCommitCuratesAgainWhatAnotherWriterChanged has another writer edit
// a stored article that an arrival's curation changes (the lead of the
// story it joins) between Arrive and the write: the edit survives and the
// result is what curating the arrival after the edit gives.
func TestCommitCuratesAgainWhatAnotherWriterChanged(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	now := t0.Add(24 * time.Hour)
	ctx := context.Background()
	arrival := func() *model.Record {
		return fresh("Harris moves into the Naval Observatory at last", "https://late.example/a/9", "Late", t0.Add(3*time.Hour))
	}

	raced := &racedStore{Store: openStore(t).(*sqlite.Store), t: t, edit: editTitle}
	paths := harrisSet(t, raced, t0)
	cur := newCurator(t, raced, now)
	if _, err := cur.All(ctx); err != nil {
		t.Fatal(err)
	}
	raced.races = 1
	raced.paths = inBatch(paths...)
	out, attempts, err := cur.Commit(ctx, []*model.Record{arrival()})
	if err != nil {
		t.Fatal(err)
	}
	if attempts != 2 || raced.n == 0 {
		t.Fatalf("%d attempts after %d edits, want 2", attempts, raced.n)
	}
	for _, r := range out {
		if slices.Contains(paths, r.Path) && !strings.HasPrefix(r.Article.Title, "Edited: ") {
			t.Errorf("Commit wrote %s without the edit: %q", r.Path, r.Article.Title)
		}
	}

	// The same edits made before the arrival.
	serial := openStore(t)
	harrisSet(t, serial, t0)
	scur := newCurator(t, serial, now)
	if _, err := scur.All(ctx); err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if !slices.Contains(paths, r.Path) {
			continue
		}
		editStored(t, serial, r.Path, editTitle)
	}
	if _, _, err := scur.Commit(ctx, []*model.Record{arrival()}); err != nil {
		t.Fatal(err)
	}
	got, want := stories(t, raced), stories(t, serial)
	if len(got) != len(want) {
		t.Fatalf("%d records raced, %d serial", len(got), len(want))
	}
	for p := range want {
		if got[p] != want[p] {
			t.Errorf("%s:\n raced  %s\n serial %s", p, got[p], want[p])
		}
	}
	// Curated again from the backup, the arrival is stored byte for byte
	// as curated once: file and value (its explanations among them).
	gotRecs, wantRecs := DumpStore(t, raced.Store), DumpStore(t, serial)
	for p, w := range wantRecs {
		if g := gotRecs[p]; string(g.Raw) != string(w.Raw) || string(g.Value) != string(w.Value) {
			t.Errorf("%s stored differently after the retry:\n raced  %s\n%s\n serial %s\n%s", p, g.Raw, g.Value, w.Raw, w.Value)
		}
	}
}

// TestCommitGivesUpOnRecordsThatKeepChanging bounds the attempts.
func TestCommitGivesUpOnRecordsThatKeepChanging(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	ctx := context.Background()
	raced := &racedStore{Store: openStore(t).(*sqlite.Store), t: t, edit: editTitle}
	paths := harrisSet(t, raced, t0)
	cur := newCurator(t, raced, t0.Add(24*time.Hour))
	if _, err := cur.All(ctx); err != nil {
		t.Fatal(err)
	}
	raced.races = CommitAttempts
	raced.paths = inBatch(paths...)
	late := fresh("Harris moves into the Naval Observatory at last", "https://late.example/a/9", "Late", t0.Add(3*time.Hour))
	_, attempts, err := cur.Commit(ctx, []*model.Record{late})
	if !errors.Is(err, store.ErrConflict) || attempts != CommitAttempts {
		t.Fatalf("Commit = %v after %d attempts, want ErrConflict after %d", err, attempts, CommitAttempts)
	}
	if _, err := raced.Get(ctx, late.Path); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("the arrival of a refused batch was stored: %v", err)
	}
}

// TestAfterAConflictCommitWaitsForTheOtherWriterToPause writes a record
// every 10 ms for about 300 ms, as an import writes batch after batch,
// and checks that the wait before another attempt ends only once the
// writer has stopped: the quiet it asks after the fourth conflict (400 ms)
// is longer than the writer's pauses.
func TestAfterAConflictCommitWaitsForTheOtherWriterToPause(t *testing.T) {
	st := openStore(t)
	ctx := context.Background()
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	started := make(chan struct{})
	var once sync.Once
	var stopped atomic.Bool
	go func() {
		defer once.Do(func() { close(started) })
		for i := range 30 {
			r := fresh(fmt.Sprintf("Busy writer's story number %d", i), fmt.Sprintf("https://busy.example/a/%d", i), "Busy", t0)
			if err := render(r); err != nil {
				t.Error(err)
				break
			}
			if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
				t.Error(err)
				break
			}
			once.Do(func() { close(started) })
			time.Sleep(10 * time.Millisecond)
		}
		stopped.Store(true)
	}()
	<-started
	if err := awaitQuiet(ctx, st, 4); err != nil {
		t.Fatal(err)
	}
	if !stopped.Load() {
		t.Error("the wait ended while the other writer was still writing")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := awaitQuiet(cancelled, st, 1); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled wait: %v, want context.Canceled", err)
	}
}
