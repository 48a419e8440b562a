package cli

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/admin/users"
)

// TestAHubMovedByExportAndImportKeepsItsAdminAccounts: asked (--users),
// the accounts of the admin area go along with the records, hashed and
// readable by their owner only, so the editors sign in to the moved hub: whether the export
// is the new site folder, or is imported into another that has accounts
// of its own, which keep their passwords.
func TestAHubMovedByExportAndImportKeepsItsAdminAccounts(t *testing.T) {
	// Cheap hashes: what is checked is that they go along, not their cost.
	cheap := users.Params{Time: 1, Memory: 64, Threads: 1, SaltLen: 16, KeyLen: 32}
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	site := filepath.Join(t.TempDir(), "hub")
	runOK(t, "init", "--topic", "Space", site)
	for _, u := range []struct{ name, password string }{{"ada", "analytical engine"}, {"grace", "compiler of cobol"}} {
		if err := users.Open(site, cheap).Add(u.name, u.password, false, now); err != nil {
			t.Fatal(err)
		}
	}
	runOK(t, "--site", site, "import")
	// Unasked, password hashes stay out of the export, and it says so.
	plain := filepath.Join(t.TempDir(), "plain")
	if said := runOK(t, "--site", site, "export", plain); !strings.Contains(said, "give --users") {
		t.Errorf("an export leaving the accounts behind said\n%s\nwant it to name --users", said)
	}
	if _, err := os.Stat(filepath.Join(plain, filepath.FromSlash(users.Path))); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("an export without --users wrote the accounts (%v)", err)
	}
	out := filepath.Join(t.TempDir(), "out")
	runOK(t, "--site", site, "export", "--users", out)

	other := filepath.Join(t.TempDir(), "other")
	runOK(t, "init", "--topic", "Space", other)
	if err := users.Open(other, cheap).Add("ada", "the other hub's own", false, now); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		site      string // the moved hub's site folder
		passwords map[string]string
	}{
		{"the export is the site", out, map[string]string{"ada": "analytical engine", "grace": "compiler of cobol"}},
		{"into another site", other, map[string]string{"ada": "the other hub's own", "grace": "compiler of cobol"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runOK(t, "--site", tt.site, "--db", "sqlite:"+filepath.Join(t.TempDir(), "new.db"), "import", out)
			fi, err := os.Stat(filepath.Join(tt.site, filepath.FromSlash(users.Path)))
			if err != nil {
				t.Fatalf("the moved hub has no accounts: %v", err)
			}
			if fi.Mode().Perm() != 0o600 {
				t.Errorf("the accounts file has mode %v, want 0600", fi.Mode().Perm())
			}
			acc := users.Open(tt.site, cheap)
			for name, password := range tt.passwords {
				if ok, err := acc.Verify(name, password); !ok || err != nil {
					t.Errorf("%s cannot sign in to the moved hub with %q: %v, %v", name, password, ok, err)
				}
			}
		})
	}
}
