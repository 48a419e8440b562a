package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagGivenTwiceIsRefused gives a flag twice, as a command line built
// from an alias or pasted in parts does: the command names the flag and
// both values, exits 2 and changes nothing, where the flag package took
// the last value without a word.
func TestFlagGivenTwiceIsRefused(t *testing.T) {
	site := filepath.Join(t.TempDir(), "hub")
	if code, _, stderr := run(t, "init", site); code != ExitOK {
		t.Fatalf("init: exit %d: %s", code, stderr)
	}
	list := filepath.Join(site, "_data", "sources.yaml")
	before, err := os.ReadFile(list)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--site", site, "sources", "add", "https://gazette.example.org/feed.xml", "--interval", "30m", "--interval", "1h"},
			`newshub sources: flag --interval given twice ("30m", then "1h"): give it once`},
		{[]string{"--site", site, "sources", "add", "--dedicated", "https://gazette.example.org/feed.xml", "--dedicated=false"},
			`newshub sources: flag --dedicated given twice ("true", then "false"): give it once`},
		{[]string{"--site", site, "sources", "add", "https://gazette.example.org/feed.xml", "--site", site + "-other"},
			`newshub sources: flag --site given twice ("` + site + `", then "` + site + `-other"): give it once`},
		{[]string{"--log-level", "warn", "--log-level", "debug", "status", "--site", site},
			`newshub: flag --log-level given twice ("warn", then "debug"): give it once`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args[2:], " "), func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout holds %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr is %q, want it to hold %q", stderr, tt.want)
			}
			after, err := os.ReadFile(list)
			if err != nil || string(after) != string(before) {
				t.Errorf("sources list changed to %q (%v)", after, err)
			}
		})
	}
}

// TestFlagGivenTwiceHidesPasswords gives --db twice with a password: the
// message names both databases without it.
func TestFlagGivenTwiceHidesPasswords(t *testing.T) {
	code, _, stderr := run(t, "--db", "postgres://hub:s3cret@db.example.org/hub", "status", "--db", "postgres://hub:s3cret@db2.example.org/hub")
	if code != ExitUsage || !strings.Contains(stderr, "flag --db given twice") {
		t.Fatalf("exit %d, stderr %q, want exit %d naming --db", code, stderr, ExitUsage)
	}
	if strings.Contains(stderr, "s3cret") {
		t.Errorf("stderr shows the password: %q", stderr)
	}
}
