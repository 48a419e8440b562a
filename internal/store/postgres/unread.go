package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// AddUnreadPages records pages not read, and drops the oldest of each of
// their hosts past perHost (see store.Store.AddUnreadPages).
func (s *Store) AddUnreadPages(ctx context.Context, pages []store.UnreadPage, perHost int) (int, error) {
	if len(pages) == 0 {
		return 0, nil
	}
	var (
		urls, articles, sources, hosts = make([]string, len(pages)), make([]string, len(pages)), make([]string, len(pages)), make([]string, len(pages))
		added                          = make([]time.Time, len(pages))
	)
	for i, p := range pages {
		urls[i], articles[i], sources[i], hosts[i] = text(p.URL), text(p.Article), text(p.Source), text(p.Host)
		added[i] = p.Added.Truncate(time.Microsecond)
	}
	var dropped int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// In the addresses' order: workers of a hub add pages of one
		// host at once, and rows locked in another order deadlock.
		if _, err := tx.Exec(ctx, `INSERT INTO unread_pages (url, article, source, host, added)
			SELECT u, a, s, h, t FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS p(u, a, s, h, t)
			ORDER BY u COLLATE "C"
			ON CONFLICT (md5(url)) DO NOTHING`, urls, articles, sources, hosts, added); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM unread_pages WHERE md5(url) IN (
			SELECT md5(url) FROM (
				SELECT url, row_number() OVER (PARTITION BY host ORDER BY added DESC, url DESC) AS n
				FROM unread_pages WHERE host = ANY($1)) AS o
			WHERE n > $2)`, hosts, perHost)
		dropped = int(tag.RowsAffected())
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("add unread pages: %w", lost(err))
	}
	return dropped, nil
}

// DeleteUnreadPages forgets the pages at urls.
func (s *Store) DeleteUnreadPages(ctx context.Context, urls ...string) error {
	if len(urls) == 0 {
		return nil
	}
	keys := make([]string, len(urls))
	for i, u := range urls {
		keys[i] = text(u)
	}
	_, err := s.pool.Exec(ctx, `DELETE FROM unread_pages WHERE md5(url) IN (SELECT md5(u) FROM unnest($1::text[]) u)
		AND url = ANY($1)`, keys)
	if err != nil {
		return fmt.Errorf("delete unread pages: %w", lost(err))
	}
	return nil
}

// UnreadPages returns the oldest perHost pages of each host.
func (s *Store) UnreadPages(ctx context.Context, perHost int) ([]store.UnreadPage, error) {
	rows, err := s.db.Query(ctx, `SELECT url, article, source, host, added FROM (
		SELECT *, row_number() OVER (PARTITION BY host ORDER BY added, url) AS n FROM unread_pages) AS o
		WHERE n <= $1 ORDER BY host, added, url`, perHost)
	if err != nil {
		return nil, fmt.Errorf("unread pages: %w", lost(err))
	}
	var (
		out []store.UnreadPage
		p   store.UnreadPage
	)
	_, err = pgx.ForEachRow(rows, []any{&p.URL, &p.Article, &p.Source, &p.Host, &p.Added}, func() error {
		p.Added = p.Added.UTC()
		out = append(out, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("unread pages: %w", lost(err))
	}
	return out, nil
}
