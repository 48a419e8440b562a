package sqlite

import (
	"context"
	"os"
	"testing"
	"time"
)

func TestExpSearch(t *testing.T) {
	if os.Getenv("EXP") == "" {
		t.Skip()
	}
	ctx := context.Background()
	path := "/tmp/newshub-store-exp/100k.db"
	_, statErr := os.Stat(path)
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if statErr != nil {
		recs := benchArticles(100_000)
		for i := 0; i < len(recs); i += 1000 {
			if err := st.Upsert(ctx, recs[i:i+1000]); err != nil {
				t.Fatal(err)
			}
		}
	}
	w := benchVocab[2]
	for _, q := range []string{
		`SELECT count(*) FROM news_fts WHERE news_fts MATCH '"` + w + `"'`,
		`SELECT rowid FROM news_fts WHERE news_fts MATCH '"` + w + `"' ORDER BY bm25(news_fts, 10.0, 4.0, 2.0), rowid LIMIT 30`,
		`SELECT rowid FROM news_fts WHERE news_fts MATCH '"` + w + `"' ORDER BY bm25(news_fts, 10.0, 4.0, 2.0) LIMIT 30`,
		`SELECT rowid FROM news_fts WHERE news_fts MATCH '"` + w + `"' ORDER BY rank LIMIT 30`,
		`SELECT rowid FROM news_fts WHERE news_fts MATCH '"` + w + `"'`,
	} {
		for i := 0; i < 2; i++ {
			c0, t0 := cpuTime(), time.Now()
			rows, err := st.r.QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for rows.Next() {
				n++
			}
			rows.Close()
			t.Logf("%v cpu %v wall, %d rows: %s", cpuTime()-c0, time.Since(t0), n, q)
		}
	}
}
