package storetest

// The stores' benchmarks: each store's bench_test.go runs them with a
// function that opens a new store of its kind, so their figures compare.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// benchVocab is the vocabulary of generated titles and excerpts: made-up
// words drawn with a Zipf distribution, as words are in real text, so a
// few are in most articles and most are rare.
var benchVocab = func() []string {
	words := make([]string, 5000)
	for i := range words {
		words[i] = fmt.Sprintf("w%dx", i)
	}
	return words
}()

var benchTopics = []string{"Donald Trump", "Joe Biden", "Kamala Harris", "Mike Pence", "Democratic Voice",
	"Republican Voice", "Independent Voice", "Senate Races", "House Races", "Polls"}

// benchArticle builds the i-th of a generated set of news records shaped
// like imported ones: about 2 KB of file bytes, three or four topics.
func benchArticle(rng *rand.Rand, zipf *rand.Zipf, i int) *model.Record {
	words := func(n int) string {
		w := make([]string, n)
		for j := range w {
			w[j] = benchVocab[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	at := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 7 * time.Minute)
	slug := fmt.Sprintf("%s-%d", strings.ReplaceAll(words(5), " ", "-"), i)
	url := "https://www.example" + fmt.Sprint(i%50) + ".com/politics/" + slug
	published := i%3 != 0
	heat := -1
	if published {
		heat = 100 + rng.IntN(200)
	}
	a := &model.Article{
		Category: "news", Title: words(10), Excerpt: words(35), PublishedDateTime: at,
		OriginalURL: url, WebURL: url, AmpWebURL: url + "/amp", Type: "article",
		Quality: 80 + rng.IntN(80), Heat: heat, Published: published,
		Provider: model.Provider{Name: fmt.Sprintf("Example %d News", i%50), Domain: fmt.Sprintf("example%d.com", i%50),
			Images: []model.Image{{URL: "https://cdn.example.com/logo.jpg", Width: 50, Height: 50}}},
		Topics:       []string{"Election", benchTopics[i%len(benchTopics)], benchTopics[(i/7)%len(benchTopics)]},
		Images:       []model.Image{{URL: url + "/image.jpg", Width: 1200, Height: 800}},
		Secured:      strings.Repeat("x", 400),
		CanonicalURL: url, Story: fmt.Sprintf("s-%d", i/3),
	}
	rec := &model.Record{Path: "_news/" + at.Format("2006-01-02") + "-" + slug + ".md", Kind: model.KindNews, Article: a}
	raw, _ := rec.MarshalValue() // stands in for the YAML file: similar size
	rec.Raw = append(append([]byte("---\n"), raw...), "\n---\n"...)
	return rec
}

func benchArticles(n int) []*model.Record {
	rng := rand.New(rand.NewPCG(1, 2))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(benchVocab)-1))
	recs := make([]*model.Record, n)
	for i := range recs {
		recs[i] = benchArticle(rng, zipf, i)
	}
	return recs
}

// reportRate reports n records done in the benchmark's time and since the
// CPU time cpu0.
func reportRate(b *testing.B, n int, cpu0 time.Duration) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	if cpu := testutil.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "records/cpu-s")
	}
}

// reportCPU reports the CPU time per op since cpu0.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	if cpu := testutil.CPUTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchUpsertNews measures importing news in batches of 1000 into a
// growing database; one op is one batch.
func BenchUpsertNews(b *testing.B, open func(testing.TB) store.Store) {
	benchUpsertNews(b, open, benchArticles(20*1000))
}

// BenchUpsertNewsCJK is BenchUpsertNews with titles and excerpts in
// Japanese and Chinese, written without spaces between words, whose runs
// the search index reads as overlapping pairs of characters.
func BenchUpsertNewsCJK(b *testing.B, open func(testing.TB) store.Store) {
	pool := benchArticles(20 * 1000)
	rng := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(benchCJKVocab)-1))
	words := func(n int) string {
		var w strings.Builder
		for j := range n {
			w.WriteString(benchCJKVocab[zipf.Uint64()])
			if j%8 == 7 {
				w.WriteString("、")
			}
		}
		return w.String() + "。"
	}
	for _, r := range pool {
		r.Article.Title, r.Article.Excerpt = words(10), words(35)
	}
	benchUpsertNews(b, open, pool)
}

// benchCJKVocab is the vocabulary of generated CJK text: made-up words of
// two or three characters drawn from the common Han and katakana blocks.
var benchCJKVocab = func() []string {
	rng := rand.New(rand.NewPCG(5, 6))
	words := make([]string, 5000)
	for i := range words {
		var w []rune
		for range 2 + i%2 {
			if i%4 == 0 {
				w = append(w, rune(0x30A1+rng.IntN(0x5A))) // katakana
			} else {
				w = append(w, rune(0x4E00+rng.IntN(0x5000))) // Han
			}
		}
		words[i] = string(w)
	}
	return words
}()

// benchUpsertNews measures importing pool in batches of 1000 into a
// growing database; one op is one batch.
func benchUpsertNews(b *testing.B, open func(testing.TB) store.Store, pool []*model.Record) {
	const batch = 1000
	ctx := context.Background()
	st := open(b)
	defer st.Close()
	cpu0 := testutil.CPUTime()
	for i := 0; b.Loop(); i++ {
		recs := pool[(i%20)*batch : (i%20+1)*batch]
		if i >= 20 { // past the pool: fresh paths, as in an import
			b.StopTimer()
			for _, r := range recs {
				r.Path = strings.Replace(r.Path, ".md", "-x.md", 1)
			}
			b.StartTimer()
		}
		if err := st.Upsert(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N*batch, cpu0)
}

// BenchLoad measures filling an empty store with 20,000 news in batches
// of 2,000, with BulkLoad when bulk is set (and the store has it), else
// one Upsert after another; one op is the whole load, indexes included.
func BenchLoad(b *testing.B, open func(testing.TB) store.Store, bulk bool) {
	const n, batch = 20000, 2000
	ctx := context.Background()
	pool := benchArticles(n)
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		st := open(b)
		b.StartTimer()
		cpu0 := testutil.CPUTime()
		load := func(ctx context.Context) error {
			for i := 0; i < n; i += batch {
				if err := st.Upsert(ctx, pool[i:i+batch]); err != nil {
					return err
				}
			}
			return nil
		}
		var err error
		if bl, ok := st.(store.BulkLoader); ok && bulk {
			err = bl.BulkLoad(ctx, load)
		} else {
			err = load(ctx)
		}
		if err != nil {
			b.Fatal(err)
		}
		cpu += testutil.CPUTime() - cpu0
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "records/cpu-s")
	}
}

// BenchUpsertReplace measures re-importing stored records whose heat
// has changed: every record is rewritten with its topics and text.
func BenchUpsertReplace(b *testing.B, open func(testing.TB) store.Store) {
	benchReimport(b, open, true)
}

// BenchUpsertUnchanged measures re-importing stored records as they
// are, as a second import of the same site does.
func BenchUpsertUnchanged(b *testing.B, open func(testing.TB) store.Store) {
	benchReimport(b, open, false)
}

func benchReimport(b *testing.B, open func(testing.TB) store.Store, change bool) {
	const batch = 1000
	ctx := context.Background()
	st := open(b)
	defer st.Close()
	pool := benchArticles(10 * batch)
	for i := 0; i < 10; i++ {
		if err := st.Upsert(ctx, pool[i*batch:(i+1)*batch]); err != nil {
			b.Fatal(err)
		}
	}
	cpu0 := testutil.CPUTime()
	for i := 0; b.Loop(); i++ {
		recs := pool[(i%10)*batch : (i%10+1)*batch]
		if change {
			b.StopTimer()
			for _, r := range recs {
				r.Article.Heat++
				r.Raw = append(r.Raw[:len(r.Raw):len(r.Raw)], ' ')
			}
			b.StartTimer()
		}
		if err := st.Upsert(ctx, recs); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N*batch, cpu0)
}

// seeded opens a store holding n generated news records.
func seeded(b *testing.B, open func(testing.TB) store.Store, n int) store.Store {
	b.Helper()
	ctx := context.Background()
	st := open(b)
	recs := benchArticles(n)
	for i := 0; i < n; i += 1000 {
		if err := st.Upsert(ctx, recs[i:min(i+1000, n)]); err != nil {
			b.Fatal(err)
		}
	}
	return st
}

// BenchNews measures API pages of 30 from 100,000 records: a topic's
// published news newest first at depths up to page 10, the same for the
// root topic every record carries, a topic by heat, and top stories by heat.
func BenchNews(b *testing.B, open func(testing.TB) store.Store) {
	st := seeded(b, open, 100_000)
	defer st.Close()
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    func(i int) store.NewsQuery
	}{
		{"topic-page", func(i int) store.NewsQuery {
			return store.NewsQuery{Topic: benchTopics[i%len(benchTopics)], PublishedOnly: true, Offset: (i % 10) * 30, Limit: 30}
		}},
		{"root-topic-page", func(i int) store.NewsQuery {
			return store.NewsQuery{Topic: "Election", PublishedOnly: true, Offset: (i % 10) * 30, Limit: 30}
		}},
		{"topic-by-heat", func(i int) store.NewsQuery {
			return store.NewsQuery{Topic: benchTopics[i%len(benchTopics)], PublishedOnly: true, Order: store.ByHeat, Limit: 30}
		}},
		{"all-by-heat", func(int) store.NewsQuery {
			return store.NewsQuery{PublishedOnly: true, Order: store.ByHeat, Limit: 30}
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			cpu0 := testutil.CPUTime()
			for i := 0; b.Loop(); i++ {
				recs, err := st.News(ctx, bc.q(i))
				if err != nil {
					b.Fatal(err)
				}
				if len(recs) != 30 {
					b.Fatalf("page of %d records", len(recs))
				}
			}
			reportCPU(b, cpu0)
		})
	}
}

// BenchSearch measures a search with its total from 100,000 records,
// for a word in about a third of them, a rarer one, and the rarer one in a
// topic (which reads every match's record).
func BenchSearch(b *testing.B, open func(testing.TB) store.Store) {
	st := seeded(b, open, 100_000)
	defer st.Close()
	ctx := context.Background()
	for _, bc := range []struct {
		name string
		q    store.SearchQuery
	}{
		{"common", store.SearchQuery{Text: benchVocab[2], Limit: 30}},
		{"rare", store.SearchQuery{Text: benchVocab[300], Limit: 30}},
		{"rare-in-topic", store.SearchQuery{Text: benchVocab[300], Topic: benchTopics[0], Limit: 30}},
		{"two-words", store.SearchQuery{Text: benchVocab[5] + " " + benchVocab[40], Limit: 30}},
	} {
		res, err := st.Search(ctx, bc.q)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s-%dhits", bc.name, res.Total), func(b *testing.B) {
			cpu0 := testutil.CPUTime()
			for b.Loop() {
				if _, err := st.Search(ctx, bc.q); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpu0)
		})
	}
}

// BenchScanRaw measures reading every record's file bytes, as export
// does; one op is the whole store of 20,000 records.
func BenchScanRaw(b *testing.B, open func(testing.TB) store.Store) {
	const n = 20_000
	st := seeded(b, open, n)
	defer st.Close()
	ctx := context.Background()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		count := 0
		if err := st.ScanRaw(ctx, nil, func(string, model.Kind, []byte) error { count++; return nil }); err != nil {
			b.Fatal(err)
		}
		if count != n {
			b.Fatalf("scanned %d of %d", count, n)
		}
	}
	reportRate(b, b.N*n, cpu0)
}

// BenchScan is BenchScanRaw with every value decoded.
func BenchScan(b *testing.B, open func(testing.TB) store.Store) {
	const n = 20_000
	st := seeded(b, open, n)
	defer st.Close()
	ctx := context.Background()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		if err := st.Scan(ctx, nil, func(*model.Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	reportRate(b, b.N*n, cpu0)
}

// BenchNewsAll measures reading every news record's value in one listing,
// as the served hub view does when it loads; one op is 20,000 records.
func BenchNewsAll(b *testing.B, open func(testing.TB) store.Store) {
	const n = 20_000
	st := seeded(b, open, n)
	defer st.Close()
	ctx := context.Background()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		recs, err := st.News(ctx, store.NewsQuery{NoRaw: true})
		if err != nil {
			b.Fatal(err)
		}
		if len(recs) != n {
			b.Fatalf("listed %d of %d", len(recs), n)
		}
	}
	reportRate(b, b.N*n, cpu0)
}

// BenchGeneration measures reading the generation, which servers poll.
func BenchGeneration(b *testing.B, open func(testing.TB) store.Store) {
	st := seeded(b, open, 1000)
	defer st.Close()
	ctx := context.Background()
	cpu0 := testutil.CPUTime()
	for b.Loop() {
		if _, err := st.Generation(ctx); err != nil {
			b.Fatal(err)
		}
	}
	reportCPU(b, cpu0)
}
