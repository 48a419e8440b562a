//go:build race

package storetest

// raceDivisor shrinks the concurrency test under the race detector, which
// checks every memory access and makes its readers and writer many times
// slower.
const raceDivisor = 4
