package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"newshub/internal/filelock"
	"newshub/internal/store"
)

// Lease claims the free names for holder in one write transaction: SQLite
// has one writer at a time, so two handles or processes never both find a
// name free. Expiry is by this machine's clock, which every process sharing
// the file shares. A lease expiring further ahead than the life it was
// taken for was taken before the clock was set back (NTP stepping a clock
// that ran ahead): it has expired, else its source would wait as long as
// the clock was ahead, and every round for it.
func (s *Store) Lease(ctx context.Context, holder string, ttl time.Duration, names ...string) (got []string, err error) {
	if holder == "" {
		return nil, errors.New("lease: empty holder")
	}
	names = distinct(names)
	if len(names) == 0 {
		return nil, nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return nil, fmt.Errorf("lease: %w", err)
	}
	defer s.endWrite(tx, &err)
	// Now is read holding the write lock, so that no lease committed
	// before it was taken later by this machine's clock.
	now := time.Now()
	// A name is claimed when it has no row, its lease has expired (or was
	// taken further ahead of now than clocks may be apart: before the
	// clock was set back), or holder has it already; otherwise the
	// update's condition fails and the statement changes nothing.
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO leases (name, holder, expires, life) VALUES (?1, ?2, ?3, ?4)
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires = excluded.expires, life = excluded.life
		WHERE leases.holder = excluded.holder OR leases.expires <= ?5
			OR (leases.life > 0 AND leases.expires - leases.life > ?6)`)
	if err != nil {
		return nil, fmt.Errorf("lease: %w", err)
	}
	defer stmt.Close()
	for _, name := range names {
		res, err := stmt.ExecContext(ctx, name, holder, now.Add(ttl).UnixMicro(), ttl.Microseconds(), now.UnixMicro(),
			now.Add(store.ClockSkew).UnixMicro())
		if err != nil {
			return nil, fmt.Errorf("lease %s: %w", name, err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return nil, fmt.Errorf("lease %s: %w", name, err)
		} else if n > 0 {
			got = append(got, name)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("lease: %w", err)
	}
	return got, nil
}

// Release deletes holder's leases on names.
func (s *Store) Release(ctx context.Context, holder string, names ...string) (err error) {
	names = distinct(names)
	if len(names) == 0 {
		return nil
	}
	tx, err := s.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	defer s.endWrite(tx, &err)
	stmt, err := tx.PrepareContext(ctx, `DELETE FROM leases WHERE name = ? AND holder = ?`)
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	defer stmt.Close()
	for _, name := range names {
		if _, err := stmt.ExecContext(ctx, name, holder); err != nil {
			return fmt.Errorf("release %s: %w", name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return nil
}

// distinct returns names without repeats, in their first order.
func distinct(names []string) []string {
	seen := make(map[string]bool, len(names))
	return slices.DeleteFunc(slices.Clone(names), func(n string) bool {
		if seen[n] {
			return true
		}
		seen[n] = true
		return false
	})
}

// Exclusive runs fn holding an exclusive lock on a file beside the
// database (hub.db.NAME-lock), which the kernel releases if the process
// dies. SQLite's own lock cannot serve: it is held only for a transaction,
// and a read-compute-write cycle spans several.
func (s *Store) Exclusive(ctx context.Context, name string, fn func(ctx context.Context) error) error {
	if !lockName(name) {
		return fmt.Errorf("exclusive %q: a lock name is lower-case letters, digits and '-'", name)
	}
	path := s.path + "." + name + "-lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("exclusive %s: %w", name, err)
	}
	// flock cannot be interrupted by ctx: it waits in a goroutine that,
	// when the caller has given up, lets the lock go as soon as it gets it.
	locked := make(chan error, 1)
	go func() { locked <- filelock.Lock(f) }()
	select {
	case err := <-locked:
		if err != nil {
			f.Close()
			return fmt.Errorf("exclusive %s: %w", name, err)
		}
	case <-ctx.Done():
		go func() { <-locked; f.Close() }()
		return fmt.Errorf("exclusive %s: %w", name, ctx.Err())
	}
	defer f.Close() // closing the file releases the lock
	return fn(ctx)
}

// lockName reports whether name can be part of a lock file's name.
func lockName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !('a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// watchEvery is how often Watch reads the generation: one indexed row of a
// reader connection, a few microseconds.
const watchEvery = 250 * time.Millisecond

// Watch polls the generation, the change of which every writer of the file
// commits with its data.
func (s *Store) Watch(ctx context.Context) <-chan int64 {
	feed := store.NewGenerationFeed()
	go func() {
		defer close(feed.C)
		t := time.NewTicker(watchEvery)
		defer t.Stop()
		for {
			if g, err := s.Generation(ctx); err == nil {
				feed.Send(g)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return feed.C
}

// StoredPaths returns those of paths at which a record is stored, so a
// writer can tell which paths another process has taken since it looked.
func (s *Store) StoredPaths(ctx context.Context, paths []string) ([]string, error) {
	found, err := s.pathsIn(ctx, `SELECT path FROM records WHERE path IN `+inList, paths)
	if err != nil {
		return nil, fmt.Errorf("stored paths: %w", err)
	}
	return found, nil
}

// pathsIn runs query, which selects the paths it finds of those of its
// one parameter (a JSON list, see lookUp), over paths.
func (s *Store) pathsIn(ctx context.Context, query string, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, nil
	}
	rd, done, err := s.reads()
	if err != nil {
		return nil, err
	}
	defer done()
	var found []string
	err = lookUp(ctx, rd.db, query, paths, func(rows *sql.Rows) error {
		var p string
		err := rows.Scan(&p)
		found = append(found, p)
		return err
	})
	return found, err
}

// lookupChunk is how many keys one look-up through a JSON list binds. A
// batch's 50,000 paths in one list are megabytes of text, which SQLite
// parses and indexes in regions of several MiB that its allocator keeps
// mapped for reuse once the query is done (16 MB of an ingest round's
// resident memory, measured); lists of this size reuse small regions.
const lookupChunk = 1000

// hexList is keys as a JSON list of their bytes in hex, for a look-up
// through json_each: JSON would read a key that is not UTF-8 (a file
// named in Latin-1) as another, stored at none.
func hexList(keys []string) (string, error) {
	hexed := make([]string, len(keys))
	for i, k := range keys {
		hexed[i] = hex.EncodeToString([]byte(k))
	}
	list, err := json.Marshal(hexed)
	return string(list), err
}

// inList is the keys of a look-up's JSON list (see hexList), for IN.
const inList = `(SELECT CAST(unhex(value) AS TEXT) FROM json_each(?))`

// lookUp runs query, whose one parameter is a JSON list of keys (see
// hexList), over keys lookupChunk at a time, and calls fn with each row.
func lookUp(ctx context.Context, db querier, query string, keys []string, fn func(*sql.Rows) error) error {
	for part := range slices.Chunk(keys, lookupChunk) {
		list, err := hexList(part)
		if err != nil {
			return err
		}
		rows, err := db.QueryContext(ctx, query, list)
		if err != nil {
			return err
		}
		for err == nil && rows.Next() {
			err = fn(rows)
		}
		if err == nil {
			err = rows.Err()
		}
		rows.Close()
		if err != nil {
			return err
		}
	}
	return nil
}
