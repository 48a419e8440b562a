package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/store"
)

// TestIfModifiedSinceSeesWhatTheClockChanged checks the documents the
// server's clock changes while no store write makes a new view: an event
// that ends leaves the future list for the past one, a pin that ends
// puts its lead back in its place. A client revalidating the copy it
// has by its Last-Modified alone gets the new document, not a 304 that
// keeps the old one until the next write.
func TestIfModifiedSinceSeesWhatTheClockChanged(t *testing.T) {
	cases := []struct {
		name  string
		paths []string
		// change alters the store before the server starts so that the
		// clock changes the documents at paths at the moment given.
		change func(t *testing.T, st store.Store, at time.Time)
	}{
		{"an event ends", []string{"/api/events/future/", "/api/events/past/", "/api/events/"}, endingEvent},
		{"a pin ends", []string{"/api/news/", "/api/news/page/2/"}, endingPin},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st := genStore(t, 240)
			// The server's clock is the real one until it jumps past the
			// change: the view's load is stamped by the real clock.
			at := time.Now().Add(time.Hour).Truncate(time.Second)
			c.change(t, st, at)
			var jump atomic.Int64
			clk := func() time.Time { return time.Now().Add(time.Duration(jump.Load())) }
			// The store does not change, only the clock: the server keeps
			// the view it loaded, ranked again as the clock goes.
			s := New(Config{Store: st, Now: clk, CheckEvery: 10 * time.Millisecond})
			ts := httptest.NewServer(s)
			defer ts.Close()
			type seen struct {
				body []byte
				lm   string
			}
			before := map[string]seen{}
			for _, p := range c.paths {
				resp, body := get(t, ts.URL+p, nil)
				if resp.StatusCode != http.StatusOK || resp.Header.Get("Last-Modified") == "" {
					t.Fatalf("%s: %s, Last-Modified %q", p, resp.Status, resp.Header.Get("Last-Modified"))
				}
				before[p] = seen{body, resp.Header.Get("Last-Modified")}
			}
			jump.Store(int64(2 * time.Hour))
			for _, p := range c.paths {
				deadline := time.Now().Add(10 * time.Second)
				for {
					resp, body := get(t, ts.URL+p, map[string]string{"If-Modified-Since": before[p].lm})
					if resp.StatusCode == http.StatusOK && !bytes.Equal(body, before[p].body) {
						break
					}
					if time.Now().After(deadline) {
						t.Errorf("%s: %s to If-Modified-Since %s after the clock changed it", p, resp.Status, before[p].lm)
						break
					}
					time.Sleep(10 * time.Millisecond)
				}
				// The server answers the new document on its own: the
				// check above waits for that, not for a reload.
				if _, body := get(t, ts.URL+p, nil); bytes.Equal(body, before[p].body) {
					t.Errorf("%s: the clock did not change it", p)
				}
			}
		})
	}
}

// endingEvent makes an event end at the moment given.
func endingEvent(t *testing.T, st store.Store, at time.Time) {
	t.Helper()
	var ev *model.Record
	err := st.Scan(context.Background(), []model.Kind{model.KindEvent}, func(r *model.Record) error {
		if ev == nil {
			ev = r
		}
		return nil
	})
	if err != nil || ev == nil {
		t.Fatalf("no event: %v", err)
	}
	ev.Event.StartDateTime, ev.Event.EndDateTime = at.Add(-time.Hour), at
	if err := st.Upsert(context.Background(), []*model.Record{ev}); err != nil {
		t.Fatal(err)
	}
}

// endingPin pins the oldest current lead until the moment given: while
// the pin lasts, the lead heads the news list.
func endingPin(t *testing.T, st store.Store, at time.Time) {
	t.Helper()
	var oldest *model.Record
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		if a.Published && !a.Archived && (oldest == nil || a.PublishedDateTime.Before(oldest.Article.PublishedDateTime)) {
			oldest = r
		}
		return nil
	})
	if err != nil || oldest == nil {
		t.Fatalf("no current lead: %v", err)
	}
	oldest.Article.PinnedUntil = at
	if err := st.Upsert(context.Background(), []*model.Record{oldest}); err != nil {
		t.Fatal(err)
	}
}

// TestIfModifiedSinceTellsViewsOfOneSecondApart checks two views of the
// store loaded within one second, as a burst of writes (an ingest round,
// an editor's decisions) loads them: their documents' Last-Modified is
// the same date, so a client revalidating the first view's copy by that
// date alone must get the second view's document, not a 304.
func TestIfModifiedSinceTellsViewsOfOneSecondApart(t *testing.T) {
	st := genStore(t, 40)
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Hour, Options: publish.Options{Now: clock}})
	ts := httptest.NewServer(New(Config{Store: st, Views: views}))
	defer ts.Close()
	lead := currentLead(t, st)
	for attempt := 0; attempt < 20; attempt++ {
		// Start early in a second, so that both loads likely fall in it.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		lead.Article.Title = "First title " + strconv.Itoa(attempt)
		v1 := upsertAndLoad(t, views, st, lead)
		resp, before := get(t, ts.URL+"/api/news/", nil)
		lm := resp.Header.Get("Last-Modified")
		lead.Article.Title = "Second title " + strconv.Itoa(attempt)
		v2 := upsertAndLoad(t, views, st, lead)
		if !v2.ModTime().Equal(v1.ModTime()) {
			continue // a second passed between the loads: try again
		}
		resp, after := get(t, ts.URL+"/api/news/", map[string]string{"If-Modified-Since": lm})
		if resp.StatusCode != http.StatusOK || bytes.Equal(after, before) || !bytes.Contains(after, []byte(lead.Article.Title)) {
			t.Fatalf("If-Modified-Since %s, the date of the view before: %s, want 200 and the new list", lm, resp.Status)
		}
		// A view loaded in a later second answers 304 to its own date.
		time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
		lead.Article.Title = "Third title " + strconv.Itoa(attempt)
		upsertAndLoad(t, views, st, lead)
		resp, _ = get(t, ts.URL+"/api/news/", nil)
		if resp, _ := get(t, ts.URL+"/api/news/", map[string]string{"If-Modified-Since": resp.Header.Get("Last-Modified")}); resp.StatusCode != http.StatusNotModified {
			t.Errorf("If-Modified-Since its own date, on a view alone in its second: %s, want 304", resp.Status)
		}
		return
	}
	t.Fatal("no two loads fell within one second in 20 attempts")
}

// currentLead returns a current lead of the store.
func currentLead(t *testing.T, st store.Store) *model.Record {
	t.Helper()
	var lead *model.Record
	err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		if lead == nil && r.Article.Published && !r.Article.Archived {
			lead = r
		}
		return nil
	})
	if err != nil || lead == nil {
		t.Fatalf("no current lead: %v", err)
	}
	return lead
}

// upsertAndLoad writes r and returns the view of the store it leaves.
func upsertAndLoad(t *testing.T, views *publish.Views, st store.Store, r *model.Record) *publish.View {
	t.Helper()
	ctx := context.Background()
	if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
		t.Fatal(err)
	}
	v, err := views.Fresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
