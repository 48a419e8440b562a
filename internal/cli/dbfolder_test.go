package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDatabaseInAFolderThatIsNotIsRefused: a --db or NEWSHUB_DB naming a
// SQLite file in a folder that does not exist (a mistyped path, a disk
// not mounted) is refused by the commands that read a hub, as a site
// folder that does not exist is, where each made the folders and a new,
// empty hub there and listed, served or built it. import still makes the
// database it is given, folder and all.
func TestDatabaseInAFolderThatIsNotIsRefused(t *testing.T) {
	site := localSite(t)
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{
		{"sources", "list"},
		{"status"},
		{"build", out},
		{"ingest", "--once"},
		{"explain", "https://clerk.example/news/early-voting-locations"},
	} {
		for _, how := range []string{"--db", "NEWSHUB_DB"} {
			t.Run(how+" "+args[0], func(t *testing.T) {
				missing := filepath.Join(t.TempDir(), "no-such-folder")
				dsn := "sqlite:" + filepath.Join(missing, "hub.db")
				full := append([]string{"--site", site}, args...)
				env := map[string]string{}
				if how == "--db" {
					full = append([]string{"--db", dsn}, full...)
				} else {
					env["NEWSHUB_DB"] = dsn
				}
				var stdout, stderr bytes.Buffer
				code := Run(context.Background(), full, &stdout, &stderr, func(k string) string { return env[k] })
				if code != ExitFailure || !strings.Contains(stderr.String(), missing+" does not exist") {
					t.Errorf("exit %d, want %d and the folder named as missing\n%s%s", code, ExitFailure, stdout.String(), stderr.String())
				}
				if _, err := os.Stat(missing); !os.IsNotExist(err) {
					t.Errorf("%s was made (%v)", missing, err)
				}
			})
		}
	}
	t.Run("import", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "new-folder", "hub.db")
		if code, _, errs := run(t, "--site", site, "--db", "sqlite:"+db, "import"); code != ExitOK {
			t.Fatalf("import into a new folder: exit %d\n%s", code, errs)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("import made no database: %v", err)
		}
	})
}
