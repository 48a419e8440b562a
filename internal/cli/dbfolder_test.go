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

// TestADatabaseOfNoKindNamesWhereItWasGiven: a DSN that is neither
// sqlite:PATH nor postgres://… is named with the flag or the variable
// that gave it, where every one was called --db, copy's --to and --from
// and NEWSHUB_DB included.
func TestADatabaseOfNoKindNamesWhereItWasGiven(t *testing.T) {
	site := localSite(t)
	good := "sqlite:" + filepath.Join(t.TempDir(), "copy.db")
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"--db", []string{"--db", "hub.db", "sources", "list"}, nil, `newshub sources: --db "hub.db": want sqlite:PATH or postgres://…`},
		{"NEWSHUB_DB", []string{"sources", "list"}, map[string]string{"NEWSHUB_DB": "hub.db"}, `newshub sources: NEWSHUB_DB "hub.db": want sqlite:PATH or postgres://…`},
		{"copy --to", []string{"copy", "--to", "copy.db"}, nil, `newshub copy: --to "copy.db": want sqlite:PATH or postgres://…`},
		{"copy --from", []string{"copy", "--from", "hub.db", "--to", good}, nil, `newshub copy: --from "hub.db": want sqlite:PATH or postgres://…`},
		{"copy from NEWSHUB_DB", []string{"copy", "--to", good}, map[string]string{"NEWSHUB_DB": "hub.db"}, `newshub copy: NEWSHUB_DB "hub.db": want sqlite:PATH or postgres://…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(context.Background(), append([]string{"--site", site}, tt.args...), &stdout, &stderr, func(k string) string { return tt.env[k] })
			if code != ExitUsage || !strings.Contains(stderr.String(), tt.want) {
				t.Errorf("exit %d, want %d and %q\n%s%s", code, ExitUsage, tt.want, stdout.String(), stderr.String())
			}
		})
	}
}
