package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/storetest"
	"newshub/internal/testutil"
)

// openTemp opens a new store under t.TempDir(), a copy of an empty one
// made once (testutil.FileCopy).
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openPath(t, testutil.FileCopy(t, "sqlite store", "newshub.db", func(path string) error {
		st, err := Open(context.Background(), path)
		if err != nil {
			return err
		}
		return st.Close()
	}))
}

func openPath(t testing.TB, path string) *Store {
	t.Helper()
	st, err := Open(context.Background(), path)
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
	if versions != len(ms) || latest != ms[len(ms)-1].Version {
		t.Errorf("schema_version has %d rows up to %d, want %d up to %d", versions, latest, len(ms), ms[len(ms)-1].Version)
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
	const text = `{title excerpt provider} : (`
	tests := []struct{ text, want string }{
		{"senate", text + `"senate")`},
		{`senate "voting rights"`, text + `"senate" "voting rights")`},
		{"covid-19 vaccine", text + `"covid 19" "vaccine")`},
		{"trum*", text + `"trum"*)`},
		{`"new york"*`, text + `"new york"*)`},
		{"NEAR(a b) OR c", text + `"NEAR a" "b" "OR" "c")`},
		{`-gaz* senate -"voting rights"`, text + `"senate") NOT {title excerpt provider} : "gaz"* NOT {title excerpt provider} : "voting rights"`},
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

func TestTopicsFilterQuotesTheTokens(t *testing.T) {
	tests := []struct {
		topic             string
		public            bool
		wantCond, wantFTS string
	}{
		{"", false, "", ""},
		{`Joe "Biden"`, false, "+news_fts.rowid IN", `"t4a6f652022426964656e22"`},
		{"", true, "+news_fts.rowid NOT IN", `"withheld"`},
		{"Election", true, "+news_fts.rowid IN", `"t456c656374696f6e" NOT "withheld"`},
	}
	for _, tt := range tests {
		if cond, match := topicsFilter(tt.topic, tt.public); cond != tt.wantCond || match != tt.wantFTS {
			t.Errorf("topicsFilter(%q, %v) = %q, %s; want %q, %s", tt.topic, tt.public, cond, match, tt.wantCond, tt.wantFTS)
		}
	}
}

// TestMigrationKeepsSourceStates opens a store whose source states predate
// their last-read reports (schema 4) and checks that they read back whole,
// with an empty report, and take one.
func TestMigrationKeepsSourceStates(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`ALTER TABLE source_states DROP COLUMN last_read`,
		`DELETE FROM schema_version WHERE version = 5`, // the later ones stay applied
		`INSERT INTO source_states (url, last_status, items) VALUES ('https://old.example.com/feed', '200 OK', 12)`,
	} {
		if _, err := st.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	got, err := st.SourceState(ctx, "https://old.example.com/feed")
	if err != nil || got.LastStatus != "200 OK" || got.Items != 12 || got.LastRead.Items != 0 {
		t.Fatalf("state after migration = %+v, %v", got, err)
	}
	got.LastRead = store.ReadReport{Items: 3, NotStored: map[string]int{"no usable link": 3}}
	if err := st.PutSourceState(ctx, got); err != nil {
		t.Fatal(err)
	}
	if again, err := st.SourceState(ctx, got.URL); err != nil || again.LastRead.NotStored["no usable link"] != 3 {
		t.Fatalf("report after migration = %+v, %v", again.LastRead, err)
	}
}

// TestMigrationIndexesTopics opens a store whose full-text index predates
// topics (schema 3) and checks that the migration indexes every record's
// text and topics again.
func TestMigrationIndexesTopics(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	recs := []*model.Record{
		newsRecord("_news/2026-01-02-senate.md", "Senate passes the bill", "Election", "Progressive Voice"),
		newsRecord("_news/2026-01-03-senate-recess.md", "Senate goes into recess", "Election"),
		newsRecord("_news/2026-01-04-storm.md", "Storm hits the coast", "Weather"),
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Back to schema 3: the old index, without topics and empty.
	for _, q := range []string{
		`DROP TABLE news_fts`,
		`CREATE VIRTUAL TABLE news_fts USING fts5 (title, excerpt, provider, content = '', contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 2')`,
		`DROP TABLE news_topics`,
		`DELETE FROM schema_version WHERE version IN (4, 19)`,
		`UPDATE records SET text_key = x'00'`, // digests of before, without the topics
	} {
		if _, err := st.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tests := []struct {
		text, topic string
		want        int
	}{
		{"senate", "", 2},
		{"senate", "Progressive Voice", 1},
		{"senate", "Election", 2},
		{"storm", "Election", 0},
		{"coast", "Weather", 1},
	}
	for _, tt := range tests {
		res, err := st.Search(ctx, store.SearchQuery{Text: tt.text, Topic: tt.topic})
		if err != nil || res.Total != tt.want || len(res.Hits) != tt.want {
			t.Errorf("after migration, search %q in %q: total %d, %d hits, %v; want %d", tt.text, tt.topic, res.Total, len(res.Hits), err, tt.want)
		}
	}
	// A record written again keeps one row in the index.
	recs[0].Article.Heat++
	if err := st.Upsert(ctx, recs[:1]); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "senate", Topic: "Progressive Voice"}); err != nil || res.Total != 1 {
		t.Errorf("after a write, search: total %d, %v; want 1", res.Total, err)
	}
}

// TestMigrationIndexesCJKPairs opens a store whose full-text rows hold
// runs of CJK text as whole words, as written before schema 15, and checks
// that the migration indexes them as pairs of characters, the rows of
// other text and the topics as they were.
func TestMigrationIndexesCJKPairs(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	withheld := newsRecord("_news/2026-01-05-withheld.md", "東京五輪の新日程", "Sports")
	withheld.Article.Withheld = "duplicate"
	recs := []*model.Record{
		newsRecord("_news/2026-01-02-tokyo.md", "東京オリンピック延期が決定", "Sports"),
		newsRecord("_news/2026-01-03-seoul.md", "서울에서 대규모 집회", "Politics"),
		newsRecord("_news/2026-01-04-senate.md", "Senate passes the bill", "Politics"),
		withheld,
	}
	recs[1].Article.Provider.Name = "한빛일보"
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Back to schema 14: each row made again from the text as it is, in
	// the index of before.
	for _, q := range []string{
		`DROP TABLE news_fts`,
		`DROP TABLE news_topics`,
		`CREATE VIRTUAL TABLE news_fts USING fts5 (title, excerpt, provider, topics, content = '', contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 2')`,
		`DELETE FROM schema_version WHERE version = 19`,
	} {
		if _, err := st.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range recs {
		a := r.Article
		if _, err := st.w.ExecContext(ctx, `INSERT INTO news_fts (rowid, title, excerpt, provider, topics)
			SELECT id, ?, ?, ?, ? FROM records WHERE path = ?`,
			a.Title, a.Excerpt, a.Provider.Name, topicTokens(a.Topics, a.Withheld != ""), r.Path); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.w.ExecContext(ctx, `DELETE FROM schema_version WHERE version = 15`); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "東京"}); err != nil || res.Total != 0 {
		t.Fatalf("before migration, search 東京: total %d, %v; want 0, the runs being one word", res.Total, err)
	}
	st.Close()
	if st, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	tests := []struct {
		q    store.SearchQuery
		want int
	}{
		{store.SearchQuery{Text: "東京"}, 2},
		{store.SearchQuery{Text: "東京", Public: true}, 1},
		{store.SearchQuery{Text: "オリンピック", Topic: "Sports"}, 1},
		{store.SearchQuery{Text: "서울"}, 1},
		{store.SearchQuery{Text: "한빛"}, 1},
		{store.SearchQuery{Text: "senate", Topic: "Politics"}, 1},
		{store.SearchQuery{Text: "excerpt"}, 4},
	}
	for _, tt := range tests {
		res, err := st.Search(ctx, tt.q)
		if err != nil || res.Total != tt.want || len(res.Hits) != tt.want {
			t.Errorf("after migration, search %q (topic %q, public %v): total %d, %d hits, %v; want %d", tt.q.Text, tt.q.Topic, tt.q.Public, res.Total, len(res.Hits), err, tt.want)
		}
	}
	// A record written again keeps one row in the index.
	recs[0].Article.Title += "、日程は未定"
	if err := st.Upsert(ctx, recs[:1]); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{"東京": 2, "日程": 2, "オリンピック": 1} {
		if res, err := st.Search(ctx, store.SearchQuery{Text: text}); err != nil || res.Total != want {
			t.Errorf("after a write, search %s: total %d, %v; want %d", text, res.Total, err, want)
		}
	}
}

// TestMigrationKeepsMarksInWords opens a store whose full-text index split
// words at their marks (vowel signs), as made before schema 16, and checks
// that the migration indexes every news record again, in batches, with the
// marks in the words, the pairs of CJK text, the topics and the withheld
// token as a write makes them.
func TestMigrationKeepsMarksInWords(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	withheld := newsRecord("_news/2026-01-06-withheld.md", "दाल का भंडार", "Economy")
	withheld.Article.Withheld = "duplicate"
	recs := []*model.Record{
		newsRecord("_news/2026-01-02-delhi.md", "दिल्ली में भारी बारिश", "Weather"),
		newsRecord("_news/2026-01-03-dal.md", "दाल के दाम बढ़े", "Economy"),
		newsRecord("_news/2026-01-04-tokyo.md", "東京オリンピック延期が決定", "Sports"),
		newsRecord("_news/2026-01-05-cafe.md", "Café owners protest", "Economy"),
		withheld,
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Back to schema 15: the index with the tokenizer of before.
	for _, q := range []string{
		`DROP TABLE news_fts`,
		`CREATE VIRTUAL TABLE news_fts USING fts5 (title, excerpt, provider, topics, content = '', contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 2')`,
		`DROP TABLE news_topics`,
		`DELETE FROM schema_version WHERE version IN (16, 19)`,
	} {
		if _, err := st.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range recs {
		a := r.Article
		if _, err := st.w.ExecContext(ctx, `INSERT INTO news_fts (rowid, title, excerpt, provider, topics)
			SELECT id, ?, ?, ?, ? FROM records WHERE path = ?`, indexText(a.Title), indexText(a.Excerpt),
			indexText(a.Provider.Name), topicTokens(a.Topics, a.Withheld != ""), r.Path); err != nil {
			t.Fatal(err)
		}
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "दाल"}); err != nil || res.Total != 3 {
		t.Fatalf("before migration, search दाल: total %d, %v; want 3, दिल्ली read as द and ल", res.Total, err)
	}
	st.Close()
	st = reopenInBatches(t, path, 2) // several batches, the last one short
	defer st.Close()
	checkTotals(t, st, "after migration", []searchCase{
		{store.SearchQuery{Text: "दाल"}, 2},
		{store.SearchQuery{Text: "दाल", Public: true}, 1},
		{store.SearchQuery{Text: "दाल", Topic: "Weather"}, 0},
		{store.SearchQuery{Text: "दिल्ली"}, 1},
		{store.SearchQuery{Text: "オリンピック", Topic: "Sports"}, 1},
		{store.SearchQuery{Text: "cafe"}, 1},
		{store.SearchQuery{Text: "excerpt"}, 5},
	})
	// A record written again keeps one row in the index.
	recs[1].Article.Title += " और सब्ज़ियाँ"
	if err := st.Upsert(ctx, recs[1:2]); err != nil {
		t.Fatal(err)
	}
	for text, want := range map[string]int{"दाल": 2, "सब्ज़ियाँ": 1} {
		if res, err := st.Search(ctx, store.SearchQuery{Text: text}); err != nil || res.Total != want {
			t.Errorf("after a write, search %s: total %d, %v; want %d", text, res.Total, err, want)
		}
	}
}

// TestMigrationReindexesTextInSearchForm opens a store whose full-text
// rows hold texts as they were sent, as made before schema 20: a Russian
// title written as base letters and marks, a Turkish one with its dotless
// ı. The migration makes those rows again in search's form, in batches,
// and leaves the others as they were.
func TestMigrationReindexesTextInSearchForm(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hub.db")
	st, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	withheld := newsRecord("_news/2026-01-04-withheld.md", "Işık sönüyor", "Turkey")
	withheld.Article.Withheld = "duplicate"
	recs := []*model.Record{
		newsRecord("_news/2026-01-02-yoshkar.md", norm.NFD.String("Йошкар-Ола выбирает мэра"), "Russia"),
		newsRecord("_news/2026-01-03-istanbul.md", "İstanbul'da seçim sonuçları", "Turkey"),
		newsRecord("_news/2026-01-05-senate.md", "Senate passes the bill", "Politics"),
		withheld,
	}
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Back to schema 19: the rows of the texts as sent.
	for _, r := range recs[:2] {
		a := r.Article
		if _, err := st.w.ExecContext(ctx, `UPDATE news_fts SET title = ?, excerpt = ?, provider = ?
			WHERE rowid = (SELECT id FROM records WHERE path = ?)`, validText(a.Title), a.Excerpt, a.Provider.Name, r.Path); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.w.ExecContext(ctx, `DELETE FROM schema_version WHERE version = 20`); err != nil {
		t.Fatal(err)
	}
	if res, err := st.Search(ctx, store.SearchQuery{Text: "SONUÇLARI"}); err != nil || res.Total != 0 {
		t.Fatalf("before migration, search SONUÇLARI: total %d, %v; want 0, ı apart from i", res.Total, err)
	}
	st.Close()
	st = reopenInBatches(t, path, 3) // two batches, the last one short
	defer st.Close()
	checkTotals(t, st, "after migration", []searchCase{
		{store.SearchQuery{Text: "Йошкар"}, 1},
		{store.SearchQuery{Text: "Йошкар", Topic: "Russia"}, 1},
		{store.SearchQuery{Text: "SONUÇLARI"}, 1},
		{store.SearchQuery{Text: "isik"}, 1},
		{store.SearchQuery{Text: "isik", Public: true}, 0},
		{store.SearchQuery{Text: "senate", Topic: "Politics"}, 1},
		{store.SearchQuery{Text: "excerpt"}, 4},
	})
}

// reopenInBatches opens the store at path again, its migrations reading
// batch news records at a time.
func reopenInBatches(t *testing.T, path string, batch int) *Store {
	t.Helper()
	defer func(n int) { reindexBatch = n }(reindexBatch)
	reindexBatch = batch
	st, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// searchCase is a query and how many records it is to find.
type searchCase struct {
	q    store.SearchQuery
	want int
}

// checkTotals checks that each query finds as many records as it is to,
// when (such as after a migration).
func checkTotals(t *testing.T, st *Store, when string, tests []searchCase) {
	t.Helper()
	for _, tt := range tests {
		res, err := st.Search(context.Background(), tt.q)
		if err != nil || res.Total != tt.want || len(res.Hits) != tt.want {
			t.Errorf("%s, search %q (topic %q, public %v): total %d, %d hits, %v; want %d", when, tt.q.Text, tt.q.Topic, tt.q.Public, res.Total, len(res.Hits), err, tt.want)
		}
	}
}

func TestTopicListingUsesIndex(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	from, tcol, args := newsWhere(store.NewsQuery{Topic: "Election", PublishedOnly: true})
	lim, largs := limitOffset(30, 0)
	plan := queryPlan(t, st, `SELECT `+recordColumns+from+orderBy(store.ByTime, tcol)+lim, append(args, largs...)...)
	for _, step := range plan {
		if contains(step, "TEMP B-TREE") {
			t.Errorf("topic listing sorts instead of reading the index in order: %v", plan)
		}
	}
	if len(plan) == 0 || !contains(plan[0], "SEARCH t USING PRIMARY KEY (topic=?)") {
		t.Errorf("topic listing does not start from the topic's rows: %v", plan)
	}
}

// TestWithheldScanUsesItsIndex: the scan of the withheld news, which the
// newsletter's scheduler runs after every change of the store, finds its
// rows by their partial index, not by a walk through every record.
func TestWithheldScanUsesItsIndex(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	from, _, args := newsWhere(store.NewsQuery{Withheld: true})
	plan := queryPlan(t, st, sqlNewsEntry+` FROM records r WHERE r.id IN (SELECT r.id`+from+`) ORDER BY r.id`, args...)
	if !slices.ContainsFunc(plan, func(step string) bool { return contains(step, "INDEX records_withheld") }) {
		t.Errorf("the scan of the withheld news does not read their index: %v", plan)
	}
}

// queryPlan returns the steps of SQLite's plan for the query.
func queryPlan(t *testing.T, st *Store, query string, args ...any) []string {
	t.Helper()
	rows, err := st.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
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
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
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

// TestScanLinksListsWhatNewsLists checks that the links of a time span are
// those of the news records News lists for it, in the same order, with
// their stories and addresses.
func TestScanLinksListsWhatNewsLists(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	at := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	var recs []*model.Record
	for i := range 30 {
		a := &model.Article{Title: fmt.Sprint("Article ", i), PublishedDateTime: at.Add(time.Duration(i%10) * time.Hour),
			OriginalURL: fmt.Sprintf("https://example.com/a/%d?utm_source=x", i), Story: fmt.Sprintf("s-%d", i/3)}
		if i%2 == 0 {
			a.WebURL = fmt.Sprintf("https://example.com/amp/%d", i)
		}
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2021-03-01-a%02d.md", i), Kind: model.KindNews, Raw: []byte("x"), Article: a})
	}
	recs = append(recs, &model.Record{Path: "_people/p.md", Kind: model.KindPerson, Raw: []byte("x"), Person: &model.Person{}})
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	since, until := at.Add(2*time.Hour), at.Add(7*time.Hour)
	want, err := st.News(ctx, store.NewsQuery{Since: since, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	err = st.ScanLinks(ctx, since, until, func(path, story, orig, web string) error {
		got = append(got, path)
		r, err := st.Get(ctx, path)
		if err != nil {
			return err
		}
		if a := r.Article; story != a.Story || orig != a.OriginalURL || web != a.WebURL {
			t.Errorf("%s: link (%q, %q, %q), record (%q, %q, %q)", path, story, orig, web, a.Story, a.OriginalURL, a.WebURL)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(want) == 0 || !slices.Equal(got, paths(want)) {
		t.Errorf("ScanLinks lists %q, News %q", got, paths(want))
	}
}

func paths(recs []*model.Record) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.Path)
	}
	return out
}

// newsRecord is a news record at path with a title and topics.
func newsRecord(path, title string, topics ...string) *model.Record {
	return &model.Record{Path: path, Kind: model.KindNews, Raw: []byte("---\ntitle: " + title + "\n---\n"),
		Article: &model.Article{Title: title, Excerpt: "An excerpt.", Provider: model.Provider{Name: "Wire"},
			PublishedDateTime: time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC), Topics: topics}}
}

// TestTopicTokenMatchesStoredValue checks that a topic's token is made
// from the name as encoding/json stores it, which is what migration 0004
// reads.
func TestTopicTokenMatchesStoredValue(t *testing.T) {
	for _, name := range []string{"Election", `Joe "Biden"`, "Café & Société", "日本", "bad\xffutf8", "\xc3"} {
		stored, err := json.Marshal(name)
		if err != nil {
			t.Fatal(err)
		}
		var back string
		if err := json.Unmarshal(stored, &back); err != nil {
			t.Fatal(err)
		}
		if got, want := topicToken(name), "t"+hex.EncodeToString([]byte(back)); got != want {
			t.Errorf("topicToken(%q) = %s, want %s (from the stored %s)", name, got, want, stored)
		}
	}
}

// TestShared runs the checks of sharing a store on two handles of one
// database file, as two processes would open it.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		path := filepath.Join(t.TempDir(), "hub.db")
		return openPath(t, path), openPath(t, path)
	})
}

// TestIndexRowsHoldTheValuesText stores news whose words are awkward
// (quotes, control characters, NUL, invalid UTF-8) and checks that the
// topic rows hold the text as the stored JSON value does (each byte that
// is not UTF-8 made U+FFFD, the rest as it is), and that the full-text
// index holds what the same rows read from JSON, as migration 0004 reads
// them from the values, make of it.
func TestIndexRowsHoldTheValuesText(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	words := []string{
		"plain", `quote " and backslash \`, "tab\tnew line\ncarriage\rbell\a nul\x00 del\x7f",
		"<b>&amp;</b>", "ünïcødé ’quotes’ 🇺🇸", "bad \xff byte", "cut \xe2\x82", "\u2028 \u2029 \ufeff",
	}
	var rows [][]any // as JSON: [id, title, excerpt, provider, topics]
	for i, w := range words {
		r := newsRecord(fmt.Sprintf("_news/2026-01-01-%d.md", i), w, w)
		a := r.Article
		a.Excerpt, a.Provider.Name = w+" excerpt", w+" provider"
		if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
			t.Fatal(err)
		}
		var id int64
		var topic string
		err := st.r.QueryRowContext(ctx, `SELECT r.id, t.topic FROM records r JOIN record_topics t ON t.path = r.path
			WHERE r.path = ?`, r.Path).Scan(&id, &topic)
		if err != nil {
			t.Fatalf("%q: %v", w, err)
		}
		var want string // what the value holds: the JSON encoding read back
		b, _ := json.Marshal(w)
		if err := json.Unmarshal(b, &want); err != nil {
			t.Fatal(err)
		}
		if topic != want {
			t.Errorf("%q: topic row holds %q, the value %q", w, topic, want)
		}
		rows = append(rows, []any{id, a.Title, a.Excerpt, a.Provider.Name, topicTokens(a.Topics, false)})
	}
	ref, err := json.Marshal(rows)
	if err != nil {
		t.Fatal(err)
	}
	const tokenize = `tokenize = 'unicode61 remove_diacritics 2 categories ''L* N* Co M*'''`
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.ref USING fts5 (title, excerpt, provider, content = '', ` + tokenize + `)`,
		`CREATE VIRTUAL TABLE temp.ref_topics USING fts5 (topics, content = '', ` + tokenize + `)`,
		`CREATE VIRTUAL TABLE temp.got_terms USING fts5vocab(main, news_fts, instance)`,
		`CREATE VIRTUAL TABLE temp.ref_terms USING fts5vocab(temp, ref, instance)`,
		`CREATE VIRTUAL TABLE temp.got_topic_terms USING fts5vocab(main, news_topics, instance)`,
		`CREATE VIRTUAL TABLE temp.ref_topic_terms USING fts5vocab(temp, ref_topics, instance)`,
	} {
		if _, err := st.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{
		`INSERT INTO temp.ref (rowid, title, excerpt, provider)
			SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3 FROM json_each(?) j`,
		`INSERT INTO temp.ref_topics (rowid, topics) SELECT j.value ->> 0, j.value ->> 4 FROM json_each(?) j`,
	} {
		if _, err := st.w.ExecContext(ctx, q, ref); err != nil {
			t.Fatal(err)
		}
	}
	for _, tables := range [][2]string{{"got_terms", "ref_terms"}, {"got_topic_terms", "ref_topic_terms"}} {
		got, want := "temp."+tables[0], "temp."+tables[1]
		var differ, terms int
		err = st.w.QueryRowContext(ctx, `SELECT
			(SELECT count(*) FROM (SELECT * FROM `+got+` EXCEPT SELECT * FROM `+want+`)) +
			(SELECT count(*) FROM (SELECT * FROM `+want+` EXCEPT SELECT * FROM `+got+`)),
			(SELECT count(*) FROM `+got+`)`).Scan(&differ, &terms)
		if err != nil {
			t.Fatal(err)
		}
		if differ > 0 || terms == 0 {
			t.Errorf("%s: the full-text index differs from rows read from JSON in %d of %d term instances", tables[0], differ, terms)
		}
	}
}

func TestBulkConformance(t *testing.T) {
	storetest.RunBulk(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestCachesAreSizedAsTold checks the page cache of the writer and of the
// readers, each set apart.
func TestCachesAreSizedAsTold(t *testing.T) {
	for _, tt := range []struct {
		name           string
		opts           []Option
		writer, reader int64 // PRAGMA cache_size: negative KiB
	}{
		{"default", nil, -4096, -4096},
		{"writer 64 MiB", []Option{WriteCache(64 << 20)}, -65536, -4096},
		{"writer at least 1 MiB", []Option{WriteCache(0)}, -1024, -4096},
		{"readers 1 MiB", []Option{ReadCache(1 << 20)}, -4096, -1024},
		{"readers at least 1 MiB", []Option{ReadCache(0)}, -4096, -1024},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Open(context.Background(), filepath.Join(t.TempDir(), "newshub.db"), tt.opts...)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			for _, c := range []struct {
				who  string
				db   *sql.DB
				want int64
			}{{"writer", st.w, tt.writer}, {"readers", st.r, tt.reader}} {
				var got int64
				if err := c.db.QueryRow(`PRAGMA cache_size`).Scan(&got); err != nil {
					t.Fatal(err)
				}
				if got != c.want {
					t.Errorf("%s' cache_size = %d, want %d", c.who, got, c.want)
				}
			}
		})
	}
}

// Present tells a database file deleted or replaced under the open store,
// and is content again once the file opened is back at its path.
func TestPresentTellsTheFileGoneOrReplaced(t *testing.T) {
	path := filepath.Join(t.TempDir(), "newshub.db")
	st := openPath(t, path)
	defer st.Close()
	aside := path + ".aside"
	for _, step := range []struct {
		name string
		do   func() error
		want string // in the error; "" for none
	}{
		{"as opened", func() error { return nil }, ""},
		{"removed", func() error { return os.Rename(path, aside) }, "was removed"},
		{"another in its place", func() error { return os.WriteFile(path, nil, 0o644) }, "was replaced"},
		{"the one opened back", func() error { return os.Rename(aside, path) }, ""},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		err := st.Present()
		if step.want == "" && err != nil || step.want != "" && (err == nil || !strings.Contains(err.Error(), step.want)) {
			t.Errorf("%s: Present() = %v, want %q", step.name, err, step.want)
		}
	}
}

// TestTopicSearchReadsMatchesInOrder checks that a search within a topic
// reads the text's matches as the index yields them, the last stored
// first, testing each against the topic's rows, and sorts none of them
// before the rank limit stops it.
func TestTopicSearchReadsMatchesInOrder(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	for _, q := range []store.SearchQuery{{Text: "pier", Topic: "Harbor"}, {Text: "pier", Topic: "Harbor", Public: true}, {Text: "pier", Public: true}} {
		ph, err := store.ParseSearch(q.Text)
		if err != nil {
			t.Fatal(err)
		}
		from, args, _ := searchFrom(q, ftsQuery(ph))
		plan := queryPlan(t, st, newest(scored, from), append(args, 200)...)
		for _, step := range plan {
			if contains(step, "TEMP B-TREE") {
				t.Errorf("search in %q (public %v) sorts its matches before the rank limit: %v", q.Topic, q.Public, plan)
			}
		}
		if len(plan) == 0 || !contains(plan[0], "SCAN news_fts") {
			t.Errorf("search in %q (public %v) does not start from the text's matches: %v", q.Topic, q.Public, plan)
		}
	}
}
