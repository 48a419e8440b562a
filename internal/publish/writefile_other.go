//go:build !unix

package publish

import "os"

// writeFileTime is writeFile, and returns the file's modification time
// (unix nanoseconds).
func writeFileTime(name string, data []byte) (int64, error) {
	if err := writeFile(name, data); err != nil {
		return 0, err
	}
	fi, err := os.Lstat(name)
	if err != nil {
		return 0, err
	}
	return fi.ModTime().UnixNano(), nil
}

// writeFile creates name with data.
func writeFile(name string, data []byte) error {
	return os.WriteFile(name, data, 0o644)
}
