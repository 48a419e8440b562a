//go:build race

package fetcher

// raceEnabled: the race detector drops a share of what a sync.Pool is
// given, on purpose, so reuse cannot be counted under it.
const raceEnabled = true
