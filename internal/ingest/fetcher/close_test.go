package fetcher

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestCloseClosesIdleConnections checks that Close lets go of the
// connections kept for the next request of each host: a round over many
// hosts would otherwise hold each one's buffers and goroutines while its
// last batch is curated, until they time out.
func TestCloseClosesIdleConnections(t *testing.T) {
	const hosts = 3
	closed := make(chan struct{}, hosts)
	var srvs []*httptest.Server
	for range hosts {
		srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("hello"))
		}))
		srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
			if s == http.StateClosed {
				closed <- struct{}{}
			}
		}
		srv.Start()
		defer srv.Close()
		srvs = append(srvs, srv)
	}
	f := New(testOptions())
	for _, srv := range srvs {
		if _, err := f.Fetch(context.Background(), Request{URL: srv.URL}); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case <-closed:
		t.Fatal("a connection closed before Close: nothing was kept to test with")
	case <-time.After(50 * time.Millisecond):
	}
	f.Close()
	for i := range hosts {
		select {
		case <-closed:
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d idle connections still open after Close", hosts-i, hosts)
		}
	}
}
