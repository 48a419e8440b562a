package newsletter

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
)

// TestSchedulerWritesEachDayAtNewsletterTime runs the scheduler of serve
// and ingest over a clock moved by hand (Options.Now) through the days of
// a generated hub, whose days are Los Angeles'.
func TestSchedulerWritesEachDayAtNewsletterTime(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{})
	cfg := *h.site.Config
	cfg.NewsletterTime = "07:00"
	cfg.SMTP = &model.SMTP{Host: srv.Host, Port: srv.Port, From: "news@hub.example.org",
		To: []string{"editors@example.org"}, StartTLS: new(bool)}
	s := *h.site
	s.Config = &cfg
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	var now time.Time
	sched := func() *Scheduler {
		return &Scheduler{Store: h.st, Site: func() *site.Site { return &s }, SiteDir: h.dir,
			Options: Options{Now: func() time.Time { return now }}}
	}
	sc := sched()
	steps := []struct {
		name  string
		now   time.Time
		sc    *Scheduler
		wrote string // the day written, or "" for none
		mails int    // messages received so far
	}{
		{"before 07:00 the day before yesterday's issue is the latest due",
			time.Date(2026, 11, 3, 6, 59, 0, 0, la), sc, "2026-11-01", 1},
		{"nothing more is due until 07:00", time.Date(2026, 11, 3, 6, 59, 59, 0, la), sc, "", 1},
		{"at 07:00 yesterday's issue is due", time.Date(2026, 11, 3, 7, 0, 0, 0, la), sc, "2026-11-02", 2},
		{"another process finds it written", time.Date(2026, 11, 3, 7, 0, 30, 0, la), sched(), "", 2},
		{"a day without news writes no issue", time.Date(2026, 11, 6, 7, 0, 0, 0, la), sc, "", 2},
		{"nor later", time.Date(2026, 11, 6, 9, 0, 0, 0, la), sc, "", 2},
	}
	for _, st := range steps {
		now = st.now
		is, err := st.sc.Tick(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := ""
		if is != nil {
			got = is.Date.String()
		}
		if got != st.wrote {
			t.Fatalf("%s: wrote %q, want %q", st.name, got, st.wrote)
		}
		if n := len(srv.Messages()); n != st.mails {
			t.Fatalf("%s: %d messages mailed, want %d", st.name, n, st.mails)
		}
	}
	recs, err := Issues(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, r := range recs {
		paths = append(paths, r.Path)
		if _, err := os.Stat(filepath.Join(h.dir, r.Path)); err != nil {
			t.Errorf("issue not in the site folder: %v", err)
		}
	}
	want := []string{"_newsletters/election-pulse-2026-11-02.html", "_newsletters/election-pulse-2026-11-01.html"}
	if len(paths) != len(want) || paths[0] != want[0] || paths[1] != want[1] {
		t.Fatalf("issues %q, want %q", paths, want)
	}
}

func TestSchedulerWithoutNewsletterTimeWritesNothing(t *testing.T) {
	h := genHub(t, 300, nil)
	cfg := *h.site.Config
	cfg.NewsletterTime = ""
	s := *h.site
	s.Config = &cfg
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return &s }, Options: testOptions()}
	if is, err := sc.Tick(context.Background()); is != nil || err != nil {
		t.Fatalf("Tick = %v, %v; want no issue", is, err)
	}
	if last, err := Latest(context.Background(), h.st); err != nil || !last.IsZero() {
		t.Fatalf("Latest = %s, %v; want none", last, err)
	}
}
