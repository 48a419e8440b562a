package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Sample is one row of samples.tsv.
type Sample struct {
	T          float64 // seconds since the start
	RSSMB      float64
	HeapMB     float64 // live heap (marked at the last GC); NaN when unknown
	HeapSrc    string  // where heap and goroutines came from
	Goroutines int     // -1 when unknown
	Threads    int
	FDs        int
	CPU        float64 // percent of one core over the window
	Load1      float64
	Requests   int // answered in the window
	Errors     int // failed in the window
	Gone       int // 404 for a path discovered earlier, in the window
	APIP50     float64
	APIP99     float64
	PageP50    float64
	PageP99    float64
	Rounds     int // ingest rounds that fetched something, so far
	Articles   int // new articles stored by ingest, so far
	Failed     int // sources failed, so far
	LogErrors  int // ERROR lines in the server's log, so far
	// AnonMB is the resident memory the process owns (RssAnon): RSSMB
	// less the pages of mapped files, the store's database above all,
	// which the kernel may drop at any time and which grow with the file.
	AnonMB float64
}

const sampleHeader = "t_s\trss_mb\theap_mb\theap_src\tgoroutines\tthreads\tfds\tcpu_pct\tload1\trequests\terrors\tgone\tapi_p50_ms\tapi_p99_ms\tpage_p50_ms\tpage_p99_ms\trounds\tarticles\tfailed\tlog_errors\tanon_mb"

func (s Sample) row() string {
	return fmt.Sprintf("%.0f\t%.1f\t%.1f\t%s\t%d\t%d\t%d\t%.1f\t%.2f\t%d\t%d\t%d\t%.2f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%.1f",
		s.T, s.RSSMB, s.HeapMB, s.HeapSrc, s.Goroutines, s.Threads, s.FDs, s.CPU, s.Load1,
		s.Requests, s.Errors, s.Gone, s.APIP50, s.APIP99, s.PageP50, s.PageP99, s.Rounds, s.Articles, s.Failed, s.LogErrors, s.AnonMB)
}

// parseSample reads a row written by row.
func parseSample(line string) (Sample, error) {
	f, num, errs, err := fields(line, sampleHeader)
	if err != nil {
		return Sample{}, err
	}
	var s Sample
	s.T, s.RSSMB, s.HeapMB, s.HeapSrc = num(0), num(1), num(2), f[3]
	s.Goroutines, s.Threads, s.FDs = int(num(4)), int(num(5)), int(num(6))
	s.CPU, s.Load1 = num(7), num(8)
	s.Requests, s.Errors, s.Gone = int(num(9)), int(num(10)), int(num(11))
	s.APIP50, s.APIP99, s.PageP50, s.PageP99 = num(12), num(13), num(14), num(15)
	s.Rounds, s.Articles, s.Failed, s.LogErrors = int(num(16)), int(num(17)), int(num(18)), int(num(19))
	s.AnonMB = num(20)
	return s, errs()
}

// fields splits a TSV row into as many fields as header has, and gives
// num to read field i as a number and errs to say the first that was not.
func fields(line, header string) (f []string, num func(i int) float64, errs func() error, err error) {
	f = strings.Split(line, "\t")
	if want := strings.Count(header, "\t") + 1; len(f) != want {
		return nil, nil, nil, fmt.Errorf("%d fields, want %d", len(f), want)
	}
	var bad []error
	num = func(i int) float64 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			bad = append(bad, err)
		}
		return v
	}
	errs = func() error {
		if len(bad) > 0 {
			return bad[0]
		}
		return nil
	}
	return f, num, errs, nil
}

// sampler reads the state of the server's process.
type sampler struct {
	base, debug string
	pid         int
	client      *http.Client
	metrics     bool // the server has /metrics with Go's metrics

	lastCPU  float64 // seconds of CPU the process had used
	lastTime time.Time

	log *logScanner
}

func newSampler(base, debug string, pid int, logFile string) *sampler {
	s := &sampler{base: strings.TrimSuffix(base, "/"), debug: strings.TrimSuffix(debug, "/"), pid: pid,
		client: &http.Client{Timeout: 5 * time.Second}}
	if logFile != "" {
		s.log = &logScanner{path: logFile}
	}
	s.metrics = s.readMetrics(context.Background(), &Sample{}) == nil
	s.lastCPU, _ = s.cpuSeconds()
	s.lastTime = time.Now()
	return s
}

// sample reads one row but its time and request figures.
func (s *sampler) sample(ctx context.Context) (Sample, error) {
	smp := Sample{HeapMB: math.NaN(), Goroutines: -1}
	if err := s.readProc(&smp); err != nil {
		return smp, err
	}
	var srcs []string
	if s.metrics && s.readMetrics(ctx, &smp) == nil {
		srcs = append(srcs, "metrics")
	}
	if s.debug != "" && (math.IsNaN(smp.HeapMB) || smp.Goroutines < 0) {
		if err := s.readDebug(ctx, &smp); err != nil {
			return smp, err
		}
		srcs = append(srcs, "debug")
	}
	smp.HeapSrc = strings.Join(srcs, "+")
	if smp.HeapSrc == "" {
		smp.HeapSrc = "none"
	}
	if s.log != nil {
		if err := s.log.scan(); err != nil {
			return smp, err
		}
		smp.Rounds, smp.Articles, smp.Failed, smp.LogErrors = s.log.rounds, s.log.articles, s.log.failed, s.log.errors
	}
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		smp.Load1, _ = strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	}
	return smp, nil
}

// readProc reads resident memory, threads, open files and CPU time from
// /proc. A process that is gone is an error.
func (s *sampler) readProc(smp *Sample) error {
	dir := fmt.Sprintf("/proc/%d", s.pid)
	status, err := procStatus(dir)
	if err != nil {
		return fmt.Errorf("the server's process is gone: %w", err)
	}
	smp.RSSMB, smp.AnonMB = status["VmRSS"]/1024, status["RssAnon"]/1024
	smp.Threads = int(status["Threads"])
	fds, err := os.ReadDir(dir + "/fd")
	if err != nil {
		return fmt.Errorf("open files: %w", err)
	}
	smp.FDs = len(fds)
	if cpu, err := s.cpuSeconds(); err == nil {
		now := time.Now()
		smp.CPU = 100 * (cpu - s.lastCPU) / now.Sub(s.lastTime).Seconds()
		s.lastCPU, s.lastTime = cpu, now
	}
	return nil
}

// procStatus reads the numbers of a process's status file (dir is
// /proc/PID), by name: kB for the memory figures.
func procStatus(dir string) (map[string]float64, error) {
	b, err := os.ReadFile(dir + "/status")
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64)
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		if fields := strings.Fields(v); len(fields) > 0 {
			if n, err := strconv.ParseFloat(fields[0], 64); err == nil {
				out[k] = n
			}
		}
	}
	return out, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat's times: 100 on
// every Linux architecture Go runs on.
const clockTicks = 100

func (s *sampler) cpuSeconds() (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: fields count from after its ")".
	rest := string(b[strings.LastIndexByte(string(b), ')')+2:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: %d fields", s.pid, len(f))
	}
	utime, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	return (utime + stime) / clockTicks, nil
}

// Prometheus names of Go's metrics: client_golang's Go collector exports
// the goroutines always, the live heap only when asked for runtime/metrics.
var promLine = regexp.MustCompile(`(?m)^(go_goroutines|go_gc_heap_live_bytes)(?:\{[^}]*\})? ([0-9.eE+-]+)$`)

// readMetrics reads goroutines and the live heap from the server's
// /metrics; an error when it has none of them.
func (s *sampler) readMetrics(ctx context.Context, smp *Sample) error {
	body, err := s.get(ctx, s.base+"/metrics")
	if err != nil {
		return err
	}
	found := false
	for _, m := range promLine.FindAllStringSubmatch(string(body), -1) {
		v, err := strconv.ParseFloat(m[2], 64)
		if err != nil {
			continue
		}
		found = true
		switch m[1] {
		case "go_goroutines":
			smp.Goroutines = int(v)
		case "go_gc_heap_live_bytes":
			smp.HeapMB = v / (1 << 20)
		}
	}
	if !found {
		return fmt.Errorf("/metrics has no Go metrics")
	}
	return nil
}

// readDebug reads what /metrics did not give from serve's debug endpoint
// (runtime/metrics as JSON).
func (s *sampler) readDebug(ctx context.Context, smp *Sample) error {
	body, err := s.get(ctx, s.debug+"/debug/runtime")
	if err != nil {
		return err
	}
	var vals map[string]float64
	if err := json.Unmarshal(body, &vals); err != nil {
		return fmt.Errorf("debug/runtime: %w", err)
	}
	live, ok1 := vals["/gc/heap/live:bytes"]
	g, ok2 := vals["/sched/goroutines:goroutines"]
	if !ok1 || !ok2 {
		return fmt.Errorf("debug/runtime lacks the live heap or the goroutines")
	}
	if math.IsNaN(smp.HeapMB) {
		smp.HeapMB = live / (1 << 20)
	}
	if smp.Goroutines < 0 {
		smp.Goroutines = int(g)
	}
	return nil
}

func (s *sampler) get(ctx context.Context, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return body, nil
}

// logScanner follows the server's log (slog's text form) for the ingest
// rounds, the articles they stored, the sources that failed and the
// errors.
type logScanner struct {
	path   string
	offset int64
	rest   string // a line not yet ended

	rounds, articles, failed, errors int
	firstErrors                      []string
}

var (
	roundLine = regexp.MustCompile(`msg="ingest round" .*\bnew=(\d+) .*\bfailed=(\d+)`)
	errorLine = regexp.MustCompile(`\blevel=ERROR\b`)
)

func (l *logScanner) scan() error {
	f, err := os.Open(l.path)
	if err != nil {
		return fmt.Errorf("log: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(l.offset, io.SeekStart); err != nil {
		return fmt.Errorf("log: %w", err)
	}
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadString('\n')
		l.offset += int64(len(line))
		if err != nil {
			l.rest += line
			return nil
		}
		line, l.rest = l.rest+line, ""
		if m := roundLine.FindStringSubmatch(line); m != nil {
			n, _ := strconv.Atoi(m[1])
			failed, _ := strconv.Atoi(m[2])
			l.rounds++
			l.articles += n
			l.failed += failed
		}
		if errorLine.MatchString(line) {
			l.errors++
			if len(l.firstErrors) < 5 {
				l.firstErrors = append(l.firstErrors, strings.TrimSpace(line))
			}
		}
	}
}
