package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// readOwn reads the JSON file rel of newshub's own folder of the imported
// site (what export writes beside the records) into v, and reports
// whether it did. A folder without it is not at fault; a file that does
// not read is rejected, naming its line, what it holds (what) and what
// the import goes without (lost): the records are imported all the same.
func (imp *importer) readOwn(rel, what, lost string, v any) bool {
	abs := filepath.Join(imp.src, filepath.FromSlash(rel))
	data, err := os.ReadFile(abs)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	ref := fileRef{rel: rel, abs: abs}
	if err != nil {
		imp.reject(ref, 0, readError(err))
		return false
	}
	if err := json.Unmarshal(data, v); err != nil {
		imp.reject(ref, jsonLine(data, err), fmt.Errorf("%s: %v; %s", what, err, lost))
		return false
	}
	return true
}

// jsonLine returns the line of data at which encoding/json found err, or
// 0 when err says no place.
func jsonLine(data []byte, err error) int {
	var off int64
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		off = se.Offset
	case errors.As(err, &te):
		off = te.Offset
	default:
		return 0
	}
	return bytes.Count(data[:min(int(off), len(data))], []byte("\n")) + 1
}
