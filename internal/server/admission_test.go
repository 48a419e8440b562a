package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/publish"
	"newshub/internal/web"
)

// gatedSearch runs the website's real search; a query of "held" first
// waits for its gate to open (or its context to end), so a test can keep
// every place for searches taken while it sends more requests.
type gatedSearch struct {
	w       *web.Web
	entered chan struct{}
	open    chan struct{}
}

func (g *gatedSearch) search(ctx context.Context, q url.Values) (*publish.Doc, error) {
	if q.Get("q") == "held" {
		g.entered <- struct{}{}
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.w.SearchDoc(ctx, q)
}

func admissionServer(t *testing.T, cfg Config) (*gatedSearch, *httptest.Server) {
	t.Helper()
	st := genStore(t, 120)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	w, err := web.New(web.Config{Views: views, Store: st, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	g := &gatedSearch{w: w, entered: make(chan struct{}, 16), open: make(chan struct{})}
	cfg.Store, cfg.Views, cfg.Web, cfg.Search = st, views, w, g.search
	ts := httptest.NewServer(New(cfg))
	t.Cleanup(ts.Close)
	return g, ts
}

// TestSearchAdmissionRefusesWhenFull holds every place for searches with
// real requests and checks that one more search waits, then gets 503
// with Retry-After (the API as JSON, the page as text), that pages and
// the API answer meanwhile, and that a search waiting in the queue runs
// once a place is free.
func TestSearchAdmissionRefusesWhenFull(t *testing.T) {
	g, ts := admissionServer(t, Config{Searches: 2, SearchWait: 100 * time.Millisecond})
	var held sync.WaitGroup
	heldStatus := make(chan int, 2)
	for range 2 {
		held.Add(1)
		go func() {
			defer held.Done()
			resp, err := http.Get(ts.URL + "/api/search?q=held")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			heldStatus <- resp.StatusCode
		}()
	}
	<-g.entered
	<-g.entered // both places are taken

	for _, c := range []struct{ path, ctype string }{
		{"/api/search?q=election", "application/json"},
		{"/api/search/?q=election", "application/json"},
		{"/search?q=election", "text/plain"},
		{"/search/?q=election", "text/plain"},
	} {
		start := time.Now()
		resp, body := get(t, ts.URL+c.path, nil)
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s while full: %s, Retry-After %q", c.path, resp.Status, resp.Header.Get("Retry-After"))
		}
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || !strings.Contains(string(body), "try again") {
			t.Errorf("%s while full: %s %q", c.path, resp.Header.Get("Content-Type"), body)
		}
		if waited := time.Since(start); waited < 100*time.Millisecond {
			t.Errorf("%s refused after %v, before its wait of 100ms", c.path, waited)
		}
	}
	// Pages, feeds and the API do not queue behind searches.
	for _, p := range []string{"/", "/api/news/", "/feeds/rss.xml", "/healthz"} {
		if resp, _ := get(t, ts.URL+p, nil); resp.StatusCode != http.StatusOK {
			t.Errorf("%s while searches are full: %s", p, resp.Status)
		}
	}
	close(g.open)
	held.Wait()
	for range 2 {
		if s := <-heldStatus; s != http.StatusOK {
			t.Errorf("held search: %d", s)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/search?q=election", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("search once free: %s", resp.Status)
	}
}

// TestSearchAdmissionQueuesBriefly checks that a search arriving while
// every place is taken runs when one frees within its wait.
func TestSearchAdmissionQueuesBriefly(t *testing.T) {
	g, ts := admissionServer(t, Config{Searches: 1, SearchWait: 10 * time.Second})
	done := make(chan int, 1)
	go func() {
		resp, err := http.Get(ts.URL + "/api/search?q=held")
		if err != nil {
			t.Error(err)
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	<-g.entered
	time.AfterFunc(200*time.Millisecond, func() { close(g.open) })
	if resp, _ := get(t, ts.URL+"/search?q=election", nil); resp.StatusCode != http.StatusOK {
		t.Errorf("queued search: %s", resp.Status)
	}
	if s := <-done; s != http.StatusOK {
		t.Errorf("held search: %d", s)
	}
}

// TestSearchTimeoutAnswers503 checks that a search running past the
// server's bound is stopped and answered 503 with Retry-After.
func TestSearchTimeoutAnswers503(t *testing.T) {
	_, ts := admissionServer(t, Config{SearchTimeout: 50 * time.Millisecond})
	if resp, _ := get(t, ts.URL+"/api/news/", nil); resp.StatusCode != http.StatusOK { // the view is loaded
		t.Fatalf("api: %s", resp.Status)
	}
	resp, body := get(t, ts.URL+"/api/search?q=held", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("search past its time: %s, Retry-After %q", resp.Status, resp.Header.Get("Retry-After"))
	}
	checkJSONError(t, "timeout", body)
	if !strings.Contains(string(body), "too long") {
		t.Errorf("timeout body %q", body)
	}
}

// TestReadyzFollowsTheStore checks that the public server says it is not
// ready once its database fails, while the view it loaded still answers
// pages (and /healthz, which only says the process serves).
func TestReadyzFollowsTheStore(t *testing.T) {
	st, ts := probeHub(t)
	if resp, body := get(t, ts.URL+"/readyz", nil); resp.StatusCode != http.StatusOK {
		t.Fatalf("readyz: %s %s", resp.Status, body)
	}
	st.Close()
	resp, body := get(t, ts.URL+"/readyz", nil)
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "store:") {
		t.Errorf("readyz on a closed store: %s %q", resp.Status, body)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("readyz: Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

// TestSearchRefusedAnswersOtherOrigins holds the one place for searches
// and checks that the API's refusal reaches a script of another origin
// (CORS), and that a browser's preflight and another method, which search
// nothing, are answered at once rather than queued and refused.
func TestSearchRefusedAnswersOtherOrigins(t *testing.T) {
	g, ts := admissionServer(t, Config{Searches: 1, SearchWait: 50 * time.Millisecond})
	held := make(chan struct{})
	go func() {
		defer close(held)
		if resp, err := http.Get(ts.URL + "/api/search?q=held"); err == nil {
			resp.Body.Close()
		}
	}()
	<-g.entered
	defer func() { close(g.open); <-held }()
	origin := map[string]string{"Origin": "https://app.example"}
	preflight := map[string]string{"Origin": "https://app.example", "Access-Control-Request-Method": "GET"}
	for _, c := range []struct {
		method string
		hdr    map[string]string
		status int
	}{
		{http.MethodGet, origin, http.StatusServiceUnavailable},
		{http.MethodHead, origin, http.StatusServiceUnavailable},
		{http.MethodOptions, preflight, http.StatusNoContent},
		{http.MethodPost, origin, http.StatusMethodNotAllowed},
	} {
		resp, _ := do(t, c.method, ts.URL+"/api/search?q=election", c.hdr)
		if resp.StatusCode != c.status || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s while full: %s, Access-Control-Allow-Origin %q; want %d and *",
				c.method, resp.Status, resp.Header.Get("Access-Control-Allow-Origin"), c.status)
		}
		if exp := resp.Header.Get("Access-Control-Expose-Headers"); c.status == http.StatusServiceUnavailable && exp != "Retry-After" {
			t.Errorf("%s while full: Access-Control-Expose-Headers %q, want Retry-After", c.method, exp)
		}
	}
}
