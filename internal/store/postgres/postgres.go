// Package postgres is the store for a hub that outgrows one machine:
// PostgreSQL through jackc/pgx.
//
// Records live in one table keyed by path, with the fields news listings
// sort and filter on copied into indexed columns; a topic page is one range
// of record_topics, and search is a tsvector with a GIN index (news_search).
// Every write takes one transaction-scoped advisory lock, so writers never
// interleave (the rows derived from a record are computed from the row it
// replaces, read in the same transaction), while readers, each query one
// snapshot, never wait for them.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
)

// Store is a store.Store kept in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
	// db is what the reads run their queries on: the pool, or the
	// connections of a snapshot (see Snapshot).
	db querier
	// bulk is the connection of a running bulk load, which every write
	// goes through meanwhile.
	bulk atomic.Pointer[pgxpool.Conn]
	// growth decides when the planner's statistics are refreshed.
	growth growth
	// watch times Watch's checks of a quiet connection (see watchTimes).
	watch watchTimes
	// space is the hub's locks and channel in its database.
	space space
	// lockTimeout is writeLockTimeout; zero for that. Tests shorten it.
	lockTimeout time.Duration
	// schema is the latest schema version this program knows, which its
	// writes name (see write).
	schema int
}

var _ store.Store = (*Store)(nil)

// IsDSN reports whether dsn names a PostgreSQL database.
func IsDSN(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to the database dsn names (a postgres:// URL) and brings
// its schema up to date.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		if unescapedPassword(dsn) {
			// The driver's message may quote the rest of the password.
			return nil, fmt.Errorf("postgres store %s: %w", Redact(dsn), errPasswordUnescaped)
		}
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if misread(dsn) {
		return nil, fmt.Errorf("postgres store %s: %w", Redact(dsn), errPasswordUnescaped)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		// Room for reads nested inside a Scan callback, as curation does.
		cfg.MaxConns = int32(max(8, 4*runtime.GOMAXPROCS(0)))
	} else if cfg.MaxConns < minConns {
		return nil, fmt.Errorf("postgres store %s: pool_max_conns=%d is too few: a process of the hub takes up to %d connections at once "+
			"(a lock held on one, a scan on another, reads inside the scan), and with fewer waits for one for ever: give at least %d",
			redact(cfg), cfg.MaxConns, minConns, minConns)
	}
	if !strings.Contains(dsn, "pool_max_conn_idle_time") {
		cfg.MaxConnIdleTime = connIdle
	}
	if !strings.Contains(dsn, "pool_health_check_period") {
		cfg.HealthCheckPeriod = connIdle / 4
	}
	cfg.ConnConfig.DialFunc = (&net.Dialer{Control: dialControl}).DialContext
	if !strings.Contains(dsn, "pool_ping_timeout") {
		cfg.PingTimeout = pingTimeout
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "newshub"
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["tcp_keepalives_idle"]; !ok {
		cfg.AfterConnect = keepalives
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres store %s: %w", redact(cfg), err)
	}
	ms, err := migrations()
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store: %w", err)
	}
	if err := migrate(ctx, pool, ms, defaultMigrateWait); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store %s: %w", redact(cfg), err)
	}
	sp, err := spaceOf(ctx, pool)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store %s: %w", redact(cfg), err)
	}
	if err := completeBulk(ctx, pool, sp); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store %s: finish an interrupted bulk load: %w", redact(cfg), err)
	}
	st := &Store{pool: pool, db: pool, space: sp, schema: ms[len(ms)-1].Version}
	if err := pool.QueryRow(ctx, sqlAnalyzedRows).Scan(&st.growth.analyzed); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres store %s: %w", redact(cfg), err)
	}
	return st, nil
}

// minConns is the fewest connections a process of the hub works with:
// a lock held on one (curation, an ingest turn), a scan on another, a
// read inside the scan on a third.
const minConns = 3

// connIdle is how long a connection of the pool may stand unused before
// it is closed (checked every quarter of that): the processes of a hub
// share the server's max_connections, and a burst of requests to one
// server left it holding its pool's connections idle for half an hour,
// pgx's default, while the others' rounds failed with "too many clients".
// A variable, which tests shorten.
var connIdle = time.Minute

// pingTimeout is how long the pool waits for a connection that was quiet
// a while to answer before it is used, before giving it up for another: on
// a network lost without a word (a fail-over, a firewall that forgot the
// connection) no answer comes, and the read waited as long as the system
// kept resending, a quarter of an hour. A variable, which tests shorten.
var pingTimeout = 3 * time.Second

// userTimeout is how long what a connection sends may go unacknowledged
// before the system gives the connection up: by default it resends for a
// quarter of an hour, and a query sent to a server that vanished (a
// fail-over, a network gone) waited as long, holding up serve's view or
// an ingest round. A minute leaves a slow but living server its time.
const userTimeout = time.Minute

// keepalives has the server probe a quiet session of this process after
// 30 s, every 10 s, and end it after 3 probes unanswered: a machine that
// died or left the network closes no connection, and by the systems'
// defaults (2 h, then 9 probes 75 s apart) the server would keep its
// sessions, with the curate lock or a write's lock one of them holds, and
// the hub's other workers would wait as long. Set once connected, rather
// than asked for at the start, which a pooler may refuse.
func keepalives(ctx context.Context, conn *pgx.Conn) error {
	_, err := conn.Exec(ctx, `SET tcp_keepalives_idle = 30; SET tcp_keepalives_interval = 10; SET tcp_keepalives_count = 3`)
	if err != nil {
		return fmt.Errorf("set keepalives: %w", err)
	}
	return nil
}

// redact names the database without its password, for messages.
func redact(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Close releases the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// ReadOnly reports whether the database refuses writes: a hot standby (a
// streaming replica), or a session whose transactions are read-only
// (default_transaction_read_only).
func (s *Store) ReadOnly(ctx context.Context) (bool, error) { return readOnly(ctx, s.pool) }

func readOnly(ctx context.Context, pool *pgxpool.Pool) (bool, error) {
	var ro bool
	if err := pool.QueryRow(ctx, `SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') = 'on'`).Scan(&ro); err != nil {
		return false, fmt.Errorf("read-only: %w", lost(err))
	}
	return ro, nil
}

// Generation returns the counter every write transaction bumps: one
// indexed row, cheap enough to poll.
func (s *Store) Generation(ctx context.Context) (int64, error) {
	var g int64
	if err := s.db.QueryRow(ctx, `SELECT value FROM generation WHERE id = 1`).Scan(&g); err != nil {
		return 0, fmt.Errorf("generation: %w", lost(err))
	}
	return g, nil
}

// Committed returns the generation with when it was committed.
func (s *Store) Committed(ctx context.Context) (store.Commit, error) {
	var (
		c     store.Commit
		prior *time.Time
	)
	if err := s.db.QueryRow(ctx, `SELECT value, committed, prior FROM generation WHERE id = 1`).Scan(&c.Generation, &c.At, &prior); err != nil {
		return store.Commit{}, fmt.Errorf("generation: %w", lost(err))
	}
	c.At = c.At.UTC()
	if prior != nil {
		c.Prior = prior.UTC()
	}
	return c, nil
}

// bump advances the generation inside a write transaction and announces
// the new one to watchers (Watch), which hear of it when the transaction
// commits, never before nor for a transaction rolled back. It comes last
// in the transaction, so writers queue on the counter's row only while
// they commit, and the server's clock read then is when it commits (or
// the time of the generation before, should that clock be set back).
func bump(ctx context.Context, tx pgx.Tx, channel string) error {
	if _, err := tx.Exec(ctx, `WITH g AS (UPDATE generation SET value = value + 1, prior = committed,
			committed = greatest(committed, clock_timestamp()) WHERE id = 1 RETURNING value)
		SELECT pg_notify($1, value::text) FROM g`, channel); err != nil {
		return fmt.Errorf("bump generation: %w", lost(err))
	}
	return nil
}

// planEachTime, given as a query's first argument, has the server plan it
// for the values of its arguments every time, for queries whose best plan
// depends on them: a common word's matches are best read backwards from
// the primary key, a rare word's from the GIN index, and a plan cached for
// one (a generic plan, which a prepared statement gets after five runs)
// can cost the other a scan of the whole table.
const planEachTime = pgx.QueryExecModeExec

// recordColumns are the columns decodeRow reads, in order.
const recordColumns = `r.path, r.kind, r.raw, r.value, r.version`

// recordColumnsNoRaw reads records without their file bytes (Raw nil).
const recordColumnsNoRaw = `r.path, r.kind, NULL::bytea, r.value, r.version`

// decodeValue decodes a stored value into rec's typed field: the one place
// values are read, beside encodeValue, the one place they are written.
func decodeValue(rec *model.Record, value []byte) error {
	return codec.Decode(rec, value)
}

// decodeRow reads one row of recordColumns into a Record, and returns the
// stored value too, valid until the next row is read.
func decodeRow(rows pgx.Rows, extra ...any) (*model.Record, []byte, error) {
	var (
		rec   model.Record
		kind  string
		value pgtype.DriverBytes // read in place: decoded, never kept
	)
	if err := rows.Scan(append([]any{&rec.Path, &kind, &rec.Raw, &value, &rec.Version}, extra...)...); err != nil {
		return nil, nil, err
	}
	rec.Kind = model.Kind(kind)
	if err := decodeValue(&rec, value); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", rec.Path, err)
	}
	return &rec, value, nil
}

// collect decodes every row of recordColumns and closes rows.
func collect(rows pgx.Rows) ([]*model.Record, error) {
	defer rows.Close()
	var recs []*model.Record
	for rows.Next() {
		rec, _, err := decodeRow(rows)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	return recs, rows.Err()
}

// Get returns the record at path, or store.ErrNotFound.
func (s *Store) Get(ctx context.Context, path string) (*model.Record, error) {
	if !storablePath(path) {
		return nil, fmt.Errorf("get %q: %w", path, store.ErrNotFound)
	}
	rows, err := s.db.Query(ctx, `SELECT `+recordColumns+` FROM records r WHERE r.path = $1`, path)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, lost(err))
	}
	recs, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", path, lost(err))
	}
	if len(recs) == 0 {
		return nil, fmt.Errorf("get %s: %w", path, store.ErrNotFound)
	}
	return recs[0], nil
}

// kindFilter returns a WHERE clause selecting kinds (empty: all) and its
// arguments.
func kindFilter(kinds []model.Kind) (string, []any) {
	if len(kinds) == 0 {
		return "", nil
	}
	names := make([]string, len(kinds))
	news := false
	for i, k := range kinds {
		names[i] = string(k)
		news = news || k == model.KindNews
	}
	where := ` WHERE r.kind = ANY($1)`
	if !news {
		where += ` AND r.kind <> 'news'` // lets records_kind serve the scan
	}
	return where, []any{names}
}

// Scan streams the records of the given kinds in path order, decoding each
// just before fn sees it.
func (s *Store) Scan(ctx context.Context, kinds []model.Kind, fn func(*model.Record) error) error {
	return s.ScanValues(ctx, kinds, func(rec *model.Record, _ []byte) error { return fn(rec) })
}

// ScanValues is Scan that also hands fn each record's value as stored,
// valid only during the call: a caller that wants to know whether it
// changes a record can compare against it without encoding it again.
func (s *Store) ScanValues(ctx context.Context, kinds []model.Kind, fn func(rec *model.Record, value []byte) error) error {
	where, args := kindFilter(kinds)
	return s.scanValues(ctx, where, args, fn)
}

// ScanHolding is Scan of the records whose value holds one of keys; the
// others are passed over by the server, not sent.
func (s *Store) ScanHolding(ctx context.Context, kinds []model.Kind, keys []string, fn func(*model.Record) error) error {
	if len(keys) == 0 {
		return nil
	}
	where, args := kindFilter(kinds)
	holds := make([]string, len(keys))
	for i, k := range keys {
		args = append(args, store.ValueKey(k))
		holds[i] = fmt.Sprintf(`position($%d::bytea IN r.value) > 0`, len(args))
	}
	cond := `(` + strings.Join(holds, ` OR `) + `)`
	if where == "" {
		where = ` WHERE ` + cond
	} else {
		where += ` AND ` + cond
	}
	return s.scanValues(ctx, where, args, func(rec *model.Record, _ []byte) error { return fn(rec) })
}

func (s *Store) scanValues(ctx context.Context, where string, args []any, fn func(rec *model.Record, value []byte) error) error {
	return s.stream(ctx, "scan", `SELECT `+recordColumns+` FROM records r`+where+` ORDER BY r.path`, args, func(rows pgx.Rows) error {
		return store.EachRecord(rows, func() (*model.Record, []byte, error) { return decodeRow(rows) }, fn)
	})
}

// ScanRaw streams path, kind and file bytes of the records of the given
// kinds in path order, without decoding values.
func (s *Store) ScanRaw(ctx context.Context, kinds []model.Kind, fn func(path string, kind model.Kind, raw []byte) error) error {
	where, args := kindFilter(kinds)
	return s.stream(ctx, "scan", `SELECT r.path, r.kind, r.raw FROM records r`+where+` ORDER BY r.path`, args, func(rows pgx.Rows) error {
		return store.EachRaw(rows, fn)
	})
}

// stream runs a query whose rows read hands to a caller's callback as they
// come, in a transaction of its own without a statement timeout: the
// server counts the time the callback takes over the rows as the
// statement's, and a timeout a DBA set for the role to stop runaway
// queries cancelled a scan of the whole store (curation, an export, a
// build) once the hub was large enough. read's error is returned as it is
// (a lost connection said so), the store's wrapped with what.
func (s *Store) stream(ctx context.Context, what, sql string, args []any, read func(pgx.Rows) error) error {
	tx, err := s.db.Begin(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", what, lost(err))
	}
	// Read-only: rolled back, which ends it as a commit would.
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
		return fmt.Errorf("%s: %w", what, lost(err))
	}
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, lost(err))
	}
	defer rows.Close()
	err = read(rows)
	if rerr := rows.Err(); rerr != nil && errors.Is(err, rerr) {
		// The rows' own error, not one of the callback's, which may be of
		// another connection than the database's.
		return lost(err)
	}
	return err
}

// Count returns the number of records of each kind present.
func (s *Store) Count(ctx context.Context) (map[model.Kind]int, error) {
	// Two halves, so each is counted from an index rather than the table.
	rows, err := s.db.Query(ctx, `SELECT 'news', count(*) FROM records WHERE kind = 'news'
		UNION ALL SELECT kind, count(*) FROM records WHERE kind <> 'news' GROUP BY kind`)
	if err != nil {
		return nil, fmt.Errorf("count: %w", lost(err))
	}
	counts := map[model.Kind]int{}
	var (
		kind string
		n    int
	)
	_, err = pgx.ForEachRow(rows, []any{&kind, &n}, func() error {
		if n > 0 {
			counts[model.Kind(kind)] = n
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count: %w", lost(err))
	}
	return counts, nil
}

// Text is s as the store keeps it as text (see text): what a copy into
// it is compared with.
func Text(s string) string { return text(s) }

// text makes s storable as PostgreSQL text, which holds only valid UTF-8
// without NUL: each invalid byte becomes U+FFFD (as encoding/json writes
// it in the value) and each NUL is dropped. Indexed copies of fields and
// the arguments that look them up go through it alike.
func text(s string) string {
	if utf8.ValidString(s) && strings.IndexByte(s, 0) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == 0 {
			return -1
		}
		return r
	}, s)
}

// nullText is text(s), or NULL for "".
func nullText(s string) *string {
	if s == "" {
		return nil
	}
	t := text(s)
	return &t
}

// errNoRows reports whether err says a query returned no row.
func errNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
