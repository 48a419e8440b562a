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

// TestIngestMemoryLimitsFollowTheStore checks that a round into
// PostgreSQL, which holds no SQLite caches in the process, runs under the
// higher limit throughout, and one into SQLite under its two limits.
func TestIngestMemoryLimitsFollowTheStore(t *testing.T) {
	for _, tc := range []struct {
		dsn           string
		fetch, curate int64
	}{
		{"sqlite:/srv/hub/.newshub/newshub.db", 216 << 20, 200 << 20},
		{"postgres://newshub@127.0.0.1:5432/hub", 320 << 20, 320 << 20},
		{"postgresql://newshub@db/hub?sslmode=require", 320 << 20, 320 << 20},
	} {
		fetch, curate := ingestMemoryLimits(tc.dsn)
		if fetch != tc.fetch || curate != tc.curate {
			t.Errorf("%s: limits %d and %d MiB, want %d and %d MiB", tc.dsn, fetch>>20, curate>>20, tc.fetch>>20, tc.curate>>20)
		}
	}
}
