package sqlite

import (
	"testing"

	"newshub/internal/store"
	"newshub/internal/store/storetest"
)

// openBench opens a store for a benchmark.
func openBench(tb testing.TB) store.Store { return openTemp(tb) }

func BenchmarkUpsertNews(b *testing.B)      { storetest.BenchUpsertNews(b, openBench) }
func BenchmarkUpsertNewsCJK(b *testing.B)   { storetest.BenchUpsertNewsCJK(b, openBench) }
func BenchmarkUpsertReplace(b *testing.B)   { storetest.BenchUpsertReplace(b, openBench) }
func BenchmarkUpsertUnchanged(b *testing.B) { storetest.BenchUpsertUnchanged(b, openBench) }
func BenchmarkNews(b *testing.B)            { storetest.BenchNews(b, openBench) }
func BenchmarkSearch(b *testing.B)          { storetest.BenchSearch(b, openBench) }
func BenchmarkScanRaw(b *testing.B)         { storetest.BenchScanRaw(b, openBench) }
func BenchmarkScan(b *testing.B)            { storetest.BenchScan(b, openBench) }
func BenchmarkNewsAll(b *testing.B)         { storetest.BenchNewsAll(b, openBench) }
func BenchmarkGeneration(b *testing.B)      { storetest.BenchGeneration(b, openBench) }

func BenchmarkLoad(b *testing.B)     { storetest.BenchLoad(b, openBench, false) }
func BenchmarkBulkLoad(b *testing.B) { storetest.BenchLoad(b, openBench, true) }
