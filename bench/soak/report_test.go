package main

import (
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// run20 makes the samples of a 20-minute run every 10 s and the API
// requests of each window; change alters a flat sample at time t.
func run20(change func(s *Sample, t float64), apiMS func(t float64) float64) ([]Sample, []request) {
	var ss []Sample
	var rs []request
	for i := 1; i <= 120; i++ {
		t := float64(i * 10)
		s := Sample{T: t, RSSMB: 300 + float64(i%3), AnonMB: 200 + float64(i%3), HeapMB: 120 + float64(i%4), HeapSrc: "debug", Goroutines: 40 + i%5,
			Threads: 12, FDs: 30 + i%2, CPU: 35, Load1: 1, Requests: 200, APIP50: 2, APIP99: 9, PageP50: 5, PageP99: 30,
			Rounds: i, Articles: 50000 + 100*i}
		if change != nil {
			change(&s, t)
		}
		ss = append(ss, s)
		for j := range 100 {
			ms := 2.0
			if j >= 97 { // the slowest 3%, so the p99 is theirs
				ms = apiMS(t)
			}
			rs = append(rs, request{t: t - 10 + float64(j)/10, kind: "api", status: 200, ms: ms})
		}
	}
	return ss, rs
}

func flatAPI(float64) float64 { return 9 }

func TestSummaryChecks(t *testing.T) {
	lim := checkLimits{Warmup: 0.25, Tolerance: 0.10, P99Tolerance: 0.25}
	tests := []struct {
		name   string
		change func(s *Sample, t float64)
		api    func(t float64) float64
		fail   []string // checks that fail; none else may
	}{
		{"flat run passes", nil, flatAPI, nil},
		{"warm-up is left out", func(s *Sample, t float64) {
			if t < 290 {
				s.HeapMB, s.RSSMB, s.Goroutines = 20, 60, 300
			}
		}, flatAPI, nil},
		{"an ingest batch held at single samples is no level", func(s *Sample, t float64) {
			if int(t)%60 == 0 {
				s.HeapMB *= 1.5
			}
		}, flatAPI, nil},
		{"heap growing by half fails", func(s *Sample, t float64) { s.HeapMB *= 1 + 0.5*t/1200 }, flatAPI, []string{"heap live MB"}},
		{"RSS growing fails", func(s *Sample, t float64) { s.RSSMB += t / 10 }, flatAPI, []string{"RSS MB"}},
		{"anonymous RSS growing fails", func(s *Sample, t float64) { s.AnonMB += t / 10 }, flatAPI, []string{"RSS anonymous MB"}},
		{"a goroutine a minute fails", func(s *Sample, t float64) { s.Goroutines += int(t / 60) }, flatAPI, []string{"goroutines"}},
		{"connections idling out are no leak", func(s *Sample, t float64) {
			if t < 500 {
				s.FDs, s.Goroutines = 2000, 4000
			}
		}, flatAPI, nil},
		{"leaking files fails", func(s *Sample, t float64) { s.FDs += int(t / 30) }, flatAPI, []string{"open files"}},
		{"fetch bursts caught higher as rounds lengthen are no leak", func(s *Sample, t float64) {
			if int(t)%60 == 30 {
				s.FDs, s.Goroutines = s.FDs+int(t/5), s.Goroutines+int(t/2.5)
			}
		}, flatAPI, nil},
		{"a leak between bursts fails", func(s *Sample, t float64) {
			if int(t)%60 == 30 {
				s.FDs += 200 // a burst every minute
			} else if t > 800 {
				s.FDs += int((t - 800) / 20) // the floor creeps up late
			}
		}, flatAPI, []string{"open files"}},
		{"API p99 doubling fails", nil, func(t float64) float64 { return 9 + 9*t/1200 }, []string{"API p99"}},
		{"a failed request fails", func(s *Sample, t float64) {
			if t == 600 {
				s.Errors = 1
			}
		}, flatAPI, []string{"no error"}},
		{"an error in the log fails", func(s *Sample, t float64) { s.LogErrors = int(t / 1000) }, flatAPI, []string{"no error"}},
		{"unknown heap fails", func(s *Sample, t float64) { s.HeapMB = nan }, flatAPI, []string{"heap live MB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ss, rs := run20(tt.change, tt.api)
			checkFails(t, summarize(ss, rs, lim), tt.fail)
		})
	}
}

// checkFails checks that the rows of sum's tables that fail are those
// named by a prefix in fail.
func checkFails(t *testing.T, sum string, fail []string) {
	t.Helper()
	for _, line := range strings.Split(sum, "\n") {
		if !strings.HasPrefix(line, "| ") || strings.HasPrefix(line, "| check") {
			continue
		}
		want := false
		for _, f := range fail {
			want = want || strings.HasPrefix(line, "| "+f)
		}
		if got := strings.HasSuffix(line, "**FAIL** |"); got != want {
			t.Errorf("failed %v, want %v: %s", got, want, line)
		}
	}
}

func TestReportReadsItsFilesAndPlots(t *testing.T) {
	dir := t.TempDir()
	ss, rs := run20(nil, flatAPI)
	var samples, reqs strings.Builder
	samples.WriteString(sampleHeader + "\n")
	for _, s := range ss {
		samples.WriteString(s.row() + "\n")
	}
	reqs.WriteString("t_ms\tkind\tstatus\tms\tpath\n")
	for _, r := range rs {
		fmt.Fprintf(&reqs, "%.0f\t%s\t%d\t%.2f\t/api/news/\n", r.t*1000, r.kind, r.status, r.ms)
	}
	os.WriteFile(filepath.Join(dir, "samples.tsv"), []byte(samples.String()), 0o644)
	os.WriteFile(filepath.Join(dir, "requests.tsv"), []byte(reqs.String()), 0o644)

	done := make(chan error, 1)
	go func() { done <- writeReport(dir, checkLimits{Warmup: 0.25, Tolerance: 0.1, P99Tolerance: 0.25}, "") }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the report did not end in 30 s")
	}
	sum, err := os.ReadFile(filepath.Join(dir, "summary.md"))
	if err != nil || strings.Contains(string(sum), "FAIL") || !strings.Contains(string(sum), "24000 requests answered") {
		t.Errorf("summary of a flat run (%v):\n%s", err, sum)
	}
	f, err := os.Open(filepath.Join(dir, "soak.png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != plotW || b.Dy() != panelH*len(panels()) {
		t.Errorf("plot is %v", b)
	}
}

func TestReportNamesTheBadLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "samples.tsv"), []byte(sampleHeader+"\n10\t1\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "requests.tsv"), []byte("t_ms\tkind\tstatus\tms\tpath\n"), 0o644)
	err := writeReport(dir, checkLimits{Warmup: 0.25}, "")
	if err == nil || !strings.Contains(err.Error(), "samples.tsv:2: 2 fields, want 21") {
		t.Errorf("error %v, want samples.tsv:2 named", err)
	}
}
