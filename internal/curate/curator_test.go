package curate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/content/contenttest"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// openStore opens a fresh SQLite store for the test.
func openStore(t testing.TB) store.Store { return sqlitetest.Open(t) }

// readSite parses every record file under dir.
func readSite(t testing.TB, dir string) []*model.Record { return contenttest.ReadSite(t, dir) }

// importSample loads the Smartable sample into st through Arrive, as the
// import command does, and returns the curator and the files' bytes.
func importSample(t *testing.T, st store.Store) (*Curator, map[string][]byte) {
	t.Helper()
	ctx := context.Background()
	dir := testutil.Shared(t, "smartable-sample")
	recs := readSite(t, dir)
	files := map[string][]byte{}
	var config []*model.Record
	for _, r := range recs {
		files[r.Path] = bytes.Clone(r.Raw)
		if r.Kind != model.KindNews {
			config = append(config, r)
		}
	}
	if err := st.Upsert(ctx, config); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	cur := New(s, st, Options{Now: func() time.Time { return time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC) }})
	out, err := cur.Arrive(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(ctx, out); err != nil {
		t.Fatal(err)
	}
	return cur, files
}

var qanonPaths = []string{
	"_news/2020-09-11-is-mike-pence-embracing-qanon-attendance-at-supporters-fundraiser-poses-troubling-questions.md",
	"_news/2020-09-13-mike-pence-backs-out-of-fundraiser-hosted-by-qanon-supporters.md",
	"_news/2020-09-13-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers.md",
	"_news/2020-09-13-vice-president-mike-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers.md",
	"_news/2020-09-13-vp-mike-pence-drops-plan-to-go-to-fundraiser-hosted-by-qanon-backers.md",
	"_news/2020-09-13-mike-pence-scrubs-qanon-fundraiser-at-the-last-moment.md",
}

func TestArriveImportKeepsFilesAndLinksTheQAnonStory(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	_, files := importSample(t, st)

	n := 0
	err := st.Scan(ctx, nil, func(r *model.Record) error {
		n++
		if !bytes.Equal(r.Raw, files[r.Path]) {
			t.Errorf("%s: bytes changed by curation", r.Path)
		}
		if r.Kind == model.KindNews {
			a := r.Article
			if a.Story == "" || a.CanonicalURL == "" {
				t.Errorf("%s: story %q canonical %q, want both", r.Path, a.Story, a.CanonicalURL)
			}
			if a.Explain == nil || a.Explain.Story == "" || len(a.Explain.Quality) == 0 {
				t.Errorf("%s: explanations missing: %+v", r.Path, a.Explain)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("store holds %d records, want %d", n, len(files))
	}

	story := ""
	leads := 0
	for _, p := range qanonPaths {
		r, err := st.Get(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if story == "" {
			story = r.Article.Story
		}
		if r.Article.Story != story {
			t.Errorf("%s: story %s, want %s like the rest of the QAnon cluster", p, r.Article.Story, story)
		}
		if r.Article.Published {
			leads++
			if r.Article.Provider.Domain != "aljazeera.com" {
				t.Errorf("lead is %s, want the record that carries published: true (Al Jazeera)", r.Article.Provider.Domain)
			}
		}
	}
	if leads != 1 {
		t.Errorf("QAnon story has %d leads, want 1", leads)
	}
	members, err := st.Story(ctx, story)
	if err != nil {
		t.Fatal(err)
	}
	if len(members) != len(qanonPaths) {
		var got []string
		for _, m := range members {
			got = append(got, m.Path)
		}
		t.Errorf("story %s has %d members, want %d: %q", story, len(members), len(qanonPaths), got)
	}

	// A record unrelated to the cluster keeps a story of its own.
	r, err := st.Get(ctx, "_news/2021-06-27-blinken-visit-to-pope-will-reset-us-vatican-ties-after-trump-years.md")
	if err != nil {
		t.Fatal(err)
	}
	if r.Article.Story == story {
		t.Error("an unrelated record joined the QAnon story")
	}
}

func TestExplainComparesCarriedValuesWithComputedOnes(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cur, _ := importSample(t, st)
	r, err := st.Get(ctx, qanonPaths[1])
	if err != nil {
		t.Fatal(err)
	}
	ex, err := cur.Explain(ctx, r)
	if err != nil {
		t.Fatal(err)
	}
	q := strings.Join(ex.Quality, "\n")
	if !strings.Contains(q, "125, carried by the record") || !strings.Contains(q, "newshub would compute") || !strings.Contains(q, "publisher prior") {
		t.Errorf("quality explanation:\n%s", q)
	}
	if !strings.Contains(strings.Join(ex.Topics, "\n"), `Mike Pence: "pence" in title`) {
		t.Errorf("topics explanation: %q", ex.Topics)
	}
	if !strings.Contains(ex.Story, "linked by related coverage with 5 other records") || ex.Heat != "265, carried by the record" {
		t.Errorf("story %q heat %q", ex.Story, ex.Heat)
	}
	if _, err := cur.Explain(ctx, &model.Record{Path: "_events/x.md", Kind: model.KindEvent}); err == nil {
		t.Error("Explain of an event: want an error")
	}
}

func TestArriveImportIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cur, _ := importSample(t, st)
	before := map[string]string{}
	st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		before[r.Path] = r.Article.Story
		return nil
	})
	recs := readSite(t, testutil.Shared(t, "smartable-sample"))
	out, err := cur.Arrive(ctx, recs)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range out {
		if r.Kind == model.KindNews && r.Article.Story != before[r.Path] {
			t.Errorf("%s: story %s on re-import, was %s", r.Path, r.Article.Story, before[r.Path])
		}
	}
	if len(out) != len(recs) {
		t.Errorf("re-import returned %d records, want the %d arrivals and no stored change", len(out), len(recs))
	}
}

// fresh makes a news record as ingest would: no curated values, no bytes.
func fresh(title, url, provider string, published time.Time) *model.Record {
	a := &model.Article{
		Category: "news", Title: title, Excerpt: title + ".",
		PublishedDateTime: published, OriginalURL: url, WebURL: url, Type: "article",
		Provider: model.Provider{Name: provider, Domain: RegistrableDomain(hostOf(url))},
	}
	return &model.Record{Path: content.NewsPath(published, title+" "+provider), Kind: model.KindNews, Article: a}
}

func hostOf(u string) string {
	u = strings.TrimPrefix(strings.TrimPrefix(u, "https://"), "http://")
	h, _, _ := strings.Cut(u, "/")
	return h
}

func newCurator(t testing.TB, st store.Store, now time.Time) *Curator {
	t.Helper()
	s := testSite()
	return New(s, st, Options{Now: func() time.Time { return now }})
}

// arrive runs Arrive and upserts its result, failing the test on error.
func arrive(t *testing.T, c *Curator, st store.Store, recs ...*model.Record) []*model.Record {
	t.Helper()
	out, err := c.Arrive(context.Background(), recs)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.Upsert(context.Background(), out); err != nil {
		t.Fatal(err)
	}
	return out
}

func paths(recs []*model.Record) []string {
	var ps []string
	for _, r := range recs {
		ps = append(ps, r.Path)
	}
	return ps
}

func get(t *testing.T, st store.Store, path string) *model.Article {
	t.Helper()
	r, err := st.Get(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return r.Article
}

// background stores a day of unrelated news before t0, so word statistics
// are those of a real window rather than of two or three headlines.
func background(t *testing.T, cur *Curator, st store.Store, t0 time.Time) {
	t.Helper()
	subjects := strings.Fields("Senate House Court Governor Mayor Fed Treasury Pentagon NASA Congress Judge Voters Teachers Farmers Doctors Police Firefighters Airlines Banks Unions")
	verbs := strings.Fields("approves rejects delays debates investigates announces cuts expands blocks defends")
	objects := strings.Fields("budget|wildfire aid|school funding|vaccine rollout|tax plan|border wall|climate bill|rail strike|drug prices|voting rules|tariffs|hurricane relief")
	objects = strings.Split(strings.Join(objects, " "), "|")
	var recs []*model.Record
	for i := range 60 {
		title := fmt.Sprintf("%s %s %s in %d", subjects[i%len(subjects)], verbs[(i*7)%len(verbs)], objects[(i*5)%len(objects)], 1990+i)
		recs = append(recs, fresh(title, fmt.Sprintf("https://bg%d.example/news/%d", i%9, i), fmt.Sprintf("BG%d", i%9), t0.Add(-time.Duration(i+1)*20*time.Minute)))
	}
	arrive(t, cur, st, recs...)
}

func TestArriveSettlesLeadAndDemotesIncrementally(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	t0 := time.Date(2020, 9, 12, 17, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, t0.Add(6*time.Hour))

	background(t, cur, st, t0)
	a := fresh("Pence drops plan to go to fundraiser hosted by QAnon backers", "https://triblive.com/news/pence-drops-plan-qanon/", "TribLIVE", t0)
	out := arrive(t, cur, st, a)
	if len(out) != 1 || !a.Article.Published || a.Article.Heat != a.Article.Quality {
		t.Fatalf("a lone arrival should lead its story with heat = quality: %+v (%s)", a.Article, a.Article.Explain.Story)
	}
	if len(a.Raw) == 0 {
		t.Fatal("arrival not rendered")
	}
	if back, err := content.Parse(a.Path, a.Raw); err != nil || back.Article.Quality != a.Article.Quality || !back.Article.Published {
		t.Fatalf("rendered bytes out of step: %v\n%s", err, a.Raw)
	}

	b := fresh("Vice President Mike Pence drops plan to go to fundraiser hosted by QAnon backers", "https://www.chicagotribune.com/nation-world/ct-nw-mike-pence-qanon-story.html", "Chicago Tribune", t0.Add(2*time.Hour))
	b.Article.Images = []model.Image{{URL: "https://img.example/p.jpg", Width: 1200, Height: 800}}
	b.Article.AmpWebURL = "https://www.chicagotribune.com/nation-world/ct-nw-mike-pence-qanon-story.html?outputType=amp"
	out = arrive(t, cur, st, b)
	if got := paths(out); len(got) != 2 || got[0] != b.Path || got[1] != a.Path {
		t.Fatalf("returned %q, want the arrival and the demoted former lead (%s)", got, b.Article.Explain.Story)
	}
	if b.Article.Story != a.Article.Story {
		t.Fatalf("b in story %s, a in %s: the same event should be one story (%s)", b.Article.Story, a.Article.Story, b.Article.Explain.Story)
	}
	if b.Article.CdnAmpWebURL != CdnAmpURL(b.Article.AmpWebURL) {
		t.Errorf("cdnAmpWebUrl = %q", b.Article.CdnAmpWebURL)
	}
	sa := get(t, st, a.Path)
	if sa.Published || sa.Heat != -1 {
		t.Errorf("former lead: published %v heat %d, want false -1", sa.Published, sa.Heat)
	}
	if !bytes.Contains(out[1].Raw, []byte("heat: -1")) || !bytes.Contains(out[1].Raw, []byte("published: false")) {
		t.Errorf("former lead's bytes not re-rendered:\n%s", out[1].Raw)
	}
	sb := get(t, st, b.Path)
	if !sb.Published || len(sb.Related) != 1 || sb.Heat != sb.Quality+20 {
		t.Errorf("new lead: published %v related %d heat %d quality %d", sb.Published, len(sb.Related), sb.Heat, sb.Quality)
	}
	if sb.Explain == nil || !strings.Contains(sb.Explain.Heat, "+ 20 x 1 related") {
		t.Errorf("heat explanation = %+v", sb.Explain)
	}

	c := fresh("VP Mike Pence drops plan to go to fundraiser hosted by QAnon backers", "https://www.pressdemocrat.com/article/news/mike-pence-drops-plan-qanon/", "Press Democrat", t0.Add(3*time.Hour))
	out = arrive(t, cur, st, c)
	if got := paths(out); len(got) != 2 || got[1] != b.Path {
		t.Fatalf("returned %q, want the arrival and the lead that gained coverage", got)
	}
	sb = get(t, st, b.Path)
	if len(sb.Related) != 2 || sb.Heat != sb.Quality+40 {
		t.Errorf("lead after a third member: related %d heat %d", len(sb.Related), sb.Heat)
	}
	n, err := st.CountNews(ctx, store.NewsQuery{Story: b.Article.Story, PublishedOnly: true})
	if err != nil || n != 1 {
		t.Errorf("story has %d leads (%v), want 1", n, err)
	}

	// A different event in the same hours makes a story of its own.
	d := fresh("Biden and Pence exchange elbow bump at 9/11 memorial", "https://nypost.com/2020/09/11/biden-pence-elbow-bump/", "New York Post", t0.Add(4*time.Hour))
	arrive(t, cur, st, d)
	if d.Article.Story == b.Article.Story || !d.Article.Published {
		t.Errorf("unrelated arrival joined story %s (%s)", d.Article.Story, d.Article.Explain.Story)
	}
}

func TestArriveMergesDuplicatesIntoTheStoredArticle(t *testing.T) {
	st := openStore(t)
	t0 := time.Date(2021, 6, 26, 12, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, t0.Add(time.Hour))
	a := fresh("Trump to return to the rally stage in Ohio Saturday", "https://www.foxnews.com/politics/trump-ohio-rally", "Fox News", t0)
	arrive(t, cur, st, a)

	dup := fresh("Trump to return to the rally stage in Ohio Saturday", "http://feeds.foxnews.com/~r/foxnews/politics/~3/AbC/trump-ohio-rally?utm_source=feedburner", "Fox News", t0.Add(-time.Hour))
	dup.Path = "_news/2021-06-26-other-path.md"
	dup.Article.Excerpt = strings.Repeat("A much longer excerpt about the rally. ", 5)
	out := arrive(t, cur, st, dup)
	if got := paths(out); len(got) != 1 || got[0] != a.Path {
		t.Fatalf("returned %q, want only the stored article it was merged into", got)
	}
	m := get(t, st, a.Path)
	if m.Excerpt != dup.Article.Excerpt || !m.PublishedDateTime.Equal(t0.Add(-time.Hour)) {
		t.Errorf("merge lost what the duplicate knew: %q %v", m.Excerpt, m.PublishedDateTime)
	}
	if _, err := st.Get(context.Background(), dup.Path); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("duplicate stored under its own path: %v", err)
	}
}

func TestArriveSurvivesBadInput(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	now := time.Date(2021, 6, 27, 12, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, now)
	long := strings.Repeat("Trump rally in Ohio draws a crowd ", 300)[:10000]
	recs := []*model.Record{
		fresh("特朗普周六在俄亥俄州举行集会", "https://www.zaobao.com/news/world/story20210627-1", "联合早报", now.Add(-time.Hour)),
		fresh("ترامب يعود إلى التجمعات الانتخابية في أوهايو", "https://www.aljazeera.net/news/2021/6/27/trump", "الجزيرة", now.Add(-2*time.Hour)),
		fresh("🇺🇸🔥 Trump 🔥🔥 rally 🎉", "https://emoji.example/1", "Emoji News", now.Add(-3*time.Hour)),
		fresh(long, "https://long.example/1", "Long News", now.Add(-4*time.Hour)),
		fresh("Trump holds rally", "https://same.example/a", "Same News", now.Add(-5*time.Hour)),
		fresh("Trump holds rally", "https://same.example/b", "Same News", now.Add(-5*time.Hour)),
		fresh("Rally with no time", "https://notime.example/1", "No Time", time.Time{}),
		fresh("Rally from the future", "https://future.example/1", "Future News", now.Add(1000*time.Hour)),
		fresh("   ", "https://notitle.example/1", "No Title", now),
	}
	recs[5].Path = "_news/2021-06-27-trump-holds-rally-2.md"
	recs[6].Path = "_news/2021-06-27-rally-with-no-time.md"
	recs[8].Path = "_news/2021-06-27-no-title.md"
	out, err := cur.Arrive(ctx, recs)
	if !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), recs[8].Path+": rejected: no title") {
		t.Errorf("error = %v, want the untitled arrival rejected by path", err)
	}
	// A headline over the size limit makes no valid record (ingest fits
	// what it reads to the limits before, see model.FitArticle).
	if !strings.Contains(fmt.Sprint(err), recs[3].Path+": rejected: title longer than 1000 characters") {
		t.Errorf("error = %v, want the arrival with a 10,000-character title rejected by path", err)
	}
	if len(out) != len(recs)-2 {
		t.Fatalf("returned %d records, want %d", len(out), len(recs)-2)
	}
	if err := st.Upsert(ctx, out); err != nil {
		t.Fatal(err)
	}
	stories := map[string][]*model.Record{}
	for _, r := range out {
		a := r.Article
		if a.Story == "" || a.Quality < MinQuality || len(a.Topics) == 0 || len(r.Raw) == 0 {
			t.Errorf("%s: story %q quality %d topics %q raw %d bytes", r.Path, a.Story, a.Quality, a.Topics, len(r.Raw))
		}
		if a.PublishedDateTime.IsZero() || a.PublishedDateTime.After(now) {
			t.Errorf("%s: published %v, want a time no later than now", r.Path, a.PublishedDateTime)
		}
		if _, err := content.Parse(r.Path, r.Raw); err != nil {
			t.Errorf("%s: rendered bytes do not parse: %v", r.Path, err)
		}
		stories[a.Story] = append(stories[a.Story], r)
	}
	for id, members := range stories {
		leads := 0
		for _, m := range members {
			if m.Article.Published {
				leads++
			}
		}
		if leads != 1 {
			t.Errorf("story %s has %d leads", id, leads)
		}
	}
	if recs[4].Article.Story != recs[5].Article.Story {
		t.Errorf("identical titles from one publisher in stories %s and %s", recs[4].Article.Story, recs[5].Article.Story)
	}
	if recs[0].Article.Story == recs[1].Article.Story {
		t.Error("a Chinese and an Arabic headline sharing no word ended in one story")
	}
	if !strings.Contains(strings.Join(recs[0].Article.Topics, ","), "Donald Trump") {
		t.Errorf("CJK title topics = %q, want Donald Trump by its Chinese keyword", recs[0].Article.Topics)
	}
}

func TestAllRecomputesAndIsStable(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cur, _ := importSample(t, st)
	sum, err := cur.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run: %+v", sum)
	if sum.Articles != 40 || sum.Stories == 0 || sum.Leads != sum.Stories || sum.Changed == 0 {
		t.Errorf("summary %+v", sum)
	}
	story := ""
	leads := 0
	for _, p := range qanonPaths {
		a := get(t, st, p)
		if story == "" {
			story = a.Story
		}
		if a.Story != story {
			t.Errorf("%s left the QAnon story after curate (%s)", p, a.Explain.Story)
		}
		if a.Published {
			leads++
		}
	}
	if leads != 1 {
		t.Errorf("QAnon story has %d leads after curate", leads)
	}
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		back, err := content.Parse(r.Path, r.Raw)
		if err != nil {
			return err
		}
		a, b := r.Article, back.Article
		if a.Quality != b.Quality || a.Heat != b.Heat || a.Published != b.Published || len(a.Related) != len(b.Related) {
			t.Errorf("%s: bytes out of step with values", r.Path)
		}
		if a.Published && a.Heat != Heat(a.Quality, len(a.Related)) || !a.Published && a.Heat != -1 {
			t.Errorf("%s: published %v heat %d quality %d related %d", r.Path, a.Published, a.Heat, a.Quality, len(a.Related))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Nothing ties articles months apart, however sparse the store.
	early := get(t, st, "_news/2020-09-13-where-is-joe-biden-on-public-education.md")
	late := get(t, st, "_news/2021-04-07-biden-says-over-80-of-teachers-school-staff-received-at-least-one-shot-by-end-of-march.md")
	if early.Story == late.Story {
		t.Errorf("articles seven months apart share story %s", early.Story)
	}
	again, err := cur.All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again.Changed != 0 || again.Stories != sum.Stories {
		t.Errorf("second run changed %d records (stories %d, was %d), want a fixed point", again.Changed, again.Stories, sum.Stories)
	}
}

// benchStore fills a store with n articles spread evenly over span before
// end, in stories of three (the first of each the lead), written directly.
func benchStore(b *testing.B, n int, end time.Time, span time.Duration, title func(int) string) store.Store {
	ctx := context.Background()
	st := openStore(b)
	var recs []*model.Record
	for i := range n {
		t := end.Add(-time.Duration(n-i) * (span / time.Duration(n)))
		r := fresh(title(i), fmt.Sprintf("https://p%d.example/a/%d", i%50, i), fmt.Sprintf("P%d", i%50), t)
		r.Path = fmt.Sprintf("_news/x-%06d.md", i)
		a := r.Article
		a.CanonicalURL = CanonicalURL(a.OriginalURL)
		a.Quality = 50 + i%7
		a.Topics = []string{"Election"}
		a.Story = storyID(fmt.Sprint(i / 3))
		a.Published, a.Heat = i%3 == 0, -1
		if a.Published {
			a.Heat = Heat(a.Quality, 0)
		}
		if err := content.Render(r); err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
		if len(recs) == 5000 || i == n-1 {
			if err := st.Upsert(ctx, recs); err != nil {
				b.Fatal(err)
			}
			recs = recs[:0]
		}
	}
	return st
}

// BenchmarkArrive measures curating 1,000 new articles into a store of
// 100,000: a hundred days of 1,000 articles a day, so a 72-hour window
// holds about 3,000 stored articles, and the new ones arrive over the last
// three hours, one in four following up a stored story.
func BenchmarkArrive(b *testing.B) {
	benchArrive(b, 100_000, 1_000, 10*time.Second)
}

// BenchmarkArriveIngest measures curating one batch of an ingest round,
// 10,000 new articles over the last day, into a store of 50,000 (fifty
// days of 1,000 a day).
func BenchmarkArriveIngest(b *testing.B) {
	benchArrive(b, 50_000, 10_000, 8*time.Second)
}

// BenchmarkArriveRound measures the last batch of bench/ingest.sh's round:
// 25,000 new articles over the last seven hours into a store of 25,000 of
// the last day, all in the window of the new ones.
func BenchmarkArriveRound(b *testing.B) {
	benchArriveOver(b, 25_000, 24*time.Hour, 25_000, time.Second)
}

func benchArrive(b *testing.B, stored, batch int, every time.Duration) {
	benchArriveOver(b, stored, time.Duration(stored/1000)*24*time.Hour, batch, every)
}

func benchArriveOver(b *testing.B, stored int, span time.Duration, batch int, every time.Duration) {
	ctx := context.Background()
	end := time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)
	words := strings.Fields("trump biden pence harris rally ohio border vaccine senate court vote election campaign fundraiser congress budget climate debate governor poll economy jobs china tax")
	title := func(i int) string {
		return fmt.Sprintf("%s %s %s %s story %d", words[i%len(words)], words[(i/7)%len(words)], words[(i/31)%len(words)], words[(i/97)%len(words)], i/3)
	}
	st := benchStore(b, stored, end, span, title)
	cur := newCurator(b, st, end)
	var spent time.Duration
	var live uint64
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		b.StopTimer()
		var arrivals []*model.Record
		for i := range batch {
			t := end.Add(-time.Duration(batch-i) * every)
			// One in four follows up a story of the last hours.
			ti := title(stored + n*batch + i)
			if i%4 == 0 {
				ti = title(stored - 1 - 3*(i%1000))
			}
			r := fresh(ti, fmt.Sprintf("https://p%d.example/new/%d/%d", i%50, n, i), fmt.Sprintf("P%d", i%50), t)
			r.Path = fmt.Sprintf("_news/new-%d-%05d.md", n, i)
			arrivals = append(arrivals, r)
		}
		b.StartTimer()
		cpu := testutil.CPUTime()
		peak := testutil.LiveHeapPeak()
		out, err := cur.Arrive(ctx, arrivals)
		if err != nil {
			b.Fatal(err)
		}
		spent += testutil.CPUTime() - cpu
		live = max(live, peak())
		b.StopTimer()
		if err := st.Upsert(ctx, out); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(len(out)), "records/op")
		b.StartTimer()
	}
	// CPU time (all threads) says what the work costs when the machine is
	// shared and wall time says more about the neighbours.
	b.ReportMetric(spent.Seconds()/float64(b.N), "cpu-s/op")
	// The largest live heap includes the store and the batch's arrivals,
	// which are the same from one version of curation to the next.
	b.ReportMetric(float64(live)/(1<<20), "peak-live-MiB")
}

// BenchmarkAll measures recomputing a store of 20,000 articles (twenty
// days of 1,000 a day). The first run rewrites every record; later runs
// find a fixed point and write nothing.
func BenchmarkAll(b *testing.B) {
	ctx := context.Background()
	end := time.Date(2021, 6, 30, 0, 0, 0, 0, time.UTC)
	words := strings.Fields("trump biden pence harris rally ohio border vaccine senate court vote election campaign fundraiser congress budget climate debate governor poll economy jobs china tax")
	title := func(i int) string {
		return fmt.Sprintf("%s %s %s %s story %d", words[i%len(words)], words[(i/7)%len(words)], words[(i/31)%len(words)], words[(i/97)%len(words)], i/3)
	}
	st := benchStore(b, 20_000, end, 20*24*time.Hour, title)
	cur := newCurator(b, st, end)
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		sum, err := cur.All(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if n == 0 {
			b.ReportMetric(float64(sum.Changed), "changed-first-run")
			b.ReportMetric(float64(sum.Stories), "stories")
		}
	}
}

func TestArriveImportLinksAcrossBatches(t *testing.T) {
	st := openStore(t)
	dir := testutil.Shared(t, "smartable-sample")
	byPath := map[string]*model.Record{}
	for _, r := range readSite(t, dir) {
		byPath[r.Path] = r
	}
	cur := newCurator(t, st, time.Date(2021, 7, 1, 0, 0, 0, 0, time.UTC))
	for _, part := range [][]string{qanonPaths[:3], qanonPaths[3:]} {
		var recs []*model.Record
		for _, p := range part {
			recs = append(recs, byPath[p])
		}
		arrive(t, cur, st, recs...)
	}
	story := get(t, st, qanonPaths[0]).Story
	for _, p := range qanonPaths {
		if s := get(t, st, p).Story; s != story {
			t.Errorf("%s: story %s, want %s", p, s, story)
		}
	}
}

// imported makes a record as if read from a site: curated values carried.
func imported(t *testing.T, title, url string, published time.Time, related ...string) *model.Record {
	t.Helper()
	r := fresh(title, url, "Imported", published)
	a := r.Article
	a.Quality, a.Heat, a.Published, a.Topics = 60, 60+20*len(related), true, []string{"Election"}
	for _, u := range related {
		a.Related = append(a.Related, model.Related{Title: "x", WebURL: u, Type: "article", Quality: 50, PublishedDateTime: published})
	}
	if err := content.Render(r); err != nil {
		t.Fatal(err)
	}
	back, err := content.Parse(r.Path, r.Raw)
	if err != nil {
		t.Fatal(err)
	}
	return back
}

func TestArriveImportJoinsTwoStoredStories(t *testing.T) {
	st := openStore(t)
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	cur := newCurator(t, st, t0.Add(24*time.Hour))
	x := imported(t, "Harris moves into the Naval Observatory", "https://www.cnn.com/harris-naval-observatory", t0)
	y := imported(t, "Emhoff and Harris settle into new residence", "https://abcnews.go.com/harris-residence", t0.Add(time.Hour))
	arrive(t, cur, st, x)
	arrive(t, cur, st, y)
	sx, sy := get(t, st, x.Path).Story, get(t, st, y.Path).Story
	if sx == sy {
		t.Fatalf("unlinked imports share story %s", sx)
	}
	raws := map[string][]byte{x.Path: bytes.Clone(x.Raw), y.Path: bytes.Clone(y.Raw)}
	z := imported(t, "Harris residence move completed", "https://www.foxnews.com/politics/harris-residence",
		t0.Add(2*time.Hour), "https://cnn.com/harris-naval-observatory/", "http://abcnews.go.com/harris-residence?utm_source=rss")
	out := arrive(t, cur, st, z)
	want := min(sx, sy)
	for _, p := range []string{x.Path, y.Path, z.Path} {
		if s := get(t, st, p).Story; s != want {
			t.Errorf("%s: story %s, want %s", p, s, want)
		}
	}
	if len(out) != 2 {
		t.Errorf("returned %q, want the arrival and the one relabelled record", paths(out))
	}
	for _, r := range []*model.Record{x, y} {
		if !bytes.Equal(mustGet(t, st, r.Path).Raw, raws[r.Path]) {
			t.Errorf("relabelling changed %s's bytes", r.Path)
		}
	}
}

func mustGet(t *testing.T, st store.Store, path string) *model.Record {
	t.Helper()
	r, err := st.Get(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// plainStore hides the optional lookups of the store it wraps (batched
// keys, link listing, stored values), so Arrive and All take the path any
// store.Store allows.
type plainStore struct{ store.Store }

// TestArriveSameWithAndWithoutStoreShortcuts checks that the shortcuts a
// store may offer change nothing Arrive decides: imported records linked
// to stored stories, and a fresh copy of a stored article merged into it.
func TestArriveSameWithAndWithoutStoreShortcuts(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	run := func(st store.Store) (map[string]string, [][]string) {
		cur := newCurator(t, st, t0.Add(24*time.Hour))
		x := imported(t, "Harris moves into the Naval Observatory", "https://www.cnn.com/harris-naval-observatory", t0)
		y := imported(t, "Emhoff and Harris settle into new residence", "https://abcnews.go.com/harris-residence", t0.Add(time.Hour))
		z := imported(t, "Harris residence move completed", "https://www.foxnews.com/politics/harris-residence",
			t0.Add(2*time.Hour), "https://cnn.com/harris-naval-observatory/", "http://abcnews.go.com/harris-residence?utm_source=rss")
		again := fresh("Harris residence move completed", "https://foxnews.com/politics/harris-residence?utm_medium=feed", "Fox", t0.Add(3*time.Hour))
		other := fresh("Senate passes the infrastructure bill after a long night", "https://www.npr.org/infrastructure", "NPR", t0.Add(4*time.Hour))
		var outs [][]string
		for _, batch := range [][]*model.Record{{x}, {y}, {z}, {again, other}} {
			outs = append(outs, paths(arrive(t, cur, st, batch...)))
		}
		stories := map[string]string{}
		err := st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
			stories[r.Path] = r.Article.Story
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return stories, outs
	}
	fast, fastOut := run(openStore(t))
	plain, plainOut := run(plainStore{openStore(t)})
	if len(fast) != 4 {
		t.Errorf("stored %d articles, want 4 (the copy merged into its original): %v", len(fast), fast)
	}
	if fmt.Sprint(fast) != fmt.Sprint(plain) {
		t.Errorf("stories differ:\nwith shortcuts    %v\nwithout shortcuts %v", fast, plain)
	}
	if fmt.Sprint(fastOut) != fmt.Sprint(plainOut) {
		t.Errorf("records returned differ:\nwith shortcuts    %v\nwithout shortcuts %v", fastOut, plainOut)
	}
}

// TestAllSameWithAndWithoutStoredValues checks that All writes the same
// records whether the store hands over the values it holds or All encodes
// them itself, and that a second run writes nothing either way.
func TestAllSameWithAndWithoutStoredValues(t *testing.T) {
	t0 := time.Date(2021, 4, 6, 12, 0, 0, 0, time.UTC)
	run := func(st store.Store) []Summary {
		harrisSet(t, st, t0)
		cur := newCurator(t, st, t0.Add(24*time.Hour))
		var sums []Summary
		for range 2 {
			sum, err := cur.All(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			sum.Elapsed = 0
			sums = append(sums, sum)
		}
		return sums
	}
	fast, plain := run(openStore(t)), run(plainStore{openStore(t)})
	if fast[0].Changed != 4 || fast[1].Changed != 0 {
		t.Errorf("runs changed %d then %d records, want 4 then 0", fast[0].Changed, fast[1].Changed)
	}
	if fmt.Sprint(fast) != fmt.Sprint(plain) {
		t.Errorf("summaries differ: with stored values %+v, without %+v", fast, plain)
	}
}
