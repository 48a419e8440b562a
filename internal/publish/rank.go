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
}

// rankAt orders the leads for top stories at now, as curate.Rank does: by
// score, then newest first, then by rankKey. The leads come newest first,
// as curate.Rank's callers gave them, so equal keys keep that order.
func (v *View) rankAt(now time.Time) *ranking {
	type scored struct {
		e *Entry
		s float64
	}
	list := make([]scored, len(v.leads))
	for i, e := range v.leads {
		list[i] = scored{e, v.score(e, now)}
	}
	slices.SortStableFunc(list, func(x, y scored) int {
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
	return r
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
