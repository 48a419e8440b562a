package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// PGSample is one row of pg.tsv: what the PostgreSQL server holds for
// the hub, read with one query through psql at each sample.
type PGSample struct {
	T           float64
	Conns       int     // the hub's sessions (application_name newshub)
	Active      int     // of them, running a statement
	IdleTx      int     // of them, idle in a transaction
	OldestTxS   float64 // the longest-open transaction of the hub's, seconds
	XminAge     int     // transactions behind the oldest snapshot any session holds
	Advisory    int     // advisory locks held
	NotifyQueue float64 // pg_notification_queue_usage(), a fraction
	DeadTup     int     // dead tuples of the hub's tables
	LiveTup     int
	TopDead     string  // the table with the most dead tuples, "name:count"
	StateMB     float64 // generation, leases, source_states and host_holds with their indexes and TOAST
	DBMB        float64 // the database
	Vacuums     int     // autovacuums of the hub's tables, so far
	TempFiles   int     // temporary files the database's queries wrote, so far
	BackendMB   float64 // private resident memory (RssAnon) of the hub's sessions' processes
}

const pgHeader = "t_s\tconns\tactive\tidle_tx\toldest_tx_s\txmin_age\tadvisory_locks\tnotify_queue\tdead_tup\tlive_tup\ttop_dead\tstate_mb\tdb_mb\tautovacuums\ttemp_files\tbackend_mb"

func (p PGSample) row() string {
	return fmt.Sprintf("%.0f\t%d\t%d\t%d\t%.1f\t%d\t%d\t%.6f\t%d\t%d\t%s\t%.2f\t%.1f\t%d\t%d\t%.1f",
		p.T, p.Conns, p.Active, p.IdleTx, p.OldestTxS, p.XminAge, p.Advisory, p.NotifyQueue,
		p.DeadTup, p.LiveTup, p.TopDead, p.StateMB, p.DBMB, p.Vacuums, p.TempFiles, p.BackendMB)
}

// parsePGSample reads a row written by row.
func parsePGSample(line string) (PGSample, error) {
	f, num, errs, err := fields(line, pgHeader)
	if err != nil {
		return PGSample{}, err
	}
	var p PGSample
	p.T = num(0)
	p.Conns, p.Active, p.IdleTx = int(num(1)), int(num(2)), int(num(3))
	p.OldestTxS, p.XminAge, p.Advisory, p.NotifyQueue = num(4), int(num(5)), int(num(6)), num(7)
	p.DeadTup, p.LiveTup, p.TopDead = int(num(8)), int(num(9)), f[10]
	p.StateMB, p.DBMB, p.Vacuums, p.TempFiles, p.BackendMB = num(11), num(12), int(num(13)), int(num(14)), num(15)
	return p, errs()
}

// pgQuery reads a PGSample but its time and the backends' memory, and
// the hub's sessions' process ids (comma-separated) last. The sampling
// session itself (psql) is left out of every figure but the locks.
const pgQuery = `WITH hub AS (
  SELECT * FROM pg_stat_activity WHERE application_name = 'newshub' AND pid <> pg_backend_pid()
), tabs AS (
  SELECT relname, n_dead_tup, n_live_tup, autovacuum_count FROM pg_stat_user_tables
)
SELECT
  (SELECT count(*) FROM hub),
  (SELECT count(*) FROM hub WHERE state = 'active'),
  (SELECT count(*) FROM hub WHERE state LIKE 'idle in transaction%'),
  (SELECT coalesce(round(extract(epoch FROM max(clock_timestamp() - xact_start))::numeric, 1), 0) FROM hub),
  (SELECT coalesce(max(age(backend_xmin)), 0) FROM pg_stat_activity WHERE pid <> pg_backend_pid()),
  (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted),
  pg_notification_queue_usage(),
  (SELECT coalesce(sum(n_dead_tup), 0) FROM tabs),
  (SELECT coalesce(sum(n_live_tup), 0) FROM tabs),
  coalesce((SELECT relname || ':' || n_dead_tup FROM tabs ORDER BY n_dead_tup DESC LIMIT 1), '-'),
  (SELECT round(coalesce(sum(pg_total_relation_size(relid)), 0) / 1048576.0, 2) FROM pg_stat_user_tables
    WHERE relname IN ('generation', 'leases', 'source_states', 'host_holds')),
  round(pg_database_size(current_database()) / 1048576.0, 1),
  (SELECT coalesce(sum(autovacuum_count), 0) FROM tabs),
  (SELECT temp_files FROM pg_stat_database WHERE datname = current_database()),
  (SELECT coalesce(string_agg(pid::text, ','), '') FROM hub)`

// pgSampler reads the server's figures through psql.
type pgSampler struct {
	psql, dsn string
}

// sample runs pgQuery and sums the private memory of the sessions'
// processes from /proc (the server runs on this machine).
func (p *pgSampler) sample(ctx context.Context) (PGSample, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, p.psql, "-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", "-c", pgQuery, p.dsn)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return PGSample{}, fmt.Errorf("psql: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	f := strings.Split(strings.TrimRight(string(out), "\n"), "\t")
	if len(f) != strings.Count(pgHeader, "\t") {
		return PGSample{}, fmt.Errorf("psql: %d fields, want %d: %q", len(f), strings.Count(pgHeader, "\t"), out)
	}
	pids := f[len(f)-1]
	// The query's fields are those of a row but its time (first) and the
	// memory (last), which the pids stand in for.
	s, err := parsePGSample("0\t" + strings.Join(f[:len(f)-1], "\t") + "\t0")
	if err != nil {
		return s, fmt.Errorf("psql: %w", err)
	}
	s.BackendMB = anonMB(pids)
	return s, nil
}

// anonMB sums RssAnon of the processes pids lists; a process gone since
// the query counts nothing.
func anonMB(pids string) float64 {
	var kb float64
	for _, pid := range strings.Split(pids, ",") {
		if pid == "" {
			continue
		}
		if status, err := procStatus("/proc/" + pid); err == nil {
			kb += status["RssAnon"]
		}
	}
	return kb / 1024
}

// summarizePG words the checks of the server's figures over the span the
// samples' checks cover: what the hub holds there (sessions, transactions,
// locks, the notification queue, the memory of its sessions, the tables
// rewritten every round) must not rise; what grows with the data and is
// the server's to clean up (dead tuples, the database) is shown, with the
// autovacuums that did.
func summarizePG(pgs []PGSample, samples []Sample, lim checkLimits) string {
	var b strings.Builder
	post, early, late := spans(samples, lim.Warmup)
	in := func(ss []Sample) []PGSample {
		var out []PGSample
		for _, p := range pgs {
			if p.T >= ss[0].T && p.T <= ss[len(ss)-1].T {
				out = append(out, p)
			}
		}
		return out
	}
	pPost, pEarly, pLate := in(post), in(early), in(late)
	fmt.Fprintf(&b, "\nPostgreSQL, %d samples (pg.tsv), over the same span:\n\n| check | start | end | span after warm-up | result |\n|---|---|---|---|---|\n", len(pgs))
	fl := flatCheck{b: &b, perMinute: perMinuteOf(post), tol: lim.Tolerance}
	flat := func(name string, digits int, f func(PGSample) float64, checked bool) {
		fl.digits = digits
		fl.row(name, values(pEarly, f), values(pLate, f), values(pPost, f), checked)
	}
	flat("the hub's sessions", 0, func(p PGSample) float64 { return float64(p.Conns) }, true)
	flat("sessions idle in a transaction", 0, func(p PGSample) float64 { return float64(p.IdleTx) }, true)
	flat("the oldest open transaction of the hub's, s", 1, func(p PGSample) float64 { return p.OldestTxS }, true)
	flat("age of the oldest snapshot held (xmin), transactions", 0, func(p PGSample) float64 { return float64(p.XminAge) }, true)
	flat("advisory locks held", 0, func(p PGSample) float64 { return float64(p.Advisory) }, true)
	flat("notification queue, millionths", 1, func(p PGSample) float64 { return 1e6 * p.NotifyQueue }, true)
	flat("private memory of the hub's sessions MB", 1, func(p PGSample) float64 { return p.BackendMB }, true)
	flat("tables rewritten every round (generation, leases, source_states, host_holds) kB", 0, func(p PGSample) float64 { return 1024 * p.StateMB }, true)
	flat("dead tuples", 0, func(p PGSample) float64 { return float64(p.DeadTup) }, false)
	flat("live tuples", 0, func(p PGSample) float64 { return float64(p.LiveTup) }, false)
	flat("database MB", 1, func(p PGSample) float64 { return p.DBMB }, false)
	if len(pgs) > 0 {
		first, last := pgs[0], pgs[len(pgs)-1]
		fmt.Fprintf(&b, "\nserver: %d → %d autovacuums of the hub's tables, %d → %d temporary files written, most dead tuples %s → %s\n",
			first.Vacuums, last.Vacuums, first.TempFiles, last.TempFiles, first.TopDead, last.TopDead)
	}
	return b.String()
}
