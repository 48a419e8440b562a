package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAHubMovedByExportKeepsItsStaticFiles: the site folder's static/
// files, which every build publishes and the store does not hold, go
// along with the records, with their modes, so the moved hub, whose site
// folder is the export, publishes its CNAME and .well-known/ files too.
func TestAHubMovedByExportKeepsItsStaticFiles(t *testing.T) {
	files := []struct {
		rel  string
		data string
		perm os.FileMode
	}{
		{"static/CNAME", "news.example.org\n", 0o644},
		{"static/robots.txt", "User-agent: *\nDisallow: /drafts/\n", 0o644},
		{"static/.well-known/security.txt", "Contact: mailto:security@example.org\n", 0o640},
	}
	site := filepath.Join(t.TempDir(), "hub")
	runOK(t, "init", "--topic", "Space", site)
	for _, f := range files {
		name := filepath.Join(site, filepath.FromSlash(f.rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(f.data), f.perm); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(name, f.perm); err != nil {
			t.Fatal(err)
		}
	}
	runOK(t, "--site", site, "import")
	out := filepath.Join(t.TempDir(), "out")
	runOK(t, "--site", site, "export", out)
	built := filepath.Join(t.TempDir(), "built")
	db := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
	runOK(t, "--site", out, "--db", db, "import")
	runOK(t, "--site", out, "--db", db, "build", built)
	for _, f := range files {
		fi, err := os.Stat(filepath.Join(out, filepath.FromSlash(f.rel)))
		if err != nil {
			t.Errorf("%s: not exported: %v", f.rel, err)
			continue
		}
		if fi.Mode().Perm() != f.perm {
			t.Errorf("%s: exported with mode %v, want %v", f.rel, fi.Mode().Perm(), f.perm)
		}
		published := filepath.Join(built, filepath.FromSlash(f.rel[len("static/"):]))
		if got, err := os.ReadFile(published); err != nil || string(got) != f.data {
			t.Errorf("the moved hub's build publishes %s as %q, %v; want %q", published, got, err, f.data)
		}
	}
}
