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
	wordPrior  float64 // pseudo-articles every feature is seen in, spread over the components by their articles
	onParts    int     // mixture components of the on-topic class
	selfConf   bool    // the model's own labels teach in proportion to the probability they were decided with
	offParts   int     // mixture components of the off-topic class; onParts+offParts ≤ maxParts
	// veto: a keyword hit is off topic when the model, reading its words
	// without the classes' prior, finds it less likely on topic than this
	// (0: never).
	veto float64
	// halfHits: the model decides on topic above half the mean score it
	// gave the keyword hits it remembers, not above one half.
	halfHits bool
	// views is the share of its weight that the model's own off-topic
	// decision teaches when its title alone or its excerpt alone reads
	// over the threshold (1: all of it).
	views  float64
	weight [nBases]float64
}

// maxParts bounds the mixture components of both classes, so that a
// feature's counts stay in one fixed-size array.
const maxParts = 6

func defaultParams() params {
	return params{
		muDocs:     300,
		minOn:      10,
		window:     20000,
		refitFirst: 100,
		refitEvery: 2000,
		selfOn:     1,
		selfOff:    0.5,
		relabel:    true,
		relabelMax: 2,
		agree:      true,
		wordPrior:  0.3,
		selfConf:   true,
		veto:       0.1,
		halfHits:   true,
		views:      0.5,
		onParts:    1,
		offParts:   4,
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
	// conf is how far the model's own label is to be trusted, 0…1, from
	// the score it decided with; 1 for every other basis.
	conf float32
	part uint8 // the mixture component it is counted in
	// relabelled counts the refits that labelled it again: each is one
	// step of expectation-maximisation, and they stop at relabelMax.
	relabelled uint8
	// hit says the article is a keyword hit in the hub's sense that
	// arrived while the model decided, and hitScore is what the model
	// read it as before learning it (see threshold).
	hit      bool
	hitScore float32
	// split says the model decided it off topic while its title or its
	// excerpt alone read on topic (see views).
	split bool
}

// bayes is a two-class multinomial naive Bayes over binary document
// features, each class smoothed toward the background of all remembered
// articles. It keeps the articles it remembers, so that it can forget the
// oldest and label again the ones it labelled itself (see refit).
type bayes struct {
	p     *params
	terms *matcher

	idx    map[uint64]int32
	hashes []uint64            // by feature id
	all    []float32           // articles with the feature
	on     []float32           // on-topic weight of articles with the feature
	part   [][maxParts]float32 // weight of articles with the feature by component
	seed   []float32           // articles with a keyword and the feature

	allSum, onSum, offSum, seedSum float64 // feature occurrences
	allDocs, onDocs, offDocs       float64 // articles, weights
	seedDocs                       float64
	partDocs, partSum              [maxParts]float64 // weight and occurrences by component
	partN                          [maxParts]float64 // articles by component, unweighted

	taught int // lessons from editors and dedicated sources

	// hitScores and hits sum the remembered keyword hits' scores (see
	// threshold).
	hitScores, hits float64
	nLive           int // features some remembered article has

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

// threshold is the score above which the model decides an article
// without keyword on topic: half the mean score it gave, on arrival, the
// keyword hits it remembers (in the hub's sense: not vetoed). Keyword hits
// are on-topic articles labelled independently of the model, so that
// mean is the share c of the model's reading that an on-topic article
// gets, and an article read p is on topic with probability about p/c,
// over one half when p > c/2 (Elkan and Noto 2008, "Learning classifiers
// from only positive and unlabeled data"). The model, taught by its
// keywords and the decisions it is sure of, reads every article as less
// likely on topic than it is; the less it has learned, the more so: the
// threshold rises as it learns. Without hits yet it is one half.
func (m *bayes) threshold() float64 {
	if !m.p.halfHits || m.hits < 1 {
		return 0.5
	}
	return m.hitScores / m.hits / 2
}

// parts returns the number of mixture components of both classes: the
// first onParts are on topic, the others off.
func (m *bayes) parts() int { return m.p.onParts + m.p.offParts }

// logit returns log P(on|x) − log P(off|x) for an article's features,
// each class a mixture of components.
func (m *bayes) logit(feats []uint64) float64 {
	x, _ := m.logits(feats)
	return x
}

// logits returns logit's log-odds and those of the words alone: without
// the classes' prior, the articles each has learned (the off-topic
// components keep their shares of their class).
func (m *bayes) logits(feats []uint64) (x, words float64) {
	s := m.smoothing()
	ll := m.priors()
	k := m.parts()
	for _, f := range feats {
		i, ok := m.idx[f]
		if !ok {
			continue
		}
		var l [maxParts]float64
		m.featLogs(i, &s, &l)
		for j := range k {
			ll[j] += l[j]
		}
	}
	x = m.odds(&ll)
	var on, off float64
	for j := range k {
		if j < m.p.onParts {
			on += max(m.partN[j], 0)
		} else {
			off += max(m.partN[j], 0)
		}
	}
	return x, x - math.Log((on+1)/(off+1))
}

// priors returns each component's log prior: the articles counted in it,
// not their weights (see the package comment). The components of a class
// share its one pseudo-article, so that with one component each the
// prior is log((on+1)/(off+1)).
func (m *bayes) priors() [maxParts]float64 {
	var pr [maxParts]float64
	for j := range m.parts() {
		n := m.p.offParts
		if j < m.p.onParts {
			n = m.p.onParts
		}
		pr[j] = math.Log(max(m.partN[j], 0) + 1/float64(n))
	}
	return pr
}

// odds returns the log-odds of the on-topic components against the
// off-topic ones, given an article's log-likelihood under each with its
// prior.
func (m *bayes) odds(ll *[maxParts]float64) float64 {
	n := m.p.onParts
	return logSumExp(ll[:n]) - logSumExp(ll[n:m.parts()])
}

func logSumExp(xs []float64) float64 {
	if len(xs) == 1 {
		return xs[0]
	}
	top := math.Inf(-1)
	for _, x := range xs {
		top = max(top, x)
	}
	sum := 0.0
	for _, x := range xs {
		sum += math.Exp(x - top)
	}
	return top + math.Log(sum)
}

// best returns the component of the class (on or off topic) under which
// an article, with log-likelihoods ll, is likeliest. The components' sizes
// do not weigh: weighed, the largest takes ever more articles until it
// holds all, every component starting from one article that smoothing
// barely sets apart.
func (m *bayes) best(ll *[maxParts]float64, on bool) uint8 {
	lo, hi := m.p.onParts, m.parts()
	if on {
		lo, hi = 0, m.p.onParts
	}
	b := lo
	for j := lo; j < hi; j++ {
		if ll[j] > ll[b] {
			b = j
		}
	}
	return uint8(b)
}

// smoothing holds what every feature's weight shares.
type smoothing struct {
	mu, bgSum  float64
	on, offAll float64           // 1 / (class sum + mu)
	inv        [maxParts]float64 // 1 / (component sum + mu)
	// add is each component's share of wordPrior: pseudo-counts every
	// feature has, so that a feature seen in a few articles speaks little;
	// addOn and addOff are the classes' sums.
	add           [maxParts]float64
	addOn, addOff float64
}

func (m *bayes) smoothing() smoothing {
	mu := m.p.muDocs
	if m.allDocs > 0 {
		mu *= m.allSum / m.allDocs
	}
	s := smoothing{mu: mu, bgSum: m.allSum + float64(len(m.all)) + 1}
	// The word prior is spread over the components as the class prior is,
	// by the articles they hold, not by the weights those teach with.
	total := 0.0
	for j := range m.parts() {
		total += max(m.partN[j], 0)
	}
	v := float64(m.nLive)
	for j := range m.parts() {
		if total > 0 {
			s.add[j] = m.p.wordPrior * max(m.partN[j], 0) / total
		}
		if j < m.p.onParts {
			s.addOn += s.add[j]
		} else {
			s.addOff += s.add[j]
		}
		s.inv[j] = 1 / (max(m.partSum[j], 0) + s.add[j]*v + mu)
	}
	s.on = 1 / (m.onSum + s.addOn*v + mu)
	s.offAll = 1 / (m.offSum + s.addOff*v + mu)
	return s
}

// featLogs sets l[j] to log P(w|j) for feature i and each component j. A
// class's probability is smoothed toward the background; a component of
// a class of several is smoothed toward its class, so that while the
// components are small each reads as the class does, not as the
// background: early on, four off-topic components of a few articles each
// would each speak less against the topic than one class of them all.
func (m *bayes) featLogs(i int32, s *smoothing, l *[maxParts]float64) {
	bg := s.mu * s.bg(float64(m.all[i]))
	c := &m.part[i]
	n := m.p.onParts
	for side, cls := range [2][2]int{{0, n}, {n, m.parts()}} {
		lo, hi := cls[0], cls[1]
		if hi-lo == 1 {
			l[lo] = math.Log((float64(c[lo]) + s.add[lo] + bg) * s.inv[lo])
			continue
		}
		sum := 0.0
		for j := lo; j < hi; j++ {
			sum += float64(c[j]) + s.add[j]
		}
		inv := s.offAll
		if side == 0 {
			inv = s.on
		}
		toward := s.mu * (sum + bg) * inv
		for j := lo; j < hi; j++ {
			l[j] = math.Log((float64(c[j]) + s.add[j] + toward) * s.inv[j])
		}
	}
}

// prob is the smoothed probability of a feature seen c times in a class,
// given inv = 1 / (class sum + mu) and its background probability bg.
func (s smoothing) prob(c, bg, inv float64) float64 { return (c + s.mu*bg) * inv }

func (s smoothing) bg(all float64) float64 { return (all + 1) / s.bgSum }

// weight is how much a feature speaks for the topic against the whole
// off-topic class, each class's components merged: for explaining, not
// deciding.
func (s smoothing) weight(m *bayes, i int32) float64 {
	bg := s.bg(float64(m.all[i]))
	off := 0.0
	for _, c := range m.part[i][m.p.onParts:m.parts()] {
		off += float64(c)
	}
	return math.Log(s.prob(float64(m.on[i])+s.addOn, bg, s.on) / s.prob(off+s.addOff, bg, s.offAll))
}

// assign returns the component of its class an arriving article fits
// best. An empty component takes it: that seeds the components with
// different articles, which refits then pull apart (see refit).
func (m *bayes) assign(ids []int32, on bool) uint8 {
	lo, hi := m.p.onParts, m.parts()
	if on {
		lo, hi = 0, m.p.onParts
	}
	if hi-lo == 1 {
		return uint8(lo)
	}
	for j := lo; j < hi; j++ {
		if m.partDocs[j] <= 1e-6 {
			return uint8(j)
		}
	}
	s := m.smoothing()
	var ll [maxParts]float64
	for _, i := range ids {
		var l [maxParts]float64
		m.featLogs(i, &s, &l)
		for j := lo; j < hi; j++ {
			ll[j] += l[j]
		}
	}
	return m.best(&ll, on)
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
			m.part = append(m.part, [maxParts]float32{})
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
			return m.p.selfOn * float64(r.conf)
		}
		if r.split {
			return m.p.selfOff * float64(r.conf) * m.p.views
		}
		return m.p.selfOff * float64(r.conf)
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

// lesson is what a decision of the text model teaches: what the model
// read, on topic when its score is over one half, whatever the threshold
// it was decided with (see threshold). A lower threshold trades precision
// for recall in what the gate decides; taught, those decisions would
// draw the model toward the neighbouring topics it reads least apart,
// and it would read ever more of them as on topic. A lesson with no score
// (0, as before the model decides) teaches as decided.
func (m *bayes) lesson(l Label) bool {
	if l.Score == 0 {
		return l.OnTopic
	}
	return l.Score > 0.5
}

// confidence is how far to trust the model's own label given the
// probability p it found the article on topic with: p for an on-topic
// label, 1−p for an off-topic one, so that a decision near the boundary
// teaches half as much as a sure one. A label decided without a score
// (0: before the model decides) teaches fully.
func (m *bayes) confidence(p float64) float32 {
	if !m.p.selfConf {
		return 1
	}
	return float32(max(p, 1-p))
}

// split reports whether the model's own off-topic decision has a view,
// its title's or its excerpt's words alone, that it reads over the
// threshold: the two disagree, and the lesson teaches views of its weight.
// toks are the title's and the excerpt's words, split by an empty token.
func (m *bayes) split(toks []token, l Label) bool {
	if m.p.views >= 1 || l.Basis != Model || l.OnTopic || !m.ready() {
		return false
	}
	th := m.threshold()
	var view []uint64
	for i, tk := range toks {
		end := tk == token{}
		if !end && !tk.stop && tk.h != 0 {
			view = append(view, tk.h)
		}
		if !end && i < len(toks)-1 {
			continue // the view goes on
		}
		if len(view) > 0 && sigmoid(m.logit(view)) > th {
			return true
		}
		view = view[:0]
	}
	return false
}

// learn learns an article: its features, the keywords it has, its label,
// and whether its views disagree (see split).
func (m *bayes) learn(feats []uint64, kw uint64, l Label, split bool) {
	if l.Basis == Editor || l.Basis == Dedicated {
		m.taught++
	}
	// A keyword hit in the hub's sense is read as the model decided it:
	// before learning it, and before its new words are known, which weigh
	// nothing.
	hit := l.Basis == Keyword && l.OnTopic && m.p.halfHits && m.ready()
	var hitScore float32
	if hit {
		hitScore = float32(sigmoid(m.logit(feats)))
	}
	// A keyword hit teaches on topic even when the model's veto decided it
	// off: the veto decides, it does not teach (see the package comment).
	r := rec{feats: m.intern(feats), kw: kw, basis: l.Basis, on: l.OnTopic || l.Basis == Keyword, conf: 1}
	if l.Basis == Model {
		r.on = m.lesson(l)
		r.conf = m.confidence(l.Score)
		r.split = split
	}
	if hit {
		r.hit, r.hitScore = true, hitScore
		m.hits++
		m.hitScores += float64(hitScore)
	}
	r.part = m.assign(r.feats, r.on)
	r.w = float32(m.learnWeight(&r))
	m.count(&r, 1)
	if len(m.ring) < m.p.window {
		m.ring = append(m.ring, r)
	} else {
		if old := &m.ring[m.head]; old.hit {
			m.hits--
			m.hitScores -= float64(old.hitScore)
		}
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
		switch {
		case sign > 0 && m.all[i] <= 0:
			m.nLive++
		case sign < 0 && m.all[i] <= 1:
			m.nLive--
		}
		m.all[i] += sign
		if r.kw != 0 {
			m.seed[i] += sign
		}
		if r.on {
			m.on[i] += w
		}
		m.part[i][r.part] += w
	}
	if r.on {
		m.onDocs += float64(w)
		m.onSum += float64(w) * n
	} else {
		m.offDocs += float64(w)
		m.offSum += float64(w) * n
	}
	m.partDocs[r.part] += float64(w)
	m.partSum[r.part] += float64(w) * n
	m.partN[r.part] += s
}

// refit re-estimates what the model taught itself: how much each
// keyword's hits teach (see agreement), then the label of every remembered
// article the model labelled and the component of every remembered
// article, all from the same counts (one step of
// expectation-maximisation). It then drops features no remembered article
// has.
func (m *bayes) refit() {
	if m.p.agree {
		m.agreement()
	}
	type change struct {
		i    int
		on   bool
		part uint8
		conf float32
	}
	var changes []change
	k := m.parts()
	relabel := m.p.relabel && m.ready()
	var ll [][maxParts]float64
	if relabel || k > 2 {
		// Every label comes from the same counts: weigh each feature once.
		s := m.smoothing()
		ll = make([][maxParts]float64, len(m.all))
		for i := range ll {
			m.featLogs(int32(i), &s, &ll[i])
		}
	}
	pr := m.priors()
	for i := range m.ring {
		r := &m.ring[i]
		c := change{i, r.on, r.part, r.conf}
		if ll != nil {
			var x [maxParts]float64
			for _, f := range r.feats {
				for j := range k {
					x[j] += ll[f][j]
				}
			}
			if r.basis == Model && relabel && int(r.relabelled) < m.p.relabelMax {
				r.relabelled++
				withPrior := x
				for j := range k {
					withPrior[j] += pr[j]
				}
				odds := m.odds(&withPrior)
				c.on = odds > 0
				c.conf = m.confidence(sigmoid(odds))
			}
			c.part = m.best(&x, c.on)
		}
		if r.basis == Keyword || c.on != r.on || c.part != r.part || c.conf != r.conf {
			changes = append(changes, c)
		}
	}
	for _, c := range changes {
		r := &m.ring[c.i]
		m.count(r, -1)
		r.on, r.part, r.conf = c.on, c.part, c.conf
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
	var all, on, seed []float32
	var part [][maxParts]float32
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
		part = append(part, m.part[i])
		seed = append(seed, m.seed[i])
	}
	for i := range m.ring {
		for j, f := range m.ring[i].feats {
			m.ring[i].feats[j] = remap[f]
		}
	}
	m.idx, m.hashes, m.all, m.on, m.part, m.seed = idx, hashes, all, on, part, seed
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
