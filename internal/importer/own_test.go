package importer

import (
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
)

// TestImportRejectsADamagedFileOfItsOwnNamingTheLine damages, one at a
// time, each file export writes beside the records: the import rejects
// it naming the line where it does not read and what goes without it,
// and imports the records all the same.
func TestImportRejectsADamagedFileOfItsOwnNamingTheLine(t *testing.T) {
	tests := []struct {
		rel, data string
		line      int
		lost      string
	}{
		{ValuesPath, "{\n  \"_news/a.md\": {},\n  oops\n}\n", 3, "the records are imported without them"},
		{ValuesPath, "{\n  \"_news/a.md\": 5\n}\n", 2, "the records are imported without them"},
		{PurgedPath, "[\n{\"key\": \"https://example.org/a\"},\n{\"key\": }\n]\n", 3, "they are not kept"},
		{SourcesPath, "{\n  \"states\": [\n    {\"url\": 7}\n  ]\n}\n", 3, "they are fetched as new"},
		{UsersPath, "users:\n  - name: ada\n    password: plain text\n", 2, "they are not kept"},
	}
	for _, tt := range tests {
		t.Run(tt.rel, func(t *testing.T) {
			src := genSite(t, 20, 3)
			writeFile(t, src, tt.rel, []byte(tt.data))
			// Into another site folder, which the accounts would go to.
			res := importInto(t, filepath.Join(t.TempDir(), "hub.db"), src, Options{SiteDir: t.TempDir()})
			e := rejection(res, src, tt.rel)
			if e == nil {
				t.Fatalf("%s not rejected", tt.rel)
			}
			if e.Line != tt.line || !strings.Contains(e.Err.Error(), tt.lost) {
				t.Errorf("rejected at line %d: %v; want line %d, saying %q", e.Line, e.Err, tt.line, tt.lost)
			}
			if res.Kinds[model.KindNews] == 0 {
				t.Error("no news was imported beside the damaged file")
			}
		})
	}
}
