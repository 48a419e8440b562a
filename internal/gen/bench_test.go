package gen

import (
	"context"
	"path/filepath"
	"testing"

	"newshub/internal/content"
	"newshub/internal/model"
)

// BenchmarkRecords measures building the records of a 10,000-article site.
func BenchmarkRecords(b *testing.B) {
	for b.Loop() {
		n := 0
		if err := Records(Options{Articles: 10000, Seed: 1}, func(r *model.Record) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecordsRendered adds rendering each record to its bytes.
func BenchmarkRecordsRendered(b *testing.B) {
	for b.Loop() {
		if err := Records(Options{Articles: 10000, Seed: 1}, content.Render); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate writes a 10,000-article site, records and pictures, to
// a fresh folder each time: the file system's part is most of it.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Generate(context.Background(), filepath.Join(b.TempDir(), "site"), Options{Articles: 10000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}
