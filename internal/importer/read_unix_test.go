//go:build unix

package importer

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCappedAgreesWithReadFileOS reads the same files with the
// system-call reader and the portable one: the bytes, the permission
// bits and the errors must be the same.
func TestReadCappedAgreesWithReadFileOS(t *testing.T) {
	dir := t.TempDir()
	const limit = 4096
	files := map[string][]byte{
		"empty.md":  {},
		"one.md":    []byte("x"),
		"record.md": []byte("---\ntitle: A record\n---\n" + strings.Repeat("body ", 300)),
		"at-cap.md": bytes.Repeat([]byte{'a'}, limit),
		"over.md":   bytes.Repeat([]byte{'b'}, limit+1),
		"binary":    {0, 1, 2, 0xff, '\n', 0},
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		perm := fs.FileMode(0o600) // private; executable when odd-sized
		if len(data)%2 == 1 {
			perm = 0o755
		}
		if err := os.Chmod(filepath.Join(dir, name), perm); err != nil {
			t.Fatal(err)
		}
	}
	for _, l := range [][2]string{{"record.md", "link.md"}, {"gone.md", "broken.md"}, {"loop.md", "loop.md"}} {
		if err := os.Symlink(l[0], filepath.Join(dir, l[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, "folder"), 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"link.md", "broken.md", "loop.md", "folder", "missing.md"}
	for name := range files {
		names = append(names, name)
	}
	for _, name := range names {
		path := filepath.Join(dir, name)
		got, gotPerm, gotErr := readCapped(path, limit)
		want, wantPerm, wantErr := readFileOS(path, limit)
		if !bytes.Equal(got, want) || gotPerm != wantPerm || fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
			t.Errorf("%s: readCapped = %q, %v, %v; readFileOS = %q, %v, %v", name, got, gotPerm, gotErr, want, wantPerm, wantErr)
		}
		if data, ok := files[name]; ok && len(data) <= limit && (gotErr != nil || !bytes.Equal(got, data)) {
			t.Errorf("%s: readCapped = %q, %v; want the file's %d bytes", name, got, gotErr, len(data))
		}
	}
}
