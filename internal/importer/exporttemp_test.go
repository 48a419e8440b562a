package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"newshub/internal/store/sqlite"
)

// TestImportLeavesOutWhatAnExportStoppedWriting imports a site folder an
// export was killed in, which left the hidden file it writes a record to
// before renaming it into place: the file, part of a record, is named in
// the summary and left out, where it was kept as a file of the hub and
// written back by every export after.
func TestImportLeavesOutWhatAnExportStoppedWriting(t *testing.T) {
	src := filepath.Join(t.TempDir(), "site")
	if err := os.CopyFS(src, os.DirFS("testdata/kept")); err != nil {
		t.Fatal(err)
	}
	const left = "_news/.2020-09-13-same-story.md" + ExportTemp
	whole, err := os.ReadFile(filepath.Join(src, "_news", "2020-09-13-same-story.md"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, filepath.FromSlash(left)), whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	dbPath := filepath.Join(t.TempDir(), "hub.db")
	st, err := sqlite.Open(context.Background(), dbPath)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(context.Background(), st, src, Options{})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(res.Skipped, Skip{Path: left, Reason: SkipExportTemp}) {
		t.Errorf("skipped %+v, want %s for %q", res.Skipped, SkipExportTemp, left)
	}
	stored := storedFiles(t, dbPath)
	if _, ok := stored[left]; ok {
		t.Errorf("%s was stored", left)
	}
	if _, ok := stored["_news/2020-09-13-same-story.md"]; !ok {
		t.Error("the record the export was writing is not stored: the test proves nothing")
	}
}
