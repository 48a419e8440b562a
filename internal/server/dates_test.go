package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

// nextSecond waits for the start of the next second, so that what comes
// after is dated apart from what came before.
func nextSecond() {
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
}

// TestQuietRoundsKeepDates checks that documents no write changed keep
// their Last-Modified over rounds that only wrote sources' states, and
// in which no one asked for them: a poller revalidating by date alone
// gets 304, as it did for the view after the one it was answered from.
func TestQuietRoundsKeepDates(t *testing.T) {
	ctx := context.Background()
	st := genStore(t, 40)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	ts := httptest.NewServer(New(Config{Store: st, Views: views}))
	defer ts.Close()
	lead := currentLead(t, st)
	paths := []string{"/api/topics/", "/api/news/", "/feeds/rss.xml",
		"/api/news/" + publish.ArticleKey(lead.Path, lead.Article.PublishedDateTime) + "/"}
	dates := map[string]string{}
	for _, p := range paths {
		resp, _ := get(t, ts.URL+p, nil)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Last-Modified") == "" {
			t.Fatalf("%s: %s, Last-Modified %q", p, resp.Status, resp.Header.Get("Last-Modified"))
		}
		dates[p] = resp.Header.Get("Last-Modified")
	}
	for round := range 3 {
		if round == 2 {
			nextSecond()
		}
		// An ingest round that found nothing new: the sources' states
		// make a new generation, of which a view is loaded unasked.
		if err := st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml", LastFetch: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if _, err := views.Fresh(ctx); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range paths {
		resp, _ := get(t, ts.URL+p, map[string]string{"If-Modified-Since": dates[p]})
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s, If-Modified-Since its date before three quiet rounds: %s, want 304", p, resp.Status)
		}
		if resp, _ := get(t, ts.URL+p, nil); resp.Header.Get("Last-Modified") != dates[p] {
			t.Errorf("%s: Last-Modified %q after three quiet rounds, want %q", p, resp.Header.Get("Last-Modified"), dates[p])
		}
	}
}

// TestServersOfOneHubDateAlike serves one PostgreSQL hub from three
// servers, as three processes behind a balancer: two first load it at
// one generation, a second apart, and date its documents alike, by the
// generation's commit; the third lags behind, showing the generation
// before in a view it loads last. Its stale copy must not look newer
// than the current one: a client revalidating that copy by date alone at
// another server gets the current document, not a 304.
func TestServersOfOneHubDateAlike(t *testing.T) {
	t.Parallel() // it waits for a second to begin
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	open := func() *postgres.Store {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	serve := func(st store.Store) (*publish.Views, *httptest.Server) {
		views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
		ts := httptest.NewServer(New(Config{Store: st, Views: views}))
		t.Cleanup(ts.Close)
		return views, ts
	}
	writer, lagging := open(), open()
	if err := writer.Upsert(ctx, genRecords(t, 8)); err != nil {
		t.Fatal(err)
	}
	old, release, err := lagging.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	lead := currentLead(t, writer)
	lead.Article.Title = "A title changed"
	if err := writer.Upsert(ctx, []*model.Record{lead}); err != nil {
		t.Fatal(err)
	}

	first, firstTS := serve(open())
	if _, err := first.Fresh(ctx); err != nil {
		t.Fatal(err)
	}
	nextSecond()
	second, secondTS := serve(open())
	if _, err := second.Fresh(ctx); err != nil {
		t.Fatal(err)
	}
	behind, behindTS := serve(lagging)
	if _, err := behind.At(ctx, old); err != nil {
		t.Fatal(err)
	}

	const path = "/api/news/"
	resp, current := get(t, firstTS.URL+path, nil)
	date := resp.Header.Get("Last-Modified")
	if !bytes.Contains(current, []byte(lead.Article.Title)) || date == "" {
		t.Fatalf("first server: %s, Last-Modified %q, without the title written", resp.Status, date)
	}
	if resp, _ := get(t, secondTS.URL+path, nil); resp.Header.Get("Last-Modified") != date {
		t.Errorf("second server, loaded a second later at the same generation: Last-Modified %q, the first's %q", resp.Header.Get("Last-Modified"), date)
	}
	resp, stale := get(t, behindTS.URL+path, nil)
	staleDate := resp.Header.Get("Last-Modified")
	if bytes.Contains(stale, []byte(lead.Article.Title)) || staleDate == "" {
		t.Fatalf("lagging server: %s, Last-Modified %q, with the title written after its generation", resp.Status, staleDate)
	}
	for name, ts := range map[string]*httptest.Server{"first": firstTS, "second": secondTS} {
		resp, body := get(t, ts.URL+path, map[string]string{"If-Modified-Since": staleDate})
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, current) {
			t.Errorf("%s server, If-Modified-Since %s, the lagging server's date of its stale copy (the current copy's %s): %s, want 200 and the current list",
				name, staleDate, date, resp.Status)
		}
	}
}
