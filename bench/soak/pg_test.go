package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"newshub/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// The sampler reads a real server through psql: a session of the hub
// idle in a transaction that holds an advisory lock is seen as such.
// psql comes with PostgreSQL, so its absence, like the server's, fails
// the test under CI=true.
func TestPGSamplerReadsTheServer(t *testing.T) {
	dsn := pgtest.DSN(t)
	psql, err := exec.LookPath("psql")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("psql is required under CI=true: %v", err)
		}
		t.Skipf("skipping: %v", err)
	}
	ctx := context.Background()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = "newshub"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(42)`); err != nil {
		t.Fatal(err)
	}

	p, err := (&pgSampler{psql: psql, dsn: dsn}).sample(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p.Conns != 1 || p.IdleTx != 1 || p.Advisory != 1 || p.BackendMB <= 0 || p.DBMB <= 0 {
		t.Errorf("sample %+v, want one session idle in a transaction with one advisory lock, its memory and the database's size", p)
	}
	if back, err := parsePGSample(p.row()); err != nil || back.Conns != p.Conns || back.TopDead != p.TopDead {
		t.Errorf("row %q read back as %+v (%v)", p.row(), back, err)
	}
}

func TestPGSamplerSaysWhatFailed(t *testing.T) {
	_, err := (&pgSampler{psql: "psql", dsn: "postgres://nobody@127.0.0.1:1/none?connect_timeout=1"}).sample(context.Background())
	if err == nil || !strings.Contains(err.Error(), "psql") {
		t.Errorf("error %v, want psql's", err)
	}
}

// The server's figures are checked over the samples' span: what the hub
// holds must not rise; dead tuples are shown.
func TestSummaryChecksTheServer(t *testing.T) {
	lim := checkLimits{Warmup: 0.25, Tolerance: 0.10, P99Tolerance: 0.25}
	tests := []struct {
		name   string
		change func(p *PGSample, t float64)
		fail   []string
	}{
		{"flat server passes", nil, nil},
		{"dead tuples growing are shown", func(p *PGSample, t float64) { p.DeadTup += int(t) }, nil},
		{"a session a minute fails", func(p *PGSample, t float64) { p.Conns += int(t / 60) }, []string{"the hub's sessions"}},
		// One session idle in a transaction is within the slack of the
		// count; its age is not.
		{"a transaction left open fails", func(p *PGSample, t float64) {
			if t > 300 {
				p.IdleTx, p.OldestTxS, p.XminAge = 1, t-300, int(t)
			}
		}, []string{"the oldest open", "age of the oldest"}},
		{"sessions left in transactions fail", func(p *PGSample, t float64) { p.IdleTx = int(t / 100) }, []string{"sessions idle"}},
		{"an advisory lock a round fails", func(p *PGSample, t float64) { p.Advisory += int(t / 30) }, []string{"advisory locks"}},
		{"a notification queue filling fails", func(p *PGSample, t float64) { p.NotifyQueue = t * 1e-7 }, []string{"notification queue"}},
		{"bloat of the state tables fails", func(p *PGSample, t float64) { p.StateMB += t / 1000 }, []string{"tables rewritten"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss, _ := run20(nil, flatAPI)
			var pgs []PGSample
			for _, s := range ss {
				p := PGSample{T: s.T, Conns: 10, Advisory: 1, DeadTup: 200, LiveTup: 5000, TopDead: "leases:100", StateMB: 0.2, DBMB: 40, BackendMB: 50}
				if tt.change != nil {
					tt.change(&p, s.T)
				}
				pgs = append(pgs, p)
			}
			checkFails(t, summarizePG(pgs, ss, lim), tt.fail)
		})
	}
}

// The report reads pg.tsv when there is one, naming a bad line.
func TestReportReadsPGTSV(t *testing.T) {
	dir := t.TempDir()
	ss, rs := run20(nil, flatAPI)
	var samples, reqs, pg strings.Builder
	samples.WriteString(sampleHeader + "\n")
	pg.WriteString(pgHeader + "\n")
	for _, s := range ss {
		samples.WriteString(s.row() + "\n")
		pg.WriteString(PGSample{T: s.T, Conns: 10, TopDead: "leases:1"}.row() + "\n")
	}
	reqs.WriteString("t_ms\tkind\tstatus\tms\tpath\n")
	for _, r := range rs {
		fmt.Fprintf(&reqs, "%.0f\t%s\t%d\t%.2f\t/api/news/\n", r.t*1000, r.kind, r.status, r.ms)
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("samples.tsv", samples.String())
	write("requests.tsv", reqs.String())
	write("pg.tsv", pg.String())
	lim := checkLimits{Warmup: 0.25, Tolerance: 0.1, P99Tolerance: 0.25}
	if err := writeReport(dir, lim, ""); err != nil {
		t.Fatal(err)
	}
	sum, _ := os.ReadFile(filepath.Join(dir, "summary.md"))
	if !strings.Contains(string(sum), "PostgreSQL, 120 samples") || strings.Contains(string(sum), "FAIL") {
		t.Errorf("summary:\n%s", sum)
	}
	write("pg.tsv", pgHeader+"\n10\t1\n")
	if err := writeReport(dir, lim, ""); err == nil || !strings.Contains(err.Error(), "pg.tsv:2: 2 fields, want 16") {
		t.Errorf("error %v, want pg.tsv:2 named", err)
	}
}
