package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildKeepsOutOfTheSiteAndItsDatabase: a build removes from OUT every
// file it does not write, so an OUT that holds the site folder or the
// database ("newshub build ." run in the site, the folder above it) is
// refused before anything is written, by build and by --publish, and the
// site and its database are left as they were.
func TestBuildKeepsOutOfTheSiteAndItsDatabase(t *testing.T) {
	tests := []struct {
		name string
		args func(site, db string) []string // db: "" for the site's own
		want string
	}{
		{"the site folder", func(site, _ string) []string { return []string{"--site", site, "build", site} }, "holds the site folder"},
		{"the site folder, as a path of its own", func(site, _ string) []string {
			return []string{"--site", site, "build", filepath.Join(site, "_data", "..")}
		}, "holds the site folder"},
		{"the folder above the site", func(site, _ string) []string { return []string{"--site", site, "build", filepath.Dir(site)} }, "holds the site folder"},
		{"the database's folder", func(site, db string) []string {
			return []string{"--site", site, "--db", "sqlite:" + db, "build", filepath.Dir(db)}
		}, "holds the database"},
		{"ingest --publish", func(site, _ string) []string {
			return []string{"--site", site, "ingest", "--once", "--publish", site}
		}, "holds the site folder"},
		{"serve --publish", func(site, _ string) []string {
			return []string{"--site", site, "serve", "--no-ingest", "--addr", "127.0.0.1:0", "--publish", site}
		}, "holds the site folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := localSite(t)
			db := filepath.Join(t.TempDir(), "db", "hub.db")
			if code, _, errs := run(t, "--site", site, "import"); code != ExitOK {
				t.Fatal(errs)
			}
			if code, _, errs := run(t, "--site", site, "--db", "sqlite:"+db, "import"); code != ExitOK {
				t.Fatal(errs)
			}
			kept := []string{filepath.Join(site, "_config.yml"), filepath.Join(site, ".newshub", "newshub.db"), db}
			ctx := context.Background()
			if tt.args(site, db)[2] == "serve" {
				// serve would run until stopped: given a context
				// already done, it stops as soon as it opens the
				// store, which it must not come to.
				c, cancel := context.WithCancel(ctx)
				cancel()
				ctx = c
			}
			var out, errs bytes.Buffer
			code := Run(ctx, tt.args(site, db), &out, &errs, func(string) string { return "" })
			if code != ExitFailure || !strings.Contains(errs.String(), tt.want) {
				t.Errorf("exit %d, want %d and %q on stderr\n%s%s", code, ExitFailure, tt.want, out.String(), errs.String())
			}
			for _, p := range kept {
				if _, err := os.Stat(p); err != nil {
					t.Errorf("the build removed %s: %v", p, err)
				}
			}
		})
	}
}
