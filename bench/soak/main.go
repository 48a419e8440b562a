// Command soak loads a running `newshub serve` at a steady rate and samples
// the process every few seconds for the soak test (bench/soak.sh): resident
// memory, live heap, goroutines, threads, open files, CPU, the latency of
// the API and of the pages per window, and what the ingest log says. It
// writes samples.tsv and requests.tsv, then a summary with the checks of a
// soak (summary.md) and a plot of the curves (soak.png).
//
//	soak -base http://127.0.0.1:8080 -pid PID -log serve.log -d 20m -out DIR
//	soak -report DIR    (summary and plot again from DIR's TSV files)
//
// Heap and goroutines come from the server's /metrics when it has Go's
// metrics, else from the debug endpoint serve starts on NEWSHUB_DEBUG_ADDR
// (-debug); memory, threads and open files come from /proc. With -pg, the
// hub's PostgreSQL database, each sample also reads what the server holds
// for the hub (sessions, transactions, locks, the notification queue,
// dead tuples, table sizes) into pg.tsv, through psql, and the summary
// checks it too.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"
)

func main() {
	base := flag.String("base", "", "URL of the server under test, http://HOST:PORT")
	debug := flag.String("debug", "", "URL of serve's debug endpoints (NEWSHUB_DEBUG_ADDR), http://HOST:PORT")
	pid := flag.Int("pid", 0, "process id of the server, for /proc")
	logFile := flag.String("log", "", "the server's log (standard error), read for ingest rounds and errors")
	dur := flag.Duration("d", 20*time.Minute, "how long to load and sample")
	every := flag.Duration("every", 10*time.Second, "sampling period")
	rate := flag.Float64("rate", 20, "requests a second, sent at a steady pace whatever the answers take")
	warmup := flag.Float64("warmup", 0.25, "fraction of the run before the flatness checks start")
	tolerance := flag.Float64("tolerance", 0.10, "allowed deviation of memory, goroutines and open files")
	p99Tolerance := flag.Float64("p99-tolerance", 0.25, "allowed rise of the API's p99 from the start to the end")
	out := flag.String("out", ".", "folder for samples.tsv, requests.tsv, summary.md and soak.png")
	report := flag.String("report", "", "only summarize and plot the TSV files of this folder")
	pg := flag.String("pg", "", "the hub's PostgreSQL database (a postgres:// URL), whose server-side figures are sampled into pg.tsv through psql")
	psql := flag.String("psql", "psql", "the psql command, for -pg")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("soak: ")
	limits := checkLimits{Warmup: *warmup, Tolerance: *tolerance, P99Tolerance: *p99Tolerance}

	if *report != "" {
		if err := writeReport(*report, limits, ""); err != nil {
			log.Fatal(err)
		}
		return
	}
	if *base == "" || *pid <= 0 {
		fmt.Fprintln(os.Stderr, "usage: soak -base URL -pid PID [-debug URL] [-log FILE] [-d DURATION] [-rate N] [-out DIR]\n       soak -report DIR")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		log.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg := runConfig{Base: *base, Debug: *debug, PID: *pid, Log: *logFile, Duration: *dur, Every: *every, Rate: *rate, Out: *out, PG: *pg, PSQL: *psql}
	runErr := run(ctx, cfg)
	if runErr != nil {
		log.Print(runErr)
	}
	note := ""
	if runErr != nil {
		note = runErr.Error()
	}
	if err := writeReport(*out, limits, note); err != nil {
		log.Fatal(err)
	}
	if runErr != nil {
		os.Exit(1)
	}
}

type runConfig struct {
	Base, Debug string
	PID         int
	Log         string
	Duration    time.Duration
	Every       time.Duration
	Rate        float64
	Out         string
	PG, PSQL    string // the database and psql, when the hub's store is PostgreSQL
}

// run loads the server and samples it every cfg.Every until cfg.Duration
// has passed, writing a row of samples.tsv each time. It stops early, with
// an error, when the server's process is gone.
func run(ctx context.Context, cfg runConfig) error {
	samples, err := os.Create(filepath.Join(cfg.Out, "samples.tsv"))
	if err != nil {
		return err
	}
	defer samples.Close()
	requests, err := os.Create(filepath.Join(cfg.Out, "requests.tsv"))
	if err != nil {
		return err
	}
	defer requests.Close()

	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ld := newLoad(cfg.Base, cfg.Rate, requests, start)
	sp := newSampler(cfg.Base, cfg.Debug, cfg.PID, cfg.Log)
	if err := ld.discover(ctx); err != nil {
		return err
	}
	fmt.Fprintln(samples, sampleHeader)
	var pgOut *os.File
	if cfg.PG != "" {
		if pgOut, err = os.Create(filepath.Join(cfg.Out, "pg.tsv")); err != nil {
			return err
		}
		defer pgOut.Close()
		fmt.Fprintln(pgOut, pgHeader)
	}
	pgs := &pgSampler{psql: cfg.PSQL, dsn: cfg.PG}
	done := make(chan struct{})
	go func() { ld.run(ctx); close(done) }()
	defer func() { cancel(); <-done; ld.close() }()

	tick := time.NewTicker(cfg.Every)
	defer tick.Stop()
	for time.Since(start) < cfg.Duration-cfg.Every/2 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		s, err := sp.sample(ctx)
		if err != nil {
			return fmt.Errorf("at %s: %w", time.Since(start).Round(time.Second), err)
		}
		s.T = time.Since(start).Seconds()
		ld.window(&s)
		fmt.Fprintln(samples, s.row())
		log.Printf("%4.0fs rss %.0f MB heap %.0f MB goroutines %d fds %d api p99 %.1f ms, %d articles, %d requests, %d errors",
			s.T, s.RSSMB, s.HeapMB, s.Goroutines, s.FDs, s.APIP99, s.Articles, s.Requests, s.Errors)
		if pgOut != nil {
			samplePG(ctx, pgs, s.T, pgOut)
		}
		if err := ld.discover(ctx); err != nil && ctx.Err() == nil {
			log.Printf("discover: %v", err)
		}
	}
	return nil
}

// samplePG writes a row of pg.tsv at time t; a sample psql failed to
// read is left out, said in the log.
func samplePG(ctx context.Context, pgs *pgSampler, t float64, out *os.File) {
	p, err := pgs.sample(ctx)
	if err != nil {
		log.Printf("pg sample: %v", err)
		return
	}
	p.T = t
	fmt.Fprintln(out, p.row())
	log.Printf("%4.0fs pg: %d sessions (%d idle in transaction, oldest transaction %.1f s), %d advisory locks, notify queue %.6f, %d dead tuples (%s), state tables %.2f MB, %d autovacuums, backends %.0f MB",
		t, p.Conns, p.IdleTx, p.OldestTxS, p.Advisory, p.NotifyQueue, p.DeadTup, p.TopDead, p.StateMB, p.Vacuums, p.BackendMB)
}
