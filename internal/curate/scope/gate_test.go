package scope

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
)

// observeAll passes the stream through g and returns its decisions.
func observeAll(g *Gate, s []synthArticle) []Decision {
	ds := make([]Decision, len(s))
	for i, a := range s {
		ds[i] = g.Observe(a.Article)
	}
	return ds
}

// tally scores decisions against the topics the articles were drawn from.
func tally(s []synthArticle, ds []Decision, on string) prf {
	items := make([]devItem, len(s))
	dec := make([]bool, len(s))
	for i := range s {
		items[i].Label = s[i].topic == on
		dec[i] = ds[i].OnTopic
	}
	return score(items, dec)
}

func hasReason(d Decision, part string) bool {
	for _, r := range d.Reasons {
		if strings.Contains(r, part) {
			return true
		}
	}
	return false
}

func TestHubWithNothingToGoByKeepsEverything(t *testing.T) {
	for _, c := range []struct {
		name    string
		hub     Hub
		ignored string
	}{
		{"no keywords", Hub{Topic: "Space"}, ""},
		{"empty keywords", Hub{Topic: "Space", Keywords: []string{"", "  "}, Hashtags: []string{"#", ""}}, ""},
		{"stop-word keywords", Hub{Topic: "Space", Keywords: []string{"The", "of"}}, `keyword "The" is a stop word: ignored`},
		{"punctuation keyword", Hub{Topic: "Space", Keywords: []string{"!!!"}}, `keyword "!!!" has no words: ignored`},
	} {
		g := New(c.hub)
		if !g.Open() {
			t.Errorf("%s: the gate is not open", c.name)
		}
		for _, a := range synthStream(50, "space", 0.3, 1, false) {
			d := g.Observe(a.Article)
			if !d.OnTopic || d.Score != 1 || d.Basis != Everything || !hasReason(d, "everything is on topic") {
				t.Fatalf("%s: %+v, want on topic on the basis of everything, saying why", c.name, d)
			}
			if c.ignored != "" && !hasReason(d, c.ignored) {
				t.Fatalf("%s: reasons %q lack %q", c.name, d.Reasons, c.ignored)
			}
		}
		if d := g.Decide(Article{Title: "Transfer talk", InOnTopicStory: true}); d.Basis != Everything {
			t.Errorf("%s: a story member in an open hub is decided on %v, want everything", c.name, d.Basis)
		}
	}
}

func TestKeywordsMatchWholeWordsAndPhrases(t *testing.T) {
	g := New(Hub{Topic: "Climate", Keywords: []string{"Climate", "global warming", "CO2", "the"}, Hashtags: []string{"#NetZero"}})
	for _, c := range []struct {
		a    Article
		want string // keyword found, or "" for none
	}{
		{Article{Title: "CLIMATE talks stall"}, `keyword "Climate"`},
		{Article{Title: "Report", Excerpt: "Scientists warn that Global  Warming is speeding up."}, `keyword "global warming"`},
		{Article{Title: "Cars: CO2 rules tighten"}, `keyword "CO2"`},
		{Article{Title: "Firms pledge net zero by 2040"}, `keyword "#NetZero"`},
		{Article{Title: "Climatic shifts"}, ""},            // whole words only
		{Article{Title: "Global", Excerpt: "warming"}, ""}, // no phrase across title and excerpt
		{Article{Title: "The game of the year"}, ""},       // "the" is ignored
		{Article{Title: "Weekly roundup", URL: "https://example.org/climate/2024/05/roundup"}, `keyword "Climate" in the URL`},
		{Article{Title: "Weekly roundup", URL: "https://example.org/2024/05/climate-roundup-of-the-week"}, ""}, // a slug is not a section
	} {
		d := g.Decide(c.a)
		if c.want == "" {
			if d.Basis == Keyword {
				t.Errorf("%+v: decided on %q, want no keyword", c.a, d.Reasons)
			}
			continue
		}
		if !d.OnTopic || d.Basis != Keyword || !hasReason(d, c.want) || d.Score < 0.5 {
			t.Errorf("%+v: %+v, want on topic for %s", c.a, d, c.want)
		}
	}
}

// TestKeywordsMatchWhateverTheAccentsAreWrittenWith: a letter with an
// accent is one character (é) or a letter and a combining mark (e and
// U+0301), as editors and feeds write it; a keyword finds either.
func TestKeywordsMatchWhateverTheAccentsAreWrittenWith(t *testing.T) {
	composed := New(Hub{Topic: "Brazil", Keywords: []string{"S\u00e3o Paulo", "caf\u00e9"}})
	decomposed := New(Hub{Topic: "Brazil", Keywords: []string{"Sa\u0303o Paulo", "cafe\u0301"}})
	for _, c := range []struct {
		name string
		g    *Gate
		a    Article
	}{
		{"decomposed text", composed, Article{Title: "Floods in Sa\u0303o Paulo"}},
		{"decomposed text in capitals", composed, Article{Title: "CAFE\u0301 PRICES SOAR"}},
		{"decomposed keyword", decomposed, Article{Title: "Floods in S\u00e3o Paulo"}},
		{"both composed", composed, Article{Title: "Floods in S\u00e3o Paulo"}},
	} {
		if d := c.g.Decide(c.a); !d.OnTopic || d.Basis != Keyword {
			t.Errorf("%s: %q decided %+v, want on topic by its keyword", c.name, c.a.Title, d)
		}
	}
}

// TestHashtagsFindTheirTag: a hashtag finds its tag written as one word
// ("iPhone", "#MeToo") and, split at its case changes, as words ("net
// zero"), but never a part of it alone: "#iPhone" is not "phone".
func TestHashtagsFindTheirTag(t *testing.T) {
	g := New(Hub{Topic: "Tech", Hashtags: []string{"#iPhone", "eSports", "#MeToo", "#NetZero"}})
	if ig := g.Ignored(); len(ig) > 0 {
		t.Errorf("ignored %q, want every hashtag kept", ig)
	}
	for _, c := range []struct {
		title string
		want  string // hashtag found, or "" for none
	}{
		{"New iPhone unveiled", `keyword "#iPhone"`},
		{"Phone prices rise", ""},
		{"Esports league signs a broadcaster", `keyword "#eSports"`},
		{"Sports results", ""},
		{"Thousands march under #MeToo banners", `keyword "#MeToo"`},
		{"Me too, said the minister", ""},
		{"Firms pledge net zero by 2040", `keyword "#NetZero"`},
		{"NetZero pledges pile up", `keyword "#NetZero"`},
	} {
		d := g.Decide(Article{Title: c.title})
		switch {
		case c.want == "" && d.Basis == Keyword:
			t.Errorf("%q: decided on %q, want no hashtag", c.title, d.Reasons)
		case c.want != "" && (!d.OnTopic || d.Basis != Keyword || !hasReason(d, c.want)):
			t.Errorf("%q: %+v, want on topic for %s", c.title, d, c.want)
		}
	}
}

func TestGateLearnsPastItsKeywords(t *testing.T) {
	stream := synthStream(4000, "space", 0.25, 3, false)
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA", "astronaut"}})
	ds := observeAll(g, stream)
	s := tally(stream[2000:], ds[2000:], "space")
	// Of the space articles without a keyword, how many the model found.
	found, without := 0, 0
	for i := 2000; i < len(ds); i++ {
		if stream[i].topic == "space" && ds[i].Basis == Model {
			without++
			if ds[i].OnTopic {
				found++
			}
		}
	}
	t.Logf("synthetic space hub, second half: %v; the model found %d of %d space articles without a keyword", s, found, without)
	if s.R < 0.9 || s.P < 0.9 || without == 0 || float64(found) < 0.9*float64(without) {
		t.Errorf("second half %v, %d of %d found: the gate should learn the topic's other words", s, found, without)
	}
}

func TestDedicatedSourcesTeachTheGate(t *testing.T) {
	g := New(Hub{Topic: "Space", DedicatedSources: true})
	if g.Open() {
		t.Fatal("a hub with a dedicated source is open")
	}
	stream := synthStream(1200, "space", 0.25, 5, false)
	if d := g.Decide(stream[0].Article); d.OnTopic || !hasReason(d, "too few") {
		t.Errorf("before learning: %+v, want off topic for lack of lessons", d)
	}
	var later []synthArticle
	for _, a := range stream {
		if a.topic == "space" && len(later) < 600 {
			// The dedicated source carries some of the space news.
			a.Dedicated = len(later)%2 == 0
		}
		if d := g.Observe(a.Article); a.Dedicated && (d.Basis != Dedicated || !d.OnTopic) {
			t.Fatalf("dedicated article decided %+v", d)
		}
		later = append(later, a)
	}
	fresh := synthStream(400, "space", 0.25, 6, false)
	ds := make([]Decision, len(fresh))
	for i, a := range fresh {
		ds[i] = g.Decide(a.Article)
	}
	if s := tally(fresh, ds, "space"); s.P < 0.9 || s.R < 0.9 {
		t.Errorf("after a dedicated source taught it: %v on fresh articles, want P and R ≥ 0.9", s)
	}
}

func TestEditorsAndStoriesDecide(t *testing.T) {
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA"}})
	a := Article{Title: "Crew returns after six months"}
	if d := g.Decide(Article{Title: a.Title, InOnTopicStory: true}); !d.OnTopic || d.Basis != Story || d.Score != 1 {
		t.Errorf("story member: %+v, want on topic on the basis of its story", d)
	}
	// Editors' lessons weigh in: teach that football is off topic and
	// space on topic, with no keyword in sight.
	for _, s := range synthStream(300, "space", 0.5, 9, false) {
		g.Learn(s.Article, Label{OnTopic: s.topic == "space", Basis: Editor})
	}
	for _, s := range synthStream(100, "space", 0.5, 10, false) {
		if s.topic != "space" && s.topic != "football" {
			continue
		}
		if d := g.Decide(s.Article); d.Basis == Model && d.OnTopic != (s.topic == "space") {
			t.Errorf("after editors' lessons, a %s article is decided %+v", s.topic, d)
		}
	}
}

func TestURLSectionsAndPublishersTeach(t *testing.T) {
	stream := synthStream(3000, "space", 0.25, 11, true)
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA"}})
	observeAll(g, stream)
	// A headline with no topic words, filed under the space section.
	in := g.Decide(Article{Title: "What happened this week", URL: "https://news1.example/space/2024/05/story-1"})
	out := g.Decide(Article{Title: "What happened this week", URL: "https://news1.example/football/2024/05/story-2"})
	if in.Score <= out.Score || !in.OnTopic || out.OnTopic {
		t.Errorf("space section %+v, football section %+v: the section should decide", in, out)
	}
}

// finite checks what every decision must be: a probability, with reasons.
func finite(t *testing.T, what string, d Decision) {
	t.Helper()
	if math.IsNaN(d.Score) || math.IsInf(d.Score, 0) || d.Score < 0 || d.Score > 1 {
		t.Errorf("%s: score %v", what, d.Score)
	}
	if len(d.Reasons) == 0 {
		t.Errorf("%s: no reasons", what)
	}
	if d.OnTopic && d.Score < 0.5 && d.Basis == Model {
		t.Errorf("%s: on topic with score %v", what, d.Score)
	}
}

func TestBadInputGetsSensibleDecisions(t *testing.T) {
	odd := []Article{
		{},
		{Title: "   ", Excerpt: "\n\t"},
		{Title: "日本銀行が金融政策の変更を発表", Excerpt: "東京株式市場は続伸した。"},
		{Title: "البنك المركزي يرفع أسعار الفائدة", Excerpt: "قال مسؤولون إن القرار جاء بعد اجتماع طويل"},
		{Title: "Центробанк повысил ключевую ставку"},
		{Title: "🚀🚀🚀", Excerpt: "🌕"},
		{Title: "\xff\xfe\xfd", Excerpt: "bad \xc3 utf-8"},
		{Title: strings.Repeat("launch ", 200000)},
		{Title: "2024 2025 1.5 3,000"},
		{Title: "the of and to in", Excerpt: "it is what it is"},
		{Title: "NASA", URL: "::not a url::", Provider: "   "},
	}
	hubs := map[string]Hub{
		"one keyword":       {Topic: "Space", Keywords: []string{"NASA"}},
		"stop-word keyword": {Topic: "Space", Keywords: []string{"the", "NASA"}},
		"hashtag only":      {Topic: "Space", Hashtags: []string{"#SpaceX"}},
	}
	for name, h := range hubs {
		g := New(h)
		for i, a := range odd {
			finite(t, name+" fresh", g.Observe(a))
			_ = i
		}
		observeAll(g, synthStream(1500, "space", 0.25, 13, false))
		for _, a := range odd {
			finite(t, name+" trained", g.Decide(a))
			g.Learn(a, Label{OnTopic: false, Basis: Editor})
			finite(t, name+" after lesson", g.Decide(a))
		}
	}
}

func TestOneSidedStreams(t *testing.T) {
	onlyOff := synthStream(1500, "space", 0, 17, false)
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA"}})
	for i, d := range observeAll(g, onlyOff) {
		finite(t, "only off topic", d)
		if d.OnTopic {
			t.Fatalf("article %d of a stream without the topic decided on topic: %+v", i, d)
		}
	}
	// Every article has a keyword: nothing off topic to learn from.
	onlyOn := synthStream(1500, "space", 1, 19, false)
	g = New(Hub{Topic: "Space", Keywords: []string{"NASA", "rocket", "orbit", "moon", "Mars", "launch"}})
	n := 0
	for _, a := range onlyOn {
		a.Title = "NASA: " + a.Title
		d := g.Observe(a.Article)
		finite(t, "only on topic", d)
		if d.OnTopic {
			n++
		}
	}
	if n != len(onlyOn) {
		t.Errorf("%d of %d keyword articles on topic", n, len(onlyOn))
	}
	// The same article over and over, and a keyword in every article.
	g = New(Hub{Topic: "Space", Keywords: []string{"said"}})
	for i := 0; i < 500; i++ {
		finite(t, "repeated", g.Observe(Article{Title: "Officials said the plan was ready", Excerpt: "It said so."}))
	}
}

func TestWindowForgetsAndStaysConsistent(t *testing.T) {
	p := defaultParams()
	p.window, p.refitEvery = 300, 100
	g := newWithParams(Hub{Topic: "Space", Keywords: []string{"NASA", "rocket"}}, p)
	stream := synthStream(5000, "space", 0.25, 23, false)
	for i, a := range stream {
		// Unique words make the vocabulary grow without end.
		a.Excerpt += " token" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i)
		g.Observe(a.Article)
	}
	m := g.m
	if m.allDocs != float64(p.window) || len(m.ring) != p.window {
		t.Fatalf("remembers %v articles (%d in the ring), want %d", m.allDocs, len(m.ring), p.window)
	}
	if live := m.live(); len(m.all) > 4*live+2*p.window+1024 {
		t.Errorf("%d features kept for %d live ones: memory follows the history, not the window", len(m.all), live)
	}
	if live := m.live(); m.nLive != live {
		t.Errorf("the word prior counts %d features, the remembered articles have %d", m.nLive, live)
	}
	// Counts are the sums over the remembered articles.
	all := make([]float64, len(m.all))
	on := make([]float64, len(m.all))
	part := make([][maxParts]float64, len(m.all))
	var onDocs float64
	var partDocs [maxParts]float64
	for _, r := range m.ring {
		if (int(r.part) < m.p.onParts) != r.on || int(r.part) >= m.parts() {
			t.Fatalf("an article on topic %v is counted in component %d", r.on, r.part)
		}
		for _, f := range r.feats {
			all[f]++
			if r.on {
				on[f] += float64(r.w)
			}
			part[f][r.part] += float64(r.w)
		}
		if r.on {
			onDocs += float64(r.w)
		}
		partDocs[r.part] += float64(r.w)
	}
	for i := range all {
		if math.Abs(all[i]-float64(m.all[i])) > 1e-3 || math.Abs(on[i]-float64(m.on[i])) > 1e-2 {
			t.Fatalf("feature %d: counts %v/%v, sums %v/%v", i, m.all[i], m.on[i], all[i], on[i])
		}
		for j := range part[i] {
			if math.Abs(part[i][j]-float64(m.part[i][j])) > 1e-2 {
				t.Fatalf("feature %d: component %d counts %v, sum %v", i, j, m.part[i][j], part[i][j])
			}
		}
	}
	if math.Abs(onDocs-m.onDocs) > 1e-2 {
		t.Errorf("on-topic weight %v, sum %v", m.onDocs, onDocs)
	}
	for j := range partDocs {
		if math.Abs(partDocs[j]-m.partDocs[j]) > 1e-2 {
			t.Errorf("component %d weight %v, sum %v", j, m.partDocs[j], partDocs[j])
		}
	}
	// The threshold is half the mean score of the remembered hits.
	var hits, hitScores float64
	for _, r := range m.ring {
		if r.hit {
			hits++
			hitScores += float64(r.hitScore)
		}
	}
	if hits == 0 || hits != m.hits || math.Abs(hitScores-m.hitScores) > 1e-3 {
		t.Errorf("%v keyword hits scoring %v remembered, counted %v scoring %v", hits, hitScores, m.hits, m.hitScores)
	}
	if m.p.offParts > 1 && m.partDocs[m.p.onParts+1] == 0 {
		t.Errorf("off-topic components by weight %v: all in one", m.partDocs)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestConcurrentUse(t *testing.T) {
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA"}})
	stream := synthStream(2000, "space", 0.25, 29, false)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(stream); i += 4 {
				if w == 0 {
					g.Observe(stream[i].Article)
				} else {
					finite(t, "concurrent", g.Decide(stream[i].Article))
				}
			}
		}(w)
	}
	wg.Wait()
}

func TestExplainNamesTheWordsThatWeighed(t *testing.T) {
	g := New(Hub{Topic: "Space", Keywords: []string{"NASA"}})
	observeAll(g, synthStream(2000, "space", 0.25, 31, false))
	on := g.Explain(Article{Title: "Rocket launch puts satellites in orbit"})
	off := g.Explain(Article{Title: "Striker scores twice as league leaders win derby"})
	if !on.OnTopic || !hasReason(on, "words for the topic: ") || !hasReason(on, "rocket") {
		t.Errorf("space article: %+v, want on topic with rocket among the words for it", on)
	}
	if off.OnTopic || !hasReason(off, "words against: ") || !hasReason(off, "striker") {
		t.Errorf("football article: %+v, want off topic with striker among the words against", off)
	}
	if d := g.Decide(Article{Title: "Rocket launch puts satellites in orbit"}); d.OnTopic != on.OnTopic || d.Score != on.Score {
		t.Errorf("Decide %+v and Explain %+v disagree", d, on)
	}
}

func TestDecisionsStoreAsJSON(t *testing.T) {
	for b := Everything; b < nBases; b++ {
		d := Decision{OnTopic: true, Score: 0.75, Basis: b, Reasons: []string{"why"}}
		data, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Decision
		if err := json.Unmarshal(data, &back); err != nil || back.Basis != b || !strings.Contains(string(data), `"`+b.String()+`"`) {
			t.Errorf("%v: %s read back as %+v, %v", b, data, back, err)
		}
	}
	var b Basis
	if err := json.Unmarshal([]byte(`"guess"`), &b); err == nil {
		t.Error("an unknown basis was read")
	}
	if _, err := json.Marshal(Basis(42)); err == nil {
		t.Error("basis 42 was written")
	}
}

// TestEveryTopicBeatsItsKeywords runs hubs of each synthetic topic, with a
// single rare keyword and with several, and compares the gate with its
// keywords alone (the scoring tool's baseline decides exactly the keyword
// hits).
func TestEveryTopicBeatsItsKeywords(t *testing.T) {
	for _, topic := range []string{"space", "football", "markets", "cooking", "politics"} {
		pool := topicWords[topic]
		for _, kws := range [][]string{{pool[len(pool)-1]}, {pool[0], pool[5], pool[10]}} {
			stream := synthStream(3000, topic, 0.2, 37, false)
			ds := observeAll(New(Hub{Topic: topic, Keywords: kws}), stream)
			kwOnly := make([]Decision, len(ds))
			for i, d := range ds {
				kwOnly[i].OnTopic = d.Basis == Keyword
			}
			s, b := tally(stream, ds, topic), tally(stream, kwOnly, topic)
			t.Logf("%s %q: gate %v, keywords alone %v", topic, kws, s, b)
			if s.F1 < b.F1 || s.F1 < 1.6*b.F1 && b.F1 < 0.6 {
				t.Errorf("%s %q: gate F1 %.3f, keywords alone %.3f", topic, kws, s.F1, b.F1)
			}
		}
	}
}

// TestRefitsLabelAnArticleAgainAtMostRelabelMaxTimes checks that the
// expectation-maximisation steps an article the model labelled itself goes
// through are bounded, however long the stream and however many refits it
// brings, and that the bound is reached (refits do label again).
func TestRefitsLabelAnArticleAgainAtMostRelabelMaxTimes(t *testing.T) {
	p := defaultParams()
	p.window, p.refitEvery = 2000, 200
	g := newWithParams(Hub{Topic: "Space", Keywords: []string{"NASA", "rocket"}}, p)
	observeAll(g, synthStream(20000, "space", 0.25, 29, false))
	var most uint8
	model := 0
	for _, r := range g.m.ring {
		if r.basis != Model {
			continue
		}
		model++
		most = max(most, r.relabelled)
	}
	if model == 0 || int(most) != p.relabelMax {
		t.Errorf("%d remembered articles labelled by the model, labelled again up to %d times; want up to exactly %d", model, most, p.relabelMax)
	}
}

// TestRareWordsSpeakLittle checks the word prior: names the gate has seen
// in one off-topic article (a company, a town) weigh against the topic
// less than their counts alone would say, while names seen in many
// off-topic articles weigh as much.
func TestRareWordsSpeakLittle(t *testing.T) {
	const names = "Acme Globex Initech Umbrella Vandelay"
	stream := synthStream(2000, "space", 0.25, 11, false)
	// cost returns how much the names lower the model's log-odds for an
	// article of space words, against names it has never seen.
	cost := func(p params, seen int) float64 {
		g := newWithParams(Hub{Topic: "Space", Keywords: []string{"NASA", "astronaut"}}, p)
		for _, a := range stream {
			g.Observe(a.Article)
		}
		for i := range seen {
			g.Learn(Article{Title: fmt.Sprintf("%s results %d", names, i), Excerpt: "Quarterly figures."}, Label{Basis: Editor})
		}
		logit := func(title string) float64 {
			return g.m.logit(g.read(&reader{}, Article{Title: title + " orbit", Excerpt: "Crew mission."}).feats)
		}
		return logit("Zorg Quux Blorf Wibble Snark") - logit(names)
	}
	without := defaultParams()
	without.wordPrior = 0
	for _, c := range []struct {
		seen     int
		min, max float64 // bounds of the cost with the prior over the cost without it
	}{
		{1, 0, 0.95},
		{20, 0.97, 1.03},
	} {
		with, base := cost(defaultParams(), c.seen), cost(without, c.seen)
		t.Logf("names seen in %d off-topic articles cost %.2f with the word prior, %.2f without", c.seen, with, base)
		if base <= 0 || with/base < c.min || with/base > c.max {
			t.Errorf("names seen in %d off-topic articles: cost %.2f, without the word prior %.2f; want a ratio in [%.2f, %.2f]", c.seen, with, base, c.min, c.max)
		}
	}
}

// TestReadAheadDecidesAndLearnsAsInTurn checks that deciding and learning
// with readings made ahead (on other goroutines) gives the decisions, and
// teaches the gate, exactly as Decide then Learn in turn do, and that a
// reading of another article, or by another gate, is not used.
func TestReadAheadDecidesAndLearnsAsInTurn(t *testing.T) {
	stream := synthStream(3000, "space", 0.3, 5, true)
	hub := Hub{Topic: "Space", Keywords: []string{"NASA", "astronaut"}}
	label := func(d Decision) Label { return d.Label() }
	// The other gate has other keywords, so its readings differ: used in
	// place of the gate's own, they would change the decisions.
	inTurn, ahead, other := New(hub), New(hub), New(Hub{Topic: "Space", Keywords: []string{"orbit", "launch", "rocket"}})
	readings := make([]*Reading, len(stream))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < len(stream); i += 4 {
				switch {
				case i%7 == 0:
					readings[i] = other.Read(stream[i].Article) // another gate's
				case i%11 == 0:
					readings[i] = ahead.Read(stream[(i+1)%len(stream)].Article) // another article's
				default:
					readings[i] = ahead.Read(stream[i].Article)
				}
			}
		})
	}
	wg.Wait()
	for i, a := range stream {
		want := inTurn.Decide(a.Article)
		inTurn.Learn(a.Article, label(want))
		got := ahead.DecideLearn(a.Article, readings[i], label)
		if !decisionsEqual(got, want) {
			t.Fatalf("article %d: read ahead %+v, in turn %+v", i, got, want)
		}
	}
	probe := synthStream(200, "space", 0.5, 6, true)
	for i, a := range probe {
		if got, want := ahead.Decide(a.Article), inTurn.Decide(a.Article); !decisionsEqual(got, want) {
			t.Fatalf("probe %d after the stream: read ahead %+v, in turn %+v: the gates learned differently", i, got, want)
		}
	}
}

func decisionsEqual(a, b Decision) bool {
	return a.OnTopic == b.OnTopic && a.Score == b.Score && a.Basis == b.Basis && slices.Equal(a.Reasons, b.Reasons)
}

// TestOwnDecisionsTeachAsMuchAsTheyAreSure checks that a decision of the
// text model teaches what the model read, on topic when its score is over
// one half whatever the threshold it was decided with, with the
// probability it read (p on topic, 1−p off), that one without a score
// teaches fully, and that every other basis teaches with its own weight
// whatever the score.
func TestOwnDecisionsTeachAsMuchAsTheyAreSure(t *testing.T) {
	p := defaultParams()
	for _, c := range []struct {
		name  string
		label Label
		on    float64 // on-topic weight taught
		off   float64 // off-topic weight taught
	}{
		{"sure on topic", Label{OnTopic: true, Basis: Model, Score: 0.99}, 0.99 * p.selfOn, 0},
		{"barely on topic", Label{OnTopic: true, Basis: Model, Score: 0.6}, 0.6 * p.selfOn, 0},
		{"barely off topic", Label{OnTopic: false, Basis: Model, Score: 0.4}, 0, 0.6 * p.selfOff},
		{"sure off topic", Label{OnTopic: false, Basis: Model, Score: 0.05}, 0, 0.95 * p.selfOff},
		{"on topic below one half", Label{OnTopic: true, Basis: Model, Score: 0.3}, 0, 0.7 * p.selfOff},
		{"off topic without a score", Label{OnTopic: false, Basis: Model}, 0, p.selfOff},
		{"keyword hit", Label{OnTopic: true, Basis: Keyword, Score: 0.5}, 1, 0},
		{"keyword hit the veto decided off", Label{OnTopic: false, Basis: Keyword, Score: 0.05}, 1, 0},
		{"editor", Label{OnTopic: false, Basis: Editor, Score: 0.9}, 0, 1},
	} {
		g := New(Hub{Topic: "Space", Keywords: []string{"rocket"}})
		g.Learn(Article{Title: "A rocket at the harbour"}, c.label)
		if math.Abs(g.m.onDocs-c.on) > 1e-6 || math.Abs(g.m.offDocs-c.off) > 1e-6 {
			t.Errorf("%s: taught %.3f on topic and %.3f off, want %.3f and %.3f", c.name, g.m.onDocs, g.m.offDocs, c.on, c.off)
		}
	}
}

// TestKeywordInAnotherSenseIsOffTopic checks the veto: a keyword hit whose
// words the model reads as another topic's ("transfer market" in football
// news, on a hub about stock markets) is off topic and says why, a hit in
// the hub's sense stays on topic, and the veto teaches nothing: the model
// learns what it learns without it.
func TestKeywordInAnotherSenseIsOffTopic(t *testing.T) {
	stream := synthStream(4000, "markets", 0.25, 41, false)
	for i := range stream {
		a := &stream[i]
		switch {
		case i%3 == 0 && a.topic == "football":
			a.Title += " as the transfer market opens"
		case i%3 == 0 && a.topic == "markets":
			a.Title += " as the market rallies"
		}
	}
	hub := Hub{Topic: "Markets", Keywords: []string{"stocks", "dividend", "market"}}
	without := defaultParams()
	without.veto = 0
	g, g0 := New(hub), newWithParams(hub, without)
	ds, ds0 := observeAll(g, stream), observeAll(g0, stream)
	var vetoed, football, kept, markets int
	for i, a := range stream {
		if !strings.Contains(a.Title, "market ") || ds[i].Basis != Keyword {
			continue
		}
		if ds0[i].Basis != Keyword || !ds0[i].OnTopic {
			t.Fatalf("%q: without the veto %+v, want on topic for its keyword", a.Title, ds0[i])
		}
		switch a.topic {
		case "football":
			football++
			if !ds[i].OnTopic && hasReason(ds[i], `keyword "market" in another sense`) && ds[i].Score < 0.5 {
				vetoed++
			}
		case "markets":
			markets++
			if ds[i].OnTopic {
				kept++
			}
		}
	}
	t.Logf("football with \"market\": %d of %d off topic; markets with \"market\": %d of %d on topic", vetoed, football, kept, markets)
	if football == 0 || float64(vetoed) < 0.8*float64(football) {
		t.Errorf("%d of %d football articles with \"transfer market\" decided off topic by the veto, want at least 80%%", vetoed, football)
	}
	if markets == 0 || float64(kept) < 0.95*float64(markets) {
		t.Errorf("%d of %d markets articles with \"market\" kept on topic, want at least 95%%", kept, markets)
	}
	if g.m.onDocs != g0.m.onDocs || g.m.offDocs != g0.m.offDocs || g.m.partN != g0.m.partN || !slices.Equal(g.m.on, g0.m.on) {
		t.Errorf("the veto changed what the model learned: on %.3f/%.3f, off %.3f/%.3f", g.m.onDocs, g0.m.onDocs, g.m.offDocs, g0.m.offDocs)
	}
}

// TestThresholdFollowsTheKeywordHits checks the model's threshold: it
// decides on topic articles it reads as less than half likely on topic
// when it reads its keyword hits as little more likely, which finds more
// of the topic while the model has learned little, and it decides and
// does not teach: the model learns what it learns with a threshold of one
// half. Both gates teach their off-topic decisions fully whatever their
// views read (views 1), since views weigh them by the threshold.
func TestThresholdFollowsTheKeywordHits(t *testing.T) {
	stream := blurredStream(3000, "space", 0.2, 13)
	hub := Hub{Topic: "Space", Keywords: []string{"NASA", "orbit"}}
	p := defaultParams()
	p.views = 1
	half := p
	half.halfHits = false
	g, g0 := newWithParams(hub, p), newWithParams(hub, half)
	ds, ds0 := observeAll(g, stream), observeAll(g0, stream)
	below := 0
	for i, d := range ds {
		if d.Basis == Model && d.OnTopic && d.Score < 0.5 {
			below++
			if !hasReason(d, "on topic above") {
				t.Fatalf("%+v: the reason does not say the threshold", d)
			}
		}
		if ds0[i].OnTopic && !d.OnTopic {
			t.Fatalf("article %d: on topic at one half, off below it: %+v", i, d)
		}
	}
	s, s0 := tally(stream, ds, "space"), tally(stream, ds0, "space")
	t.Logf("threshold %.2f: %v, %d decided on topic below one half; at one half %v", g.m.threshold(), s, below, s0)
	if below == 0 || s.R <= s0.R {
		t.Errorf("%d decisions on topic below one half, recall %.3f against %.3f at one half", below, s.R, s0.R)
	}
	if th := g.m.threshold(); th <= 0 || th >= 0.5 {
		t.Errorf("threshold %.3f, want between 0 and one half", th)
	}
	if g.m.onDocs != g0.m.onDocs || g.m.offDocs != g0.m.offDocs || g.m.partN != g0.m.partN || !slices.Equal(g.m.on, g0.m.on) {
		t.Errorf("the threshold changed what the model learned: on %.3f/%.3f, off %.3f/%.3f", g.m.onDocs, g0.m.onDocs, g.m.offDocs, g0.m.offDocs)
	}
}

// blurredStream is synthStream with short articles that draw as many words
// from one other topic as from their own, so that the model reads many
// of them as neither clearly on topic nor clearly off.
func blurredStream(n int, on string, share float64, seed uint64) []synthArticle {
	r := rand.New(rand.NewPCG(seed, 9))
	topics := slices.Sorted(maps.Keys(topicWords))
	out := make([]synthArticle, n)
	for i := range out {
		topic := on
		if r.Float64() >= share {
			for topic == on {
				topic = topics[r.IntN(len(topics))]
			}
		}
		other := topics[r.IntN(len(topics))]
		var words []string
		for range 8 + r.IntN(6) {
			pool := commonWords
			switch r.IntN(10) {
			case 0, 1, 2, 3:
				pool = topicWords[topic]
			case 4, 5, 6:
				pool = topicWords[other]
			}
			words = append(words, pool[r.IntN(len(pool))])
		}
		out[i] = synthArticle{topic: topic, Article: Article{Title: strings.Join(words[:4], " "), Excerpt: strings.Join(words[4:], " ")}}
	}
	return out
}

// TestAStopWordKeywordInCapitalsIsAnAbbreviation: an operator who writes
// "US" or "IT" means the country or the trade, not the pronoun: the
// keyword finds the word written in capitals (or with dots) and nothing
// else, where it found nothing at all; written in small letters it stays
// ignored, and the decision says how to write it.
func TestAStopWordKeywordInCapitalsIsAnAbbreviation(t *testing.T) {
	g := New(Hub{Topic: "Elections", Keywords: []string{"US", "IT", "us"}, Hashtags: []string{"#WHO"}})
	if g.Open() {
		t.Fatal("the gate is open: its capital keywords select nothing")
	}
	for _, c := range []struct {
		a    Article
		want string // keyword found, or "" for none
	}{
		{Article{Title: "US votes in a close race"}, `keyword "US"`},
		{Article{Title: "Polls close across the U.S. tonight"}, `keyword "US"`},
		{Article{Title: "Budget", Excerpt: "Spending on IT rises again."}, `keyword "IT"`},
		{Article{Title: "WHO warns of a hard winter"}, `keyword "#WHO"`},
		{Article{Title: "Tell us what you think of it"}, ""},
		{Article{Title: "Us and them: a family recipe"}, ""},
		{Article{Title: "It is raining again"}, ""},
		{Article{Title: "Who won the cup final"}, ""},
	} {
		d := g.Decide(c.a)
		if c.want == "" {
			if d.Basis == Keyword {
				t.Errorf("%q: decided on %q, want no keyword", c.a.Title, d.Reasons)
			}
			continue
		}
		if !d.OnTopic || d.Basis != Keyword || !hasReason(d, c.want) {
			t.Errorf("%q: %+v, want on topic for %s", c.a.Title, d, c.want)
		}
	}
	ign := g.Ignored()
	if len(ign) != 1 || !strings.Contains(ign[0], `keyword "us" is a stop word: ignored`) || !strings.Contains(ign[0], `"US"`) {
		t.Errorf("ignored %q, want the small-letter \"us\" alone, saying how to write it", ign)
	}
}

// TestKeywordsWithSymbolsFindTheirText: a keyword holding a symbol that
// words leave out ("C++", "F#", "AT&T", ".NET", "#1") finds its text as
// written, in any case, and not the words around the symbol ("AT" of "AT
// last", "net" of a fishing net, "1" of "chapter 1"); one whose symbols
// only join words ("Wi-Fi", "COVID-19") finds the phrase as before.
func TestKeywordsWithSymbolsFindTheirText(t *testing.T) {
	for _, c := range []struct {
		keyword string
		a       Article
		found   bool
	}{
		{"C++", Article{Title: "C++ 26 ships with static reflection"}, true},
		{"C++", Article{Title: "Compilers", Excerpt: "The committee voted c++26 complete."}, true},
		{"C++", Article{Title: "Grade C students catch up"}, false},
		{"C++", Article{Title: "ABC++ is not a language"}, false},
		{"F#", Article{Title: "F# 9 brings nullable reference types"}, true},
		{"F#", Article{Title: "A sonata in F major"}, false},
		{"C#", Article{Title: "What is new in C# 14"}, true},
		{"AT&T", Article{Title: "AT&T buys spectrum licences"}, true},
		{"AT&T", Article{Title: "Carrier news", Excerpt: "Shares of at&t rose."}, true},
		{"AT&T", Article{Title: "AT LAST, A DEAL ON RAIL"}, false},
		{"S&P 500", Article{Title: "S&P 500 falls on rate fears"}, true},
		{"S&P 500", Article{Title: "Top 500 companies by revenue"}, false},
		{".NET", Article{Title: ".NET 10 released with C# 14"}, true},
		{".NET", Article{Title: "ASP.NET Core gets a new router"}, true},
		{".NET", Article{Title: "Fishermen mend the net"}, false},
		{".NET", Article{Title: "Net income rises"}, false},
		{"#1", Article{Title: "Album debuts at #1 on the charts"}, true},
		{"#1", Article{Title: "Chapter 1 begins"}, false},
		{"#1", Article{Title: "Ranked #10 this week"}, false},
		{"Wi-Fi", Article{Title: "Wi-Fi 7 routers arrive"}, true},
		{"COVID-19", Article{Title: "COVID-19 cases rise"}, true},
		{"COVID-19", Article{Title: "Covid 19 cases rise"}, true},
	} {
		g := New(Hub{Topic: "Tech", Keywords: []string{c.keyword}})
		if ig := g.Ignored(); len(ig) > 0 {
			t.Errorf("keyword %q ignored: %v", c.keyword, ig)
		}
		d := g.Decide(c.a)
		if found := d.Basis == Keyword && hasReason(d, `keyword "`+c.keyword+`"`); found != c.found {
			t.Errorf("keyword %q in %+v: %+v; want found %v", c.keyword, c.a, d, c.found)
		}
	}
}

// TestOffTopicLessonsWhoseViewsDisagreeTeachLess checks that the model's
// own off-topic decision teaches half its weight (views) when its title
// alone or its excerpt alone reads on topic, and all of it when neither
// does or when the lesson is another's.
func TestOffTopicLessonsWhoseViewsDisagreeTeachLess(t *testing.T) {
	p := defaultParams()
	off := Label{Basis: Model, Score: 0.2}
	const half = 0.5
	for _, c := range []struct {
		name           string
		title, excerpt string
		label          Label
		want           float64 // off-topic weight taught
	}{
		{"title on topic", "Rocket orbit launch", "Striker scores in the derby cup final", off, 0.8 * p.selfOff * half},
		{"excerpt on topic", "Derby cup final", "The rocket reached orbit after launch", off, 0.8 * p.selfOff * half},
		{"both off topic", "Derby cup final", "Striker scores in the derby cup final", off, 0.8 * p.selfOff},
		{"an editor's lesson", "Rocket orbit launch", "Striker scores in the derby cup final", Label{Basis: Editor}, 1},
	} {
		g := New(Hub{Topic: "Space", Keywords: []string{"rocket"}})
		for _, a := range synthStream(400, "space", 0.25, 7, false) {
			l := Label{Basis: Model, Score: 0.01}
			if a.topic == "space" {
				l = Label{OnTopic: true, Basis: Keyword}
			}
			g.Learn(a.Article, l)
		}
		if !g.m.ready() {
			t.Fatalf("%s: the model does not decide after its lessons", c.name)
		}
		before := g.m.offDocs
		g.Learn(Article{Title: c.title, Excerpt: c.excerpt}, c.label)
		if got := g.m.offDocs - before; math.Abs(got-c.want) > 1e-6 {
			t.Errorf("%s: taught %.3f off topic, want %.3f", c.name, got, c.want)
		}
	}
}
