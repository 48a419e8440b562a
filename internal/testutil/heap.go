package testutil

import (
	"runtime"
	"runtime/metrics"
	"time"
)

// LiveHeap returns the heap in use, in bytes, after two collections (the
// second frees what finalizers of the first let go).
func LiveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// LiveHeapPeak samples the live heap (as the last collection found it)
// until the returned function is called, which returns the largest seen,
// in bytes: what a piece of work held at once, for benchmarks to report.
func LiveHeapPeak() (stop func() uint64) {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
		var high uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			high = max(high, sample[0].Value.Uint64())
			select {
			case <-done:
				peak <- high
				return
			case <-tick.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		return <-peak
	}
}
