package newsletter

import (
	"context"
	"testing"

	"newshub/internal/curate"
	"newshub/internal/model"
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
	h := genHub(b, 6000, func(r *model.Record) {
		if a := r.Article; a != nil {
			a.CanonicalURL = curate.CanonicalURL(a.OriginalURL)
		}
	})
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
