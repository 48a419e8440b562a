package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDemoCreatesAndImportsASiteOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, stdout, errs := run(t, "demo", "--dir", dir, "--articles", "60", "--no-serve")
	if code != 0 {
		t.Fatalf("demo exit %d:\n%s\n%s", code, stdout, errs)
	}
	for _, want := range []string{"creating a demo site of 60", "generated", "imported", "news 60"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".newshub", "newshub.db")); err != nil {
		t.Fatalf("demo made no database: %v", err)
	}
	files := siteFiles(t, dir)

	// A second run keeps the site and imports it again, unchanged.
	code, stdout, errs = run(t, "demo", "--dir", dir, "--no-serve")
	if code != 0 {
		t.Fatalf("second demo exit %d:\n%s\n%s", code, stdout, errs)
	}
	if !strings.Contains(stdout, "using the existing demo site") || strings.Contains(stdout, "creating") {
		t.Errorf("second demo did not reuse the site:\n%s", stdout)
	}
	assertSameFiles(t, files, siteFiles(t, dir))
}
