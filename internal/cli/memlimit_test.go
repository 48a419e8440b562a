package cli

import (
	"runtime/debug"
	"testing"
)

// An ingest round curates under the lower limit and fetches under the
// higher one; GOMEMLIMIT, when set, holds throughout. Not parallel: the
// limit is the process's.
func TestCurationLowersTheMemoryLimitUntilItEnds(t *testing.T) {
	was := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(was)
	env := &Env{Getenv: func(string) string { return "" }}
	curating := env.curationMemoryLimit(216<<20, 200<<20)
	for _, step := range []struct {
		on   bool
		want int64
	}{{true, 200 << 20}, {false, 216 << 20}, {true, 200 << 20}, {false, 216 << 20}} {
		curating(step.on)
		if got := debug.SetMemoryLimit(-1); got != step.want {
			t.Fatalf("curating(%v): limit %d MiB, want %d MiB", step.on, got>>20, step.want>>20)
		}
	}
	env.Getenv = func(k string) string {
		if k == "GOMEMLIMIT" {
			return "300MiB"
		}
		return ""
	}
	if env.curationMemoryLimit(216<<20, 200<<20) != nil {
		t.Error("with GOMEMLIMIT set, curation changes the limit")
	}
}
