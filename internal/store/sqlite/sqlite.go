// Package sqlite is the embedded store: SQLite through the pure-Go
// modernc.org/sqlite driver, in WAL mode.
package sqlite

import (
	"context"
	"errors"

	"newshub/internal/store"
)

// Open opens (creating it and its folder if needed) the database file at
// path and brings its schema up to date.
func Open(ctx context.Context, path string) (store.Store, error) {
	return nil, errors.New("sqlite store: not implemented yet")
}
