package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"newshub/internal/newsletter"
	"newshub/internal/site"
	"newshub/internal/store"
)

// runNewsletter writes one day's newsletter issue now, and mails it where
// the site configures smtp: to the addresses not mailed it before (by
// serve, ingest or an earlier run), or with --resend to every one.
func runNewsletter(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("newsletter")
	date := fs.String("date", "", "the day whose news the issue holds, YYYY-MM-DD in the site's time zone (default: the last day whose issue is due: yesterday once newsletter_time has passed)")
	noSend := fs.Bool("no-send", false, "write the issue without mailing it")
	resend := fs.Bool("resend", false, "mail the issue to every address of the list, those mailed it before too")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("newsletter takes no arguments, got %q", fs.Args())
	}
	if *noSend && *resend {
		return usageError("--resend mails the issue again and --no-send mails nothing: give one of them")
	}
	var day newsletter.Date
	if *date != "" {
		var err error
		if day, err = newsletter.ParseDate(*date); err != nil {
			return usageError("--date: %v", err)
		}
	}
	st, s, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	if day.IsZero() {
		day = newsletter.LastDue(now, s.Config)
	}
	// A day to come has no news yet, but for a feed's misdated items; an
	// issue of it would also stand for that day's issue, which the
	// schedule would then never write.
	if loc := s.Config.Location(); newsletter.DateOf(now.In(loc)).Before(day) {
		return usageError("--date %s: the day has not begun (today is %s in %s, the site's timezone)",
			day, newsletter.DateOf(now.In(loc)), loc)
	}
	is, rec, err := newsletter.Write(ctx, st, s, env.Site, day, newsletter.Options{})
	if errors.Is(err, newsletter.ErrNoNews) {
		fmt.Fprintf(env.Stdout, "no news on %s: no issue written\n", day)
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "wrote %s: %d stories in %d topics, from %d publishers\n",
		rec.Path, is.Stories, len(is.Sections), is.Publishers)
	if is.DayStories > is.Stories {
		fmt.Fprintf(env.Stdout, "%d more stories of the day left out: an issue holds the %d hottest\n", is.DayStories-is.Stories, is.Stories)
	}
	if is.Unlinked > 0 {
		fmt.Fprintf(env.Stdout, "%d titles shown without a link: their records have no http(s) URL\n", is.Unlinked)
	}
	if s.Config.SMTP == nil || *noSend {
		return nil
	}
	m := &newsletter.Mailer{SMTP: s.Config.SMTP, SiteDir: env.Site}
	sent, skipped, err := m.SendOnce(ctx, st, is, *resend)
	if len(skipped) > 0 {
		env.Log.Info("newsletter: mailed before, not mailed again (--resend mails it again)", "path", rec.Path, "addresses", len(skipped))
	}
	fmt.Fprintf(env.Stdout, "mailed to %d of %d addresses", sent, len(s.Config.SMTP.To))
	if len(skipped) > 0 {
		fmt.Fprintf(env.Stdout, " (%d mailed it before)", len(skipped))
	}
	fmt.Fprintln(env.Stdout)
	return err
}

// scheduleNewsletters writes each day's issue when it falls due (at the
// site's newsletter_time), beside the fetching of serve and ingest, until
// the function it returns is called.
func scheduleNewsletters(ctx context.Context, env *Env, st store.Store, s func() *site.Site) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	sc := &newsletter.Scheduler{Store: st, Site: s, SiteDir: env.Site, Log: env.Log}
	go func() {
		defer close(done)
		sc.Run(ctx, time.Minute)
	}()
	return func() {
		cancel()
		<-done
	}
}

// refreshNewsletters writes again the newsletter issues that name an
// article whose publication a curation just changed (see
// newsletter.Refresh), and says so on w when w is not nil.
func refreshNewsletters(ctx context.Context, st store.Store, siteDir string, w io.Writer) error {
	paths, err := newsletter.Refresh(ctx, st, siteDir)
	if err != nil {
		return fmt.Errorf("newsletter issues: %w", err)
	}
	if len(paths) > 0 && w != nil {
		fmt.Fprintf(w, "%d newsletter issues written again, leaving out the articles withheld from publication\n", len(paths))
	}
	return nil
}
