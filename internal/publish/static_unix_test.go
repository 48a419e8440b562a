//go:build unix

package publish

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"newshub/internal/testutil"
)

// TestBuildLeavesOutStaticFilesItMayNotPublish checks that a link out of
// the static folder, a link to a folder, a named pipe and a file over
// StaticMaxBytes are left out, each counted with its reason, and the
// rest published, a link within the folder as the file it leads to.
func TestBuildLeavesOutStaticFilesItMayNotPublish(t *testing.T) {
	st, s := genStore(t, 10)
	site := t.TempDir()
	static := writeStatic(t, site, map[string][]byte{"robots.txt": []byte("User-agent: *\n"), "docs/a.txt": []byte("a\n")})
	secret := filepath.Join(site, "secret.txt")
	if err := os.WriteFile(secret, []byte("not for the web\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{"passwd": secret, "up.txt": "../secret.txt", "robots-copy.txt": "robots.txt", "docs-too": "docs"} {
		if err := os.Symlink(target, filepath.Join(static, link)); err != nil {
			t.Fatal(err)
		}
	}
	if err := syscall.Mkfifo(filepath.Join(static, "pipe"), 0o644); err != nil {
		t.Fatal(err)
	}
	big, err := os.Create(filepath.Join(static, "big.iso"))
	if err != nil {
		t.Fatal(err)
	}
	if err := big.Truncate(StaticMaxBytes + 1); err != nil { // sparse: no 32 MiB written
		t.Fatal(err)
	}
	big.Close()

	out := filepath.Join(t.TempDir(), "out")
	stats, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions(), Static: static})
	if err != nil {
		t.Fatal(err)
	}
	want := []Skip{
		{"static/big.iso", "larger than 32 MiB, the most a static file may hold"},
		{"static/docs-too", "a link to a folder"},
		{"static/passwd", "a link leading out of static/"},
		{"static/pipe", "not a regular file (a named pipe, socket or device)"},
		{"static/up.txt", "a link leading out of static/"},
	}
	got := slices.Clone(stats.StaticSkipped)
	slices.SortFunc(got, func(a, b Skip) int { return strings.Compare(a.Path, b.Path) })
	if !slices.Equal(got, want) {
		t.Errorf("left out %v, want %v", got, want)
	}
	files := testutil.Files(t, out)
	for _, rel := range []string{"big.iso", "docs-too/a.txt", "passwd", "pipe", "up.txt"} {
		if _, ok := files[rel]; ok {
			t.Errorf("OUT holds %s, which is not to be published", rel)
		}
	}
	if string(files["robots-copy.txt"]) != "User-agent: *\n" || string(files["docs/a.txt"]) != "a\n" || stats.Static != 3 {
		t.Errorf("published %d static files, robots-copy.txt %q, docs/a.txt %q; want 3, the bytes of robots.txt and of docs/a.txt",
			stats.Static, files["robots-copy.txt"], files["docs/a.txt"])
	}
}
