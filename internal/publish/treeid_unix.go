//go:build unix

package publish

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// treeID names the folder at out (not a link to one) by its device and
// inode: another folder put at the same path has another. It is "" when
// out is no folder.
func treeID(out string) string {
	fi, err := os.Lstat(out)
	if err != nil || !fi.IsDir() {
		return ""
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// mountPoint reports whether the folder out is on another file system
// than the folder above it, where a build's temporary tree goes.
func mountPoint(out string) bool {
	fi, err := os.Lstat(out)
	if err != nil || !fi.IsDir() {
		return false
	}
	pi, err := os.Stat(filepath.Dir(out))
	if err != nil {
		return false
	}
	a, ok := fi.Sys().(*syscall.Stat_t)
	b, ok2 := pi.Sys().(*syscall.Stat_t)
	return ok && ok2 && a.Dev != b.Dev
}
