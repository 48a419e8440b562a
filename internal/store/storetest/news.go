package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// newsSet is a small hub: three stories with leads and members, lone
// articles, archived ones, ties in time, heat and quality, and records of
// other kinds that must never show in news listings.
func newsSet() (news []*model.Record, others []*model.Record) {
	type spec struct {
		slug, title       string
		at                int // hours after day0
		topics            []string
		heat, quality     int
		published, archvd bool
		story             string
	}
	specs := []spec{
		{"trump-rally", "Trump praises supporters", 0, []string{"Election", "Donald Trump"}, 142, 142, true, false, "s1"},
		{"trump-rally-2", "Trump rally draws crowd", 1, []string{"Election", "Donald Trump"}, -1, 120, false, false, "s1"},
		{"trump-rally-3", "Rally in Portland turns violent", 2, []string{"Election", "Donald Trump", "Democratic Voice"}, -1, 130, false, false, "s1"},
		{"biden-speech", "Biden speaks in Pittsburgh", 3, []string{"Election", "Joe Biden"}, 180, 140, true, false, "s2"},
		{"biden-speech-2", "Biden criticises Trump on unrest", 3, []string{"Election", "Joe Biden"}, -1, 90, false, false, "s2"},
		{"debate", "Debate commission sets rules", 5, []string{"Election", "Donald Trump", "Joe Biden"}, 200, 150, true, false, "s3"},
		{"poll", "New national poll", 6, []string{"Election"}, 100, 100, true, false, ""},
		{"mail-voting", "Mail voting expands", 6, []string{"Election", "Democratic Voice"}, 120, 100, true, false, ""},
		{"senate", "Senate race tightens", 7, []string{"Election"}, 100, 95, true, false, ""},
		{"convention", "Convention wraps up", -48, []string{"Election", "Donald Trump"}, 90, 110, true, true, "s0"},
		{"convention-2", "Convention ratings", -47, []string{"Election"}, -1, 80, false, true, "s0"},
	}
	for _, s := range specs {
		r := article(s.slug, s.title, hours(s.at), s.topics...)
		r.Article.Heat, r.Article.Quality, r.Article.Published, r.Article.Story = s.heat, s.quality, s.published, s.story
		if s.archvd {
			archived(r)
		}
		refresh(r)
		news = append(news, r)
	}
	others = []*model.Record{
		person("donald-trump", "Donald Trump", 900),
		event("debate-night", "Debate night", hours(4)),
		topic(1, "election", "Election"),
	}
	return news, others
}

func seedNews(t *testing.T, st store.Store) []*model.Record {
	t.Helper()
	news, others := newsSet()
	upsert(t, st, append(append([]*model.Record{}, news...), others...)...)
	return news
}

func testNewsQueries(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	yes, no := true, false
	tests := []struct {
		name string
		q    store.NewsQuery
		want []string // hand-checked slugs for a few cases; nil: only the reference
	}{
		{"everything newest first", store.NewsQuery{}, nil},
		{"topic", store.NewsQuery{Topic: "Donald Trump"}, []string{"debate", "trump-rally-3", "trump-rally-2", "trump-rally", "convention"}},
		{"topic published only", store.NewsQuery{Topic: "Donald Trump", PublishedOnly: true}, []string{"debate", "trump-rally", "convention"}},
		{"unknown topic", store.NewsQuery{Topic: "Nobody"}, []string{}},
		{"published only", store.NewsQuery{PublishedOnly: true}, nil},
		{"ties in time go by path", store.NewsQuery{Since: hours(3), Until: hours(4)}, []string{"biden-speech-2", "biden-speech"}},
		{"archived only", store.NewsQuery{Archived: &yes}, []string{"convention-2", "convention"}},
		{"not archived", store.NewsQuery{Archived: &no}, nil},
		{"since inclusive", store.NewsQuery{Since: hours(6)}, []string{"senate", "mail-voting", "poll"}},
		{"until exclusive", store.NewsQuery{Until: hours(0)}, []string{"convention-2", "convention"}},
		{"time window in topic", store.NewsQuery{Topic: "Election", Since: hours(1), Until: hours(5)}, []string{"biden-speech-2", "biden-speech", "trump-rally-3", "trump-rally-2"}},
		{"story", store.NewsQuery{Story: "s1"}, []string{"trump-rally-3", "trump-rally-2", "trump-rally"}},
		{"by heat", store.NewsQuery{Order: store.ByHeat}, nil},
		{"by heat published", store.NewsQuery{Order: store.ByHeat, PublishedOnly: true}, []string{"debate", "biden-speech", "trump-rally", "mail-voting", "senate", "poll", "convention"}},
		{"by heat in topic", store.NewsQuery{Order: store.ByHeat, Topic: "Democratic Voice"}, []string{"mail-voting", "trump-rally-3"}},
		{"by quality", store.NewsQuery{Order: store.ByQuality}, nil},
		{"by quality ties earliest first", store.NewsQuery{Order: store.ByQuality, Since: hours(6)}, []string{"mail-voting", "poll", "senate"}},
		{"by quality in story", store.NewsQuery{Order: store.ByQuality, Story: "s2"}, []string{"biden-speech", "biden-speech-2"}},
		{"every filter at once", store.NewsQuery{Topic: "Election", Story: "s3", PublishedOnly: true, Archived: &no, Since: hours(5), Until: hours(6), Order: store.ByHeat}, []string{"debate"}},
		{"limit", store.NewsQuery{Limit: 3}, []string{"senate", "mail-voting", "poll"}},
		{"offset and limit", store.NewsQuery{Offset: 2, Limit: 2}, []string{"poll", "debate"}},
		{"offset past the end", store.NewsQuery{Offset: 100}, []string{}},
		{"topic by time limited", store.NewsQuery{Topic: "Election", PublishedOnly: true, Limit: 2, Offset: 1}, []string{"mail-voting", "poll"}},
		{"values only", store.NewsQuery{Topic: "Donald Trump", NoRaw: true}, []string{"debate", "trump-rally-3", "trump-rally-2", "trump-rally", "convention"}},
	}
	bySlug := map[string]string{}
	for _, r := range news {
		bySlug[slugOf(r)] = r.Path
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := st.News(ctx, tt.q)
			if err != nil {
				t.Fatalf("News: %v", err)
			}
			want := paths(expectNews(news, tt.q))
			if tt.want != nil {
				hand := make([]string, len(tt.want))
				for i, s := range tt.want {
					hand[i] = bySlug[s]
				}
				if !equalStrings(hand, want) {
					t.Fatalf("test is inconsistent: reference gives %v, hand-checked %v", want, hand)
				}
			}
			if !equalStrings(paths(got), want) {
				t.Errorf("News(%+v)\n got %v\nwant %v", tt.q, paths(got), want)
			}
			byPath := map[string]*model.Record{}
			for _, r := range news {
				byPath[r.Path] = r
			}
			for _, r := range got {
				if r.Kind != model.KindNews || r.Article == nil {
					t.Errorf("News returned %s of kind %s", r.Path, r.Kind)
					continue
				}
				if w := byPath[r.Path]; w != nil && r.Article.Title != w.Article.Title {
					t.Errorf("News returned %s with title %q, stored %q", r.Path, r.Article.Title, w.Article.Title)
				}
				if tt.q.NoRaw != (r.Raw == nil) {
					t.Errorf("News(NoRaw %v) returned %s with %d raw bytes", tt.q.NoRaw, r.Path, len(r.Raw))
				}
			}
			unpaged := tt.q
			unpaged.Offset, unpaged.Limit = 0, 0
			n, err := st.CountNews(ctx, tt.q)
			if err != nil {
				t.Fatalf("CountNews: %v", err)
			}
			if want := len(expectNews(news, unpaged)); n != want {
				t.Errorf("CountNews = %d, want %d (Offset and Limit ignored)", n, want)
			}
			sameEntries(t, st, tt.q, got)
		})
	}
}

// sameEntries fails the test unless ScanNews(q) gives the entries of recs,
// the records News(q) returned, in their order.
func sameEntries(t *testing.T, st store.Store, q store.NewsQuery, recs []*model.Record) {
	t.Helper()
	var got []store.NewsEntry
	err := st.ScanNews(context.Background(), q, func(e store.NewsEntry) error {
		got = append(got, e)
		return nil
	})
	if err != nil {
		t.Fatalf("ScanNews: %v", err)
	}
	want := make([]store.NewsEntry, len(recs))
	for i, r := range recs {
		a := r.Article
		want[i] = store.NewsEntry{Path: r.Path, Version: r.Version, Story: a.Story, Published: a.Published,
			Archived: a.Archived, PublishedAt: a.PublishedDateTime.UTC(), CanonicalURL: a.CanonicalURL, GUID: a.GUID,
			OriginalURL: a.OriginalURL, PinnedUntil: a.PinnedUntil.UTC()}
	}
	if len(got) != len(want) {
		t.Fatalf("ScanNews(%+v) gives %d entries, News %d records", q, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ScanNews(%+v) entry %d\n got %+v\nwant %+v", q, i, got[i], want[i])
		}
	}
	if q.Limit == 0 && q.Offset == 0 {
		sameEntrySet(t, st, q, want)
	}
}

// sameEntrySet fails the test unless ScanNews in the store's own order gives
// the entries want, in any order.
func sameEntrySet(t *testing.T, st store.Store, q store.NewsQuery, want []store.NewsEntry) {
	t.Helper()
	q.Order = store.ByStorage
	left := map[store.NewsEntry]int{}
	for _, e := range want {
		left[e]++
	}
	n := 0
	err := st.ScanNews(context.Background(), q, func(e store.NewsEntry) error {
		n++
		if left[e] == 0 {
			t.Errorf("ScanNews(%+v) gives %+v, which the query does not select (or twice)", q, e)
		}
		left[e]--
		return nil
	})
	if err != nil {
		t.Fatalf("ScanNews(%+v): %v", q, err)
	}
	if n != len(want) {
		t.Errorf("ScanNews(%+v) gives %d entries, want %d", q, n, len(want))
	}
}

// slugOf returns the slug article() was given for r.
func slugOf(r *model.Record) string {
	p := r.Path
	for i := len(p) - 1; i >= 0; i-- {
		if p[i] == '/' {
			p = p[i+1:]
			break
		}
	}
	return p[len("2006-01-02-") : len(p)-len(".md")]
}

func testNewsPaging(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	for _, order := range []store.Order{store.ByTime, store.ByHeat, store.ByQuality} {
		for _, topic := range []string{"", "Election", "Donald Trump"} {
			base := store.NewsQuery{Topic: topic, Order: order}
			want := paths(expectNews(news, base))
			var got []string
			for off := 0; off < len(want)+3; off += 3 {
				q := base
				q.Offset, q.Limit = off, 3
				page, err := st.News(ctx, q)
				if err != nil {
					t.Fatalf("News: %v", err)
				}
				if len(page) > 3 {
					t.Fatalf("page of %d records with Limit 3", len(page))
				}
				got = append(got, paths(page)...)
			}
			if !equalStrings(got, want) {
				t.Errorf("order %d topic %q: pages give %v, want %v", order, topic, got, want)
			}
		}
	}
}

func testStory(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	bySlug := map[string]string{}
	for _, r := range news {
		bySlug[slugOf(r)] = r.Path
	}
	tests := []struct {
		story string
		want  []string
	}{
		// The lead comes first even when a member has higher quality.
		{"s1", []string{"trump-rally", "trump-rally-3", "trump-rally-2"}},
		{"s2", []string{"biden-speech", "biden-speech-2"}},
		{"s0", []string{"convention", "convention-2"}},
		{"no-such-story", nil},
	}
	// Make a member outrank the lead in quality, to show lead-first.
	member := news[2] // trump-rally-3
	member.Article.Quality = 999
	refresh(member)
	upsert(t, st, member)
	for _, tt := range tests {
		got, err := st.Story(ctx, tt.story)
		if err != nil {
			t.Fatalf("Story(%s): %v", tt.story, err)
		}
		want := make([]string, len(tt.want))
		for i, s := range tt.want {
			want[i] = bySlug[s]
		}
		if !equalStrings(paths(got), want) {
			t.Errorf("Story(%s) = %v, want %v", tt.story, paths(got), want)
		}
	}
}

func testDelete(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	gone := news[0] // trump-rally: topics Election, Donald Trump; story s1
	gone.Article.GUID = "guid-of-rally"
	refresh(gone)
	upsert(t, st, gone)
	alsoGone := news[6] // poll
	if err := st.Delete(ctx, gone.Path, "_news/2000-01-01-never-there.md", alsoGone.Path); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := st.Delete(ctx, gone.Path); err != nil {
		t.Errorf("Delete of an already deleted path: %v", err)
	}
	if err := st.Delete(ctx); err != nil {
		t.Errorf("Delete of nothing: %v", err)
	}
	for _, r := range []*model.Record{gone, alsoGone} {
		_, err := st.Get(ctx, r.Path)
		mustNotFound(t, "Get(deleted)", err)
	}
	_, err := st.ArticleByURL(ctx, gone.Article.CanonicalURL)
	mustNotFound(t, "ArticleByURL(deleted canonical URL)", err)
	_, err = st.ArticleByURL(ctx, gone.Article.GUID)
	mustNotFound(t, "ArticleByURL(deleted GUID)", err)

	rest := append(append([]*model.Record{}, news[1:6]...), news[7:]...)
	for _, q := range []store.NewsQuery{{}, {Topic: "Donald Trump"}, {Topic: "Election", Order: store.ByHeat}, {Story: "s1"}, {PublishedOnly: true}} {
		got, err := st.News(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if want := paths(expectNews(rest, q)); !equalStrings(paths(got), want) {
			t.Errorf("News(%+v) after delete = %v, want %v", q, paths(got), want)
		}
	}
	if res := search(t, st, store.SearchQuery{Text: "praises"}); res.Total != 0 || len(res.Hits) != 0 {
		t.Errorf("search finds a deleted record: %v", paths(res.Hits))
	}
	if res := search(t, st, store.SearchQuery{Text: "Trump"}); containsPath(res.Hits, gone.Path) {
		t.Errorf("search for Trump returns the deleted %s", gone.Path)
	}
	counts, err := st.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if counts[model.KindNews] != len(news)-2 {
		t.Errorf("Count[news] = %d after deleting 2 of %d", counts[model.KindNews], len(news))
	}
	// The path can be used again.
	upsert(t, st, gone)
	if n, _ := st.CountNews(ctx, store.NewsQuery{Topic: "Donald Trump"}); n != len(expectNews(news, store.NewsQuery{Topic: "Donald Trump"})) {
		t.Errorf("CountNews(Donald Trump) after re-adding = %d", n)
	}
}

func containsPath(recs []*model.Record, path string) bool {
	for _, r := range recs {
		if r.Path == path {
			return true
		}
	}
	return false
}

func testScan(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, others := newsSet()
	all := append(append([]*model.Record{}, news...), others...)
	all = append(all, config(), person("kamala-harris", "Kamala Harris", 400))
	// Paths sort byte by byte: capitals before small letters, '-' and '.'
	// before '_', which a database's collation for a language would not do.
	for _, slug := range []string{"Zed", "a_b", "a.b", "a-b", "ab"} {
		all = append(all, person(slug, "Person "+slug, 1))
	}
	upsert(t, st, all...)
	byPath := map[string]*model.Record{}
	for _, r := range all {
		byPath[r.Path] = r
	}
	tests := []struct {
		name  string
		kinds []model.Kind
	}{
		{"every kind", nil},
		{"news", []model.Kind{model.KindNews}},
		{"two kinds", []model.Kind{model.KindPerson, model.KindConfig}},
		{"kind with no records", []model.Kind{model.KindNewsletter}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var want []string
			for _, r := range all {
				if len(tt.kinds) == 0 || kindIn(r.Kind, tt.kinds) {
					want = append(want, r.Path)
				}
			}
			sort.Strings(want)
			var got []string
			err := st.Scan(ctx, tt.kinds, func(r *model.Record) error {
				got = append(got, r.Path)
				sameRecord(t, r, byPath[r.Path])
				return nil
			})
			if err != nil {
				t.Fatalf("Scan: %v", err)
			}
			if !equalStrings(got, want) {
				t.Errorf("Scan(%v) = %v, want %v", tt.kinds, got, want)
			}
		})
	}
}

func kindIn(k model.Kind, kinds []model.Kind) bool {
	for _, x := range kinds {
		if x == k {
			return true
		}
	}
	return false
}

func testScanRaw(t *testing.T, st store.Store) {
	ctx := context.Background()
	news, others := newsSet()
	all := append(append([]*model.Record{}, news...), others...)
	upsert(t, st, all...)
	byPath := map[string]*model.Record{}
	for _, r := range all {
		byPath[r.Path] = r
	}
	var got []string
	kept := map[string][]byte{}
	err := st.ScanRaw(ctx, []model.Kind{model.KindNews, model.KindPerson}, func(path string, kind model.Kind, raw []byte) error {
		got = append(got, path)
		want := byPath[path]
		if want == nil || kind != want.Kind {
			t.Errorf("ScanRaw gave %s (%s), not a stored news or person record", path, kind)
			return nil
		}
		kept[path] = raw // the suite relies on raw staying valid after fn returns
		return nil
	})
	if err != nil {
		t.Fatalf("ScanRaw: %v", err)
	}
	var want []string
	for _, r := range all {
		if r.Kind == model.KindNews || r.Kind == model.KindPerson {
			want = append(want, r.Path)
		}
	}
	sort.Strings(want)
	if !equalStrings(got, want) {
		t.Errorf("ScanRaw order = %v, want %v", got, want)
	}
	for p, raw := range kept {
		if string(raw) != string(byPath[p].Raw) {
			t.Errorf("ScanRaw %s: raw = %q, want %q", p, raw, byPath[p].Raw)
		}
	}
}

func testScanHolding(t *testing.T, st store.Store) {
	held := article("held", "Senate passes the budget", hours(1))
	held.Article.HeldRelated = []model.HeldRelated{{At: 0, Related: model.Related{Title: "Budget vote", WebURL: "https://example.org/vote", PublishedDateTime: hours(1)}}}
	curated := article("curated", "House answers", hours(2))
	curated.Article.CuratedRelated = true
	// Text that reads like a key is escaped in the value: no key.
	quoting := article("quoting", `Memo says "heldRelated": none`, hours(3))
	plain := article("plain", "Governor signs", hours(4))
	upsert(t, st, held, curated, quoting, plain, person("ada", "Ada Byron", 1))
	for _, c := range []struct {
		keys []string
		want []*model.Record
	}{
		{[]string{"heldRelated", "curatedRelated"}, []*model.Record{curated, held}},
		{[]string{"curatedRelated"}, []*model.Record{curated}},
		{[]string{"memberRelated"}, nil},
		{nil, nil},
	} {
		var got []*model.Record
		err := st.ScanHolding(context.Background(), []model.Kind{model.KindNews}, c.keys, func(r *model.Record) error {
			got = append(got, r)
			return nil
		})
		if err != nil {
			t.Fatalf("ScanHolding %v: %v", c.keys, err)
		}
		if !equalStrings(paths(got), paths(c.want)) {
			t.Errorf("ScanHolding %v = %v, want %v", c.keys, paths(got), paths(c.want))
			continue
		}
		for i := range got {
			sameRecord(t, got[i], c.want[i])
		}
	}
}

func testScanStops(t *testing.T, st store.Store) {
	seedNews(t, st)
	stop := errors.New("stop here")
	for _, raw := range []bool{false, true} {
		calls := 0
		var err error
		if raw {
			err = st.ScanRaw(context.Background(), nil, func(string, model.Kind, []byte) error { calls++; return stop })
		} else {
			err = st.Scan(context.Background(), nil, func(*model.Record) error { calls++; return stop })
		}
		if !errors.Is(err, stop) {
			t.Errorf("raw=%t: Scan returned %v, want the callback's error", raw, err)
		}
		if calls != 1 {
			t.Errorf("raw=%t: callback ran %d times after returning an error, want 1", raw, calls)
		}
	}
}

func testWriteDuringScan(t *testing.T, st store.Store) {
	ctx := context.Background()
	news := seedNews(t, st)
	// Curation reads every record and writes back what changed while the
	// scan is still open; neither side may wait for the other.
	seen := 0
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		seen++
		r.Article.Heat += 1000
		refresh(r)
		if err := st.Upsert(ctx, []*model.Record{r}); err != nil {
			return err
		}
		_, err := st.Get(ctx, r.Path)
		return err
	})
	if err != nil {
		t.Fatalf("Scan with writes in the callback: %v", err)
	}
	if seen != len(news) {
		t.Errorf("Scan saw %d records while they were rewritten, want %d", seen, len(news))
	}
	for _, r := range news {
		got, err := st.Get(ctx, r.Path)
		if err != nil {
			t.Fatal(err)
		}
		if got.Article.Heat != r.Article.Heat+1000 {
			t.Errorf("%s: heat %d after the scan, want %d", r.Path, got.Article.Heat, r.Article.Heat+1000)
		}
	}
}

// testArticlePaths checks the batched key look-up of a store that has one
// against ArticleByURL, over more keys than one SQLite statement takes
// (256): URLs, GUIDs, a GUID that is another article's URL, a URL two
// articles share (the first path wins), a missing key and an empty one.
func testArticlePaths(t *testing.T, st store.Store) {
	pf, ok := st.(interface {
		ArticlePaths(ctx context.Context, keys []string) (map[string]string, error)
	})
	if !ok {
		t.Skip("the store has no batched key look-up")
	}
	ctx := context.Background()
	at := time.Date(2021, 3, 1, 0, 0, 0, 0, time.UTC)
	var recs []*model.Record
	var keys []string
	for i := range 300 {
		a := &model.Article{Title: fmt.Sprint("Article ", i), PublishedDateTime: at.Add(time.Duration(i) * time.Minute),
			CanonicalURL: fmt.Sprintf("https://example.com/a/%d", i)}
		switch i % 4 {
		case 1:
			a.GUID = fmt.Sprintf("guid-%d", i)
		case 2:
			a.GUID = fmt.Sprintf("https://example.com/a/%d", i-1) // another article's URL as GUID
		case 3:
			a.CanonicalURL = ""
			a.GUID = fmt.Sprintf("guid-%d", i)
		}
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2021-03-01-a%03d.md", i), Kind: model.KindNews, Raw: []byte("x"), Article: a})
		keys = append(keys, fmt.Sprintf("https://example.com/a/%d", i), fmt.Sprintf("guid-%d", i))
	}
	dup := *recs[0].Article
	recs = append(recs, &model.Record{Path: "_news/2021-03-01-zz.md", Kind: model.KindNews, Raw: []byte("x"), Article: &dup})
	keys = append(keys, "https://example.com/missing", "", keys[0])
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatal(err)
	}
	got, err := pf.ArticlePaths(ctx, keys)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, k := range keys {
		want := ""
		r, err := st.ArticleByURL(ctx, k)
		switch {
		case err == nil:
			want = r.Path
			found++
		case !errors.Is(err, store.ErrNotFound):
			t.Fatal(err)
		}
		if got[k] != want {
			t.Errorf("key %q: ArticlePaths gives %q, ArticleByURL %q", k, got[k], want)
		}
	}
	if found < 300 {
		t.Errorf("only %d keys found: the check covers too little", found)
	}
}

// longURL is an address of n characters that does not compress, as a
// tracking token or a signed link is: a store cannot hold it shorter.
func longURL(seed uint64, n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	r := rand.New(rand.NewPCG(seed, 1))
	b := []byte("https://example.com/story?token=")
	for len(b) < n {
		b = append(b, letters[r.IntN(len(letters))])
	}
	return string(b)
}

// testLongURLs stores articles whose canonical URL and GUID are as long as
// an address may be (model.MaxURL), beside an ordinary one in the same
// batch, finds them by those keys and purges them, keeping the keys.
func testLongURLs(t *testing.T, st store.Store) {
	ctx := context.Background()
	long := article("long-link", "Signed link", hours(0), "Election")
	long.Article.CanonicalURL, long.Article.GUID = longURL(1, model.MaxURL), longURL(2, model.MaxURL)
	long.Article.OriginalURL, long.Article.WebURL = long.Article.CanonicalURL, long.Article.CanonicalURL
	refresh(long)
	plain := article("plain", "Plain link", hours(1), "Election")
	upsert(t, st, long, plain)
	for _, key := range []string{long.Article.CanonicalURL, long.Article.GUID} {
		if got, err := st.ArticleByURL(ctx, key); err != nil || got.Path != long.Path {
			t.Errorf("ArticleByURL(%.40s…): %v; want %s", key, err, long.Path)
		}
	}
	if pf, ok := st.(interface {
		ArticlePaths(ctx context.Context, keys []string) (map[string]string, error)
	}); ok {
		got, err := pf.ArticlePaths(ctx, []string{long.Article.CanonicalURL, long.Article.GUID})
		if err != nil || len(got) != 2 || got[long.Article.GUID] != long.Path {
			t.Errorf("ArticlePaths of the long keys: %d found, %v; want both", len(got), err)
		}
	}
	stored := get(t, st, long.Path)
	err := st.Purge(ctx, []store.Purge{{Path: stored.Path, Version: stored.Version, At: hours(2),
		Keys: []string{long.Article.CanonicalURL, long.Article.GUID}}})
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if ts, err := st.Tombstone(ctx, long.Article.GUID); err != nil || ts.Path != long.Path {
		t.Errorf("Tombstone of the long GUID: %+v, %v; want it kept", ts, err)
	}
}
