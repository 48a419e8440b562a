package cli

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
	"newshub/internal/explain"
	"newshub/internal/metrics"
	"newshub/internal/retention"
)

// runCurate recomputes every curated value over the store.
func runCurate(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("curate")
	window := fs.Duration("window", 0, "story window, e.g. 72h (default: the site's story_window, else 72h)")
	metricsFile := fs.String("metrics-file", "", "write the run's metrics to FILE in Prometheus' text format (for a textfile collector)")
	archive := fs.Bool("archive", false, "apply retention now instead: archive news past archive_after, purge unpublished duplicates past purge_after")
	now := fs.String("now", "", "with --archive, the time ages count to (default: the clock)")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if *archive {
		if fs.NArg() > 0 {
			return usageError("curate takes no arguments, got %q", fs.Args())
		}
		return runRetention(ctx, env, *now)
	}
	if *now != "" {
		return usageError("--now goes with --archive")
	}
	if fs.NArg() > 0 {
		return usageError("curate takes no arguments, got %q", fs.Args())
	}
	if *window < 0 {
		return usageError("--window %s: want a positive duration", *window)
	}
	st, s, err := env.openHubFor(ctx, onePass)
	if err != nil {
		return err
	}
	defer st.Close()
	log, err := editorial.Load(ctx, st, env.Site)
	if err != nil {
		return err
	}
	for _, err := range log.Invalid {
		fmt.Fprintf(env.Stderr, "%v (skipped)\n", err)
	}
	unknown := log.UnknownTopics(s)
	for _, err := range unknown {
		fmt.Fprintln(env.Stderr, err)
	}
	m := metrics.New(metrics.Options{NoRuntime: true})
	start := time.Now()
	sum, err := curate.New(s, st, curate.Options{Window: *window, SiteDir: env.Site, Log: env.Log}).All(ctx)
	if err != nil {
		return err
	}
	m.Curated(metrics.CurateAll, time.Since(start))
	// Read after curation, which may have made the stories they name.
	waits, err := explain.Waiting(ctx, st, log)
	if err != nil {
		return err
	}
	for _, w := range waits {
		fmt.Fprintln(env.Stderr, w)
	}
	if *metricsFile != "" {
		if err := m.WriteFile(*metricsFile); err != nil {
			return fmt.Errorf("--metrics-file: %w", err)
		}
	}
	fmt.Fprintf(env.Stdout, "curated %d articles: %d stories, %d leads, %d records changed in %s\n",
		sum.Articles, sum.Stories, sum.Leads, sum.Changed, sum.Elapsed.Round(time.Millisecond))
	if sum.Withheld > 0 || log.Len() > 0 {
		fmt.Fprintf(env.Stdout, "%d articles withheld from publication (%d off topic); %d editorial decisions applied",
			sum.Withheld, sum.OffTopic, len(log.Decisions)-len(waits))
		if n := len(waits); n > 0 {
			fmt.Fprintf(env.Stdout, ", %d naming an article or story not stored", n)
		}
		if n := len(log.Invalid); n > 0 {
			fmt.Fprintf(env.Stdout, ", %d skipped as invalid", n)
		}
		if n := len(unknown); n > 0 {
			fmt.Fprintf(env.Stdout, ", %d adding a topic the taxonomy lacks", n)
		}
		fmt.Fprintln(env.Stdout)
	}
	if err := refreshNewsletters(ctx, st, env.Site, env.Stdout); err != nil {
		return err
	}
	if sum.Redone > 0 {
		fmt.Fprintf(env.Stdout, "%d records changed by another writer meanwhile were curated again from their new version", sum.Redone)
		if sum.Left > 0 {
			fmt.Fprintf(env.Stdout, "; %d still changing were left as that writer wrote them (run curate again)", sum.Left)
		}
		fmt.Fprintln(env.Stdout)
	}
	return nil
}

// runRetention applies the hub's retention settings to the store and the
// site folder.
func runRetention(ctx context.Context, env *Env, at string) error {
	now, err := parseNow(at)
	if err != nil {
		return err
	}
	st, _, pol, err := env.openHubRetained(ctx, scatteredWrites)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := retention.Apply(ctx, st, pol, retention.Options{SiteDir: env.Site, Now: now, Log: env.Log})
	printRetention(env.Stdout, pol, rs)
	return err
}
