// Package codec turns a record's typed value into the JSON a store keeps
// beside the record's file bytes, and back. Stores (store/sqlite, and the
// PostgreSQL store to come) use it so that every store keeps the same
// value for a record and reads it back the same way, and so that callers
// comparing a record with what is stored (curate) encode as the store does.
//
// Decoding news, the bulk of every hub, takes a hand-written fast path
// that reads exactly what Encode writes for an article and leaves anything
// else to encoding/json; tests hold the two to the same result.
package codec

import (
	"encoding/json"
	"fmt"

	"newshub/internal/model"
)

// Encode returns the JSON of the record's typed value, the one matching
// its kind; a record without one is an error.
func Encode(r *model.Record) ([]byte, error) {
	value, err := r.MarshalValue()
	if err != nil {
		return nil, err
	}
	if string(value) == "null" { // a typed nil pointer for its kind
		return nil, fmt.Errorf("record %s: no value for kind %q", r.Path, r.Kind)
	}
	return value, nil
}

// Decode reads data, from Encode, into the typed field of r that matches
// r.Kind, replacing what it held.
func Decode(r *model.Record, data []byte) error {
	if !r.NewValue() {
		return fmt.Errorf("record %s: unknown kind %q", r.Path, r.Kind)
	}
	if r.Kind == model.KindNews {
		if decodeArticle(data, r.Article) == nil {
			return nil
		}
		r.NewValue() // what the fast path filled is not to be trusted
	}
	if err := json.Unmarshal(data, r.Value()); err != nil {
		return fmt.Errorf("record %s: decode value: %w", r.Path, err)
	}
	return nil
}
