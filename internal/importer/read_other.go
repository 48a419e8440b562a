//go:build !unix

package importer

// readCapped reads a file of at most max bytes.
func readCapped(name string, max int64) ([]byte, error) { return readFileOS(name, max) }
