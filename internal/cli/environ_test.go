package cli

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"newshub/internal/testutil"
)

// TestCheckEnviron checks the NEWSHUB_ variables an operator sets: a name
// newshub does not read is named, with the one it looks like; NEWSHUB_SITE
// or NEWSHUB_DB set but empty is an error, where the command took the
// current folder or a new SQLite file without a word.
func TestCheckEnviron(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		warns   []string
		err     string
	}{
		{"only known", []string{"HOME=/root", "NEWSHUB_SITE=/srv/hub", "NEWSHUB_DB=sqlite:/srv/hub.db", "NEWSHUB_EDITOR="}, nil, ""},
		{"misspelt", []string{"NEWSHUB_SIET=/srv/hub"},
			[]string{"NEWSHUB_SIET is set, but newshub reads no such variable (did you mean NEWSHUB_SITE?)"}, ""},
		{"in lower case", []string{"NEWSHUB_log_level=debug"},
			[]string{"NEWSHUB_log_level is set, but newshub reads no such variable (did you mean NEWSHUB_LOG_LEVEL?)"}, ""},
		{"like none", []string{"NEWSHUB_DATABASE_URL=postgres://db/hub"},
			[]string{"NEWSHUB_DATABASE_URL is set, but newshub reads no such variable (it reads NEWSHUB_SITE, NEWSHUB_DB, NEWSHUB_LOG_LEVEL, NEWSHUB_EDITOR, NEWSHUB_DEBUG_ADDR, NEWSHUB_CPUPROFILE, NEWSHUB_MEMPROFILE)"}, ""},
		{"db empty", []string{"NEWSHUB_SITE=/srv/hub", "NEWSHUB_DB="}, nil,
			"NEWSHUB_DB is set but empty: give it a value, or unset it for the default"},
		{"site blank", []string{"NEWSHUB_SITE=  "}, nil,
			"NEWSHUB_SITE is set but empty: give it a value, or unset it for the default"},
		{"other prefix", []string{"NEWSHUBSITE=/srv/hub", "XNEWSHUB_DB="}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			warns, err := CheckEnviron(tt.environ)
			if !slices.Equal(warns, tt.warns) {
				t.Errorf("warnings %q, want %q", warns, tt.warns)
			}
			if got := errString(err); got != tt.err {
				t.Errorf("error %q, want %q", got, tt.err)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestCommandRefusesAnEmptyDatabaseVariable runs the command with
// NEWSHUB_DB set but empty, as a unit whose NEWSHUB_DB=$DATABASE_URL
// found the latter unset gives it: the command stops with the variable
// named and writes nothing, where it made a new SQLite hub in the site
// folder. A variable misspelt is named, and the command runs.
func TestCommandRefusesAnEmptyDatabaseVariable(t *testing.T) {
	bin := testutil.BuildBinary(t)
	site := t.TempDir()
	run := func(env ...string) (string, int) {
		cmd := exec.Command(bin, "init", site)
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return string(out), exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}
	out, code := run("NEWSHUB_DB=")
	if code != ExitUsage || !strings.Contains(out, "NEWSHUB_DB is set but empty") {
		t.Errorf("exit %d, output:\n%s\nwant exit %d naming NEWSHUB_DB", code, out, ExitUsage)
	}
	if entries, err := os.ReadDir(site); err != nil || len(entries) > 0 {
		t.Errorf("site folder holds %d files (%v), want none written", len(entries), err)
	}
	out, code = run("NEWSHUB_DBB=sqlite:" + filepath.Join(site, "hub.db"))
	if code != ExitOK || !strings.Contains(out, "NEWSHUB_DBB is set, but newshub reads no such variable (did you mean NEWSHUB_DB?)") {
		t.Errorf("exit %d, output:\n%s\nwant exit 0 and NEWSHUB_DBB named", code, out)
	}
}
