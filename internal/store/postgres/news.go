package postgres

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store"
)

// params collects the arguments of a statement as it is written.
type params []any

// add appends v and returns its placeholder.
func (p *params) add(v any) string {
	*p = append(*p, v)
	return "$" + strconv.Itoa(len(*p))
}

// ArticleByURL returns the news record whose canonical URL, or else whose
// feed GUID, is key (the first by path of either).
func (s *Store) ArticleByURL(ctx context.Context, key string) (*model.Record, error) {
	if key != "" {
		rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM (
				(SELECT 0 AS pref, r.path FROM records r WHERE r.canonical_url = $1 AND r.kind = 'news' ORDER BY r.path LIMIT 1)
				UNION ALL
				(SELECT 1, r.path FROM records r WHERE r.guid = $1 AND r.kind = 'news' ORDER BY r.path LIMIT 1)
			) m JOIN records r ON r.path = m.path ORDER BY m.pref LIMIT 1`, text(key))
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", key, lost(err))
		}
		recs, err := collect(rows)
		if err != nil {
			return nil, fmt.Errorf("article %s: %w", key, lost(err))
		}
		if len(recs) > 0 {
			return recs[0], nil
		}
	}
	return nil, fmt.Errorf("article %s: %w", key, store.ErrNotFound)
}

// anyKey is what a look-up of many keys compares a column with: the text
// array $1, read through a subquery so that the planner sees no values.
// Planned for its values, a look-up of a few keys costs less than the
// generic plan, estimated for ten, and the server then planned it again
// at each run (each fetched feed's), which took it longer than running
// it; seen as any array, every run costs the same and the generic plan is
// kept after the fifth.
const anyKey = `ANY(ARRAY(SELECT unnest($1::text[])))`

// sqlArticlePaths finds the records of keys ($1), by canonical URL before
// GUID, then by path.
const sqlArticlePaths = `SELECT DISTINCT ON (k) k, path FROM (
		SELECT canonical_url AS k, path, 0 AS pref FROM records WHERE canonical_url = ` + anyKey + ` AND kind = 'news'
		UNION ALL
		SELECT guid, path, 1 FROM records WHERE guid = ` + anyKey + ` AND kind = 'news'
	) m ORDER BY k, pref, path`

// ArticlePaths looks up many keys at once: for each key that ArticleByURL
// would find, the path of the record it would return. Only paths are read,
// so checking a batch of arrivals for duplicates is one statement.
func (s *Store) ArticlePaths(ctx context.Context, keys []string) (map[string]string, error) {
	out, err := s.keyPaths(ctx, sqlArticlePaths, keys)
	if err != nil {
		return nil, fmt.Errorf("article paths: %w", err)
	}
	return out, nil
}

// keyPaths runs query, which selects a key and a path for the keys of its
// one parameter (their stored forms), and returns the path by key given.
func (s *Store) keyPaths(ctx context.Context, query string, keys []string) (map[string]string, error) {
	asked, forms := storedForms(keys)
	out := map[string]string{}
	if len(forms) == 0 {
		return out, nil
	}
	rows, err := s.db.Query(ctx, query, forms)
	if err != nil {
		return nil, lost(err)
	}
	var k, p string
	_, err = pgx.ForEachRow(rows, []any{&k, &p}, func() error {
		for _, key := range asked[k] {
			out[key] = p
		}
		return nil
	})
	if err != nil {
		return nil, lost(err)
	}
	return out, nil
}

// storedForms returns, for keys, their stored forms (see text), once
// each, and the keys given by stored form; "" is left out.
func storedForms(keys []string) (asked map[string][]string, forms []string) {
	asked = map[string][]string{}
	for _, k := range keys {
		if k == "" {
			continue
		}
		t := text(k)
		if _, ok := asked[t]; !ok {
			forms = append(forms, t)
		}
		asked[t] = append(asked[t], k)
	}
	return asked, forms
}

// ScanLinks calls fn with the path, story and addresses (original and web
// URL) of each news record published in [since, until), in the order of
// News by time, without decoding values: enough to tell which stored
// articles a batch of arrivals links to.
func (s *Store) ScanLinks(ctx context.Context, since, until time.Time, fn func(path, story, originalURL, webURL string) error) error {
	var args params
	from, tcol := newsWhere(store.NewsQuery{Since: since, Until: until}, &args)
	return s.stream(ctx, "links", `SELECT r.path, coalesce(r.story, ''), coalesce(r.original_url, ''), coalesce(r.web_url, '')`+
		from+orderBy(store.ByTime, tcol), args, func(rows pgx.Rows) error {
		var path, story, orig, web string
		_, err := pgx.ForEachRow(rows, []any{&path, &story, &orig, &web}, func() error {
			return fn(path, story, orig, web)
		})
		if err != nil {
			return fmt.Errorf("links: %w", err)
		}
		return nil
	})
}

// newsWhere writes the FROM and WHERE clauses of q. With a topic listed by
// time the rows come from record_topics in (topic, time) index order; in
// other orders the records' topics are tested (see records_news_topics).
// tcol is the table whose time and path columns the ordering should use.
func newsWhere(q store.NewsQuery, args *params) (from string, tcol string) {
	var b strings.Builder
	tcol = "r"
	switch {
	case q.Topic != "" && q.Story == "" && q.Order == store.ByTime:
		tcol = "t"
		b.WriteString(` FROM record_topics t JOIN records r ON r.path = t.path WHERE t.topic = ` + args.add(text(q.Topic)) + ` AND r.kind = 'news'`)
	case q.Topic != "":
		b.WriteString(` FROM records r WHERE r.kind = 'news' AND r.topics @> ARRAY[` + args.add(text(q.Topic)) + `]`)
	default:
		b.WriteString(` FROM records r WHERE r.kind = 'news'`)
	}
	if q.Story != "" {
		b.WriteString(` AND r.story = ` + args.add(text(q.Story)))
	}
	if q.PublishedOnly {
		b.WriteString(` AND r.published`)
	}
	if q.Unpublished {
		b.WriteString(` AND NOT coalesce(r.published, false)`)
	}
	if q.Public {
		b.WriteString(` AND r.withheld IS NULL`)
	}
	if q.Withheld {
		b.WriteString(` AND r.withheld IS NOT NULL`)
	}
	if !q.StoryActiveSince.IsZero() {
		b.WriteString(` AND r.story IN (SELECT a.story FROM records a WHERE a.kind = 'news' AND a.published_at >= ` +
			args.add(q.StoryActiveSince.UnixMicro()) + ` AND a.story IS NOT NULL)`)
	}
	if !q.PinnedAt.IsZero() {
		b.WriteString(` AND r.pinned_until > ` + args.add(q.PinnedAt.UnixMicro()))
	}
	// Written out, not bound, so that a generic plan can read current news
	// through its own index (records_news_current).
	switch {
	case q.Archived == nil:
	case *q.Archived:
		b.WriteString(` AND r.archived`)
	default:
		b.WriteString(` AND NOT r.archived`)
	}
	if !q.Since.IsZero() {
		b.WriteString(` AND ` + tcol + `.published_at >= ` + args.add(q.Since.UnixMicro()))
	}
	if !q.Until.IsZero() {
		b.WriteString(` AND ` + tcol + `.published_at < ` + args.add(q.Until.UnixMicro()))
	}
	return b.String(), tcol
}

// orderBy is the ORDER BY clause of a listing; every order ends in path
// so pages are stable.
func orderBy(o store.Order, tcol string) string {
	switch o {
	case store.ByHeat:
		return ` ORDER BY r.heat DESC, r.published_at DESC, r.path`
	case store.ByQuality:
		return ` ORDER BY r.quality DESC, r.published_at ASC, r.path`
	case store.ByStorage:
		return ` ORDER BY r.id`
	default:
		return ` ORDER BY ` + tcol + `.published_at DESC, ` + tcol + `.path`
	}
}

// limitOffset writes the LIMIT clause of a page; limit 0 (or less) means
// no limit.
func limitOffset(limit, offset int, args *params) string {
	var lim *int64
	if limit > 0 {
		lim = new(int64(limit))
	}
	return ` LIMIT ` + args.add(lim) + ` OFFSET ` + args.add(int64(max(offset, 0)))
}

// News lists the news records q selects, in q's order. The rows are
// decoded as they arrive, so a listing of the whole hub is one statement
// streamed.
func (s *Store) News(ctx context.Context, q store.NewsQuery) ([]*model.Record, error) {
	if q.Order < store.ByTime || q.Order > store.ByStorage {
		return nil, fmt.Errorf("news: unknown order %d", q.Order)
	}
	var args params
	from, tcol := newsWhere(q, &args)
	cols := recordColumns
	if q.NoRaw {
		cols = recordColumnsNoRaw
	}
	rows, err := s.db.Query(ctx, `SELECT `+cols+from+orderBy(q.Order, tcol)+limitOffset(q.Limit, q.Offset, &args),
		append([]any{planEachTime}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("news: %w", lost(err))
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("news: %w", lost(err))
	}
	return recs, nil
}

// CountNews counts the news records q selects.
func (s *Store) CountNews(ctx context.Context, q store.NewsQuery) (int, error) {
	var args params
	from, _ := newsWhere(q, &args)
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*)`+from, append([]any{planEachTime}, args...)...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count news: %w", lost(err))
	}
	return n, nil
}

// Story returns a story's records: the lead (published) first, then by
// quality descending, earliest first among equals.
func (s *Store) Story(ctx context.Context, id string) ([]*model.Record, error) {
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM records r
		WHERE r.story = $1 AND r.kind = 'news'
		ORDER BY r.published DESC, r.quality DESC, r.published_at ASC, r.path`, text(id))
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, lost(err))
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("story %s: %w", id, lost(err))
	}
	return recs, nil
}
