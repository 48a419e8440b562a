package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"os/signal"
	runtimemetrics "runtime/metrics"
	"syscall"
	"time"

	"newshub/internal/ingest"
	"newshub/internal/ingest/scheduler"
	"newshub/internal/metrics"
	"newshub/internal/publish"
	"newshub/internal/retention"
	"newshub/internal/server"
	"newshub/internal/site/watch"
	"newshub/internal/store"
	"newshub/internal/web"
)

// runServe serves the API, feeds and website until interrupted, running
// the ingest scheduler beside them unless --no-ingest.
func runServe(ctx context.Context, env *Env, args []string) error {
	return asStop(ctx, serveHub(ctx, env, args))
}

// asStop is the error of a command that runs until stopped, nil when it
// is the stop itself: a SIGTERM or Ctrl-C that comes while the command
// starts (opening the store, loading the hub's view: seconds on a large
// hub) cancels what it reads, and is a stop as one after it started is,
// not a failure (which systemd reports of the service it stopped).
func asStop(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func serveHub(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("serve")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on, HOST:PORT")
	noIngest := fs.Bool("no-ingest", false, "do not fetch the sources on schedule")
	fetchEvery := fs.Duration("fetch-interval", 0, "fetch every source this often, in place of its interval and the adaptive schedule (for benchmarks and tests; at least 1s)")
	baseURL := fs.String("base-url", "", "absolute URL the hub is reached at (default: the site's url + baseurl)")
	quiet := fs.Bool("quiet", false, "no access log")
	adminAddr := fs.String("admin-addr", "", "also serve /metrics, /healthz, /readyz and the admin area on this address, HOST:PORT, apart from the public site")
	publishTo := publishFlag(fs)
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if *fetchEvery != 0 && *fetchEvery < time.Second {
		return usageError("--fetch-interval %s: at least 1s", *fetchEvery)
	}
	if *publishTo != "" {
		if err := env.checkOut(*publishTo); err != nil {
			return fmt.Errorf("--publish: %w", err)
		}
	}
	// The address is bound before the store opens and the hub loads
	// (seconds on a large hub), so a taken one fails at once.
	ln := env.listener
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", *addr); err != nil {
			return addrTaken(err, "--addr")
		}
	}
	defer ln.Close()
	if debugAddr := env.Getenv("NEWSHUB_DEBUG_ADDR"); debugAddr != "" {
		stop, err := startDebugServer(debugAddr, env.Stdout)
		if err != nil {
			return err
		}
		defer stop()
	}
	use := randomReads
	if *publishTo != "" {
		// Each round's build reads the whole store, which every reader
		// connection would then map and count in the resident set: the
		// file is read through SQLite's own small caches instead, at the
		// cost of slower searches (see sqlite.ReadMap).
		use = onePass
		// The view is the live heap; each build adds garbage that a soft
		// limit collects before it doubles the process (see build). Set
		// near the live heap of a 100,000-article hub's build it costs
		// rounds twice their time in collection (768 MiB: 50 s against
		// 27 s); 900 MiB costs a tenth.
		env.softMemoryLimit(900 << 20)
	}
	st, err := env.openStoreFor(ctx, use)
	if err != nil {
		return err
	}
	defer st.Close()
	log := env.Log
	if *quiet {
		// Warnings and errors only, or fewer as --log-level says: the
		// access log costs at high rates.
		level := slog.LevelWarn
		if env.level != nil {
			level = max(level, env.level.Level())
		}
		log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	}
	// One record of the store's outages for every part that reads it: a
	// database restarting is logged once, when it stops answering and
	// when it answers again.
	outage := store.NewOutage(log)
	// The views reload the site from the store, where the watcher puts
	// each edit of the configuration files; ingest starts again with it.
	sw, err := watch.New(ctx, env.Site, st, env.Log, outage)
	if err != nil {
		return err
	}
	// Retention settings that do not read stop serve at the start, named
	// by file and line; later edits that do not read leave those in force.
	if _, err := retentionPolicy(env, sw.Site()); err != nil {
		return err
	}
	defer follow(ctx, env, sw)()
	var policy scheduler.Policy
	if *fetchEvery > 0 {
		// One interval for every source, failures included: a soak
		// test compresses days of rounds into minutes.
		policy = scheduler.Policy{Min: *fetchEvery, Max: *fetchEvery, Default: *fetchEvery, Every: *fetchEvery}
	}
	m := metrics.New(metrics.Options{Store: st, SiteDir: env.Site, Policy: policy, Log: env.Log, Outage: outage})
	// One view of the hub for the API, the feeds, the website and search.
	views := publish.NewViews(publish.ViewsConfig{Store: st, Options: publish.Options{BaseURL: *baseURL}, Logger: log, Outage: outage,
		OnLoad:       func(d time.Duration) { m.Published(metrics.PublishLoad, d) },
		OnLoadFailed: func() { m.PublishFailed(metrics.PublishLoad) }})
	w, err := web.New(web.Config{Views: views, Store: st, SiteDir: env.Site, Logger: env.Log})
	if err != nil {
		return err
	}
	// The admin area is under /admin/ of the public address too.
	area, err := newAdminArea(st, env.Site, *baseURL, sw.Site, w, log, outage)
	if err != nil {
		return err
	}
	cfg := server.Config{Store: st, Views: views, Web: mountAdmin(w, area), Static: w.ServeStatic, Search: w.SearchDoc, Logger: log, Metrics: m}
	if !*noIngest {
		opts := ingest.Options{Version: version(), SiteDir: env.Site, Log: env.Log, Policy: policy, Metrics: m}
		cfg.Ingest = ingestFollowing(sw, st, opts)
		defer scheduleNewsletters(ctx, env, st, sw.Site)()
	}
	srv := server.New(cfg)
	// The server loads the hub's view before it serves; until then the
	// admin address answers /readyz with 503.
	if *adminAddr != "" {
		stop, err := startAdminServer(*adminAddr, m,
			[]metrics.Check{metrics.StoreReachable(st), metrics.ViewLoaded(srv.Loaded)}, area, env.Stdout, env.Log)
		if err != nil {
			return err
		}
		defer stop()
	}
	if *publishTo != "" {
		stop, err := startPublishing(ctx, env, st, sw.Site, views, *publishTo, *baseURL, m)
		if err != nil {
			return err
		}
		defer stop()
	}
	return srv.Serve(ctx, ln, func(a string) {
		fmt.Fprintf(env.Stdout, "serving http://%s/\n", a)
	})
}

// addrTaken says what to do when the address to listen on is taken: the
// default port of serve and demo (8080) often is, by another server.
func addrTaken(err error, flag string) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w (another process listens there: give %s another port)", err, flag)
	}
	return err
}

// startDebugServer serves net/http/pprof's profiles and the runtime's
// metrics on addr (environment variable NEWSHUB_DEBUG_ADDR), for soak
// tests and leak hunts. Profiles show the process's insides, so addr must
// be a loopback address.
func startDebugServer(addr string, out io.Writer) (stop func(), err error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("NEWSHUB_DEBUG_ADDR %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("NEWSHUB_DEBUG_ADDR %q: want a loopback address, such as 127.0.0.1:6060", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("NEWSHUB_DEBUG_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	mux.HandleFunc("/debug/runtime", serveRuntimeMetrics)
	// Idle keep-alive connections are closed, where a sampler's stayed
	// open for the life of the process. No WriteTimeout: a CPU profile
	// or trace streams for as many seconds as asked (30 by default).
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	fmt.Fprintf(out, "debug http://%s/debug/\n", ln.Addr())
	return func() { srv.Close() }, nil
}

// serveRuntimeMetrics answers every numeric runtime metric as one JSON
// object keyed by its runtime/metrics name ("/gc/heap/live:bytes",
// "/sched/goroutines:goroutines", …): read without stopping the world,
// so sampling it often does not disturb what it measures.
func serveRuntimeMetrics(w http.ResponseWriter, r *http.Request) {
	descs := runtimemetrics.All()
	samples := make([]runtimemetrics.Sample, len(descs))
	for i, d := range descs {
		samples[i].Name = d.Name
	}
	runtimemetrics.Read(samples)
	vals := make(map[string]any, len(samples))
	for _, s := range samples {
		switch s.Value.Kind() {
		case runtimemetrics.KindUint64:
			vals[s.Name] = s.Value.Uint64()
		case runtimemetrics.KindFloat64:
			if f := s.Value.Float64(); !math.IsNaN(f) && !math.IsInf(f, 0) {
				vals[s.Name] = f
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(vals)
}

// follow runs the watcher of the site folder until the function it
// returns is called. A SIGHUP, which operators send for a reload (and
// which would otherwise end the process at once, unsaved), has the
// folder read again now; unless env leaves it to end the process (demo).
func follow(ctx context.Context, env *Env, sw *watch.Watcher) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	hup := make(chan os.Signal, 1)
	if !env.hangupEnds {
		signal.Notify(hup, syscall.SIGHUP)
	}
	done := make(chan struct{}, 2)
	go func() {
		defer func() { done <- struct{}{} }()
		if err := sw.Run(ctx); err != nil {
			env.Log.Error("edits of the site folder will not take effect until serve starts again", "err", err)
		}
	}()
	go func() {
		defer func() { done <- struct{}{} }()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				env.Log.Info("SIGHUP: reading the site folder again")
				sw.ReadNow()
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
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
			s := sw.Site()
			// Retention follows the configuration in force; the watcher
			// has checked its settings with their lines.
			pol, err := retention.PolicyOf(s.Config)
			if err != nil {
				return fmt.Errorf("_config.yml: %w", err)
			}
			opts.Retention = &pol
			runCtx, cancel := context.WithCancel(ctx)
			in := ingest.New(s, st, opts)
			done := make(chan error, 1)
			go func() { done <- in.Run(runCtx) }()
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
