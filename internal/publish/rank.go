package publish

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"newshub/internal/curate"
	"newshub/internal/model"
)

// ranking is the order of the leads for top stories at one time.
type ranking struct {
	at     time.Time
	leads  []*Entry
	topics map[string][]*Entry // topic id → its leads in rank order

	// pinned counts the leads pinned at this time. Pins only end while a
	// load lasts (a new pin is a write, which makes a new load), so the
	// count tells the pins of one load's rankings apart.
	pinned int
	// latest and topicLatest are the leads newest first with the pinned
	// ones first, when some are pinned; else nil (the view's own lists).
	latest      []*Entry
	topicLatest map[string][]*Entry
	// pinEnds is when the next pin ends, zero for none: the ranking is
	// due again then. pinEnded is when the last pin ended by at, zero for
	// none: the time-ordered lists changed then.
	pinEnds, pinEnded time.Time
}

// rankAt orders the leads for top stories at now, as curate.Rank does:
// the pinned first, then by score, then newest first, then by rankKey.
// The leads come newest first, as curate.Rank's callers gave them, so
// equal keys keep that order.
func (v *View) rankAt(now time.Time) *ranking {
	type scored struct {
		e      *Entry
		pinned bool
		s      float64
	}
	list := make([]scored, len(v.leads))
	for i, e := range v.leads {
		list[i] = scored{e, e.PinnedAt(now), v.score(e, now)}
	}
	slices.SortStableFunc(list, func(x, y scored) int {
		if x.pinned != y.pinned {
			if x.pinned {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(y.s, x.s); c != 0 {
			return c
		}
		if c := y.e.Time.Compare(x.e.Time); c != 0 {
			return c
		}
		return strings.Compare(x.e.rankKey, y.e.rankKey)
	})
	r := &ranking{at: now, leads: make([]*Entry, len(list)), topics: make(map[string][]*Entry, len(v.topicLeads))}
	for i, s := range list {
		r.leads[i] = s.e
	}
	for id, l := range v.topicLeads {
		r.topics[id] = make([]*Entry, 0, len(l))
	}
	for _, e := range r.leads {
		v.eachTopic(e, func(id string) { r.topics[id] = append(r.topics[id], e) })
	}
	v.pinsAt(r)
	return r
}

// pinsAt sets what the pinned leads at r.at change in the time-ordered
// lists (api/news and its topics): they come first, newest first.
func (v *View) pinsAt(r *ranking) {
	for _, e := range v.leads {
		if e.PinnedAt(r.at) {
			r.pinned++
			if r.pinEnds.IsZero() || e.PinnedUntil.Before(r.pinEnds) {
				r.pinEnds = e.PinnedUntil
			}
		} else {
			r.pinEnded = later(r.pinEnded, e.PinnedUntil)
		}
	}
	if r.pinned == 0 {
		return
	}
	pinnedFirst := func(l []*Entry) []*Entry {
		out := make([]*Entry, 0, len(l))
		for _, e := range l {
			if e.PinnedAt(r.at) {
				out = append(out, e)
			}
		}
		for _, e := range l {
			if !e.PinnedAt(r.at) {
				out = append(out, e)
			}
		}
		return out
	}
	r.latest = pinnedFirst(v.leads)
	r.topicLatest = make(map[string][]*Entry, len(v.topicLeads))
	for id, l := range v.topicLeads {
		r.topicLatest[id] = pinnedFirst(l)
	}
}

// latestIn lists the leads newest first, of a topic ("" for all), with
// those pinned at the ranking's time first.
func (v *View) latestIn(topicID string) []*Entry {
	switch {
	case topicID == "" && v.rank.latest != nil:
		return v.rank.latest
	case topicID == "":
		return v.leads
	case v.rank.topicLatest != nil:
		return v.rank.topicLatest[topicID]
	}
	return v.topicLeads[topicID]
}

// rankDue returns when the view's ranking should be made again at the
// latest: every interval, and when a pin ends.
func (v *View) rankDue(every time.Duration) time.Time {
	due := v.rank.at.Add(every)
	if p := v.rank.pinEnds; !p.IsZero() && p.Before(due) {
		return p
	}
	return due
}

// score is a lead's ranking score at now: the one place a rule that moves
// a lead up or down the top stories belongs.
func (v *View) score(e *Entry, now time.Time) float64 {
	a := model.Article{Heat: e.Heat, PublishedDateTime: e.Time}
	return curate.RankScore(&a, now)
}

// rankedAt returns a view of the same load with its leads ranked at now;
// the loaded data and the rendered documents are shared.
func (v *View) rankedAt(now time.Time) *View {
	nv := *v
	nv.rank = v.rankAt(now)
	return &nv
}
