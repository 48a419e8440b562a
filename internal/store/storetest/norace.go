//go:build !race

package storetest

// raceDivisor is 1 without the race detector: the concurrency test runs at
// full size.
const raceDivisor = 1
