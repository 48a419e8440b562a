// Package progress reports how far a long job has come: a progress bar when
// the output is a terminal, plain log lines otherwise (logs, pipes, CI).
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Reporter counts units of work done out of a known total.
// Its methods are safe for concurrent use.
type Reporter struct {
	mu    sync.Mutex
	w     io.Writer
	what  string
	unit  string
	total int64
	done  int64
	start time.Time
	bar   *progressbar.ProgressBar // nil when w is not a terminal
	next  int64                    // plain mode: the count that prints the next line
	ended bool
}

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// New starts reporting a job named what (e.g. "import") of total units
// (e.g. "records") on w.
func New(w io.Writer, what, unit string, total int64) *Reporter {
	r := &Reporter{w: w, what: what, unit: unit, total: total, start: time.Now()}
	if IsTerminal(w) {
		r.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(what),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString(unit),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetWidth(30),
			progressbar.OptionClearOnFinish(),
		)
		return r
	}
	r.next = r.step()
	return r
}

// step is the plain-mode interval: a line every tenth of the job.
func (r *Reporter) step() int64 {
	s := r.total / 10
	if s < 1 {
		s = 1
	}
	return s
}

// Add records n more units done.
func (r *Reporter) Add(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return
	}
	r.done += int64(n)
	if r.bar != nil {
		_ = r.bar.Add(n)
		return
	}
	if r.done >= r.next && r.done < r.total {
		fmt.Fprintf(r.w, "%s: %d/%d %s (%d%%)\n", r.what, r.done, r.total, r.unit, r.done*100/r.total)
		for r.next <= r.done {
			r.next += r.step()
		}
	}
}

// Done returns the units done so far.
func (r *Reporter) Done() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.done
}

// Finish ends the report: it clears the bar, or prints the last line.
func (r *Reporter) Finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ended {
		return
	}
	r.ended = true
	if r.bar != nil {
		_ = r.bar.Finish()
		return
	}
	if r.total > 0 {
		fmt.Fprintf(r.w, "%s: %d/%d %s (%d%%)\n", r.what, r.done, r.total, r.unit, r.done*100/r.total)
	}
}

// Elapsed returns the time since the report started.
func (r *Reporter) Elapsed() time.Duration { return time.Since(r.start) }

// Rate returns units per second over d, or 0 when d is zero.
func Rate(n int64, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}
