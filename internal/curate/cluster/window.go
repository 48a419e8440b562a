package cluster

import (
	"math"
	"sort"
	"time"
)

// relatedMin is the cosine an article of another story needs to be listed
// as related: below it, headlines share a word or two but not an event.
const relatedMin = 0.25

// Related returns up to k ids of articles related to id, best first: the
// other members of its story, most similar first, then articles of other
// stories in the window that are similar enough. It returns nil for an
// article outside the window.
func (c *Clusterer) Related(id string, k int) []string {
	slot, ok := c.byID[id]
	if !ok || k <= 0 {
		return nil
	}
	x := c.docs[slot]
	c.score(x)
	type rel struct {
		slot int32
		same bool
		sim  float32
	}
	var rs []rel
	for _, s := range c.touched {
		if s == slot {
			continue
		}
		same := c.docs[s].story == x.story
		if same || c.acc[s] >= relatedMin {
			rs = append(rs, rel{s, same, c.acc[s]})
		}
	}
	for _, m := range x.story.members {
		if m != slot && c.shared[m] == 0 { // members sharing no word
			rs = append(rs, rel{m, true, 0})
		}
	}
	sort.Slice(rs, func(i, j int) bool {
		a, b := rs[i], rs[j]
		if a.same != b.same {
			return a.same
		}
		if a.sim != b.sim {
			return a.sim > b.sim
		}
		return c.docs[a.slot].seq < c.docs[b.slot].seq
	})
	if len(rs) > k {
		rs = rs[:k]
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = c.docs[r.slot].id
	}
	return ids
}

// Refine improves the stories of the window as a batch: it recomputes every
// article's weights with the word statistics of the whole window (online
// assignment judged early articles with little evidence), then merges
// stories whose centroids are similar (see mergeStories). A batch job
// (curate, the cluster command) calls it once after adding everything.
// Seeded stories are never absorbed into another; ids stay those of the
// founding articles, so the same input gives the same stories.
func (c *Clusterer) Refine() {
	c.refine()
	c.evict()
}

// refine reweighs the window and merges stories; insert also calls it
// every time it sweeps the window, so that stories are merged while their
// articles are still in it.
func (c *Clusterer) refine() {
	order := make([]*doc, 0, c.live)
	for _, x := range c.docs {
		if x != nil {
			order = append(order, x)
		}
	}
	sort.Slice(order, func(i, j int) bool { return order[i].seq < order[j].seq })
	for i := range c.postings {
		c.postings[i] = c.postings[i][:0]
	}
	for _, x := range order {
		c.weigh(x)
		c.index(x)
	}
	for _, st := range c.stories {
		st.norm2 = c.norm2(st)
	}
	for _, x := range order {
		c.reassign(x)
	}
	c.mergeStories()
	for _, st := range c.stories {
		st.norm2 = c.norm2(st)
	}
}

// reassign gives x a second look with the statistics of the whole window:
// it moves to the story it fits best when that is not its own, and leaves
// a story it no longer fits for one of its own.
func (c *Clusterer) reassign(x *doc) {
	if x.seeded {
		return
	}
	slot := c.byID[x.id]
	own := x.story
	cands := c.gather(x, slot)
	var mine candidate // x against the rest of its own story
	mine.nearest = -1
	var pick *candidate
	var pickSim float64
	for i := range cands {
		k := &cands[i]
		if k.st == own {
			mine = *k
			continue
		}
		if sim, ok := c.fits(k, k.st.norm2); ok && (pick == nil || sim > pickSim || (sim == pickSim && k.st.id < pick.st.id)) {
			pick, pickSim = k, sim
		}
	}
	ownSim, ownOK := c.fits(&mine, own.norm2-2*mine.sum-1)
	switch {
	case pick != nil && (!ownOK || pickSim > ownSim):
		c.detach(x, slot, mine.sum)
		c.attach(x, pick.st, pick.sum)
	case !ownOK && len(own.members) > 1:
		c.detach(x, slot, mine.sum)
		c.attach(x, c.newStory(x.id), 0)
	}
}

// detach takes x out of its story; dot is x·(sum of the other members).
func (c *Clusterer) detach(x *doc, slot int32, dot float64) {
	st := x.story
	for i, m := range st.members {
		if m == slot {
			st.members = append(st.members[:i], st.members[i+1:]...)
			break
		}
	}
	st.norm2 -= 2*dot + 1
	if len(st.members) == 0 {
		c.unregister(st)
	}
}

// evict forgets the articles older than the window, counted back from the
// newest article seen, and everything only they referenced.
func (c *Clusterer) evict() {
	c.sinceScan = 0
	if c.newest.IsZero() {
		return
	}
	cutoff := c.newest.Add(-c.window)
	var dead []int32
	for s, x := range c.docs {
		if x != nil && x.t.Before(cutoff) {
			dead = append(dead, int32(s))
		}
	}
	if len(dead) == 0 {
		return
	}
	terms := map[int32]bool{}
	stories := map[*story]bool{}
	for _, s := range dead {
		x := c.docs[s]
		if c.onEvict != nil {
			c.onEvict(x.id, x.story.id)
		}
		c.docs[s] = nil
		delete(c.byID, x.id)
		c.live--
		stories[x.story] = true
		for _, id := range x.terms {
			c.df[id]--
			terms[id] = true
		}
	}
	for id := range terms {
		ps := c.postings[id][:0]
		for _, p := range c.postings[id] {
			if c.docs[p.slot] != nil {
				ps = append(ps, p)
			}
		}
		c.postings[id] = ps
		if c.df[id] == 0 && len(ps) == 0 {
			delete(c.termID, c.termStr[id])
			c.termStr[id] = ""
			c.postings[id] = nil
			c.freeTerm = append(c.freeTerm, id)
		}
	}
	for st := range stories {
		ms := st.members[:0]
		for _, m := range st.members {
			if c.docs[m] != nil {
				ms = append(ms, m)
			}
		}
		st.members = ms
		if len(ms) == 0 {
			c.unregister(st)
			continue
		}
		st.norm2 = c.norm2(st)
	}
	c.freeSlot = append(c.freeSlot, dead...)
}

// norm2 computes the squared length of the sum of a story's vectors.
func (c *Clusterer) norm2(st *story) float64 {
	sum := map[int32]float64{}
	for _, m := range st.members {
		x := c.docs[m]
		for i, id := range x.terms {
			sum[id] += float64(x.w[i])
		}
	}
	var n float64
	for _, v := range sum {
		n += v * v
	}
	return n
}

// centroid is the sum of a story's unit vectors, as sorted terms and
// weights scaled to unit length.
type centroid struct {
	st    *story
	terms []int32
	w     []float32
	first int64 // seq of the earliest member
	from  int64 // Unix times of the earliest and latest members
	to    int64
}

func (c *Clusterer) centroidOf(st *story) centroid {
	sum := map[int32]float64{}
	ct := centroid{st: st, first: -1, from: math.MaxInt64, to: math.MinInt64}
	for _, m := range st.members {
		x := c.docs[m]
		if ct.first < 0 || x.seq < ct.first {
			ct.first = x.seq
		}
		ct.from = min(ct.from, c.slotTime[m])
		ct.to = max(ct.to, c.slotTime[m])
		for i, id := range x.terms {
			sum[id] += float64(x.w[i])
		}
	}
	var norm float64
	for id, v := range sum {
		ct.terms = append(ct.terms, id)
		norm += v * v
	}
	sort.Slice(ct.terms, func(i, j int) bool { return ct.terms[i] < ct.terms[j] })
	ct.w = make([]float32, len(ct.terms))
	inv := 1 / math.Sqrt(norm)
	for i, id := range ct.terms {
		ct.w[i] = float32(sum[id] * inv)
	}
	return ct
}

// mergeStories joins stories whose centroids are similar, most similar
// pairs first, a story taking part in one merge a round, until no pair
// reaches the threshold: centroid-linkage agglomeration over the stories
// the online pass found. A seeded story is never absorbed by another one.
func (c *Clusterer) mergeStories() {
	if c.p.merge <= 0 || c.p.merge > 1 {
		return
	}
	for round := 0; round < 20; round++ {
		var cs []centroid
		for _, st := range c.stories {
			cs = append(cs, c.centroidOf(st))
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].first < cs[j].first })
		type pair struct {
			a, b int
			sim  float32
		}
		var pairs []pair
		post := map[int32][]posting{}
		acc := make([]float32, len(cs))
		var touched []int
		for i, ct := range cs {
			for _, j := range touched {
				acc[j] = 0
			}
			touched = touched[:0]
			for k, id := range ct.terms {
				ps := post[id]
				lo := 0
				if len(ps) > mergePostingCap {
					lo = len(ps) - mergePostingCap
				}
				for _, p := range ps[lo:] {
					if acc[p.slot] == 0 {
						touched = append(touched, int(p.slot))
					}
					acc[p.slot] += ct.w[k] * p.w
				}
			}
			win := int64(c.window / time.Second)
			for _, j := range touched {
				if max(cs[j].from, ct.from)-min(cs[j].to, ct.to) > win {
					continue // no overlap in time: two events, however alike
				}
				if float64(acc[j]) >= c.p.merge {
					pairs = append(pairs, pair{j, i, acc[j]})
				}
			}
			for k, id := range ct.terms {
				post[id] = append(post[id], posting{int32(i), ct.w[k]})
			}
		}
		if len(pairs) == 0 {
			return
		}
		sort.Slice(pairs, func(i, j int) bool {
			if pairs[i].sim != pairs[j].sim {
				return pairs[i].sim > pairs[j].sim
			}
			if pairs[i].a != pairs[j].a {
				return pairs[i].a < pairs[j].a
			}
			return pairs[i].b < pairs[j].b
		})
		used := make([]bool, len(cs))
		merged := 0
		for _, p := range pairs {
			if used[p.a] || used[p.b] {
				continue
			}
			keep, gone := cs[p.a].st, cs[p.b].st // a founded earlier
			if c.seededStory(gone) {
				if c.seededStory(keep) {
					continue
				}
				keep, gone = gone, keep
			}
			used[p.a], used[p.b] = true, true
			c.absorb(keep, gone)
			merged++
		}
		if merged == 0 {
			return
		}
	}
}

func (c *Clusterer) seededStory(st *story) bool {
	for _, m := range st.members {
		if c.docs[m].seeded {
			return true
		}
	}
	return false
}

// absorb moves every member of gone into keep.
func (c *Clusterer) absorb(keep, gone *story) {
	for _, m := range gone.members {
		c.docs[m].story = keep
		c.slotStory[m] = keep.num
	}
	keep.members = append(keep.members, gone.members...)
	c.unregister(gone)
	keep.norm2 = c.norm2(keep)
}
