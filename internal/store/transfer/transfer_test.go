package transfer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

func openSQLite(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func news(slug, title string) *model.Record {
	return &model.Record{Path: "_news/2020-08-30-" + slug + ".md", Kind: model.KindNews,
		Raw: []byte("---\ntitle: " + title + "\n---\n"),
		Article: &model.Article{Title: title, Topics: []string{"Election"},
			PublishedDateTime: time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)}}
}

// seeded returns a SQLite store seeded with n news records (see seed).
func seeded(t *testing.T, n int) store.Store {
	t.Helper()
	return seed(t, openSQLite(t), n)
}

// seed writes into st n news records, a person (whose file's mode is
// recorded), a purged record's keys (dated), a source state and two rounds.
func seed(t *testing.T, st store.Store, n int) store.Store {
	t.Helper()
	ctx := context.Background()
	var recs []*model.Record
	for i := range n {
		recs = append(recs, news(string(rune('a'+i%26))+strings.Repeat("x", i/26), "Story "+string(rune('A'+i%26))))
	}
	recs = append(recs, &model.Record{Path: "_people/jane.md", Kind: model.KindPerson, Raw: []byte("name: Jane\n"),
		Person: &model.Person{Name: "Jane"}}, news("purged", "Purged duplicate"))
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	gone, err := st.Get(ctx, recs[len(recs)-1].Path)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Purge(ctx, []store.Purge{{Path: gone.Path, Version: gone.Version, At: time.Date(2020, 9, 30, 0, 0, 0, 0, time.UTC),
		Keys: []string{"https://example.com/purged", "tag:example.com,2020:purged"}, Dated: gone.Article.PublishedDateTime}})
	if err != nil {
		t.Fatal(err)
	}
	err = st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml", ETag: `"x"`,
		LastFetch: time.Date(2020, 8, 30, 12, 0, 0, 123000, time.UTC), Items: 3})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetModes(ctx, map[string]fs.FileMode{"_people/jane.md": 0o600}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		r := store.Round{Started: time.Date(2020, 8, 30, 12, i, 0, 0, time.UTC), Summary: []byte(fmt.Sprintf(`{"Due":%d}`, i+1))}
		if err := st.AddRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func TestCopyWritesEverythingInBatchesAndVerifies(t *testing.T) {
	ctx := context.Background()
	from, to := seeded(t, 60), openSQLite(t)
	var total, done, batches int
	sum, err := Copy(ctx, from, to, Options{Batch: 25, Total: func(n int) { total = n }, Progress: func(n int) { done += n; batches++ }})
	if err != nil {
		t.Fatalf("Copy: %v", err)
	}
	if total != 61 || done != 61 || batches != 3 {
		t.Errorf("progress: total %d, %d done in %d batches; want 61 in 3", total, done, batches)
	}
	if sum.Records[model.KindNews] != 60 || sum.Records[model.KindPerson] != 1 || sum.Sources != 1 || sum.Tombstones != 2 || len(sum.Digest) != 64 {
		t.Errorf("summary %+v", sum)
	}
	if _, err := Verify(ctx, to, from); err != nil {
		t.Errorf("Verify the other way: %v", err)
	}
	if err := CheckFinished(ctx, to); err != nil {
		t.Errorf("a copy checked whole: %v", err)
	}
	// The rounds' log is copied in its order.
	if rs, err := to.Rounds(ctx, 10); err != nil || len(rs) != 2 || string(rs[0].Summary) != `{"Due":2}` || string(rs[1].Summary) != `{"Due":1}` {
		t.Errorf("rounds copied: %v, %v; want the two, newest first", rs, err)
	}
	if m, err := to.Modes(ctx); err != nil || len(m) != 1 || m["_people/jane.md"] != 0o600 {
		t.Errorf("modes copied: %v, %v; want the person's 0600", m, err)
	}
	// A second copy into the now full store is refused, writing nothing.
	g, err := to.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, from, to, Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("Copy into a full store: %v, want ErrNotEmpty", err)
	}
	if g2, err := to.Generation(ctx); err != nil || g2 != g {
		t.Errorf("the refused copy wrote: generation %d -> %d (%v)", g, g2, err)
	}
}

func TestVerifyNamesEachDifference(t *testing.T) {
	ctx := context.Background()
	changes := []struct {
		name   string
		change func(st store.Store) error
		want   string
	}{
		{"value", func(st store.Store) error {
			r := news("a", "Story A")
			r.Article.Heat = 99 // same file bytes, another value
			return st.Upsert(ctx, []*model.Record{r})
		}, "_news/2020-08-30-a.md: differs"},
		{"file bytes", func(st store.Store) error {
			r := news("b", "Story B")
			r.Raw = append(r.Raw, '\n')
			return st.Upsert(ctx, []*model.Record{r})
		}, "_news/2020-08-30-b.md: differs"},
		{"missing", func(st store.Store) error { return st.Delete(ctx, "_people/jane.md") }, "_people/jane.md: missing from the copy"},
		{"extra", func(st store.Store) error { return st.Upsert(ctx, []*model.Record{news("zz", "Extra")}) }, "_news/2020-08-30-zz.md: in the copy only"},
		{"source state", func(st store.Store) error {
			return st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml", Items: 4})
		}, "source states differ"},
		{"purged keys", func(st store.Store) error {
			return st.Purge(ctx, []store.Purge{{Path: "_news/2020-08-30-other.md", Keys: []string{"https://example.com/other"}}})
		}, "purged keys differ: 2 in the source, 3 in the copy"},
		{"purged key's date", func(st store.Store) error {
			// Kept for ever, where the source lets it go once its date is past.
			return st.Purge(ctx, []store.Purge{{Path: "_news/2020-08-30-purged.md", Keys: []string{"https://example.com/purged"},
				At: time.Date(2020, 9, 30, 0, 0, 0, 0, time.UTC)}})
		}, "purged keys differ: 2 in the source, 2 in the copy"},
		{"file mode", func(st store.Store) error {
			return st.SetModes(ctx, map[string]fs.FileMode{"_people/jane.md": 0o644})
		}, "file modes differ"},
		{"host hold", func(st store.Store) error {
			now := time.Now()
			return st.PutHostHolds(ctx, map[string]time.Time{"feeds.example.com": now.Add(time.Hour)}, now)
		}, "host holds differ: 0 in the source, 1 in the copy"},
		{"rounds", func(st store.Store) error {
			return st.AddRound(ctx, store.Round{Started: time.Date(2020, 8, 30, 13, 0, 0, 0, time.UTC), Summary: []byte(`{"Due":3}`)})
		}, "rounds differ: 2 in the source, 3 in the copy"},
	}
	for _, c := range changes {
		t.Run(c.name, func(t *testing.T) {
			from, to := seeded(t, 5), openSQLite(t)
			if _, err := Copy(ctx, from, to, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := c.change(to); err != nil {
				t.Fatal(err)
			}
			_, err := Verify(ctx, from, to)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("Verify after changing the %s: %v, want it to say %q", c.name, err, c.want)
			}
		})
	}
}

func TestLockFileRefusesASecondHolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hub.db.copy-lock")
	unlock, err := LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// flock locks belong to the open file, so a second open in this
	// process contends as another process would.
	if _, err := LockFile(path); !errors.Is(err, ErrLocked) {
		t.Errorf("second LockFile: %v, want ErrLocked", err)
	}
	if err := unlock(); err != nil {
		t.Fatal(err)
	}
	unlock, err = LockFile(path)
	if err != nil {
		t.Errorf("LockFile after unlock: %v", err)
	} else {
		unlock()
	}
}

// TestCopyOfASourceWrittenMeanwhileHoldsOneGeneration writes into the
// source, SQLite and PostgreSQL, while it is copied, as an ingest beside
// it would (a new article, one copied already changed, a new source
// state): the copy holds the hub as it was when the copy began, and
// passes its check, where it held a mix of the two, and its check failed,
// or passed on the mix.
func TestCopyOfASourceWrittenMeanwhileHoldsOneGeneration(t *testing.T) {
	ctx := context.Background()
	late, changed := news("late", "Late story"), news("a", "Story A")
	changed.Article.Heat = 99
	feed := store.SourceState{URL: "https://example.com/late.xml", Items: 1, LastFetch: time.Date(2020, 8, 31, 0, 0, 0, 0, time.UTC)}
	write := func(st store.Store) error {
		if err := st.Upsert(ctx, []*model.Record{late, changed}); err != nil {
			return err
		}
		return st.PutSourceState(ctx, feed)
	}
	for _, src := range []struct {
		name string
		open func(t *testing.T) store.Store
	}{
		{"SQLite", func(t *testing.T) store.Store { return openSQLite(t) }},
		{"PostgreSQL", func(t *testing.T) store.Store { return openPostgres(t) }},
	} {
		t.Run(src.name, func(t *testing.T) {
			from, to := seed(t, src.open(t), 30), openSQLite(t)
			want, err := from.Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			wrote := false
			sum, err := Copy(ctx, from, to, Options{Batch: 10, Progress: func(int) {
				if !wrote {
					wrote = true
					if err := write(from); err != nil {
						t.Fatal(err)
					}
				}
			}})
			if err != nil || !maps.Equal(sum.Records, want) || sum.Sources != 1 {
				t.Fatalf("Copy of a source written meanwhile: %+v, %v; want %v records and 1 source state, as before the write", sum, err, want)
			}
			if a, err := to.Get(ctx, changed.Path); err != nil || a.Article.Heat != 0 {
				t.Errorf("the copy's story A: %+v, %v; want it as before the write", a, err)
			}
			if _, err := to.Get(ctx, late.Path); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("the copy's article written after it began: %v, want none", err)
			}
			if states, err := to.SourceStates(ctx); err != nil || len(states) != 1 {
				t.Errorf("the copy's source states: %d, %v; want the one before the write", len(states), err)
			}
			if err := CheckFinished(ctx, to); err != nil {
				t.Errorf("the copy: %v, want it finished", err)
			}
		})
	}
}

// TestCopyBatchesLargeRecordsByTheirSize copies records of a megabyte
// each (newsletters' bodies may be as large): a batch holds as many as fit
// in its bytes, not a thousand of them, which with the batch read ahead
// held gigabytes.
func TestCopyBatchesLargeRecordsByTheirSize(t *testing.T) {
	ctx := context.Background()
	from, to := openSQLite(t), openSQLite(t)
	const n = 3 * maxBatchBytes >> 20
	var recs []*model.Record
	for i := range n {
		r := news(fmt.Sprintf("big-%03d", i), "Big issue")
		r.Raw = append(r.Raw, bytes.Repeat([]byte("Ballots counted in every ward. "), 1<<20/31)...)
		recs = append(recs, r)
	}
	if err := from.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	var batches []int
	if _, err := Copy(ctx, from, to, Options{Progress: func(n int) { batches = append(batches, n) }}); err != nil {
		t.Fatal(err)
	}
	copied := 0
	for _, b := range batches {
		copied += b
		if b > maxBatchBytes>>20+1 {
			t.Errorf("a batch of %d records of a megabyte each, want at most %d MB a batch", b, maxBatchBytes>>20)
		}
	}
	if copied != n {
		t.Errorf("%d records copied in batches %v, want %d", copied, batches, n)
	}
}

// TestCopyKeepsTheHoldsOfHostsThatAskedToWait: a host that asked by a
// Retry-After to be left alone for a while is left alone by the ingest
// of the copy too, until the same time.
func TestCopyKeepsTheHoldsOfHostsThatAskedToWait(t *testing.T) {
	ctx := context.Background()
	from, to := seeded(t, 3), openSQLite(t)
	now := time.Now()
	until := now.Add(2 * time.Hour).UTC().Truncate(time.Second)
	if err := from.PutHostHolds(ctx, map[string]time.Time{"feeds.example.com": until}, now); err != nil {
		t.Fatal(err)
	}
	if _, err := Copy(ctx, from, to, Options{}); err != nil {
		t.Fatalf("Copy: %v", err)
	}
	holds, err := to.HostHolds(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := holds["feeds.example.com"]; !got.Equal(until) || len(holds) != 1 {
		t.Errorf("holds in the copy: %v; want feeds.example.com until %v", holds, until)
	}
}

func TestSameStoreKnowsOneSQLiteFileHoweverNamed(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	st, err := sqlite.Open(context.Background(), "hub.db")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if err := os.Mkdir("sub", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "hub.db"), "link.db"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		a, b string
		same bool
	}{
		{"sqlite:hub.db", "sqlite:hub.db", true},
		{"sqlite:hub.db", "sqlite:./hub.db", true},
		{"sqlite:hub.db", "sqlite:sub/../hub.db", true},
		{"sqlite:hub.db", "sqlite:" + filepath.Join(dir, "hub.db"), true},
		{"sqlite:hub.db", "sqlite:link.db", true},
		{"sqlite:new.db", "sqlite:./sub/../new.db", true}, // neither made yet
		{"sqlite:hub.db", "sqlite:new.db", false},
		{"sqlite:hub.db", "sqlite:sub/hub.db", false},
		{"sqlite:hub.db", "postgres://localhost/hub", false},
	} {
		if got := SameStore(tt.a, tt.b); got != tt.same {
			t.Errorf("SameStore(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.same)
		}
	}
}
