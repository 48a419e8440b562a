package publish

import (
	"context"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkLoad measures loading the view of a synthetic store.
func BenchmarkLoad(b *testing.B) {
	st, s := genStore(b, 3000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Load(context.Background(), st, s, genOptions()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(3000, "articles")
}

// BenchmarkBuild measures a first static build of a synthetic store (the
// scale figures come from bench/publish.sh).
func BenchmarkBuild(b *testing.B) {
	st, s := genStore(b, 3000)
	dir := b.TempDir()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		out := filepath.Join(dir, "out"+strconv.Itoa(i))
		i++
		stats, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions()})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(stats.Files), "files")
	}
}

// BenchmarkNewsPage measures rendering an uncached page of the news list.
func BenchmarkNewsPage(b *testing.B) {
	st, s := genStore(b, 3000)
	h, err := Load(context.Background(), st, s, genOptions())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := h.newsPage(h.leads, 2); err != nil {
			b.Fatal(err)
		}
	}
}
