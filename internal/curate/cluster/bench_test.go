package cluster

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"sort"
	"strings"
	"testing"
	"time"
)

// synthetic returns n generated articles: stories of 1 to 60 headlines,
// each drawing on a few story words (names, places) and a shared pool of
// common news words, published over a span of about n/2000 days so that a
// 72-hour window holds some 6,000 articles.
func synthetic(n int, seed uint64) []Doc {
	docs, _ := syntheticStories(n, seed)
	return docs
}

// syntheticStories is synthetic with the generated story of each id.
func syntheticStories(n int, seed uint64) ([]Doc, map[string]string) {
	r := rand.New(rand.NewPCG(seed, 1))
	syl := []string{"ka", "lo", "mi", "ren", "tor", "vax", "el", "do", "rin", "sa", "qu", "ber", "ny", "zo", "pal", "gu"}
	word := func(k int) string {
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		return b.String()
	}
	common := make([]string, 3000)
	for i := range common {
		common[i] = word(2 + r.IntN(2))
	}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Duration(n/2000+1) * 24 * time.Hour
	var docs []Doc
	gold := map[string]string{}
	for story := 0; len(docs) < n; story++ {
		specific := make([]string, 3+r.IntN(4))
		for i := range specific {
			specific[i] = strings.ToUpper(word(3)[:1]) + word(3)
		}
		at := start.Add(time.Duration(r.Int64N(int64(span))))
		size := 1 + r.IntN(60)
		for k := 0; k < size && len(docs) < n; k++ {
			var t []string
			for i := 0; i < 3; i++ {
				t = append(t, specific[r.IntN(len(specific))])
			}
			for i := 0; i < 4+r.IntN(6); i++ {
				// Zipf-like: low indexes are far more frequent.
				t = append(t, common[int(float64(len(common))*r.Float64()*r.Float64()*r.Float64())])
			}
			r.Shuffle(len(t), func(i, j int) { t[i], t[j] = t[j], t[i] })
			id := fmt.Sprintf("syn-%d", len(docs))
			gold[id] = fmt.Sprint(story)
			docs = append(docs, Doc{
				ID:        id,
				Title:     strings.Join(t, " "),
				URL:       "https://example.org/" + strings.ToLower(strings.Join(t[:4], "-")),
				Provider:  fmt.Sprintf("Provider %d", r.IntN(50)),
				Published: at.Add(time.Duration(r.IntN(36)) * time.Hour),
			})
		}
	}
	// Feeds deliver roughly in time order.
	sortByTime(docs)
	return docs, gold
}

func sortByTime(docs []Doc) {
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Published.Before(docs[j].Published) })
}

// TestSyntheticStoriesAcrossTheWindow clusters a stream long enough for
// articles to leave the window, and checks the generated stories come out.
func TestSyntheticStoriesAcrossTheWindow(t *testing.T) {
	docs, gold := syntheticStories(20000, 3)
	final := map[string]string{}
	c := New(Options{OnEvict: func(id, story string) { final[id] = story }})
	for _, d := range docs {
		c.Add(d)
	}
	c.Refine()
	if len(final) < len(docs)/2 {
		t.Fatalf("only %d of %d articles left the window", len(final), len(docs))
	}
	rows := make([]labeled, len(docs))
	pred := map[string]string{}
	for i, d := range docs {
		rows[i] = labeled{ID: d.ID, Story: gold[d.ID]}
		if pred[d.ID] = c.Story(d.ID); pred[d.ID] == "" {
			pred[d.ID] = final[d.ID]
		}
	}
	s := bcubed(rows, pred)
	t.Logf("synthetic stream, 20,000 articles over 11 days: %v", s)
	if s.P < 0.9 || s.F1 < 0.85 {
		t.Errorf("synthetic stream: %v, want P ≥ 0.9 and F1 ≥ 0.85", s)
	}
}

func BenchmarkAdd(b *testing.B) {
	docs := synthetic(20000, 1)
	b.ResetTimer()
	var c *Clusterer
	for i := 0; i < b.N; i++ {
		if i%len(docs) == 0 {
			c = New(Options{})
		}
		c.Add(docs[i%len(docs)])
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "articles/s")
}

func BenchmarkAddRefine(b *testing.B) {
	docs := synthetic(20000, 1)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c := New(Options{})
		for _, d := range docs {
			c.Add(d)
		}
		c.Refine()
	}
	b.ReportMetric(float64(b.N*len(docs))/b.Elapsed().Seconds(), "articles/s")
}

// TestWriteSynthetic writes the synthetic benchmark articles as JSON lines
// for timing the cluster command: NEWSHUB_SYNTHETIC=FILE go test -run TestWriteSynthetic.
func TestWriteSynthetic(t *testing.T) {
	out := os.Getenv("NEWSHUB_SYNTHETIC")
	if out == "" {
		t.Skip("set NEWSHUB_SYNTHETIC=FILE to write 100,000 synthetic articles")
	}
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	enc := json.NewEncoder(w)
	for _, d := range synthetic(100000, 1) {
		err := enc.Encode(map[string]string{
			"id": d.ID, "title": d.Title, "url": d.URL, "provider": d.Provider,
			"publishedDateTime": d.Published.Format(time.RFC3339),
		})
		if err != nil {
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
