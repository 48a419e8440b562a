package cli

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/metrics/metricstest"
	"newshub/internal/store/sqlite"
)

func TestStatusOnAGeneratedHub(t *testing.T) {
	dir := genSite(t, 300, 7)
	for _, args := range [][]string{
		{"import"},
		{"sources", "add", "https://wire.example/feed.xml"},
		{"sources", "add", "--disabled", "https://quiet.example/feed.xml"},
	} {
		if code, _, errs := run(t, append([]string{"--site", dir}, args...)...); code != 0 {
			t.Fatalf("%v: %s", args, errs)
		}
	}
	code, out, errs := run(t, "--site", dir, "status")
	if code != 0 {
		t.Fatalf("status: %d %s", code, errs)
	}
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	counts, err := st.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	gen, err := st.Generation(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	space, err := st.Space(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		fmt.Sprintf("store:      generation %d; %s", gen, kindSummary(counts)),
		fmt.Sprintf("file:       %s, %s of it free pages", mib(space.File), mib(space.Free)),
		"sources:    2 listed, 1 disabled, 1 due, 0 failing, 0 paused",
		"last fetch: never",
		"last reads: 0 items",
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("status:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
	if !strings.Contains(out, "news 300,") {
		t.Errorf("status does not count the 300 generated articles:\n%s", out)
	}
}

// TestServeAdminAddrServesMetricsAndStatus runs serve with ingest and
// --admin-addr: after a round, /metrics (parsed by Prometheus' parser)
// counts it, /healthz and /readyz answer, and `status --url` prints the
// picture `status` reads from the store.
func TestServeAdminAddrServesMetricsAndStatus(t *testing.T) {
	dir, fetches := servedSite(t)
	out := startServe(t, nil, regexp.MustCompile(`(?s)admin http://.*serving http://`), "--site", dir, "--quiet", "--admin-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`admin (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin address in:\n%s", out.String())
	}
	admin := m[1]
	var f metricstest.Families
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		f = metricstest.Scrape(t, admin+"/metrics")
		if v, _ := f.Value("newshub_ingest_rounds_total", "result", "ok"); v >= 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no ingest round counted in 30 s")
		}
	}
	if v, _ := f.Value("newshub_ingest_fetches_total", "outcome", "fetched"); v != 1 || fetches.Load() != 1 {
		t.Errorf("fetches{fetched} = %v after %d fetches", v, fetches.Load())
	}
	for _, name := range []string{"go_gc_heap_live_bytes", "process_resident_memory_bytes", "newshub_store_generation"} {
		if _, ok := f[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
	// A scrape is counted once answered: the next one shows it.
	f = metricstest.Scrape(t, admin+"/metrics")
	if v, _ := f.Value("newshub_http_requests_total", "route", "metrics", "code", "200"); v < 1 {
		t.Errorf("the scrapes were not counted: %v", v)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(admin + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %s", path, resp.Status)
		}
	}

	code, fromStore, errs := run(t, "--site", dir, "status")
	if code != 0 {
		t.Fatal(errs)
	}
	code, fromServer, errs := run(t, "status", "--url", admin)
	if code != 0 {
		t.Fatal(errs)
	}
	// The store's part is the same whichever way it is read (but for the
	// seconds ago).
	ago := regexp.MustCompile(` \(\d+s ago\)`)
	storeLines := strings.Split(ago.ReplaceAllString(strings.TrimSpace(fromStore), ""), "\n")
	serverLines := strings.Split(ago.ReplaceAllString(strings.TrimSpace(fromServer), ""), "\n")
	if len(serverLines) <= len(storeLines) || strings.Join(serverLines[:len(storeLines)], "\n") != strings.Join(storeLines, "\n") {
		t.Errorf("status --url:\n%s\nstatus:\n%s", fromServer, fromStore)
	}
	for _, want := range []string{"sources:    1 listed, 0 disabled, 0 due, 0 failing, 0 paused", "file:       ", "rounds:     1 (0 stopped on an error)", "fetches:    1 fetched"} {
		if !strings.Contains(fromServer, want) {
			t.Errorf("status --url has no %q:\n%s", want, fromServer)
		}
	}
}

func TestMetricsFileOfOneShotCommands(t *testing.T) {
	dir, _ := servedSite(t)
	cases := []struct {
		args   []string
		metric string
		labels []string
		want   float64
	}{
		{[]string{"ingest", "--once"}, "newshub_ingest_fetches_total", []string{"outcome", "fetched"}, 1},
		{[]string{"curate"}, "newshub_curate_duration_seconds", []string{"mode", "all"}, 1},
	}
	for _, c := range cases {
		t.Run(c.args[0], func(t *testing.T) {
			file := filepath.Join(t.TempDir(), c.args[0]+".prom")
			if code, _, errs := run(t, append([]string{"--site", dir}, append(c.args, "--metrics-file", file)...)...); code != 0 {
				t.Fatal(errs)
			}
			r, err := os.Open(file)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			f := metricstest.Parse(t, r)
			if v, _ := f.Value(c.metric, c.labels...); v != c.want {
				t.Errorf("%s%v = %v, want %v", c.metric, c.labels, v, c.want)
			}
			for name := range f {
				if strings.HasPrefix(name, "go_") || strings.HasPrefix(name, "process_") {
					t.Errorf("%s in the file: a textfile collector refuses the runtime's own", name)
				}
			}
		})
	}
	code, _, errs := run(t, "--site", dir, "ingest", "--metrics-file", "x.prom")
	if code != ExitUsage || !strings.Contains(errs, "--metrics-file goes with --once") {
		t.Errorf("ingest --metrics-file without --once: %d %s", code, errs)
	}
}

func TestStatusURLErrors(t *testing.T) {
	cases := []struct {
		name, url string
		code      int
		want      string
	}{
		{"not http", "ftp://127.0.0.1/", ExitUsage, `--url "ftp://127.0.0.1/": want http://HOST:PORT`},
		{"nothing listening", "http://127.0.0.1:1", ExitFailure, "connection refused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, errs := run(t, "status", "--url", c.url)
			if code != c.code || !strings.Contains(errs, c.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, c.code, c.want, errs)
			}
		})
	}
}

// A crontab's `ingest --once` mostly finds no source due: its metrics file
// still says when the hub's last round ended, read from the store's round
// log, where it said 0 and an alert on the time since the last round
// fired between every two rounds.
func TestMetricsFileKeepsTheLastRoundWhenNoneIsDue(t *testing.T) {
	dir, fetches := servedSite(t)
	before := float64(time.Now().Unix())
	lastRound := func() float64 {
		t.Helper()
		file := filepath.Join(t.TempDir(), "ingest.prom")
		if code, _, errs := run(t, "--site", dir, "ingest", "--once", "--metrics-file", file); code != 0 {
			t.Fatal(errs)
		}
		r, err := os.Open(file)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		v, ok := metricstest.Parse(t, r).Value("newshub_ingest_last_round_timestamp_seconds")
		if !ok {
			t.Fatal("no newshub_ingest_last_round_timestamp_seconds in the file")
		}
		return v
	}
	first := lastRound()
	if first < before || fetches.Load() != 1 {
		t.Fatalf("the round that fetched the feed (%d fetches) ended at %v, before it began (%v)", fetches.Load(), first, before)
	}
	second := lastRound()
	if fetches.Load() != 1 {
		t.Fatalf("the feed was due again: %d fetches", fetches.Load())
	}
	if second < before || second > first {
		t.Errorf("with no source due, the last round ended at %v; want the first round's end, %v", second, first)
	}
}

// serve --publish and ingest --publish on schedule time their builds
// under newshub_publish_duration_seconds{what="build"}, as the metrics'
// table says, where no build was ever counted.
func TestPublishingCountsItsBuilds(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--addr", "127.0.0.1:0", "--no-ingest", "--quiet"},
		{"ingest"},
	} {
		t.Run(args[0], func(t *testing.T) {
			dir, _ := servedSite(t)
			out, _ := startCommand(t, nil, regexp.MustCompile(`(?s)admin http://.*built `),
				append([]string{"--site", dir}, append(args, "--publish", filepath.Join(t.TempDir(), "www"), "--admin-addr", "127.0.0.1:0")...)...)
			m := regexp.MustCompile(`admin (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("no admin address in:\n%s", out.String())
			}
			f := metricstest.Scrape(t, m[1]+"/metrics")
			if n, _ := f.Value("newshub_publish_duration_seconds", "what", "build"); n < 1 {
				t.Errorf("%v builds counted after the first was printed:\n%s", n, out.String())
			}
		})
	}
}

// A build of serve --publish that fails is counted under
// newshub_publish_failures_total{what="build"}, where only the log said so
// and an alert had nothing to read.
func TestPublishingCountsItsFailedBuilds(t *testing.T) {
	t.Parallel()
	dir, _ := servedSite(t)
	blocked := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(blocked, []byte("not a folder"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errs := startCommand(t, nil, regexp.MustCompile(`build failed`), "--site", dir, "serve", "--addr", "127.0.0.1:0",
		"--no-ingest", "--quiet", "--publish", filepath.Join(blocked, "www"), "--admin-addr", "127.0.0.1:0")
	m := regexp.MustCompile(`admin (http://127\.0\.0\.1:\d+)/`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin address in:\n%s\n%s", out.String(), errs.String())
	}
	f := metricstest.Scrape(t, m[1]+"/metrics")
	if n, _ := f.Value("newshub_publish_failures_total", "what", "build"); n < 1 {
		t.Errorf("%v failed builds counted after one was logged:\n%s", n, errs.String())
	}
}
