//go:build !unix

package sqlite

import (
	"fmt"

	"newshub/internal/store"
)

// lockBulk refuses where no file lock tells a running load from one that
// died: such a store loads as usual.
func lockBulk(marker string) (func(remove bool), error) {
	return nil, fmt.Errorf("%w: no file locks on this system", store.ErrNoBulk)
}
