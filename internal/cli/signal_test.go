package cli

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"newshub/internal/testutil"
)

// An operator's SIGHUP (kill -HUP, systemctl reload) has a process that
// follows the site folder read it again at once, naming again an edit it
// does not take, and goes on: it neither dies of the signal nor stops, and
// a SIGTERM then ends it as ever.
func TestSIGHUPReadsTheSiteFolderAgain(t *testing.T) {
	bin := testutil.BuildBinary(t)
	for _, tc := range []struct {
		name string
		args []string
		want string // printed once it follows the folder
	}{
		{"serve", []string{"serve", "--no-ingest", "--quiet", "--addr", "127.0.0.1:0"}, "serving http://"},
		{"ingest on schedule", []string{"ingest"}, "fetching sources on schedule"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := localSite(t)
			if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
				t.Fatal(errs)
			}
			var out, errs testutil.LogBuffer
			cmd := exec.Command(bin, append([]string{"--site", dir}, tc.args...)...)
			cmd.Stdout, cmd.Stderr = &out, &errs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			// exited is closed once the process has ended, with err.
			exited := make(chan struct{})
			var exitErr error
			go func() { exitErr = cmd.Wait(); close(exited) }()
			defer func() {
				cmd.Process.Kill()
				<-exited
			}()
			printed := func(s string) bool { return strings.Contains(out.String()+errs.String(), s) }
			waitFor := func(what string, ok func() bool) {
				t.Helper()
				for deadline := time.Now().Add(time.Minute); !ok(); time.Sleep(20 * time.Millisecond) {
					select {
					case <-exited:
						t.Fatalf("%s ended (%v) waiting for %s:\n%s%s", tc.name, exitErr, what, out.String(), errs.String())
					default:
					}
					if time.Now().After(deadline) {
						t.Fatalf("%s: no %s in a minute:\n%s%s", tc.name, what, out.String(), errs.String())
					}
				}
			}
			waitFor(tc.want, func() bool { return printed(tc.want) })

			// An edit that does not read is named once, and kept out.
			cfg := filepath.Join(dir, "_config.yml")
			b, err := os.ReadFile(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(cfg, append(b, "timezone: Mars/Olympus\n"...), 0o644); err != nil {
				t.Fatal(err)
			}
			named := func() int { return strings.Count(errs.String(), "is not a time zone") }
			waitFor("warning of the bad timezone", func() bool { return named() == 1 })

			if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
				t.Fatal(err)
			}
			waitFor("second warning of the bad timezone after SIGHUP", func() bool { return named() == 2 })

			if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			select {
			case <-exited:
				if exitErr != nil {
					t.Fatalf("%s after SIGHUP then SIGTERM: %v\n%s", tc.name, exitErr, errs.String())
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("%s did not stop on SIGTERM:\n%s", tc.name, errs.String())
			}
		})
	}
}

// TestDemoEndsWithItsTerminal: closing the terminal a demo runs in sends
// it a SIGHUP, which ended it before serve took the signal for a reload;
// the demo must still end, rather than hold its address unseen.
func TestDemoEndsWithItsTerminal(t *testing.T) {
	bin := testutil.BuildBinary(t)
	var out, errs testutil.LogBuffer
	cmd := exec.Command(bin, "demo", "--dir", filepath.Join(t.TempDir(), "demo"), "--articles", "40", "--addr", "127.0.0.1:0")
	cmd.Stdout, cmd.Stderr = &out, &errs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer cmd.Process.Kill()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(out.String()+errs.String(), "serving http://"); time.Sleep(20 * time.Millisecond) {
		select {
		case err := <-exited:
			t.Fatalf("demo ended (%v) before serving:\n%s%s", err, out.String(), errs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not serving in two minutes:\n%s%s", out.String(), errs.String())
		}
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Fatalf("demo still runs 30 s after a SIGHUP:\n%s%s", out.String(), errs.String())
	}
}

// A stop (SIGTERM, Ctrl-C) that comes while serve or ingest on schedule
// still starts (opening the store, loading the hub's view, seconds on a
// large hub) ends it as a stop after it started does: exit status 0 and
// no error, where it printed "context canceled" and exited 1, which
// systemd takes for a failure of the service it stopped. A run of ingest
// --once stopped is the documented exit status 1.
func TestAStopWhileStartingIsAStop(t *testing.T) {
	dir := localSite(t)
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatal(errs)
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"serve", "--no-ingest", "--addr", "127.0.0.1:0"}, ExitOK},
		{[]string{"serve", "--addr", "127.0.0.1:0", "--admin-addr", "127.0.0.1:0"}, ExitOK},
		{[]string{"ingest"}, ExitOK},
		{[]string{"ingest", "--once"}, ExitFailure},
	} {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errs bytes.Buffer
			code := Run(stopped, append([]string{"--site", dir}, c.args...), &out, &errs, func(string) string { return "" })
			if code != c.code {
				t.Fatalf("exit %d, want %d:\n%s%s", code, c.code, out.String(), errs.String())
			}
			if code == ExitOK && strings.Contains(errs.String(), "canceled") {
				t.Errorf("a stop told as an error:\n%s", errs.String())
			}
		})
	}
}
