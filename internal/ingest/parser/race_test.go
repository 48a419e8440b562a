//go:build race

package parser

// raceEnabled: the race detector allocates for what it tracks, and its
// allocations count in the totals the allocation bounds read.
const raceEnabled = true
