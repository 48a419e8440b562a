package metrics

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Status is the state of a hub, as `newshub status` prints it and /metrics
// serves it: read from the store, or parsed back from a running server's
// metrics (ParseStatus), which add what it counted since it started.
type Status struct {
	Generation int64
	Records    map[model.Kind]int
	Sources    SourceCounts
	LastFetch  time.Time // the latest fetch of a listed source; zero if none
	// LastReads sums the last read of every listed source.
	LastReads Reads
	// Space is how the store's file is used; nil for a store that keeps
	// no file of its own (PostgreSQL).
	Space *store.Space
	// Running is what a server counted since it started; nil when the
	// status was read from the store.
	Running *Running
}

// SourceCounts counts the sources of _data/sources.yaml.
type SourceCounts struct {
	Listed   int // every entry
	Disabled int // listed but not to be fetched
	Due      int // enabled, not paused, to be fetched now
	Failing  int // enabled, not paused, whose last fetch failed
	Paused   int // enabled, paused after too many failures
}

// Reads counts feed items.
type Reads struct {
	Items    int            // items the feeds held
	Outcomes map[string]int // "stored", or why not stored
}

// Running is what a running server counted since it started.
type Running struct {
	Started     time.Time
	Rounds      int       // ingest rounds that fetched sources
	RoundErrors int       // of them, rounds that stopped on an error
	LastRound   time.Time // when the last of them ended
	Fetches     map[string]int
	Items       map[string]int
	Requests    int // HTTP requests answered
}

// ReadStatus reads the hub's status from the store (and the site folder's
// sources list when the store holds none); due sources are those the
// policy would fetch at now.
func ReadStatus(ctx context.Context, st store.Store, siteDir string, policy scheduler.Policy, now time.Time) (Status, error) {
	snap, err := readSnapshot(ctx, st, siteDir)
	if err != nil {
		return Status{}, err
	}
	return snap.status(policy, now), nil
}

// snapshot is what a status is computed from: all but the due sources
// stays true while the store's generation does not move.
type snapshot struct {
	gen      int64
	records  map[model.Kind]int
	listed   int
	disabled int
	enabled  []store.SourceState // of the enabled sources, in list order
	space    *store.Space
}

func readSnapshot(ctx context.Context, st store.Store, siteDir string) (*snapshot, error) {
	gen, err := st.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	counts, err := st.Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	list, err := sources.Load(ctx, st, siteDir)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	states, err := st.SourceStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: %w", err)
	}
	byURL := make(map[string]store.SourceState, len(states))
	for _, s := range states {
		byURL[s.URL] = s
	}
	snap := &snapshot{gen: gen, records: counts, listed: len(list.Sources())}
	if sp, ok := st.(store.Spacer); ok {
		space, err := sp.Space(ctx)
		if err != nil {
			return nil, fmt.Errorf("status: %w", err)
		}
		snap.space = &space
	}
	for _, src := range list.Sources() {
		if !src.IsEnabled() {
			snap.disabled++
			continue
		}
		s, ok := byURL[src.URL]
		if !ok {
			s = store.SourceState{URL: src.URL}
		}
		snap.enabled = append(snap.enabled, s)
	}
	return snap, nil
}

func (snap *snapshot) status(policy scheduler.Policy, now time.Time) Status {
	s := Status{
		Generation: snap.gen,
		Records:    snap.records,
		Sources:    SourceCounts{Listed: snap.listed, Disabled: snap.disabled},
		LastReads:  Reads{Outcomes: map[string]int{}},
		Space:      snap.space,
	}
	for _, st := range snap.enabled {
		switch {
		case st.Paused:
			s.Sources.Paused++
		case st.Errors > 0:
			s.Sources.Failing++
		}
		if policy.Due(st, now) {
			s.Sources.Due++
		}
		if st.LastFetch.After(s.LastFetch) {
			s.LastFetch = st.LastFetch
		}
		s.LastReads.Items += st.LastRead.Items
		if st.LastRead.New > 0 {
			s.LastReads.Outcomes[OutcomeStored] += st.LastRead.New
		}
		for reason, n := range st.LastRead.NotStored {
			s.LastReads.Outcomes[reason] += n
		}
	}
	return s
}

// Names of the state read at each scrape.
const (
	nameStoreUp        = "newshub_store_up"
	nameGeneration     = "newshub_store_generation"
	nameRecords        = "newshub_store_records"
	nameSources        = "newshub_sources"
	nameLastFetch      = "newshub_sources_last_fetch_timestamp_seconds"
	nameLastReadSeen   = "newshub_sources_last_read_items_seen"
	nameLastReadByItem = "newshub_sources_last_read_items"
	nameFileBytes      = "newshub_store_file_bytes"
	nameFreeBytes      = "newshub_store_free_bytes"
)

// Source states, the values of newshub_sources' label.
const (
	stateListed   = "listed"
	stateDisabled = "disabled"
	stateDue      = "due"
	stateFailing  = "failing"
	statePaused   = "paused"
)

var (
	descStoreUp      = prometheus.NewDesc(nameStoreUp, "1 when the last scrape could read the hub's state from the store, else 0.", nil, nil)
	descGeneration   = prometheus.NewDesc(nameGeneration, "The store's generation: it moves at every write.", nil, nil)
	descRecords      = prometheus.NewDesc(nameRecords, "Records in the store, by kind.", []string{"kind"}, nil)
	descSources      = prometheus.NewDesc(nameSources, "Sources of _data/sources.yaml: listed, disabled, due, failing, paused.", []string{"state"}, nil)
	descLastFetch    = prometheus.NewDesc(nameLastFetch, "The latest fetch of a listed source, in seconds since the epoch.", nil, nil)
	descLastReadSeen = prometheus.NewDesc(nameLastReadSeen, "Items of the listed sources' last reads.", nil, nil)
	descLastRead     = prometheus.NewDesc(nameLastReadByItem, "Items of the listed sources' last reads, by outcome: stored, or why not stored.", []string{"outcome"}, nil)
	descFileBytes    = prometheus.NewDesc(nameFileBytes, "Bytes of the store's database file, without its log (SQLite only).", nil, nil)
	descFreeBytes    = prometheus.NewDesc(nameFreeBytes, "Bytes of the store's database file in free pages, which later writes reuse and only a backup's copy gives back (SQLite only).", nil, nil)
)

// stateCollector serves the Status read from the store at each scrape.
// The store's part is read again only when its generation moved.
type stateCollector struct {
	st      store.Store
	siteDir string
	policy  scheduler.Policy
	outage  *store.Outage

	mu   sync.Mutex
	snap *snapshot
}

func newStateCollector(st store.Store, siteDir string, policy scheduler.Policy, outage *store.Outage) *stateCollector {
	return &stateCollector{st: st, siteDir: siteDir, policy: policy, outage: outage}
}

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descStoreUp, descGeneration, descRecords, descSources, descLastFetch, descLastReadSeen, descLastRead, descFileBytes, descFreeBytes} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snap, err := c.snapshot(ctx)
	if err != nil {
		c.outage.Failed(ctx, slog.LevelWarn, "metrics: read the hub's state", err)
		ch <- prometheus.MustNewConstMetric(descStoreUp, prometheus.GaugeValue, 0)
		return
	}
	c.outage.Answered(ctx)
	s := snap.status(c.policy, time.Now())
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	gauge(descStoreUp, 1)
	gauge(descGeneration, float64(s.Generation))
	for kind, n := range s.Records {
		gauge(descRecords, float64(n), string(kind))
	}
	for state, n := range map[string]int{stateListed: s.Sources.Listed, stateDisabled: s.Sources.Disabled,
		stateDue: s.Sources.Due, stateFailing: s.Sources.Failing, statePaused: s.Sources.Paused} {
		gauge(descSources, float64(n), state)
	}
	if !s.LastFetch.IsZero() {
		gauge(descLastFetch, float64(s.LastFetch.UnixNano())/1e9)
	}
	gauge(descLastReadSeen, float64(s.LastReads.Items))
	for outcome, n := range s.LastReads.Outcomes {
		gauge(descLastRead, float64(n), outcome)
	}
	if s.Space != nil {
		gauge(descFileBytes, float64(s.Space.File))
		gauge(descFreeBytes, float64(s.Space.Free))
	}
}

// snapshot returns the store's part of the status, read again when the
// generation moved. (An edit of the site folder's sources.yaml that the
// store does not hold shows once anything is written.)
func (c *stateCollector) snapshot(ctx context.Context) (*snapshot, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gen, err := c.st.Generation(ctx)
	if err != nil {
		return nil, err
	}
	if c.snap != nil && c.snap.gen == gen {
		return c.snap, nil
	}
	snap, err := readSnapshot(ctx, c.st, c.siteDir)
	if err != nil {
		return nil, err
	}
	c.snap = snap
	return snap, nil
}

// unixTime turns seconds since the epoch into a time; zero for 0.
func unixTime(sec float64) time.Time {
	if sec == 0 || math.IsNaN(sec) {
		return time.Time{}
	}
	s, frac := math.Modf(sec)
	return time.Unix(int64(s), int64(frac*1e9))
}
