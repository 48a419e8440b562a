//go:build !unix

package importer

import "io/fs"

// readCapped reads a file of at most max bytes, with its permission bits.
func readCapped(name string, max int64) ([]byte, fs.FileMode, error) { return readFileOS(name, max) }
