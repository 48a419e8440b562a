//go:build unix

package importer

import (
	"fmt"
	"io/fs"
	"slices"
	"syscall"
)

// readCapped reads a file of at most max bytes, with its permission bits
// (which fstat gives anyway), with bare system calls:
// open, fstat, read into a buffer of the file's size, close. Through
// package os a file costs more besides (registering with the poller, a
// finalizer, a FileInfo), which adds up over the many small files of an
// import; readFileOS is the portable reader it must agree with.
func readCapped(name string, limit int64) ([]byte, fs.FileMode, error) {
	fd, err := retry(func() (int, error) { return syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0) })
	if err != nil {
		return nil, 0, readError(&fs.PathError{Op: "open", Path: name, Err: err})
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if _, err := retry(func() (int, error) { return 0, syscall.Fstat(fd, &st) }); err != nil {
		return nil, 0, readError(&fs.PathError{Op: "stat", Path: name, Err: err})
	}
	perm := fs.FileMode(st.Mode).Perm()
	if st.Size > limit {
		return nil, 0, fmt.Errorf("file of %d bytes is over the size cap of %d bytes (--max-size)", st.Size, limit)
	}
	// Sized for the file as fstat saw it, and one byte more to notice a
	// file that grew since. Exactly sized: the bytes are kept as the
	// record's.
	data := make([]byte, 0, st.Size+1)
	for {
		end := int(min(int64(cap(data)), limit+1))
		if len(data) == end {
			if int64(end) > limit {
				return nil, 0, fmt.Errorf("file is over the size cap of %d bytes (--max-size)", limit)
			}
			// The file grew: read on, one byte past the cap at most.
			data = slices.Grow(data, max(len(data), 512))
			end = int(min(int64(cap(data)), limit+1))
		}
		n, err := retry(func() (int, error) { return syscall.Read(fd, data[len(data):end]) })
		if err != nil {
			return nil, 0, readError(&fs.PathError{Op: "read", Path: name, Err: err})
		}
		if n == 0 {
			return data, perm, nil
		}
		data = data[:len(data)+n]
	}
}

// retry calls f again while a signal interrupts it.
func retry(f func() (int, error)) (int, error) {
	for {
		n, err := f()
		if err != syscall.EINTR {
			return n, err
		}
	}
}
