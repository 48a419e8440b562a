package cli

import (
	"context"
	"fmt"
	"time"

	"newshub/internal/publish"
	"newshub/internal/web"
)

// runBuild writes the static API, feeds and website to OUT.
func runBuild(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("build")
	baseURL := fs.String("base-url", "", "absolute URL OUT is published at (default: the site's url + baseurl)")
	noWeb := fs.Bool("no-web", false, "write only the API and the feeds, not the website")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one OUT folder")
	}
	out := fs.Arg(0)
	// The hub's view is the live heap.
	env.softMemoryLimit(768 << 20)
	st, s, err := env.openHubFor(ctx, onePass)
	if err != nil {
		return err
	}
	defer st.Close()
	opt := publish.BuildOptions{Options: publish.Options{BaseURL: *baseURL}, Logger: env.Log}
	if !*noWeb {
		w, err := web.New(web.Config{Store: st, Logger: env.Log})
		if err != nil {
			return err
		}
		opt.Extra = append(opt.Extra, w.Build) // the website of the API's view
	}
	stats, err := publish.Build(ctx, st, s, out, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "built %s: %d API and feed files (%d written, %d unchanged) in %s\n",
		out, stats.Files, stats.Written, stats.Unchanged, stats.Duration.Round(time.Millisecond))
	return nil
}
