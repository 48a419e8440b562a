package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/metrics"
)

// runStatus prints the state of the hub: from the store, or from a running
// server's /metrics with --url.
func runStatus(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("status")
	from := fs.String("url", "", "read the status from a running server's metrics at URL (its --admin-addr, e.g. http://127.0.0.1:9090) rather than from the store")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q", fs.Arg(0))
	}
	var (
		s   metrics.Status
		err error
	)
	if *from != "" {
		s, err = scrapeStatus(ctx, *from)
	} else {
		s, err = storeStatus(ctx, env)
	}
	if err != nil {
		return err
	}
	printStatus(env.Stdout, s, time.Now())
	return nil
}

func storeStatus(ctx context.Context, env *Env) (metrics.Status, error) {
	st, err := env.openStore(ctx)
	if err != nil {
		return metrics.Status{}, err
	}
	defer st.Close()
	return metrics.ReadStatus(ctx, st, env.Site, scheduler.Policy{}, time.Now())
}

// scrapeStatus reads the status from the metrics at raw, or at raw's
// /metrics when it names no path.
func scrapeStatus(ctx context.Context, raw string) (metrics.Status, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return metrics.Status{}, usageError("--url %q: want http://HOST:PORT", raw)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/metrics"
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return metrics.Status{}, err
	}
	// The text format, whatever else the server could answer in.
	req.Header.Set("Accept", "text/plain;version=0.0.4")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return metrics.Status{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return metrics.Status{}, fmt.Errorf("%s: %s", u, resp.Status)
	}
	s, err := metrics.ParseStatus(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return metrics.Status{}, fmt.Errorf("%s: %w", u, err)
	}
	return s, nil
}

// printStatus writes the status for a person: the store, the sources,
// their last reads, and what a running server counted.
func printStatus(w io.Writer, s metrics.Status, now time.Time) {
	fmt.Fprintf(w, "store:      generation %d; %s\n", s.Generation, kindSummary(s.Records))
	if sp := s.Space; sp != nil {
		// Free pages are reused by later writes; only a backup's copy
		// gives them back (see backup).
		fmt.Fprintf(w, "file:       %s, %s of it free pages\n", mib(sp.File), mib(sp.Free))
	}
	c := s.Sources
	fmt.Fprintf(w, "sources:    %d listed, %d disabled, %d due, %d failing, %d paused\n", c.Listed, c.Disabled, c.Due, c.Failing, c.Paused)
	fmt.Fprintf(w, "last fetch: %s\n", ago(s.LastFetch, now))
	fmt.Fprintf(w, "last reads: %s\n", items(s.LastReads.Items, s.LastReads.Outcomes))
	r := s.Running
	if r == nil {
		return
	}
	fmt.Fprintf(w, "server:     up since %s, %d HTTP requests\n", ago(r.Started, now), r.Requests)
	fmt.Fprintf(w, "rounds:     %d (%d stopped on an error), the last ended %s\n", r.Rounds, r.RoundErrors, ago(r.LastRound, now))
	fmt.Fprintf(w, "fetches:    %s\n", counted(r.Fetches))
	seen := 0
	for _, n := range r.Items {
		seen += n
	}
	fmt.Fprintf(w, "items:      %s\n", items(seen, r.Items))
}

// items words item counts by outcome: "140 items: 20 stored, 100 already
// stored, 20 duplicate".
func items(seen int, by map[string]int) string {
	if parts := countsBy(by, ""); len(parts) > 0 {
		return fmt.Sprintf("%d items: %s", seen, strings.Join(parts, ", "))
	}
	return fmt.Sprintf("%d items", seen)
}

func counted(by map[string]int) string {
	if parts := countsBy(by, ""); len(parts) > 0 {
		return strings.Join(parts, ", ")
	}
	return "none"
}

// ago words a time as "2024-11-05 10:00 UTC (5m ago)"; "never" for zero.
func ago(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%s UTC (%s ago)", when(t), now.Sub(t).Round(time.Second))
}
