package postgres

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// searchFixtures reads the articles of testdata/search-articles.jsonl as
// news records.
func searchFixtures(t *testing.T) []*model.Record {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "search-articles.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var recs []*model.Record
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		var a struct {
			Title, Excerpt, Provider string
			Topics                   []string
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("search-articles.jsonl:%d: %v", line, err)
		}
		at := time.Date(2020, 8, 30, 0, 0, 0, 0, time.UTC).Add(time.Duration(line) * time.Hour)
		recs = append(recs, &model.Record{
			Path: fmt.Sprintf("_news/2020-08-30-article-%02d.md", line), Kind: model.KindNews,
			Raw: []byte("---\ntitle: " + a.Title + "\n---\n"),
			Article: &model.Article{Title: a.Title, Excerpt: a.Excerpt, Provider: model.Provider{Name: a.Provider},
				Topics: a.Topics, PublishedDateTime: at},
		})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return recs
}

// searchQueries reads testdata/search-queries.txt: one query a line,
// lines starting with # left out.
func searchQueries(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "search-queries.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var qs []string
	for _, line := range strings.Split(string(data), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			qs = append(qs, line)
		}
	}
	return qs
}

// TestSearchFindsWhatSQLiteFinds runs the same queries over the same
// articles in both stores: text with punctuation, accents, scripts other
// than Latin, addresses and numbers. Each query must match the same
// records in both, or be refused by both.
func TestSearchFindsWhatSQLiteFinds(t *testing.T) {
	ctx := context.Background()
	pg := openTemp(t)
	defer pg.Close()
	lite, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	recs := searchFixtures(t)
	for _, st := range []store.Store{pg, lite} {
		if err := st.Upsert(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	matched := 0
	for _, text := range searchQueries(t) {
		for _, topic := range []string{"", "Election"} {
			q := store.SearchQuery{Text: text, Topic: topic, RankLimit: -1}
			want, wantErr := lite.Search(ctx, q)
			got, err := pg.Search(ctx, q)
			if errors.Is(wantErr, store.ErrBadQuery) || errors.Is(err, store.ErrBadQuery) {
				if err == nil || wantErr == nil || err.Error() != wantErr.Error() {
					t.Errorf("search %q: PostgreSQL says %v, SQLite %v", text, err, wantErr)
				}
				continue
			}
			if err != nil || wantErr != nil {
				t.Fatalf("search %q: PostgreSQL %v, SQLite %v", text, err, wantErr)
			}
			g, w := paths(got.Hits), paths(want.Hits)
			if got.Total != want.Total || !slices.Equal(g, w) {
				t.Errorf("search %q in %q: PostgreSQL finds %d %v, SQLite %d %v", text, topic, got.Total, g, want.Total, w)
			}
			if len(w) > 0 {
				matched++
			}
		}
	}
	if matched < 30 {
		t.Errorf("only %d queries matched anything: the fixtures no longer exercise the search", matched)
	}
}

// paths returns the paths of recs, sorted: ranks may order ties apart.
func paths(recs []*model.Record) []string {
	var ps []string
	for _, r := range recs {
		ps = append(ps, r.Path)
	}
	slices.Sort(ps)
	return ps
}
