package progress

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestPlainLinesWhenNotATerminal(t *testing.T) {
	tests := []struct {
		name  string
		total int64
		adds  []int
		want  []string
	}{
		{"tenths", 100, repeat(1, 100), []string{
			"job: 10/100 items (10%)", "job: 50/100 items (50%)", "job: 90/100 items (90%)", "job: 100/100 items (100%)"}},
		{"big steps skip lines", 100, []int{55, 45}, []string{"job: 55/100 items (55%)", "job: 100/100 items (100%)"}},
		{"tiny total", 3, []int{1, 1, 1}, []string{"job: 1/3 items (33%)", "job: 2/3 items (66%)", "job: 3/3 items (100%)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			r := New(&buf, "job", "items", tt.total)
			for _, n := range tt.adds {
				r.Add(n)
			}
			r.Finish()
			r.Finish() // a second Finish prints nothing more
			out := buf.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w+"\n") {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if n := strings.Count(out, "(100%)"); n != 1 {
				t.Errorf("100%% printed %d times:\n%s", n, out)
			}
			if lines := strings.Count(out, "\n"); lines > 11 {
				t.Errorf("%d lines, want at most 11", lines)
			}
			if r.Done() != tt.total {
				t.Errorf("Done = %d, want %d", r.Done(), tt.total)
			}
		})
	}
}

func TestAddIsSafeForConcurrentUse(t *testing.T) {
	var buf bytes.Buffer
	r := New(&buf, "job", "items", 1000)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				r.Add(1)
			}
		}()
	}
	wg.Wait()
	r.Finish()
	if r.Done() != 1000 {
		t.Fatalf("Done = %d, want 1000", r.Done())
	}
}

func TestBufferIsNotATerminal(t *testing.T) {
	if IsTerminal(&bytes.Buffer{}) {
		t.Fatal("a buffer is not a terminal")
	}
}

func TestRate(t *testing.T) {
	if got := Rate(500, 2*time.Second); got != 250 {
		t.Fatalf("Rate = %v, want 250", got)
	}
	if got := Rate(5, 0); got != 0 {
		t.Fatalf("Rate over zero time = %v, want 0", got)
	}
}

func repeat(n, times int) []int {
	s := make([]int, times)
	for i := range s {
		s[i] = n
	}
	return s
}
