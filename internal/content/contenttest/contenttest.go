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
// folders), in walk order; a file that does not parse fails the test and
// is left out.
func ReadSite(t testing.TB, dir string) []*model.Record {
	t.Helper()
	var recs []*model.Record
	walkSite(t, dir, func(rel string, data []byte) {
		r, err := content.Parse(rel, data)
		if err != nil {
			t.Errorf("parse %s: %v", rel, err)
			return
		}
		recs = append(recs, r)
	})
	return recs
}

// SiteFiles returns the bytes of every record file under dir (skipping
// api/ and hidden folders) by site path.
func SiteFiles(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	walkSite(t, dir, func(rel string, data []byte) { files[rel] = data })
	return files
}

// walkSite calls fn with the site path and bytes of each record file.
func walkSite(t testing.TB, dir string, fn func(rel string, data []byte)) {
	t.Helper()
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
		fn(rel, data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
