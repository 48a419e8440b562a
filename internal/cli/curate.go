package cli

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/curate"
	"newshub/internal/editorial"
)

// runCurate recomputes every curated value over the store.
func runCurate(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("curate")
	window := fs.Duration("window", 0, "story window, e.g. 72h (default: the site's story_window, else 72h)")
	if err := env.parse(fs, args); err != nil {
		return err
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
	sum, err := curate.New(s, st, curate.Options{Window: *window, SiteDir: env.Site}).All(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "curated %d articles: %d stories, %d leads, %d records changed in %s\n",
		sum.Articles, sum.Stories, sum.Leads, sum.Changed, sum.Elapsed.Round(time.Millisecond))
	if sum.Withheld > 0 || log.Len() > 0 {
		fmt.Fprintf(env.Stdout, "%d articles withheld from publication (%d off topic); %d editorial decisions applied",
			sum.Withheld, sum.OffTopic, len(log.Decisions))
		if n := len(log.Invalid); n > 0 {
			fmt.Fprintf(env.Stdout, ", %d skipped as invalid", n)
		}
		fmt.Fprintln(env.Stdout)
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
