package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store"
)

// sqlLease claims, in one statement, the wanted names that have no lease
// row, whose lease has expired or that the holder has already. Rows
// another transaction is claiming at the same moment are skipped rather
// than waited for (FOR UPDATE SKIP LOCKED), so workers asking for the same
// names never queue behind each other, and a name inserted meanwhile by
// another is left to it (ON CONFLICT DO NOTHING). Every part of the
// statement sees one snapshot: a name is either updated or inserted. Names
// are looked up by their digest, which the unique index holds
// (0015_long_source_urls.sql).
const sqlLease = `WITH want AS (
		SELECT DISTINCT unnest($2::text[]) AS name
	), free AS (
		SELECT l.name FROM leases l JOIN want w ON md5(l.name) = md5(w.name) AND l.name = w.name
		WHERE l.holder = $1 OR l.expires_at <= now()
		FOR UPDATE OF l SKIP LOCKED
	), renewed AS (
		UPDATE leases l SET holder = $1, expires_at = now() + $3 * interval '1 microsecond'
		FROM free WHERE md5(l.name) = md5(free.name) AND l.name = free.name
		RETURNING l.name
	), added AS (
		INSERT INTO leases (name, holder, expires_at)
		SELECT w.name, $1, now() + $3 * interval '1 microsecond' FROM want w
		WHERE NOT EXISTS (SELECT 1 FROM leases l WHERE md5(l.name) = md5(w.name) AND l.name = w.name)
		ON CONFLICT ((md5(name))) DO NOTHING
		RETURNING name
	)
	SELECT name FROM renewed UNION ALL SELECT name FROM added`

// Lease claims the free names for holder. It does not take the write
// lock: leases are rows of their own, claimed by row locks, and a worker
// asking for sources never waits for another's batch to be stored.
// Expiry is by the server's clock, which every machine sharing the hub
// shares. It names the schema this program knows, as writes do, and the
// database refuses it once a newer program migrated it: a worker that
// could store nothing it fetched takes no sources from the others
// (0030_older_leases.sql).
func (s *Store) Lease(ctx context.Context, holder string, ttl time.Duration, names ...string) ([]string, error) {
	if holder == "" {
		return nil, errors.New("lease: empty holder")
	}
	if len(names) == 0 {
		return nil, nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = text(n)
	}
	var claimed []string
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, s.sqlSchema()); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, sqlLease, text(holder), keys, ttl.Microseconds())
		if err != nil {
			return err
		}
		claimed, err = pgx.CollectRows(rows, pgx.RowTo[string])
		return err
	})
	if older := olderRefusal(err); older != nil {
		return nil, fmt.Errorf("lease: %w", older)
	}
	if err != nil {
		return nil, fmt.Errorf("lease: %w", lost(onPrimary(err)))
	}
	// In the order given, each once, as the caller named them.
	got := make([]string, 0, len(claimed))
	for i, n := range names {
		if slices.Contains(claimed, keys[i]) && !slices.Contains(got, n) {
			got = append(got, n)
		}
	}
	return got, nil
}

// Release deletes holder's leases on names.
func (s *Store) Release(ctx context.Context, holder string, names ...string) error {
	if len(names) == 0 {
		return nil
	}
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = text(n)
	}
	if _, err := s.pool.Exec(ctx, `DELETE FROM leases WHERE md5(name) IN (SELECT md5(n) FROM unnest($2::text[]) n)
		AND name = ANY($2) AND holder = $1`, text(holder), keys); err != nil {
		return fmt.Errorf("release: %w", lost(err))
	}
	return nil
}

// Exclusive runs fn holding the session advisory lock called name on a
// connection of its own: the server drops it if the process dies or the
// connection is lost, and fn's context is then cancelled. It is not the lock every write transaction takes,
// which fn's writes need in turn.
func (s *Store) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	key := s.space.lock(name)
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("exclusive %s: %w", name, lost(err))
	}
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		conn.Release()
		return fmt.Errorf("exclusive %s: %w", name, lost(err))
	}
	defer unlock(conn, key)
	return holding(ctx, conn, name, fn)
}

// notifyChannel is where each new generation is announced, by bump.
const notifyChannel = "newshub_generation"

// Reconnection of Watch after its connection is lost: the first attempt at
// once, then waiting longer each time up to watchRetryMax, so a restarted
// server is heard from again within about that long of taking connections.
const (
	watchRetryMin = 100 * time.Millisecond
	watchRetryMax = time.Second
)

// watchPing is how long a quiet watch waits before checking that its
// connection is alive, and watchPingAnswer how long it waits for the
// answer: a connection lost without a word (a network gone) would
// otherwise leave it waiting for ever.
const (
	watchPing       = 30 * time.Second
	watchPingAnswer = 10 * time.Second
)

// watchTimes are a store's watchPing and watchPingAnswer; zero for
// those. Tests shorten them.
type watchTimes struct{ ping, answer time.Duration }

func (s *Store) watchTimes() (ping, answer time.Duration) {
	return cmp.Or(s.watch.ping, watchPing), cmp.Or(s.watch.answer, watchPingAnswer)
}

// Watch listens for the notifications bump sends with every commit that
// changes the generation, on a connection of its own. When the connection
// is lost (a server restart) it connects again, and reads the generation
// once listening, so a change made meanwhile is reported too. On a hot
// standby, which refuses LISTEN, it reads the generation every second.
func (s *Store) Watch(ctx context.Context) <-chan int64 {
	feed := store.NewGenerationFeed()
	go func() {
		defer close(feed.C)
		wait := watchRetryMin
		for {
			if s.listen(ctx, feed) {
				wait = watchRetryMin
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(wait):
			}
			wait = min(2*wait, watchRetryMax)
		}
	}()
	return feed.C
}

// listen sends the generations a connection hears of until it fails or
// ctx is done, and reports whether it got as far as listening.
func (s *Store) listen(ctx context.Context, feed *store.GenerationFeed) bool {
	// Each exchange with the server is bounded, the connection's too: on
	// a network gone without a word, one would wait as long as the
	// system keeps sending (a quarter of an hour), the watch deaf.
	ping, answer := s.watchTimes()
	bounded := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, answer) }
	cctx, cancel := bounded()
	conn, err := pgx.ConnectConfig(cctx, s.pool.Config().ConnConfig.Copy())
	cancel()
	if err != nil {
		return false
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var standby bool
	rctx, cancel := bounded()
	err = conn.QueryRow(rctx, `SELECT pg_is_in_recovery()`).Scan(&standby)
	cancel()
	if err != nil {
		return false
	}
	if standby {
		pollStandby(ctx, conn, feed, bounded)
		return true
	}
	lctx, cancel := bounded()
	_, err = conn.Exec(lctx, `LISTEN `+s.space.channel)
	cancel()
	if err != nil {
		return false
	}
	for {
		// Read after LISTEN: a commit between the two is heard of twice,
		// never missed.
		var g int64
		qctx, cancel := bounded()
		err := conn.QueryRow(qctx, `SELECT value FROM generation WHERE id = 1`).Scan(&g)
		cancel()
		if err != nil {
			return true
		}
		feed.Send(g)
		for {
			wctx, cancel := context.WithTimeout(ctx, ping)
			n, err := conn.WaitForNotification(wctx)
			cancel()
			if err != nil {
				if ctx.Err() != nil || conn.IsClosed() {
					return true
				}
				break // quiet a while: check the connection and the generation
			}
			if g, err := strconv.ParseInt(n.Payload, 10, 64); err == nil {
				feed.Send(g)
			}
		}
	}
}

// standbyPoll is how often a watch of a standby reads the generation: the
// primary's notifications never reach a standby, which refuses LISTEN
// besides, and a server on a replica must still see a new generation
// within 2 s of the standby's having it.
const standbyPoll = time.Second

// pollStandby sends the generation a standby's connection reads, every
// standbyPoll, until the connection fails, ctx is done or the standby is
// promoted, when the watch connects again and listens.
func pollStandby(ctx context.Context, conn *pgx.Conn, feed *store.GenerationFeed, bounded func() (context.Context, context.CancelFunc)) {
	for {
		var (
			g       int64
			standby bool
		)
		qctx, cancel := bounded()
		err := conn.QueryRow(qctx, `SELECT value, pg_is_in_recovery() FROM generation WHERE id = 1`).Scan(&g, &standby)
		cancel()
		if err != nil {
			return
		}
		feed.Send(g)
		if !standby {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(standbyPoll):
		}
	}
}

// StoredPaths returns those of paths at which a record is stored, so a
// writer can tell which paths another process has taken since it looked.
func (s *Store) StoredPaths(ctx context.Context, paths []string) ([]string, error) {
	keys := make([]string, 0, len(paths))
	for _, p := range paths {
		if storablePath(p) { // no other path is stored
			keys = append(keys, p)
		}
	}
	if len(keys) == 0 {
		return nil, nil
	}
	rows, err := s.db.Query(ctx, `SELECT path FROM records WHERE path = `+anyKey, keys)
	if err != nil {
		return nil, fmt.Errorf("stored paths: %w", lost(err))
	}
	found, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("stored paths: %w", lost(err))
	}
	return found, nil
}
