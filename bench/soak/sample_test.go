package main

import (
	"context"
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"testing"
)

// A /metrics in Prometheus's text form, as client_golang's Go collector
// writes it (the live heap only with its runtime/metrics option).
const promText = `# HELP go_goroutines Number of goroutines that currently exist.
# TYPE go_goroutines gauge
go_goroutines 123
# HELP go_memstats_heap_alloc_bytes Number of heap bytes allocated and currently in use.
# TYPE go_memstats_heap_alloc_bytes gauge
go_memstats_heap_alloc_bytes 9.9e+08
`

// debugHandler answers /debug/runtime as serve does, from this process.
func debugHandler(w http.ResponseWriter, r *http.Request) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/sched/goroutines:goroutines"}}
	metrics.Read(s)
	json.NewEncoder(w).Encode(map[string]uint64{s[0].Name: s[0].Value.Uint64(), s[1].Name: s[1].Value.Uint64()})
}

// The sampler reads this test's own process: /proc for memory, threads
// and files; the goroutines from /metrics when it has them; the heap from
// the debug endpoint, which /metrics lacks here.
func TestSamplerReadsProcMetricsAndDebug(t *testing.T) {
	runtime.GC() // a live heap to read
	tests := []struct {
		name       string
		metrics    string // "" answers 404
		debug      bool
		src        string
		goroutines func(int) bool
		heap       bool
	}{
		{"metrics and debug", promText, true, "metrics+debug", func(n int) bool { return n == 123 }, true},
		{"debug only", "", true, "debug", func(n int) bool { return n > 1 && n != 123 }, true},
		{"neither", "", false, "none", func(n int) bool { return n == -1 }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			if tt.metrics != "" {
				mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(tt.metrics)) })
			}
			mux.HandleFunc("/debug/runtime", debugHandler)
			srv := httptest.NewServer(mux)
			defer srv.Close()
			debug := ""
			if tt.debug {
				debug = srv.URL
			}
			sp := newSampler(srv.URL, debug, os.Getpid(), "")
			s, err := sp.sample(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if s.HeapSrc != tt.src || !tt.goroutines(s.Goroutines) || math.IsNaN(s.HeapMB) == tt.heap {
				t.Errorf("source %q goroutines %d heap %.1f MB", s.HeapSrc, s.Goroutines, s.HeapMB)
			}
			if s.RSSMB <= 1 || s.Threads < 1 || s.FDs < 3 {
				t.Errorf("from /proc: RSS %.1f MB, %d threads, %d files", s.RSSMB, s.Threads, s.FDs)
			}
		})
	}
}

func TestSamplerFailsWhenTheProcessIsGone(t *testing.T) {
	sp := newSampler("http://127.0.0.1:1", "", 1<<30, "")
	if _, err := sp.sample(context.Background()); err == nil {
		t.Error("no error for a process that does not exist")
	}
}

// The log is read as it grows, a line cut short by the writer counted
// once it ends.
func TestLogScannerFollowsTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "serve.log")
	write := func(s string) {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(s)
		f.Close()
	}
	l := &logScanner{path: path}
	write(`time=2026-12-03T12:20:20.036Z level=INFO msg="ingest round" due=1000 new=50000 not_modified=0 failed=2 duration=1m9.907s` + "\n" +
		`time=2026-12-03T12:20:21Z level=ERROR msg="reload failed" err="disk full"` + "\n" +
		`time=2026-12-03T12:21:02.282Z level=INFO msg="ingest round" due=1000 new=1000 not_mod`)
	if err := l.scan(); err != nil {
		t.Fatal(err)
	}
	if l.rounds != 1 || l.articles != 50000 || l.failed != 2 || l.errors != 1 {
		t.Fatalf("after the first read: %d rounds, %d articles, %d failed, %d errors", l.rounds, l.articles, l.failed, l.errors)
	}
	write("ified=0 failed=0 duration=40.776s\n")
	if err := l.scan(); err != nil {
		t.Fatal(err)
	}
	if l.rounds != 2 || l.articles != 51000 {
		t.Errorf("after the line ended: %d rounds, %d articles", l.rounds, l.articles)
	}
}
