package web

import (
	"io/fs"
	"syscall"
)

// changeTime is when a file's bytes or attributes last changed, which no
// one can set back (unlike its modification time); 0 when unknown.
func changeTime(fi fs.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ctim.Nano()
	}
	return 0
}
