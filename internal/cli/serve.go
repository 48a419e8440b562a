package cli

import (
	"context"
	"fmt"
	"log/slog"

	"newshub/internal/ingest"
	"newshub/internal/server"
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
	st, s, err := env.openHub(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
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
		pol, err := retentionPolicy(env, s)
		if err != nil {
			return err
		}
		in := ingest.New(s, st, ingest.Options{Version: version(), SiteDir: env.Site, Log: env.Log, Retention: &pol})
		defer in.Close()
		cfg.Ingest = in.Run
	}
	return server.New(cfg).ListenAndServe(ctx, *addr, func(a string) {
		fmt.Fprintf(env.Stdout, "serving http://%s/\n", a)
	})
}
