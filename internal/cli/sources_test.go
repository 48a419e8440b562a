package cli

import (
	"os"
	"path/filepath"
	"strings"
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

// TestSourcesEditDedicated: a source added earlier is marked dedicated,
// and unmarked, by a command that keeps the operator's comments and order
// in _data/sources.yaml, where the file had to be edited by hand.
func TestSourcesEditDedicated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	for _, u := range []string{"https://news.example/rss", "https://space.example/feed", "https://moon.example/feed"} {
		if code, _, errs := run(t, "--site", dir, "sources", "add", u); code != 0 {
			t.Fatalf("sources add: exit %d: %s", code, errs)
		}
	}
	file := filepath.Join(dir, "_data", "sources.yaml")
	commented := "# Feeds of the hub.\nsources:\n  # a wire service\n  - url: https://news.example/rss\n  # the agency's own news\n  - url: https://space.example/feed\n  # Moon missions, from the same agency\n  - url: https://moon.example/feed\n"
	if err := os.WriteFile(file, []byte(commented), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"edit", "https://space.example/feed", "--dedicated"},
			"# Feeds of the hub.\nsources:\n  # a wire service\n  - url: https://news.example/rss\n  # the agency's own news\n  - url: https://space.example/feed\n    dedicated: true\n  # Moon missions, from the same agency\n  - url: https://moon.example/feed\n"},
		{[]string{"edit", "--dedicated=false", "https://space.example/feed"}, commented},
	} {
		code, out, errs := run(t, append([]string{"--site", dir, "sources"}, c.args...)...)
		if code != 0 {
			t.Fatalf("sources %q: exit %d: %s", c.args, code, errs)
		}
		if !strings.Contains(out, "https://space.example/feed") {
			t.Errorf("sources %q printed %q, want the source named", c.args, out)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != c.want {
			t.Errorf("after sources %q, sources.yaml:\n%s\nwant\n%s (%v)", c.args, b, c.want, err)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"edit", "https://other.example/feed", "--dedicated"}, ExitFailure, "is not listed"},
		{[]string{"edit", "https://space.example/feed"}, ExitUsage, "needs --dedicated"},
		{[]string{"edit", "https://space.example/feed", "--dedicated", "--provider", "x.example"}, ExitUsage, "--provider"},
	} {
		code, _, errs := run(t, append([]string{"--site", dir, "sources"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("sources %q: exit %d, stderr %q; want exit %d saying %q", c.args, code, errs, c.code, c.want)
		}
	}
}
