package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// load sends GET requests at a steady rate, whatever the answers take (an
// open loop: a slow server does not slow the load, so its latency shows),
// over a mix of API documents, feeds and website pages that follows the
// hub's content: the paths of articles and stories are discovered from
// the API as ingest adds them.
type load struct {
	base   string
	rate   float64
	client *http.Client
	start  time.Time

	mu        sync.Mutex
	paths     []target // the mix, refreshed by discover
	next      int
	api, page []float64 // latencies of the window, milliseconds
	errors    int
	gone      int
	inFlight  int
	out       io.Writer // requests.tsv
	wg        sync.WaitGroup
}

// target is one path of the mix; a discovered one may go away (404) as
// stories are reclustered.
type target struct {
	path       string
	kind       string // "api" (documents and feeds) or "page"
	discovered bool
}

// maxInFlight bounds the requests waiting for an answer: past it the
// server is not keeping up, and each request not sent counts as an error.
const maxInFlight = 256

func newLoad(base string, rate float64, out io.Writer, start time.Time) *load {
	tr := &http.Transport{
		MaxIdleConnsPerHost: 64, DisableCompression: true,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	fmt.Fprintln(out, "t_ms\tkind\tstatus\tms\tpath")
	return &load{base: strings.TrimSuffix(base, "/"), rate: rate, out: out, start: start,
		client: &http.Client{Transport: tr, Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// discover reads the first pages of news and stories and makes the mix:
// the lists, the newest article and story as document and page, a search
// for a word of a title, the feeds and the home page, and two archived
// articles as document and page once there are some.
func (l *load) discover(ctx context.Context) error {
	var news struct {
		Value    []listed `json:"value"`
		NextPage *int     `json:"nextPage"`
	}
	if err := l.getJSON(ctx, "/api/news/", &news); err != nil {
		return err
	}
	var stories struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := l.getJSON(ctx, "/api/stories/", &stories); err != nil {
		return err
	}
	mix := []target{
		{"/api/news/", "api", false}, {"/", "page", false},
		{"/api/stories/", "api", false}, {"/feeds/rss.xml", "api", false},
		{"/api/topics/", "api", false},
	}
	if news.NextPage != nil {
		// The list shrinks as news is archived: page 2 may go.
		mix = append(mix, target{fmt.Sprintf("/api/news/page/%d/", *news.NextPage), "api", true})
	}
	// A few of the newest articles and stories, picked at random so the
	// documents and pages rendered are not always the same.
	for range 3 {
		if n := len(news.Value); n > 0 {
			a := news.Value[rand.IntN(min(n, 50))]
			if u, err := url.Parse(a.SourceURL); err == nil {
				doc := strings.TrimSuffix(u.Path, "index.json")
				mix = append(mix, target{doc, "api", true},
					target{"/news/" + strings.TrimPrefix(doc, "/api/news/"), "page", true})
			}
			if words := strings.Fields(a.Title); len(words) > 0 {
				w := strings.Trim(words[rand.IntN(len(words))], `.,:;!?"'`)
				mix = append(mix, target{"/search?q=" + url.QueryEscape(strings.ToLower(w)), "page", false})
			}
		}
		if n := len(stories.Value); n > 0 {
			id := stories.Value[rand.IntN(min(n, 50))].ID
			mix = append(mix, target{"/api/stories/" + id + "/", "api", true}, target{"/stories/" + id + "/", "page", true})
		}
	}
	archived, err := l.archived(ctx, news.Value)
	if err != nil {
		return err
	}
	mix = append(mix, archived...)
	l.mu.Lock()
	l.paths = mix
	l.mu.Unlock()
	return nil
}

// listed is what the mix uses of an item of a news list.
type listed struct {
	Title     string `json:"title"`
	SourceURL string `json:"sourceUrl"`
}

// archived finds a few archived articles through the search API, with
// words of current titles, and gives their documents and pages, which a
// server reads from its store when asked (none early in a run, before
// anything is archived).
func (l *load) archived(ctx context.Context, titles []listed) ([]target, error) {
	var out []target
	for i := 0; i < len(titles) && i < 10 && len(out) < 4; i++ {
		words := strings.Fields(titles[rand.IntN(len(titles))].Title)
		if len(words) == 0 {
			continue
		}
		w := strings.Trim(words[rand.IntN(len(words))], `.,:;!?"'`)
		var found struct {
			Value []struct {
				Path     string `json:"path"`
				SitePath string `json:"sitePath"`
			} `json:"value"`
		}
		if err := l.getJSON(ctx, "/api/search?q="+url.QueryEscape(strings.ToLower(w)), &found); err != nil {
			return nil, err
		}
		for _, h := range found.Value {
			if strings.HasPrefix(h.Path, "_archive/") && strings.HasPrefix(h.SitePath, "news/") && len(out) < 4 {
				out = append(out, target{"/api/" + h.SitePath, "api", true}, target{"/" + h.SitePath, "page", true})
				break
			}
		}
	}
	return out, nil
}

func (l *load) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	if err != nil {
		return err
	}
	resp, err := l.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	return nil
}

// run sends requests at the rate until ctx ends.
func (l *load) run(ctx context.Context) {
	tick := time.NewTicker(time.Duration(float64(time.Second) / l.rate))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		l.mu.Lock()
		if l.inFlight >= maxInFlight {
			l.errors++
			l.mu.Unlock()
			continue
		}
		t := l.paths[l.next%len(l.paths)]
		l.next++
		l.inFlight++
		l.mu.Unlock()
		l.wg.Add(1)
		go l.do(ctx, t)
	}
}

// do sends one request and records its latency, to the end of the body.
func (l *load) do(ctx context.Context, t target) {
	defer l.wg.Done()
	t0 := time.Now()
	status, err := l.get(ctx, t.path)
	ms := float64(time.Since(t0).Microseconds()) / 1000
	l.mu.Lock()
	defer l.mu.Unlock()
	l.inFlight--
	if ctx.Err() != nil {
		return // cut short by the end of the run
	}
	fmt.Fprintf(l.out, "%d\t%s\t%d\t%.2f\t%s\n", t0.Sub(l.start).Milliseconds(), t.kind, status, ms, t.path)
	switch {
	case err != nil:
		l.errors++
		log.Printf("GET %s: %v", t.path, err)
	case status == http.StatusNotFound && t.discovered:
		l.gone++
	case status != http.StatusOK:
		l.errors++
		log.Printf("GET %s: %d", t.path, status)
	case t.kind == "api":
		l.api = append(l.api, ms)
	default:
		l.page = append(l.page, ms)
	}
}

func (l *load) get(ctx context.Context, path string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, l.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept-Encoding", "gzip") // as browsers do; the body is not unpacked
	resp, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

// window moves the figures of the window into s and starts a new one.
func (l *load) window(s *Sample) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s.Requests = len(l.api) + len(l.page)
	s.Errors, s.Gone = l.errors, l.gone
	s.APIP50, s.APIP99 = percentile(l.api, 0.50), percentile(l.api, 0.99)
	s.PageP50, s.PageP99 = percentile(l.page, 0.50), percentile(l.page, 0.99)
	l.api, l.page, l.errors, l.gone = l.api[:0], l.page[:0], 0, 0
}

// close waits for the requests in flight.
func (l *load) close() { l.wg.Wait() }

// percentile returns the p-quantile of xs (nearest rank), sorting xs;
// NaN for none.
func percentile(xs []float64, p float64) float64 {
	if len(xs) == 0 {
		return nan
	}
	slices.Sort(xs)
	return xs[min(len(xs)-1, int(float64(len(xs))*p))]
}
