package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

var genNow = time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC)

// genStore fills a store with a synthetic hub of n articles. Every third
// article of a lead's neighbourhood is put in one story, so stories exist
// without running curation.
func genStore(t testing.TB, n int) (store.Store, *site.Site) {
	t.Helper()
	return genStoreIn(t, openStore(t), n)
}

// genStoreIn is genStore into the store st.
func genStoreIn(t testing.TB, st store.Store, n int) (store.Store, *site.Site) {
	t.Helper()
	var recs []*model.Record
	err := gen.Records(gen.Options{Articles: n, Seed: 7}, func(r *model.Record) error {
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, r := range recs {
		if r.Article != nil {
			r.Article.Story = "s-" + strconv.Itoa(i/3)
			i++
		}
	}
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	return st, s
}

func genOptions() Options {
	return Options{Now: func() time.Time { return genNow }}
}

func TestBuildWritesWhatDocAnswers(t *testing.T) {
	st, s := genStore(t, 400)
	out := filepath.Join(t.TempDir(), "out")
	stats, err := Build(context.Background(), st, s, out, BuildOptions{Options: genOptions()})
	if err != nil {
		t.Fatal(err)
	}
	h, err := Load(context.Background(), st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	files := testutil.Files(t, out)
	if int64(len(files)) != stats.Files {
		t.Errorf("stats say %d files, the tree holds %d", stats.Files, len(files))
	}
	want := h.Paths(context.Background())
	if len(want) != len(files) {
		t.Errorf("Paths lists %d files, the build wrote %d", len(want), len(files))
	}
	for rel, data := range files {
		d, err := h.Doc(context.Background(), rel)
		if err != nil {
			t.Errorf("%s: Doc: %v", rel, err)
			continue
		}
		if !bytes.Equal(d.Body, data) {
			t.Errorf("%s: built file differs from the served document", rel)
		}
		if strings.HasSuffix(rel, ".json") && !json.Valid(data) {
			t.Errorf("%s: invalid JSON", rel)
		}
		// The folder itself answers as well as its index.json.
		if folder, ok := strings.CutSuffix(rel, "index.json"); ok {
			if d2, err := h.Doc(context.Background(), folder); err != nil || d2.ETag != d.ETag {
				t.Errorf("%s: folder path does not answer the same document (%v)", folder, err)
			}
		}
	}
	for _, p := range []string{"api/news/index.json", "api/topics/index.json", "api/stories/index.json",
		"api/events/future/index.json", "api/people/collections/index.json", "feeds/rss.xml"} {
		if _, ok := files[p]; !ok {
			t.Errorf("%s not built", p)
		}
	}
}

// newsPageItem is what the paging test reads of an item.
type newsPageItem struct {
	Path              string    `json:"path"`
	Heat              int       `json:"heat"`
	PublishedDateTime time.Time `json:"publishedDateTime"`
	Topics            []string  `json:"topics"`
	SourceURL         string    `json:"sourceUrl"`
}

type newsPageDoc struct {
	Page     int            `json:"page"`
	Value    []newsPageItem `json:"value"`
	NextPage *int           `json:"nextPage"`
}

func TestNewsPagingFollowsTheRealRules(t *testing.T) {
	st, s := genStore(t, 600)
	ctx := context.Background()
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	lists := map[string]string{"api/news": "", "api/news/" + s.Root().ID: ""}
	for _, tp := range s.Topics {
		if tp != s.Root() {
			lists["api/news/"+tp.ID] = tp.Name
		}
	}
	current := false // archived news is in no list
	for prefix, topic := range lists {
		q := store.NewsQuery{Topic: topic, PublishedOnly: true, Archived: &current}
		want, err := st.CountNews(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		var last time.Time
		for page := 1; ; page++ {
			d, err := h.Doc(ctx, prefix+"/page/"+strconv.Itoa(page)+"/")
			if err != nil {
				t.Fatalf("%s page %d: %v", prefix, page, err)
			}
			var doc newsPageDoc
			if err := json.Unmarshal(d.Body, &doc); err != nil {
				t.Fatal(err)
			}
			alias, err := h.Doc(ctx, prefix+"/page"+strconv.Itoa(page)+"/index.json")
			if err != nil || !bytes.Equal(alias.Body, d.Body) {
				t.Errorf("%s: page%d differs from page/%d", prefix, page, page)
			}
			if doc.Page != page {
				t.Errorf("%s page %d: page field %d", prefix, page, doc.Page)
			}
			for _, it := range doc.Value {
				if seen[it.Path] {
					t.Errorf("%s: %s listed twice", prefix, it.Path)
				}
				seen[it.Path] = true
				if it.Heat < 0 {
					t.Errorf("%s: unpublished item %s (heat %d)", prefix, it.Path, it.Heat)
				}
				if !last.IsZero() && it.PublishedDateTime.After(last) {
					t.Errorf("%s: %s is newer than the item before it", prefix, it.Path)
				}
				last = it.PublishedDateTime
				if topic != "" && !slices.Contains(it.Topics, topic) {
					t.Errorf("%s: %s lacks topic %s", prefix, it.Path, topic)
				}
				if _, err := h.Doc(ctx, strings.TrimPrefix(it.SourceURL, h.BaseURL()+"/")); err != nil {
					t.Errorf("%s: sourceUrl %s does not answer: %v", prefix, it.SourceURL, err)
				}
			}
			if doc.NextPage == nil {
				if len(doc.Value) > 30 || (len(doc.Value) == 0 && want > 0) {
					t.Errorf("%s: last page %d holds %d items", prefix, page, len(doc.Value))
				}
				if _, err := h.Doc(ctx, prefix+"/page/"+strconv.Itoa(page+1)+"/"); !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: page past the last: %v, want not found", prefix, err)
				}
				break
			}
			if len(doc.Value) != 30 {
				t.Errorf("%s page %d: %d items, want 30", prefix, page, len(doc.Value))
			}
			if *doc.NextPage != page+1 {
				t.Errorf("%s page %d: nextPage %d", prefix, page, *doc.NextPage)
			}
		}
		if len(seen) != want {
			t.Errorf("%s: %d items over all pages, the store counts %d current published", prefix, len(seen), want)
		}
		first, _ := h.Doc(ctx, prefix+"/")
		p1, _ := h.Doc(ctx, prefix+"/page/1/index.json")
		if first == nil || p1 == nil || !bytes.Equal(first.Body, p1.Body) {
			t.Errorf("%s: index.json differs from page 1", prefix)
		}
	}
	for _, bad := range []string{"api/news/page/0/", "api/news/page/-1/", "api/news/page/99999999999/",
		"api/news/page01/", "api/news/page/01/", "api/news/page/", "api/news/nope/", "api/../api/news/",
		"api/news//page/1/", "api/news/page/1/extra/"} {
		if _, err := h.Doc(ctx, bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want not found", bad, err)
		}
	}
}

func TestEmptyHubHasAnEmptyFirstPage(t *testing.T) {
	st := openStore(t)
	s := site.New(&model.Config{Title: "Empty"}, nil, nil)
	h, err := Load(context.Background(), st, s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.Doc(context.Background(), "api/news/")
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"page\": 1,\n  \"value\": [],\n  \"nextPage\": null\n}"; string(d.Body) != want {
		t.Errorf("empty page:\n%s\nwant\n%s", d.Body, want)
	}
	if _, err := h.Doc(context.Background(), "api/news/page/2/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("page 2 of nothing: %v", err)
	}
}

func TestEventsSplitAtTheClock(t *testing.T) {
	st, s := electionStore(t)
	ctx := context.Background()
	now := time.Date(2020, 10, 1, 0, 0, 0, 0, time.UTC)
	h, err := Load(ctx, st, s, Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	type ev struct {
		Path          string    `json:"path"`
		StartDateTime time.Time `json:"startDateTime"`
		EndDateTime   time.Time `json:"endDateTime"`
	}
	read := func(p string) []ev {
		d, err := h.Doc(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		var doc struct{ Value []ev }
		if err := json.Unmarshal(d.Body, &doc); err != nil {
			t.Fatal(err)
		}
		return doc.Value
	}
	check := func(wantFuture, wantPast int) {
		t.Helper()
		future, past := read("api/events/future/"), read("api/events/past/")
		if len(future) != wantFuture || len(past) != wantPast {
			t.Fatalf("at %v: %d future and %d past, want %d and %d", now, len(future), len(past), wantFuture, wantPast)
		}
		for i, e := range future {
			if !e.EndDateTime.After(now) {
				t.Errorf("future event %s ended at %v", e.Path, e.EndDateTime)
			}
			if i > 0 && e.StartDateTime.Before(future[i-1].StartDateTime) {
				t.Errorf("future events not by start ascending at %s", e.Path)
			}
		}
		for i, e := range past {
			if e.EndDateTime.After(now) {
				t.Errorf("past event %s ends at %v", e.Path, e.EndDateTime)
			}
			if i > 0 && e.StartDateTime.After(past[i-1].StartDateTime) {
				t.Errorf("past events not by start descending at %s", e.Path)
			}
		}
		if all := read("api/events/"); len(all) != wantFuture+wantPast {
			t.Errorf("api/events/ holds %d events, want %d", len(all), wantFuture+wantPast)
		}
	}
	check(4, 3) // the conventions and the first debate are over
	now = time.Date(2020, 11, 5, 0, 0, 0, 0, time.UTC)
	check(0, 7)
	now = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	check(7, 0)
}

func TestRebuildKeepsUnchangedFiles(t *testing.T) {
	st, s := genStore(t, 200)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	opt := BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{
		func(_ context.Context, _ *View, out *Output) error {
			return out.Put("index.html", []byte("<h1>hub</h1>\n"))
		},
	}}
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	stamps := func() map[string]os.FileInfo {
		m := map[string]os.FileInfo{}
		for rel := range testutil.Files(t, out) {
			fi, err := os.Stat(filepath.Join(out, rel))
			if err != nil {
				t.Fatal(err)
			}
			m[rel] = fi
		}
		return m
	}
	same := func(a, b os.FileInfo) bool {
		return a != nil && b != nil && os.SameFile(a, b) && a.ModTime().Equal(b.ModTime())
	}
	before := stamps()
	time.Sleep(20 * time.Millisecond) // let a rewrite show in the times
	stats, err := Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Written != 0 || stats.Unchanged != stats.Files {
		t.Errorf("unchanged store: %+v, want nothing written", stats)
	}
	after := stamps()
	if len(after) != len(before) {
		t.Fatalf("%d files, then %d", len(before), len(after))
	}
	for rel, b := range before {
		if a := after[rel]; !same(a, b) {
			t.Errorf("%s was rewritten", rel)
		}
	}

	// Change one article's title: its own document, its pages and the
	// feeds change; the rest keeps its files.
	var changed *model.Record
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if changed == nil && r.Article.Published {
			changed = r
		}
		return nil
	})
	if err != nil || changed == nil {
		t.Fatalf("no published article: %v", err)
	}
	changed.Article.Title = "A changed title"
	if err := st.Upsert(ctx, []*model.Record{changed}); err != nil {
		t.Fatal(err)
	}
	stats, err = Build(ctx, st, s, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Written == 0 || stats.Unchanged == 0 {
		t.Errorf("one change: %+v, want some written and most kept", stats)
	}
	final := stamps()
	key := ArticleKey(changed.Path, changed.Article.PublishedDateTime)
	if same(final["api/news/"+key+"/index.json"], before["api/news/"+key+"/index.json"]) {
		t.Error("the changed article's document was not rewritten")
	}
	if !same(final["api/topics/index.json"], before["api/topics/index.json"]) || !same(final["index.html"], before["index.html"]) {
		t.Error("an unchanged file was rewritten")
	}
	data, _ := os.ReadFile(filepath.Join(out, "api/news", key, "index.json"))
	if !bytes.Contains(data, []byte("A changed title")) {
		t.Error("the new title is not in the article document")
	}
}

func TestFailedBuildLeavesThePreviousOne(t *testing.T) {
	st, s := genStore(t, 50)
	ctx := context.Background()
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	before := testutil.Files(t, out)
	boom := errors.New("boom")
	_, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions(), Extra: []func(context.Context, *View, *Output) error{
		func(_ context.Context, _ *View, out *Output) error {
			out.Put("half.html", []byte("half"))
			return boom
		},
	}})
	if !errors.Is(err, boom) {
		t.Fatalf("build error %v, want boom", err)
	}
	after := testutil.Files(t, out)
	if len(after) != len(before) {
		t.Errorf("failed build changed the tree: %d files, then %d", len(before), len(after))
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "out" && e.Name() != ".out.lock" && e.Name() != ".out.manifest" {
			t.Errorf("leftover %s beside OUT", e.Name())
		}
	}
}

func TestFeedsParseAndCarryTheLeads(t *testing.T) {
	st, s := genStore(t, 300)
	ctx := context.Background()
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	topics := []string{""}
	for _, tp := range s.Topics {
		if tp != s.Root() {
			topics = append(topics, tp.ID)
		}
	}
	parser := gofeed.NewParser()
	for _, topic := range topics {
		leads := h.leads
		prefix := "feeds/"
		if topic != "" {
			leads, prefix = h.topicLeads[topic], "feeds/"+topic+"/"
		}
		if len(leads) > FeedItems {
			leads = leads[:FeedItems]
		}
		entries := h.feedEntries(leads)
		for _, name := range []string{"rss.xml", "atom.xml", "feed.json"} {
			d, err := h.Doc(ctx, prefix+name)
			if err != nil {
				t.Fatalf("%s%s: %v", prefix, name, err)
			}
			f, err := parser.Parse(bytes.NewReader(d.Body))
			if err != nil {
				t.Fatalf("%s%s: gofeed: %v", prefix, name, err)
			}
			if f.Title == "" {
				t.Errorf("%s%s: no title", prefix, name)
			}
			// A feed links to the page it mirrors: a topic's, its topic page.
			page := h.web
			if topic != "" {
				page = h.base + "/topics/" + topic + "/"
			}
			if f.Link != page {
				t.Errorf("%s%s: links to %q, want the page it mirrors, %q", prefix, name, f.Link, page)
			}
			if len(f.Items) != len(leads) {
				t.Fatalf("%s%s: %d items, want %d", prefix, name, len(f.Items), len(leads))
			}
			for i, it := range f.Items {
				e := entries[i]
				if it.Title != e.title || it.Link != e.link {
					t.Errorf("%s%s item %d: %q %q, want %q %q", prefix, name, i, it.Title, it.Link, e.title, e.link)
				}
				if it.PublishedParsed == nil || !it.PublishedParsed.Equal(e.Time.Truncate(time.Second)) {
					t.Errorf("%s%s item %d: published %v, want %v", prefix, name, i, it.PublishedParsed, e.Time)
				}
				if it.GUID != h.apiURL("news/"+e.Key) {
					t.Errorf("%s%s item %d: id %q", prefix, name, i, it.GUID)
				}
				if it.Description == "" && e.excerpt != "" {
					t.Errorf("%s%s item %d: no summary", prefix, name, i)
				}
			}
		}
	}
}

func TestStoriesListEveryMember(t *testing.T) {
	st, s := genStore(t, 120)
	ctx := context.Background()
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.stories) == 0 {
		t.Fatal("no stories")
	}
	for _, se := range h.apiStories[:5] {
		d, err := h.Doc(ctx, "api/stories/"+se.ID+"/")
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			ID         string         `json:"id"`
			Size       int            `json:"size"`
			Publishers []string       `json:"publishers"`
			Voices     map[string]int `json:"voices"`
			Members    []newsPageItem `json:"members"`
		}
		if err := json.Unmarshal(d.Body, &doc); err != nil {
			t.Fatal(err)
		}
		recs, err := st.News(ctx, store.NewsQuery{Story: se.ID})
		if err != nil {
			t.Fatal(err)
		}
		if doc.ID != se.ID || doc.Size != len(recs) || len(doc.Members) != len(recs) {
			t.Errorf("story %s: size %d, %d members, the store has %d", se.ID, doc.Size, len(doc.Members), len(recs))
		}
		pubs := map[string]bool{}
		voices := map[string]int{}
		for _, r := range recs {
			pubs[r.Article.Provider.Name] = true
			for _, tp := range r.Article.Topics {
				if strings.HasSuffix(tp, "Voice") {
					voices[tp]++
				}
			}
		}
		if len(doc.Publishers) != len(pubs) {
			t.Errorf("story %s: publishers %v, want %d distinct", se.ID, doc.Publishers, len(pubs))
		}
		for name, n := range voices {
			if doc.Voices[name] != n {
				t.Errorf("story %s: voice %s counted %d, want %d", se.ID, name, doc.Voices[name], n)
			}
		}
	}
}

func TestConcurrentBuildOfOneFolderIsRefused(t *testing.T) {
	st, s := genStore(t, 20)
	dir := t.TempDir()
	unlock, err := lockOut(filepath.Join(dir, ".out.lock"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(context.Background(), st, s, filepath.Join(dir, "out"), BuildOptions{Options: genOptions()})
	if err == nil || !strings.Contains(err.Error(), "another build") {
		t.Errorf("build while another holds the lock: %v", err)
	}
	unlock()
	if _, err := Build(context.Background(), st, s, filepath.Join(dir, "out"), BuildOptions{Options: genOptions()}); err != nil {
		t.Errorf("build after the lock was released: %v", err)
	}
}

func TestTopicSetsShareEqualListsOnly(t *testing.T) {
	ts := newTopicSets([]string{"Election", "Economy"})
	a := ts.intern([]string{"Election", "Economy"})
	b := ts.intern([]string{"Election", "Economy"})
	if &a[0] != &b[0] {
		t.Error("equal topic lists are not shared")
	}
	// Joined with NUL, these two lists give the same key.
	odd := ts.intern([]string{"a\x00b"})
	pair := ts.intern([]string{"a", "b"})
	if !slices.Equal(odd, []string{"a\x00b"}) || !slices.Equal(pair, []string{"a", "b"}) {
		t.Errorf("intern gave %q and %q", odd, pair)
	}
}

// TestFeedsGiveTheLanguageAsATag: a site's locale written as og:locale and
// many Jekyll sites write it ("en_US") is a language tag in the feeds
// ("en-US"), which readers take for a language.
func TestFeedsGiveTheLanguageAsATag(t *testing.T) {
	st, s := genStore(t, 30)
	ctx := context.Background()
	tests := []struct{ locale, want string }{
		{"en_US", "en-US"},
		{"pt_br", "pt-br"},
		{"en-us", "en-us"},
	}
	for _, tt := range tests {
		s.Config.Locale = tt.locale
		h, err := Load(ctx, st, s, genOptions())
		if err != nil {
			t.Fatal(err)
		}
		for name, want := range map[string]string{"rss.xml": "<language>" + tt.want + "</language>", "feed.json": `"language": "` + tt.want + `"`} {
			d, err := h.Doc(ctx, "feeds/"+name)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(d.Body, []byte(want)) {
				t.Errorf("locale %q: feeds/%s lacks %s", tt.locale, name, want)
			}
		}
	}
}

// TestFeedsOfATopicWithNoNewsSayWhenTheHubChanged: a topic no article has
// yet gave feeds last updated in 1970; they give the hub's newest news's
// time, as its other feeds do.
func TestFeedsOfATopicWithNoNewsSayWhenTheHubChanged(t *testing.T) {
	st, s := genStore(t, 3)
	ctx := context.Background()
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(h.leads) == 0 {
		t.Fatal("the generated hub has no leads")
	}
	empty := ""
	for _, tp := range s.Topics {
		if len(h.topicLeads[tp.ID]) == 0 {
			empty = tp.ID
			break
		}
	}
	if empty == "" {
		t.Fatal("every topic of the generated hub has news")
	}
	newest := h.leads[0].Time.In(h.loc)
	for name, want := range map[string]string{
		"rss.xml":  "<lastBuildDate>" + newest.Format(time.RFC1123Z) + "</lastBuildDate>",
		"atom.xml": "<updated>" + newest.Format(time.RFC3339) + "</updated>",
	} {
		d, err := h.Doc(ctx, "feeds/"+empty+"/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(d.Body, []byte(want)) || bytes.Contains(d.Body, []byte("1970")) {
			t.Errorf("feeds/%s/%s lacks %s:\n%s", empty, name, want, d.Body)
		}
	}
}
