package web

import (
	"io/fs"
	"syscall"
)

// changeTime is when a file's bytes or attributes last changed, which no
// one can set back (unlike its modification time); false when unknown.
func changeTime(fi fs.FileInfo) (int64, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano(), true
	}
	return 0, false
}
