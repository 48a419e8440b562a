package pagemeta

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse reads every page of testdata once per op: the templates
// ingest meets (Open Graph, JSON-LD graphs, legacy encodings, broken
// markup), for a rate in pages a second.
func BenchmarkParse(b *testing.B) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.html"))
	if err != nil || len(files) == 0 {
		b.Fatalf("no pages in testdata: %v", err)
	}
	pages := make([][]byte, len(files))
	size := 0
	for i, f := range files {
		if pages[i], err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
		size += len(pages[i])
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	titled := 0
	for b.Loop() {
		titled = 0
		for _, p := range pages {
			if Parse(p, "text/html", "https://news.example/2024/11/05/story").Title != "" {
				titled++
			}
		}
	}
	if titled == 0 {
		b.Fatal("no page gave a title")
	}
	b.ReportMetric(float64(len(pages)*b.N)/b.Elapsed().Seconds(), "pages/s")
}
