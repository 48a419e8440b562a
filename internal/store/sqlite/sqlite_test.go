package sqlite

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/storetest"
)

// openTemp opens a store in a new file under t.TempDir().
func openTemp(t testing.TB) *Store {
	t.Helper()
	st, err := Open(context.Background(), filepath.Join(t.TempDir(), "db", "newshub.db"))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newshub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	rec := &model.Record{Path: "_news/2020-08-30-a.md", Kind: model.KindNews, Raw: []byte("---\ntitle: A\n---\n"),
		Article: &model.Article{Title: "Alpha", PublishedDateTime: time.Date(2020, 8, 30, 0, 0, 0, 0, time.UTC), Topics: []string{"Election"}}}
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer st.Close()
	if _, err := st.Get(ctx, rec.Path); err != nil {
		t.Errorf("Get after reopen: %v", err)
	}
	res, err := st.Search(ctx, store.SearchQuery{Text: "alpha"})
	if err != nil || res.Total != 1 {
		t.Errorf("Search after reopen: %d hits, %v", res.Total, err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var versions, latest int
	if err := st.r.QueryRowContext(ctx, `SELECT count(*), max(version) FROM schema_version`).Scan(&versions, &latest); err != nil {
		t.Fatal(err)
	}
	if versions != len(ms) || latest != ms[len(ms)-1].version {
		t.Errorf("schema_version has %d rows up to %d, want %d up to %d", versions, latest, len(ms), ms[len(ms)-1].version)
	}
	var mode string
	if err := st.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v; want wal", mode, err)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "newshub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.w.ExecContext(ctx, `INSERT INTO schema_version (version, name, applied_at) VALUES (9999, '9999_future.sql', '')`); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if st, err := Open(ctx, path); err == nil {
		st.Close()
		t.Fatal("Open succeeded on a database from a newer program")
	}
}

func TestReadersCannotWrite(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	_, err := st.r.ExecContext(context.Background(), `DELETE FROM records`)
	if err == nil {
		t.Error("a read connection accepted a write")
	}
}

func TestFTSQueryQuotesEveryWord(t *testing.T) {
	tests := []struct{ text, want string }{
		{"senate", `"senate"`},
		{`senate "voting rights"`, `"senate" "voting rights"`},
		{"covid-19 vaccine", `"covid 19" "vaccine"`},
		{"trum*", `"trum"*`},
		{`"new york"*`, `"new york"*`},
		{"NEAR(a b) OR c", `"NEAR a" "b" "OR" "c"`},
	}
	for _, tt := range tests {
		ph, err := store.ParseSearch(tt.text)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", tt.text, err)
			continue
		}
		if got := ftsQuery(ph); got != tt.want {
			t.Errorf("ftsQuery(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestTopicListingUsesIndex(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	from, tcol, args := newsWhere(store.NewsQuery{Topic: "Election", PublishedOnly: true})
	lim, largs := limitOffset(30, 0)
	rows, err := st.r.Query(`EXPLAIN QUERY PLAN SELECT `+recordColumns+from+orderBy(store.ByTime, tcol)+lim, append(args, largs...)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	for _, step := range plan {
		if contains(step, "TEMP B-TREE") {
			t.Errorf("topic listing sorts instead of reading the index in order: %v", plan)
		}
	}
	if len(plan) == 0 || !contains(plan[0], "SEARCH t USING PRIMARY KEY (topic=?)") {
		t.Errorf("topic listing does not start from the topic's rows: %v", plan)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// TestReplaceRecordWrittenWithoutDigests checks that a news record stored
// before its rows carried digests of their topics and text (an older
// database) has those rows kept or replaced as a change requires.
func TestReplaceRecordWrittenWithoutDigests(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	rec := func(title string, heat int, topics ...string) *model.Record {
		return &model.Record{Path: "_news/2020-08-30-a.md", Kind: model.KindNews, Raw: []byte("---\ntitle: " + title + "\n---\n"),
			Article: &model.Article{Title: title, Heat: heat, PublishedDateTime: at, Topics: topics}}
	}
	forget := func() {
		t.Helper()
		if _, err := st.w.ExecContext(ctx, `UPDATE records SET text_key = NULL, topics_key = NULL`); err != nil {
			t.Fatal(err)
		}
	}
	check := func(step, word string, hits int, topic string, listed int) {
		t.Helper()
		res, err := st.Search(ctx, store.SearchQuery{Text: word})
		if err != nil || res.Total != hits {
			t.Errorf("%s: search %q: %d hits (%v), want %d", step, word, res.Total, err, hits)
		}
		n, err := st.CountNews(ctx, store.NewsQuery{Topic: topic})
		if err != nil || n != listed {
			t.Errorf("%s: topic %q lists %d (%v), want %d", step, topic, n, err, listed)
		}
	}
	upsert := func(r *model.Record) {
		t.Helper()
		if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
			t.Fatal(err)
		}
	}
	upsert(rec("Alpha", 1, "Election", "Senate"))
	forget()
	upsert(rec("Alpha", 2, "Election", "Senate")) // heat only: rows kept
	check("heat changed", "alpha", 1, "Senate", 1)
	forget()
	upsert(rec("Beta", 3, "Election", "House")) // text and topics changed
	check("text changed", "alpha", 0, "Senate", 0)
	check("text changed", "beta", 1, "House", 1)
	check("text changed", "beta", 1, "Election", 1)
	var text, topics []byte
	if err := st.r.QueryRowContext(ctx, `SELECT text_key, topics_key FROM records`).Scan(&text, &topics); err != nil {
		t.Fatal(err)
	}
	if len(text) == 0 || len(topics) == 0 {
		t.Errorf("rewritten record has no digests: text %x, topics %x", text, topics)
	}
}
