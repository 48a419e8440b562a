package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMissingSiteFolderIsRefused runs the commands that open a hub with
// --site naming a folder that does not exist, or one that holds no site
// (a command run in the wrong folder), and no --db: each fails naming the
// folder, and none makes a new, empty database in it, which the command
// would go on to serve, build or report as the hub.
func TestMissingSiteFolderIsRefused(t *testing.T) {
	commands := [][]string{
		{"status"},
		{"sources", "list"},
		{"explain", "https://example.org/a"},
		{"edit", "list"},
		{"curate"},
		{"curate", "--archive"},
		{"newsletter", "--no-send"},
		{"ingest", "--once"},
		{"build", "out"},
		{"export", "out"},
		{"serve", "--addr", "127.0.0.1:0", "--no-ingest"},
	}
	folders := []struct {
		name string
		make func(t *testing.T, site string) // nil: the folder is not made
		want string                          // after the folder's name
	}{
		{"missing", nil, " does not exist"},
		{"no site", func(t *testing.T, site string) {
			if err := os.MkdirAll(site, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(site, "notes.txt"), []byte("notes\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, " is no site folder (no _config.yml, no hub)"},
	}
	for _, folder := range folders {
		for _, args := range commands {
			t.Run(folder.name+" "+strings.Join(args, " "), func(t *testing.T) {
				dir := t.TempDir()
				site := filepath.Join(dir, "typo")
				if folder.make != nil {
					folder.make(t, site)
				}
				t.Chdir(dir)
				// A serve that took the folder would serve until stopped.
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				var out, errs bytes.Buffer
				code := Run(ctx, append([]string{"--site", site}, args...), &out, &errs, func(string) string { return "" })
				stderr := errs.String()
				if code != ExitFailure {
					t.Errorf("exit %d, want %d\n%s", code, ExitFailure, stderr)
				}
				if !strings.Contains(stderr, site+folder.want) {
					t.Errorf("stderr does not hold %q:\n%s", site+folder.want, stderr)
				}
				if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
					t.Errorf("stderr is more than one line:\n%s", stderr)
				}
				made := filepath.Join(site, ".newshub")
				if folder.make == nil {
					made = site
				}
				if _, err := os.Stat(made); err == nil {
					t.Errorf("%s was made", made)
				}
			})
		}
	}
}
