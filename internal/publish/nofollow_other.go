//go:build !unix

package publish

import (
	"errors"
	"os"
)

// openNoFollow opens a file for reading, failing where name is a link.
func openNoFollow(name string) (*os.File, error) {
	fi, err := os.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New(name + ": not a regular file")
	}
	return os.Open(name)
}
