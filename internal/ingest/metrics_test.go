package ingest

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync/atomic"
	"testing"

	"newshub/internal/ingest/sources"
	"newshub/internal/metrics"
	"newshub/internal/metrics/metricstest"
	"newshub/internal/model"
	"newshub/internal/testutil"
)

// TestMetricsCountWhatRoundsDid runs real rounds against the fixture feeds
// (stored, known, duplicate, linkless, malformed and failing sources) and
// scrapes /metrics with Prometheus' parser after each: every count is the
// rounds' summaries added up, under the summary's names.
func TestMetricsCountWhatRoundsDid(t *testing.T) {
	srv := newFixtureServer(t)
	failing := []string{srv.URL + "/hostile/500", srv.URL + "/hostile/missing"}
	h := newHub(t, true,
		model.Source{URL: srv.URL + "/feeds/a.xml", Provider: "example-news.com"},
		model.Source{URL: srv.URL + "/feeds/b.atom"},
		model.Source{URL: srv.URL + "/feeds/feed.json"},
		model.Source{URL: srv.URL + "/feeds/nolinks.xml"},
		model.Source{URL: srv.URL + "/feeds/invalid.xml"},
		model.Source{URL: failing[0]},
		model.Source{URL: failing[1]},
	)
	m := metrics.New(metrics.Options{Store: h.st})
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()
	opts := testOptions()
	opts.All = true
	opts.Metrics = m
	in := h.ingester(opts)
	defer in.Close()

	fetches, items, pages := map[string]int{}, map[string]int{}, map[string]int{}
	for round := 1; round <= 2; round++ {
		sum, err := in.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		fetches["fetched"] += sum.Fetched
		fetches["not modified"] += sum.NotModified
		fetches["failed"] += sum.Failed
		fetches["not asked"] += sum.HeldOff
		items["stored"] += sum.New
		for reason, n := range sum.NotStored {
			items[reason] += n
		}
		for outcome, n := range sum.Pages {
			pages[outcome] += n
		}
		f := metricstest.Scrape(t, scrape.URL)
		checkCounts(t, round, "fetches", f.ByLabel("newshub_ingest_fetches_total", "outcome"), fetches)
		checkCounts(t, round, "items", f.ByLabel("newshub_ingest_items_total", "outcome"), items)
		checkCounts(t, round, "pages", f.ByLabel("newshub_ingest_pages_total", "outcome"), pages)
		for _, u := range failing {
			if v, _ := f.Value("newshub_ingest_source_errors_total", "source", u); v != float64(round) {
				t.Errorf("round %d: errors of %s = %v, want %d", round, u, v, round)
			}
		}
		if got := f.LabelValues("newshub_ingest_source_errors_total", "source"); len(got) != len(failing) {
			t.Errorf("round %d: sources with errors %v, want %v", round, got, failing)
		}
		if v, _ := f.Value("newshub_ingest_rounds_total", "result", "ok"); v != float64(round) {
			t.Errorf("round %d: rounds_total{ok} = %v", round, v)
		}
		if v, _ := f.Value("newshub_ingest_round_duration_seconds"); v != float64(round) {
			t.Errorf("round %d: %v round durations observed", round, v)
		}
		if v, _ := f.Value("newshub_ingest_last_round_timestamp_seconds"); v == 0 {
			t.Errorf("round %d: no last round time", round)
		}
		// The first round curates its new articles; the second finds
		// nothing new and curates nothing.
		if v, _ := f.Value("newshub_curate_duration_seconds", "mode", "arrival"); v != 1 {
			t.Errorf("round %d: %v curations observed, want 1", round, v)
		}
		// The state read from the store at the scrape.
		counts, err := h.st.Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := f.Value("newshub_store_records", "kind", "news"); v != float64(counts[model.KindNews]) || v == 0 {
			t.Errorf("round %d: store_records{news} = %v, store has %d", round, v, counts[model.KindNews])
		}
		gen, _ := h.st.Generation(context.Background())
		if v, _ := f.Value("newshub_store_generation"); v != float64(gen) {
			t.Errorf("round %d: generation %v, store's %d", round, v, gen)
		}
		if v, _ := f.Value("newshub_sources", "state", "listed"); v != 7 {
			t.Errorf("round %d: %v sources listed", round, v)
		}
		if v, _ := f.Value("newshub_sources", "state", "failing"); v != float64(len(failing)) {
			t.Errorf("round %d: %v sources failing", round, v)
		}
	}
	// Every reason is served, counted or not (named here, not read from
	// the list the metrics are given, which missed one).
	f := metricstest.Scrape(t, scrape.URL)
	for _, reason := range []string{ReasonKnown, ReasonKnownPage, ReasonDuplicate, ReasonNoLink, ReasonNoTitle,
		ReasonMalformed, ReasonRejected, ReasonPurged} {
		if _, ok := f.Value("newshub_ingest_items_total", "outcome", reason); !ok {
			t.Errorf("no items_total{outcome=%q}", reason)
		}
	}
	if items[ReasonKnown] == 0 || items[ReasonNoLink] == 0 || items["stored"] == 0 || fetches["not modified"] == 0 {
		t.Fatalf("the fixture no longer gives every outcome: %v %v", items, fetches)
	}
}

func checkCounts(t *testing.T, round int, what string, got map[string]float64, want map[string]int) {
	t.Helper()
	keys := map[string]bool{}
	for k := range got {
		keys[k] = true
	}
	for k := range want {
		keys[k] = true
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if got[k] != float64(want[k]) {
			t.Errorf("round %d: %s{%q} = %v, summaries add up to %d", round, what, k, got[k], want[k])
		}
	}
}

// A feed read with a password in its address (https://user:password@host/,
// which Go's client sends as Basic authentication), or a token in its
// query, fails: neither the round's log, nor the metrics, which go to
// whoever reads the journal or scrapes Prometheus, nor the error kept as
// its last status, which the admin area shows, hold the secret; they name
// the source by its address with the secret masked.
func TestFailingSourceLogsAndMetricsHideItsPassword(t *testing.T) {
	const password = "s3cret-feed-pw"
	const token = "s3cret-feed-token"
	var authed atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, pw, ok := r.BasicAuth(); ok && pw == password {
			authed.Add(1)
		}
		if r.URL.Path == "/garbled.xml" {
			w.Header().Set("Content-Type", "application/rss+xml")
			io.WriteString(w, "not a feed at all")
			return
		}
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer srv.Close()
	base := strings.Replace(srv.URL, "http://", "http://reader:"+password+"@", 1)
	failing := []string{base + "/private.xml", base + "/garbled.xml", srv.URL + "/token.xml?format=rss&token=" + token,
		srv.URL + "/key.xml?api_key=" + token}
	var srcs []model.Source
	for _, u := range failing {
		srcs = append(srcs, model.Source{URL: u})
	}
	h := newHub(t, true, srcs...)
	m := metrics.New(metrics.Options{Store: h.st, NoRuntime: true})
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()
	var logged testutil.LogBuffer
	opts := testOptions()
	opts.All = true
	opts.Metrics = m
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	sum, err := in.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Failed != len(failing) || authed.Load() == 0 {
		t.Fatalf("%d sources failed, %d requests authenticated; want %d failed, asked with the password", sum.Failed, authed.Load(), len(failing))
	}
	for _, secret := range []string{password, token} {
		if strings.Contains(logged.String(), secret) {
			t.Errorf("the log holds the feed's secret %s:\n%s", secret, logged.String())
		}
	}
	states, err := h.st.SourceStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range states {
		if strings.Contains(s.LastStatus, password) || strings.Contains(s.LastStatus, token) {
			t.Errorf("the last status of a source holds its secret: %s", s.LastStatus)
		}
	}
	if !strings.Contains(logged.String(), "token=xxxxx") {
		t.Errorf("the log names no source by its masked query:\n%s", logged.String())
	}
	if !strings.Contains(logged.String(), "reader:xxxxx@") {
		t.Errorf("the log names no source by its masked address:\n%s", logged.String())
	}
	resp, err := http.Get(scrape.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), password) || strings.Contains(string(body), token) {
		t.Errorf("/metrics holds a feed's secret:\n%s", body)
	}
	f := metricstest.Scrape(t, scrape.URL)
	if got := f.LabelValues("newshub_ingest_source_errors_total", "source"); len(got) != len(failing) {
		t.Errorf("sources with errors %v, want %d", got, len(failing))
	}
}

// TestARemovedSourceLeavesTheMetrics: a failing source removed from the
// list kept its error series in /metrics as long as the process ran, one
// more for every address an operator ever removed; a source still listed
// keeps its count.
func TestARemovedSourceLeavesTheMetrics(t *testing.T) {
	srv := newFixtureServer(t)
	removed, kept := srv.URL+"/hostile/500", srv.URL+"/hostile/missing"
	h := newHub(t, true, model.Source{URL: removed}, model.Source{URL: kept})
	m := metrics.New(metrics.Options{Store: h.st, NoRuntime: true})
	scrape := httptest.NewServer(m.Handler())
	defer scrape.Close()
	opts := testOptions()
	opts.All = true
	opts.Metrics = m
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	if _, err := in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if got := metricstest.Scrape(t, scrape.URL).LabelValues("newshub_ingest_source_errors_total", "source"); len(got) != 2 {
		t.Fatalf("sources with errors after the first round: %v, want both", got)
	}
	list, err := sources.Load(ctx, h.st, "")
	if err != nil {
		t.Fatal(err)
	}
	if !list.Remove(removed) {
		t.Fatalf("%s is not listed", removed)
	}
	if err := list.Save(ctx, h.st, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := in.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	f := metricstest.Scrape(t, scrape.URL)
	if got := f.LabelValues("newshub_ingest_source_errors_total", "source"); len(got) != 1 || got[0] != kept {
		t.Errorf("sources with errors after %s was removed: %v, want only %s", removed, got, kept)
	}
	if v, _ := f.Value("newshub_ingest_source_errors_total", "source", kept); v != 2 {
		t.Errorf("errors of %s = %v, want 2", kept, v)
	}
}

// A feed read with a password and a token in its address that gives one
// item twice: the duplicate's reason, logged and kept in the source's last
// read (which sources list and the admin area show), names the feed with
// its secrets masked, where it named it whole.
func TestDuplicateItemNamesItsFeedMasked(t *testing.T) {
	const password, token = "s3cret-feed-pw", "s3cret-feed-token"
	const item = `<item><title>Polls open</title><link>https://wire.example/polls-open</link><guid>polls-open</guid>` +
		`<pubDate>Fri, 20 Nov 2026 08:00:00 GMT</pubDate><description>Polls opened at seven.</description></item>`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>https://wire.example/</link>`+item+item+`</channel></rss>`)
	}))
	defer srv.Close()
	feed := strings.Replace(srv.URL, "http://", "http://reader:"+password+"@", 1) + "/feed.xml?token=" + token
	h := newHub(t, true, model.Source{URL: feed})
	var logged testutil.LogBuffer
	opts := testOptions()
	opts.All = true
	opts.Log = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	in := h.ingester(opts)
	defer in.Close()
	if _, err := in.RunOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	states, err := h.st.SourceStates(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var details []string
	for _, s := range states {
		for _, d := range s.LastRead.Drops {
			details = append(details, d.Detail)
		}
	}
	want := "another item of " + model.MaskURL(feed) + " with the same link and GUID"
	if len(details) != 1 || details[0] != want {
		t.Errorf("drops %q, want [%q]", details, want)
	}
	for _, secret := range []string{password, token} {
		if strings.Contains(logged.String(), secret) {
			t.Errorf("the log holds the feed's secret %s:\n%s", secret, logged.String())
		}
	}
}
