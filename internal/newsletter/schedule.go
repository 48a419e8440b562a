package newsletter

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Scheduler writes each day's issue once it is due (see Due), and mails it
// where the site configures smtp:. serve and ingest run one beside their
// fetching; several processes of one hub may, since each looks for the
// day's issue in the store before writing one, in turns where the store
// is shared.
type Scheduler struct {
	Store store.Store
	// Site returns the configuration in force, read at each tick so an
	// edit of newsletter_time or smtp: takes effect.
	Site    func() *site.Site
	SiteDir string // where the record's file goes; "" writes it to the store only
	// Options of each issue; their Now is the scheduler's clock too.
	Options Options
	TLS     *tls.Config // for the mailer's STARTTLS; nil: the system's roots
	Log     *slog.Logger

	last    Date         // the last day written or found without news
	seen    time.Time    // the clock at the last tick
	pending *pendingMail // the issue whose mailing is to be tried again
	resumed time.Time    // when the store was last read for a mailing left to try
	// The store's generation and the digest of its withheld news when
	// the issues were last refreshed (see refresh); refreshed is false
	// before the first tick.
	refreshed  bool
	generation int64
	withheld   [sha256.Size]byte
}

// pendingMail is an issue some addresses of which are still to get, the
// server having put them off (see Mailer.send). The store keeps it with
// the issue (model.Mailing), so that a process started again tries it.
type pendingMail struct {
	l     *letter
	to    []string
	sent  int       // messages accepted so far
	tries int       // sends tried
	next  time.Time // when to try again
}

// Mailing an issue is tried again after a minute, then after twice as
// long each time, up to an hour, at most maxMailTries times in all (some
// six hours), and not once the next issue is written: a server down
// longer has readers' copies of the issue wait for the next one.
const (
	maxMailTries = 12
	maxMailWait  = time.Hour
)

// Tick writes the issue due at the scheduler's now, if one is and no
// other process wrote it, and mails it where smtp: is set. It returns the
// issue written, or nil when none was due or the day had no news (which
// is then not tried again). A failure to mail is logged, not returned:
// the issue is written. The addresses the server put off (it could not be
// reached, or answered "try again later") get it at a later tick, of this
// process or, the store keeping them with the issue, of another one (the
// next, or one running when a run of newsletter was put off);
// those it accepted or refused for good are not sent it again.
func (s *Scheduler) Tick(ctx context.Context) (*Issue, error) {
	opt := s.Options.withDefaults()
	st := s.Site()
	if now := opt.Now(); s.resumeDue(now) {
		if err := s.resume(ctx, now); err != nil {
			return nil, err
		}
	}
	s.refresh(ctx)
	is, err := s.tick(ctx, st, opt)
	if is != nil && st.Config.SMTP != nil {
		if err := s.pend(ctx, is, st.Config.SMTP); err != nil {
			return is, err
		}
	}
	s.mail(ctx, st.Config.SMTP, opt.Now)
	return is, err
}

// refresh writes the issues again (see Refresh) at the first tick and
// whenever the withheld news changed since: an article taken out by an
// editor, by the decisions of the site folder that curation applied, or
// by the topic gate's change of mind on an article fetched again, leaves
// the issues that name it within a tick. A tick with no write to the
// store since the last costs one read of its generation, and one with
// writes but the same withheld news a scan of an index.
func (s *Scheduler) refresh(ctx context.Context) {
	gen, err := s.Store.Generation(ctx)
	if err != nil {
		s.log().Error("newsletter", "err", fmt.Errorf("refresh issues: %w", err))
		return
	}
	if s.refreshed && gen == s.generation {
		return
	}
	var paths []string
	err = s.exclusive(ctx, func(ctx context.Context) error {
		w, err := readWithheld(ctx, s.Store)
		if err != nil {
			return err
		}
		if !s.refreshed || w.digest != s.withheld {
			if paths, err = refreshAll(ctx, s.Store, s.SiteDir, w); err != nil {
				return err
			}
		}
		s.refreshed, s.withheld, s.generation = true, w.digest, gen
		return nil
	})
	if err != nil {
		s.log().Error("newsletter", "err", fmt.Errorf("refresh issues: %w", err))
		return
	}
	if len(paths) > 0 {
		s.log().Info("newsletter: issues written again, leaving out the articles withheld from publication", "issues", len(paths))
	}
}

// resumeEvery is how often a scheduler with no mailing of its own to
// try reads the store for one: a run of newsletter, or a process before
// this one, may have left one.
const resumeEvery = 10 * time.Minute

// resumeDue reports whether the store is to be read for a mailing left
// to try: with none of its own, at the first tick, then every
// resumeEvery (and when the clock went back).
func (s *Scheduler) resumeDue(now time.Time) bool {
	return s.pending == nil && (s.resumed.IsZero() || now.Before(s.resumed) || !now.Before(s.resumed.Add(resumeEvery)))
}

// resume takes up the mailing of the newest issue where another process
// (one before this one, a run of newsletter) left it.
func (s *Scheduler) resume(ctx context.Context, now time.Time) error {
	recs, err := Issues(ctx, s.Store)
	if err != nil {
		return err
	}
	s.resumed = now
	if len(recs) > 0 && s.pending == nil {
		if s.pending = pendingOf(recs[0]); s.pending != nil {
			s.log().Info("newsletter: mailing to be tried again", "path", s.pending.l.path, "addresses", len(s.pending.to), "at", s.pending.next)
		}
	}
	return nil
}

// pend makes the issue just written the one to mail, to the addresses
// its record holds as still to get it (see mark). An issue still pending
// is given up: its readers get the next.
func (s *Scheduler) pend(ctx context.Context, is *Issue, cfg *model.SMTP) error {
	if p := s.pending; p != nil {
		s.log().Error("newsletter: not mailed to every address, the next issue being written",
			"path", p.l.path, "sent", p.sent, "not sent", len(p.to))
		if p.l.path != is.Path {
			if err := updateMailing(ctx, s.Store, p.l.path, clearPending); err != nil {
				return err
			}
		}
	}
	s.pending = nil
	rec, err := s.Store.Get(ctx, is.Path)
	if err != nil {
		return fmt.Errorf("newsletter %s: %w", is.Path, err)
	}
	if rec.Newsletter != nil && rec.Newsletter.Mailing != nil {
		if _, done := notDone(cfg.To, rec.Newsletter.Mailing); len(done) > 0 {
			s.log().Info("newsletter: mailed before, not mailed again", "path", is.Path, "addresses", len(done))
		}
	}
	s.pending = pendingOf(rec)
	return nil
}

// mark returns what records, in the issue's record as it is saved, that
// the addresses of the list not mailed the day's issue before are to get
// it: a process that ends, or a store that fails, before the mailing
// begins leaves it to the next tick or process, as one that ends midway.
func mark(cfg *model.SMTP, now time.Time) func(*Issue) (func(*model.Mailing), error) {
	return func(is *Issue) (func(*model.Mailing), error) {
		l, err := is.letter()
		if err != nil {
			return nil, err
		}
		return func(mg *model.Mailing) {
			if to, _ := notDone(cfg.To, mg); len(to) > 0 {
				mg.Pending = to
				mg.Tries, mg.Next = 0, now
				mg.Subject, mg.Text = l.subject, l.text
			}
		}, nil
	}
}

func (s *Scheduler) tick(ctx context.Context, st *site.Site, opt Options) (*Issue, error) {
	cfg := st.Config
	now := opt.Now()
	if now.Before(s.seen) {
		s.last = Date{} // the clock went back: the store says what is written
	}
	s.seen = now
	d, ok := Due(now, cfg, s.last)
	if !ok {
		return nil, nil
	}
	is, rec, err := s.write(ctx, st, d, opt)
	if is == nil && err == nil {
		return nil, nil // written already, here or by another process
	}
	if errors.Is(err, ErrNoNews) {
		s.last = d
		s.log().Info("newsletter: no news that day, no issue", "day", d.String())
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	s.last = d
	s.log().Info("newsletter: issue written", "path", rec.Path, "stories", is.Stories, "publishers", is.Publishers)
	return is, nil
}

// mail sends the pending issue, when its time has come, to the addresses
// still to get it that the settings still list. A try due further off
// than the longest wait between tries is due: it was counted on a clock
// since set back (the store keeps it for a process started again), and
// kept to, it would have the next issue give the mailing up first.
func (s *Scheduler) mail(ctx context.Context, cfg *model.SMTP, now func() time.Time) {
	p := s.pending
	if t := now(); p == nil || t.Before(p.next) && p.next.Sub(t) <= maxMailWait {
		return
	}
	if cfg == nil {
		s.pending = nil // smtp: was taken out
		if err := updateMailing(ctx, s.Store, p.l.path, clearPending); err != nil {
			s.log().Error("newsletter", "err", err)
		}
		return
	}
	var (
		to, retry []string
		err       error
		again     bool
	)
	// Workers of a hub started again all take up its mailing: each sends
	// in turn what the store still has pending, so that one mails it.
	lerr := s.exclusive(ctx, func(ctx context.Context) error {
		rec, merr := s.Store.Get(ctx, p.l.path)
		if merr != nil {
			return fmt.Errorf("newsletter %s: %w", p.l.path, merr)
		}
		mg := &model.Mailing{}
		if rec.Newsletter != nil && rec.Newsletter.Mailing != nil {
			mg = rec.Newsletter.Mailing
		}
		// The issue as stored now: written again since without an
		// article withheld, the rest of the list gets it so.
		if fresh := pendingOf(rec); fresh != nil {
			p.l = fresh.l
		}
		to = slices.DeleteFunc(p.to, func(a string) bool {
			return !slices.Contains(cfg.To, a) || !slices.Contains(mg.Pending, a) || slices.Contains(mg.Done, a)
		})
		if len(to) == 0 {
			return nil
		}
		m := &Mailer{SMTP: cfg, SiteDir: s.SiteDir, TLS: s.TLS, Now: now}
		var sent int
		sent, retry, err = m.send(ctx, p.l, to, recordDone(ctx, s.Store, p.l.path))
		p.sent += sent
		p.tries++
		again = err != nil && len(retry) > 0 && p.tries < maxMailTries
		p.next = now().Add(min(time.Minute<<(p.tries-1), maxMailWait))
		return recordSent(ctx, s.Store, p.l.path, to, retry, again, p.next)
	})
	log := s.log().With("path", p.l.path, "sent", p.sent, "try", p.tries)
	switch {
	case lerr != nil && len(to) == 0:
		log.Error("newsletter", "err", lerr)
		return // tried again at the next tick
	case lerr != nil:
		log.Error("newsletter", "err", lerr)
	case len(to) == 0:
		s.pending = nil // mailed by another process, or no longer listed
		return
	}
	switch {
	case err == nil:
		log.Info("newsletter: mailed")
	case len(retry) == 0:
		log.Error("newsletter: mailing failed", "err", err)
	case !again:
		log.Error("newsletter: mailing failed, not tried again", "not sent", len(retry), "err", err)
	default:
		p.to = retry
		log.Error("newsletter: mailing failed, to be tried again", "not sent", len(retry), "at", p.next, "err", err)
		return
	}
	s.pending = nil
}

// write writes the issue of day d unless the store holds one of that day,
// or of the next, written once its day was over (see written); it returns
// no issue and no error then. Where
// the store is shared by several processes (the workers of a hub, each
// with its scheduler, tick together when started together), they take
// turns to read and write, so that one writes and mails the issue and the
// others find it written.
func (s *Scheduler) write(ctx context.Context, st *site.Site, d Date, opt Options) (is *Issue, rec *model.Record, err error) {
	once := func(ctx context.Context) error {
		found, err := written(ctx, s.Store, d, st.Config.Location())
		if err != nil {
			return err
		}
		if found {
			s.last = d
			return nil
		}
		var m func(*Issue) (func(*model.Mailing), error)
		if cfg := st.Config.SMTP; cfg != nil {
			m = mark(cfg, opt.Now())
		}
		is, rec, err = write(ctx, s.Store, st, s.SiteDir, d, opt, m)
		return err
	}
	err = s.exclusive(ctx, once)
	return is, rec, err
}

// exclusive runs fn while no other process of a shared store writes or
// mails an issue.
func (s *Scheduler) exclusive(ctx context.Context, fn func(context.Context) error) error {
	return exclusive(ctx, s.Store, fn)
}

// Run ticks every interval (a minute when 0 or less), and once at once,
// until ctx ends; a failed tick is logged and tried again at the next.
func (s *Scheduler) Run(ctx context.Context, every time.Duration) error {
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := s.Tick(ctx); err != nil && ctx.Err() == nil {
			s.log().Error("newsletter", "err", fmt.Errorf("scheduled issue: %w", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func (s *Scheduler) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}
