package newsletter

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/newsletter/smtptest"
	"newshub/internal/site"
	"newshub/internal/store"
)

// TestSchedulerWritesEachDayAtNewsletterTime runs the scheduler of serve
// and ingest over a clock moved by hand (Options.Now) through the days of
// a generated hub, whose days are Los Angeles'.
func TestSchedulerWritesEachDayAtNewsletterTime(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{})
	s, la := newsletterSite(t, h, srv)
	var now time.Time
	sched := func() *Scheduler {
		return &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
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
		tickWrites(t, ctx, st.sc, st.name, st.wrote)
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

// TestSchedulerMailsAgainWhatTheServerPutOff has the SMTP server busy at
// newsletter_time (a 421 greeting), then greylisting (450 to each
// address once) and refusing one address for good (550): the issue
// reaches each address the server takes once, at a later tick, and the
// refused one is not tried again.
func TestSchedulerMailsAgainWhatTheServerPutOff(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{Busy: 1, Greylist: 1, Reject: []string{"gone@example.org"}})
	s, la := newsletterSite(t, h, srv, "a@example.org", "gone@example.org", "b@example.org")
	var now time.Time
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
		Options: Options{Now: func() time.Time { return now }}}
	steps := []struct {
		name     string
		now      time.Time
		wrote    bool
		sessions int      // connections the server has taken so far
		mailed   []string // addresses that got the issue so far
	}{
		{"at 07:00 the server is busy", time.Date(2026, 11, 3, 7, 0, 0, 0, la), true, 1, nil},
		{"a minute later it greylists", time.Date(2026, 11, 3, 7, 1, 0, 0, la), false, 2, nil},
		{"not tried again at once", time.Date(2026, 11, 3, 7, 2, 0, 0, la), false, 2, nil},
		{"two minutes later it takes them", time.Date(2026, 11, 3, 7, 3, 0, 0, la), false, 3, []string{"a@example.org", "b@example.org"}},
		{"and nothing is sent again", time.Date(2026, 11, 3, 12, 0, 0, 0, la), false, 3, []string{"a@example.org", "b@example.org"}},
	}
	for _, st := range steps {
		now = st.now
		is, err := sc.Tick(ctx)
		if err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if (is != nil) != st.wrote {
			t.Fatalf("%s: issue written: %v, want %v", st.name, is != nil, st.wrote)
		}
		var mailed []string
		for _, m := range srv.Messages() {
			mailed = append(mailed, m.To...)
		}
		if n := srv.Sessions(); n != st.sessions || !slices.Equal(mailed, st.mailed) {
			t.Fatalf("%s: %d connections, mailed to %q; want %d, %q", st.name, n, mailed, st.sessions, st.mailed)
		}
	}
}

// TestSchedulerAfterAClockThatRanAhead runs the scheduler while the
// clock is months ahead, when a fetched article is dated by it and the
// issue of that day is written, then with the clock set right: the
// issues of the days as they come are written, by the same process and
// by one started again, the issue of the day to come notwithstanding.
func TestSchedulerAfterAClockThatRanAhead(t *testing.T) {
	ahead := time.Date(2027, 3, 9, 18, 0, 0, 0, time.UTC)
	misdated := false
	h := genHub(t, 1500, func(r *model.Record) {
		if a := r.Article; !misdated && a != nil && a.Published {
			a.PublishedDateTime = ahead
			misdated = true
		}
	})
	if !misdated {
		t.Fatal("no published article generated")
	}
	ctx := context.Background()
	s, la := newsletterSite(t, h, nil)
	var now time.Time
	sched := func() *Scheduler {
		return &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
			Options: Options{Now: func() time.Time { return now }}}
	}
	sc := sched()
	steps := []struct {
		name  string
		now   time.Time
		sc    *Scheduler
		wrote string
	}{
		{"the clock months ahead", time.Date(2027, 3, 10, 7, 0, 0, 0, la), sc, "2027-03-09"},
		{"the clock set right", time.Date(2026, 11, 2, 7, 0, 0, 0, la), sc, "2026-11-01"},
		{"the next day", time.Date(2026, 11, 3, 7, 0, 0, 0, la), sc, "2026-11-02"},
		{"started again, the day's issue written", time.Date(2026, 11, 3, 8, 0, 0, 0, la), sched(), ""},
		{"started again, the next day", time.Date(2026, 11, 4, 7, 0, 0, 0, la), sched(), "2026-11-03"},
	}
	for _, st := range steps {
		now = st.now
		tickWrites(t, ctx, st.sc, st.name, st.wrote)
	}
}

// TestSchedulerAfterAClockSetBack sets the clock back past newsletter_time
// after the day's issue went out, as NTP stepping a clock that ran ahead
// does: the day due then is the day before, which the scheduler, having
// come up after its time, never wrote, and is not to write now, nor when
// started again, nor after the clock is set back two days; the next day's
// issue is written at its time. Set back months, the clock has the issues
// of the days as they come written (TestSchedulerAfterAClockThatRanAhead).
func TestSchedulerAfterAClockSetBack(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	s, la := newsletterSite(t, h, nil)
	var now time.Time
	sched := func() *Scheduler {
		return &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
			Options: Options{Now: func() time.Time { return now }}}
	}
	sc := sched()
	for _, st := range []struct {
		name  string
		now   time.Time
		sc    *Scheduler
		wrote string
	}{
		{"started after 07:00", time.Date(2026, 11, 3, 9, 0, 0, 0, la), sc, "2026-11-02"},
		{"the clock set back to 06:00", time.Date(2026, 11, 3, 6, 0, 0, 0, la), sc, ""},
		{"started again at 06:30", time.Date(2026, 11, 3, 6, 30, 0, 0, la), sched(), ""},
		{"the next day at 07:00", time.Date(2026, 11, 4, 7, 0, 0, 0, la), sc, "2026-11-03"},
		{"the clock set back two days", time.Date(2026, 11, 2, 7, 30, 0, 0, la), sched(), ""},
		{"a day on", time.Date(2026, 11, 3, 7, 30, 0, 0, la), sched(), ""},
	} {
		now = st.now
		tickWrites(t, ctx, st.sc, st.name, st.wrote)
	}
}

// TestSchedulerWritesNoOlderIssueWhenNewsletterTimeMovesLater moves
// newsletter_time from 07:00 to 18:00 after the day's issue went out: the
// day due before 18:00 is then the day before, which the scheduler,
// having come up after its time, never wrote, and is not to write now.
func TestSchedulerWritesNoOlderIssueWhenNewsletterTimeMovesLater(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	s, la := newsletterSite(t, h, nil)
	var now time.Time
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
		Options: Options{Now: func() time.Time { return now }}}
	for _, st := range []struct {
		name    string
		now     time.Time
		setting string
		wrote   string
	}{
		{"started after 07:00", time.Date(2026, 11, 3, 7, 30, 0, 0, la), "07:00", "2026-11-02"},
		{"newsletter_time moved to 18:00", time.Date(2026, 11, 3, 8, 0, 0, 0, la), "18:00", ""},
		{"at 18:00", time.Date(2026, 11, 3, 18, 0, 0, 0, la), "18:00", ""},
		{"the next day at 18:00", time.Date(2026, 11, 4, 18, 0, 0, 0, la), "18:00", "2026-11-03"},
	} {
		now, s.Config.NewsletterTime = st.now, st.setting
		tickWrites(t, ctx, sc, st.name, st.wrote)
	}
}

// TestSchedulerWritesAndMailsOnceTheSiteFolderTakesTheFile has the issue's
// file fail to be written at newsletter_time (a file stands where the
// _newsletters folder goes, as a full or read-only disk fails a write):
// the tick fails, and the next one, the folder mended, writes the issue
// and mails it.
func TestSchedulerWritesAndMailsOnceTheSiteFolderTakesTheFile(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{})
	s, la := newsletterSite(t, h, srv)
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
		Options: Options{Now: func() time.Time { return now }}}
	blocker := filepath.Join(h.dir, Dir)
	if err := os.WriteFile(blocker, []byte("not a folder\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if is, err := sc.Tick(ctx); err == nil || is != nil {
		t.Fatalf("tick with the folder blocked: %v, %v; want an error", is, err)
	}
	if err := os.Remove(blocker); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	is, err := sc.Tick(ctx)
	if err != nil || is == nil || is.Date.String() != "2026-11-02" {
		t.Fatalf("tick with the folder mended: %v, %v; want the issue of 2026-11-02", is, err)
	}
	if _, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(is.Path))); err != nil {
		t.Errorf("the issue's file: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages mailed, want 1", n)
	}
}

// TestSchedulerReplacesAnIssueWrittenBeforeItsDayWasOver writes the
// issue of a day while it lasts, without mailing it (newsletter --date
// of today --no-send, a preview): at newsletter_time the next day the
// scheduler writes the whole day's issue over it and mails it.
func TestSchedulerReplacesAnIssueWrittenBeforeItsDayWasOver(t *testing.T) {
	h := genHub(t, 1500, nil)
	ctx := context.Background()
	srv := smtptest.Start(t, smtptest.Options{})
	s, la := newsletterSite(t, h, srv)
	day := Date{2026, 11, 2}
	during := time.Date(2026, 11, 2, 9, 0, 0, 0, la)
	preview, _, err := Write(ctx, h.st, s, h.dir, day, Options{Now: func() time.Time { return during }})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir,
		Options: Options{Now: func() time.Time { return now }}}
	is, err := sc.Tick(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if is == nil || is.Date != day || !is.Published.Equal(IssueTime(day, s.Config)) {
		t.Fatalf("at newsletter_time: issue %+v; want the whole day's issue of %s, dated %s (the preview: %s)",
			is, day, IssueTime(day, s.Config), preview.Published)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages mailed, want 1", n)
	}
	recs, err := Issues(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || !recs[0].Newsletter.PublishedDateTime.Equal(is.Published) {
		t.Errorf("%d issues stored, the first dated %v; want the whole day's alone", len(recs), recs[0].Newsletter.PublishedDateTime)
	}
	// Written, it stands: another tick writes nothing.
	now = now.Add(time.Hour)
	if again, err := (&Scheduler{Store: h.st, Site: sc.Site, SiteDir: h.dir, Options: sc.Options}).Tick(ctx); err != nil || again != nil {
		t.Errorf("a tick after: %v, %v; want nothing written", again, err)
	}
}

// tickWrites has sc tick, at step, and checks the date of the issue it
// wrote: want, or "" for none.
func tickWrites(t *testing.T, ctx context.Context, sc *Scheduler, step, want string) {
	t.Helper()
	is, err := sc.Tick(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	got := ""
	if is != nil {
		got = is.Date.String()
	}
	if got != want {
		t.Fatalf("%s: wrote %q, want %q", step, got, want)
	}
}

// writeFails fails the nth write of an issue to the store, once, as a
// database busy for a moment or a process killed there does.
type writeFails struct {
	store.Store
	n, writes int
}

func (s *writeFails) UpsertIfUnchanged(ctx context.Context, recs []*model.Record) error {
	if recs[0].Kind == model.KindNewsletter {
		if s.writes++; s.writes == s.n {
			return errors.New("database is locked")
		}
	}
	return s.Store.UpsertIfUnchanged(ctx, recs)
}

// TestSchedulerMailsAnIssueWhoseFirstWriteAfterSavingFailed: the store
// fails the write that follows the saving of the day's issue (where the
// mailing was recorded as to do); the tick after, or the process started
// again, finds the issue written and still mails it, once to each reader.
func TestSchedulerMailsAnIssueWhoseFirstWriteAfterSavingFailed(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, 1500, nil)
	srv := smtptest.Start(t, smtptest.Options{})
	all := []string{"a@example.org", "b@example.org"}
	s, la := newsletterSite(t, h, srv, all...)
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	clock := Options{Now: func() time.Time { return now }}
	st := &writeFails{Store: h.st, n: 2}
	sc := &Scheduler{Store: st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: clock}
	sc.Tick(ctx) // the failure is logged and the tick tried again
	for _, sc := range []*Scheduler{sc, {Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: clock}} {
		for range 3 {
			now = now.Add(time.Minute)
			if _, err := sc.Tick(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if st.writes < 2 {
		t.Fatalf("the issue was written %d times: the failure was not met", st.writes)
	}
	if got := mailedTo(srv); !slices.Equal(got, all) {
		t.Fatalf("mailed to %q, want %q once each", got, all)
	}
}

// TestSchedulerMailsTheRestAfterAConnectionLostMidMessage: the
// connection is lost in the middle of the second message of three; the
// first reader, whose message the server took, is not mailed again, and
// the two others get the issue at the next try, once each.
func TestSchedulerMailsTheRestAfterAConnectionLostMidMessage(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, 1500, nil)
	srv := smtptest.Start(t, smtptest.Options{DropData: 1})
	all := []string{"a@example.org", "b@example.org", "c@example.org"}
	s, la := newsletterSite(t, h, srv, all...)
	now := time.Date(2026, 11, 3, 7, 0, 0, 0, la)
	sc := &Scheduler{Store: h.st, Site: func() *site.Site { return s }, SiteDir: h.dir, Options: Options{Now: func() time.Time { return now }}}
	if is, err := sc.Tick(ctx); err != nil || is == nil {
		t.Fatalf("tick: %v, %v; want the issue written", is, err)
	}
	if got := mailedTo(srv); !slices.Equal(got, all[:1]) {
		t.Fatalf("before the connection was lost the server took %q, want %q", got, all[:1])
	}
	for range 5 {
		now = now.Add(time.Minute)
		if _, err := sc.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if got := mailedTo(srv); !slices.Equal(got, all) || srv.Sessions() != 2 {
		t.Fatalf("mailed to %q over %d connections, want %q once each over 2", got, srv.Sessions(), all)
	}
}
