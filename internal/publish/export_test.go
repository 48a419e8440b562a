package publish

import (
	"testing"

	"newshub/internal/store"
)

// For the tests of package publish_test, which build the website too
// (package web imports this one).
var (
	GenStoreIn = genStoreIn
	GenOptions = genOptions
)

// StoreCase is one of stores.
type StoreCase struct {
	Name string
	Open func(t *testing.T) store.Store
}

// StoreCases returns stores.
func StoreCases() []StoreCase {
	out := make([]StoreCase, len(stores))
	for i, s := range stores {
		out[i] = StoreCase{s.name, s.open}
	}
	return out
}
