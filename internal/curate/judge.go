package curate

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate/scope"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// judge applies, in one curation run, what decides beside the clustering
// whether and how an article is published: the editors' decisions and the
// topic gate. See the package comment, "Topic and editors".
type judge struct {
	c         *Curator
	log       *editorial.Log
	rules     *editorial.Rules
	gate      *scope.Gate
	dedicated map[string]bool // feeds marked dedicated, by editorial.SourceKey
	listed    map[string]bool // every feed of the sources list, by the same key
	// teach says editors' lessons teach the gate: not while the gate has
	// nothing else to go by (see editorial's package comment).
	teach bool
	// open is the decision of a gate that lets everything through.
	open *model.Relevance
	// readings are the arrivals' words read ahead (Curator.Prepare).
	readings map[*model.Article]*scope.Reading
}

// sourcesPath is the site path of the sources list.
const sourcesPath = "_data/sources.yaml"

// newJudge reads the decisions and the sources as they stand and readies
// the gate: the curator's own (replayed from the store on first use), or
// with fresh a new one that the caller teaches (All does, in time order).
func (c *Curator) newJudge(ctx context.Context, fresh bool) (*judge, error) {
	log, err := c.decisions.Load(ctx, c.st, c.siteDir)
	if err != nil {
		return nil, fmt.Errorf("curate: %w", err)
	}
	srcs, err := c.sources(ctx)
	if err != nil {
		return nil, err
	}
	j := &judge{c: c, log: log, rules: c.compiled(log), dedicated: map[string]bool{}, listed: map[string]bool{}}
	for _, s := range srcs {
		j.listed[editorial.SourceKey(s.URL)] = true
		if s.Dedicated {
			j.dedicated[editorial.SourceKey(s.URL)] = true
		}
	}
	hub := c.hub(len(j.dedicated) > 0)
	if fresh {
		j.gate = scope.New(hub)
	} else if j.gate, err = c.sharedGate(ctx, hub); err != nil {
		return nil, err
	}
	j.teach = len(hub.Keywords)+len(hub.Hashtags) > 0 || hub.DedicatedSources
	return j, nil
}

// compiled returns the rules of log, compiled again only when it is
// another log than the last (the cache gives the same while the file
// holds the same bytes).
func (c *Curator) compiled(log *editorial.Log) *editorial.Rules {
	return c.rules.Of(log, func(l *editorial.Log) *editorial.Rules { return editorial.Compile(l.Decisions, c.canonical) })
}

// sources reads the hub's sources list: the site folder's file, else the
// store's copy.
func (c *Curator) sources(ctx context.Context) ([]model.Source, error) {
	if c.siteDir != "" {
		data, err := os.ReadFile(c.siteDir + "/" + sourcesPath)
		switch {
		case err == nil:
			rec, err := content.Parse(sourcesPath, data)
			if err != nil {
				return nil, fmt.Errorf("curate: %w", err)
			}
			return rec.Sources.Sources, nil
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("curate: read sources: %w", err)
		}
	}
	rec, err := c.st.Get(ctx, sourcesPath)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("curate: read sources: %w", err)
	case rec.Sources == nil:
		return nil, nil
	}
	return rec.Sources.Sources, nil
}

// hub is what the gate knows of the hub's topic: the root topic's
// keywords and hashtags, and those of the topics under it that have
// keywords (a child topic is part of its parent's; a topic without
// keywords, such as a voice label, is a publisher's label, not words).
func (c *Curator) hub(dedicated bool) scope.Hub {
	h := scope.Hub{DedicatedSources: dedicated}
	root := c.site.Root()
	if root == nil {
		return h
	}
	h.Topic = root.Name
	for _, t := range c.site.Topics {
		if t == root || len(t.Keywords) > 0 && c.under(t, root) {
			h.Keywords = append(h.Keywords, t.Keywords...)
			h.Hashtags = append(h.Hashtags, t.Hashtags...)
		}
	}
	return h
}

// under reports whether topic t descends from root.
func (c *Curator) under(t, root *model.Topic) bool {
	seen := map[string]bool{}
	for t.Parent != "" && !seen[t.Name] {
		seen[t.Name] = true
		p := c.site.TopicByName(t.Parent)
		if p == nil {
			return false
		}
		if p == root {
			return true
		}
		t = p
	}
	return false
}

func hubKey(h scope.Hub) string {
	return fmt.Sprintf("%q|%q|%q|%v", h.Topic, h.Keywords, h.Hashtags, h.DedicatedSources)
}

// sharedGate returns the curator's gate for hub, made and taught on first
// use (or when the hub's topic changed) from the decisions stored with the
// latest articles, oldest first, so a new process does not start cold.
func (c *Curator) sharedGate(ctx context.Context, hub scope.Hub) (*scope.Gate, error) {
	c.gateMu.Lock()
	defer c.gateMu.Unlock()
	key := hubKey(hub)
	if c.gate != nil && c.gateKey == key {
		return c.gate, nil
	}
	g := scope.New(hub)
	recs, err := c.st.News(ctx, store.NewsQuery{Order: store.ByTime, Limit: g.Window(), NoRaw: true})
	if err != nil {
		return nil, fmt.Errorf("curate: replay topic decisions: %w", err)
	}
	for i := len(recs) - 1; i >= 0; i-- {
		if a := recs[i].Article; a != nil {
			replay(g, a)
		}
	}
	c.gate, c.gateKey = g, key
	return g, nil
}

// useGate makes g, taught over the whole store, the curator's gate.
func (c *Curator) useGate(g *scope.Gate, hub scope.Hub) {
	c.gateMu.Lock()
	c.gate, c.gateKey = g, hubKey(hub)
	c.gateMu.Unlock()
}

// replay teaches g an article's stored decision, as it was learned.
func replay(g *scope.Gate, a *model.Article) {
	r := a.Relevance
	if r == nil {
		return
	}
	var b scope.Basis
	if err := b.UnmarshalText([]byte(r.Basis)); err != nil || b == scope.Everything {
		return
	}
	g.Learn(gateArticle(a, false), scope.Label{OnTopic: r.OnTopic, Basis: b, Score: r.Score})
}

// gateArticle is what the gate reads of an article.
func gateArticle(a *model.Article, inOnTopicStory bool) scope.Article {
	return scope.Article{
		Title:          a.Title,
		Excerpt:        a.Excerpt,
		URL:            firstOf(a.OriginalURL, a.WebURL),
		Provider:       publisherHost(a),
		InOnTopicStory: inOnTopicStory,
	}
}

func firstOf(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// relevanceOf turns a gate's decision into the stored form.
func relevanceOf(d scope.Decision) *model.Relevance {
	return &model.Relevance{OnTopic: d.OnTopic, Score: round4(d.Score), Basis: d.Basis.String(), Reasons: d.Reasons}
}

func round4(x float64) float64 { return float64(int64(x*1e4+0.5)) / 1e4 }

// own is the gate's own decision on an article, when it has one stored.
func own(r *model.Relevance) *model.Relevance {
	switch {
	case r == nil:
		return nil
	case r.Own != nil:
		return r.Own
	case r.Basis == scope.Keyword.String() || r.Basis == scope.Model.String():
		return r
	}
	return nil
}

// article returns what the decisions say of an article, or nil.
func (j *judge) article(a *model.Article) *editorial.Article { return j.rules.Article(a.CanonicalURL) }

// relevance gives an article its relevance on its own, its story aside:
// an editor's lesson, else its dedicated source (the one it came from, if
// no longer listed), else everything when the gate has nothing to go by,
// else the gate's decision, stored once made.
// A decision made now, or a lesson new to the gate, teaches the gate.
// inOnTopicStory says the article has joined a story led by an on-topic
// article, where the caller knows.
func (j *judge) relevance(a *model.Article, inOnTopicStory bool) {
	prev, mine := a.Relevance, own(a.Relevance)
	if on, ok := j.article(a).OnTopicLesson(); ok {
		d := j.article(a).Lesson
		a.Relevance = &model.Relevance{OnTopic: on, Score: score(on), Basis: scope.Editor.String(),
			Reasons: []string{editorial.Describe(*d)}, Own: mine}
		if j.teach && (prev == nil || prev.Basis != a.Relevance.Basis || prev.OnTopic != on) {
			j.gate.Learn(gateArticle(a, false), scope.Label{OnTopic: on, Basis: scope.Editor})
		}
		return
	}
	if prev != nil && prev.Basis == scope.Dedicated.String() && a.Source != "" && !j.listed[editorial.SourceKey(a.Source)] {
		// Its feed is no longer read (removed, or moved to another
		// address): it came from a dedicated feed, and stays so, as a
		// keyword hit stays one when the keywords change. A feed still
		// listed but no longer dedicated has its articles judged again.
		return
	}
	if len(j.dedicated) > 0 && a.Source != "" && j.dedicated[editorial.SourceKey(a.Source)] {
		a.Relevance = &model.Relevance{OnTopic: true, Score: 1, Basis: scope.Dedicated.String(),
			Reasons: []string{dedicatedReason(a.Source)}, Own: mine}
		if prev == nil || prev.Basis != a.Relevance.Basis {
			j.gate.Learn(gateArticle(a, false), scope.Label{OnTopic: true, Basis: scope.Dedicated})
		}
		return
	}
	if j.gate.Open() {
		if j.open == nil {
			j.open = relevanceOf(j.gate.Decide(scope.Article{}))
		}
		r := *j.open // the same decision for every article
		r.Own = mine
		a.Relevance = &r
		return
	}
	if mine != nil {
		a.Relevance = mine
		return
	}
	j.gate.DecideLearn(gateArticle(a, false), j.readings[a], func(d scope.Decision) scope.Label {
		a.Relevance = relevanceOf(d)
		if inOnTopicStory && !d.OnTopic {
			a.Relevance = storyRelevance(a.Relevance, "")
		}
		return scope.Label{OnTopic: a.Relevance.OnTopic, Basis: basisOf(a.Relevance), Score: a.Relevance.Score}
	})
}

func basisOf(r *model.Relevance) scope.Basis {
	var b scope.Basis
	b.UnmarshalText([]byte(r.Basis))
	return b
}

func score(on bool) float64 {
	if on {
		return 1
	}
	return 0
}

// storyRelevance is the relevance of an article on topic through its
// story: the lead (led) is on topic.
func storyRelevance(own *model.Relevance, led string) *model.Relevance {
	why := "in a story led by an on-topic article"
	if led != "" {
		why += ": " + led
	}
	return &model.Relevance{OnTopic: true, Score: own.Score, Basis: scope.Story.String(), Reasons: []string{why}, Own: own}
}

// withhold sets whether the article is withheld, and why, from the
// editors' decisions and its relevance; it writes the decisions that
// apply to it among its explanations.
func (j *judge) withhold(a *model.Article) {
	ed := j.article(a)
	a.Withheld = ""
	var why string
	block := func(d model.Decision, reason string) {
		if a.Withheld == "" {
			a.Withheld = reason
		}
		why = editorial.Describe(d)
	}
	switch {
	case ed != nil && ed.Shown != nil:
		why = editorial.Describe(*ed.Shown)
	case ed != nil && ed.Hidden != nil:
		block(*ed.Hidden, model.WithheldHidden)
	case !j.rules.Blocks():
		if a.Relevance != nil && !a.Relevance.OnTopic {
			a.Withheld = model.WithheldOffTopic
		}
	default:
		if d, ok := j.rules.Source(a.Source); ok {
			block(d, model.WithheldSource)
		} else if d, ok := j.rules.Publisher(publisherHost(a)); ok {
			block(d, model.WithheldPublisher)
		} else if a.Relevance != nil && !a.Relevance.OnTopic {
			a.Withheld = model.WithheldOffTopic
		}
	}
	if why != "" {
		j.note(a, why)
	}
}

// note adds a line to what editors' decisions did to an article.
func (j *judge) note(a *model.Article, line string) {
	if a.Explain == nil {
		a.Explain = &model.Explain{}
	}
	if !slices.Contains(a.Explain.Editor, line) {
		a.Explain.Editor = append(a.Explain.Editor, line)
	}
}

// editTopics applies the editors' topic additions and removals to an
// article whose topics were just computed, in taxonomy order; it reports
// whether they changed.
func (j *judge) editTopics(a *model.Article) bool {
	ed := j.article(a)
	if ed == nil || len(ed.Topics) == 0 {
		return false
	}
	before := slices.Clone(a.Topics)
	for _, d := range ed.Topics {
		name := d.Topic
		t := j.c.site.Topic(name)
		if t != nil {
			name = t.Name
		}
		if t == nil && d.Action == editorial.TopicAdd {
			// Removed from the taxonomy, or renamed, since: the hub has
			// no page for it.
			j.note(a, editorial.Describe(d)+" (no longer in the taxonomy)")
			continue
		}
		if d.Action == editorial.TopicAdd {
			if !slices.Contains(a.Topics, name) {
				a.Topics = append(a.Topics, name)
			}
		} else {
			a.Topics = slices.DeleteFunc(a.Topics, func(s string) bool { return s == name })
		}
		j.note(a, editorial.Describe(d))
		// An article settled again by a decision keeps the lines of the
		// edits applied before: each is written once.
		if why := name + ": " + editorial.Describe(d); a.Explain != nil && !slices.Contains(a.Explain.Topics, why) {
			a.Explain.Topics = append(a.Explain.Topics, why)
		}
		if d.Action == editorial.TopicAdd {
			j.addParents(a, name)
		}
	}
	j.sortTopics(a.Topics)
	return !slices.Equal(before, a.Topics)
}

// addParents adds to an article the topics above the topic named name
// that it lacks, as Topics does: a child topic implies its parent.
func (j *judge) addParents(a *model.Article, name string) {
	t := j.c.site.TopicByName(name)
	for seen := map[string]bool{name: true}; t != nil && t.Parent != ""; {
		parent := j.c.site.TopicByName(t.Parent)
		if parent == nil || seen[parent.Name] {
			return
		}
		seen[parent.Name] = true
		if !slices.Contains(a.Topics, parent.Name) {
			a.Topics = append(a.Topics, parent.Name)
			if a.Explain != nil {
				a.Explain.Topics = append(a.Explain.Topics, line(parent.Name+": parent of "+t.Name))
			}
		}
		t = parent
	}
}

// sortTopics orders topic names as the taxonomy does, unknown names last.
func (j *judge) sortTopics(names []string) {
	order := func(n string) int {
		for i, t := range j.c.site.Topics {
			if t.Name == n {
				return i
			}
		}
		return len(j.c.site.Topics)
	}
	slices.SortStableFunc(names, func(x, y string) int { return order(x) - order(y) })
}

// judgeStory applies to one story what the editors and the gate decide:
// each member's relevance on its own, whether it is withheld, the lead
// (the one an editor chose last, when it may be published, else the best
// that may), and the story rule (every member of a story led by an
// on-topic article is on topic). It returns the lead, nil when no member
// may be published; finishStory settles the story with it.
func (j *judge) judgeStory(id string, members []*model.Article) *model.Article {
	for _, a := range members {
		if a.Relevance != nil && a.Relevance.Basis == scope.Story.String() && a.Relevance.Own != nil {
			a.Relevance = a.Relevance.Own // the story is judged afresh
		}
		j.relevance(a, false)
		j.withhold(a)
	}
	lead := j.lead(members)
	if storyOnTopic(lead, members) {
		for _, a := range members {
			if a.Relevance != nil && !a.Relevance.OnTopic && a.Relevance.Basis != scope.Editor.String() {
				a.Relevance = storyRelevance(a.Relevance, fmt.Sprintf("%q (story %s)", lead.Title, id))
				j.withhold(a)
			}
		}
		lead = j.lead(members)
	}
	return lead
}

// storyOnTopic reports whether a story led by lead brings its members on
// topic: its lead is on topic, and so is one of its members (the lead or
// another) surely, not only by the gate's threshold. The threshold trades
// precision for recall one article at a time; a story whose only claim is
// such an article would bring its members in with it, and, stored as on
// topic through the story, they would teach the gate when a new process
// replays them. A story that holds a sure member is on topic whichever
// member leads it: the lead is picked among the members that may be
// published, which the threshold widens.
func storyOnTopic(lead *model.Article, members []*model.Article) bool {
	if lead == nil || lead.Relevance == nil || !lead.Relevance.OnTopic {
		return false
	}
	return slices.ContainsFunc(members, func(a *model.Article) bool { return surelyOnTopic(a.Relevance) })
}

// surelyOnTopic reports whether r is on topic other than only by the
// gate's threshold: by a keyword, a dedicated source, an editor, or the
// text model reading it more than half likely on topic.
func surelyOnTopic(r *model.Relevance) bool {
	return r != nil && r.OnTopic && (r.Basis != scope.Model.String() || r.Score > 0.5)
}

// judgeImported judges imported records that carry their lifecycle
// values, as a hub that curated them left them: a record it published (a
// lead) was on its topic, and so is every record of its story (the story
// rule); the others get the gate's decision. The gate's own decision on
// each is kept (Relevance.Own), and curate judges them again. Editors'
// decisions apply as everywhere.
func (j *judge) judgeImported(id string, arrivals []*model.Record) {
	var lead *model.Article
	for _, r := range arrivals {
		if a := r.Article; a.Published && (lead == nil || compareLead(a, lead) < 0) {
			lead = a
		}
	}
	for _, r := range arrivals {
		a := r.Article
		if lead != nil && a.Relevance != nil && !a.Relevance.OnTopic && a.Relevance.Basis != scope.Editor.String() {
			why := fmt.Sprintf("%q (story %s), published as its lead by the hub the records come from", lead.Title, id)
			if a == lead {
				why = "the hub the record comes from published it as its story's lead"
			}
			a.Relevance = storyRelevance(a.Relevance, "")
			a.Relevance.Reasons = []string{"in a story led by an on-topic article: " + why}
			if a == lead {
				a.Relevance.Reasons = []string{why}
			}
		}
		j.withhold(a)
	}
}

// finishStory applies the lifecycle rules with the lead judgeStory chose
// (related, heat; see SettleLed) and puts the editors' pin on the lead.
// extra are related candidates beyond the members, none withheld.
func (j *judge) finishStory(id string, members []*model.Article, lead *model.Article, extra []model.Related) {
	SettleLed(members, lead, extra, j.c.limit)
	keys := make([]string, len(members))
	for i, a := range members {
		keys[i] = a.CanonicalURL
		a.PinnedUntil = time.Time{}
	}
	if lead == nil {
		return
	}
	if ed := j.article(lead); ed != nil && ed.Lead != nil {
		j.note(lead, editorial.Describe(*ed.Lead))
	}
	if until, d, ok := j.rules.Pin(id, keys); ok {
		lead.PinnedUntil = until
		j.note(lead, editorial.Describe(d))
	}
}

// shapes reports whether an editor's decision shapes the story of an
// article beyond the article itself: its lead, its pin.
func (j *judge) shapes(a *model.Article) bool {
	if ed := j.article(a); ed != nil && ed.Lead != nil {
		return true
	}
	_, _, ok := j.rules.Pin(a.Story, []string{a.CanonicalURL})
	return ok
}

// moveOf returns the last move of an article an editor made, if any.
func (j *judge) moveOf(a *model.Article) (model.Decision, bool) {
	st := j.rules.Structure()
	for i := len(st) - 1; i >= 0; i-- {
		if d := st[i]; d.Action == editorial.Move && j.key(d.Article) == a.CanonicalURL {
			return d, true
		}
	}
	return model.Decision{}, false
}

// lead picks a story's lead: among the members that may be published,
// the one an editor chose last, else Lead's.
func (j *judge) lead(members []*model.Article) *model.Article {
	var chosen *model.Article
	best := 0
	for _, a := range members {
		if ed := j.article(a); ed != nil && ed.Lead != nil && a.Publishable() && ed.LeadSeq > best {
			chosen, best = a, ed.LeadSeq
		}
	}
	if chosen != nil {
		return chosen
	}
	return Lead(members)
}

// storyOf names the story an editor's decision names: the story of the
// article it names, found by key, else the id it gives when a record in
// play still has it.
func storyOf(id, article string, byKey func(string) *model.Record, exists func(string) bool) string {
	if article != "" {
		if r := byKey(article); r != nil && r.Article.Story != "" {
			return r.Article.Story
		}
	}
	if id != "" && exists(id) {
		return id
	}
	return ""
}

// movedOutID names the story of an article an editor moved out of its
// story: its own, never one the clusterer names.
func movedOutID(key string) string { return storyID("moved:" + key) }

// restructure applies the editors' moves and merges, in log order, to
// records in play: move(r, id) puts a record in a story. byKey finds a
// record in play by canonical URL, members lists a story's records in
// play. It returns how many decisions applied.
func (j *judge) restructure(byKey func(string) *model.Record, members func(string) []*model.Record, move func(r *model.Record, id string)) int {
	exists := func(id string) bool { return len(members(id)) > 0 }
	n := 0
	for _, d := range j.rules.Structure() {
		switch d.Action {
		case editorial.Move:
			r := byKey(j.key(d.Article))
			if r == nil {
				continue
			}
			to := movedOutID(r.Article.CanonicalURL)
			if !d.Out {
				if to = storyOf(d.Into, j.key(d.IntoArticle), byKey, exists); to == "" {
					continue
				}
			}
			if r.Article.Story != to {
				move(r, to)
			}
			j.note(r.Article, editorial.Describe(d))
			r.Article.Explain.Story = fmt.Sprintf("story %s: %s", to, editorial.Describe(d))
			n++
		case editorial.Merge:
			from := storyOf(d.Story, j.key(d.StoryArticle), byKey, exists)
			to := storyOf(d.Into, j.key(d.IntoArticle), byKey, exists)
			if from == "" || to == "" || from == to {
				continue
			}
			for _, r := range slices.Clone(members(from)) {
				move(r, to)
				j.note(r.Article, editorial.Describe(d))
				r.Article.Explain.Story = fmt.Sprintf("story %s: %s", to, editorial.Describe(d))
			}
			n++
		}
	}
	return n
}

// key canonicalizes a decision's address as articles are keyed; "" stays
// "".
func (j *judge) key(u string) string {
	if u = strings.TrimSpace(u); u == "" {
		return ""
	}
	return j.c.canonical(u)
}

// ExplainScope says, a line each, whether an article is on the hub's
// topic and why: its stored decision, the gate's own when the decision
// rests on something else, and for a decision of the text model the
// words that weighed most. An article without a decision yet is judged
// now, without teaching the gate.
func (c *Curator) ExplainScope(ctx context.Context, r *model.Record) ([]string, error) {
	j, err := c.newJudge(ctx, false)
	if err != nil {
		return nil, err
	}
	a := r.Article
	rel := a.Relevance
	var lines []string
	if rel == nil {
		d := j.gate.Explain(gateArticle(a, false))
		rel = relevanceOf(d)
		lines = append(lines, "not decided yet (run curate); the gate would decide:")
	}
	lines = append(lines, fmt.Sprintf("%s (%s, score %.2f)", onOff(rel.OnTopic), rel.Basis, rel.Score))
	for _, why := range rel.Reasons {
		lines = append(lines, "  "+why)
	}
	if own := rel.Own; own != nil {
		lines = append(lines, fmt.Sprintf("the gate alone: %s (%s, score %.2f)", onOff(own.OnTopic), own.Basis, own.Score))
		for _, why := range own.Reasons {
			lines = append(lines, "  "+why)
		}
	}
	if m := own(rel); m != nil && m.Basis == scope.Model.String() {
		if d := j.gate.Explain(gateArticle(a, false)); d.Basis == scope.Model && len(d.Reasons) > 1 {
			for _, why := range d.Reasons[1:] {
				lines = append(lines, "  now: "+why)
			}
		}
	}
	if now, ok := j.decidedNow(a, rel); ok {
		lines = append(lines, now)
	}
	// The keywords the gate cannot select by are named whatever decided:
	// a stop word in small letters ("us", "it") finds nothing, and the hub's other
	// decisions do not say so.
	for _, why := range j.gate.Ignored() {
		if !slices.Contains(lines, "  "+why) {
			lines = append(lines, "  "+why)
		}
	}
	return lines, nil
}

// decidedNow says what the gate decides of a now, when the hub's keywords
// or sources have changed what its stored decision rests on: a keyword
// added that the article holds, one removed, keywords given to a hub that
// had none, its feed marked dedicated or unmarked. So an operator who
// changed them learns why the article is still withheld (or published),
// and what would change it.
func (j *judge) decidedNow(a *model.Article, rel *model.Relevance) (string, bool) {
	key := editorial.SourceKey(a.Source)
	dedicated := a.Source != "" && j.dedicated[key]
	switch rel.Basis {
	case scope.Everything.String(), scope.Keyword.String(), scope.Model.String():
	case scope.Dedicated.String():
		if a.Source == "" || !j.listed[key] {
			return "", false // its feed removed: it stays on topic
		}
	default:
		return "", false // an editor's, a story's: not the hub's words or feeds
	}
	d := scope.Decision{OnTopic: true, Basis: scope.Dedicated, Reasons: []string{dedicatedReason(a.Source)}}
	if !dedicated {
		d = j.gate.Decide(gateArticle(a, false))
	}
	if d.Basis.String() == rel.Basis && (d.Basis != scope.Keyword || keywordOf(d.Reasons) == keywordOf(rel.Reasons)) {
		return "", false
	}
	// Curate keeps the gate's own decisions (keyword, model) as made and
	// makes the others again.
	next := "a stored decision stays as made: edit show or hide decides over it"
	if own(rel) == nil || own(&model.Relevance{Basis: d.Basis.String()}) == nil {
		next = "curate decides it again"
	}
	why := ""
	if len(d.Reasons) > 0 {
		why = ", " + d.Reasons[0]
	}
	return fmt.Sprintf("the hub's topic now: %s%s (%s)", onOff(d.OnTopic), why, next), true
}

func dedicatedReason(source string) string {
	return "from " + source + ", a source dedicated to the topic"
}

// keywordOf returns the keyword a keyword decision names, quoted.
func keywordOf(reasons []string) string {
	if len(reasons) == 0 {
		return ""
	}
	_, after, _ := strings.Cut(reasons[0], `"`)
	kw, _, _ := strings.Cut(after, `"`)
	return kw
}

func onOff(on bool) string {
	if on {
		return "on topic"
	}
	return "off topic"
}
