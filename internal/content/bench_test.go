package content

import (
	"testing"
)

const benchNews = "_news/2020-09-13-how-kamala-harriss-immigrant-parents-found-a-home-and-each-other-in-a-black-study-group.md" // 5 related items

func benchRecord(b *testing.B) (string, []byte) {
	files := sampleFiles(b)
	data, ok := files[benchNews]
	if !ok {
		b.Fatalf("%s missing from the sample", benchNews)
	}
	return benchNews, data
}

// BenchmarkParseNews parses one typical news record (several related items).
func BenchmarkParseNews(b *testing.B) {
	p, data := benchRecord(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(p, data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRenderNews renders one news record after a change of heat.
func BenchmarkRenderNews(b *testing.B) {
	p, data := benchRecord(b)
	rec, err := Parse(p, data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		rec.Raw = data
		rec.Article.Heat = i
		if err := Render(rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkParseSample parses every sample record once per iteration.
func BenchmarkParseSample(b *testing.B) {
	files := sampleFiles(b)
	size := 0
	for _, data := range files {
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for p, data := range files {
			if _, err := Parse(p, data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.N*len(files))/b.Elapsed().Seconds(), "records/s")
}

// BenchmarkRenderNewsRelated renders a record of a story with 300 related
// entries after curation added one, as the large records of a hub's
// busiest stories are.
func BenchmarkRenderNewsRelated(b *testing.B) {
	data := []byte(quirkNews("title: \"T\"\npublishedDateTime: 2020-09-07T10:00:00Z\nwebUrl: \"https://example.com/t\"\n", quirkProvider+quirkRelated(300)))
	rec, err := Parse("_news/2020-09-07-t.md", data)
	if err != nil {
		b.Fatal(err)
	}
	prior := rec.Article.Related
	extra := prior[len(prior)-1]
	extra.WebURL, extra.Quality = "https://late.example.net/story", 1
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		rec.Raw = data
		rec.Article.Related = append(prior[:len(prior):len(prior)], extra)
		if err := Render(rec); err != nil {
			b.Fatal(err)
		}
	}
}
