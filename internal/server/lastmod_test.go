package server

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/model"
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
