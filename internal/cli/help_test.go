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
		{[]string{"demo", "-h"}, "usage: newshub demo [--addr HOST:PORT] [--dir DIR]\n"},
		{[]string{"version", "-h"}, "usage: newshub version\n"},
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

// TestFlagMistakeNamedOnStderr checks that a flag given wrong is named on
// stderr with the command's usage line, exit status 2, and that nothing is
// written to stdout: a script reading a command's output must not take
// its help for it. A flag or a command that is not is named with the one
// it looks like a slip of, else with where help lists them, in one line
// where the whole help followed it.
func TestFlagMistakeNamedOnStderr(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"ingest", "--onc"}, "newshub ingest: flag provided but not defined: -onc (did you mean --once?)\nusage: newshub ingest [--once]\n"},
		{[]string{"serve", "--port", "9000"}, "newshub serve: flag provided but not defined: -port (did you mean --addr?)\nusage: newshub serve"},
		{[]string{"serve", "--prot", "9000"}, "newshub serve: flag provided but not defined: -prot (newshub serve -h lists the flags)\nusage: newshub serve"},
		{[]string{"--sit", "x", "status"}, "newshub: flag provided but not defined: -sit (did you mean --site?)\n"},
		{[]string{"--verbose", "status"}, "newshub: flag provided but not defined: -verbose (newshub help lists the flags)\n"},
		{[]string{"serv"}, "newshub: unknown command \"serv\" (did you mean serve?)\n"},
		{[]string{"frobnicate"}, "newshub: unknown command \"frobnicate\" (newshub help lists the commands)\n"},
		{[]string{"ingest", "--workers", "many"}, "newshub ingest: invalid value \"many\" for flag -workers: parse error\nusage: newshub ingest [--once]\n"},
		{[]string{"build", "--base-url"}, "newshub build: flag needs an argument: -base-url\nusage: newshub build [--base-url URL] OUT\n"},
		{[]string{"sources", "add", "https://example.org/feed", "--dedicate"}, "newshub sources: flag provided but not defined: -dedicate (did you mean --dedicated?)\n"},
		{[]string{"demo", "--no-serve", "--articles", "0"}, "newshub demo: the demo's site folder is --dir, not --site: give --dir "},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := run(t, append([]string{"--site", t.TempDir()}, tt.args...)...)
			if code != ExitUsage {
				t.Errorf("exit %d, want %d", code, ExitUsage)
			}
			if stdout != "" {
				t.Errorf("stdout holds %q, want nothing", stdout)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr is %q, want it to hold %q", stderr, tt.want)
			}
			if strings.Contains(stderr, "Commands:") {
				t.Errorf("stderr holds the whole help:\n%s", stderr)
			}
		})
	}
}
