package newsletter

import (
	"context"
	"testing"
)

// BenchmarkCompose reads a day's leads from a store of 6,000 articles.
func BenchmarkCompose(b *testing.B) {
	h := sharedHub(b)
	for b.Loop() {
		if _, err := Compose(context.Background(), h.st, h.site, Date{2026, 10, 14}, testOptions()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRender renders an issue as the record (with its HTML body) and
// the text part.
func BenchmarkRender(b *testing.B) {
	is := composeDay(b, sharedHub(b), Date{2026, 10, 14})
	for b.Loop() {
		if _, err := is.Record(); err != nil {
			b.Fatal(err)
		}
		if _, err := is.Text(); err != nil {
			b.Fatal(err)
		}
	}
}
