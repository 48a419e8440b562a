package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// space is what a hub's processes coordinate by beyond its tables: its
// advisory lock keys and the channel its generations are announced on.
// A database may hold several hubs, each in a schema its DSN puts first
// on the search path (search_path=hub_a), and locks and channels are the
// database's, not a schema's: hubs sharing them had a copy into one
// refused while another was copied, every write of one waiting out
// another's whole import, and a server taking another hub's generations
// for its own. The public schema's keep the keys and channel they always
// had, which processes of an earlier version of a hub there use.
type space struct {
	schema  string
	migrate int64 // schema changes
	write   int64 // every write transaction
	bulk    int64 // a running bulk load
	channel string
}

// spaceOf returns the space of the schema the pool's tables are in: the
// first of the search path that exists.
func spaceOf(ctx context.Context, pool *pgxpool.Pool) (space, error) {
	var schema *string
	if err := pool.QueryRow(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		return space{}, fmt.Errorf("schema: %w", err)
	}
	if schema == nil {
		return space{}, errNoSchema
	}
	return newSpace(*schema), nil
}

// errNoSchema says the search path names no schema that exists.
var errNoSchema = errors.New("no schema of the search path exists (search_path in the address, or the role's or database's setting): " +
	"create the schema the hub is to live in, or name one that exists")

func newSpace(schema string) space {
	if schema == "public" {
		return space{schema: schema, migrate: lockMigrate, write: lockWrite, bulk: lockBulk, channel: notifyChannel}
	}
	sp := space{schema: schema}
	// Named by a '/' no name of a caller's lock starts with.
	sp.migrate, sp.write, sp.bulk = sp.lock("/migrate"), sp.lock("/write"), sp.lock("/bulk")
	// A channel's name is at most 63 bytes, as a schema's is.
	sp.channel = fmt.Sprintf("%s_%016x", notifyChannel, uint64(sp.lock("/notify")))
	return sp
}

// lock returns the key of the advisory lock called name.
func (sp space) lock(name string) int64 {
	if sp.schema == "public" {
		return sp.key(name)
	}
	return sp.key(sp.schema + ":" + name)
}

// key hashes s into an advisory lock key, apart from the keys of the
// store's own locks in the public schema by its prefix.
func (sp space) key(s string) int64 {
	h := fnv.New64a()
	h.Write([]byte("newshub:" + s))
	return int64(h.Sum64())
}

// Identity names the hub the store holds whatever address reached it
// (localhost or 127.0.0.1, a socket, parameters in another order): the
// server's cluster, the database and the schema. A standby shares its
// primary's cluster, and holds the same hub.
func (s *Store) Identity(ctx context.Context) (string, error) {
	var (
		system int64
		db     uint32
	)
	err := s.db.QueryRow(ctx, `SELECT (SELECT system_identifier FROM pg_control_system()),
		(SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&system, &db)
	if err != nil {
		return "", fmt.Errorf("identity: %w", err)
	}
	return fmt.Sprintf("%d/%d/%s", system, db, s.space.schema), nil
}
