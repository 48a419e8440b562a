package ingest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// genServer serves feeds of n items each, with an ETag, and a small page
// per item.
func genServer(b *testing.B, items int) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nDisallow:\n")) })
	var base string
	mux.HandleFunc("/feeds/{n}", func(w http.ResponseWriter, r *http.Request) {
		n := r.PathValue("n")
		etag := `"` + n + `"`
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ` + n + `</title><link>` + base + `/</link>`)
		for i := 0; i < items; i++ {
			fmt.Fprintf(&sb, `<item><title>Story %s %d about ballots votes %d</title><link>%s/p/%s/%d</link><guid isPermaLink="false">%s-%d</guid><pubDate>%s</pubDate><description>Text of story %d in feed %s, with some words.</description></item>`,
				n, i, i*7, base, n, i, n, i, time.Now().Add(-time.Duration(i)*time.Hour).Format(time.RFC1123Z), i, n)
		}
		sb.WriteString(`</channel></rss>`)
		w.Write([]byte(sb.String()))
	})
	mux.HandleFunc("/p/{n}/{i}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><head><meta property="og:image" content="/img/%s/%s.jpg"><meta property="og:image:width" content="1200"><meta property="og:image:height" content="630"><link rel="amphtml" href="/amp/p/%s/%s"></head><body>text</body></html>`,
			r.PathValue("n"), r.PathValue("i"), r.PathValue("n"), r.PathValue("i"))
	})
	srv := httptest.NewServer(mux)
	base = srv.URL
	return srv
}

// BenchmarkRunOnce measures a first round (every item new, pages read,
// curated and stored) and a second round (all 304) over feeds served in
// process. bench/ingest.sh measures the command over 1,000 feeds served
// by a separate process.
func BenchmarkRunOnce(b *testing.B) {
	const feeds, items = 20, 50
	srv := genServer(b, items)
	defer srv.Close()
	var srcs []model.Source
	for i := 0; i < feeds; i++ {
		srcs = append(srcs, model.Source{URL: srv.URL + "/feeds/" + strconv.Itoa(i)})
	}
	opts := testOptions()
	opts.All = true
	opts.Fetch.PerHostConcurrency = 16 // one test server stands in for many hosts
	for b.Loop() {
		b.StopTimer()
		h := newHub(b, true, srcs...)
		in := h.ingester(opts)
		b.StartTimer()
		first, err := in.RunOnce(context.Background())
		if err != nil || first.New != feeds*items {
			b.Fatalf("first round %+v %v", first, err)
		}
		second, err := in.RunOnce(context.Background())
		if err != nil || second.NotModified != feeds {
			b.Fatalf("second round %+v %v", second, err)
		}
		b.StopTimer()
		in.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(feeds*items), "articles/op")
}
