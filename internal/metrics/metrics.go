// Package metrics measures a running hub for Prometheus and answers its
// health checks: the instruments of ingest, curation, publishing and HTTP
// serving in a registry of the hub's own (no global state), the Go runtime
// and the process, the state of the store and the sources read at each
// scrape, /metrics in the text format, /healthz and /readyz.
//
// Every method works on a nil *Metrics and does nothing, so code measured
// here runs unchanged where nobody collects.
package metrics

import (
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/store"
)

// Options configure a Metrics.
type Options struct {
	// Store, when set, is read at each scrape for the state of the hub:
	// records by kind, generation, sources listed, due, failing and
	// paused, their last reads (see Status).
	Store store.Store
	// SiteDir is the site folder, read for _data/sources.yaml when the
	// store holds no sources list.
	SiteDir string
	// Policy decides which sources are due, as ingest's scheduler does.
	Policy scheduler.Policy
	// NoRuntime leaves out the Go runtime and process collectors.
	NoRuntime bool
	// Log receives the errors met while gathering; nil discards them.
	Log *slog.Logger
	// Outage logs a store out of reach at a scrape, once for the outage
	// and all that share it (nil: an outage of its own, logged to Log):
	// where each scrape logged it, every 15 s or so.
	Outage *store.Outage
}

// Metrics holds the hub's instruments and the registries they are
// gathered from.
type Metrics struct {
	reg   *prometheus.Registry // the hub's own instruments
	state *prometheus.Registry // runtime, process, store and sources
	all   prometheus.Gatherers

	fetches       *prometheus.CounterVec
	notCounted    prometheus.Counter
	items         *prometheus.CounterVec
	pages         *prometheus.CounterVec
	sourceErrors  *prometheus.CounterVec
	failedMu      sync.Mutex
	failed        map[string]bool // the sources sourceErrors has a series of
	rounds        *prometheus.CounterVec
	roundTime     prometheus.Histogram
	lastRound     prometheus.Gauge
	networkDown   prometheus.Gauge
	lastRoundMu   sync.Mutex
	lastRoundAt   time.Time // what lastRound says
	curateTime    *prometheus.HistogramVec
	publishTime   *prometheus.HistogramVec
	publishFailed *prometheus.CounterVec
	httpRequests  *prometheus.CounterVec
	httpLatency   *prometheus.HistogramVec
	routesMu      sync.Mutex
	routes        map[string]*Route
	handlerErrors prometheus.Counter
	log           *slog.Logger
}

// Names of the instruments, as Status reads them back.
const (
	nameFetches       = "newshub_ingest_fetches_total"
	nameNotCounted    = "newshub_ingest_fetches_not_counted_total"
	nameItems         = "newshub_ingest_items_total"
	nameRounds        = "newshub_ingest_rounds_total"
	nameLastRound     = "newshub_ingest_last_round_timestamp_seconds"
	nameHTTPRequests  = "newshub_http_requests_total"
	nameProcessStart  = "process_start_time_seconds"
	roundOK, roundErr = "ok", "error"
)

// Buckets of the durations, in seconds.
var (
	// A round is seconds (a few 304s) to many minutes (thousands of
	// feeds with their pages).
	roundBuckets = prometheus.ExponentialBuckets(0.1, 3, 10) // 0.1 s … 33 min
	// Curating a batch or the whole store, loading or building the view.
	workBuckets = prometheus.ExponentialBuckets(0.005, 3, 11) // 5 ms … 5 min
	// Answers served from memory take well under a millisecond.
	httpBuckets = []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}
)

// New returns the instruments, registered, with the runtime and process
// collectors and, when opts.Store is set, the hub's state read at each
// scrape.
func New(opts Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry(), state: prometheus.NewRegistry(), routes: map[string]*Route{}, log: opts.Log}
	if m.log == nil {
		m.log = slog.New(slog.DiscardHandler)
	}
	m.all = prometheus.Gatherers{m.reg, m.state}
	f := factory{m.reg}
	m.fetches = f.counters(nameFetches, "Feed fetches by outcome: fetched, not modified, failed, not asked (the host asked to wait).", "outcome")
	for _, o := range []string{"fetched", "not modified", "failed", "not asked"} {
		m.fetches.WithLabelValues(o)
	}
	m.notCounted = f.counter(nameNotCounted, "Of the failed feed fetches, those that reached no server while the hub's own network was out: not counted against their sources.")
	m.items = f.counters(nameItems, "Feed items by outcome: stored, or the reason they were not (already stored, duplicate, malformed, ...).", "outcome")
	m.items.WithLabelValues(OutcomeStored)
	m.pages = f.counters("newshub_ingest_pages_total", "Article pages by outcome: read, failed, disallowed by robots.txt, ...", "outcome")
	m.sourceErrors = f.counters("newshub_ingest_source_errors_total", "Failed reads of a source (fetch, parse or store), by source URL.", "source")
	m.rounds = f.counters(nameRounds, "Ingest rounds that fetched sources, by result: ok, or error when the round stopped.", "result")
	m.rounds.WithLabelValues(roundOK)
	m.rounds.WithLabelValues(roundErr)
	m.roundTime = f.histogram("newshub_ingest_round_duration_seconds", "Wall time of an ingest round that fetched sources.", roundBuckets)
	m.lastRound = f.gauge(nameLastRound, "When the last ingest round that fetched sources ended, in seconds since the epoch.")
	m.networkDown = f.gauge("newshub_ingest_network_down", "1 while the hub's own network is out: the last ingest rounds reached no server, and the sources' failures are not counted; 0 otherwise.")
	m.curateTime = f.histograms("newshub_curate_duration_seconds", "Curation time, writes included: arrival (a batch of new articles) or all (the whole store).", workBuckets, "mode")
	m.publishTime = f.histograms("newshub_publish_duration_seconds", "Publishing time: load (the hub's view for serving) or build (static files).", workBuckets, "what")
	m.publishFailed = f.counters("newshub_publish_failures_total", "Publishing steps that failed: load (the hub's view for serving, the last one served on) or build (static files, OUT left as before).", "what")
	m.publishFailed.WithLabelValues(PublishLoad)
	m.publishFailed.WithLabelValues(PublishBuild)
	m.httpRequests = f.counters(nameHTTPRequests, "HTTP requests answered, by route and status code.", "route", "code")
	m.httpLatency = f.histograms("newshub_http_request_duration_seconds", "Time to answer an HTTP request, by route.", httpBuckets, "route")
	m.handlerErrors = f.counter("newshub_metrics_scrape_errors_total", "Scrapes of /metrics that met an error gathering.")

	if !opts.NoRuntime {
		m.state.MustRegister(
			collectors.NewGoCollector(collectors.WithGoCollectorRuntimeMetrics(collectors.MetricsAll)),
			collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		)
	}
	if opts.Store != nil {
		outage := opts.Outage
		if outage == nil {
			outage = store.NewOutage(m.log)
		}
		m.state.MustRegister(newStateCollector(opts.Store, opts.SiteDir, opts.Policy, outage))
	}
	return m
}

// Registry is where the hub's own instruments are registered; other parts
// of the hub register theirs there too.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Gatherer gathers everything Handler serves.
func (m *Metrics) Gatherer() prometheus.Gatherer { return m.all }

// Handler serves every metric in Prometheus' text format (or another
// format the scraper asks for). A collector that fails is counted and
// left out; the rest is served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.all, promhttp.HandlerOpts{
		ErrorHandling: promhttp.ContinueOnError,
		ErrorLog:      scrapeErrors{m.handlerErrors, m.log},
	})
}

// WriteFile writes the hub's own instruments (not the runtime, the process
// or the store's state) to path in the text format, atomically: the way a
// command that runs once hands its figures to a textfile collector.
func (m *Metrics) WriteFile(path string) error {
	return prometheus.WriteToTextfile(path, m.reg)
}

// OutcomeStored is the outcome of a feed item stored as a new article;
// the other outcomes are the reasons ingest gives for not storing one.
const OutcomeStored = "stored"

// Round is what one ingest round did, as ingest counts it.
type Round struct {
	Duration time.Duration
	Err      bool           // the round stopped on an error
	Fetches  map[string]int // by outcome: "fetched", "not modified", "failed", "not asked"
	// NotCounted are the failed fetches that reached no server while the
	// hub's own network was out.
	NotCounted int
	Items      map[string]int // by outcome: "stored", or why not stored
	Pages      map[string]int // article pages by outcome
}

// IngestRound counts a round that fetched sources.
func (m *Metrics) IngestRound(r Round) {
	if m == nil {
		return
	}
	addAll(m.fetches, r.Fetches)
	m.notCounted.Add(float64(r.NotCounted))
	addAll(m.items, r.Items)
	addAll(m.pages, r.Pages)
	result := roundOK
	if r.Err {
		result = roundErr
	}
	m.rounds.WithLabelValues(result).Inc()
	m.roundTime.Observe(r.Duration.Seconds())
	m.LastRound(time.Now())
}

// LastRound says a round that fetched sources ended at t, unless one
// ended later: ingest tells it the last round its store logged, so that a
// process that has fetched nothing yet (a restart, an `ingest --once`
// that found no source due) does not say 0, which an alert on the time
// since the last round takes for rounds long stopped.
func (m *Metrics) LastRound(t time.Time) {
	if m == nil || t.IsZero() {
		return
	}
	m.lastRoundMu.Lock()
	defer m.lastRoundMu.Unlock()
	if t.After(m.lastRoundAt) {
		m.lastRoundAt = t
		m.lastRound.Set(float64(t.UnixNano()) / 1e9)
	}
}

// NetworkDown says whether the hub's own network is out, as ingest's
// rounds tell it.
func (m *Metrics) NetworkDown(down bool) {
	if m == nil {
		return
	}
	if down {
		m.networkDown.Set(1)
	} else {
		m.networkDown.Set(0)
	}
}

// ItemOutcomes declares the outcomes items can have, so each is served
// from the start (at zero) rather than from its first item.
func (m *Metrics) ItemOutcomes(outcomes ...string) {
	if m == nil {
		return
	}
	for _, o := range outcomes {
		m.items.WithLabelValues(o)
	}
}

// maxSourceSeries bounds the sources newshub_ingest_source_errors_total
// names: a hub of 20,000 feeds, a directory's, sees most fail once in a
// while (a timeout, a 503), and a series for each is tens of thousands a
// scrape keeps. The failures of sources past it count as otherSources.
const maxSourceSeries = 100

// otherSources is the source label of the failures of the sources past
// maxSourceSeries: no feed's address, which has a scheme.
const otherSources = "other"

// SourceFailed counts a failed read of the source at url, under its own
// address while maxSourceSeries others have none, else as otherSources.
func (m *Metrics) SourceFailed(url string) {
	if m == nil {
		return
	}
	label := url
	m.failedMu.Lock()
	if m.failed == nil {
		m.failed = map[string]bool{}
	}
	switch {
	case m.failed[url]:
	case len(m.failed) < maxSourceSeries:
		m.failed[url] = true
	default:
		label = otherSources
	}
	m.failedMu.Unlock()
	m.sourceErrors.WithLabelValues(label).Inc()
}

// KeepSources drops the error counts of the sources not among urls (the
// sources listed now): a source removed from the list, or moved to another
// address, would otherwise keep its series as long as the process runs,
// one more for every address an operator ever removed.
func (m *Metrics) KeepSources(urls []string) {
	if m == nil {
		return
	}
	keep := make(map[string]bool, len(urls))
	for _, u := range urls {
		keep[u] = true
	}
	m.failedMu.Lock()
	defer m.failedMu.Unlock()
	for u := range m.failed {
		if !keep[u] {
			m.sourceErrors.DeleteLabelValues(u)
			delete(m.failed, u)
		}
	}
}

// Curation modes.
const (
	CurateArrival = "arrival" // a batch of new articles
	CurateAll     = "all"     // the whole store
)

// Curated records the time curation took, by mode (CurateArrival,
// CurateAll).
func (m *Metrics) Curated(mode string, d time.Duration) {
	if m == nil {
		return
	}
	m.curateTime.WithLabelValues(mode).Observe(d.Seconds())
}

// Publishing steps.
const (
	PublishLoad  = "load"  // the hub's view loaded for serving
	PublishBuild = "build" // static files written
)

// Published records the time a publishing step took (PublishLoad,
// PublishBuild).
func (m *Metrics) Published(what string, d time.Duration) {
	if m == nil {
		return
	}
	m.publishTime.WithLabelValues(what).Observe(d.Seconds())
}

// PublishFailed counts a publishing step that failed (PublishLoad,
// PublishBuild): the log says why once, and an alert reads this.
func (m *Metrics) PublishFailed(what string) {
	if m == nil {
		return
	}
	m.publishFailed.WithLabelValues(what).Inc()
}

func addAll(c *prometheus.CounterVec, by map[string]int) {
	for label, n := range by {
		if n > 0 {
			c.WithLabelValues(label).Add(float64(n))
		}
	}
}

// factory makes instruments registered in one registry.
type factory struct{ reg prometheus.Registerer }

func (f factory) counter(name, help string) prometheus.Counter {
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: name, Help: help})
	f.reg.MustRegister(c)
	return c
}

func (f factory) counters(name, help string, labels ...string) *prometheus.CounterVec {
	c := prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	f.reg.MustRegister(c)
	return c
}

func (f factory) gauge(name, help string) prometheus.Gauge {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	f.reg.MustRegister(g)
	return g
}

func (f factory) histogram(name, help string, buckets []float64) prometheus.Histogram {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets})
	f.reg.MustRegister(h)
	return h
}

func (f factory) histograms(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	h := prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	f.reg.MustRegister(h)
	return h
}

// scrapeErrors counts and logs the errors promhttp reports while
// gathering.
type scrapeErrors struct {
	c   prometheus.Counter
	log *slog.Logger
}

func (e scrapeErrors) Println(v ...any) {
	e.c.Inc()
	e.log.Warn("metrics: gathering", "err", fmt.Sprint(v...))
}
