package server

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"newshub/internal/publish"
)

// TestUnchangedDocumentKeepsItsDate checks that a write which changes
// some documents leaves the others their Last-Modified: a poller
// revalidating by date alone gets 304 for a document the write left as
// it was, and the new document where the write changed it.
func TestUnchangedDocumentKeepsItsDate(t *testing.T) {
	st := genStore(t, 40)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	ts := httptest.NewServer(New(Config{Store: st, Views: views}))
	defer ts.Close()
	lead := currentLead(t, st)
	dates := map[string]string{}
	for _, p := range []string{"/api/topics/", "/api/news/"} {
		resp, _ := get(t, ts.URL+p, nil)
		dates[p] = resp.Header.Get("Last-Modified")
	}
	lead.Article.Title = "A title changed"
	upsertAndLoad(t, views, st, lead)
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/api/topics/", http.StatusNotModified},
		{"/api/news/", http.StatusOK},
	} {
		resp, _ := get(t, ts.URL+c.path, map[string]string{"If-Modified-Since": dates[c.path]})
		if resp.StatusCode != c.status {
			t.Errorf("%s, If-Modified-Since its date before the write: %s, want %d", c.path, resp.Status, c.status)
		}
	}
	if resp, _ := get(t, ts.URL+"/api/topics/", nil); resp.Header.Get("Last-Modified") != dates["/api/topics/"] {
		t.Errorf("/api/topics/: Last-Modified %q after a write that left it, want %q", resp.Header.Get("Last-Modified"), dates["/api/topics/"])
	}
}
