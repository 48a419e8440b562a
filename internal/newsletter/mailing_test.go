package newsletter

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
	"newshub/internal/store"
)

// mailedTo lists the recipients of every message the server took, in
// order.
func mailedTo(srv *smtptest.Server) []string {
	var to []string
	for _, m := range srv.Messages() {
		to = append(to, m.To...)
	}
	return to
}

// TestAnIssueIsMailedOnceWhoeverMailsIt: the issue the scheduler of serve
// or ingest mailed is not mailed again by a run of newsletter for its day,
// nor by a second run, which write it again; --resend mails it again. The
// schedule, finding the day's issue written and mailed by a run of
// newsletter, mails no one either.
func TestAnIssueIsMailedOnceWhoeverMailsIt(t *testing.T) {
	ctx := context.Background()
	day := Date{2026, 11, 2}
	for _, c := range []struct {
		name string
		// first mails the day's issue at now, as the schedule or a run of
		// newsletter does.
		first func(t *testing.T, h *hub, s *site.Site, now time.Time)
	}{
		{"scheduled", func(t *testing.T, h *hub, s *site.Site, now time.Time) {
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
			if is, err := sc.Tick(ctx); err != nil || is == nil || is.Date != day {
				t.Fatalf("tick: %v, %v; want the issue of %s", is, err, day)
			}
		}},
		{"by hand", func(t *testing.T, h *hub, s *site.Site, now time.Time) {
			runNewsletter(t, h, s, day, now, false)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := genHub(t, 1500, nil)
			srv := smtptest.Start(t, smtptest.Options{})
			s, la := newsletterSite(t, h, srv, "a@example.org", "b@example.org")
			now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
			c.first(t, h, s, now)
			both := []string{"a@example.org", "b@example.org"}
			if got := mailedTo(srv); !slices.Equal(got, both) {
				t.Fatalf("first mailing went to %q, want %q", got, both)
			}
			for i := range 2 {
				if sent, skipped := runNewsletter(t, h, s, day, now.Add(time.Duration(i+1)*time.Hour), false); sent != 0 || !slices.Equal(skipped, both) {
					t.Errorf("run %d of newsletter: sent %d, skipped %q; want none sent, both skipped", i+1, sent, skipped)
				}
			}
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now.Add(3 * time.Hour) }}}
			if _, err := sc.Tick(ctx); err != nil {
				t.Fatal(err)
			}
			if got := mailedTo(srv); !slices.Equal(got, both) {
				t.Fatalf("after runs again: mailed to %q, want %q alone", got, both)
			}
			if sent, _ := runNewsletter(t, h, s, day, now.Add(4*time.Hour), true); sent != 2 || len(mailedTo(srv)) != 4 {
				t.Errorf("--resend: sent %d, the server has %d messages; want 2 more, 4", sent, len(mailedTo(srv)))
			}
		})
	}
}

// runNewsletter does what newshub newsletter --date day does at now:
// writes the issue and mails it once (to every address with resend).
func runNewsletter(t *testing.T, h *hub, s *site.Site, day Date, now time.Time, resend bool) (int, []string) {
	t.Helper()
	ctx := context.Background()
	is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailer{SMTP: s.Config.SMTP, Now: func() time.Time { return now }}
	sent, skipped, err := m.SendOnce(ctx, h.st, is, resend)
	if err != nil {
		t.Fatal(err)
	}
	return sent, skipped
}

// TestAMailingPutOffOutlivesTheProcess: the server puts off the issue (a
// 421 greeting, then a 450 to each address), and the process that wrote
// it ends before trying again; the next process, its scheduler started
// afresh, mails the issue as it was written, once to each address. So
// does the schedule for a run of newsletter that the server put off, on
// a clock since set back a day too.
func TestAMailingPutOffOutlivesTheProcess(t *testing.T) {
	ctx := context.Background()
	day := Date{2026, 11, 2}
	for _, c := range []struct {
		name  string
		first func(t *testing.T, h *hub, s *site.Site, now time.Time)
	}{
		{"scheduled", func(t *testing.T, h *hub, s *site.Site, now time.Time) {
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
			for _, at := range []time.Time{now, now.Add(time.Minute)} {
				now = at
				if _, err := sc.Tick(ctx); err != nil {
					t.Fatal(err)
				}
			}
		}},
		{"by hand", func(t *testing.T, h *hub, s *site.Site, now time.Time) {
			is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			m := &Mailer{SMTP: s.Config.SMTP, Now: func() time.Time { return now }}
			if sent, _, err := m.SendOnce(ctx, h.st, is, false); sent != 0 || err == nil {
				t.Fatalf("sent %d, %v; want the server to put it off", sent, err)
			}
		}},
		// Its next try, stored a day ahead, was counted on a clock
		// since set back: the wait is an hour at most.
		{"by hand on a clock a day ahead", func(t *testing.T, h *hub, s *site.Site, now time.Time) {
			ahead := func() time.Time { return now.Add(24 * time.Hour) }
			is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: ahead})
			if err != nil {
				t.Fatal(err)
			}
			m := &Mailer{SMTP: s.Config.SMTP, Now: ahead}
			if sent, _, err := m.SendOnce(ctx, h.st, is, false); sent != 0 || err == nil {
				t.Fatalf("sent %d, %v; want the server to put it off", sent, err)
			}
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := genHub(t, 1500, nil)
			srv := smtptest.Start(t, smtptest.Options{Busy: 1, Greylist: 1})
			s, la := newsletterSite(t, h, srv, "a@example.org", "b@example.org")
			now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
			c.first(t, h, s, now)
			if n := len(srv.Messages()); n != 0 {
				t.Fatalf("the server took %d messages while putting them off", n)
			}
			stored, err := h.st.Get(ctx, "_newsletters/"+siteSlug(s.Config)+"-"+day.String()+".html")
			if err != nil {
				t.Fatal(err)
			}
			// The next process: a scheduler of its own, later.
			later := now.Add(2 * time.Hour)
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return later }}}
			for range 3 {
				if is, err := sc.Tick(ctx); err != nil || is != nil {
					t.Fatalf("the next process's tick: %v, %v; want nothing written", is, err)
				}
				later = later.Add(time.Hour)
			}
			if got, want := mailedTo(srv), []string{"a@example.org", "b@example.org"}; !slices.Equal(got, want) {
				t.Fatalf("the next process mailed %q, want %q once each", got, want)
			}
			id := "<" + Slug(stored.Path) + "." + strconv.FormatInt(stored.Newsletter.PublishedDateTime.Unix(), 10) + "."
			for _, m := range srv.Messages() {
				if data := string(m.Data); !strings.Contains(data, id) || !strings.Contains(data, "Subject: ") || !strings.Contains(data, "text/plain") {
					t.Errorf("message to %q is not the issue written (%s), with its subject and text part:\n%.600s", m.To, id, data)
				}
			}
			after, err := h.st.Get(ctx, stored.Path)
			if err != nil {
				t.Fatal(err)
			}
			if mg := after.Newsletter.Mailing; mg == nil || len(mg.Pending) != 0 || len(mg.Done) != 2 || mg.Text != "" {
				t.Errorf("the stored mailing is %+v, want both addresses done, none pending", mg)
			}
		})
	}
}

// TestARunningScheduleMailsWhatARunOfNewsletterLeft: serve runs its
// schedule when the editor mails a day's issue by hand, which the server
// puts off (a 450 to each address, as a greylisting server answers a new
// sender); the running schedule, not only one started afterwards, mails
// it later, once to each address.
func TestARunningScheduleMailsWhatARunOfNewsletterLeft(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, 1500, nil)
	srv := smtptest.Start(t, smtptest.Options{Greylist: 1})
	s, la := newsletterSite(t, h, srv, "a@example.org", "b@example.org")
	cfg := *s.Config
	cfg.NewsletterTime = "" // issues are written by hand
	s.Config = &cfg
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, la)
	clock := func() time.Time { return now }
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: clock}}
	if _, err := sc.Tick(ctx); err != nil {
		t.Fatal(err)
	}

	is, _, err := Write(ctx, h.st, s, h.dir, Date{2026, 11, 2}, Options{Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailer{SMTP: s.Config.SMTP, Now: clock}
	if sent, _, err := m.SendOnce(ctx, h.st, is, false); sent != 0 || err == nil {
		t.Fatalf("sent %d, %v; want the server to put it off", sent, err)
	}
	for range 30 {
		now = now.Add(time.Minute)
		if _, err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got, want := mailedTo(srv), []string{"a@example.org", "b@example.org"}; !slices.Equal(got, want) {
		t.Fatalf("the running schedule mailed the issue written by hand to %q, want %q once each", got, want)
	}
}

// failingStore fails every write once the server has taken after
// messages: a process killed, or a database lost, in the middle of a
// mailing.
type failingStore struct {
	store.Store
	srv   *smtptest.Server
	after int
}

func (s *failingStore) Upsert(ctx context.Context, recs []*model.Record) error {
	if len(s.srv.Messages()) >= s.after {
		return errors.New("the database is gone")
	}
	return s.Store.Upsert(ctx, recs)
}

func (s *failingStore) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	if len(s.srv.Messages()) >= s.after {
		return errors.New("the database is gone")
	}
	return s.Store.UpsertIfUnchanged(ctx, recs)
}

// TestAMailingCutShortIsNotSentTwice: the store can no longer be written
// once the server took the issue for the third of five addresses; the
// next run of newsletter mails the addresses not recorded as mailed, so
// that no one but the third, whose message went out as the store failed,
// gets the issue twice.
func TestAMailingCutShortIsNotSentTwice(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, 1500, nil)
	srv := smtptest.Start(t, smtptest.Options{})
	to := []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org", "e@example.org"}
	s, la := newsletterSite(t, h, srv, to...)
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, la)
	is, _, err := Write(ctx, h.st, s, h.dir, Date{2026, 11, 2}, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailer{SMTP: s.Config.SMTP, Now: func() time.Time { return now }}
	if _, _, err := m.SendOnce(ctx, &failingStore{Store: h.st, srv: srv, after: 3}, is, false); err == nil {
		t.Fatal("the mailing went on as if recorded")
	}
	if _, _, err := m.SendOnce(ctx, h.st, is, false); err != nil {
		t.Fatal(err)
	}
	want := []string{"a@example.org", "b@example.org", "c@example.org", "c@example.org", "d@example.org", "e@example.org"}
	if got := mailedTo(srv); !slices.Equal(got, want) {
		t.Fatalf("the server took the issue for %q, want %q", got, want)
	}
}

// TestAMailingStoppedMidwayIsNotMailedTwice: the process mailing an issue
// is stopped (SIGTERM, a restart) after the server took the first message
// and while it waits on the second; what was sent is recorded all the
// same, so the next process, or a run of newsletter, mails the rest, and
// no reader gets the issue twice.
func TestAMailingStoppedMidwayIsNotMailedTwice(t *testing.T) {
	day := Date{2026, 11, 2}
	all := []string{"a@example.org", "b@example.org", "c@example.org"}
	for _, c := range []struct {
		name string
		// first mails the day's issue at now with ctx, which ends midway;
		// then mails what is left afresh at later.
		first, then func(ctx context.Context, t *testing.T, h *hub, s *site.Site, now time.Time)
	}{
		{"scheduled", func(ctx context.Context, t *testing.T, h *hub, s *site.Site, now time.Time) {
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
			sc.Tick(ctx)
		}, func(ctx context.Context, t *testing.T, h *hub, s *site.Site, now time.Time) {
			sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
			if _, err := sc.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}},
		{"by hand", func(ctx context.Context, t *testing.T, h *hub, s *site.Site, now time.Time) {
			is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			m := &Mailer{SMTP: s.Config.SMTP, Now: func() time.Time { return now }}
			if _, _, err := m.SendOnce(ctx, h.st, is, false); err == nil {
				t.Fatal("a mailing stopped midway reported no error")
			}
		}, func(ctx context.Context, t *testing.T, h *hub, s *site.Site, now time.Time) {
			runNewsletter(t, h, s, day, now, false)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := genHub(t, 1500, nil)
			ctx, stop := context.WithCancel(context.Background())
			defer stop()
			srv := smtptest.Start(t, smtptest.Options{OnMail: func(taken int) bool {
				if taken == 1 && ctx.Err() == nil {
					stop()
					return true
				}
				return false
			}})
			s, la := newsletterSite(t, h, srv, all...)
			now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
			c.first(ctx, t, h, s, now)
			if got := mailedTo(srv); !slices.Equal(got, all[:1]) {
				t.Fatalf("before the stop the server took %q, want %q", got, all[:1])
			}
			c.then(context.Background(), t, h, s, now.Add(2*time.Minute))
			got := mailedTo(srv)
			slices.Sort(got)
			if !slices.Equal(got, all) {
				t.Errorf("mailed, all told, to %q; want each of %q once", got, all)
			}
		})
	}
}

// lockWatch is the hub's store, saying when a process asks for a lock of
// it.
type lockWatch struct {
	store.Store
	asked func()
}

func (w lockWatch) Exclusive(ctx context.Context, name string, fn func(context.Context) error) error {
	w.asked()
	return w.Store.(store.Shared).Exclusive(ctx, name, fn)
}

func (w lockWatch) Lease(ctx context.Context, holder string, ttl time.Duration, names ...string) ([]string, error) {
	return w.Store.(store.Shared).Lease(ctx, holder, ttl, names...)
}

func (w lockWatch) Release(ctx context.Context, holder string, names ...string) error {
	return w.Store.(store.Shared).Release(ctx, holder, names...)
}

// TestTwoRunsAtOnceMailAnIssueOnce: a run of newsletter starts while an
// earlier one is still mailing the same issue (a crontab's runs on a slow
// server): the second waits for the first and mails no one, where both
// read that no one had it and mailed every address twice.
func TestTwoRunsAtOnceMailAnIssueOnce(t *testing.T) {
	ctx := context.Background()
	day := Date{2026, 11, 2}
	h := genHub(t, 1500, nil)
	var (
		mu      sync.Mutex
		calls   int
		started = make(chan struct{})
		release = make(chan struct{})
		free    = sync.OnceFunc(func() { close(release) })
	)
	// The first run's first message waits at its MAIL until the second
	// run either asks for the lock or sends a MAIL of its own.
	srv := smtptest.Start(t, smtptest.Options{OnMail: func(int) bool {
		mu.Lock()
		calls++
		first := calls == 1
		mu.Unlock()
		if first {
			close(started)
			<-release
		} else {
			free()
		}
		return false
	}})
	s, la := newsletterSite(t, h, srv, "a@example.org", "b@example.org")
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailer{SMTP: s.Config.SMTP, Now: func() time.Time { return now }}
	firstDone := make(chan error, 1)
	go func() {
		_, _, err := m.SendOnce(ctx, h.st, is, false)
		firstDone <- err
	}()
	<-started
	sent, skipped, err := m.SendOnce(ctx, lockWatch{Store: h.st, asked: free}, is, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-firstDone; err != nil {
		t.Fatal(err)
	}
	both := []string{"a@example.org", "b@example.org"}
	if got := mailedTo(srv); !slices.Equal(got, both) {
		t.Errorf("two runs at once mailed to %q, want %q once each", got, both)
	}
	if sent != 0 || !slices.Equal(skipped, both) {
		t.Errorf("the second run sent %d, skipped %q; want none sent, both skipped", sent, skipped)
	}
}

// TestAMailingRefusedForTheSenderLeavesEveryReaderToMail: the server
// refuses the hub rather than a reader (it offers no STARTTLS, takes not
// the password, or asks for a sign-in the settings lack); no one got the
// issue, so no one is recorded as mailed it, and the run of newsletter
// after the settings were put right mails every address.
func TestAMailingRefusedForTheSenderLeavesEveryReaderToMail(t *testing.T) {
	ctx := context.Background()
	day := Date{2026, 11, 2}
	all := []string{"a@example.org", "b@example.org"}
	tests := []struct {
		name string
		srv  smtptest.Options
		cfg  model.SMTP // the settings at fault
		want string     // in the error
	}{
		{"no STARTTLS offered", smtptest.Options{}, model.SMTP{}, "STARTTLS"},
		{"wrong password", smtptest.Options{Username: "hub", Password: "right"}, model.SMTP{Username: "hub", Password: "wrong", StartTLS: new(bool)}, "535"},
		{"sign-in not configured", smtptest.Options{Username: "hub", Password: "right"}, model.SMTP{StartTLS: new(bool)}, "530"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := genHub(t, 1500, nil)
			srv := smtptest.Start(t, tt.srv)
			s, la := newsletterSite(t, h, srv, all...)
			now := time.Date(2026, 11, 3, 9, 0, 0, 0, la)
			is, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			wrong := tt.cfg
			wrong.Host, wrong.Port, wrong.From, wrong.To = srv.Host, srv.Port, s.Config.SMTP.From, all
			m := &Mailer{SMTP: &wrong, Now: func() time.Time { return now }}
			if sent, _, err := m.SendOnce(ctx, h.st, is, false); sent != 0 || err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("sent %d, %v; want none sent and an error naming %q", sent, err, tt.want)
			}
			right := wrong
			right.Username, right.Password, right.StartTLS = tt.srv.Username, tt.srv.Password, new(bool)
			m.SMTP = &right
			sent, skipped, err := m.SendOnce(ctx, h.st, is, false)
			if err != nil || sent != len(all) || len(skipped) != 0 {
				t.Fatalf("with the settings put right: sent %d, skipped %q, %v; want every address mailed", sent, skipped, err)
			}
			if got := mailedTo(srv); !slices.Equal(got, all) {
				t.Errorf("mailed to %q, want %q", got, all)
			}
		})
	}
}
