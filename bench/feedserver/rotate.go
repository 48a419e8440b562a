package main

import (
	"log"
	"sync"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
)

// rotation makes the feeds change as time passes, for soak tests: every
// period (a round), each feed gains n new items, freshly generated text
// dated within the round, and drops its n oldest. Within a round a feed
// stays the same, so a conditional GET is answered 304.
//
// Items are numbered per feed: the original ones 0 (newest) to items-1,
// the new ones items, items+1, … in order of arrival. A rotation made of
// a nil pointer never turns: every feed stays in round 0.
type rotation struct {
	g      *generator
	period time.Duration
	n      int
	seed   uint64
	start  time.Time

	mu     sync.Mutex
	rounds map[int][]story // round → its new stories, feed f's at [f*n, (f+1)*n)
	cache  []renderedFeed  // by feed, the latest round rendered
}

type renderedFeed struct {
	round int
	body  []byte
}

func newRotation(g *generator, period time.Duration, n int, seed uint64, start time.Time) *rotation {
	return &rotation{g: g, period: period, n: max(n, 1), seed: seed, start: start,
		rounds: map[int][]story{}, cache: make([]renderedFeed, len(g.stories)/g.items)}
}

// round returns the current round: 0 until the first period has passed.
func (r *rotation) round() int {
	if r == nil {
		return 0
	}
	return int(time.Since(r.start) / r.period)
}

// listed returns the numbers of the items a feed lists in round k, newest
// first: of the items in order of arrival, the window of g.items that
// starts k*n items in.
func (g *generator) listed(k int) []int {
	n := 0
	if g.rot != nil {
		n = g.rot.n
	}
	nums := make([]int, 0, g.items)
	for a := k*n + g.items - 1; a >= k*n; a-- {
		if a >= g.items {
			nums = append(nums, a) // a new item: its number is its arrival
		} else {
			nums = append(nums, g.items-1-a) // an original, newest first
		}
	}
	return nums
}

// has reports whether feed f has (or had) item i by now.
func (g *generator) has(f, i int) bool {
	if f < 0 || f >= len(g.feeds) || i < 0 {
		return false
	}
	if i < g.items {
		return true
	}
	if g.rot == nil {
		return false
	}
	_, ok := g.rot.story(f, i)
	return ok
}

// story returns new item i of feed f, false when its round has not come
// yet or has long left every feed.
func (r *rotation) story(f, i int) (story, bool) {
	k := i - r.g.items
	round := k/r.n + 1
	now := r.round()
	if round > now || round < now-r.g.items/r.n-2 {
		return story{}, false
	}
	return r.stories(round)[f*r.n+k%r.n], true
}

// stories returns the new stories of a round, generating them the first
// time and forgetting the rounds no feed lists any more.
func (r *rotation) stories(round int) []story {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s, ok := r.rounds[round]; ok {
		return s
	}
	feeds := len(r.cache)
	at := r.start.Add(time.Duration(round) * r.period)
	var drafted []story
	err := gen.Records(gen.Options{Articles: feeds * r.n, Seed: int64(r.seed) + int64(round)*7919, Until: at}, func(rec *model.Record) error {
		if rec.Kind == model.KindNews {
			drafted = append(drafted, story{title: rec.Article.Title, excerpt: rec.Article.Excerpt})
		}
		return nil
	})
	if err != nil || len(drafted) == 0 {
		log.Fatalf("feedserver: generating round %d: %v (%d news)", round, err, len(drafted))
	}
	// As in newGenerator, consecutive drafts cover one story: deal them
	// out across feeds. Slot s of a feed's n is dated s/n into the round
	// before at, the last slot newest.
	s := make([]story, feeds*r.n)
	for j := range s {
		st := drafted[j%len(drafted)]
		slot := j / feeds
		st.published = at.Add(-time.Duration(r.n-1-slot) * r.period / time.Duration(r.n)).Truncate(time.Second)
		s[(j%feeds)*r.n+slot] = st
	}
	r.rounds[round] = s
	for old := range r.rounds {
		if old < round-r.g.items/r.n-2 {
			delete(r.rounds, old)
		}
	}
	return s
}

// feed returns feed f of round k as served from base, rendered once.
func (r *rotation) feed(base string, f, k int) []byte {
	if f < 0 || f >= len(r.cache) || r.g.bases[f%len(r.g.bases)] != base {
		return nil
	}
	r.mu.Lock()
	c := r.cache[f]
	r.mu.Unlock()
	if c.round == k && c.body != nil {
		return c.body
	}
	body := r.g.feed(base, f, k)
	r.mu.Lock()
	if k >= r.cache[f].round {
		r.cache[f] = renderedFeed{round: k, body: body}
	}
	r.mu.Unlock()
	return body
}
