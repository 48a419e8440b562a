package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"newshub/internal/gen"
)

// BenchmarkExport exports a store of 10,000 articles into a new folder.
func BenchmarkExport(b *testing.B) {
	src := filepath.Join(b.TempDir(), "site")
	st, err := gen.Generate(context.Background(), src, gen.Options{Articles: 10000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	db := "sqlite:" + filepath.Join(b.TempDir(), "hub.db")
	if code, _, errs := runB(b, "--db", db, "import", src); code != 0 {
		b.Fatalf("import exit %d: %s", code, errs)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(b.TempDir(), fmt.Sprint("out", i))
		if code, _, errs := runB(b, "--db", db, "export", out); code != 0 {
			b.Fatalf("export exit %d: %s", code, errs)
		}
	}
	b.ReportMetric(float64(st.Files)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

func runB(b *testing.B, args ...string) (int, string, string) {
	b.Helper()
	var out, errs limitedBuffer
	code := Run(context.Background(), args, &out, &errs, func(string) string { return "" })
	return code, out.String(), errs.String()
}

// limitedBuffer keeps the last few KB written.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.b = append(l.b, p...)
	if len(l.b) > 8192 {
		l.b = l.b[len(l.b)-8192:]
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }
