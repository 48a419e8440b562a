package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"time"

	"newshub/internal/metrics"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/web"
)

// runBuild writes the static API, feeds and website to OUT.
func runBuild(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("build")
	baseURL := fs.String("base-url", "", "absolute URL OUT is published at (default: the site's url + baseurl)")
	noWeb := fs.Bool("no-web", false, "write only the API and the feeds, not the website")
	at := fs.String("now", "", "build as of this time, 2026-11-01 or RFC 3339 (default: the clock), which ranks the top stories and tells past events: the same store then builds the same bytes")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one OUT folder")
	}
	out := fs.Arg(0)
	if err := env.checkOut(out); err != nil {
		return err
	}
	now, err := parseNow(*at)
	if err != nil {
		return err
	}
	// The hub's view is the live heap.
	env.softMemoryLimit(768 << 20)
	st, s, err := env.openHubFor(ctx, onePass)
	if err != nil {
		return err
	}
	defer st.Close()
	opt, err := buildOptions(st, env.Site, *baseURL, !*noWeb, env.Log)
	if err != nil {
		return err
	}
	opt.Now = now
	stats, err := publish.Build(ctx, st, s, out, opt)
	if err != nil {
		return err
	}
	printBuild(env.Stdout, out, stats)
	if *baseURL == "" && s.BaseURL() == "" {
		// Feed readers and search engines resolve no relative link.
		env.Log.Warn("build: the site gives no url in _config.yml and --base-url is not set: the feeds' links and ids and the pages' canonical links are relative, which feed readers cannot follow; set url (and baseurl) in _config.yml, or give --base-url")
	}
	return nil
}

// checkOut refuses an OUT folder that holds the site folder or the SQLite
// database: a build removes from OUT every file it does not write, so
// "newshub build ." run in the site would remove the site and its store.
func (env *Env) checkOut(out string) error {
	fo, err := os.Stat(out)
	if err != nil {
		return nil // the build makes it, or says why it cannot
	}
	held := []struct{ path, what string }{{env.Site, "the site folder " + env.Site}}
	if files := env.storeFiles(); len(files) > 0 {
		held = append(held, struct{ path, what string }{files[0], "the database " + files[0]})
	}
	for _, h := range held {
		if holds(fo, h.path) {
			return fmt.Errorf("OUT %s holds %s, and a build removes from OUT every file it does not write: build into a folder of its own", out, h.what)
		}
	}
	return nil
}

// holds reports whether the folder dir is p or one of the folders above
// it, as the file system has them (links followed).
func holds(dir os.FileInfo, p string) bool {
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	for d := abs; ; d = filepath.Dir(d) {
		if fi, err := os.Stat(d); err == nil && os.SameFile(fi, dir) {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// buildOptions are a static build's options: the website with the API
// and feeds unless withWeb is false, and the site's static folder.
func buildOptions(st store.Store, siteDir, baseURL string, withWeb bool, log *slog.Logger) (publish.BuildOptions, error) {
	opt := publish.BuildOptions{Options: publish.Options{BaseURL: baseURL}, Logger: log}
	if siteDir != "" {
		opt.Static = filepath.Join(siteDir, publish.StaticDir)
	}
	if withWeb {
		w, err := web.New(web.Config{Store: st, SiteDir: siteDir, Logger: log})
		if err != nil {
			return opt, err
		}
		opt.Extra = append(opt.Extra, w.Build) // the website of the API's view
	}
	return opt, nil
}

// printBuild says what a build did.
func printBuild(w io.Writer, out string, stats publish.BuildStats) {
	took := stats.Duration.Round(time.Millisecond)
	for _, sk := range slices.Concat(stats.Skipped, stats.StaticSkipped) {
		fmt.Fprintf(w, "left out %s: %s\n", sk.Path, sk.Reason)
	}
	if stats.Whole {
		fmt.Fprintf(w, "built %s: %d files, the whole tree written and swapped in, in %s\n", out, stats.Files, took)
		return
	}
	readBack := ""
	if stats.ReadBack > 0 {
		readBack = fmt.Sprintf(", %d read back to compare", stats.ReadBack)
	}
	oldTree := ""
	if stats.OldTree > 0 {
		oldTree = fmt.Sprintf(" (the old tree's removal %s of it)", stats.OldTree.Round(time.Millisecond))
	}
	fmt.Fprintf(w, "updated %s: %d files, %d written (%d new), %d unchanged, %d removed%s, in %s%s\n",
		out, stats.Files, stats.Written, stats.Added, stats.Unchanged, stats.Removed, readBack, took, oldTree)
}

// publishFlag adds --publish to a command that ingests.
func publishFlag(fs *flag.FlagSet) *string {
	return fs.String("publish", "", "keep a static copy of the hub (API, feeds, website) in this folder, brought in step after each ingest round that changed the store, as build does")
}

// startPublishing keeps the static copy at out in step with the store
// (see publishing) until ctx is done or stop is called, which waits for a
// build under way to stop. A server passes the views it answers from,
// which each build then shares (one view in memory, loaded once per
// change); nil views make each build load its own.
func startPublishing(ctx context.Context, env *Env, st store.Store, siteOf func() *site.Site, views *publish.Views, out, baseURL string, m *metrics.Metrics) (stop func(), err error) {
	opt, err := buildOptions(st, env.Site, baseURL, true, env.Log)
	if err != nil {
		return nil, err
	}
	opt.Views = views
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		publishing(ctx, st, siteOf, out, opt, publish.DefaultRankEvery, env.Stdout, env.Log, m)
	}()
	return func() {
		cancel()
		<-done
	}, nil
}

// publishOnce brings the static copy at out in step with the store.
func publishOnce(ctx context.Context, env *Env, st store.Store, s *site.Site, out string) error {
	opt, err := buildOptions(st, env.Site, "", true, env.Log)
	if err != nil {
		return err
	}
	stats, err := publish.Build(ctx, st, s, out, opt)
	if err != nil {
		return fmt.Errorf("--publish: %w", err)
	}
	printBuild(env.Stdout, out, stats)
	return nil
}

// publishQuiet is how long the store must stay unchanged before a build
// starts: the writes of one ingest round come in batches.
const publishQuiet = time.Second

// publishing builds out at once, then again each time the store's
// generation moves and stays still for publishQuiet, when a pin the last
// build showed ends, and rankEvery after the last build, one build at a
// time; writes during a build bring one more after it. The top stories'
// order follows the clock (a fresh build an hour later ranks them
// otherwise), so a copy of a store nothing writes is ranked again as a
// server's view is; the build writes only what the new order changes. A
// failed build is logged and tried again at the next change, or once the
// ranking is due.
func publishing(ctx context.Context, st store.Store, siteOf func() *site.Site, out string, opt publish.BuildOptions, rankEvery time.Duration, w io.Writer, log *slog.Logger, m *metrics.Metrics) {
	// Each build compares with what the last one left in OUT, not with
	// OUT's bytes read again.
	opt.Manifest = &publish.Manifest{}
	// An update swapping a new tree in leaves the old one to be removed
	// meanwhile: the next update does not wait on it. Stopped, the rest
	// is the next process's.
	opt.OldTrees = publish.NewOldTrees(ctx, log)
	defer opt.OldTrees.Close()
	defer func() {
		// For the next process that builds OUT, which then compares by
		// it rather than reading OUT back.
		if err := publish.SaveManifest(opt.Manifest, out); err != nil {
			log.Warn("publish: manifest not saved; the next build reads OUT back", "out", out, "err", err)
		}
	}()
	changes := generations(ctx, st)
	built := int64(-1)
	var pinEnds time.Time // of the last build, on the clock: see after
	var rankDue time.Time // when the last build's ranking is due again, zero for never
	for {
		gen, err := st.Generation(ctx)
		if err != nil && ctx.Err() == nil {
			log.Error("publish: cannot read the store's generation", "err", err)
		}
		if err == nil && (gen != built || passed(pinEnds) || passed(rankDue)) {
			stats, err := publish.Build(ctx, st, siteOf(), out, opt)
			if opt.Now == nil {
				rankDue = time.Now().Add(rankEvery)
			}
			switch {
			case err == nil:
				built = gen
				m.Published(metrics.PublishBuild, stats.Duration)
				if opt.Now == nil {
					pinEnds = stats.PinEnds
				}
				printBuild(w, out, stats)
			case ctx.Err() == nil:
				m.PublishFailed(metrics.PublishBuild)
				log.Error("publish: build failed; trying again at the next change", "out", out, "err", err)
				pinEnds = time.Time{}
			}
		}
		select {
		case _, ok := <-changes:
			if !ok {
				return
			}
		case <-after(pinEnds):
			continue // no round to wait for
		case <-after(rankDue):
			continue
		}
		// Let the round finish its writes.
		for quiet := false; !quiet; {
			select {
			case _, ok := <-changes:
				if !ok {
					return
				}
			case <-time.After(publishQuiet):
				quiet = true
			}
		}
	}
}

// after tells when t comes: when a pin the last build showed ends, after
// which a build of the same store leads with other stories (a pin ends
// with no write to the store), or when its ranking is due. Nil, which
// never tells, for a zero t (no pin, or a build at a fixed time, which
// ranks alike at every build).
func after(t time.Time) <-chan time.Time {
	if t.IsZero() {
		return nil
	}
	return time.After(time.Until(t))
}

// passed reports whether t is set and has come.
func passed(t time.Time) bool { return !t.IsZero() && !time.Now().Before(t) }

// generations tells of changes of the store's generation: by the store's
// own watch where it has one, else once a second (publishing compares).
func generations(ctx context.Context, st store.Store) <-chan int64 {
	if sh, ok := st.(store.Shared); ok {
		return sh.Watch(ctx)
	}
	ch := make(chan int64)
	go func() {
		defer close(ch)
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				select {
				case ch <- 0:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return ch
}
