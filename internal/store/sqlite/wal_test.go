package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
)

// walArticle is the i-th of a round's small news records.
func walArticle(i int) *model.Record {
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	url := fmt.Sprintf("https://news.example.com/a/%d", i)
	rec := &model.Record{Path: fmt.Sprintf("_news/%s-a%d.md", at.Format(time.DateOnly), i), Kind: model.KindNews,
		Article: &model.Article{Category: "news", Title: fmt.Sprintf("Count %d of the county's ballots", i),
			Excerpt: strings.Repeat("The recount went on past midnight. ", 8), PublishedDateTime: at,
			OriginalURL: url, WebURL: url, CanonicalURL: url, Type: "article", Heat: 100, Quality: 100, Published: true,
			Provider: model.Provider{Name: "Example News", Domain: "news.example.com"}, Topics: []string{"Election"},
			Story: fmt.Sprintf("s-%d", i)}}
	raw, err := rec.MarshalValue()
	if err != nil {
		panic(err)
	}
	rec.Raw = append(append([]byte("---\n"), raw...), "\n---\n"...)
	return rec
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// holdRead begins a read of st that holds its snapshot for d, as a
// request reading for a while does, and ends it on its own.
func holdRead(t *testing.T, st *Store, d time.Duration, wg *sync.WaitGroup) {
	t.Helper()
	tx, err := st.r.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRow(`SELECT count(*) FROM records`).Scan(&n); err != nil {
		tx.Rollback()
		t.Fatal(err)
	}
	wg.Add(1)
	time.AfterFunc(d, func() {
		defer wg.Done()
		tx.Rollback()
	})
}

// TestLogStaysBoundedWhileReadersOverlap writes rounds of news while
// reads overlap, each begun before a round and ending after it, as a
// server's requests may: the write-ahead log stays within its limit.
// SQLite's automatic checkpoint copies the log into the database but
// starts it over only once no reader holds a snapshot older than its end,
// which overlapping reads never allow, and the log grew by every round (by
// 1 MB here) for as long as the server ran. The automatic checkpoint and
// the limit are made small, so that a few rounds show what months would.
func TestLogStaysBoundedWhileReadersOverlap(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	ctx := context.Background()
	const limit = 2 << 20
	st.walLimit = limit
	if _, err := st.w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 16`); err != nil {
		t.Fatal(err)
	}
	var reads sync.WaitGroup
	defer reads.Wait()
	wal := st.path + "-wal"
	var most int64
	for round := range 16 {
		holdRead(t, st, 30*time.Millisecond, &reads)
		recs := make([]*model.Record, 10)
		for i := range recs {
			recs[i] = walArticle(round*len(recs) + i)
		}
		if err := st.Upsert(ctx, recs); err != nil {
			t.Fatal(err)
		}
		most = max(most, fileSize(t, wal))
	}
	// A round's frames may come on top of the limit before the next write
	// truncates the log.
	if most > 2*limit {
		t.Errorf("the write-ahead log reached %d bytes with a limit of %d: it grows with every round while reads overlap", most, limit)
	}
	// The truncations waited for readers a shorter while than writes wait
	// for a lock: the writer has its own wait back.
	var wait int
	if err := st.w.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&wait); err != nil || wait != busyTimeoutMS {
		t.Errorf("the writer waits %d ms for a lock after the truncations (%v), want %d", wait, err, busyTimeoutMS)
	}
}

// TestLogShrinksAfterALargeWrite writes one large batch, as a whole-store
// curate or a purge does, then small ones: the write-ahead log comes back
// to the size of a small write. SQLite starts a log over from its
// beginning once it is checkpointed but keeps its file as large as it
// ever was, and a curate of a 20,000-article hub under serve left 172 MB
// of it for as long as serve ran. The automatic checkpoint and the limit
// are made small, as above.
func TestLogShrinksAfterALargeWrite(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	ctx := context.Background()
	const limit = 256 << 10
	st.walLimit = limit
	if _, err := st.w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 4`); err != nil {
		t.Fatal(err)
	}
	large := make([]*model.Record, 1500)
	for i := range large {
		large[i] = walArticle(i)
	}
	if err := st.Upsert(ctx, large); err != nil {
		t.Fatal(err)
	}
	wal := st.path + "-wal"
	after := fileSize(t, wal)
	if after <= 4*limit {
		t.Fatalf("the large write left a log of %d bytes, within four times the limit of %d: the test proves nothing", after, limit)
	}
	var last int64
	for i := range 3 {
		if err := st.Upsert(ctx, []*model.Record{walArticle(len(large) + i)}); err != nil {
			t.Fatal(err)
		}
		last = fileSize(t, wal)
	}
	if last > after/2 {
		t.Errorf("the write-ahead log holds %d bytes after small writes that followed a large one, as the large one left it (%d)", last, after)
	}
}
