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
// --site naming a folder that does not exist and no --db: each fails
// naming the folder, and none makes the folder (with a new, empty
// database in it, which the command would go on to serve, build or report
// as the hub).
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
	for _, args := range commands {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			dir := t.TempDir()
			site := filepath.Join(dir, "typo")
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
			if !strings.Contains(stderr, "site folder "+site+" does not exist") {
				t.Errorf("stderr does not name the missing folder:\n%s", stderr)
			}
			if _, err := os.Stat(site); err == nil {
				t.Errorf("%s was made", site)
			}
		})
	}
}
