//go:build !linux

package publish

import "errors"

// exchange cannot swap two paths in one step on this system.
func exchange(a, b string) error { return errors.ErrUnsupported }

// exchangeable tells that exchange cannot work on this system.
const exchangeable = false
