package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/store"
)

// rankWeights are ts_rank's weights of the document's labels {D, C, B, A}:
// a word in the title (A) counts most, then the excerpt (B), then the
// publisher's name (C), in the proportions SQLite's bm25 weights use.
const rankWeights = `'{0, 0.2, 0.4, 1.0}'`

// searchText returns the words of s as the search document holds them:
// the runs of letters, digits and marks that a query's words are, runs of
// CJK text as their pairs of characters (see store.SearchWords),
// case-folded, with the accents of Latin letters removed (as SQLite's
// tokenizer removes them), joined by spaces. PostgreSQL's parser then finds exactly these words, whatever
// punctuation the text had: "covid-19" and "example.com" are two words
// each, as in SQLite.
func searchText(s string) string {
	words := store.SearchWords(s)
	for i, w := range words {
		words[i] = fold(w)
	}
	return strings.Join(words, " ")
}

// fold folds the case of a word, as Unicode's simple case folding does (so
// final sigma is sigma), and removes the accents of its Latin letters, as
// SQLite's tokenizer does.
func fold(w string) string {
	ascii := true
	for i := 0; i < len(w); i++ {
		ascii = ascii && w[i] < 0x80
	}
	if ascii {
		return strings.ToLower(w)
	}
	var (
		b     strings.Builder
		latin bool // the last letter was Latin
	)
	for _, r := range norm.NFD.String(w) {
		if unicode.Is(unicode.Mn, r) {
			if latin {
				continue
			}
		} else {
			latin = unicode.Is(unicode.Latin, r)
		}
		b.WriteRune(unicode.ToLower(unicode.ToUpper(r)))
	}
	return norm.NFC.String(b.String())
}

// tsquery writes the text-search query of parsed phrases: every phrase
// must match, but those to leave out, which must not. Plain words and
// phrases go to websearch_to_tsquery, each quoted, so nothing the user
// typed is read as its syntax (OR, -); prefix terms, which that syntax
// lacks, go to to_tsquery as quoted lexemes with :*. Words hold only
// letters, digits and marks, never a quote.
func tsquery(phrases []store.Phrase, args *params) string {
	var parts []string
	for _, p := range phrases {
		if p.Not {
			parts = append(parts, "!!"+termsQuery([]store.Phrase{p}, args))
		}
	}
	pos := slices.DeleteFunc(slices.Clone(phrases), func(p store.Phrase) bool { return p.Not })
	return "(" + strings.Join(append([]string{termsQuery(pos, args)}, parts...), " && ") + ")"
}

// termsQuery writes the query that matches every one of phrases.
func termsQuery(phrases []store.Phrase, args *params) string {
	var plain, prefix []string
	for _, p := range phrases {
		words := make([]string, len(p.Words))
		for i, w := range p.Words {
			words[i] = fold(w)
		}
		if !p.Prefix {
			plain = append(plain, `"`+strings.Join(words, " ")+`"`)
			continue
		}
		for i, w := range words {
			words[i] = `'` + w + `'`
		}
		prefix = append(prefix, strings.Join(words, " <-> ")+":*")
	}
	var parts []string
	if len(plain) > 0 {
		parts = append(parts, `websearch_to_tsquery('simple', `+args.add(strings.Join(plain, " "))+`)`)
	}
	if len(prefix) > 0 {
		parts = append(parts, `to_tsquery('simple', `+args.add(strings.Join(prefix, " & "))+`)`)
	}
	return "(" + strings.Join(parts, " && ") + ")"
}

// Search runs a full-text query over news titles, excerpts and publishers,
// best match first, within q's topic and time range, in one statement (one
// snapshot, so the total and the page agree).
//
// The topic and time filters are columns of the narrow news_search rows,
// so the total is always exact (never Capped). Ranking reads each ranked
// document, so only the RankLimit matches stored last (the highest ids)
// are ranked.
func (s *Store) Search(ctx context.Context, q store.SearchQuery) (store.SearchResult, error) {
	phrases, err := store.ParseSearch(q.Text)
	if err != nil {
		return store.SearchResult{}, err
	}
	var args params
	query := tsquery(phrases, &args)
	where := `s.doc @@ ` + query
	if q.Topic != "" {
		where += ` AND s.topics @> ARRAY[` + args.add(text(q.Topic)) + `]`
	}
	if q.Public {
		where += ` AND NOT s.withheld`
	}
	if !q.Since.IsZero() {
		where += ` AND s.published_at >= ` + args.add(q.Since.UnixMicro())
	}
	if !q.Until.IsZero() {
		where += ` AND s.published_at < ` + args.add(q.Until.UnixMicro())
	}
	limit := q.RankLimitOf()
	var rankLimit *int64
	if limit >= 0 {
		rankLimit = new(int64(limit))
	}
	// One row always: the count, with the page's records (NULL when the
	// page is empty) joined to it. The matches are read once (from the GIN
	// index, or the table for a word most documents hold); each ranked
	// one's document is then looked up by its key, a plan that holds
	// whatever the planner knows of the table. Equal matches come the last
	// stored first, the newest, as in SQLite.
	sql := `WITH matches AS MATERIALIZED (
			SELECT s.id FROM news_search s WHERE ` + where + `
		), page AS (
			SELECT m.id, ts_rank(` + rankWeights + `, (SELECT s.doc FROM news_search s WHERE s.id = m.id), ` + query + `) AS score
			FROM (SELECT id FROM matches ORDER BY id DESC LIMIT ` + args.add(rankLimit) + `) m
			ORDER BY score DESC, m.id DESC` + limitOffset(q.Limit, q.Offset, &args) + `
		)
		SELECT ` + recordColumns + `, c.n FROM (SELECT count(*) AS n FROM matches) c
		LEFT JOIN (page p JOIN records r ON r.id = p.id) ON true
		ORDER BY p.score DESC, p.id DESC`
	rows, err := s.db.Query(ctx, sql, append([]any{planEachTime}, args...)...)
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, lost(err))
	}
	var res store.SearchResult
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var (
				path *string
				n    int
			)
			if rows.RawValues()[0] == nil { // the empty page's row
				if err := rows.Scan(&path, nil, nil, nil, nil, &n); err != nil {
					return err
				}
				res.Total = n
				continue
			}
			rec, _, err := decodeRow(rows, &n)
			if err != nil {
				return err
			}
			res.Total = n
			res.Hits = append(res.Hits, rec)
		}
		return rows.Err()
	}()
	if err != nil {
		return store.SearchResult{}, fmt.Errorf("search %q: %w", q.Text, lost(err))
	}
	res.Ranked = res.Total
	if limit >= 0 {
		res.Ranked = min(res.Total, limit)
	}
	return res, nil
}
