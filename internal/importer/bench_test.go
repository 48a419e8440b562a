package importer

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"newshub/internal/gen"
	"newshub/internal/store/sqlite"
)

// BenchmarkImport imports a generated site of 10,000 articles into a new
// database; the figure to read is records/s.
func BenchmarkImport(b *testing.B) {
	src := filepath.Join(b.TempDir(), "site")
	st, err := gen.Generate(context.Background(), src, gen.Options{Articles: 10000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; b.Loop(); i++ {
		db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), fmt.Sprint(i, ".db")))
		if err != nil {
			b.Fatal(err)
		}
		res, err := Import(context.Background(), db, src, Options{})
		db.Close()
		if err != nil || len(res.Rejected) > 0 {
			b.Fatalf("import: %v, %d rejected", err, len(res.Rejected))
		}
	}
	b.ReportMetric(float64(st.Files)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
