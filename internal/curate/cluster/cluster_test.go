package cluster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unsafe"

	"go.yaml.in/yaml/v3"

	"newshub/internal/testutil"
)

func TestTokenizeNormalizesWords(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"U.S. stocks slide", []string{"us", "stock", "slide"}},
		{"Men's Wearhouse to buy Jos. A. Bank for $1.8B", []string{"men", "wearhouse", "buy", "jos", "bank", "1.8b"}},
		{"25,000 Jeep Grand Cherokees recalled", []string{"25000", "jeep", "grand", "cherokee", "recalled"}},
		{"Twitter’s outage: don't panic!", []string{"twitter", "outage", "dont", "panic"}},
		{"Bitcoin 🚀🚀 to the moon", []string{"bitcoin", "moon"}},
		{"日本の首相", []string{"日本", "本の", "の首", "首相"}},
		{"Tokyo 東京 2020", []string{"tokyo", "東京", "2020"}},
		{"مجلس الأمن يناقش", []string{"مجلس", "الأمن", "يناقش"}},
		{"", nil},
		{"the and of", nil},
	}
	for _, tt := range tests {
		var got []string
		tokenize(tt.in, maxTitleRunes, func(s string) { got = append(got, s) })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("tokenize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURLWordsKeepOnlyTheSlug(t *testing.T) {
	tests := []struct {
		url  string
		want []string
	}{
		{"https://www.example.com/news/2014/03/10/sbarro-files-for-bankruptcy.html?utm_source=x", []string{"sbarro", "file", "bankruptcy"}},
		{"http://www.example.com/business/sns-rt-us-funds-hedge-cooperman-20140310,0,676164.story", []string{"fund", "hedge", "cooperman"}},
		{"https://news.example.com/articles/CBMiXmh0dHBzOi8vd3d3LmV4YW1wbGU?oc=5", nil},
		{"https://example.com/a/8f3e2c1d-4b5a-11eb-9c4e-0242ac130003", nil},
		{"https://example.com/p?id=123", nil},
		{"not a url at all %%%", nil},
	}
	for _, tt := range tests {
		var got []string
		urlWords(tt.url, func(s string) { got = append(got, s) })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("urlWords(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestSameEventJoinsOneStoryOthersStayApart(t *testing.T) {
	c := New(Options{})
	docs := []Doc{
		{ID: "a1", Title: "Sbarro pizza chain files for bankruptcy, second time in three years"},
		{ID: "b1", Title: "Neil Young to unveil Pono music player at SXSW"},
		{ID: "a2", Title: "Sbarro files for 2nd bankruptcy in 3 years"},
		{ID: "b2", Title: "Neil Young's PonoMusic player launches on Kickstarter"},
		{ID: "a3", Title: "Rest-stop pizza chain Sbarro files for bankruptcy"},
		{ID: "c1", Title: "Elephants can tell human languages apart, study finds"},
	}
	for _, d := range docs {
		c.Add(d)
	}
	c.Refine()
	for _, same := range [][]string{{"a1", "a2", "a3"}, {"b1", "b2"}} {
		for _, id := range same[1:] {
			if c.Story(id) != c.Story(same[0]) {
				t.Errorf("%s and %s are in different stories", id, same[0])
			}
		}
	}
	for _, pair := range [][2]string{{"a1", "b1"}, {"a1", "c1"}, {"b1", "c1"}} {
		if c.Story(pair[0]) == c.Story(pair[1]) {
			t.Errorf("%s and %s share story %s", pair[0], pair[1], c.Story(pair[0]))
		}
	}
}

func TestAssignmentExplainsItself(t *testing.T) {
	c := New(Options{})
	first := c.Add(Doc{ID: "p1", Title: "Pence drops plan to go to fundraiser hosted by QAnon backers"})
	if !first.New || !strings.HasPrefix(first.Story, "s-") || first.Reason == "" {
		t.Errorf("first article: %+v, want a new story with a reason", first)
	}
	a := c.Add(Doc{ID: "p2", Title: "VP Mike Pence drops plan to go to fundraiser hosted by QAnon backers"})
	if a.New || a.Story != first.Story || a.Nearest != "p1" {
		t.Fatalf("second article: %+v, want to join %s near p1", a, first.Story)
	}
	for _, w := range []string{"shares '", "'fundraiser'", "p1", "≥"} {
		if !strings.Contains(a.Reason, w) {
			t.Errorf("reason %q does not mention %s", a.Reason, w)
		}
	}
	if a.Similarity <= 0.5 {
		t.Errorf("similarity %.2f, want > 0.5 for near-identical titles", a.Similarity)
	}
}

func TestStoryIDsAreDeterministic(t *testing.T) {
	// A short window, so that articles leave it and ids are reused.
	run := func() ([]string, [][]string) {
		final := map[string]string{}
		var c *Clusterer
		c = New(Options{Window: 6 * time.Hour, OnEvict: func(id, story string) {
			final[id] = story
			c.Related(id, 5) // allowed while leaving
		}})
		var ids []string
		for _, d := range synthetic(6000, 7) {
			c.Add(d)
			ids = append(ids, d.ID)
		}
		c.Refine()
		if len(final) == 0 {
			t.Fatal("no article left the window; the test needs some to")
		}
		var stories []string
		var related [][]string
		for _, id := range ids {
			st := c.Story(id)
			if st == "" {
				st = final[id]
			}
			stories = append(stories, st)
			related = append(related, c.Related(id, 5))
		}
		return stories, related
	}
	s1, r1 := run()
	s2, r2 := run()
	if !reflect.DeepEqual(s1, s2) || !reflect.DeepEqual(r1, r2) {
		t.Error("two runs over the same input gave different stories or related lists")
	}
}

func TestRelatedListsSameStoryFirst(t *testing.T) {
	c := New(Options{})
	for _, d := range []Doc{
		{ID: "g1", Title: "Game of Thrones season 4 trailer reveals dragons"},
		{ID: "g2", Title: "New Game of Thrones season 4 trailer"},
		{ID: "g3", Title: "Watch the Game of Thrones trailer for season 4"},
		{ID: "x1", Title: "Thrones of Europe: a history of monarchy"},
		{ID: "z1", Title: "Bitcoin exchange Mt. Gox files for bankruptcy"},
	} {
		c.Add(d)
	}
	c.Refine()
	got := c.Related("g1", 10)
	if len(got) < 2 || !sameSet(got[:2], []string{"g2", "g3"}) {
		t.Fatalf("Related(g1) = %q, want g2 and g3 first", got)
	}
	for _, id := range got {
		if id == "g1" || id == "z1" {
			t.Errorf("Related(g1) = %q lists %s", got, id)
		}
	}
	if got := c.Related("g1", 1); len(got) != 1 {
		t.Errorf("Related(g1, 1) = %q, want one id", got)
	}
	if got := c.Related("unknown", 5); got != nil {
		t.Errorf("Related(unknown) = %q, want nil", got)
	}
}

func sameSet(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return reflect.DeepEqual(a, b)
}

func TestSeededArticlesKeepTheirStory(t *testing.T) {
	c := New(Options{})
	c.Seed(Doc{ID: "old1", Title: "Chiquita and Fyffes merge to form world's biggest banana company"}, "story-bananas")
	c.Seed(Doc{ID: "old2", Title: "Twitter goes down for the second time in nine days"}, "story-twitter")
	a := c.Add(Doc{ID: "new1", Title: "Chiquita, Fyffes merger makes top banana company"})
	if a.Story != "story-bananas" {
		t.Errorf("new article joined %q (%s), want story-bananas", a.Story, a.Reason)
	}
	c.Add(Doc{ID: "new2", Title: "Sbarro files for bankruptcy"})
	c.Refine()
	for id, want := range map[string]string{"old1": "story-bananas", "old2": "story-twitter", "new1": "story-bananas"} {
		if got := c.Story(id); got != want {
			t.Errorf("after Refine, Story(%s) = %q, want %q", id, got, want)
		}
	}
	if got := c.Story("new2"); got == "story-bananas" || got == "story-twitter" || got == "" {
		t.Errorf("Story(new2) = %q, want a story of its own", got)
	}
}

func TestWindowEvictsOldArticles(t *testing.T) {
	c := New(Options{Window: 24 * time.Hour})
	start := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 5000; i++ {
		c.Add(Doc{
			ID:        fmt.Sprintf("d%d", i),
			Title:     fmt.Sprintf("Story number %d", i/10),
			Published: start.Add(time.Duration(i) * time.Minute), // 100 hours in all
		})
	}
	// 24 hours are 1,440 articles; eviction runs in batches, so allow slack.
	if n := c.Len(); n > 2500 || n < 1440 {
		t.Errorf("Len() = %d with a 24h window over 100h of articles, want about 1,440", n)
	}
	if got := c.Story("d0"); got != "" {
		t.Errorf("Story(d0) = %q after it left the window, want \"\"", got)
	}
	if got := c.Story("d4999"); got == "" {
		t.Error("the newest article has no story")
	}
	if len(c.stories) > c.Len() {
		t.Errorf("%d stories for %d articles: evicted stories kept", len(c.stories), c.Len())
	}
	a := c.Add(Doc{ID: "late", Title: "Story number 499", Published: start.Add(5000 * time.Minute)})
	if a.Story != c.Story("d4990") {
		t.Errorf("late article is in %s, not with d4990 in %s: %s", a.Story, c.Story("d4990"), a.Reason)
	}
}

// TestBadInputGetsASensibleStory feeds inputs that break naive tokenizers
// and clocks: none may crash, each gets a story, and same-script duplicates
// still cluster.
func TestBadInputGetsASensibleStory(t *testing.T) {
	long := strings.Repeat("Extraordinarily long headline about the Jaguars LED screens ", 170) // > 10,000 characters
	now := time.Now()
	docs := []Doc{
		{ID: "empty1", Title: ""},
		{ID: "empty2", Title: "   "},
		{ID: "cjk1", Title: "日本銀行が金融政策の変更を発表", Published: now},
		{ID: "cjk2", Title: "日本銀行、金融政策の変更を発表へ", Published: now},
		{ID: "cjk3", Title: "東京で桜が満開に"},
		{ID: "ar1", Title: "مجلس الأمن يناقش الأزمة في السودان"},
		{ID: "ar2", Title: "مجلس الأمن يناقش الأزمة في السودان اليوم"},
		{ID: "emoji1", Title: "🚀🚀🚀 🔥🔥"},
		{ID: "emoji2", Title: "🎉 Taylor Swift tops Billboard money makers 🎉"},
		{ID: "long", Title: long},
		{ID: "long2", Title: "Jaguars to install world's largest LED screens"},
		{ID: "dup1", Title: "Markets close higher", Provider: "Same Wire"},
		{ID: "dup2", Title: "Markets close higher", Provider: "Same Wire"},
		{ID: "dup3", Title: "Markets close higher", Provider: "Same Wire"},
		{ID: "future", Title: "Taylor Swift tops Billboard money makers list", Published: now.Add(50 * 365 * 24 * time.Hour)},
		{ID: "past", Title: "Neil Young launches Pono", Published: time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)},
		{ID: "invalid-utf8", Title: "Caf\xe9 \xff\xfe prices rise"},
	}
	c := New(Options{})
	for _, d := range docs {
		a := c.Add(d)
		if a.Story == "" || a.Reason == "" {
			t.Errorf("Add(%s) = %+v, want a story and a reason", d.ID, a)
		}
	}
	c.Refine()
	for _, d := range docs {
		if d.ID == "past" {
			continue // 1970 is outside any window around the other articles
		}
		if c.Story(d.ID) == "" {
			t.Errorf("%s has no story after Refine", d.ID)
		}
	}
	same := [][]string{{"cjk1", "cjk2"}, {"ar1", "ar2"}, {"dup1", "dup2", "dup3"}, {"emoji2", "future"}}
	for _, g := range same {
		for _, id := range g[1:] {
			if c.Story(id) != c.Story(g[0]) {
				t.Errorf("%s and %s should share a story", g[0], id)
			}
		}
	}
	apart := [][2]string{{"empty1", "empty2"}, {"cjk1", "cjk3"}, {"cjk1", "ar1"}, {"emoji1", "emoji2"}, {"dup1", "emoji2"}}
	for _, p := range apart {
		if c.Story(p[0]) == c.Story(p[1]) {
			t.Errorf("%s and %s should not share a story", p[0], p[1])
		}
	}
}

// frontMatter is the part of a news record the real-data test needs.
type frontMatter struct {
	Title             string    `yaml:"title"`
	Excerpt           string    `yaml:"excerpt"`
	PublishedDateTime time.Time `yaml:"publishedDateTime"`
	OriginalURL       string    `yaml:"originalUrl"`
	Provider          struct {
		Name   string `yaml:"name"`
		Domain string `yaml:"domain"`
	} `yaml:"provider"`
}

func readNews(t *testing.T, dir string) []Doc {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	var docs []Doc
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		parts := bytes.SplitN(b, []byte("\n---"), 2)
		var fm frontMatter
		if err := yaml.Unmarshal(bytes.TrimPrefix(parts[0], []byte("---\n")), &fm); err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		docs = append(docs, Doc{
			ID: strings.TrimSuffix(filepath.Base(p), ".md"), Title: fm.Title, Excerpt: fm.Excerpt,
			URL: fm.OriginalURL, Provider: fm.Provider.Name, Domain: fm.Provider.Domain, Published: fm.PublishedDateTime,
		})
	}
	sort.SliceStable(docs, func(i, j int) bool { return docs[i].Published.Before(docs[j].Published) })
	return docs
}

// TestSmartableQAnonPenceIsOneStory clusters the real news records of the
// sample, titles and excerpts, in time order: the six articles on Pence
// dropping the QAnon fundraiser are one story, without the Biden–Pence
// elbow bump of the same days.
func TestSmartableQAnonPenceIsOneStory(t *testing.T) {
	docs := readNews(t, filepath.Join(testutil.Shared(t, "smartable-sample"), "_news"))
	final := map[string]string{} // story of each article when it left the window
	c := New(Options{OnEvict: func(id, story string) { final[id] = story }})
	for _, d := range docs {
		c.Add(d)
	}
	c.Refine()
	storyOf := func(id string) string {
		if s := c.Story(id); s != "" {
			return s
		}
		return final[id]
	}
	qanon := []string{
		"2020-09-11-is-mike-pence-embracing-qanon-attendance-at-supporters-fundraiser-poses-troubling-questions",
		"2020-09-13-mike-pence-backs-out-of-fundraiser-hosted-by-qanon-supporters",
		"2020-09-13-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers",
		"2020-09-13-vice-president-mike-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers",
		"2020-09-13-vp-mike-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers",
		"2020-09-13-mike-pence-scrubs-qanon-fundraiser-at-the-last-moment",
	}
	story := storyOf(qanon[0])
	if story == "" {
		t.Fatalf("%s was not read", qanon[0])
	}
	members := 0
	for _, d := range docs {
		if storyOf(d.ID) == story {
			members++
		}
	}
	for _, id := range qanon {
		if got := storyOf(id); got != story {
			t.Errorf("%s is in story %q, want %q with the other QAnon/Pence articles", id, got, story)
		}
	}
	if members != len(qanon) {
		t.Errorf("the QAnon/Pence story has %d members, want %d", members, len(qanon))
	}
	if storyOf("2020-09-11-joe-biden-and-mike-pence-exchange-elbow-bump-at-nyc-911-memorial-event") == story {
		t.Error("the elbow-bump article joined the QAnon/Pence story")
	}
}

// TestDocumentHoldsItsWeightsInOneAllocation checks that a document's term
// frequencies and weights share one allocation, weighed again in place,
// and that it keeps no time of its own beside its slot's: a window holds
// tens of thousands of documents.
func TestDocumentHoldsItsWeightsInOneAllocation(t *testing.T) {
	c := New(Options{})
	at := time.Date(2024, 11, 5, 18, 0, 0, 0, time.UTC)
	c.Add(Doc{ID: "a", Title: "Senate passes the budget after a long night", Published: at})
	c.Add(Doc{ID: "b", Title: "House debates the budget the Senate passed", Published: at.Add(time.Hour)})
	for _, id := range []string{"a", "b"} {
		x := c.docs[c.byID[id]]
		n := len(x.terms)
		tf, w := x.tf(), x.w()
		if n == 0 || len(tf) != n || len(w) != n {
			t.Fatalf("%s: %d terms, %d frequencies, %d weights", id, n, len(tf), len(w))
		}
		if unsafe.Add(unsafe.Pointer(&tf[0]), n*int(unsafe.Sizeof(tf[0]))) != unsafe.Pointer(&w[0]) {
			t.Errorf("%s: frequencies and weights held apart", id)
		}
	}
	w := &c.docs[c.byID["a"]].w()[0]
	c.Refine()
	if &c.docs[c.byID["a"]].w()[0] != w {
		t.Error("weighing again moved the weights")
	}
	// 96 bytes is an allocation size class; a document with a time.Time
	// of its own, or three slice headers, would take the next (112 and up).
	if size := unsafe.Sizeof(doc{}); size > 96 {
		t.Errorf("a document takes %d bytes, want at most 96", size)
	}
}

// TestCommonWordsLookedUpAsScanned checks that the two ways score finds
// the common words' weights in the candidates (a pass over their posting
// lists, a search of each candidate's words) give the same assignments,
// with the same similarities, on a stream whose window holds thousands of
// articles and Seed's path as well as Add's.
func TestCommonWordsLookedUpAsScanned(t *testing.T) {
	docs := synthetic(12000, 5)
	run := func(cost int) []Assignment {
		c := New(Options{})
		c.lookupCost = cost
		var out []Assignment
		for i, d := range docs {
			if i%5 == 0 {
				c.Seed(d, fmt.Sprintf("seeded-%d", i%40))
				continue
			}
			out = append(out, c.Add(d))
		}
		c.Refine()
		for _, d := range docs {
			out = append(out, Assignment{Story: c.Story(d.ID)})
		}
		return out
	}
	looked, scanned := run(0), run(1<<30)
	if len(looked) != len(scanned) {
		t.Fatalf("%d assignments looked up, %d scanned", len(looked), len(scanned))
	}
	differ := 0
	for i := range looked {
		if looked[i] != scanned[i] {
			if differ++; differ <= 3 {
				t.Errorf("assignment %d: looked up %+v, scanned %+v", i, looked[i], scanned[i])
			}
		}
	}
	if differ > 0 {
		t.Errorf("%d of %d assignments differ", differ, len(looked))
	}
}
