package editorial

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

func TestParseSkipsInvalidDecisionsWithTheirLine(t *testing.T) {
	data, err := os.ReadFile("testdata/bad.yaml")
	if err != nil {
		t.Fatal(err)
	}
	log, err := Parse("testdata/bad.yaml", data)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if log.Len() != 9 {
		t.Errorf("Len = %d, want every decision of the file, 9", log.Len())
	}
	var kept []string
	for _, d := range log.Decisions {
		kept = append(kept, fmt.Sprintf("%s@%d", d.Action, d.Line))
	}
	if got := strings.Join(kept, " "); got != "hide@3 merge@26" {
		t.Errorf("kept %s, want hide@3 merge@26", got)
	}
	want := []string{
		`testdata/bad.yaml:6: unknown action "hyde"`,
		`testdata/bad.yaml:9: hide: article is missing`,
		`testdata/bad.yaml:11: block-publisher: publisher "https://example.org/": want a domain such as example.org`,
		`testdata/bad.yaml:14: move: into (a story) or out is missing`,
		`testdata/bad.yaml:17: pin: until is missing`,
		`testdata/bad.yaml:20: show: publisher does not apply`,
		`testdata/bad.yaml:24: show: at (when it was decided) is missing`,
	}
	if len(log.Invalid) != len(want) {
		t.Fatalf("invalid: %v\nwant %d of them", log.Invalid, len(want))
	}
	for i, err := range log.Invalid {
		if !strings.HasPrefix(err.Error(), want[i]) {
			t.Errorf("invalid[%d] = %q, want it to start %q", i, err, want[i])
		}
	}
}

func TestParseRefusesAFileThatIsNotADecisionsList(t *testing.T) {
	tests := map[string]string{
		"list of strings": "decisions:\n  - hide\n",
		"bad time":        "decisions:\n  - action: hide\n    article: https://a.example/x\n    at: yesterday\n",
		"not YAML":        "decisions:\n  - action: [hide\n",
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("site/_data/decisions.yaml", []byte(data))
			if err == nil || !strings.HasPrefix(err.Error(), "site/_data/decisions.yaml:") {
				t.Errorf("Parse = %v, want an error at site/_data/decisions.yaml:LINE", err)
			}
		})
	}
}

func TestValidateEachAction(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	u := "https://example.org/a"
	tests := []struct {
		d    model.Decision
		want string // "" for valid
	}{
		{model.Decision{Action: Hide, Article: u, At: at, OffTopic: true}, ""},
		{model.Decision{Action: Hide, Article: "example.org/a", At: at}, "want an absolute http or https URL"},
		{model.Decision{Action: Show, Article: u, At: at, OffTopic: true}, "off_topic does not apply"},
		{model.Decision{Action: Unhide, Article: u, At: at}, ""},
		{model.Decision{Action: Unhide, Article: u, At: at, OffTopic: true}, "off_topic does not apply"},
		{model.Decision{Action: Unshow, Article: u, At: at}, ""},
		{model.Decision{Action: Unshow, At: at}, "article is missing"},
		{model.Decision{Action: BlockPublisher, Publisher: "example.org", At: at}, ""},
		{model.Decision{Action: UnblockPublisher, Publisher: "localhost", At: at}, "want a domain"},
		{model.Decision{Action: BlockSource, Source: "https://example.org/feed.xml", At: at}, ""},
		{model.Decision{Action: UnblockSource, Source: "ftp://example.org/feed", At: at}, "want an absolute http"},
		{model.Decision{Action: Move, Article: u, Out: true, At: at}, ""},
		{model.Decision{Action: Move, Article: u, Into: "s-1", IntoArticle: u, At: at}, ""},
		{model.Decision{Action: Move, Article: u, Into: "s-1", Out: true, At: at}, "not both"},
		{model.Decision{Action: Merge, Story: "s-1", Into: "s-2", At: at}, ""},
		{model.Decision{Action: Merge, Story: "s-1", At: at}, "into is missing"},
		{model.Decision{Action: Lead, Article: u, Story: "s-1", At: at}, ""},
		{model.Decision{Action: Pin, StoryArticle: u, Until: at.Add(time.Hour), At: at}, ""},
		{model.Decision{Action: Unpin, Story: "s-1", At: at}, ""},
		{model.Decision{Action: Unpin, Story: "s-1", Until: at, At: at}, "until does not apply"},
		{model.Decision{Action: TopicAdd, Article: u, Topic: "Economy", At: at}, ""},
		{model.Decision{Action: TopicRemove, Article: u, At: at}, "topic is missing"},
		{model.Decision{Article: u, At: at}, "no action"},
	}
	for _, tt := range tests {
		err := Validate(tt.d)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Validate(%+v) = %v, want valid", tt.d, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Validate(%+v) = %v, want an error saying %q", tt.d, err, tt.want)
		}
	}
}

func TestRulesLaterDecisionsOverrideEarlierOnes(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	a, b := "https://example.org/a", "https://example.org/b"
	ds := []model.Decision{
		{Action: Hide, Article: a, At: at},
		{Action: Show, Article: a, At: at},
		{Action: Hide, Article: b, At: at, OffTopic: true},
		{Action: BlockPublisher, Publisher: "spam.example", At: at},
		{Action: BlockPublisher, Publisher: "blocked.example", At: at},
		{Action: UnblockPublisher, Publisher: "blocked.example", At: at},
		{Action: BlockSource, Source: "https://Feeds.Example/rss/", At: at},
		{Action: Pin, StoryArticle: a, Until: at.Add(48 * time.Hour), At: at},
		{Action: Pin, StoryArticle: b, Until: at.Add(time.Hour), At: at},
		{Action: Unpin, StoryArticle: a, At: at},
		{Action: Lead, Article: a, At: at},
		{Action: Lead, Article: b, At: at},
	}
	r := Compile(ds, func(s string) string { return s })
	if x := r.Article(a); x.Hidden != nil || x.Shown == nil {
		t.Errorf("a: hidden %v shown %v, want shown", x.Hidden, x.Shown)
	}
	if on, ok := r.Article(a).OnTopicLesson(); !ok || !on {
		t.Errorf("a's lesson: %v %v, want on topic (shown)", on, ok)
	}
	if on, ok := r.Article(b).OnTopicLesson(); !ok || on {
		t.Errorf("b's lesson: %v %v, want off topic (hidden as off topic)", on, ok)
	}
	if _, ok := r.Publisher("news.spam.example"); !ok {
		t.Error("a subdomain of a blocked publisher is not blocked")
	}
	if _, ok := r.Publisher("blocked.example"); ok {
		t.Error("an unblocked publisher is still blocked")
	}
	if _, ok := r.Publisher("example"); ok {
		t.Error("a top-level domain is blocked")
	}
	if _, ok := r.Source("https://feeds.example/rss"); !ok {
		t.Error("a blocked feed is not found by its URL in another case, without its slash")
	}
	until, _, ok := r.Pin("s-x", []string{a, b})
	if !ok || !until.IsZero() {
		t.Errorf("pin of a story holding a and b = %v %v, want the last, the unpin", until, ok)
	}
	if until, _, _ := r.Pin("s-y", []string{b}); !until.Equal(at.Add(time.Hour)) {
		t.Errorf("pin of b's story until %v, want %v", until, at.Add(time.Hour))
	}
	if r.Article(b).LeadSeq <= r.Article(a).LeadSeq {
		t.Error("the later lead decision does not rank after the earlier")
	}
}

// TestRulesUnhideBringsBackWhatHeldBeforeTheHide checks that an unhide
// takes a hide back and nothing more: the show or lesson in force before
// the hide holds again, and none is made; and so an unshow with a show.
func TestRulesUnhideBringsBackWhatHeldBeforeTheHide(t *testing.T) {
	at := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	const u = "https://example.org/a"
	for _, tt := range []struct {
		name       string
		ds         []string // actions on u, in order; "hide!" is a hide as off topic
		hidden     bool
		shown      bool
		lesson, on bool
	}{
		{"a hide taken back", []string{Hide, Unhide}, false, false, false, false},
		{"an off-topic hide taken back", []string{"hide!", Unhide}, false, false, false, false},
		{"two hides taken back", []string{Hide, "hide!", Unhide}, false, false, false, false},
		{"a show, then a hide taken back", []string{Show, Hide, Unhide}, false, true, true, true},
		{"an off-topic hide, then a hide taken back", []string{"hide!", Show, "hide!", Unhide}, false, true, true, true},
		{"nothing hidden", []string{Show, Unhide}, false, true, true, true},
		{"hidden again", []string{Hide, Unhide, "hide!"}, true, false, true, false},
		{"a show taken back", []string{Show, Unshow}, false, false, false, false},
		{"two shows taken back", []string{Show, Show, Unshow}, false, false, false, false},
		{"an off-topic hide, then a show taken back", []string{"hide!", Show, Unshow}, true, false, true, false},
		{"nothing shown", []string{"hide!", Unshow}, true, false, true, false},
		{"a show and a hide, both taken back", []string{Show, Hide, Unhide, Unshow}, false, false, false, false},
		{"shown again", []string{Show, Unshow, Show}, false, true, true, true},
	} {
		var ds []model.Decision
		for _, a := range tt.ds {
			d := model.Decision{Action: a, Article: u, At: at}
			if a == "hide!" {
				d.Action, d.OffTopic = Hide, true
			}
			ds = append(ds, d)
		}
		x := Compile(ds, func(s string) string { return s }).Article(u)
		on, lesson := x.OnTopicLesson()
		if (x.Hidden != nil) != tt.hidden || (x.Shown != nil) != tt.shown || lesson != tt.lesson || on != tt.on {
			t.Errorf("%s: hidden %v, shown %v, lesson %v (on topic %v); want %v, %v, %v (%v)", tt.name,
				x.Hidden != nil, x.Shown != nil, lesson, on, tt.hidden, tt.shown, tt.lesson, tt.on)
		}
	}
}

func TestAppendKeepsTheFileAndAddsLines(t *testing.T) {
	ctx := context.Background()
	site := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "hub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	file := File(site)
	os.MkdirAll(filepath.Dir(file), 0o755)
	hand := "# kept as written\ndecisions:\n  - action: hide   # a comment\n    article: https://example.org/a\n    at: 2026-12-01T10:00:00Z\n"
	if err := os.WriteFile(file, []byte(hand), 0o644); err != nil {
		t.Fatal(err)
	}
	d := model.Decision{Action: Show, Article: "https://example.org/a", By: "ada", At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Note: `says "fine"`}
	log, err := Append(ctx, st, site, d)
	if err != nil {
		t.Fatalf("Append: %v", err)
	}
	got, _ := os.ReadFile(file)
	want := hand + "  - action: show\n    article: \"https://example.org/a\"\n    by: \"ada\"\n    at: 2026-12-03T10:00:00Z\n    note: \"says \\\"fine\\\"\"\n"
	if string(got) != want {
		t.Errorf("file:\n%s\nwant\n%s", got, want)
	}
	if log.Len() != 2 || log.Decisions[1].Note != `says "fine"` {
		t.Errorf("log read back: %+v", log.Decisions)
	}
	rec, err := st.Get(ctx, Path)
	if err != nil || string(rec.Raw) != want {
		t.Errorf("the store's copy: %v\n%s", err, rec.Raw)
	}
	if _, err := Append(ctx, st, site, model.Decision{Action: Hide, At: d.At}); err == nil {
		t.Error("an invalid decision was appended")
	}
	if after, _ := os.ReadFile(file); string(after) != want {
		t.Error("a refused decision changed the file")
	}
}

func TestAppendRendersAFileItCannotAppendTo(t *testing.T) {
	ctx := context.Background()
	for name, start := range map[string]string{
		"missing":     "",
		"empty list":  "decisions: []\n",
		"flow style":  "decisions: [{action: hide, article: \"https://example.org/a\", at: 2026-12-01T10:00:00Z}]\n",
		"key after":   "decisions:\n  - action: hide\n    article: https://example.org/a\n    at: 2026-12-01T10:00:00Z\nreviewed_by: ada\n",
		"no new line": "decisions:\n  - action: hide\n    article: https://example.org/a\n    at: 2026-12-01T10:00:00Z",
	} {
		t.Run(name, func(t *testing.T) {
			site := t.TempDir()
			before := 0
			if start != "" {
				os.MkdirAll(filepath.Join(site, "_data"), 0o755)
				os.WriteFile(File(site), []byte(start), 0o644)
				l, err := Parse("x", []byte(start))
				if err != nil {
					t.Fatal(err)
				}
				before = l.Len()
			}
			d := model.Decision{Action: BlockPublisher, Publisher: "spam.example", At: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}
			log, err := Append(ctx, nil, site, d)
			if err != nil {
				t.Fatalf("Append: %v", err)
			}
			if log.Len() != before+1 || log.Decisions[log.Len()-1].Publisher != "spam.example" {
				t.Errorf("log after: %+v", log.Decisions)
			}
		})
	}
}

// TestAppendAtOnceLosesNothing appends from many goroutines, each with its
// own lock descriptor as separate processes have: every decision lands.
func TestAppendAtOnceLosesNothing(t *testing.T) {
	ctx := context.Background()
	site := t.TempDir()
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() {
			d := model.Decision{Action: Hide, Article: fmt.Sprintf("https://example.org/%d", i), At: time.Now().UTC()}
			if _, err := Append(ctx, nil, site, d); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	log, err := Load(ctx, nil, site)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, d := range log.Decisions {
		seen[d.Article] = true
	}
	if len(seen) != n || log.Len() != n {
		t.Errorf("%d decisions (%d distinct) in the file, want %d", log.Len(), len(seen), n)
	}
}
