// Package scheduler decides when each source is fetched next: an interval
// that adapts to how often the source publishes, within bounds; backoff
// after failures, honouring Retry-After; and a pause after too many
// failures in a row. It keeps no state of its own: everything lives in
// store.SourceState, so a restart resumes the schedule.
package scheduler

import (
	"slices"
	"time"

	"newshub/internal/store"
)

// Defaults for the zero values of Policy.
const (
	DefaultMin        = 5 * time.Minute
	DefaultMax        = 24 * time.Hour
	DefaultInterval   = 30 * time.Minute
	DefaultPauseAfter = 10
	// publishWindow is how far back item dates count for the adaptive
	// interval.
	publishWindow = 7 * 24 * time.Hour
	maxStatus     = 300
)

// Policy holds the scheduling bounds.
type Policy struct {
	// Min and Max bound the intervals the policy picks. An operator's
	// interval for a source is raised to Min, which spares publishers,
	// but is not cut to Max: fetching less often than a day spares them
	// too.
	Min, Max   time.Duration
	Default    time.Duration // interval when nothing better is known
	PauseAfter int           // consecutive failures that pause a source
	// Every, when set, is every source's interval, configured or not,
	// failures included: a soak test compresses days of rounds into
	// minutes (serve --fetch-interval).
	Every time.Duration
}

func (p Policy) withDefaults() Policy {
	if p.Min <= 0 {
		p.Min = DefaultMin
	}
	if p.Max <= 0 {
		p.Max = DefaultMax
	}
	if p.Max < p.Min {
		p.Max = p.Min
	}
	if p.Default <= 0 {
		p.Default = DefaultInterval
	}
	if p.PauseAfter <= 0 {
		p.PauseAfter = DefaultPauseAfter
	}
	return p
}

func (p Policy) clamp(d time.Duration) time.Duration {
	if p.Every > 0 {
		return p.Every
	}
	return min(max(d, p.Min), p.Max)
}

// bound keeps an interval within the policy's bounds, but an operator's
// longer than Max (see Policy).
func (p Policy) bound(d time.Duration, configured bool) time.Duration {
	if configured && p.Every <= 0 {
		return max(d, p.Min)
	}
	return p.clamp(d)
}

// Due reports whether a source is to be fetched now. A paused source is
// never due; one never fetched always is, and so is one last fetched
// further ahead of now than store.ClockSkew (see setBack).
func (p Policy) Due(st store.SourceState, now time.Time) bool {
	if st.Paused {
		return false
	}
	return st.NextFetch.IsZero() || !now.Before(st.NextFetch) || setBack(st, now)
}

// setBack reports whether a source was last fetched on a clock since set
// back (NTP stepping a clock that ran ahead, an operator's fix): its next
// fetch was counted on that clock, and kept to would leave the source
// unread for as long as the clock was ahead, a day or a year. Fetched
// again at once, it is scheduled on the clock as it now is.
func setBack(st store.SourceState, now time.Time) bool {
	return st.LastFetch.Sub(now) > store.ClockSkew
}

// Interval returns the interval for a source: the configured one when
// set (at least Min), else one adapted to the dates of the items the feed
// lists, else the previous interval, else the default, within bounds.
func (p Policy) Interval(configured, previous time.Duration, published []time.Time, now time.Time) time.Duration {
	p = p.withDefaults()
	if configured > 0 {
		return p.bound(configured, true)
	}
	if d, ok := p.adaptive(published, now); ok {
		return d
	}
	if previous > 0 {
		return p.clamp(previous)
	}
	return p.clamp(p.Default)
}

// adaptive estimates the mean gap between publications over the last
// week: the span from the oldest counted item to now, divided by the
// number of items. A feed with no item in the week gets the maximum.
func (p Policy) adaptive(published []time.Time, now time.Time) (time.Duration, bool) {
	var recent []time.Time
	dated := false
	for _, t := range published {
		if t.IsZero() {
			continue
		}
		dated = true
		if t.After(now) {
			t = now
		}
		if now.Sub(t) <= publishWindow {
			recent = append(recent, t)
		}
	}
	if !dated {
		return 0, false
	}
	if len(recent) == 0 {
		return p.Max, true
	}
	oldest := slices.MinFunc(recent, func(a, b time.Time) int { return a.Compare(b) })
	span := now.Sub(oldest)
	if len(recent) == 1 {
		span = max(span, 12*time.Hour) // one item says little
	}
	return p.clamp(span / time.Duration(len(recent))), true
}

// A round fetches the sources due by its start or within gather after,
// and the next fetch of each counts from the round's start: sources
// fetched together stay due together. Each round costs curation and a
// refresh of the hub's view whatever it brings; counted from each fetch,
// the sources' times drift apart (a fetch waits its turn for a while in a
// large round) until a hub of many sources runs a round every second or
// two, each with a few sources.

// gather is how long before its time a source may be fetched to join a
// round: a tenth of the shortest interval.
func (p Policy) gather() time.Duration { return p.withDefaults().Min / 10 }

// RoundTakes reports whether a round begun at start fetches a source: it
// is due by then or within gather after (see Due).
func (p Policy) RoundTakes(st store.SourceState, start time.Time) bool {
	return p.Due(st, start.Add(p.gather()))
}

// next returns when a source fetched at fetched, in a round begun at
// round, is due again after interval: an interval after the round began,
// unless the fetch waited so long in the round that this would be more
// than gather sooner than an interval after the fetch.
func (p Policy) next(round, fetched time.Time, interval time.Duration) time.Time {
	if at := round.Add(interval); !round.IsZero() && fetched.Sub(round) <= p.gather() {
		return at
	}
	return fetched.Add(interval)
}

// Success records a fetch, begun at fetched in a round begun at round,
// that returned a feed (200 or 304).
func (p Policy) Success(st *store.SourceState, round, fetched time.Time, status string, interval time.Duration) {
	p = p.withDefaults()
	st.LastFetch = fetched
	st.LastSuccess = fetched
	st.LastStatus = clip(status)
	st.Errors = 0
	st.Paused = false
	st.Interval = p.bound(interval, interval > p.Max) // only an operator's is longer
	st.NextFetch = p.next(round, fetched, st.Interval)
}

// Failure records a failed fetch: the error count grows, the next fetch
// backs off exponentially from the interval (and no round takes it
// before the server's Retry-After is over), and after PauseAfter failures in a row the source
// is paused.
func (p Policy) Failure(st *store.SourceState, now time.Time, err error, retryAfter time.Duration) {
	p = p.withDefaults()
	st.LastFetch = now
	st.LastStatus = clip(err.Error())
	st.Errors++
	base := st.Interval
	if base <= 0 {
		base = p.Default
	}
	// A source fetched less often than Max, as its operator asked, backs
	// off from its own interval no further than that.
	base = p.bound(base, base > p.Max)
	limit := max(p.Max, base)
	if p.Every > 0 {
		limit = p.Every
	}
	st.NextFetch = now.Add(backoff(base, limit, st.Errors))
	if retryAfter > 0 {
		// A round takes a source up to gather before it is due: one
		// due at the server's time would be asked before it.
		st.NextFetch = later(st.NextFetch, now.Add(min(retryAfter, 7*24*time.Hour)+p.gather()))
	}
	if st.Errors >= p.PauseAfter {
		st.Paused = true
	}
}

// backoff returns the wait after the given number of failures in a row:
// base doubled for each after the first, up to limit. It stops doubling
// at the limit rather than shifting: an operator's interval of decades
// doubled past the longest duration would wrap to a wait in the past.
func backoff(base, limit time.Duration, failures int) time.Duration {
	wait := min(base, limit)
	for range failures - 1 {
		if wait >= limit/2 {
			return limit
		}
		wait *= 2
	}
	return wait
}

// NotRead records a source whose items could not be looked up or stored
// because the store failed (a database restarting, a disk full): no
// failure of the publisher's, so neither its error count nor its backoff
// grows and it is never paused for it. It is due again after the
// shortest interval, while its items are still in its feed.
func (p Policy) NotRead(st *store.SourceState, now time.Time, err error) {
	p = p.withDefaults()
	st.LastFetch = now
	st.LastStatus = clip(err.Error())
	st.NextFetch = now.Add(p.clamp(p.Min))
}

// Unreached records a fetch that reached no server while the hub's own
// network was out (no host of its sources answered): no failure of the
// source's, so neither its error count nor its backoff grows and it is
// never paused for it. It is due again after wait (see OutageWait),
// counted from the round's start as a fetch's next is, so that the
// sources wait the outage out together.
func (p Policy) Unreached(st *store.SourceState, round, fetched time.Time, err error, wait time.Duration) {
	p = p.withDefaults()
	st.LastFetch = fetched
	st.LastStatus = clip(err.Error())
	st.NextFetch = p.next(round, fetched, wait)
}

// OutageWait returns how long the sources that the n'th round in a row of
// an outage of the hub's network did not reach wait: a fifth of Min, twice
// as long for each round after the first, up to Min (Every, when set).
// The hub then reads its sources again within Min of its network's
// return, and an outage of a day is a round every Min, not a loop.
func (p Policy) OutageWait(n int) time.Duration {
	p = p.withDefaults()
	if p.Every > 0 {
		return p.Every
	}
	return backoff(p.Min/5, p.Min, max(n, 1))
}

// NotAsked records a fetch not sent, as the source's host asked, by a
// Retry-After, to be left alone until until: no failure of the source's,
// so neither its error count nor its backoff grows. It is due again once
// the wait is over, and no round begun before then takes it.
//
// A last fetch ahead of now, on a clock since set back, is moved to now:
// else the source, due at once for it (see Due), would be taken by every
// round while the wait runs.
func (p Policy) NotAsked(st *store.SourceState, now time.Time, err error, until time.Time) {
	if setBack(*st, now) {
		st.LastFetch = now
	}
	st.LastStatus = clip(err.Error())
	st.NextFetch = until.Add(p.gather())
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// Resume clears a source's pause and error count so it is due at once.
func Resume(st *store.SourceState) {
	st.Paused = false
	st.Errors = 0
	st.NextFetch = time.Time{}
}

// NextWake returns when the earliest of the states is due, now for one
// with no next fetch set (never fetched, or resumed) or fetched on a clock
// since set back (due at once, as Due says), or zero when none will be
// (all paused).
func (p Policy) NextWake(states []store.SourceState, now time.Time) time.Time {
	var next time.Time
	for _, st := range states {
		if st.Paused {
			continue
		}
		at := st.NextFetch
		if at.IsZero() || setBack(st, now) {
			at = now
		}
		if next.IsZero() || at.Before(next) {
			next = at
		}
	}
	return next
}

func clip(s string) string {
	if len(s) <= maxStatus {
		return s
	}
	cut := maxStatus
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}
