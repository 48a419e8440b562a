package postgres

import (
	"context"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestEachIndexOfRecordsServesAQuery keeps the indexes of records to
// those a query of the store reads through: each news write pays for
// every one of them. Each index is named with a query it serves, whose
// plan must use it (sequential scans are turned off, so that the plan of a
// small table shows which index the query can use), and an index no query
// is named for fails the test (records_news_heat, which the newsletter's
// one listing by heat, of one day, did not need, cost every write).
func TestEachIndexOfRecordsServesAQuery(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	// A hub's shape, as the planner sees it: a few records of other kinds,
	// news of many stories and topics over days, few of them pinned or
	// withheld. (Bare rows, the quickest way to many: only plans are read.)
	_, err := st.pool.Exec(ctx, `INSERT INTO records (path, kind, raw, value, canonical_url, guid, story, published,
			published_at, archived, topics, withheld, pinned_until)
		SELECT '_news/' || i || '.md', 'news', '', '', 'https://example.com/' || i, 'guid-' || i, 's' || (i / 3), i % 20 <> 0,
			1598745600000000 + i::bigint * 60000000, i < 2000, ARRAY['t' || (i % 50)],
			CASE WHEN i % 500 = 0 THEN 'spam' END, CASE WHEN i % 700 = 0 THEN 1598745600000000 + i END
		FROM generate_series(1, 3000) i
		UNION ALL
		SELECT '_data/topics/' || i || '.yaml', 'topic', ''::bytea, ''::bytea, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
		FROM generate_series(1, 50) i`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, `ANALYZE records`); err != nil {
		t.Fatal(err)
	}
	conn, err := st.pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET enable_seqscan = off`); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `RESET enable_seqscan`)
	now := time.Date(2020, 8, 30, 0, 0, 0, 0, time.UTC)
	listing := func(q store.NewsQuery) (string, []any) {
		var args params
		from, tcol := newsWhere(q, &args)
		return `SELECT r.path` + from + orderBy(q.Order, tcol) + limitOffset(q.Limit, q.Offset, &args), args
	}
	kinds, kindArgs := kindFilter([]model.Kind{model.KindTopic})
	uses := map[string]struct {
		query string
		args  []any
	}{
		"records_pkey":          {`SELECT r.path FROM records r WHERE r.id = $1`, []any{1}},
		"records_path_key":      {`SELECT path FROM records WHERE path = ` + anyKey, []any{[]string{"_news/a.md"}}},
		"records_canonical_url": {sqlArticlePaths, []any{[]string{"https://example.com/a"}}},
		"records_guid":          {sqlArticlePaths, []any{[]string{"https://example.com/a"}}},
		"records_kind":          {`SELECT r.path FROM records r` + kinds + ` ORDER BY r.path`, kindArgs},
		"records_story":         {`SELECT r.path FROM records r WHERE r.story = $1 AND r.kind = 'news'`, []any{"s7"}},
	}
	for name, q := range map[string]store.NewsQuery{
		"records_news_time":    {Order: store.ByTime, Limit: 100},
		"records_news_current": {Archived: new(false), Order: store.ByTime, Limit: 100},
		"records_news_topics":  {Topic: "t7", Order: store.ByStorage},
		"records_pinned":       {PinnedAt: now, Order: store.ByStorage},
		"records_unpublished":  {Unpublished: true, Order: store.ByStorage},
		"records_withheld":     {Withheld: true, Order: store.ByStorage},
	} {
		sql, args := listing(q)
		uses[name] = struct {
			query string
			args  []any
		}{sql, args}
	}
	rows, err := conn.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'records'`)
	if err != nil {
		t.Fatal(err)
	}
	have, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(have)
	if want := slices.Sorted(maps.Keys(uses)); !slices.Equal(have, want) {
		t.Errorf("records has the indexes %v, want those queries use: %v", have, want)
	}
	for _, name := range have {
		use, ok := uses[name]
		if !ok {
			continue
		}
		rows, err := conn.Query(ctx, `EXPLAIN `+use.query, use.args...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		plan, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, " "+name+" ") {
			t.Errorf("the query that needs %s is planned without it:\n%s\n%s", name, use.query, p)
		}
	}
}
