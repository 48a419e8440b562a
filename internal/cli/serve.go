package cli

import (
	"context"
	"fmt"
	"log/slog"

	"newshub/internal/ingest"
	"newshub/internal/store"
	"newshub/internal/server"
	"newshub/internal/site/watch"
	"newshub/internal/web"
)

// runServe serves the API, feeds and website until interrupted, running
// the ingest scheduler beside them unless --no-ingest.
func runServe(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	noIngest := fs.Bool("no-ingest", false, "do not fetch the sources on schedule")
	baseURL := fs.String("base-url", "", "absolute URL the hub is reached at (default: the site's url + baseurl)")
	quiet := fs.Bool("quiet", false, "no access log")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	st, err := env.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// The server reloads the site from the store, where the watcher puts
	// each edit of the configuration files; ingest starts again with it.
	sw, err := watch.New(ctx, env.Site, st, env.Log)
	if err != nil {
		return err
	}
	defer follow(ctx, env, sw)()
	w, err := web.New(web.Config{Store: st, BaseURL: *baseURL, Logger: env.Log})
	if err != nil {
		return err
	}
	cfg := server.Config{Store: st, Web: w, Logger: env.Log, BaseURL: *baseURL}
	if *quiet {
		// Warnings and errors only: the access log costs at high rates.
		cfg.Logger = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if !*noIngest {
		cfg.Ingest = ingestFollowing(sw, st, ingest.Options{Version: version(), SiteDir: env.Site, Log: env.Log})
	}
	return server.New(cfg).ListenAndServe(ctx, *addr, func(a string) {
		fmt.Fprintf(env.Stdout, "serving http://%s/\n", a)
	})
}

// follow runs the watcher of the site folder until the function it
// returns is called.
func follow(ctx context.Context, env *Env, sw *watch.Watcher) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := sw.Run(ctx); err != nil {
			env.Log.Error("edits of the site folder will not take effect until serve starts again", "err", err)
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// ingestFollowing runs ingest with the configuration in force, and again
// with the new one each time an edit of the site folder changes it (a
// round under way is cut short: what it had not stored is fetched again).
func ingestFollowing(sw *watch.Watcher, st store.Store, opts ingest.Options) func(context.Context) error {
	changes := sw.Subscribe()
	return func(ctx context.Context) error {
		for {
			runCtx, cancel := context.WithCancel(ctx)
			in := ingest.New(sw.Site(), st, opts)
			done := make(chan error, 1)
			go func() { done <- in.Run(runCtx) }()
			var err error
			restart := false
			select {
			case <-changes:
				restart = true
				cancel()
				err = <-done
			case err = <-done:
			}
			cancel()
			in.Close()
			if !restart || ctx.Err() != nil {
				return err
			}
			if opts.Log != nil {
				opts.Log.Info("ingest: the site configuration changed; fetching with it")
			}
		}
	}
}
