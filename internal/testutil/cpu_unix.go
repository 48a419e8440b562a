//go:build unix

package testutil

import (
	"os"
	"runtime"
	"syscall"
	"time"
)

// CPUTime returns the CPU time (user and system) the process has used, so
// a benchmark can report work done apart from waiting on a busy machine.
// It is 0 where the system does not tell.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PeakRSS returns the peak resident set, in bytes, of the finished process
// ps, or 0 where the system does not tell.
func PeakRSS(ps *os.ProcessState) int64 {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return 0
	}
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return int64(ru.Maxrss) // bytes there, kilobytes elsewhere
	}
	return int64(ru.Maxrss) << 10
}
