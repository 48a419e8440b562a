package store

import (
	"fmt"

	"newshub/internal/model"
)

// Rows is what both stores' drivers return for a query: the part of it
// the loops shared by the stores read.
type Rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}

// EachRaw hands fn the path, kind and file bytes of each row of rows, which
// selects those three columns, for the stores' ScanRaw. The caller closes
// rows.
func EachRaw(rows Rows, fn func(path string, kind model.Kind, raw []byte) error) error {
	for rows.Next() {
		var (
			path, kind string
			raw        []byte
		)
		if err := rows.Scan(&path, &kind, &raw); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(path, model.Kind(kind), raw); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	return nil
}

// EachRecord hands fn each record decode reads from the current row of
// rows, with its value as stored, for the stores' ScanValues. The caller
// closes rows.
func EachRecord(rows Rows, decode func() (*model.Record, []byte, error), fn func(rec *model.Record, value []byte) error) error {
	for rows.Next() {
		rec, value, err := decode()
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if err := fn(rec, value); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("scan: %w", err)
	}
	return nil
}

// ValueKey returns the bytes by which a stored value (JSON, as the codec
// writes it, with no space after a key) holds the object key name. A
// quote inside a JSON string is escaped, so text hardly ever gives them;
// where it does, the record is read for nothing, as callers check what
// they read.
func ValueKey(name string) []byte {
	return []byte(`"` + name + `":`)
}
