package newsletter

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Scheduler writes each day's issue once it is due (see Due), and mails it
// where the site configures smtp:. serve and ingest run one beside their
// fetching; several processes of one hub may, since each reads the store's
// latest issue before writing one, in turns where the store is shared.
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

	last Date // the last day written or found without news
}

// Tick writes the issue due at the scheduler's now, if one is and no
// other process wrote it, and mails it where smtp: is set. It returns the
// issue written, or nil when none was due or the day had no news (which
// is then not tried again). A failure to mail is logged, not returned:
// the issue is written, and mailing it again would repeat it to the
// addresses that got it.
func (s *Scheduler) Tick(ctx context.Context) (*Issue, error) {
	opt := s.Options.withDefaults()
	st := s.Site()
	cfg := st.Config
	d, ok := Due(opt.Now(), cfg, s.last)
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
	if cfg.SMTP != nil {
		m := &Mailer{SMTP: cfg.SMTP, SiteDir: s.SiteDir, TLS: s.TLS, Now: opt.Now}
		sent, err := m.Send(ctx, is)
		if err != nil {
			s.log().Error("newsletter: mailing failed", "path", rec.Path, "sent", sent, "of", len(cfg.SMTP.To), "err", err)
		} else {
			s.log().Info("newsletter: mailed", "path", rec.Path, "to", sent)
		}
	}
	return is, nil
}

// write writes the issue of day d unless the store holds one of that day
// or a later one already; it returns no issue and no error then. Where
// the store is shared by several processes (the workers of a hub, each
// with its scheduler, tick together when started together), they take
// turns to read and write, so that one writes and mails the issue and the
// others find it written.
func (s *Scheduler) write(ctx context.Context, st *site.Site, d Date, opt Options) (is *Issue, rec *model.Record, err error) {
	once := func(ctx context.Context) error {
		latest, err := Latest(ctx, s.Store)
		if err != nil {
			return err
		}
		if !latest.Before(d) {
			s.last = latest
			return nil
		}
		is, rec, err = Write(ctx, s.Store, st, s.SiteDir, d, opt)
		return err
	}
	if sh, ok := s.Store.(store.Shared); ok {
		err = sh.Exclusive(ctx, "newsletter", once)
	} else {
		err = once(ctx)
	}
	return is, rec, err
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
