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

// BenchmarkRefresh looks up the articles of 180 issues of a 6,000-article
// hub when none changed state: what a round pays to follow the topic
// gate's changes of mind.
func BenchmarkRefresh(b *testing.B) {
	ctx := context.Background()
	h := curatedHub(b, 6000)
	issues := 0
	for d := DateOf(genUntil).AddDays(-180); d.Before(DateOf(genUntil)); d = d.AddDays(1) {
		is, _, err := Write(ctx, h.st, h.site, h.dir, d, testOptions())
		if err != nil {
			b.Fatal(err)
		}
		if is != nil {
			issues++
		}
	}
	b.ReportMetric(float64(issues), "issues")
	for b.Loop() {
		if written, err := Refresh(ctx, h.st, h.dir); err != nil || len(written) != 0 {
			b.Fatalf("Refresh wrote %v (%v)", written, err)
		}
	}
}
