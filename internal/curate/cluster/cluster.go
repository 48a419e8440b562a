// Package cluster groups news articles about the same event into stories.
//
// Articles are bags of words: the title, plus the words of the URL slug and
// of the excerpt at half weight; lower-cased, English plurals folded, stop
// words dropped, CJK text as character bigrams. Words are weighted by
// TF-IDF, with document frequencies counted only over the articles in the
// time window, so that the weights follow the news of the moment and
// memory stays bounded by the window.
//
// Add is single-pass: an article joins the story whose centroid (the sum of
// its members' unit vectors) is most similar to it by cosine, when that
// similarity reaches 0.10 and the article shares at least two words with
// the most similar member; otherwise it founds a story. Only articles
// within the window of each other are compared.
//
// Refine, which a batch job (curate, the cluster command) calls once after
// adding, corrects what the single pass decided early with little
// evidence: it re-weighs every article with the statistics of the whole
// window, gives every article a second look (it moves to the story it fits
// best, or leaves a story it no longer fits), then merges stories whose
// centroids reach a cosine of 0.22 and whose times overlap, most similar
// pairs first (centroid-linkage agglomeration). Before articles leave the
// window, the same re-weighing and merging runs on its own, so that every
// article takes part in one.
//
// The two thresholds and the shared-word minimum were chosen by
// cross-validation over held-out stories of labeled headlines; see the
// package tests.
package cluster

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"
)

// defaultLookupCost is what a binary search of a candidate's words (some
// 30, so five steps, and a cache miss to reach them) costs against reading
// one posting of a list in order.
const defaultLookupCost = 8

// longPosting is the number of articles above which a word is too common to
// find candidates with (see score).
const longPosting = 256

// DefaultWindow is the time window used when Options.Window is zero.
const DefaultWindow = 72 * time.Hour

// Doc is one article to cluster. Published may be zero (unknown).
type Doc struct {
	ID, Title, Excerpt, URL, Provider, Domain string
	Published                                 time.Time
}

// Options configure a Clusterer.
type Options struct {
	// Window is how far apart in time two articles of one story may be;
	// articles older than the window, counted back from the newest article
	// seen, are forgotten. Zero means DefaultWindow. Articles without a
	// time count as published "now" (the newest time seen).
	Window time.Duration

	// OnEvict, if set, is called with the id and final story of each
	// article as it leaves the window, after which Story and Related no
	// longer know it. The callback may call Related for that id; it must
	// not add articles.
	OnEvict func(id, story string)
}

// Assignment is the story given to an added article and why.
type Assignment struct {
	Story      string  // story id
	Similarity float64 // similarity to the story that decided
	Nearest    string  // id of the most similar earlier article, if any
	New        bool    // the article founded the story
	Reason     string  // human explanation of the decision
}

// params are the tuning knobs. They are fixed (see defaultParams); tests
// use other values to validate the choice.
type params struct {
	urlWeight     float64 // weight of a URL slug word relative to a title word
	excerptWeight float64 // weight of an excerpt word relative to a title word
	join          float64 // centroid cosine that joins a story
	minShared     int     // words the nearest member must share to join
	merge         float64 // centroid-to-centroid cosine that merges two stories
}

// defaultParams were chosen by cross-validation over stories on labeled
// headlines (TestCrossValidatedByStory): the training folds chose join
// 0.08–0.10, two shared words, merge 0.20–0.22; these values take the
// precise end of that range, because a wrong merge costs more than a
// missed one.
func defaultParams() params {
	return params{
		urlWeight:     0.5,
		excerptWeight: 0.5,
		join:          0.10,
		minShared:     2,
		merge:         0.22,
	}
}

// Clusterer assigns articles to stories. It is not safe for concurrent use.
type Clusterer struct {
	p      params
	window time.Duration

	onEvict func(id, story string)
	clock   time.Time // when New ran; caps times in the future
	newest  time.Time

	termID   map[string]int32
	termStr  []string
	df       []int32
	postings [][]posting
	freeTerm []int32

	docs      []*doc // by slot; nil slots are free
	freeSlot  []int32
	byID      map[string]int32
	live      int
	seq       int64
	sinceScan int // articles added since the last sweep
	lastLive  int // articles in the window after the last sweep

	stories   map[string]*story
	storyNum  []*story // stories by number, for dense per-story scratch
	freeNum   []int32
	slotStory []int32 // story number of each slot
	slotTime  []int64 // Unix time of each slot

	// scratch, reused between calls
	mark  []int32   // by story number: 1 + index into cands
	csum  []float64 // by term: a centroid being summed
	feat  map[string]float32
	seen  map[string]bool
	cands []candidate

	acc     []float32
	shared  []uint8
	touched []int32

	// lookupCost is what looking a word up in one candidate's words
	// costs against reading one posting (see score).
	lookupCost int
}

type posting struct {
	slot int32
	w    float32
}

// doc is an article in the window. A window holds tens of thousands, so
// it keeps nothing twice: its time is the slot's (Clusterer.slotTime), and
// its frequencies and weights share one allocation.
type doc struct {
	id     string
	seq    int64
	terms  []int32   // sorted term ids
	tfw    []float32 // weighted term frequencies, then the weights: 2*len(terms)
	story  *story
	seeded bool
}

// tf returns x's weighted term frequencies, parallel to its terms.
func (x *doc) tf() []float32 { return x.tfw[:len(x.terms)] }

// w returns x's unit-length TF-IDF weights, parallel to its terms.
func (x *doc) w() []float32 { return x.tfw[len(x.terms):] }

type story struct {
	id      string
	members []int32 // slots
	norm2   float64 // squared length of the sum of the members' vectors
	num     int32   // index in Clusterer.storyNum
}

// New returns an empty Clusterer.
func New(opts Options) *Clusterer {
	return newWithParams(opts, defaultParams())
}

func newWithParams(opts Options, p params) *Clusterer {
	w := opts.Window
	if w <= 0 {
		w = DefaultWindow
	}
	return &Clusterer{
		p:       p,
		window:  w,
		onEvict: opts.OnEvict,
		clock:   time.Now(),
		termID:  map[string]int32{},
		byID:    map[string]int32{},
		stories: map[string]*story{},

		lookupCost: defaultLookupCost,
	}
}

// Len returns the number of articles inside the window.
func (c *Clusterer) Len() int { return c.live }

// Story returns the story of an article inside the window, or "".
func (c *Clusterer) Story(id string) string {
	if s, ok := c.byID[id]; ok {
		return c.docs[s].story.id
	}
	return ""
}

// Seed adds an article whose story is already known (loaded from a store):
// it joins that story without matching, and later articles can match it.
func (c *Clusterer) Seed(d Doc, storyID string) {
	if storyID == "" {
		c.Add(d)
		return
	}
	if _, ok := c.byID[d.ID]; ok {
		return
	}
	x := c.insert(d)
	x.seeded = true
	c.score(x)
	st := c.stories[storyID]
	if st == nil {
		st = c.register(storyID)
	}
	c.attach(x, st, c.sumWith(st))
	c.index(x)
}

// Add assigns a new article to a story, joining an existing one or
// starting one. Adding an id again returns its current story.
func (c *Clusterer) Add(d Doc) Assignment {
	if s, ok := c.byID[d.ID]; ok {
		return Assignment{Story: c.docs[s].story.id, Reason: "already clustered"}
	}
	x := c.insert(d)
	a := c.assign(x)
	c.index(x)
	return a
}

// insert registers an article: time, eviction, terms, document frequencies
// and weights. It does not index or assign it.
func (c *Clusterer) insert(d Doc) *doc {
	t := d.Published
	if t.After(c.clock.Add(24 * time.Hour)) {
		t = c.clock // a date in the future is a feed error; treat it as now
	}
	if t.After(c.newest) {
		if c.newest.IsZero() {
			c.undated(t)
		}
		c.newest = t
	}
	if t.IsZero() {
		t = c.newest
	}
	c.sinceScan++
	if c.sinceScan > 1024 && c.sinceScan > c.lastLive {
		// Once per window's worth of articles: merge stories, then
		// forget what is too old. Every article takes part in a merge
		// before it leaves, and the window holds at most about twice the
		// articles of its time span. (Reassigning every article, which
		// Refine also does, would double the cost of adding.)
		if c.stale() {
			c.refine(false)
			c.evict()
		}
	}

	x := &doc{id: d.ID, seq: c.seq}
	c.seq++
	feats := c.features(d)
	toks := make([]string, 0, len(feats))
	for tok := range feats {
		toks = append(toks, tok)
	}
	sort.Strings(toks) // new words get ids in a deterministic order
	x.terms = make([]int32, 0, len(feats))
	for _, tok := range toks {
		x.terms = append(x.terms, c.term(tok))
	}
	sort.Slice(x.terms, func(i, j int) bool { return x.terms[i] < x.terms[j] })
	x.tfw = make([]float32, 2*len(x.terms))
	tf := x.tf()
	for i, id := range x.terms {
		tf[i] = feats[c.termStr[id]]
		c.df[id]++
	}
	c.live++
	c.weigh(x)

	slot := int32(len(c.docs))
	if n := len(c.freeSlot); n > 0 {
		slot = c.freeSlot[n-1]
		c.freeSlot = c.freeSlot[:n-1]
		c.docs[slot] = x
	} else {
		c.docs = append(c.docs, x)
		c.acc = append(c.acc, 0)
		c.shared = append(c.shared, 0)
		c.slotStory = append(c.slotStory, -1)
		c.slotTime = append(c.slotTime, 0)
	}
	c.byID[d.ID] = slot
	c.slotTime[slot] = t.Unix()
	return x
}

// undated gives the articles added without a time, before any article had
// one, the first time seen: they count as published "now".
func (c *Clusterer) undated(t time.Time) {
	zero := time.Time{}.Unix()
	for s, x := range c.docs {
		if x != nil && c.slotTime[s] == zero {
			c.slotTime[s] = t.Unix()
		}
	}
}

// stale reports whether some article has left the window. It resets the
// sweep counter when none has.
func (c *Clusterer) stale() bool {
	if !c.newest.IsZero() {
		cutoff := c.newest.Add(-c.window).Unix()
		for s, x := range c.docs {
			if x != nil && c.slotTime[s] < cutoff {
				return true
			}
		}
	}
	c.sinceScan, c.lastLive = 0, c.live
	return false
}

// features returns the weighted bag of words of an article.
// The map is reused by the next call.
func (c *Clusterer) features(d Doc) map[string]float32 {
	if c.feat == nil {
		c.feat, c.seen = map[string]float32{}, map[string]bool{}
	}
	f := c.feat
	clear(f)
	tokenize(d.Title, maxTitleRunes, func(t string) { f[t]++ })
	if c.p.urlWeight > 0 {
		clear(c.seen)
		urlWords(d.URL, func(t string) {
			if !c.seen[t] {
				c.seen[t] = true
				f[t] += float32(c.p.urlWeight)
			}
		})
	}
	if c.p.excerptWeight > 0 && d.Excerpt != "" {
		tokenize(d.Excerpt, maxExcerptRunes, func(t string) { f[t] += float32(c.p.excerptWeight) })
	}
	return f
}

func (c *Clusterer) term(tok string) int32 {
	if id, ok := c.termID[tok]; ok {
		return id
	}
	var id int32
	if n := len(c.freeTerm); n > 0 {
		id = c.freeTerm[n-1]
		c.freeTerm = c.freeTerm[:n-1]
		c.termStr[id] = tok
	} else {
		id = int32(len(c.termStr))
		c.termStr = append(c.termStr, tok)
		c.df = append(c.df, 0)
		c.postings = append(c.postings, nil)
	}
	c.termID[tok] = id
	return id
}

// idf is the inverse document frequency of a term in the window, smoothed
// so that it stays positive while the window holds few articles.
func (c *Clusterer) idf(id int32) float64 {
	return math.Log(1 + float64(c.live)/float64(c.df[id]))
}

// weigh sets x.w to the unit-length TF-IDF vector of x.
func (c *Clusterer) weigh(x *doc) {
	tf, w := x.tf(), x.w()
	var norm float64
	for i, id := range x.terms {
		v := (1 + math.Log(float64(tf[i]))) * c.idf(id)
		if tf[i] < 1 {
			v = float64(tf[i]) * c.idf(id)
		}
		w[i] = float32(v)
		norm += v * v
	}
	if norm > 0 {
		inv := 1 / math.Sqrt(norm)
		for i := range w {
			w[i] *= float32(inv)
		}
	}
}

// index makes x a candidate for later articles.
func (c *Clusterer) index(x *doc) {
	slot := c.byID[x.id]
	for i, wi := range x.w() {
		if wi > 0 {
			id := x.terms[i]
			c.postings[id] = append(c.postings[id], posting{slot, wi})
		}
	}
}

// score accumulates the cosine of x with every indexed article sharing a
// word into c.acc, the number of shared words into c.shared, and lists the
// articles in c.touched. Words found in more than longPosting articles
// (the commonest of the window) do not make an article a candidate: their
// weight is looked up in the candidates the other words found, which keeps
// the cost per article bounded however large the window is.
func (c *Clusterer) score(x *doc) {
	for _, s := range c.touched {
		c.acc[s], c.shared[s] = 0, 0
	}
	c.touched = c.touched[:0]
	var common []int // indexes into x.terms of words with long postings
	at, win := c.slotTime[c.byID[x.id]], int64(c.window/time.Second)
	xw := x.w()
	for i, id := range x.terms {
		wq := xw[i]
		if wq == 0 {
			continue
		}
		ps := c.postings[id]
		if len(ps) > longPosting {
			common = append(common, i)
			continue
		}
		for _, p := range ps {
			if c.shared[p.slot] == 0 {
				if d := c.slotTime[p.slot] - at; d > win || d < -win {
					continue // too far apart in time to be one story
				}
				c.touched = append(c.touched, p.slot)
			}
			c.acc[p.slot] += wq * p.w
			if c.shared[p.slot] < 255 {
				c.shared[p.slot]++
			}
		}
	}
	if len(common) == 0 {
		return
	}
	// The common words' weights in the candidates: from a sequential pass
	// over their long posting lists, or, when the candidates are few
	// against those lists (a window of tens of thousands of articles),
	// from a binary search of each candidate's own sorted words. Both add
	// the same products in the same order.
	scan := 0
	for _, i := range common {
		scan += len(c.postings[x.terms[i]])
	}
	if len(c.touched)*len(common)*c.lookupCost < scan {
		c.lookUpCommon(x, common)
		return
	}
	for _, i := range common {
		wq := xw[i]
		for _, p := range c.postings[x.terms[i]] {
			if sh := c.shared[p.slot]; sh > 0 {
				c.acc[p.slot] += wq * p.w
				if sh < 255 {
					c.shared[p.slot] = sh + 1
				}
			}
		}
	}
}

// lookUpCommon adds to each candidate's score the weights of x's common
// words (indexes into x.terms) that it has, as score's pass over their
// posting lists would: only words indexed with a positive weight count.
func (c *Clusterer) lookUpCommon(x *doc, common []int) {
	xw := x.w()
	for _, s := range c.touched {
		d := c.docs[s]
		w := d.w()
		acc, sh := c.acc[s], c.shared[s]
		for _, i := range common {
			j, ok := slices.BinarySearch(d.terms, x.terms[i])
			if !ok || w[j] <= 0 {
				continue
			}
			acc += xw[i] * w[j]
			if sh < 255 {
				sh++
			}
		}
		c.acc[s], c.shared[s] = acc, sh
	}
}

// sumWith returns the sum of the scored similarities of x with the members
// of st, that is x·(sum of the members' vectors).
func (c *Clusterer) sumWith(st *story) float64 {
	var s float64
	for _, m := range st.members {
		s += float64(c.acc[m])
	}
	return s
}

// attach makes x a member of st; dot is x·(sum of st's vectors).
func (c *Clusterer) attach(x *doc, st *story, dot float64) {
	x.story = st
	slot := c.byID[x.id]
	c.slotStory[slot] = st.num
	st.members = append(st.members, slot)
	st.norm2 += 2*dot + 1
}

// candidate is a story x could join.
type candidate struct {
	st      *story
	sum     float64 // x · sum of members
	best    float32 // highest cosine with one member
	nearest int32   // that member
}

// gather scores x against the indexed articles and sums the scores by
// story, leaving out slot self (x itself when it is indexed; -1 if not).
// The result is valid until the next call.
func (c *Clusterer) gather(x *doc, self int32) []candidate {
	c.score(x)
	cands := c.cands[:0]
	for _, s := range c.touched {
		if s == self {
			continue
		}
		n := c.slotStory[s]
		if c.mark[n] == 0 {
			cands = append(cands, candidate{st: c.storyNum[n], nearest: -1})
			c.mark[n] = int32(len(cands))
		}
		k := &cands[c.mark[n]-1]
		k.sum += float64(c.acc[s])
		if k.nearest < 0 || c.acc[s] > k.best || (c.acc[s] == k.best && c.docs[s].seq < c.docs[k.nearest].seq) {
			k.best, k.nearest = c.acc[s], s
		}
	}
	for i := range cands {
		c.mark[cands[i].st.num] = 0
	}
	c.cands = cands
	return cands
}

// fits returns the cosine of x with a story's centroid, given x's dot
// product with the sum of the members and the squared length of that sum,
// and whether x may join: the cosine reaches the threshold and x shares
// enough words with its nearest member (one common word is not a story).
func (c *Clusterer) fits(k *candidate, norm2 float64) (float64, bool) {
	if k.nearest < 0 || norm2 <= 1e-9 {
		return 0, false
	}
	cen := k.sum / math.Sqrt(norm2)
	return cen, cen >= c.p.join && int(c.shared[k.nearest]) >= c.p.minShared
}

// assign decides the story of x from the scores of the indexed articles.
func (c *Clusterer) assign(x *doc) Assignment {
	cands := c.gather(x, -1)
	var pick *candidate
	var pickSim float64
	var top *candidate // most similar single article, for the explanation
	for i := range cands {
		k := &cands[i]
		if top == nil || k.best > top.best || (k.best == top.best && c.docs[k.nearest].seq < c.docs[top.nearest].seq) {
			top = k
		}
		sim, ok := c.fits(k, k.st.norm2)
		if ok && (pick == nil || sim > pickSim || (sim == pickSim && k.st.id < pick.st.id)) {
			pick, pickSim = k, sim
		}
	}
	if pick == nil {
		st := c.newStory(x.id)
		c.attach(x, st, 0)
		a := Assignment{Story: st.id, New: true}
		if top != nil {
			a.Nearest = c.docs[top.nearest].id
			a.Similarity = float64(top.best)
			a.Reason = fmt.Sprintf("new story: nearest %s shares %s (similarity %.2f); no story reaches %.2f with %d shared words",
				a.Nearest, c.sharedWords(x, c.docs[top.nearest]), a.Similarity, c.p.join, c.p.minShared)
		} else {
			a.Reason = "new story: no earlier article shares a word"
		}
		return a
	}
	c.attach(x, pick.st, pick.sum)
	near := c.docs[pick.nearest]
	return Assignment{
		Story: pick.st.id, Similarity: pickSim, Nearest: near.id,
		Reason: fmt.Sprintf("shares %s with %s; similarity to the story %.2f ≥ %.2f",
			c.sharedWords(x, near), near.id, pickSim, c.p.join),
	}
}

// newStory creates a story named after its founding article.
func (c *Clusterer) newStory(founder string) *story {
	h := sha1.Sum([]byte(founder))
	id := "s-" + hex.EncodeToString(h[:6])
	for n := 2; c.stories[id] != nil; n++ {
		id = fmt.Sprintf("s-%s-%d", hex.EncodeToString(h[:6]), n)
	}
	return c.register(id)
}

// register creates an empty story with the given id.
func (c *Clusterer) register(id string) *story {
	st := &story{id: id, num: int32(len(c.storyNum))}
	if n := len(c.freeNum); n > 0 {
		st.num = c.freeNum[n-1]
		c.freeNum = c.freeNum[:n-1]
		c.storyNum[st.num] = st
	} else {
		c.storyNum = append(c.storyNum, st)
		c.mark = append(c.mark, 0)
	}
	c.stories[id] = st
	return st
}

// unregister forgets an empty or absorbed story.
func (c *Clusterer) unregister(st *story) {
	delete(c.stories, st.id)
	c.storyNum[st.num] = nil
	c.freeNum = append(c.freeNum, st.num)
}

// sharedWords lists the three heaviest words two articles share, quoted.
func (c *Clusterer) sharedWords(a, b *doc) string {
	type tw struct {
		tok string
		w   float32
	}
	var ws []tw
	aw, bw := a.w(), b.w()
	for i, j := 0, 0; i < len(a.terms) && j < len(b.terms); {
		switch {
		case a.terms[i] < b.terms[j]:
			i++
		case a.terms[i] > b.terms[j]:
			j++
		default:
			ws = append(ws, tw{c.termStr[a.terms[i]], aw[i] * bw[j]})
			i++
			j++
		}
	}
	if len(ws) == 0 {
		return "no word"
	}
	sort.Slice(ws, func(i, j int) bool {
		if ws[i].w != ws[j].w {
			return ws[i].w > ws[j].w
		}
		return ws[i].tok < ws[j].tok
	})
	if len(ws) > 3 {
		ws = ws[:3]
	}
	q := make([]string, len(ws))
	for i, w := range ws {
		q[i] = "'" + w.tok + "'"
	}
	return strings.Join(q, ", ")
}
