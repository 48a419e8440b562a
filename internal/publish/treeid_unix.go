//go:build unix

package publish

import (
	"fmt"
	"os"
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
