package postgres

import (
	"context"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5"
)

// The planner chooses its plans from each table's statistics, which
// autovacuum refreshes only after its nap (a minute by default) and then
// only when a tenth of the table changed. A hub that grows from nothing
// in its first rounds (or a few hundred articles a minute on a small
// one) is planned meanwhile from statistics that say it holds no news:
// the key look-ups of each fetched feed then walk every news row through
// a news-only index, and their cost grows with the store (5.7 s of the
// server's 8.2 s of CPU for three workers storing 10,000 articles).
// The store therefore analyzes the tables it grew itself once its writes
// since the last analysis reach analyzeBase plus analyzeShare of the rows
// analyzed then, without the wait.
//
// These analyses are a stopgap, kept cheap, beside autovacuum's, which
// they do not replace: they name their columns, and PostgreSQL then
// leaves autovacuum's count of changed rows as it was. They sample 300 x
// analyzeTarget rows rather than the server's default 30,000, enough to
// tell news from the rest and how many rows a key finds.
const (
	analyzeBase   = 500
	analyzeShare  = 0.2
	analyzeTarget = 10
)

// sqlAnalyze analyzes the tables writes grow, skipping a table another
// analysis holds (autovacuum's, another process's) rather than waiting
// with a write's caller. It leaves out the two columns no statement
// filters or sorts by, a record's file and value: compressed and often
// stored out of line, they would be decompressed for statistics nothing
// reads (analyzing records took 2.4–3.1 s with them, 0.25–0.42 s without,
// at 100,000 records).
const sqlAnalyze = `ANALYZE (SKIP_LOCKED) records (id, path, kind, canonical_url, guid, story, published, published_at,
	heat, quality, archived, original_url, web_url, topics, search_key, version, withheld, pinned_until),
	record_topics, news_search`

// sqlAnalyzedRows reads how many rows of records the last analysis (by
// this store or autovacuum) found: -1 when none ran yet.
const sqlAnalyzedRows = `SELECT reltuples FROM pg_class WHERE oid = 'records'::regclass`

// growth counts the rows this process wrote since it last analyzed.
type growth struct {
	mu       sync.Mutex
	written  int64   // rows written since the last analysis
	analyzed float64 // rows the last analysis found; -1 when unknown
	running  bool
}

// wrote records n rows written by a committed transaction and, once they
// call for it, analyzes the tables. One analysis runs at a time; writes
// meanwhile count toward the next.
func (s *Store) wrote(ctx context.Context, n int) {
	g := &s.growth
	g.mu.Lock()
	g.written += int64(n)
	due := !g.running && float64(g.written) >= analyzeBase+analyzeShare*max(g.analyzed, 0)
	if due {
		g.running, g.written = true, 0
	}
	g.mu.Unlock()
	if !due {
		return
	}
	rows, ok := s.analyze(ctx)
	g.mu.Lock()
	g.running = false
	if ok {
		g.analyzed = rows
	}
	g.mu.Unlock()
}

// analyzed restarts the count of rows written from the rows the last
// analysis found (after a bulk load's).
func (s *Store) analyzed(ctx context.Context) {
	var rows float64
	if err := s.pool.QueryRow(ctx, sqlAnalyzedRows).Scan(&rows); err != nil {
		return // the count goes on: an analysis comes sooner, that is all
	}
	g := &s.growth
	g.mu.Lock()
	g.analyzed, g.written = rows, 0
	g.mu.Unlock()
}

// analyze refreshes the planner's statistics of the tables writes grow
// and returns the rows of records it found. It is best effort:
// statistics only steer plans, so a failure (a cancelled context) leaves
// the write it follows as it was, and autovacuum still refreshes them in
// time. (A role that does not own the tables gets a warning from the
// server, not an error, and the tables stay as autovacuum left them.)
func (s *Store) analyze(ctx context.Context) (rows float64, ok bool) {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL default_statistics_target = `+strconv.Itoa(analyzeTarget)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlAnalyze)
		return err
	})
	if err != nil {
		return 0, false
	}
	if err := s.pool.QueryRow(ctx, sqlAnalyzedRows).Scan(&rows); err != nil {
		return 0, false
	}
	return rows, true
}
