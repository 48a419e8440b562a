//go:build unix

package publish

import (
	"io/fs"
	"syscall"

	"golang.org/x/sys/unix"
)

// writeFile creates name with data, as os.WriteFile does with mode 0644,
// in three system calls: an os.File would also set the descriptor
// non-blocking and offer it to the poller, which refuses regular files,
// on each of a build's hundreds of thousands of files.
func writeFile(name string, data []byte) error {
	_, err := writeFileTime(name, data)
	return err
}

// writeFileTime is writeFile, and returns the file's modification time
// (unix nanoseconds), asked of the open file before it is closed.
func writeFileTime(name string, data []byte) (int64, error) {
	fd, err := ignoringEINTR(func() (int, error) {
		return syscall.Open(name, syscall.O_WRONLY|syscall.O_CREAT|syscall.O_TRUNC|syscall.O_CLOEXEC, 0o644)
	})
	if err != nil {
		return 0, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	for len(data) > 0 {
		n, err := ignoringEINTR(func() (int, error) { return syscall.Write(fd, data) })
		if err != nil {
			syscall.Close(fd)
			return 0, &fs.PathError{Op: "write", Path: name, Err: err}
		}
		data = data[n:]
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		syscall.Close(fd)
		return 0, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if err := syscall.Close(fd); err != nil {
		return 0, &fs.PathError{Op: "close", Path: name, Err: err}
	}
	return st.Mtim.Nano(), nil
}

func ignoringEINTR(fn func() (int, error)) (int, error) {
	for {
		n, err := fn()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
