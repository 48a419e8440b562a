//go:build unix

package publish

import (
	"os"
	"syscall"
)

// openNoFollow opens a file for reading, failing where name is a link.
func openNoFollow(name string) (*os.File, error) {
	return os.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
}
