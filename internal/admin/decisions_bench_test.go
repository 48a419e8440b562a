package admin

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
)

// goneHides returns n hides of articles not stored (an archive's worth
// of months), each of another article, or with undone each hide followed
// by its unhide.
func goneHides(n int, undone bool) []model.Decision {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	ds := make([]model.Decision, n)
	for i := range ds {
		d := model.Decision{Action: editorial.Hide, Article: fmt.Sprintf("https://gone.example/%d", i), By: "ada", At: at.Add(time.Duration(i) * time.Minute), Note: "a press release"}
		if undone {
			d.Article = fmt.Sprintf("https://gone.example/%d", i/2)
			if i%2 == 1 {
				d.Action, d.Note = editorial.Unhide, ""
			}
		}
		ds[i] = d
	}
	return ds
}

// writeLog writes ds as the hub's decisions file.
func writeLog(tb testing.TB, dir string, ds []model.Decision) {
	tb.Helper()
	b := []byte("decisions:\n")
	var err error
	for _, d := range ds {
		if b, err = content.AppendDecision(b, d); err != nil {
			tb.Fatal(err)
		}
	}
	if err := os.WriteFile(editorial.File(dir), b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// addFreshFeed lists a feed that gives a new item at every fetch, so
// that each round curates an arrival.
func addFreshFeed(tb testing.TB, f *fixture) {
	tb.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := n.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Fresh</title><link>https://fresh.example/</link>
<item><title>Senate votes on border bill, round %[1]d</title><link>https://fresh.example/senate-%[1]d</link><guid>f-%[1]d</guid>
<description>The Senate votes on the border security bill again, round %[1]d of the debate.</description><pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate></item>
</channel></rss>`, i)
	}))
	tb.Cleanup(srv.Close)
	ctx := context.Background()
	list, err := sources.Load(ctx, f.st, f.dir)
	if err != nil {
		tb.Fatal(err)
	}
	if err := list.Add(model.Source{URL: srv.URL + "/fresh.xml", Provider: "fresh.example"}); err != nil {
		tb.Fatal(err)
	}
	if err := list.Save(ctx, f.st, f.dir); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkDecisions measures, for logs of growing length, what a hub
// pays for its editors' decisions: reading and compiling them, an ingest
// round's curation, and the admin's decisions page.
func BenchmarkDecisions(b *testing.B) {
	for _, n := range []int{10, 1000, 10000, 50000} {
		f := newFixture(b, nil)
		writeLog(b, f.dir, goneHides(n, true))
		ctx := context.Background()
		b.Run(fmt.Sprintf("compile/%d", n), func(b *testing.B) {
			for b.Loop() {
				log, err := editorial.Load(ctx, f.st, f.dir)
				if err != nil {
					b.Fatal(err)
				}
				editorial.Compile(log.Decisions, curate.CanonicalURL)
			}
		})
		in := newIngester(f.hubSite, f.st, f.dir, f.clock.now, true)
		addFreshFeed(b, f)
		// The first round applies the log written by hand (syncDecisions);
		// the rounds measured are those after.
		if _, err := in.RunOnce(ctx); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("round/%d", n), func(b *testing.B) {
			for b.Loop() {
				if sum, err := in.RunOnce(ctx); err != nil || sum.New != 1 {
					b.Fatalf("round: %+v %v", sum, err)
				}
			}
		})
		in.Close()
		c := f.signedIn(b)
		b.Run(fmt.Sprintf("page/%d", n), func(b *testing.B) {
			for b.Loop() {
				if w := c.do("GET", Prefix+"decisions/", nil); w.Code != http.StatusOK {
					b.Fatalf("GET decisions: %d", w.Code)
				}
			}
		})
	}
}
