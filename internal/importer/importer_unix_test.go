//go:build unix

package importer

import (
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestImportRejectsANamedPipe checks that a pipe named like a record is
// rejected rather than read: reading it would block forever.
func TestImportRejectsANamedPipe(t *testing.T) {
	src := genSite(t, 5, 4)
	if err := syscall.Mkfifo(filepath.Join(src, "_news", "2026-01-02-a-pipe.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := importInto(t, filepath.Join(t.TempDir(), "hub.db"), src, Options{})
	e := rejection(res, src, "_news/2026-01-02-a-pipe.md")
	if e == nil || !strings.Contains(e.Error(), "not a regular file") {
		t.Errorf("pipe: rejection %v, want %q", e, "not a regular file")
	}
	if len(res.Rejected) != 1 || res.Kinds["news"] != 5 {
		t.Errorf("result %+v, want the pipe rejected and 5 news imported", res)
	}
}
