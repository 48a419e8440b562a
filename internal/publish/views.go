package publish

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"newshub/internal/site"
	"newshub/internal/store"
)

// ViewsConfig is what Views are made of.
type ViewsConfig struct {
	Store store.Store
	// Site is the hub's configuration; nil means it is read from the store
	// with each generation.
	Site *site.Site
	// Options of each view; its Now is also the clock rankings age by.
	Options
	// CheckEvery is how often at most the store generation is checked;
	// 0 means one second.
	CheckEvery time.Duration
	// RankEvery is how old a ranking may get before the leads are ranked
	// again, so recency counts while nothing is written; 0 means
	// DefaultRankEvery.
	RankEvery time.Duration
	// MinReload is the least time between the end of one load and the
	// start of the next; loads are also spaced by four times the last
	// one's duration.
	MinReload time.Duration
	// OnLoad, when set, is told how long each load took (a metric).
	OnLoad func(took time.Duration)
	// OnLoadFailed, when set, is told of each load that failed (a metric:
	// the log says so once, while the store stays down).
	OnLoadFailed func()
	// Logger receives reloads and their failures; nil discards them.
	Logger *slog.Logger
	// Outage logs the store's outages, once each for every part that
	// shares it; nil is one of the views' own, to Logger.
	Outage *store.Outage
}

// DefaultRankEvery is how old a ranking of the top stories may get while
// nothing is written: their order follows the clock (curate.RankScore).
const DefaultRankEvery = 5 * time.Minute

// Views keeps the current view of a store for everything a server
// answers (documents, feeds, pages, search), with one refresh policy:
//
//   - The first view is loaded while its first caller waits.
//   - The store generation is checked at most once per CheckEvery; when it
//     moved, a new view is loaded in the background while callers keep
//     the current one. While ingest writes, the generation moves all the
//     time: a load starts no sooner than four times the last one's
//     duration after it, so loading takes at most a fifth of the time.
//   - A ranking older than RankEvery, or made before a pin that has
//     ended since, is made again from the same load, which costs a sort of
//     the leads, not a read of the store.
//   - While Follow runs, a new generation is loaded as soon as the store
//     announces it (and the spacing of loads allows), with no request
//     needed: several servers over one store show a write within
//     moments of one another.
type Views struct {
	cfg ViewsConfig
	log *slog.Logger

	cur        atomic.Pointer[View]
	lastCheck  atomic.Int64 // unix nanoseconds
	nextLoad   atomic.Int64 // unix nanoseconds before which no load starts
	refreshing atomic.Bool
	loadMu     sync.Mutex // one load at a time

	failMu  sync.Mutex
	failing map[string]bool // the failures logged since the store last answered (see failed)
	outage  *store.Outage
}

// NewViews returns the views of cfg.Store; nothing is loaded until asked.
func NewViews(cfg ViewsConfig) *Views {
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = time.Second
	}
	if cfg.RankEvery <= 0 {
		cfg.RankEvery = DefaultRankEvery
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	outage := cfg.Outage
	if outage == nil {
		outage = store.NewOutage(log)
	}
	return &Views{cfg: cfg, log: log, outage: outage}
}

// Outage returns what logs the store's outages, for what else fails to
// read the store (searches, pages): an outage is logged once, and its end
// when the views' checks find the store answering again.
func (vs *Views) Outage() *store.Outage { return vs.outage }

// Loaded returns the current view without loading or refreshing it; nil
// until the first view is loaded.
func (vs *Views) Loaded() *View { return vs.cur.Load() }

// Current returns the current view, loading the first one, and starts a
// refresh in the background when one is due.
func (vs *Views) Current(ctx context.Context) (*View, error) {
	v := vs.cur.Load()
	if v == nil {
		vs.loadMu.Lock()
		defer vs.loadMu.Unlock()
		if v = vs.cur.Load(); v != nil {
			return v, nil
		}
		v, err := vs.load(ctx)
		if err != nil {
			return nil, err
		}
		vs.lastCheck.Store(time.Now().UnixNano())
		return v, nil
	}
	now := time.Now().UnixNano()
	last := vs.lastCheck.Load()
	if now-last >= int64(vs.cfg.CheckEvery) && vs.lastCheck.CompareAndSwap(last, now) &&
		vs.refreshing.CompareAndSwap(false, true) {
		go vs.refresh(v)
	}
	return v, nil
}

// Fresh returns a view of the store as it is now, ranked now, waiting for
// it to be loaded when the current one is older (a static build must not
// show stale data).
func (vs *Views) Fresh(ctx context.Context) (*View, error) { return vs.At(ctx, nil) }

// At returns a view of the generation rd, a snapshot of the store, reads,
// ranked now, which reads rd after it is loaded: the current view when it
// is of that generation, else one loaded from rd (and made the current
// one when it is newer). A static build of a server's views takes it, so
// that what the build reads besides the view (the per-article documents,
// the website's related coverage) is of the view's generation, whatever
// the store has moved to since. A nil rd (a store read at no snapshot)
// gives Fresh's view, of the store as it is.
func (vs *Views) At(ctx context.Context, rd store.Reader) (*View, error) {
	var src store.Reader = vs.cfg.Store
	if rd != nil {
		src = rd
	}
	gen, err := src.Generation(ctx)
	if err != nil {
		return nil, fmt.Errorf("publish: generation: %w", err)
	}
	vs.loadMu.Lock()
	defer vs.loadMu.Unlock()
	v := vs.cur.Load()
	switch {
	case v == nil || v.Generation() != gen:
		if v, err = vs.loadFrom(ctx, rd); err != nil {
			return nil, err
		}
	case !v.Now().Equal(vs.cfg.Now()):
		v = v.rankedAt(vs.cfg.Now())
		vs.cur.Store(v)
	}
	if rd != nil {
		v = v.reading(rd)
	}
	return v, nil
}

// refresh replaces old when the store moved past it, or ranks it again
// when its ranking is due.
func (vs *Views) refresh(old *View) {
	defer vs.refreshing.Store(false)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	gen, err := vs.cfg.Store.Generation(ctx)
	if err != nil {
		vs.failed(slog.LevelWarn, msgGenerationCheck, err)
		return
	}
	vs.answered(msgGenerationCheck)
	vs.loadMu.Lock()
	defer vs.loadMu.Unlock()
	if vs.cur.Load() != old {
		return // Fresh replaced it meanwhile
	}
	if gen != old.Generation() && time.Now().UnixNano() >= vs.nextLoad.Load() {
		if _, err := vs.load(ctx); err != nil {
			vs.reloadFailed(err)
		}
		return
	}
	if now := vs.cfg.Now(); !now.Before(old.rankDue(vs.cfg.RankEvery)) || now.Before(old.Now()) {
		vs.cur.Store(old.rankedAt(now))
	}
}

// load loads a view of the store as it is, makes it the current one and
// sets when the next load may start. The caller holds loadMu.
func (vs *Views) load(ctx context.Context) (*View, error) { return vs.loadFrom(ctx, nil) }

// loadFrom is load of the view of what rd, a snapshot of the store,
// reads (nil: the store as it is), taking over the current view's
// entries that have not changed (see patch). A view of rd older than the
// current one (the store was loaded again since rd was taken) is
// returned without replacing it.
func (vs *Views) loadFrom(ctx context.Context, rd store.Reader) (*View, error) {
	start := time.Now()
	var src store.Reader = vs.cfg.Store
	if rd != nil {
		src = rd
	}
	s := vs.cfg.Site
	if s == nil {
		var err error
		if s, err = site.Load(ctx, src); err != nil {
			return nil, err
		}
	}
	prev := vs.cur.Load()
	var (
		v   *View
		err error
	)
	if rd == nil {
		v, err = loadAfter(ctx, vs.cfg.Store, s, vs.cfg.Options, prev)
	} else {
		v, err = loadViewOnce(ctx, vs.cfg.Store, rd, s, vs.cfg.Options, prev, nil)
	}
	if err != nil {
		return nil, err
	}
	if rd != nil && prev != nil && v.gen < prev.gen {
		return v, nil
	}
	if prev != nil {
		v.docs.before = prev.docs.carry()
	}
	vs.cur.Store(v)
	took := time.Since(start)
	if vs.cfg.OnLoad != nil {
		vs.cfg.OnLoad(took)
	}
	vs.nextLoad.Store(time.Now().Add(max(4*took, vs.cfg.MinReload)).UnixNano())
	vs.answered(msgReload)
	// A round that wrote only sources' states moves the generation too:
	// its view, the same news, is logged at debug, where each quiet round
	// of a server logged a line of it for months.
	level := slog.LevelDebug
	if !v.sameNews(prev) {
		level = slog.LevelInfo
	}
	vs.log.Log(ctx, level, "view loaded", "generation", v.Generation(), "news", len(v.news), "took", took.Round(time.Millisecond))
	return v, nil
}

// sameNews reports whether v publishes the current news prev did, each
// at the version prev had.
func (v *View) sameNews(prev *View) bool {
	if prev == nil || len(v.news) != len(prev.news) {
		return false
	}
	for p, e := range v.news {
		if old := prev.news[p]; old == nil || old.version != e.version {
			return false
		}
	}
	return true
}

// What the views log of a store that fails them.
const (
	msgGenerationCheck = "generation check failed"
	msgReload          = "reload failed"
)

// failed logs a failure of the store, msg, at level the first time since
// the store last answered, then at DEBUG: while a store is down, the
// checks requests start and Follow's retries meet it every second, one
// event that logged a line each time. A store out of reach is the outage's
// to log, once for every part that shares it.
func (vs *Views) failed(level slog.Level, msg string, err error) {
	if errors.Is(err, store.ErrUnavailable) {
		vs.outage.Failed(context.Background(), level, msg, err)
		return
	}
	vs.failMu.Lock()
	if vs.failing[msg] {
		level = slog.LevelDebug
	} else {
		if vs.failing == nil {
			vs.failing = map[string]bool{}
		}
		vs.failing[msg] = true
	}
	vs.failMu.Unlock()
	vs.log.Log(context.Background(), level, msg, "err", err)
}

// reloadFailed logs a failed load of a newer view and counts it.
func (vs *Views) reloadFailed(err error) {
	vs.failed(slog.LevelError, msgReload, err)
	if vs.cfg.OnLoadFailed != nil {
		vs.cfg.OnLoadFailed()
	}
}

// answered notes that the store answered what msg says failed: its next
// failure is logged at its level again.
func (vs *Views) answered(msg string) {
	vs.failMu.Lock()
	delete(vs.failing, msg)
	vs.failMu.Unlock()
	vs.outage.Answered(context.Background())
}

// followPoll is how often Follow reads the generation itself, in case the
// store's watch missed a change (its connection lost and not yet back).
const followPoll = 10 * time.Second

// retryLoad is how long Follow waits to load again after a load failed.
const retryLoad = time.Second

// Follow keeps the current view in step with the store until ctx is done.
// It loads a new view when the store's Watch announces a generation the
// current view is not of (on PostgreSQL a notification sent with the
// commit, on SQLite a poll of the file), no sooner than the spacing of
// loads allows: a storm of writes gives a load at each end of spacing,
// not one per write. It also reads the generation every ten seconds in
// case a change was not announced. Before the first view is loaded (by
// Current or Fresh) it does nothing: that load will see the store as it
// is.
func (vs *Views) Follow(ctx context.Context) {
	gens := vs.cfg.Store.Watch(ctx)
	poll := time.NewTicker(followPoll)
	defer poll.Stop()
	var (
		want    int64
		pending bool
		later   <-chan time.Time // when a spaced load may start
	)
	for {
		select {
		case <-ctx.Done():
			return
		case g, ok := <-gens:
			if !ok {
				return // ctx is done
			}
			want, pending = g, true
		case <-poll.C:
			g, err := vs.cfg.Store.Generation(ctx)
			if err != nil {
				vs.failed(slog.LevelWarn, msgGenerationCheck, err)
				continue
			}
			vs.answered(msgGenerationCheck)
			want, pending = g, true
		case <-later:
			later = nil
		}
		if !pending || later != nil {
			continue
		}
		if wait := vs.catchUp(ctx, want); wait > 0 {
			later = time.After(wait)
			continue
		}
		pending = false
	}
}

// catchUp loads a view when the current one is not of generation gen and
// the spacing of loads allows. It returns how long to wait before trying
// again, zero when nothing is left to do.
func (vs *Views) catchUp(ctx context.Context, gen int64) time.Duration {
	vs.loadMu.Lock()
	defer vs.loadMu.Unlock()
	v := vs.cur.Load()
	if v == nil || v.Generation() == gen {
		return 0
	}
	if wait := time.Until(time.Unix(0, vs.nextLoad.Load())); wait > 0 {
		return wait
	}
	if _, err := vs.load(ctx); err != nil {
		if ctx.Err() != nil {
			return 0
		}
		vs.reloadFailed(err)
		return retryLoad
	}
	return 0
}
