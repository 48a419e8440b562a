// Package contenttest reads a site folder into records for tests of the
// packages that consume them.
package contenttest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
)

// ReadSite parses every record file under dir (skipping api/ and hidden
// folders); a file that does not parse fails the test and is left out.
func ReadSite(t testing.TB, dir string) []*model.Record {
	t.Helper()
	var recs []*model.Record
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(strings.TrimPrefix(p, dir+string(filepath.Separator)))
		if d.IsDir() {
			if p != dir && (rel == "api" || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if _, ok := content.KindOf(rel); !ok {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		r, err := content.Parse(rel, data)
		if err != nil {
			t.Errorf("parse %s: %v", rel, err)
			return nil
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}
