package robots

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/ingest/fetcher"
)

func testFetcher() *fetcher.Fetcher {
	return fetcher.New(fetcher.Options{AllowPrivateNetworks: true, PerHostRate: -1, Retries: -1,
		Timeout: 2 * time.Second, UserAgent: "newshub/test"})
}

func TestCacheFetchesOncePerOrigin(t *testing.T) {
	var fetches atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			fetches.Add(1)
			w.Write([]byte("User-agent: newshub\nDisallow: /secret/\n"))
		}
	}))
	defer srv.Close()
	c := NewCache(testFetcher(), "newshub", time.Hour)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if !c.Allowed(context.Background(), srv.URL+"/news/a") {
				t.Error("allowed page refused")
			}
			if c.Allowed(context.Background(), srv.URL+"/secret/b") {
				t.Error("disallowed page allowed")
			}
		}()
	}
	wg.Wait()
	if fetches.Load() != 1 {
		t.Fatalf("robots.txt fetched %d times", fetches.Load())
	}
}

func TestCacheStatusRules(t *testing.T) {
	tests := []struct {
		status int
		want   bool
	}{
		{http.StatusNotFound, true},
		{http.StatusForbidden, true},
		{http.StatusInternalServerError, false},
		{http.StatusServiceUnavailable, false},
	}
	for _, tt := range tests {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(tt.status)
		}))
		c := NewCache(testFetcher(), "newshub", time.Hour)
		if got := c.Allowed(context.Background(), srv.URL+"/page"); got != tt.want {
			t.Errorf("robots.txt answering %d: Allowed = %v, want %v", tt.status, got, tt.want)
		}
		srv.Close()
	}
}
