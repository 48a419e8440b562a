//go:build unix

package cli

import (
	"fmt"
	"os/exec"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"

	"newshub/internal/newsletter/smtptest"
	"newshub/internal/testutil"
)

// TestNewsletterKilledMidwayMailsTheRestOnce kills a run of newsletter
// with SIGKILL midway through its list of three, and runs it again: the
// readers the killed run was seen to mail are not mailed again, and the
// rest get the issue. Killed while the server took a message but had not
// yet said so, that reader gets it twice, as the README says.
func TestNewsletterKilledMidwayMailsTheRestOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := testutil.BuildBinary(t)
	for _, c := range []struct {
		name string
		// hang makes the server stop answering at a point of the second
		// message; the kill lands there.
		hang   func(stop chan<- struct{}, hung *atomic.Bool) smtptest.Options
		mailed []string
	}{
		{"between two messages", func(stop chan<- struct{}, hung *atomic.Bool) smtptest.Options {
			return smtptest.Options{OnMail: func(taken int) bool {
				if taken == 1 && hung.CompareAndSwap(false, true) {
					close(stop)
					return true
				}
				return false
			}}
		}, []string{"a@example.org", "b@example.org", "c@example.org"}},
		{"the server took a message, the run not told", func(stop chan<- struct{}, hung *atomic.Bool) smtptest.Options {
			return smtptest.Options{OnData: func(taken int) bool {
				if taken == 2 && hung.CompareAndSwap(false, true) {
					close(stop)
					return true
				}
				return false
			}}
		}, []string{"a@example.org", "b@example.org", "b@example.org", "c@example.org"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			stop := make(chan struct{})
			var hung atomic.Bool // the server stops answering once
			srv := smtptest.Start(t, c.hang(stop, &hung))
			dir := genSite(t, 1200, 4)
			appendConfig(t, dir, fmt.Sprintf("newsletter_time: \"07:00\"\nsmtp:\n  host: %s\n  port: %d\n  from: news@hub.example.org\n"+
				"  to: [a@example.org, b@example.org, c@example.org]\n  starttls: false\n", srv.Host, srv.Port))
			if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
				t.Fatalf("import exit %d:\n%s", code, errs)
			}
			cmd := exec.Command(bin, "--site", dir, "newsletter", "--date", "2026-10-20")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			<-stop
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
				t.Fatalf("newsletter ended before the kill: %v", cmd.ProcessState)
			}
			if code, stdout, errs := run(t, "--site", dir, "newsletter", "--date", "2026-10-20"); code != 0 {
				t.Fatalf("newsletter again: exit %d\n%s\n%s", code, stdout, errs)
			}
			var mailed []string
			for _, m := range srv.Messages() {
				mailed = append(mailed, m.To...)
			}
			slices.Sort(mailed)
			if !slices.Equal(mailed, c.mailed) {
				t.Errorf("mailed, all told, to %q; want %q", mailed, c.mailed)
			}
		})
	}
}
