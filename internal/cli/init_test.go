package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInitRefusesAFlagBeforeWriting: a flag init cannot make a site of is
// named as bad usage and nothing is written, so that the same command with
// the flag mended makes the site; a folder left behind would be refused
// as not empty.
func TestInitRefusesAFlagBeforeWriting(t *testing.T) {
	tests := []struct {
		name string
		bad  []string // the flag given wrong
		want string   // what stderr says of it
		good []string // the flag mended
	}{
		{"time zone", []string{"--timezone", "Paris"}, `newshub init: --timezone "Paris" is not a time zone: want a name such as Europe/Paris`, []string{"--timezone", "Europe/Paris"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "hub")
			code, stdout, errs := run(t, append(append([]string{"init"}, tt.bad...), dir)...)
			if code != ExitUsage {
				t.Errorf("init %s: exit %d, want %d\n%s%s", strings.Join(tt.bad, " "), code, ExitUsage, stdout, errs)
			}
			if !strings.Contains(errs, tt.want) {
				t.Errorf("stderr lacks %q:\n%s", tt.want, errs)
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("init %s left %s behind (%v)", strings.Join(tt.bad, " "), dir, err)
			}
			if code, _, errs := run(t, append(append([]string{"init"}, tt.good...), dir)...); code != ExitOK {
				t.Errorf("init %s after the mistake: exit %d\n%s", strings.Join(tt.good, " "), code, errs)
			}
		})
	}
}
