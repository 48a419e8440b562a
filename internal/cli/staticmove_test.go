package cli

import (
	"os"
	"path/filepath"
	"strings"
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

// TestAHubImportedIntoAnotherSiteFolderPublishesItsStaticFiles: an
// export imported into the site folder of a new machine's hub gives it
// the static/ files it has none of, with their modes, so its next build
// publishes them; a file the site holds already with other bytes (a
// CNAME set for the new machine) is its own, kept and named, never
// overwritten, and one it holds alike is left alone.
func TestAHubImportedIntoAnotherSiteFolderPublishesItsStaticFiles(t *testing.T) {
	old := filepath.Join(t.TempDir(), "old")
	runOK(t, "init", "--topic", "Space", old)
	exported := map[string]string{
		"static/CNAME":                    "news.example.org\n",
		"static/robots.txt":               "User-agent: *\nDisallow: /drafts/\n",
		"static/.well-known/security.txt": "Contact: mailto:security@example.org\n",
	}
	for rel, data := range exported {
		writeStatic(t, old, rel, data, 0o644)
	}
	if err := os.Chmod(filepath.Join(old, "static", ".well-known", "security.txt"), 0o640); err != nil {
		t.Fatal(err)
	}
	runOK(t, "--site", old, "import")
	out := filepath.Join(t.TempDir(), "out")
	runOK(t, "--site", old, "export", out)

	site := filepath.Join(t.TempDir(), "new")
	runOK(t, "init", "--topic", "Space", site)
	own := map[string]string{
		"static/CNAME":      "space.example.net\n",
		"static/robots.txt": exported["static/robots.txt"],
	}
	for rel, data := range own {
		writeStatic(t, site, rel, data, 0o644)
	}
	db := "sqlite:" + filepath.Join(t.TempDir(), "new.db")
	said := runOK(t, "--site", site, "--db", db, "import", out)
	for _, want := range []string{
		"gave the site folder the static files of " + out + " it had none of, which its next build publishes: static/.well-known/security.txt\n",
		"kept the site folder's own static files that differ from those of " + out + " (copy one over by hand to publish it instead): static/CNAME\n",
	} {
		if !strings.Contains(said, want) {
			t.Errorf("import says\n%s\nwant it to say\n%s", said, want)
		}
	}
	if again := runOK(t, "--site", site, "--db", db, "import", out); strings.Contains(again, "gave the site folder") {
		t.Errorf("imported again, import says\n%s\nwant no static file given twice", again)
	}
	if fi, err := os.Stat(filepath.Join(site, "static", ".well-known", "security.txt")); err != nil || fi.Mode().Perm() != 0o640 {
		t.Errorf("static/.well-known/security.txt in the new site folder: %v, %v; want mode 0640", fi, err)
	}
	built := filepath.Join(t.TempDir(), "built")
	runOK(t, "--site", site, "--db", db, "build", built)
	want := map[string]string{
		"CNAME":                    own["static/CNAME"],
		"robots.txt":               own["static/robots.txt"],
		".well-known/security.txt": exported["static/.well-known/security.txt"],
	}
	for rel, data := range want {
		if got, err := os.ReadFile(filepath.Join(built, filepath.FromSlash(rel))); err != nil || string(got) != data {
			t.Errorf("the new hub's build publishes %s as %q, %v; want %q", rel, got, err, data)
		}
	}
}

// writeStatic writes the file rel of the site folder site with the mode
// perm.
func writeStatic(t *testing.T, site, rel, data string, perm os.FileMode) {
	t.Helper()
	name := filepath.Join(site, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
}
