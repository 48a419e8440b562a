package cli

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSourcesAddDedicated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", "https://space.example/feed", "--dedicated"); code != 0 {
		t.Fatalf("sources add --dedicated: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", "https://news.example/rss"); code != 0 {
		t.Fatalf("sources add: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := "sources:\n  - url: https://space.example/feed\n    dedicated: true\n  - url: https://news.example/rss\n"
	if string(b) != want {
		t.Errorf("sources.yaml:\n%s\nwant\n%s", b, want)
	}
}
