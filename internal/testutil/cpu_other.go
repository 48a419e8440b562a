//go:build !unix

package testutil

import "time"

// CPUTime returns 0: the CPU time of the process is not measured on this
// system, and benchmarks leave out the figures built on it.
func CPUTime() time.Duration { return 0 }
