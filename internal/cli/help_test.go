package cli

import (
	"strings"
	"testing"
)

// TestHelpAsked checks that every way of asking for help prints it on
// standard output and exits 0, as "newshub help" does: a user who types
// "newshub --help" asked for it and did nothing wrong.
func TestHelpAsked(t *testing.T) {
	tests := []struct {
		args []string
		want string // a line of the help
	}{
		{[]string{"help"}, "Usage: newshub [--site DIR]"},
		{[]string{"--help"}, "Usage: newshub [--site DIR]"},
		{[]string{"-h"}, "Usage: newshub [--site DIR]"},
		{[]string{"--site", "x", "--help"}, "Usage: newshub [--site DIR]"},
		{[]string{"help", "ingest"}, "usage: newshub ingest [--once]"},
		{[]string{"ingest", "--help"}, "usage: newshub ingest [--once]"},
		{[]string{"sources", "-h"}, "usage: newshub sources list|add URL"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, tt.args...)
			if code != ExitOK {
				t.Errorf("exit %d, want %d", code, ExitOK)
			}
			if !strings.Contains(stdout, tt.want) {
				t.Errorf("stdout does not hold %q:\n%s", tt.want, stdout)
			}
			if stderr != "" {
				t.Errorf("stderr holds %q, want nothing", stderr)
			}
		})
	}
}
