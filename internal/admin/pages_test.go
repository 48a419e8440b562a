package admin

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/explain"
	"newshub/internal/ingest"
	"newshub/internal/ingest/sources"
	"newshub/internal/model"
	"newshub/internal/store"
)

var flashText = regexp.MustCompile(`(?s)<p class="notice( error)? flash" role="status" id="flash">(.*?)(?: <a href="#[\w-]+">Go to the field</a>)?</p>`)

// follow posts a form and returns the message of the page it leads to,
// and whether it is an error.
func (c *client) follow(path string, form url.Values) (string, bool) {
	c.t.Helper()
	w := c.post(path, form)
	if w.Code != http.StatusSeeOther {
		c.t.Fatalf("POST %s: %d\n%s", path, w.Code, w.Body)
	}
	page := c.do("GET", w.Header().Get("Location"), nil)
	m := flashText.FindStringSubmatch(page.Body.String())
	if m == nil {
		c.t.Fatalf("POST %s: no message on %s", path, w.Header().Get("Location"))
	}
	return html.UnescapeString(m[2]), m[1] != ""
}

func (c *client) page(path string) string {
	c.t.Helper()
	w := c.do("GET", path, nil)
	if w.Code != http.StatusOK {
		c.t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
	}
	return html.UnescapeString(w.Body.String())
}

// TestSourcesPageShowsWhatSourcesListShows checks the sources page
// against the sources' state as `newshub sources list` reads it.
func TestSourcesPageShowsWhatSourcesListShows(t *testing.T) {
	f := newFixture(t, nil)
	body := f.signedIn(t).page(Prefix + "sources/")
	ctx := context.Background()
	list, err := sources.Load(ctx, f.st, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	all, err := sources.Statuses(ctx, f.st, list)
	if err != nil || len(all) != 3 {
		t.Fatal(all, err)
	}
	for _, s := range all {
		next, _ := s.NextFetch()
		for _, want := range []string{s.Source.URL, s.Source.Provider, s.State.LastStatus, when(s.State.LastFetch), when(next)} {
			if !strings.Contains(body, want) {
				t.Errorf("sources page lacks %q of %s", want, s.Source.URL)
			}
		}
	}
	for _, want := range []string{"4 items, 3 new", "3 items, 2 new", "failing", "1 error", "every 30m",
		"no usable link: 1", `“Subscriber note”`, "duplicate: 1", "(another item of " + f.feeds + "/feeds/daily.xml with the same link and GUID)",
		"Last ingest round 2026-11-20 12:00 UTC: 3 fetched, 5 new articles"} {
		if !strings.Contains(body, want) {
			t.Errorf("sources page lacks %q", want)
		}
	}
}

func TestSourceForms(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	file := func() string { return readFile(t, filepath.Join(f.dir, "_data", "sources.yaml")) }
	for _, tt := range []struct {
		path    string
		form    url.Values
		message string
		isError bool
		inFile  string // the file holds it after, or with "!" does not
	}{
		{"sources/add", url.Values{"url": {"https://news.example.org/feed.xml"}, "provider": {"News.Example.org"}, "topics": {"Senate, Polls"}, "interval": {"45m"}, "dedicated": {"1"}},
			"Added https://news.example.org/feed.xml.", false, "  - url: https://news.example.org/feed.xml\n    provider: news.example.org\n    topics:\n      - Senate\n      - Polls\n    interval: 45m\n    dedicated: true\n"},
		{"sources/add", url.Values{"url": {"https://NEWS.example.org/feed.xml/"}}, "Not done: source https://NEWS.example.org/feed.xml/ is already listed", true, ""},
		{"sources/add", url.Values{"url": {"ftp://files.example.org/feed"}}, `Not done: source "ftp://files.example.org/feed": want an absolute http or https URL`, true, "!ftp:"},
		{"sources/add", url.Values{"url": {"https://x.example/"}, "interval": {"10s"}}, `Not done: source "https://x.example/": interval "10s": at least 1m`, true, "!x.example"},
		{"sources/pause", url.Values{"url": {f.feeds + "/feeds/daily.xml"}}, "Paused " + f.feeds + "/feeds/daily.xml.", false, "    enabled: false\n"},
		{"sources/resume", url.Values{"url": {f.feeds + "/feeds/daily.xml"}}, "Resumed " + f.feeds + "/feeds/daily.xml: it is fetched at the next round.", false, "!enabled: false"},
		{"sources/pause", url.Values{"url": {"https://absent.example/feed"}}, `Not done: source "https://absent.example/feed" is not listed`, true, ""},
		{"sources/remove", url.Values{"url": {"https://news.example.org/feed.xml"}}, "Removed https://news.example.org/feed.xml.", false, "!news.example.org"},
		{"sources/remove", url.Values{"url": {"https://news.example.org/feed.xml"}}, `Not done: source "https://news.example.org/feed.xml" is not listed`, true, ""},
	} {
		before := file()
		msg, isErr := c.follow(Prefix+tt.path, tt.form)
		if msg != tt.message || isErr != tt.isError {
			t.Errorf("%s %v: message %q (error %v), want %q", tt.path, tt.form, msg, isErr, tt.message)
		}
		after := file()
		switch {
		case tt.isError && after != before:
			t.Errorf("%s %v: refused, yet the file changed", tt.path, tt.form)
		case strings.HasPrefix(tt.inFile, "!") && strings.Contains(after, tt.inFile[1:]):
			t.Errorf("%s %v: the file still holds %q:\n%s", tt.path, tt.form, tt.inFile[1:], after)
		case !strings.HasPrefix(tt.inFile, "!") && !strings.Contains(after, tt.inFile):
			t.Errorf("%s %v: the file lacks %q:\n%s", tt.path, tt.form, tt.inFile, after)
		}
	}
	// Resuming a failing source clears its errors: due at once.
	if msg, _ := c.follow(Prefix+"sources/resume", url.Values{"url": {f.feeds + "/broken.xml"}}); !strings.HasPrefix(msg, "Resumed") {
		t.Fatal(msg)
	}
	s, err := f.st.SourceState(context.Background(), f.feeds+"/broken.xml")
	if err != nil || s.Errors != 0 || !s.NextFetch.IsZero() {
		t.Errorf("resumed state %+v %v", s, err)
	}
}

// TestSourceAddedAgainForgetsItsFailures: a failing source removed and
// added again is fetched at the next round, as a new one is, where it
// waited out the backoff (or stayed paused) under the state its address
// kept.
func TestSourceAddedAgainForgetsItsFailures(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	broken := f.feeds + "/broken.xml"
	if s, err := f.st.SourceState(context.Background(), broken); err != nil || s.Errors == 0 || s.NextFetch.IsZero() {
		t.Fatalf("the broken source before: %+v %v; want failing", s, err)
	}
	for _, path := range []string{"sources/remove", "sources/add"} {
		if msg, isErr := c.follow(Prefix+path, url.Values{"url": {broken}}); isErr {
			t.Fatalf("%s: %s", path, msg)
		}
	}
	s, err := f.st.SourceState(context.Background(), broken)
	if err != nil || s.Errors != 0 || s.Paused || !s.NextFetch.IsZero() {
		t.Errorf("the broken source added again: errors %d, paused %v, next fetch %v (%v); want due at once", s.Errors, s.Paused, s.NextFetch, err)
	}
}

// TestSourceNotAddedKeepsItsFailures: a source added again whose list
// could not be saved (its file a folder, which stops root too) is not
// added, and keeps its failures and backoff, where they were forgotten
// before the save failed.
func TestSourceNotAddedKeepsItsFailures(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	ctx := context.Background()
	broken := f.feeds + "/broken.xml"
	if msg, isErr := c.follow(Prefix+"sources/remove", url.Values{"url": {broken}}); isErr {
		t.Fatalf("remove: %s", msg)
	}
	before, err := f.st.SourceState(ctx, broken)
	if err != nil || before.Errors == 0 || before.NextFetch.IsZero() {
		t.Fatalf("the broken source before: %+v %v; want failing", before, err)
	}
	file := filepath.Join(f.dir, "_data", "sources.yaml")
	if err := os.Remove(file); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(file, 0o755); err != nil {
		t.Fatal(err)
	}
	if msg, isErr := c.follow(Prefix+"sources/add", url.Values{"url": {broken}}); !isErr || !strings.Contains(msg, "save sources") {
		t.Errorf("add with the list unwritable: %q (error %v), want the save's error", msg, isErr)
	}
	list, err := sources.Load(ctx, f.st, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	if list.Find(broken) >= 0 {
		t.Errorf("the source is listed though its list was not saved")
	}
	s, err := f.st.SourceState(ctx, broken)
	if err != nil || s.Errors != before.Errors || s.Paused != before.Paused || !s.NextFetch.Equal(before.NextFetch) {
		t.Errorf("the source not added: errors %d, paused %v, next fetch %v (%v); want them kept: %d, %v, %v",
			s.Errors, s.Paused, s.NextFetch, err, before.Errors, before.Paused, before.NextFetch)
	}
}

func TestRoundsPage(t *testing.T) {
	f := newFixture(t, nil)
	// A later round whose sources' host asked it to wait: they were due,
	// and not asked.
	held, err := json.Marshal(ingest.Round{Summary: ingest.Summary{Sources: 3, Due: 3, Fetched: 1, HeldOff: 2}})
	if err != nil {
		t.Fatal(err)
	}
	later := store.Round{Started: time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC), Summary: held}
	if err := f.st.AddRound(context.Background(), later); err != nil {
		t.Fatal(err)
	}
	// And one in an outage of the hub's network: its failures were not
	// the sources', which the page says.
	out, err := json.Marshal(ingest.Round{Summary: ingest.Summary{Sources: 3, Due: 3, Failed: 3, NetworkOut: 3}})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddRound(context.Background(), store.Round{Started: time.Date(2026, 11, 20, 14, 0, 0, 0, time.UTC), Summary: out}); err != nil {
		t.Fatal(err)
	}
	body := f.signedIn(t).page(Prefix + "rounds/")
	for _, want := range []string{"2026-11-20 12:00 UTC", "3 of 3", "duplicate: 1, no usable link: 1", `class="has-errors"`,
		">Held off</th>", "3 not counted: the network was out"} {
		if !strings.Contains(body, want) {
			t.Errorf("rounds page lacks %q", want)
		}
	}
	// Fetched, not modified, failed, held off.
	heldRow := regexp.MustCompile(`13:00 UTC</td>\s*<td class="num">[^<]*</td>\s*<td class="num">3 of 3</td>\s*` +
		`<td class="num">1</td>\s*<td class="num">0</td>\s*<td class="num">0</td>\s*<td class="num">2</td>`)
	if !heldRow.MatchString(body) {
		t.Errorf("rounds page does not show the round's 2 sources held off:\n%s", body)
	}
}

func TestStoriesAndStoryPages(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	body := c.page(Prefix + "stories/")
	for _, want := range []string{"3 published stories", "County clerks prepare for record election turnout",
		"Senate passes border security bill after marathon debate", "Polls tighten in the governor race as early voting begins"} {
		if !strings.Contains(body, want) {
			t.Errorf("stories page lacks %q", want)
		}
	}
	if strings.Contains(body, "Border security bill passes the Senate") {
		t.Error("stories page lists a member that is not a lead")
	}
	// The three stories fill one page: a page past it is none, however
	// far (the offset of the last would overflow).
	for _, page := range []string{"2", "9223372036854775807"} {
		if w := c.do("GET", Prefix+"stories/?page="+page, nil); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "There is no page "+page) {
			t.Errorf("stories page %s: %d, want 404 naming it", page, w.Code)
		}
	}
	id := f.storyID(t)
	body = c.page(Prefix + "stories/" + id + "/")
	for _, want := range []string{"Story " + id, "2 articles", "Senate passes border security bill after marathon debate",
		"Border security bill passes the Senate after marathon debate", "Make lead", "Split out", "Hide all 2 articles"} {
		if !strings.Contains(body, want) {
			t.Errorf("story page lacks %q", want)
		}
	}
	if n := strings.Count(body, `<span class="state state-ok">lead</span>`); n != 1 {
		t.Errorf("story page marks %d leads", n)
	}
	if w := c.do("GET", Prefix+"stories/s-nothing/", nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown story: %d", w.Code)
	}
}

// TestArticlePageShowsExplain checks that the article page shows what
// `newshub explain` prints, character for character.
func TestArticlePageShowsExplain(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const u = "https://statedaily.example/politics/senate-passes-border-bill"
	var want bytes.Buffer
	if _, err := explain.Run(context.Background(), &want, f.st, f.hubSite, f.dir, u); err != nil {
		t.Fatal(err)
	}
	body := c.page(Prefix + "article/?a=" + url.QueryEscape(u))
	if !strings.Contains(body, `<pre class="explain">`+want.String()+`</pre>`) {
		t.Errorf("article page lacks the explanation:\n%s", want.String())
	}
	for _, want := range []string{"Hide this article", "Block publisher statedaily.example", "Make it the lead of its story",
		"Move it out of its story", "Add topic"} {
		if !strings.Contains(body, want) {
			t.Errorf("article page lacks %q", want)
		}
	}
	if w := c.do("GET", Prefix+"article/?a="+url.QueryEscape("https://nowhere.example/x"), nil); w.Code != http.StatusNotFound {
		t.Errorf("unknown article: %d", w.Code)
	}
}

// TestDecisionForms posts the decision forms and checks what reaches the
// Editor: who and when filled in, stories named by their lead too, and
// what is refused before it.
func TestDecisionForms(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	id := f.storyID(t)
	other := ""
	if rec, err := f.st.ArticleByURL(context.Background(), "https://capitolwire.example/2026/11/20/governor-polls"); err == nil {
		other = rec.Article.Story
	}
	const lead, member = "https://capitolwire.example/2026/11/20/senate-border-bill", "https://statedaily.example/politics/senate-passes-border-bill"
	const leadOther = "https://capitolwire.example/2026/11/20/governor-polls"
	const gone = "https://statedaily.example/politics/never-stored"
	at := f.clock.now()
	for _, tt := range []struct {
		form url.Values
		want []Decision // nil: refused with message
		msg  string
	}{
		{url.Values{"action": {"hide"}, "article": {member}, "note": {"a duplicate"}, "off_topic": {"1"}},
			[]Decision{{Action: Hide, Article: member, Note: "a duplicate", OffTopic: true}}, "Done: hide " + member},
		{url.Values{"action": {"lead"}, "article": {member}, "story": {id}},
			[]Decision{{Action: Lead, Article: member, Story: id, StoryArticle: lead}}, "Done: lead " + member},
		{url.Values{"action": {"pin"}, "story": {id}, "for": {"24h"}},
			[]Decision{{Action: Pin, Story: id, StoryArticle: lead, Until: at.Add(24 * time.Hour)}}, "Done: pinned story " + id + " until 2026-11-21 12:00 UTC"},
		{url.Values{"action": {"topic-add"}, "article": {member}, "topic": {"Polls"}},
			[]Decision{{Action: TopicAdd, Article: member, Topic: "Polls"}}, `Done: topic-add "Polls" on ` + member},
		{url.Values{"action": {"block-publisher"}, "publisher": {"StateDaily.example"}},
			[]Decision{{Action: BlockPublisher, Publisher: "statedaily.example"}}, "Done: block-publisher statedaily.example"},
		{url.Values{"action": {"block-source"}, "source": {f.feeds + "/feeds/daily.xml"}},
			[]Decision{{Action: BlockSource, Source: f.feeds + "/feeds/daily.xml"}}, "Done: block-source " + f.feeds + "/feeds/daily.xml"},
		{url.Values{"action": {"show"}, "story": {id}, "all": {"1"}},
			[]Decision{{Action: Show, Article: lead}, {Action: Show, Article: member}}, "Done: show " + lead + ", and 1 more."},

		{url.Values{"action": {"delete-everything"}}, nil, `Not done: unknown action "delete-everything"`},
		{url.Values{"action": {"hide"}}, nil, "Not done: hide: article is missing"},
		{url.Values{"action": {"hide"}, "article": {"javascript:alert(1)"}}, nil, `Not done: hide: "javascript:alert(1)" is not an absolute http or https URL`},
		{url.Values{"action": {"merge"}, "story": {id}, "into": {id}}, nil, "Not done: merge: a story cannot be merged into itself"},
		{url.Values{"action": {"merge"}, "story": {id}, "into": {"s-gone"}}, nil, `Not done: story "s-gone" has no articles`},
		{url.Values{"action": {"pin"}, "story": {id}, "for": {"10y"}}, nil, `Not done: pin: unknown duration "10y"`},
		{url.Values{"action": {"move"}, "article": {member}, "out": {"1"}, "into": {other}}, nil, "Not done: move: give a story to move into, or move out"},
		{url.Values{"action": {"hide"}, "article": {member}, "note": {strings.Repeat("é", 301)}}, nil, "Not done: the note is longer than 300 characters"},
		// What edit refuses: an article no longer stored (retention purged
		// it after the page was read) moved or given a topic, a topic the
		// hub does not have.
		{url.Values{"action": {"move"}, "article": {gone}, "into": {id}}, nil, `Not done: move: no article "` + gone + `" is stored`},
		{url.Values{"action": {"topic-remove"}, "article": {gone}, "topic": {"Polls"}}, nil, `Not done: topic-remove: no article "` + gone + `" is stored`},
		{url.Values{"action": {"topic-add"}, "article": {member}, "topic": {"Pols"}}, nil, `Not done: topic-add: no topic "Pols" in the taxonomy`},
		{url.Values{"action": {"topic-add"}, "article": {member}, "topic": {"senate"}},
			[]Decision{{Action: TopicAdd, Article: member, Topic: "Senate"}}, `Done: topic-add "Senate" on ` + member},

		// The editor applies each decision to the store: these two change
		// the stories the others name, so they come last.
		{url.Values{"action": {"move"}, "article": {member}, "out": {"1"}},
			[]Decision{{Action: Move, Article: member, Out: true}}, "Done: moved " + member + " out of its story"},
		{url.Values{"action": {"merge"}, "story": {id}, "into": {other}},
			[]Decision{{Action: Merge, Story: id, StoryArticle: lead, Into: other, IntoArticle: leadOther}}, "Done: merged story " + id + " into " + other},
	} {
		before, _ := f.editor.Decisions(context.Background())
		msg, isErr := c.follow(Prefix+"decide", tt.form)
		after, _ := f.editor.Decisions(context.Background())
		got := after[len(before):]
		if !strings.HasPrefix(msg, tt.msg) || isErr != (tt.want == nil) {
			t.Errorf("%v: message %q (error %v), want %q", tt.form, msg, isErr, tt.msg)
		}
		if len(got) != len(tt.want) {
			t.Errorf("%v: %d decisions applied, want %d", tt.form, len(got), len(tt.want))
			continue
		}
		for i, w := range tt.want {
			w.By, w.At, w.Line = adminName, at, got[i].Line // the line it has in the log
			if got[i] != w {
				t.Errorf("%v: applied %+v, want %+v", tt.form, got[i], w)
			}
		}
	}
	// The editor's refusal is shown, and nothing is kept.
	f.editor.fail = errors.New("the decisions file is locked")
	if msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"hide"}, "article": {member}}); msg != "Not done: the decisions file is locked" || !isErr {
		t.Errorf("editor failing: %q", msg)
	}
}

// TestRefusalsQuoteHugeValuesBriefly: a value of 30 KB in a query or a
// form is refused with a message quoting its start, not the whole of it.
func TestRefusalsQuoteHugeValuesBriefly(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	id := f.storyID(t)
	huge := strings.Repeat("w", 30<<10)
	long := "https://nowhere.example/" + huge
	const member = "https://statedaily.example/politics/senate-passes-border-bill"
	for _, tt := range []struct {
		get  string     // a page asked for, or
		form url.Values // a decision posted
		post string     // where form goes, when not to decide
		want string
	}{
		{get: "stories/?page=" + huge, want: "There is no page"},
		{get: "sources/?page=0&q=" + huge, want: "of the sources matching"},
		{get: "article/?a=" + url.QueryEscape(long), want: "No article"},
		{form: url.Values{"action": {huge}}, want: "Not done: unknown action"},
		{form: url.Values{"action": {"hide"}, "article": {"javascript:" + huge}}, want: "is not an absolute http or https URL"},
		{form: url.Values{"action": {"pin"}, "story": {id}, "for": {huge}}, want: "Not done: pin: unknown duration"},
		{form: url.Values{"action": {"topic-add"}, "article": {member}, "topic": {huge}}, want: "Not done: topic-add: no topic"},
		{form: url.Values{"action": {"merge"}, "story": {id}, "into": {huge}}, want: "Not done: story"},
		{form: url.Values{"action": {"move"}, "article": {long}, "into": {id}}, want: "Not done: move: no article"},
		{post: "sources/pause", form: url.Values{"url": {long}}, want: "is not listed"},
		{post: "sources/remove", form: url.Values{"url": {long}}, want: "is not listed"},
	} {
		var msg, what string
		switch {
		case tt.get != "":
			what = tt.get[:min(len(tt.get), 40)]
			w := c.do("GET", Prefix+tt.get, nil)
			if w.Code != http.StatusBadRequest && w.Code != http.StatusNotFound {
				t.Errorf("GET %s: %d, want 400 or 404", what, w.Code)
			}
			msg = w.Body.String()
		default:
			post := cmp.Or(tt.post, "decide")
			what = post + " " + tt.form.Encode()[:40]
			var isErr bool
			if msg, isErr = c.follow(Prefix+post, tt.form); !isErr {
				t.Errorf("%s: %q, not refused", what, msg)
			}
		}
		if !strings.Contains(msg, tt.want) || strings.Contains(msg, huge[:201]) {
			t.Errorf("%s: %d bytes, want a message saying %q that quotes at most 200 characters of the value", what, len(msg), tt.want)
		}
	}
}

// TestDecisionsPageOffersUndoOfTheLatest checks that the log lists every
// decision and offers to undo one only while it is the last on its thing.
func TestDecisionsPageOffersUndoOfTheLatest(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const u = "https://capitolwire.example/2026/11/20/clerks-turnout"
	c.follow(Prefix+"decide", url.Values{"action": {"hide"}, "article": {u}, "note": {"<b>bold</b> claim"}})
	body := c.page(Prefix + "decisions/")
	if !strings.Contains(body, `<input type="hidden" name="action" value="unhide">`) || !strings.Contains(body, ">Undo</button>") ||
		!strings.Contains(body, "<b>bold</b> claim") {
		t.Errorf("decisions page after a hide:\n%s", body)
	}
	if raw := c.do("GET", Prefix+"decisions/", nil).Body.String(); strings.Contains(raw, "<b>bold</b>") {
		t.Error("the note is not escaped")
	}
	f.clock.advance(time.Minute)
	c.follow(Prefix+"decide", url.Values{"action": {"show"}, "article": {u}})
	body = c.page(Prefix + "decisions/")
	if strings.Count(body, "<strong>hide</strong>") != 1 || strings.Count(body, "<strong>show</strong>") != 1 || strings.Count(body, ">Undo</button>") != 1 ||
		strings.Contains(body, `value="unhide"`) || !strings.Contains(body, `<input type="hidden" name="action" value="unshow">`) {
		t.Errorf("decisions page after hide and show, want both and the show's undo alone:\n%s", body)
	}
	if strings.Index(body, "<strong>show</strong>") > strings.Index(body, "<strong>hide</strong>") {
		t.Error("the decisions are not listed newest first")
	}
	// The article page follows the log.
	if body := c.page(Prefix + "article/?a=" + url.QueryEscape(u)); !strings.Contains(body, "Hide this article") || !strings.Contains(body, ">Unshow</button>") {
		t.Error("after show, the article page does not offer to hide it and to take the show back")
	}
	// The show's undo brings back the hide it overrode, not the gate's say.
	f.clock.advance(time.Minute)
	if msg, isErr := c.follow(Prefix+"decide", formWith(t, body, "Undo")); isErr {
		t.Fatal(msg)
	}
	if got := f.article(t, u); got.Withheld != model.WithheldHidden {
		t.Errorf("after the show's undo: withheld %q, want %q as the hide before it", got.Withheld, model.WithheldHidden)
	}
}

// TestAShowTakenBackLeavesTheArticleToTheGate checks the article page's
// show of an article a block withholds, and its undo: published, then
// withheld by the block again, the gate taught nothing, where the area
// offered no show and nothing took one back.
func TestAShowTakenBackLeavesTheArticleToTheGate(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const u = "https://statedaily.example/politics/governor-race-polls"
	if msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"block-publisher"}, "publisher": {"statedaily.example"}}); isErr {
		t.Fatal(msg)
	}
	page := Prefix + "article/?a=" + url.QueryEscape(u)
	for _, step := range []struct {
		button, want string
		basis        string // the gate's basis after the step
	}{
		{"Show this article", "", "editor"},
		{"Unshow", model.WithheldPublisher, ""},
	} {
		f.clock.advance(time.Minute)
		if msg, isErr := c.follow(Prefix+"decide", formWith(t, c.page(page), step.button)); isErr {
			t.Fatalf("%s: %s", step.button, msg)
		}
		a := f.article(t, u)
		basis := ""
		if a.Relevance != nil && a.Relevance.Basis == "editor" {
			basis = "editor"
		}
		if a.Withheld != step.want || basis != step.basis {
			t.Errorf("after %s: withheld %q, gate's basis %q; want %q, %q", step.button, a.Withheld, basis, step.want, step.basis)
		}
	}
}

// TestWithoutAnEditor checks the area without the editorial package: the
// pages work, no decision form is shown, and a posted decision is refused.
func TestWithoutAnEditor(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Editor = nil })
	c := f.signedIn(t)
	for _, p := range []string{"sources/", "stories/", "stories/" + f.storyID(t) + "/", "decisions/",
		"article/?a=" + url.QueryEscape("https://capitolwire.example/2026/11/20/senate-border-bill")} {
		if body := c.page(Prefix + p); strings.Contains(body, `action="/admin/decide"`) {
			t.Errorf("%s shows a decision form", p)
		}
	}
	if msg, isErr := c.follow(Prefix+"decide", url.Values{"action": {"hide"}, "article": {"https://capitolwire.example/2026/11/20/senate-border-bill"}}); !isErr || !strings.Contains(msg, "not available") {
		t.Errorf("decision without an editor: %q", msg)
	}
	if _, err := os.Stat(filepath.Join(f.dir, "_data", "decisions.jsonl")); !os.IsNotExist(err) {
		t.Errorf("a decision was kept: %v", err)
	}
}

// TestHeadAnswersWithoutABody checks HEAD on a page.
func TestHeadAnswersWithoutABody(t *testing.T) {
	f := newFixture(t, nil)
	w := f.signedIn(t).do("HEAD", Prefix+"sources/", nil)
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("HEAD: %d with %d bytes", w.Code, w.Body.Len())
	}
}

// TestDecisionsPageNamesTheLogsInvalidDecisions checks a log edited by
// hand with a mistake: the page names the decision left out by its file
// and line and lists the others, where it left the mistake out unsaid.
func TestDecisionsPageNamesTheLogsInvalidDecisions(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const u = "https://capitolwire.example/2026/11/20/clerks-turnout"
	byHand := "decisions:\n  - action: hide\n    article: " + u + "\n    at: 2026-11-20T11:00:00Z\n" +
		"  - action: hdie\n    article: " + u + "\n    at: 2026-11-20T11:01:00Z\n"
	if err := os.WriteFile(editorial.File(f.dir), []byte(byHand), 0o644); err != nil {
		t.Fatal(err)
	}
	body := c.page(Prefix + "decisions/")
	if want := editorial.File(f.dir) + `:5: unknown action "hdie"`; !strings.Contains(body, want) || strings.Count(body, "<strong>hide</strong>") != 1 {
		t.Errorf("decisions page, want the hide listed and %s named:\n%s", want, body)
	}
}

// TestDecisionsPageNamesDecisionsWaiting checks a log written by hand
// whose lead names an article not stored: the page says by its line that
// it waits for it, where it listed it as any decision in force.
func TestDecisionsPageNamesDecisionsWaiting(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	const missing = "https://capitolwire.example/2026/11/21/still-to-come"
	byHand := "decisions:\n  - action: lead\n    article: " + missing + "\n    story: s-1\n    at: 2026-11-20T11:00:00Z\n"
	if err := os.WriteFile(editorial.File(f.dir), []byte(byHand), 0o644); err != nil {
		t.Fatal(err)
	}
	body := c.page(Prefix + "decisions/")
	if want := editorial.File(f.dir) + ":2: lead: waits for article " + missing + ", not stored yet"; !strings.Contains(body, want) {
		t.Errorf("decisions page, want %s named:\n%s", want, body)
	}
}

var goneLink = regexp.MustCompile(`>(https://gone\.example/\d+)</a>`)

// TestDecisionsPageIsPaginated checks the decisions page of a long log:
// a page of 100, newest first, the undo of each while it is
// the last on its article, and the waits of its own decisions, where the
// page listed the whole log and asked the store about every decision.
func TestDecisionsPageIsPaginated(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	ds := goneHides(250, false)
	ds = append(ds, ds[0]) // hidden again: the first hide is no longer the last on its article
	ds[len(ds)-1].At = ds[len(ds)-2].At.Add(time.Minute)
	writeLog(t, f.dir, ds)
	for _, tc := range []struct {
		page        string
		rows, undos int
		newest      string
		oldest      string
	}{
		{"", 100, 100, "https://gone.example/0", "https://gone.example/151"},
		{"?page=2", 100, 100, "https://gone.example/150", "https://gone.example/51"},
		{"?page=3", 51, 50, "https://gone.example/50", "https://gone.example/0"},
	} {
		body := c.page(Prefix + "decisions/" + tc.page)
		if n := strings.Count(body, "<strong>hide</strong>"); n != tc.rows {
			t.Errorf("%q: %d rows, want %d", tc.page, n, tc.rows)
		}
		if n := strings.Count(body, ">Undo</button>"); n != tc.undos {
			t.Errorf("%q: %d undos, want %d", tc.page, n, tc.undos)
		}
		if n := strings.Count(body, "not stored yet"); n != tc.rows {
			t.Errorf("%q: %d waits named, want the page's %d", tc.page, n, tc.rows)
		}
		if links := goneLink.FindAllStringSubmatch(body, -1); len(links) == 0 || links[0][1] != tc.newest || links[len(links)-1][1] != tc.oldest {
			t.Errorf("%q: want %s first and %s last", tc.page, tc.newest, tc.oldest)
		}
		if !strings.Contains(body, "of 3</span>") || !strings.Contains(body, "251 editorial decisions") {
			t.Errorf("%q: no pager of 3 pages over 251 decisions", tc.page)
		}
	}
	for page, code := range map[string]int{"4": http.StatusNotFound, "0": http.StatusBadRequest, "x": http.StatusBadRequest} {
		if w := c.do("GET", Prefix+"decisions/?page="+page, nil); w.Code != code || !strings.Contains(w.Body.String(), "There is no page") {
			t.Errorf("page %s: %d, want %d saying there is no such page", page, w.Code, code)
		}
	}
}

// TestPagesFoldTheLogOnceWhileItIsTheSame reads the area's pages over a
// log unchanged, then edited by hand: what the log says (rules compiled,
// the last decision on each thing) is folded once per log read, where
// every page compiled the whole log again (a tenth of a second a page
// at 50,000 decisions), and again once the file's bytes change.
func TestPagesFoldTheLogOnceWhileItIsTheSame(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	ctx := context.Background()
	ds := goneHides(3, false)
	writeLog(t, f.dir, ds)
	before, err := f.admin.standing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, page := range []string{"decisions/", "stories/", "sources/"} {
		c.page(Prefix + page)
		if now, err := f.admin.standing(ctx); err != nil || now != before {
			t.Fatalf("after the %s page over the same log: folded again (%v)", page, err)
		}
	}
	writeLog(t, f.dir, append(ds, model.Decision{Action: editorial.Unhide, Article: ds[0].Article, By: "ada", At: ds[2].At.Add(time.Minute)}))
	c.page(Prefix + "decisions/")
	after, err := f.admin.standing(ctx)
	switch {
	case err != nil:
		t.Fatal(err)
	case after == before:
		t.Fatal("a log edited by hand was not folded again")
	case after.hidden(ds[0].Article) || !after.hidden(ds[1].Article):
		t.Errorf("after the unhide: %s hidden %v, %s hidden %v; want false, true",
			ds[0].Article, after.hidden(ds[0].Article), ds[1].Article, after.hidden(ds[1].Article))
	}
}

// TestSourcesPageIsPaginatedAndSearchable lists a hub of 5,003 sources,
// as an OPML import of a directory leaves it: a page of 100, with links
// that keep the search, and a search by address, publisher or topic,
// where the page listed every source, megabytes of rows and forms.
func TestSourcesPageIsPaginatedAndSearchable(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	list, err := sources.Load(ctx, f.st, f.dir)
	if err != nil {
		t.Fatal(err)
	}
	feeds := make([]sources.OPMLFeed, 5000)
	for i := range feeds {
		feeds[i].Source = model.Source{URL: fmt.Sprintf("https://h%d.example/feed/%d.xml", i%700, i)}
		if i%50 == 0 {
			feeds[i].Provider = "section.example"
		}
	}
	if got := list.Import(feeds); got.Added != len(feeds) {
		t.Fatalf("imported %+v", got)
	}
	if err := list.Save(ctx, f.st, f.dir); err != nil {
		t.Fatal(err)
	}
	c := f.signedIn(t)
	for _, tc := range []struct {
		query       string
		rows        int
		first, last string // addresses' ends
		pager       string
		prev, next  string // links of the pager
	}{
		{"", 100, "/feeds/wire.xml", "/feed/96.xml", "Page 1 of 51", "", `href="?page=2"`},
		{"?page=51", 3, "/feed/4997.xml", "/feed/4999.xml", "Page 51 of 51", `href="?page=50"`, ""},
		{"?q=SECTION.example", 100, "/feed/0.xml", "/feed/4950.xml", "", "", ""},
		{"?q=h7.example/", 8, "/feed/7.xml", "/feed/4907.xml", "", "", ""},
		{"?q=example&page=2", 100, "/feed/97.xml", "/feed/196.xml", "Page 2 of 51", `href="?q=example&page=1"`, `href="?q=example&page=3"`},
		{"?q=election", 1, "/feeds/wire.xml", "/feeds/wire.xml", "", "", ""},
	} {
		body := c.page(Prefix + "sources/" + tc.query)
		rows := sourceURL.FindAllStringSubmatch(body, -1)
		if len(rows) != tc.rows || !strings.HasSuffix(rows[0][1], tc.first) || !strings.HasSuffix(rows[len(rows)-1][1], tc.last) {
			t.Errorf("%q: %d rows, want %d from %s to %s", tc.query, len(rows), tc.rows, tc.first, tc.last)
			continue
		}
		for _, want := range []string{tc.pager, tc.prev, tc.next, "5003 feeds in"} {
			if !strings.Contains(body, want) {
				t.Errorf("%q: no %s", tc.query, want)
			}
		}
	}
	if body := c.page(Prefix + "sources/?q=nowhere.example"); !strings.Contains(body, "No feed matches") {
		t.Errorf("a search matching nothing does not say so")
	}
	for page, code := range map[string]int{"52": http.StatusNotFound, "0": http.StatusBadRequest} {
		if w := c.do("GET", Prefix+"sources/?page="+page, nil); w.Code != code || !strings.Contains(w.Body.String(), "There is no page") {
			t.Errorf("page %s: %d, want %d saying there is no such page", page, w.Code, code)
		}
	}
}

var sourceURL = regexp.MustCompile(`<td class="feed"><span class="url">([^<]+)</span>`)
