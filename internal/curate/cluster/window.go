package cluster

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
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
	c.refine(true)
	c.evict()
}

// refine reweighs the window and merges stories; insert also calls it
// every time it sweeps the window, so that stories are merged while their
// articles are still in it.
func (c *Clusterer) refine(reassign bool) {
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
	if reassign {
		for _, x := range order {
			c.reassign(x)
		}
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
	defer func() { c.lastLive = c.live }()
	if c.newest.IsZero() {
		return
	}
	cutoff := c.newest.Add(-c.window).Unix()
	var dead []int32
	for s, x := range c.docs {
		if x != nil && c.slotTime[s] < cutoff {
			dead = append(dead, int32(s))
		}
	}
	if len(dead) == 0 {
		return
	}
	terms := map[int32]bool{}
	stories := map[*story]bool{}
	if c.onEvict != nil {
		for _, s := range dead { // before anything is forgotten, so it may call Related
			c.onEvict(c.docs[s].id, c.docs[s].story.id)
		}
	}
	for _, s := range dead {
		x := c.docs[s]
		c.docs[s] = nil
		delete(c.byID, x.id)
		c.live--
		stories[x.story] = true
		for _, id := range x.terms {
			c.df[id]--
			terms[id] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(terms)) { // sorted: ids are reused in order
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
	for _, st := range slices.SortedFunc(maps.Keys(stories), func(a, b *story) int { return strings.Compare(a.id, b.id) }) {
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
	if len(c.csum) < len(c.termStr) {
		c.csum = make([]float64, len(c.termStr))
	}
	var terms []int32
	for _, m := range st.members {
		x := c.docs[m]
		w := x.w()
		for i, id := range x.terms {
			if c.csum[id] == 0 {
				terms = append(terms, id)
			}
			c.csum[id] += float64(w[i])
		}
	}
	var n float64
	for _, id := range terms {
		n += c.csum[id] * c.csum[id]
		c.csum[id] = 0
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
	top   []int32 // the heaviest terms
}

// centroidTop is the number of heaviest terms by which centroids find
// each other when merging.
const centroidTop = 8

// dot is the dot product of two sparse vectors with sorted terms.
func dot(at []int32, aw []float32, bt []int32, bw []float32) float32 {
	var s float32
	for i, j := 0, 0; i < len(at) && j < len(bt); {
		switch {
		case at[i] < bt[j]:
			i++
		case at[i] > bt[j]:
			j++
		default:
			s += aw[i] * bw[j]
			i++
			j++
		}
	}
	return s
}

func (c *Clusterer) centroidOf(st *story) centroid {
	if len(c.csum) < len(c.termStr) {
		c.csum = make([]float64, len(c.termStr))
	}
	ct := centroid{st: st, first: -1, from: math.MaxInt64, to: math.MinInt64}
	for _, m := range st.members {
		x := c.docs[m]
		if ct.first < 0 || x.seq < ct.first {
			ct.first = x.seq
		}
		ct.from = min(ct.from, c.slotTime[m])
		ct.to = max(ct.to, c.slotTime[m])
		w := x.w()
		for i, id := range x.terms {
			if c.csum[id] == 0 {
				ct.terms = append(ct.terms, id)
			}
			c.csum[id] += float64(w[i])
		}
	}
	slices.Sort(ct.terms)
	var norm float64
	for _, id := range ct.terms {
		norm += c.csum[id] * c.csum[id]
	}
	ct.w = make([]float32, len(ct.terms))
	inv := 1 / math.Sqrt(norm)
	for i, id := range ct.terms {
		ct.w[i] = float32(c.csum[id] * inv)
		c.csum[id] = 0
	}
	// The centroidTop heaviest terms, by a partial selection.
	for i := range ct.terms {
		if len(ct.top) < centroidTop {
			ct.top = append(ct.top, int32(i))
			continue
		}
		low := 0
		for k := range ct.top {
			if ct.w[ct.top[k]] < ct.w[ct.top[low]] {
				low = k
			}
		}
		if ct.w[i] > ct.w[ct.top[low]] {
			ct.top[low] = int32(i)
		}
	}
	for k, i := range ct.top {
		ct.top[k] = ct.terms[i]
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
	cs := make([]centroid, 0, len(c.stories))
	for _, st := range c.stories {
		cs = append(cs, c.centroidOf(st))
	}
	sort.Slice(cs, func(i, j int) bool { return cs[i].first < cs[j].first })
	type pair struct {
		a, b int
		sim  float32
	}
	changed := make([]bool, len(cs)) // compared again in the next round
	for i := range changed {
		changed[i] = true
	}
	dead := make([]bool, len(cs))
	seen := make([]int32, len(cs)) // 1 + index of the last centroid compared with
	win := int64(c.window / time.Second)
	for round := 0; round < 8; round++ {
		// Candidate pairs share one of their heaviest words; two centroids
		// that share none cannot be close, and common words would make
		// the comparison quadratic in the number of stories.
		var pairs []pair
		post := map[int32][]int32{}
		clear(seen)
		for i := range cs {
			if dead[i] {
				continue
			}
			ct := &cs[i]
			for _, id := range ct.top {
				for _, j := range post[id] {
					if seen[j] == int32(i)+1 || !changed[i] && !changed[j] {
						continue
					}
					seen[j] = int32(i) + 1
					o := &cs[j]
					if max(o.from, ct.from)-min(o.to, ct.to) > win {
						continue // no overlap in time: two events, however alike
					}
					if sim := dot(o.terms, o.w, ct.terms, ct.w); float64(sim) >= c.p.merge {
						pairs = append(pairs, pair{int(j), i, sim})
					}
				}
			}
			for _, id := range ct.top {
				post[id] = append(post[id], int32(i))
			}
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
		clear(changed)
		merged := 0
		for _, p := range pairs {
			if changed[p.a] || changed[p.b] {
				continue // one merge a round for each story
			}
			keep, gone := p.a, p.b // a founded earlier
			if c.seededStory(cs[gone].st) {
				if c.seededStory(cs[keep].st) {
					continue
				}
				keep, gone = gone, keep
			}
			c.absorb(cs[keep].st, cs[gone].st)
			cs[keep] = c.centroidOf(cs[keep].st)
			changed[keep], changed[gone], dead[gone] = true, true, true
			merged++
		}
		if merged == 0 {
			return
		}
		for i := range changed {
			changed[i] = changed[i] && !dead[i]
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
