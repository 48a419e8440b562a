package scope

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// Hub is what an operator wrote about the hub's topic: the root topic's
// name, keywords and hashtags, and whether any source is dedicated to it.
type Hub struct {
	Topic    string   `json:"topic"`
	Keywords []string `json:"keywords"`
	Hashtags []string `json:"hashtags"`
	// DedicatedSources says some source is marked dedicated: the gate then
	// has something to learn from even without keywords.
	DedicatedSources bool `json:"-"`
}

// Article is what the gate reads of an arriving article.
type Article struct {
	Title, Excerpt string
	URL            string
	Provider       string // the publisher's domain or name
	// Dedicated says the article came from a source marked dedicated: it
	// is on topic by definition.
	Dedicated bool
	// InOnTopicStory says the article joined a story whose lead is on
	// topic; the caller, who clusters, knows.
	InOnTopicStory bool
}

// Basis is what a decision or a lesson rests on.
type Basis int

// Bases of a decision, strongest first.
const (
	Everything Basis = iota // the hub has nothing to go by: everything is on topic
	Editor                  // an editor decided
	Dedicated               // the article's source is dedicated to the topic
	Story                   // the article is in a story led by an on-topic article
	Keyword                 // a keyword or hashtag occurs in the article
	Model                   // the text model learned from the above decided
	nBases
)

var basisNames = [nBases]string{"everything", "editor", "dedicated", "story", "keyword", "model"}

func (b Basis) String() string {
	if b < 0 || b >= nBases {
		return fmt.Sprintf("Basis(%d)", int(b))
	}
	return basisNames[b]
}

// MarshalText writes the basis by name, for storing decisions.
func (b Basis) MarshalText() ([]byte, error) {
	if b < 0 || b >= nBases {
		return nil, fmt.Errorf("scope: no basis %d", int(b))
	}
	return []byte(basisNames[b]), nil
}

// UnmarshalText reads a basis by name.
func (b *Basis) UnmarshalText(text []byte) error {
	i := slices.Index(basisNames[:], string(text))
	if i < 0 {
		return fmt.Errorf("scope: unknown basis %q", text)
	}
	*b = Basis(i)
	return nil
}

// Decision is the gate's answer for one article.
type Decision struct {
	OnTopic bool
	// Score is the estimated probability that the article is on topic,
	// 0…1: for a decision of the text model, its reading, which decides
	// on topic above the gate's threshold (see the package comment).
	Score   float64
	Basis   Basis
	Reasons []string
}

// Label is what the gate learns an article to be, and on what basis: a
// decision's own (Decision.Label), or an editor's.
type Label struct {
	OnTopic bool
	Basis   Basis
	// Score is the decision's score, for a lesson of the text model: its
	// own decisions teach as much as they are sure. 0 teaches fully.
	Score float64
}

// Label returns the lesson of a decision.
func (d Decision) Label() Label { return Label{OnTopic: d.OnTopic, Basis: d.Basis, Score: d.Score} }

// Gate decides whether arriving articles are on the hub's topic and learns
// from them. It is safe for concurrent use.
type Gate struct {
	p         params
	terms     *matcher
	dedicated bool

	mu sync.RWMutex
	m  *bayes

	pool sync.Pool // *reader
}

// New returns a gate for the hub.
func New(h Hub) *Gate { return newWithParams(h, defaultParams()) }

func newWithParams(h Hub, p params) *Gate {
	g := &Gate{p: p, terms: newMatcher(h.Keywords, h.Hashtags), dedicated: h.DedicatedSources}
	g.m = newBayes(&g.p, g.terms)
	g.pool.New = func() any { return new(reader) }
	return g
}

// Open reports whether the gate lets everything through: the hub has no
// keyword that can select anything, no dedicated source, and no editor
// has taught it.
func (g *Gate) Open() bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.open()
}

func (g *Gate) open() bool { return len(g.terms.terms) == 0 && !g.dedicated && g.m.taught == 0 }

// Window returns how many articles the gate remembers (it forgets older
// ones): a caller that replays stored decisions need replay no more than
// the latest Window.
func (g *Gate) Window() int { return g.p.window }

// Ignored lists the keywords that can select nothing, each with why.
func (g *Gate) Ignored() []string { return slices.Clone(g.terms.ignored) }

// reader holds the buffers that read one article into words.
type reader struct {
	t     tokenizer
	feats []uint64
}

// doc is an article read into words.
type doc struct {
	toks  []token  // title and excerpt, in order, for keywords
	feats []uint64 // distinct features for the model
	kw    uint64   // keywords found (bit i mod 64 for keyword i)
	first int      // first keyword found, or −1
	inURL bool     // the first keyword was found in the URL's sections
}

// Salts that keep URL sections and publishers apart from words.
const (
	urlSalt      = 0x9e3779b97f4a7c15
	providerSalt = 0xc2b2ae3d27d4eb4f
)

func (g *Gate) read(r *reader, a Article) doc {
	t := &r.t
	t.out = t.out[:0]
	t.tokens(a.Title)
	t.out = append(t.out, token{}) // a phrase does not run from title into excerpt
	t.tokens(a.Excerpt)
	d := doc{toks: t.out, feats: r.feats[:0]}
	for _, tk := range d.toks {
		if !tk.stop && tk.h != 0 {
			d.feats = append(d.feats, tk.h)
		}
	}
	d.kw, d.first = g.terms.match(d.toks)
	for _, text := range [...]string{a.Title, a.Excerpt} {
		set, first := g.terms.matchLiterals(text)
		d.kw |= set
		if d.first < 0 {
			d.first = first
		}
	}
	n := len(t.out)
	urlSections(a.URL, func(s string) {
		t.out = append(t.out, token{})
		t.tokens(s)
	})
	for _, tk := range t.out[n:] {
		if tk.h != 0 && !tk.stop {
			d.feats = append(d.feats, tk.h^urlSalt)
		}
	}
	if d.first < 0 {
		d.kw, d.first = g.terms.match(t.out[n:])
		d.inURL = d.first >= 0
	}
	if p := strings.TrimSpace(a.Provider); p != "" {
		d.feats = append(d.feats, hashLower(providerSalt, p))
	}
	slices.Sort(d.feats)
	d.feats = slices.Compact(d.feats)
	r.feats = d.feats
	return d
}

// Decide decides whether a is on topic. It learns nothing: call Learn with
// the decision's label, or an editor's, to teach the gate.
func (g *Gate) Decide(a Article) (dec Decision) {
	g.reading(a, false, func(d doc) { dec = g.decide(a, d) })
	return dec
}

// reading reads a and calls fn with it, holding the lock for reading or,
// with write, for writing.
func (g *Gate) reading(a Article, write bool, fn func(doc)) {
	r := g.pool.Get().(*reader)
	defer g.pool.Put(r)
	d := g.read(r, a)
	if write {
		g.mu.Lock()
		defer g.mu.Unlock()
	} else {
		g.mu.RLock()
		defer g.mu.RUnlock()
	}
	fn(d)
}

func (g *Gate) decide(a Article, d doc) Decision {
	switch {
	case a.Dedicated:
		return Decision{OnTopic: true, Score: 1, Basis: Dedicated, Reasons: []string{"from a source dedicated to the topic"}}
	case g.open():
		r := append([]string{"the topic has no keywords and no dedicated source: everything is on topic"}, g.terms.ignored...)
		return Decision{OnTopic: true, Score: 1, Basis: Everything, Reasons: r}
	case a.InOnTopicStory:
		return Decision{OnTopic: true, Score: 1, Basis: Story, Reasons: []string{"in a story led by an on-topic article"}}
	}
	ready := g.m.ready()
	p, words := 0.0, 1.0
	if ready {
		x, w := g.m.logits(d.feats)
		p, words = sigmoid(x), sigmoid(w)
	}
	if d.first >= 0 && words < g.p.veto {
		return Decision{Score: math.Min(p, words), Basis: Keyword,
			Reasons: []string{"keyword " + quote(g.terms.terms[d.first]) + " in another sense: " + g.explainWords(words)}}
	}
	if d.first >= 0 {
		where := ""
		if d.inURL {
			where = " in the URL"
		}
		return Decision{OnTopic: true, Score: math.Max(p, 0.5), Basis: Keyword,
			Reasons: []string{"keyword " + quote(g.terms.terms[d.first]) + where}}
	}
	if !ready {
		return Decision{Basis: Model, Reasons: []string{"no keyword, and too few on-topic articles yet to learn from"}}
	}
	th := g.m.threshold()
	return Decision{OnTopic: p > th, Score: p, Basis: Model, Reasons: []string{g.explain(p, th)}}
}

// explain says what the model found, against what threshold, and what it
// has learned from.
func (g *Gate) explain(p, th float64) string {
	return fmt.Sprintf("no keyword; text model: %.2f likely on topic, on topic above %.2f (from %.0f on-topic and %.0f off-topic lessons)",
		p, th, g.m.onDocs, g.m.offDocs)
}

// explainWords says what the model found of a keyword hit's words.
func (g *Gate) explainWords(words float64) string {
	return fmt.Sprintf("its words read %.2f likely on topic to the text model (from %.0f on-topic and %.0f off-topic lessons)",
		words, g.m.onDocs, g.m.offDocs)
}

// Explain decides a as Decide does and adds, for a decision of the text
// model, the words that weighed most for and against the topic. It is
// slower than Decide: it is for showing, not for ingesting.
func (g *Gate) Explain(a Article) Decision {
	r := &reader{}
	r.t.names = map[uint64]string{}
	d := g.read(r, a)
	g.mu.RLock()
	defer g.mu.RUnlock()
	dec := g.decide(a, d)
	if dec.Basis != Model || !g.m.ready() {
		return dec
	}
	type weighed struct {
		word string
		x    float64
	}
	s := g.m.smoothing()
	var ws []weighed
	for _, f := range d.feats {
		i, ok := g.m.idx[f]
		name, named := r.t.names[f]
		if ok && named {
			ws = append(ws, weighed{name, s.weight(g.m, i)})
		}
	}
	slices.SortFunc(ws, func(a, b weighed) int { return cmp.Compare(b.x, a.x) })
	var pro, con []string
	for i := 0; i < len(ws) && i < 5 && ws[i].x > 0.5; i++ {
		pro = append(pro, fmt.Sprintf("%s (%+.1f)", ws[i].word, ws[i].x))
	}
	for i := len(ws) - 1; i >= 0 && len(con) < 5 && ws[i].x < -0.5; i-- {
		con = append(con, fmt.Sprintf("%s (%+.1f)", ws[i].word, ws[i].x))
	}
	if len(pro) > 0 {
		dec.Reasons = append(dec.Reasons, "words for the topic: "+strings.Join(pro, ", "))
	}
	if len(con) > 0 {
		dec.Reasons = append(dec.Reasons, "words against: "+strings.Join(con, ", "))
	}
	return dec
}

// Reading is an article read into words by a gate (Read), ready to be
// decided and learned from (DecideLearn). Reading is most of what deciding
// costs and needs no lock: a caller with many articles reads them on
// several goroutines and decides them in order on one.
type Reading struct {
	g     *Gate
	a     Article
	feats []uint64
	toks  []token
	kw    uint64
	first int
	inURL bool
}

// Read reads a into words for DecideLearn. It is safe for concurrent use.
func (g *Gate) Read(a Article) *Reading {
	r := g.pool.Get().(*reader)
	defer g.pool.Put(r)
	d := g.read(r, a)
	return &Reading{g: g, a: a, feats: slices.Clone(d.feats), toks: slices.Clone(d.toks), kw: d.kw, first: d.first, inURL: d.inURL}
}

// DecideLearn decides a as Decide does and learns the label that label
// gives for the decision, as Learn would, reading a once: with r, a
// reading of a by this gate, not at all.
func (g *Gate) DecideLearn(a Article, r *Reading, label func(Decision) Label) (dec Decision) {
	learn := func(d doc) {
		dec = g.decide(a, d)
		l := label(dec)
		g.m.learn(d.feats, d.kw, l, g.m.split(d.toks, l))
	}
	if r == nil || r.g != g || r.a != a {
		g.reading(a, true, learn)
		return dec
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	learn(doc{feats: r.feats, toks: r.toks, kw: r.kw, first: r.first, inURL: r.inURL})
	return dec
}

// Learn teaches the gate that a is (or is not) on topic.
func (g *Gate) Learn(a Article, l Label) {
	g.reading(a, true, func(d doc) { g.m.learn(d.feats, d.kw, l, g.m.split(d.toks, l)) })
}

// Observe decides a and learns the decision, as ingestion does.
func (g *Gate) Observe(a Article) (dec Decision) {
	g.reading(a, true, func(d doc) {
		dec = g.decide(a, d)
		l := dec.Label()
		g.m.learn(d.feats, d.kw, l, g.m.split(d.toks, l))
	})
	return dec
}

// hashLower hashes s lower-cased (ASCII letters), without building it.
func hashLower(seed uint64, s string) uint64 {
	h := seed
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		h = (h ^ uint64(c)) * fnvPrime
	}
	return h
}

func sigmoid(x float64) float64 {
	switch {
	case x > 40:
		return 1
	case x < -40:
		return 0
	}
	return 1 / (1 + math.Exp(-x))
}
