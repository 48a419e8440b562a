package sqlite

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/store"
)

// AddUnreadPages records pages not read, and drops the oldest of each of
// their hosts past perHost (see store.Store.AddUnreadPages).
func (s *Store) AddUnreadPages(ctx context.Context, pages []store.UnreadPage, perHost int) (dropped int, err error) {
	if len(pages) == 0 {
		return 0, nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return 0, fmt.Errorf("add unread pages: %w", err)
	}
	defer s.endWrite(tx, &err)
	hosts := map[string]bool{}
	for _, p := range pages {
		hosts[p.Host] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO unread_pages (url, article, source, host, added) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (url) DO NOTHING`, p.URL, p.Article, p.Source, p.Host, p.Added.UnixMicro()); err != nil {
			return 0, fmt.Errorf("add unread page %s: %w", p.URL, err)
		}
	}
	for host := range hosts {
		res, err := tx.ExecContext(ctx, `DELETE FROM unread_pages WHERE host = ? AND url IN (
			SELECT url FROM unread_pages WHERE host = ? ORDER BY added DESC, url DESC LIMIT -1 OFFSET ?)`, host, host, perHost)
		if err != nil {
			return 0, fmt.Errorf("add unread pages: drop the oldest of %s: %w", host, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("add unread pages: %w", err)
		}
		dropped += int(n)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("add unread pages: %w", err)
	}
	return dropped, nil
}

// DeleteUnreadPages forgets the pages at urls.
func (s *Store) DeleteUnreadPages(ctx context.Context, urls ...string) (err error) {
	urls = distinct(urls)
	if len(urls) == 0 {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("delete unread pages: %w", err)
	}
	defer s.endWrite(tx, &err)
	for _, u := range urls {
		if _, err := tx.ExecContext(ctx, `DELETE FROM unread_pages WHERE url = ?`, u); err != nil {
			return fmt.Errorf("delete unread page %s: %w", u, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete unread pages: %w", err)
	}
	return nil
}

// UnreadPages returns the oldest perHost pages of each host.
func (s *Store) UnreadPages(ctx context.Context, perHost int) ([]store.UnreadPage, error) {
	rd, done, err := s.reads()
	if err != nil {
		return nil, fmt.Errorf("unread pages: %w", err)
	}
	defer done()
	rows, err := rd.db.QueryContext(ctx, `SELECT url, article, source, host, added FROM (
		SELECT *, row_number() OVER (PARTITION BY host ORDER BY added, url) AS n FROM unread_pages)
		WHERE n <= ? ORDER BY host, added, url`, perHost)
	if err != nil {
		return nil, fmt.Errorf("unread pages: %w", err)
	}
	defer rows.Close()
	var out []store.UnreadPage
	for rows.Next() {
		var (
			p     store.UnreadPage
			added int64
		)
		if err := rows.Scan(&p.URL, &p.Article, &p.Source, &p.Host, &added); err != nil {
			return nil, fmt.Errorf("unread pages: %w", err)
		}
		p.Added = time.UnixMicro(added).UTC()
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("unread pages: %w", err)
	}
	return out, nil
}
