//go:build unix

package curate

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used, so a
// benchmark can report work done apart from waiting on a busy machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
