package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"newshub/internal/model"
	"newshub/internal/store"
)

// bm25 column weights: a word in the title counts most, then the excerpt,
// then the publisher's name. The topics are in a table of their own
// (news_topics): bm25 reads a row's length as all its columns' tokens.
const rankExpr = `bm25(news_fts, 10.0, 4.0, 2.0)`

// ftsQuery renders parsed phrases as an FTS5 query over the text columns.
// Every word is quoted, so nothing the user typed is read as FTS5 syntax;
// phrases are ANDed, and those to leave out follow NOT (which binds
// tighter than AND).
func ftsQuery(phrases []store.Phrase) string {
	var b strings.Builder
	b.WriteString(`{title excerpt provider} : (`)
	first := true
	for _, p := range phrases {
		if p.Not {
			continue
		}
		if !first {
			b.WriteByte(' ')
		}
		first = false
		writePhrase(&b, p)
	}
	b.WriteByte(')')
	for _, p := range phrases {
		if p.Not {
			b.WriteString(` NOT {title excerpt provider} : `)
			writePhrase(&b, p)
		}
	}
	return b.String()
}

// topicsFilter returns the condition on a match's rowid that keeps it
// within topic when it is not empty, leaving out withheld records when
// public, and the FTS5 query of news_topics it binds; "" when there is
// none. One lookup of the topic's token finds its rows, as a token of the
// text's index did; the + keeps the rowid test a filter of the matches,
// which the index still yields the last stored first, where as a
// constraint SQLite would look each of the topic's rows up and sort.
func topicsFilter(topic string, public bool) (cond, match string) {
	switch {
	case topic != "" && public:
		return `+news_fts.rowid IN`, `"` + topicToken(topic) + `" NOT "` + withheldToken + `"`
	case topic != "":
		return `+news_fts.rowid IN`, `"` + topicToken(topic) + `"`
	case public:
		return `+news_fts.rowid NOT IN`, `"` + withheldToken + `"`
	}
	return "", ""
}

// writePhrase writes p as a quoted FTS5 phrase. Words hold only letters,
// digits and marks, never a quote.
func writePhrase(b *strings.Builder, p store.Phrase) {
	b.WriteString(`"` + strings.Join(p.Words, " ") + `"`)
	if p.Prefix {
		b.WriteByte('*')
	}
}

// Search runs a full-text query over news titles, excerpts and publishers,
// best match first, within q's topic and time range.
//
// Ranking is what a broad query costs: bm25 reads each match's column
// sizes. So the matches ranked are the ones stored last (the highest ids,
// which the index yields first), up to q's rank limit. The topic is a
// token of a full-text index (news_topics); only a time range is tested
// match by match.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchResult, error) {
	phrases, err := store.ParseSearch(q.Text)
	if err != nil {
		return store.SearchResult{}, err
	}
	from, args, filtered := searchFrom(q, ftsQuery(phrases))
	limit := q.RankLimitOf()
	lim, largs := limitOffset(q.Limit, q.Offset)

	rd, done, err := s.reads()
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	defer done()
	// One read transaction, so the total and the page agree.
	tx, end, err := rd.readTx(ctx)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	defer end()
	var res store.SearchResult
	if filtered {
		res, err = searchFiltered(ctx, tx, from, args, lim, largs, limit)
	} else {
		res, err = searchIndex(ctx, tx, from, args, lim, largs, limit)
	}
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return res, nil
}

// newest selects cols of the matches, the last stored first, up to a
// LIMIT given as the last argument.
func newest(cols, from string) string {
	return `SELECT ` + cols + from + ` ORDER BY news_fts.rowid DESC LIMIT ?`
}

// scored are the columns of a ranked match.
const scored = `news_fts.rowid AS id, ` + rankExpr + ` AS score`

// pageOf selects the records of the page lim of ranked (id, score, extra),
// best first, with the extra column after the record's. Equal matches (news
// reports of one shape score alike) come the last stored first, the newest
// a reader looks for.
func pageOf(ranked, extra, lim string) string {
	cols := recordColumns
	if extra != "" {
		cols += ", p." + extra
		extra = ", " + extra
	}
	return `SELECT ` + cols + ` FROM (SELECT id, score` + extra + ` FROM (` + ranked + `) ORDER BY score, id DESC` + lim + `)
		p JOIN records r ON r.id = p.id ORDER BY p.score, p.id DESC`
}

// with returns args followed by more, leaving args as it was.
func with(args []any, more ...any) []any { return append(args[:len(args):len(args)], more...) }

// searchIndex answers a search the full-text index alone decides, which
// also counts its matches cheaply.
func searchIndex(ctx context.Context, tx querier, from string, args []any, lim string, largs []any, limit int) (store.SearchResult, error) {
	var res store.SearchResult
	if err := tx.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&res.Total); err != nil {
		return res, err
	}
	res.Ranked = res.Total
	if limit >= 0 {
		res.Ranked = min(res.Total, limit)
	}
	var err error
	res.Hits, err = queryRecords(ctx, tx, pageOf(newest(scored, from), "", lim), with(with(args, limit), largs...))
	return res, err
}

// searchFiltered answers a search whose filter (a time range) must be
// tested on every match: the statement that ranks the matches stored last
// also counts them, one past the rank limit, and past the limit the older
// matches are not counted (Capped), which would cost as much as the ranking
// again.
func searchFiltered(ctx context.Context, tx querier, from string, args []any, lim string, largs []any, limit int) (store.SearchResult, error) {
	probe, keep := -1, math.MaxInt64 // every match, when all are ranked
	if limit >= 0 {
		probe, keep = limit+1, limit
	}
	// The one past the limit (the oldest, lowest id) is counted, not ranked.
	ranked := `SELECT id, score, n FROM (
			SELECT id, score, count(*) OVER () AS n, min(id) OVER () AS low FROM (` + newest(scored, from) + `))
		WHERE n <= ? OR id <> low`
	rows, err := tx.QueryContext(ctx, pageOf(ranked, "n", lim), with(with(args, probe, keep), largs...)...)
	if err != nil {
		return store.SearchResult{}, err
	}
	n := -1
	hits, err := collectWith(rows, &n)
	if err != nil {
		return store.SearchResult{}, err
	}
	if n < 0 { // a page past the end has no row to carry the count
		err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (`+newest(`news_fts.rowid`, from)+`)`, with(args, probe)...).Scan(&n)
		if err != nil {
			return store.SearchResult{}, err
		}
	}
	res := store.SearchResult{Total: n, Ranked: n, Hits: hits}
	if limit >= 0 && n > limit {
		res.Total, res.Ranked, res.Capped = limit, limit, true
	}
	return res, nil
}

// queryRecords runs a query of recordColumns and decodes its rows.
func queryRecords(ctx context.Context, tx querier, query string, args []any) ([]*model.Record, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return collect(rows)
}

// searchFrom returns the FROM and WHERE of the matches of q: the full-text
// match, within the rows news_topics finds for the topic, joined to the
// covering index when the time range needs the record's time.
func searchFrom(q store.SearchQuery, match string) (from string, args []any, filtered bool) {
	args = []any{match}
	var topics, filter string
	if cond, m := topicsFilter(q.Topic, q.Public); cond != "" {
		topics = ` AND ` + cond + ` (SELECT rowid FROM news_topics WHERE news_topics MATCH ?)`
		args = append(args, m)
	}
	if !q.Since.IsZero() {
		filter += ` AND r.published_at >= ?`
		args = append(args, q.Since.UnixMicro())
	}
	if !q.Until.IsZero() {
		filter += ` AND r.published_at < ?`
		args = append(args, q.Until.UnixMicro())
	}
	if filter == "" {
		return ` FROM news_fts WHERE news_fts MATCH ?` + topics, args, false
	}
	return ` FROM news_fts JOIN records r INDEXED BY records_news_id ON r.id = news_fts.rowid
		WHERE news_fts MATCH ?` + topics + ` AND r.kind = 'news'` + filter, args, true
}

// collectWith is collect for rows that end with extra columns, scanned
// into extra from every row.
func collectWith(rows *sql.Rows, extra ...any) ([]*model.Record, error) {
	defer rows.Close()
	var recs []*model.Record
	for rows.Next() {
		rec, err := decodeRow(extraScanner{rows, extra})
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, rows.Err()
}

// extraScanner scans a row's leading columns into what decodeRow asks for
// and the rest into extra.
type extraScanner struct {
	sc    scanner
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.sc.Scan(append(dest, e.extra...)...) }
