package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"time"

	"newshub/internal/ingest"
	"newshub/internal/metrics"
	"newshub/internal/site/watch"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
)

// The soft memory limits of an ingest round (GOMEMLIMIT sets one for all
// of it instead). Collecting sooner near the limit keeps garbage from
// doubling the live heap, and the resident memory follows the limit: it
// is the limit plus what SQLite and the binary hold outside the Go heap
// (30-45 MB: the binary's pages, and SQLite's caches and what its
// allocator keeps of what a batch freed, for the next).
// While sources are read, both cores fetch and parse and the live heap
// holds thousands of connections, goroutine stacks and parsed feeds: a
// limit much below 216 MiB there has the collector take CPU time the
// fetching needs (200 MiB all round long: sources read in 22 s instead
// of 12.5; 216 MiB and 224 MiB read them alike).
// Once they are read, the batches left are curated on one core, holding
// the round's largest live heap (their arrivals, the stored window's
// lean copies and their clusterer, about 150 MB), and retention reads
// every stored article: a lower limit there has the collector run more
// often on the core they leave idle. A batch begun while sources are
// still read keeps the higher limit until they are: under the lower one,
// the fetching's heap and the batch's together had the collector run all
// the time.
//
// A PostgreSQL store holds none of that in the process, and its round is
// the one of a hub that outgrew one machine, whose time counts more than
// a hundred MB: under one limit of 320 MiB the 1,000 × 50 round into
// PostgreSQL collected 89-91 times where it collected 174-179, took 30-32
// CPU-s where it took 38-43 and 27.0-28.5 s where it took 29.3-33.4, and
// peaked at 340 MB where it peaked at 236 (the machine otherwise idle).
const (
	fetchMemoryLimit    = 216 << 20
	curateMemoryLimit   = 200 << 20
	postgresMemoryLimit = 320 << 20
)

// ingestMemoryLimits returns the soft memory limits of a round into the
// store dsn names, while sources are read and while curation runs alone.
func ingestMemoryLimits(dsn string) (fetch, curate int64) {
	if postgres.IsDSN(dsn) {
		return postgresMemoryLimit, postgresMemoryLimit
	}
	return fetchMemoryLimit, curateMemoryLimit
}

// runIngest fetches the configured sources once (--once) or on schedule
// until stopped.
func runIngest(ctx context.Context, env *Env, args []string) (err error) {
	fs := env.newFlagSet("ingest")
	once := fs.Bool("once", false, "run one round over the due sources, print a summary and exit")
	all := fs.Bool("all", false, "fetch every enabled source that is not paused, due or not")
	noPages := fs.Bool("no-pages", false, "do not read article pages (feed data only)")
	workers := fs.Int("workers", 0, fmt.Sprintf("sources fetched at once (default %d)", ingest.DefaultWorkers))
	batch := fs.Int("batch", 0, fmt.Sprintf("new records gathered before a batch is curated and stored (default %d)", ingest.DefaultBatchSize))
	lease := fs.Duration("lease", ingest.DefaultLeaseTTL, "how long a source stays leased to this worker unless renewed: the wait before other workers of the hub take the sources of one that died")
	verbose := fs.Bool("v", false, "log each source failure, item not stored, page not read and batch in detail")
	adminAddr := fs.String("admin-addr", "", "serve /metrics, /healthz and /readyz on this address, HOST:PORT, while ingesting")
	metricsFile := fs.String("metrics-file", "", "with --once: write the round's metrics to FILE in Prometheus' text format (for a textfile collector)")
	publishTo := publishFlag(fs)
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	if !*once {
		defer func() { err = asStop(ctx, err) }()
	}
	if *metricsFile != "" && !*once {
		return usageError("--metrics-file goes with --once; on schedule, serve the metrics with --admin-addr")
	}
	if *publishTo != "" {
		if err := env.checkOut(*publishTo); err != nil {
			return fmt.Errorf("--publish: %w", err)
		}
	}
	// See fetchMemoryLimit.
	fetchLimit, curateLimit := ingestMemoryLimits(env.DSN())
	env.softMemoryLimit(fetchLimit)
	// Ingest reads the store as curation does, window by window: mapping
	// the file or large reader caches would only add to the resident
	// memory.
	st, s, pol, err := env.openHubRetained(ctx, ingestRounds)
	if err != nil {
		return err
	}
	defer st.Close()
	log := env.Log
	if *verbose {
		log = slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	// The metrics and the watcher of the site folder log a database
	// restarting once between them (see serve).
	outage := store.NewOutage(env.Log)
	m := metrics.New(metrics.Options{Store: st, SiteDir: env.Site, Log: env.Log, Outage: outage})
	if *adminAddr != "" {
		stop, err := startAdminServer(*adminAddr, m, []metrics.Check{metrics.StoreReachable(st)}, nil, env.Stdout, env.Log)
		if err != nil {
			return err
		}
		defer stop()
	}
	opts := ingest.Options{
		Version:   version(),
		SiteDir:   env.Site,
		Log:       log,
		All:       *all,
		SkipPages: *noPages,
		Workers:   *workers,
		BatchSize: *batch,
		Metrics:   m,
		LeaseTTL:  *lease,
		Retention: &pol,
		Curating:  env.curationMemoryLimit(fetchLimit, curateLimit),
	}
	if !*once {
		// On schedule, the configuration follows the site folder's
		// edits as serve's does: a source added by hand is fetched
		// without a restart.
		sw, err := watch.New(ctx, env.Site, st, env.Log, outage)
		if err != nil {
			return err
		}
		defer follow(ctx, env, sw)()
		if *publishTo != "" {
			stop, err := startPublishing(ctx, env, st, sw.Site, nil, *publishTo, "", m)
			if err != nil {
				return err
			}
			defer stop()
		}
		env.Log.Info("ingest: fetching sources on schedule until stopped")
		defer scheduleNewsletters(ctx, env, st, sw.Site)()
		return ingestFollowing(sw, st, opts)(ctx)
	}
	in := ingest.New(s, st, opts)
	defer in.Close()
	sum, err := in.RunOnce(ctx)
	printSummary(env.Stdout, sum)
	if *metricsFile != "" {
		if werr := m.WriteFile(*metricsFile); werr != nil {
			return fmt.Errorf("--metrics-file: %w", werr)
		}
	}
	if sum.Retention.News > 0 {
		printRetention(env.Stdout, pol, sum.Retention)
	}
	if sum.RetentionLeft {
		fmt.Fprintln(env.Stdout, "retention: left to the worker that stored the new articles handed to it")
	}
	if err == nil && ctx.Err() != nil {
		return fmt.Errorf("interrupted: sources not recorded will be fetched again next time")
	}
	// The round's batches applied the decisions written by hand since and
	// the gate's decisions on articles fetched again: the issues naming
	// an article withheld since are written again now, as curate and edit
	// do, for a crontab has no schedule of serve's to do it later.
	if err == nil {
		err = refreshNewsletters(ctx, st, env.Site, env.Stdout)
	}
	if err == nil && *publishTo != "" {
		err = publishOnce(ctx, env, st, s, *publishTo)
	}
	if err == nil {
		err = roundReadNothing(sum)
	}
	return err
}

// roundReadNothing fails a round in which every source asked failed and
// no other worker read one: the hub is not kept current at all (the
// network down, a proxy or the address guard refusing every feed), which
// a timer, a job runner or a monitor of the exit status must learn of.
// One source failing among others that answer is a feed's trouble, named
// by its WARN line and counted, and the round still succeeds.
func roundReadNothing(sum ingest.Summary) error {
	if sum.Failed == 0 || sum.Fetched+sum.NotModified+sum.Elsewhere > 0 {
		return nil
	}
	if sum.NetworkOut == sum.Failed {
		return fmt.Errorf("every source the round fetched failed (%d): the hub's network was out, so none is counted against its source; the next rounds fetch them again", sum.Failed)
	}
	return fmt.Errorf("every source the round fetched failed (%d): the hub read nothing; newshub sources list gives each one's last status", sum.Failed)
}

func printSummary(w io.Writer, s ingest.Summary) {
	fmt.Fprintf(w, "sources: %d listed, %d due, %d fetched, %d not modified, %d failed", s.Sources, s.Due, s.Fetched, s.NotModified, s.Failed)
	if s.NetworkOut > 0 {
		// An outage's failures are not the feeds': cron's reader is to
		// tell them from as many broken feeds.
		fmt.Fprintf(w, " (%d not counted against their sources: the hub's network was out)", s.NetworkOut)
	}
	fmt.Fprintf(w, ", %d paused", s.Paused)
	if s.HeldOff > 0 {
		fmt.Fprintf(w, ", %d not asked: their host asked to wait", s.HeldOff)
	}
	if s.Elsewhere > 0 {
		fmt.Fprintf(w, ", %d fetched by other workers", s.Elsewhere)
	}
	fmt.Fprintln(w)
	if s.Due == 0 && s.Sources > s.Paused {
		// A source added or mended after it failed waits for its turn:
		// the round run to see it fetched would otherwise say nothing.
		fmt.Fprintln(w, "         none due yet: sources list says when each is next; ingest --once --all fetches them now")
	}
	notStored := 0
	for _, n := range s.NotStored {
		notStored += n
	}
	fmt.Fprintf(w, "items:   %d seen, %d new, %d not stored", s.Items, s.New, notStored)
	if parts := countsBy(s.NotStored, ""); len(parts) > 0 {
		fmt.Fprintf(w, " (%s)", strings.Join(parts, ", "))
	}
	if s.OffTopic > 0 {
		fmt.Fprintf(w, "\n         %d of the new off the hub's topic: stored, not published", s.OffTopic)
	}
	if s.Handed > 0 {
		fmt.Fprintf(w, "\n         %d new handed to the worker curating, which stores them", s.Handed)
	}
	fmt.Fprintf(w, "\npages:   %d read", s.Pages["read"])
	for _, p := range countsBy(s.Pages, "read") {
		fmt.Fprintf(w, ", %s", p)
	}
	if u := s.Unread; u.Kept+u.Read+u.Left+u.Dropped > 0 {
		fmt.Fprintf(w, "\n         %d left for a later round (their host had no turn to spare); of those left before, %d read (%d articles completed, %d gone), %d still left, %d dropped",
			u.Kept, u.Read, u.Completed, u.Gone, u.Left, u.Dropped)
	}
	fmt.Fprintf(w, "\nstored:  %d records in %s\n", s.Written, s.Duration.Round(time.Millisecond))
	if s.Recurated > 0 {
		fmt.Fprintf(w, "         %d batches curated again: another writer changed stored articles they had read\n", s.Recurated)
	}
}

// countsBy words counts by reason, most first ("47 already stored", "1 no
// usable link"), leaving out skip and zeros.
func countsBy(by map[string]int, skip string) []string {
	reasons := make([]string, 0, len(by))
	for r, n := range by {
		if n > 0 && r != skip {
			reasons = append(reasons, r)
		}
	}
	sort.Slice(reasons, func(i, j int) bool {
		if by[reasons[i]] != by[reasons[j]] {
			return by[reasons[i]] > by[reasons[j]]
		}
		return reasons[i] < reasons[j]
	})
	parts := make([]string, len(reasons))
	for i, r := range reasons {
		parts[i] = fmt.Sprintf("%d %s", by[r], r)
	}
	return parts
}
