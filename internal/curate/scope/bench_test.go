// The benchmarks read a generated hub, whose generator curates with this
// package: they are an external test so the imports make no cycle.
package scope_test

import (
	"bufio"
	"encoding/json"
	"os"
	"strconv"
	"sync"
	"testing"

	"newshub/internal/curate/scope"
	"newshub/internal/gen"
	"newshub/internal/model"
)

// genStream returns n articles of a generated hub (an election hub with
// dozens of publishers, stories and sections) and its root topic.
var genStream = sync.OnceValues(func() ([]scope.Article, scope.Hub) {
	var arts []scope.Article
	var hub scope.Hub
	err := gen.Records(gen.Options{Articles: 100000, Seed: 1}, func(r *model.Record) error {
		switch {
		case r.Article != nil:
			a := r.Article
			arts = append(arts, scope.Article{Title: a.Title, Excerpt: a.Excerpt, URL: a.OriginalURL, Provider: a.Provider.Domain})
		case r.Topic != nil && r.Topic.Parent == "":
			hub = scope.Hub{Topic: r.Topic.Name, Keywords: r.Topic.Keywords, Hashtags: r.Topic.Hashtags}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	return arts, hub
})

// BenchmarkDecide measures deciding an arriving article with a gate that
// has learned from 20,000 articles.
func BenchmarkDecide(b *testing.B) {
	arts, hub := genStream()
	g := scope.New(hub)
	for _, a := range arts[:20000] {
		g.Observe(a)
	}
	rest := arts[20000:]
	i := 0
	for b.Loop() {
		g.Decide(rest[i%len(rest)])
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkLearn100k measures a fresh gate learning from 100,000 articles
// with their decisions, as a hub rebuilds its gate from the store.
func BenchmarkLearn100k(b *testing.B) {
	arts, hub := genStream()
	labels := make([]scope.Label, len(arts))
	g := scope.New(hub)
	for i, a := range arts {
		labels[i] = g.Observe(a).Label()
	}
	for b.Loop() {
		g := scope.New(hub)
		for i, a := range arts {
			g.Learn(a, labels[i])
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/100k")
}

// BenchmarkObserve100k measures deciding and learning 100,000 arriving
// articles in turn, as ingestion and the scope command do.
func BenchmarkObserve100k(b *testing.B) {
	arts, hub := genStream()
	for b.Loop() {
		g := scope.New(hub)
		for _, a := range arts {
			g.Observe(a)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/100k")
}

// TestWriteStream writes the benchmark articles as JSON lines for timing
// the scope command: NEWSHUB_SCOPE_STREAM=FILE go test -run TestWriteStream.
func TestWriteStream(t *testing.T) {
	out := os.Getenv("NEWSHUB_SCOPE_STREAM")
	if out == "" {
		t.Skip("set NEWSHUB_SCOPE_STREAM=FILE to write 100,000 generated articles")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	arts, _ := genStream()
	for i, a := range arts {
		if err := enc.Encode(map[string]string{"id": strconv.Itoa(i), "title": a.Title, "excerpt": a.Excerpt, "url": a.URL, "provider": a.Provider}); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}
