package main

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

var nan = math.NaN()

// checkLimits are the bounds of the soak's checks.
type checkLimits struct {
	Warmup       float64 // fraction of the run left out of the checks
	Tolerance    float64 // memory, goroutines, open files
	P99Tolerance float64 // rise of the API's p99
}

// request is one row of requests.tsv.
type request struct {
	t      float64 // seconds since the start
	kind   string
	status int
	ms     float64
}

// writeReport reads dir's samples.tsv and requests.tsv and writes
// summary.md (also to standard output) and soak.png. note, when set, is
// what stopped the run early.
func writeReport(dir string, lim checkLimits, note string) error {
	samples, err := readSamples(filepath.Join(dir, "samples.tsv"))
	if err != nil {
		return err
	}
	reqs, err := readRequests(filepath.Join(dir, "requests.tsv"))
	if err != nil {
		return err
	}
	if len(samples) < 3 {
		return fmt.Errorf("%s: %d samples, too few to judge", dir, len(samples))
	}
	sum := summarize(samples, reqs, lim)
	pgs, err := readRows(filepath.Join(dir, "pg.tsv"), pgHeader, parsePGSample)
	switch {
	case errors.Is(err, fs.ErrNotExist): // the store is not PostgreSQL
	case err != nil:
		return err
	default:
		sum += summarizePG(pgs, samples, lim)
	}
	if note != "" {
		sum = "**The run stopped early: " + note + "**\n\n" + sum
	}
	fmt.Print(sum)
	if err := os.WriteFile(filepath.Join(dir, "summary.md"), []byte(sum), 0o644); err != nil {
		return err
	}
	return writePlot(filepath.Join(dir, "soak.png"), samples, lim.Warmup*samples[len(samples)-1].T)
}

func readSamples(path string) ([]Sample, error) { return readRows(path, sampleHeader, parseSample) }

// readRows reads the rows of a TSV file whose header is header.
func readRows[S any](path, header string, parse func(string) (S, error)) ([]S, error) {
	var out []S
	err := readTSV(path, header, func(line string) error {
		s, err := parse(line)
		out = append(out, s)
		return err
	})
	return out, err
}

func readRequests(path string) ([]request, error) {
	var out []request
	err := readTSV(path, "t_ms\tkind\tstatus\tms\tpath", func(line string) error {
		f := strings.SplitN(line, "\t", 5)
		if len(f) != 5 {
			return fmt.Errorf("%d fields, want 5", len(f))
		}
		t, err1 := strconv.ParseFloat(f[0], 64)
		status, err2 := strconv.Atoi(f[2])
		ms, err3 := strconv.ParseFloat(f[3], 64)
		if err1 != nil || err2 != nil || err3 != nil {
			return fmt.Errorf("bad number in %q", line)
		}
		out = append(out, request{t: t / 1000, kind: f[1], status: status, ms: ms})
		return nil
	})
	return out, err
}

// readTSV calls row for each line after the header, which must be want.
// Errors name the file and line.
func readTSV(path, want string, row func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		if n == 1 {
			if sc.Text() != want {
				return fmt.Errorf("%s:1: header is not %q", path, want)
			}
			continue
		}
		if err := row(sc.Text()); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

// spans splits the samples after warm-up into the checked span, its
// first third (early) and its last third (late).
func spans(samples []Sample, warmup float64) (post, early, late []Sample) {
	end := samples[len(samples)-1].T
	for _, s := range samples {
		if s.T >= warmup*end {
			post = append(post, s)
		}
	}
	third := max(len(post)/3, 1)
	return post, post[:third], post[len(post)-third:]
}

// perMinuteOf is how many samples of the checked span make a minute's
// level: a short run takes levels of fewer samples, so that it has six.
func perMinuteOf(post []Sample) int {
	return max(1, min(int(math.Round(60/(post[len(post)-1].T-post[0].T)*float64(len(post)-1))), len(post)/6))
}

// values is f of each of ss, NaN kept.
func values[S any](ss []S, f func(S) float64) []float64 {
	out := make([]float64, len(ss))
	for i, s := range ss {
		out[i] = f(s)
	}
	return out
}

// column is f of each of ss, NaN left out.
func column[S any](ss []S, f func(S) float64) []float64 {
	var out []float64
	for _, s := range ss {
		if v := f(s); !math.IsNaN(v) {
			out = append(out, v)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return nan
	}
	return percentile(slices.Clone(xs), 0.5)
}

// slope fits y = a + b·x by least squares and returns b.
func slope(xs, ys []float64) float64 {
	n := float64(len(xs))
	if n < 2 {
		return nan
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	d := n*sxx - sx*sx
	if d == 0 {
		return nan
	}
	return (n*sxy - sx*sy) / d
}

func verdict(ok bool) string {
	if ok {
		return "pass"
	}
	return "**FAIL**"
}

// summarize words the checks of the soak as a markdown table.
func summarize(samples []Sample, reqs []request, lim checkLimits) string {
	var b strings.Builder
	end := samples[len(samples)-1].T
	post, early, late := spans(samples, lim.Warmup)
	tol := lim.Tolerance
	fmt.Fprintf(&b, "soak: %.0f s, %d samples; checks over the last %.0f%% (from %.0f s), start = its first third, end = its last third\n\n",
		end, len(samples), 100*(1-lim.Warmup), post[0].T)
	b.WriteString("| check | start | end | span after warm-up | result |\n|---|---|---|---|---|\n")

	// Memory: the level of each minute after warm-up (the median of its
	// samples, so an ingest batch held at one sample does not count as a
	// level) within ±tol of the levels' median.
	perMinute := perMinuteOf(post)
	band := func(name string, f func(Sample) float64) {
		all := column(post, f)
		if len(all) == 0 {
			fmt.Fprintf(&b, "| %s | – | – | not measured | **FAIL** |\n", name)
			return
		}
		var levels []float64
		for i := 0; i+perMinute <= len(all); i += perMinute {
			end := i + perMinute
			if end+perMinute > len(all) {
				end = len(all) // the last level takes the odd samples left
			}
			levels = append(levels, median(all[i:end]))
		}
		if len(levels) < 3 {
			fmt.Fprintf(&b, "| %s | – | – | %d samples after warm-up, too few to judge | **FAIL** |\n", name, len(all))
			return
		}
		med := median(levels)
		dev := max(slices.Max(levels)-med, med-slices.Min(levels)) / med
		ts := column(post, func(s Sample) float64 {
			if math.IsNaN(f(s)) {
				return nan
			}
			return s.T
		})
		trend := 100 * slope(ts, all) * 600 / med
		fmt.Fprintf(&b, "| %s: each minute's median (%d samples) within ±%.0f%% of their median | %.1f | %.1f | minutes %.1f–%.1f: ±%.1f%%; samples %.1f–%.1f; trend %+.1f%% per 10 min | %s |\n",
			name, perMinute, 100*tol, median(column(early, f)), median(column(late, f)), slices.Min(levels), slices.Max(levels), 100*dev,
			slices.Min(all), slices.Max(all), trend, verdict(dev <= tol))
	}
	band("heap live MB", func(s Sample) float64 { return s.HeapMB })
	band("RSS MB", func(s Sample) float64 { return s.RSSMB })
	band("RSS anonymous MB (RSS less the mapped store file)", func(s Sample) float64 { return s.AnonMB })

	// Counts: the level (the median) and the floor between fetch bursts
	// (the median of each minute's lowest sample) of the end no higher
	// than the start's; a fall is idle connections closing, not a leak,
	// and a leak lifts both. The peaks are shown, not judged: each round
	// fetches every due feed, and until the round ends the fetcher keeps a
	// connection (a file, two goroutines) to each host it reached, so a
	// peak is as high as the hosts reached when the 10-s sample happens to
	// fall, which moves with the rounds' length, not with what is kept.
	fl := flatCheck{b: &b, perMinute: perMinute, tol: tol}
	flat := func(name string, f func(Sample) float64, checked bool) {
		fl.row(name, values(early, f), values(late, f), values(post, f), checked)
	}
	flat("goroutines", func(s Sample) float64 {
		if s.Goroutines < 0 {
			return nan
		}
		return float64(s.Goroutines)
	}, true)
	flat("open files", func(s Sample) float64 { return float64(s.FDs) }, true)
	flat("threads", func(s Sample) float64 { return float64(s.Threads) }, false)

	// The API's p99 over every request of the start and of the end.
	apiIn := func(from, to float64) []float64 {
		var ms []float64
		for _, r := range reqs {
			if r.kind == "api" && r.status == 200 && r.t >= from && r.t <= to {
				ms = append(ms, r.ms)
			}
		}
		return ms
	}
	window := post[1].T - post[0].T
	eReq := apiIn(early[0].T-window, early[len(early)-1].T)
	lReq := apiIn(late[0].T-window, late[len(late)-1].T)
	ep, lp := percentile(eReq, 0.99), percentile(lReq, 0.99)
	fmt.Fprintf(&b, "| API p99 ms at most +%.0f%% from start to end | %.1f (%d requests) | %.1f (%d requests) | p50 %.1f → %.1f | %s |\n",
		100*lim.P99Tolerance, ep, len(eReq), lp, len(lReq), percentile(eReq, 0.5), percentile(lReq, 0.5),
		verdict(len(eReq) > 0 && len(lReq) > 0 && lp <= ep*(1+lim.P99Tolerance)))

	// Errors over the whole run.
	var errs, gone, answered int
	for _, s := range samples {
		errs += s.Errors
		gone += s.Gone
		answered += s.Requests
	}
	last := samples[len(samples)-1]
	fmt.Fprintf(&b, "| no error: failed requests, sources failed, ERROR lines in the log | | %d, %d, %d | whole run | %s |\n",
		errs, last.Failed, last.LogErrors, verdict(errs == 0 && last.Failed == 0 && last.LogErrors == 0))

	fmt.Fprintf(&b, "\nload: %d requests answered in %.0f s (%.1f/s), %d answered 404 for a story or article discovered earlier (reclustered), page p99 %.1f → %.1f ms\n",
		answered, end, float64(answered)/end, gone, median(column(early, func(s Sample) float64 { return s.PageP99 })),
		median(column(late, func(s Sample) float64 { return s.PageP99 })))
	fmt.Fprintf(&b, "ingest: %d rounds, %d articles stored (%d at the start of the checked span), %d sources failed\n",
		last.Rounds, last.Articles, post[0].Articles, last.Failed)
	// The heap between ingest rounds (each minute's lowest sample) by the
	// articles stored: what is left of a rise once the data's own growth
	// is taken out. Shown, not judged: the lowest sample is a rough floor.
	floor := func(ss []Sample) float64 {
		var per []float64
		for i := 0; i+perMinute <= len(ss); i += perMinute {
			m := slices.MinFunc(ss[i:i+perMinute], func(a, b Sample) int { return cmpNaN(a.HeapMB, b.HeapMB) })
			if m.Articles > 0 && !math.IsNaN(m.HeapMB) {
				per = append(per, 1000*m.HeapMB/float64(m.Articles))
			}
		}
		return median(per)
	}
	fmt.Fprintf(&b, "heap between rounds (each minute's lowest sample) per 1,000 articles stored: start %.2f MB, end %.2f MB\n", floor(early), floor(late))
	loads := column(samples, func(s Sample) float64 { return s.Load1 })
	fmt.Fprintf(&b, "machine load (1-minute average): start %.2f, median %.2f, end %.2f; server CPU median %.0f%% of a core\n",
		loads[0], median(loads), loads[len(loads)-1], median(column(samples, func(s Sample) float64 { return s.CPU })))
	return b.String()
}

// flatCheck words the check that a count does not rise from the start
// of the checked span to its end.
type flatCheck struct {
	b         *strings.Builder
	perMinute int // samples a minute
	tol       float64
	digits    int // decimals of the figures
}

// floor is the median of each minute's lowest sample of xs.
func (c flatCheck) floor(xs []float64) float64 {
	var mins []float64
	for i := 0; i < len(xs); i += c.perMinute {
		if m := column(xs[i:min(i+c.perMinute, len(xs))], func(x float64) float64 { return x }); len(m) > 0 {
			mins = append(mins, slices.Min(m))
		}
	}
	return median(mins)
}

// row checks the samples of the start (early), of the end (late) and of
// the whole span (post), NaN where not measured; unchecked, it is shown.
func (c flatCheck) row(name string, early, late, post []float64, checked bool) {
	id := func(x float64) float64 { return x }
	e, l := column(early, id), column(late, id)
	if len(e) == 0 || len(l) == 0 {
		fmt.Fprintf(c.b, "| %s | – | – | not measured | **FAIL** |\n", name)
		return
	}
	em, lm := median(e), median(l)
	ef, lf := c.floor(early), c.floor(late)
	rose := func(from, to float64) bool { return to > from+max(c.tol*from, 2) }
	res := verdict(!rose(em, lm) && !rose(ef, lf))
	if !checked {
		res = "(shown)"
	}
	all := column(post, id)
	d := c.digits
	fmt.Fprintf(c.b, "| %s flat: no rise of the median or of the floor between bursts over %.0f%% or 2 (peaks shown) | median %.*f, floor %.*f, peak %.*f | median %.*f, floor %.*f, peak %.*f | %.*f–%.*f | %s |\n",
		name, 100*c.tol, d, em, d, ef, d, slices.Max(e), d, lm, d, lf, d, slices.Max(l), d, slices.Min(all), d, slices.Max(all), res)
}

// cmpNaN orders floats with NaN last.
func cmpNaN(a, b float64) int {
	switch {
	case math.IsNaN(a) && math.IsNaN(b):
		return 0
	case math.IsNaN(a):
		return 1
	case math.IsNaN(b):
		return -1
	}
	return cmp.Compare(a, b)
}
