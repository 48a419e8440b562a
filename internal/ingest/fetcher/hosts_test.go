package fetcher

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// TestHostsLeftAloneAreForgotten fetches from a few new hosts each hour
// for hours, as the article pages of an aggregator's feed lead to ever
// new publishers: the fetcher keeps the limits of the hosts asked lately
// and of a host that asked to wait, where a long-running hub kept a
// limiter for every host it had ever asked.
func TestHostsLeftAloneAreForgotten(t *testing.T) {
	const hours, perHour = 4, 3
	var hosts []string
	for range hours * perHour {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("<html></html>"))
		}))
		defer srv.Close()
		hosts = append(hosts, srv.URL)
	}
	f := New(testOptions())
	defer f.Close()
	now := time.Now()
	f.hosts.now = func() time.Time { return now }
	// The first host asks to be left alone for a day: its hold is kept.
	held := hosts[0][len("http://"):]
	f.hosts.holdOff(held, now.Add(24*time.Hour))
	for hour := range hours {
		for _, h := range hosts[hour*perHour : (hour+1)*perHour] {
			if hour == 0 && h == hosts[0] {
				continue
			}
			if _, err := f.Fetch(context.Background(), Request{URL: h + "/page"}); err != nil {
				t.Fatalf("hour %d, %s: %v", hour, h, err)
			}
		}
		now = now.Add(90 * time.Minute)
	}
	f.hosts.mu.Lock()
	kept := len(f.hosts.hosts)
	f.hosts.mu.Unlock()
	if kept > perHour+1 {
		t.Errorf("the fetcher keeps %d hosts after %d hours of %d new ones an hour, want at most %d", kept, hours, perHour, perHour+1)
	}
	if until := f.Holds(now)[held]; until.IsZero() {
		t.Errorf("the hold of %s, asked for a day, was forgotten", held)
	}
}
