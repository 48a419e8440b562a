package ingest

import (
	"os"
	"runtime/pprof"
)

// StartProfile is temporary.
func StartProfile() func() {
	p := os.Getenv("NEWSHUB_CPUPROFILE")
	if p == "" {
		return func() {}
	}
	f, _ := os.Create(p)
	pprof.StartCPUProfile(f)
	return func() { pprof.StopCPUProfile(); f.Close() }
}
