package server

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/publish"
	"newshub/internal/store/postgres/postgrestest"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// loudLine is a log line at WARN or ERROR.
var loudLine = regexp.MustCompile(`(?m)^.*level=(WARN|ERROR).*$`)

// TestAnOutageOfTheStoreIsLoggedOnce serves a hub on PostgreSQL whose
// server drops off the network and comes back. Meanwhile the API answers
// from the view it holds, and searches, of the API and of the website,
// answer 503 with Retry-After; the log says the store is out once, however
// many requests met it, where each logged an error. Once the server is
// back, searches answer, and one line says the outage is over.
func TestAnOutageOfTheStoreIsLoggedOnce(t *testing.T) {
	st, link := postgrestest.Linked(t)
	ctx := context.Background()
	if err := st.Upsert(ctx, readSite(t, "testdata/probe/hub")); err != nil {
		t.Fatal(err)
	}
	var logged testutil.LogBuffer
	log := slog.New(slog.NewTextHandler(&logged, nil))
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: 10 * time.Millisecond, Options: publish.Options{Now: clock}, Logger: log})
	w, err := web.New(web.Config{Views: views, Store: st, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(New(Config{Store: st, Views: views, Web: w, Search: w.SearchDoc, Logger: log}))
	t.Cleanup(ts.Close)
	if resp, body := get(t, ts.URL+"/api/news/", nil); resp.StatusCode != 200 {
		t.Fatalf("/api/news/: %s %s", resp.Status, body)
	}

	link.Cut()
	for range 3 {
		if resp, body := get(t, ts.URL+"/api/news/", nil); resp.StatusCode != 200 {
			t.Errorf("/api/news/ with the database gone: %s %s, want the view held", resp.Status, body)
		}
		for _, p := range []string{"/api/search?q=vote", "/search/?q=vote"} {
			resp, body := get(t, ts.URL+p, nil)
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") == "" {
				t.Errorf("%s with the database gone: %s, Retry-After %q: %.200s", p, resp.Status, resp.Header.Get("Retry-After"), body)
			}
		}
		time.Sleep(20 * time.Millisecond) // the views check the store again
	}
	if lines := loudLine.FindAllString(logged.String(), -1); len(lines) != 1 {
		t.Errorf("the outage logged %d lines, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}

	link.Mend(t)
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, _ := get(t, ts.URL+"/api/search?q=vote", nil)
		if resp.StatusCode == 200 && strings.Contains(logged.String(), "the store answers again") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the database came back: search %s, log:\n%s", resp.Status, logged.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if n := strings.Count(logged.String(), "the store answers again"); n != 1 {
		t.Errorf("the outage's end logged %d times, want 1:\n%s", n, logged.String())
	}
}
