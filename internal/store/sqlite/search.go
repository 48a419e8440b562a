package sqlite

import (
	"context"
	"fmt"
	"strings"

	"newshub/internal/store"
)

// bm25 column weights: a word in the title counts most, then the excerpt,
// then the publisher's name.
const rankExpr = `bm25(news_fts, 10.0, 4.0, 2.0)`

// ftsQuery renders parsed phrases as an FTS5 query. Every word is quoted,
// so nothing the user typed is read as FTS5 syntax; phrases are ANDed.
func ftsQuery(phrases []store.Phrase) string {
	var b strings.Builder
	for i, p := range phrases {
		if i > 0 {
			b.WriteByte(' ')
		}
		// Words hold only letters, digits and marks, never a quote.
		b.WriteString(`"` + strings.Join(p.Words, " ") + `"`)
		if p.Prefix {
			b.WriteByte('*')
		}
	}
	return b.String()
}

// Search runs a full-text query over news titles, excerpts and publishers,
// best match first, within q's topic and time range.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchResult, error) {
	phrases, err := store.ParseSearch(q.Text)
	if err != nil {
		return store.SearchResult{}, err
	}
	match := ftsQuery(phrases)
	var (
		filter string
		fargs  []any
	)
	if q.Topic != "" {
		filter += ` AND EXISTS (SELECT 1 FROM record_topics t WHERE t.topic = ? AND t.published_at = r.published_at AND t.path = r.path)`
		fargs = append(fargs, q.Topic)
	}
	if !q.Since.IsZero() {
		filter += ` AND r.published_at >= ?`
		fargs = append(fargs, q.Since.UnixMicro())
	}
	if !q.Until.IsZero() {
		filter += ` AND r.published_at < ?`
		fargs = append(fargs, q.Until.UnixMicro())
	}
	lim, largs := limitOffset(q.Limit, q.Offset)

	// Without filters, the count and the ranking come from the full-text
	// index alone and only the page's records are read; with filters every
	// match is joined to its record to be tested.
	var countSQL, pageSQL string
	var countArgs, pageArgs []any
	if filter == "" {
		countSQL = `SELECT count(*) FROM news_fts WHERE news_fts MATCH ?`
		countArgs = []any{match}
		pageSQL = `SELECT ` + recordColumns + ` FROM (SELECT rowid AS id, ` + rankExpr + ` AS score FROM news_fts
			WHERE news_fts MATCH ? ORDER BY score, rowid` + lim + `) f
			JOIN records r ON r.id = f.id ORDER BY f.score, f.id`
		pageArgs = append([]any{match}, largs...)
	} else {
		from := ` FROM news_fts JOIN records r ON r.id = news_fts.rowid WHERE news_fts MATCH ?` + filter
		countSQL = `SELECT count(*)` + from
		countArgs = append([]any{match}, fargs...)
		pageSQL = `SELECT ` + recordColumns + from + ` ORDER BY ` + rankExpr + `, r.id` + lim
		pageArgs = append(append([]any{match}, fargs...), largs...)
	}

	// One read transaction, so the total and the page agree.
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search: %w", err)
	}
	defer tx.Rollback()
	var res store.SearchResult
	if err := tx.QueryRowContext(ctx, countSQL, countArgs...).Scan(&res.Total); err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	rows, err := tx.QueryContext(ctx, pageSQL, pageArgs...)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	if res.Hits, err = collect(rows); err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, err)
	}
	return res, nil
}
