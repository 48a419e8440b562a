package editorial

import (
	"strings"
	"time"

	"newshub/internal/model"
)

// Rules are decisions folded into what holds now, for curation to apply:
// a later decision on the same thing overrides an earlier one.
type Rules struct {
	articles   map[string]*Article       // by article key
	publishers map[string]model.Decision // blocks in force, by domain
	sources    map[string]model.Decision // blocks in force, by feed URL
	pins       map[string][]logged       // pins and unpins, by the key of the article naming the story
	pinIDs     map[string][]logged       // the same, by story id, for stories whose article is gone
	structure  []model.Decision          // moves and merges, in order
	n          int
}

// logged is a decision and its place in the log.
type logged struct {
	seq int
	d   model.Decision
}

// Article is what the decisions say of one article.
type Article struct {
	// Hidden is the hide in force (nil when none, or shown since).
	Hidden *model.Decision
	// Shown is the show in force (nil when none, or hidden since).
	Shown *model.Decision
	// Lead is the last decision that made it its story's lead, and
	// LeadSeq its place in the log (the last one among a story's members
	// wins).
	Lead    *model.Decision
	LeadSeq int
	// Topics are the topic edits, in order.
	Topics []model.Decision
	// Lesson is the last decision that teaches the topic gate about the
	// article: a show (on topic) or a hide marked off topic.
	Lesson *model.Decision
	// unhidden is what held before the hide in force, which an unhide
	// brings back; unshown, before the show in force, for an unshow.
	unhidden struct{ shown, lesson *model.Decision }
	unshown  struct{ hidden, lesson *model.Decision }
}

// OnTopicLesson reports what the article's lesson teaches, when it has
// one.
func (a *Article) OnTopicLesson() (onTopic, ok bool) {
	if a == nil || a.Lesson == nil {
		return false, false
	}
	return a.Lesson.Action == Show, true
}

// Compile folds decisions, in log order. key turns an article's address
// into the key articles are compared by (their canonical URL).
func Compile(ds []model.Decision, key func(string) string) *Rules {
	r := &Rules{articles: map[string]*Article{}, publishers: map[string]model.Decision{},
		sources: map[string]model.Decision{}, pins: map[string][]logged{},
		pinIDs: map[string][]logged{}, n: len(ds)}
	art := func(u string) *Article {
		k := key(u)
		a := r.articles[k]
		if a == nil {
			a = &Article{}
			r.articles[k] = a
		}
		return a
	}
	for i := range ds {
		d := ds[i]
		switch d.Action {
		case Hide:
			a := art(d.Article)
			if a.Hidden == nil {
				a.unhidden.shown, a.unhidden.lesson = a.Shown, a.Lesson
			}
			a.Hidden, a.Shown = &d, nil
			if d.OffTopic {
				a.Lesson = &d
			}
		case Show:
			a := art(d.Article)
			if a.Shown == nil {
				a.unshown.hidden, a.unshown.lesson = a.Hidden, a.Lesson
			}
			a.Shown, a.Hidden, a.Lesson = &d, nil, &d
		case Unshow:
			// The gate, a block or a hide the show overrode holds again,
			// and the gate unlearns that the article is on topic.
			if a := art(d.Article); a.Shown != nil {
				a.Shown, a.Hidden, a.Lesson = nil, a.unshown.hidden, a.unshown.lesson
			}
		case Unhide:
			// Not a show: a block or the gate withholds the article again,
			// and the gate learns nothing from the hide taken back.
			if a := art(d.Article); a.Hidden != nil {
				a.Hidden, a.Shown, a.Lesson = nil, a.unhidden.shown, a.unhidden.lesson
			}
		case Lead:
			a := art(d.Article)
			a.Lead, a.LeadSeq = &d, i+1
		case TopicAdd, TopicRemove:
			a := art(d.Article)
			a.Topics = append(a.Topics, d)
		case BlockPublisher:
			r.publishers[publisherKey(d.Publisher)] = d
		case UnblockPublisher:
			delete(r.publishers, publisherKey(d.Publisher))
		case BlockSource:
			r.sources[SourceKey(d.Source)] = d
		case UnblockSource:
			delete(r.sources, SourceKey(d.Source))
		case Move, Merge:
			r.structure = append(r.structure, d)
		case Pin, Unpin:
			if d.StoryArticle != "" {
				k := key(d.StoryArticle)
				r.pins[k] = append(r.pins[k], logged{i, d})
			} else {
				r.pinIDs[d.Story] = append(r.pinIDs[d.Story], logged{i, d})
			}
		}
	}
	return r
}

// Len returns the number of decisions compiled.
func (r *Rules) Len() int { return r.n }

// Article returns what the decisions say of the article with the given
// key, or nil.
func (r *Rules) Article(key string) *Article { return r.articles[key] }

// Publisher returns the block in force on the publisher of host (the
// domain itself or a parent domain blocked), if any.
func (r *Rules) Publisher(host string) (model.Decision, bool) {
	h := publisherKey(host)
	for h != "" {
		if d, ok := r.publishers[h]; ok {
			return d, true
		}
		i := strings.IndexByte(h, '.')
		if i < 0 || !strings.Contains(h[i+1:], ".") {
			break // a parent that is a top-level domain blocks nothing
		}
		h = h[i+1:]
	}
	return model.Decision{}, false
}

// Source returns the block in force on the feed at url, if any.
func (r *Rules) Source(feedURL string) (model.Decision, bool) {
	if feedURL == "" {
		return model.Decision{}, false
	}
	d, ok := r.sources[SourceKey(feedURL)]
	return d, ok
}

// Blocks reports whether any publisher or feed is blocked.
func (r *Rules) Blocks() bool { return len(r.publishers) > 0 || len(r.sources) > 0 }

// Structure returns the moves and merges, in log order.
func (r *Rules) Structure() []model.Decision { return r.structure }

// Pin returns the pin of a story, given the keys of its members and its
// id: the last pin or unpin naming it. ok is false when none does; until
// is zero after an unpin.
func (r *Rules) Pin(id string, memberKeys []string) (until time.Time, d model.Decision, ok bool) {
	last := logged{seq: -1}
	for _, k := range memberKeys {
		for _, l := range r.pins[k] {
			if l.seq > last.seq {
				last = l
			}
		}
	}
	if last.seq < 0 {
		for _, l := range r.pinIDs[id] {
			if l.seq > last.seq {
				last = l
			}
		}
	}
	switch {
	case last.seq < 0:
		return time.Time{}, model.Decision{}, false
	case last.d.Action == Unpin:
		return time.Time{}, last.d, true
	}
	return last.d.Until, last.d, true
}

// publisherKey is the form domains are compared in.
func publisherKey(host string) string {
	return strings.TrimPrefix(strings.TrimSuffix(strings.ToLower(strings.TrimSpace(host)), "."), "www.")
}

// SourceKey is the form feed URLs are compared in (model.SourceKey).
func SourceKey(raw string) string { return model.SourceKey(raw) }
