//go:build !unix

package testutil

import (
	"os"
	"time"
)

// CPUTime returns 0: the CPU time of the process is not measured on this
// system, and benchmarks leave out the figures built on it.
func CPUTime() time.Duration { return 0 }

// PeakRSS returns 0: the peak resident set of a process is not measured on
// this system.
func PeakRSS(ps *os.ProcessState) int64 { return 0 }
