//go:build !unix

package web

import "time"

// cpuTime is not measured where getrusage is not available.
func cpuTime() time.Duration { return 0 }
