package scope

import (
	"math"
	"math/bits"
)

// params are the tuning knobs, described in the package comment. They are
// fixed (see defaultParams); tests try other values to validate the choice.
type params struct {
	muDocs     float64 // Dirichlet prior mass toward the background, in articles of average length
	minOn      float64 // on-topic weight the model needs before it decides
	window     int     // articles the model remembers
	refitFirst int     // articles before the first refit (0: never refit)
	refitEvery int     // largest gap between refits, in articles
	selfOn     float64 // weight of the model's own on-topic labels
	selfOff    float64 // weight of the model's own off-topic labels
	relabel    bool    // refits label again what the model labelled
	relabelMax int     // refits that may label one article again
	agree      bool    // keyword hits teach as much as their keyword agrees with the others
	weight     [nBases]float64
}

func defaultParams() params {
	return params{
		muDocs:     300,
		minOn:      10,
		window:     20000,
		refitFirst: 100,
		refitEvery: 2000,
		selfOn:     0.5,
		selfOff:    1,
		relabel:    true,
		relabelMax: 2,
		agree:      true,
		weight:     [nBases]float64{Everything: 0, Editor: 1, Dedicated: 1, Story: 1, Keyword: 1, Model: 1},
	}
}

// rec is one remembered article: its features, the keywords it contains
// and the label it is counted with.
type rec struct {
	feats []int32
	kw    uint64
	basis Basis
	on    bool
	w     float32
	// relabelled counts the refits that labelled it again: each is one
	// step of expectation-maximisation, and they stop at relabelMax.
	relabelled uint8
}

// bayes is a two-class multinomial naive Bayes over binary document
// features, each class smoothed toward the background of all remembered
// articles. It keeps the articles it remembers, so that it can forget the
// oldest and label again the ones it labelled itself (see refit).
type bayes struct {
	p     *params
	terms *matcher

	idx    map[uint64]int32
	hashes []uint64  // by feature id
	all    []float32 // articles with the feature
	on     []float32 // on-topic weight of articles with the feature
	off    []float32
	seed   []float32 // articles with a keyword and the feature

	allSum, onSum, offSum, seedSum float64 // feature occurrences
	allDocs, onDocs, offDocs       float64 // articles, weights
	seedDocs                       float64

	taught int // lessons from editors and dedicated sources

	ring      []rec
	head      int
	learned   int
	nextRefit int

	scratch []float32 // per feature, for agreement

	termWeight []float64 // how much each keyword's hits teach, 0…1
	termAgree  []float64 // share of a keyword's lone hits the other keywords' model calls on topic
}

func newBayes(p *params, terms *matcher) *bayes {
	m := &bayes{p: p, terms: terms, idx: map[uint64]int32{}, nextRefit: p.refitFirst}
	m.termWeight = make([]float64, len(terms.terms))
	m.termAgree = make([]float64, len(terms.terms))
	for i := range m.termWeight {
		m.termWeight[i] = 1
	}
	return m
}

// ready reports whether the model has learned enough to decide.
func (m *bayes) ready() bool { return m.onDocs >= m.p.minOn && m.offDocs > 0 }

// logit returns log P(on|x) − log P(off|x) for an article's features.
func (m *bayes) logit(feats []uint64) float64 {
	s := m.smoothing()
	x := m.prior()
	for _, f := range feats {
		if i, ok := m.idx[f]; ok {
			x += s.weight(m, i)
		}
	}
	return x
}

func (m *bayes) prior() float64 { return math.Log((m.onDocs + 1) / (m.offDocs + 1)) }

// smoothing holds what every feature's weight shares.
type smoothing struct {
	mu, bgSum float64
	on, off   float64 // 1 / (class sum + mu)
}

func (m *bayes) smoothing() smoothing {
	mu := m.p.muDocs
	if m.allDocs > 0 {
		mu *= m.allSum / m.allDocs
	}
	return smoothing{
		mu:    mu,
		bgSum: m.allSum + float64(len(m.all)) + 1,
		on:    1 / (m.onSum + mu),
		off:   1 / (m.offSum + mu),
	}
}

// prob is the smoothed probability of a feature seen c times in a class,
// given inv = 1 / (class sum + mu) and its background probability bg.
func (s smoothing) prob(c, bg, inv float64) float64 { return (c + s.mu*bg) * inv }

func (s smoothing) bg(all float64) float64 { return (all + 1) / s.bgSum }

func (s smoothing) weight(m *bayes, i int32) float64 {
	bg := s.bg(float64(m.all[i]))
	return math.Log(s.prob(float64(m.on[i]), bg, s.on) / s.prob(float64(m.off[i]), bg, s.off))
}

func (m *bayes) intern(feats []uint64) []int32 {
	ids := make([]int32, len(feats))
	for j, f := range feats {
		i, ok := m.idx[f]
		if !ok {
			i = int32(len(m.all))
			m.idx[f] = i
			m.hashes = append(m.hashes, f)
			m.all = append(m.all, 0)
			m.on = append(m.on, 0)
			m.off = append(m.off, 0)
			m.seed = append(m.seed, 0)
		}
		ids[j] = i
	}
	return ids
}

// learnWeight is how much a remembered article teaches.
func (m *bayes) learnWeight(r *rec) float64 {
	switch r.basis {
	case Model:
		if r.on {
			return m.p.selfOn
		}
		return m.p.selfOff
	case Keyword:
		w := 0.0
		for s := r.kw; s != 0; s &= s - 1 {
			if t := bits.TrailingZeros64(s); t < len(m.termWeight) {
				w = math.Max(w, m.termWeight[t])
			}
		}
		return w * m.p.weight[Keyword]
	}
	if r.basis < 0 || r.basis >= nBases {
		return 0
	}
	return m.p.weight[r.basis]
}

func (m *bayes) learn(feats []uint64, kw uint64, l Label) {
	if l.Basis == Editor || l.Basis == Dedicated {
		m.taught++
	}
	r := rec{feats: m.intern(feats), kw: kw, basis: l.Basis, on: l.OnTopic}
	r.w = float32(m.learnWeight(&r))
	m.count(&r, 1)
	if len(m.ring) < m.p.window {
		m.ring = append(m.ring, r)
	} else {
		m.count(&m.ring[m.head], -1)
		m.ring[m.head] = r
		m.head = (m.head + 1) % len(m.ring)
	}
	m.learned++
	if m.p.refitFirst > 0 && m.learned >= m.nextRefit {
		m.refit()
		m.nextRefit = m.learned + min(m.learned, m.p.refitEvery)
	}
}

// count adds (sign 1) or removes (sign −1) an article's counts.
func (m *bayes) count(r *rec, sign float32) {
	n := float64(len(r.feats))
	s := float64(sign)
	w := sign * r.w
	m.allDocs += s
	m.allSum += s * n
	if r.kw != 0 {
		m.seedDocs += s
		m.seedSum += s * n
	}
	for _, i := range r.feats {
		m.all[i] += sign
		if r.kw != 0 {
			m.seed[i] += sign
		}
		if r.on {
			m.on[i] += w
		} else {
			m.off[i] += w
		}
	}
	if r.on {
		m.onDocs += float64(w)
		m.onSum += float64(w) * n
	} else {
		m.offDocs += float64(w)
		m.offSum += float64(w) * n
	}
}

// refit re-estimates what the model taught itself: how much each
// keyword's hits teach (see agreement), then the label of every remembered
// article the model labelled, all from the same counts (one step of
// expectation-maximisation). It then drops features no remembered article
// has.
func (m *bayes) refit() {
	if m.p.agree {
		m.agreement()
	}
	type change struct {
		i  int
		on bool
	}
	var changes []change
	relabel := m.p.relabel && m.ready()
	var weights []float64
	if relabel {
		// Every label comes from the same counts: weigh each feature once.
		sm := m.smoothing()
		weights = make([]float64, len(m.all))
		for i := range weights {
			weights[i] = sm.weight(m, int32(i))
		}
	}
	prior := m.prior()
	for i := range m.ring {
		r := &m.ring[i]
		switch {
		case r.basis == Keyword:
			changes = append(changes, change{i, r.on})
		case r.basis == Model && relabel && int(r.relabelled) < m.p.relabelMax:
			r.relabelled++
			x := prior
			for _, f := range r.feats {
				x += weights[f]
			}
			if on := x > 0; on != r.on {
				changes = append(changes, change{i, on})
			}
		}
	}
	for _, c := range changes {
		r := &m.ring[c.i]
		m.count(r, -1)
		r.on = c.on
		r.w = float32(m.learnWeight(r))
		m.count(r, 1)
	}
	if len(m.all) > 2*int(m.allDocs)+1024 && len(m.all) > 4*m.live() {
		m.compact()
	}
}

func (m *bayes) live() int {
	n := 0
	for _, c := range m.all {
		if c > 0 {
			n++
		}
	}
	return n
}

// compact renumbers the features that remembered articles have, so that
// memory follows the window and not the whole history.
func (m *bayes) compact() {
	remap := make([]int32, len(m.all))
	idx := make(map[uint64]int32, m.live())
	var hashes []uint64
	var all, on, off, seed []float32
	for i, c := range m.all {
		if c <= 0 {
			remap[i] = -1
			continue
		}
		remap[i] = int32(len(all))
		idx[m.hashes[i]] = remap[i]
		hashes = append(hashes, m.hashes[i])
		all = append(all, c)
		on = append(on, m.on[i])
		off = append(off, m.off[i])
		seed = append(seed, m.seed[i])
	}
	for i := range m.ring {
		for j, f := range m.ring[i].feats {
			m.ring[i].feats[j] = remap[f]
		}
	}
	m.idx, m.hashes, m.all, m.on, m.off, m.seed = idx, hashes, all, on, off, seed
}

// agreement sets how much each keyword's hits teach from how far they
// agree with the other keywords' hits. For each keyword with lone hits
// (articles with no other keyword), a model of the other keywords' hits
// against all the rest (its own lone hits included) reads those lone hits
// without the keywords' own words; the share it calls on topic, over the
// best share of any keyword, is the keyword's weight. A keyword used in
// many senses ("market": of shares, of browsers, of players) agrees less
// than one used in the hub's sense; its hits stay on topic but teach the
// model less.
func (m *bayes) agreement() {
	n := len(m.terms.terms)
	if n < 2 {
		return
	}
	kwIDs := map[int32]bool{}
	for f := range m.terms.feats {
		if i, ok := m.idx[f]; ok {
			kwIDs[i] = true
		}
	}
	if cap(m.scratch) < len(m.all) {
		m.scratch = make([]float32, len(m.all))
	}
	minus := m.scratch[:len(m.all)]
	lone := make([][]int, min(n, 64)) // ring indexes of articles with this keyword alone
	with := 0
	for i := range m.ring {
		if kw := m.ring[i].kw; kw != 0 && kw&(kw-1) == 0 {
			t := bits.TrailingZeros64(kw)
			if t < len(lone) {
				if len(lone[t]) == 0 {
					with++
				}
				lone[t] = append(lone[t], i)
			}
		}
	}
	if with < 2 {
		return
	}
	s := m.smoothing()
	best := 0.0
	for t, docs := range lone {
		if len(docs) == 0 {
			continue
		}
		clear(minus)
		var minusSum float64
		for _, i := range docs {
			for _, f := range m.ring[i].feats {
				minus[f]++
			}
			minusSum += float64(len(m.ring[i].feats))
		}
		posDocs := m.seedDocs - float64(len(docs))
		negDocs := m.allDocs - posDocs
		if posDocs <= 0 || negDocs <= 0 {
			continue
		}
		posInv := 1 / (m.seedSum - minusSum + s.mu)
		negInv := 1 / (m.allSum - m.seedSum + minusSum + s.mu)
		prior := math.Log(posDocs / negDocs)
		on := 0.0
		for _, i := range docs {
			x := prior
			for _, f := range m.ring[i].feats {
				if kwIDs[f] {
					continue
				}
				bg := s.bg(float64(m.all[f]))
				pos := float64(m.seed[f] - minus[f])
				neg := float64(m.all[f]) - pos
				x += math.Log(s.prob(pos, bg, posInv) / s.prob(neg, bg, negInv))
			}
			if x > 0 {
				on++
			}
		}
		m.termAgree[t] = (on + 1) / (float64(len(docs)) + 2)
		best = math.Max(best, m.termAgree[t])
	}
	for t := range lone {
		if len(lone[t]) > 0 && best > 0 {
			m.termWeight[t] = m.termAgree[t] / best
		}
	}
}
