package fetcher

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
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

// TestRequestsQueuedAtAHostAreNotSentOnceItAsksToWait asks for 30 feeds
// of one host at once, as a round reads a publisher's section feeds,
// while its one slot is busy with a request that it answers with 429 and
// a Retry-After of an hour: the requests waiting for their turn are held
// off as those asked later are, where every one of them was sent and
// answered 429 again.
func TestRequestsQueuedAtAHostAreNotSentOnceItAsksToWait(t *testing.T) {
	var asked atomic.Int32
	answer := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if asked.Add(1) == 1 {
			<-answer
		}
		w.Header().Set("Retry-After", "3600")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	}))
	defer srv.Close()
	opts := testOptions()
	opts.PerHostConcurrency, opts.Retries = 1, -1
	f := New(opts)
	defer f.Close()
	first := make(chan error)
	go func() {
		_, err := f.Fetch(context.Background(), Request{URL: srv.URL + "/feed/0.xml"})
		first <- err
	}()
	for asked.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	const queued = 30
	errs := make(chan error, queued)
	for i := range queued {
		go func() {
			_, err := f.Fetch(context.Background(), Request{URL: fmt.Sprintf("%s/feed/%d.xml", srv.URL, i+1)})
			errs <- err
		}()
	}
	// Let them pass the check of the host's hold, none yet, and wait
	// for its slot (the test passes without the wait, proving nothing).
	time.Sleep(200 * time.Millisecond)
	close(answer)
	if err := <-first; RetryAfter(err) != time.Hour {
		t.Fatalf("the first request: %v, want its 429 with a Retry-After of an hour", err)
	}
	for range queued {
		if err := <-errs; !errors.As(err, new(*HeldOffError)) {
			t.Errorf("a request queued at the host: %v, want it held off", err)
		}
	}
	if n := asked.Load(); n != 1 {
		t.Errorf("the host was asked %d times after it asked to be left alone for an hour", n-1)
	}
}
