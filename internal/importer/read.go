package importer

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// readFileOS reads a file of at most max bytes through package os, with
// its permission bits: the portable readCapped.
func readFileOS(name string, max int64) ([]byte, fs.FileMode, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, readError(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, readError(err)
	}
	perm := fi.Mode().Perm()
	if fi.Size() > max {
		return nil, 0, fmt.Errorf("file of %d bytes is over the size cap of %d bytes (--max-size)", fi.Size(), max)
	}
	// Sized for the file as Stat saw it, and one byte more to notice a file
	// that grew since. Exactly sized: the bytes are kept as the record's.
	data := make([]byte, fi.Size()+1)
	n, err := io.ReadFull(f, data)
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF: // the whole file
		return data[:n], perm, nil
	case err != nil:
		return nil, 0, readError(err)
	}
	// The file grew: read on, one byte past the cap at most.
	rest, err := io.ReadAll(io.LimitReader(f, max+1-int64(n)))
	if err != nil {
		return nil, 0, readError(err)
	}
	if data = append(data, rest...); int64(len(data)) > max {
		return nil, 0, fmt.Errorf("file is over the size cap of %d bytes (--max-size)", max)
	}
	return data, perm, nil
}
