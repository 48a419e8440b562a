package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/server"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/sqlite/sqlitetest"
)

// fixtureNow is the clock of every test hub.
var fixtureNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// xssTitle is a record title that must show as text, never as markup.
const xssTitle = `<img src=x onerror=alert(1)>`

// hub is a real SQLite store filled with records built here, its views,
// a Web over them, and the server that answers the search API with it.
type hub struct {
	st    store.Store
	views *publish.Views
	web   *Web
	srv   *server.Server
}

// newHub builds a test hub; images point under imgBase (an absolute URL
// ending in "/"), so a browser test can serve them from loopback.
func newHub(t testing.TB, imgBase string) *hub {
	t.Helper()
	return newHubFrom(t, fixtureRecords(imgBase))
}

// newHubFrom builds a test hub holding recs.
func newHubFrom(t testing.TB, recs []*model.Record) *hub {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlitetest.Path(t))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Upsert(ctx, recs); err != nil {
		t.Fatalf("upsert fixture: %v", err)
	}
	return newHubAt(t, st, func() time.Time { return fixtureNow })
}

// newHubAt makes the views, Web and server of a test hub over st, with
// the clock now. The views check the store at every request, so tests
// follow writes as soon as a load is done.
func newHubAt(t testing.TB, st store.Store, now func() time.Time) *hub {
	t.Helper()
	return newHubIn(t, st, now, "")
}

// newHubIn is newHubAt for a hub whose site folder is siteDir.
func newHubIn(t testing.TB, st store.Store, now func() time.Time, siteDir string) *hub {
	t.Helper()
	views := publish.NewViews(publish.ViewsConfig{Store: st, CheckEvery: time.Nanosecond,
		Options: publish.Options{BaseURL: "https://hub.example.org/news", Now: now}})
	w, err := New(Config{Views: views, Store: st, SiteDir: siteDir, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := server.New(server.Config{Store: st, Views: views, Web: w, Static: w.ServeStatic, Search: w.SearchDoc})
	return &hub{st: st, views: views, web: w, srv: srv}
}

// get requests a path of the website and returns the status and body.
func (h *hub) get(t testing.TB, path string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.web.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec.Code, rec.Body.String()
}

// api requests a path from the server, as a client of the API does.
func (h *hub) api(t testing.TB, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.srv.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// build writes the website of the store as it is now into dir.
func (h *hub) build(t testing.TB, dir string) error {
	t.Helper()
	v, err := h.views.Fresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h.web.Build(context.Background(), v, publish.Folder(dir))
}

// pagePath is the site path of a news record's page.
func pagePath(r *model.Record) string {
	return "news/" + publish.ArticleKey(r.Path, r.Article.PublishedDateTime) + "/"
}

// view returns the current view and what the website derives from it.
func (h *hub) view(t testing.TB) *viewCache {
	t.Helper()
	v, err := h.views.Current(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return h.web.cacheOf(v)
}

func topic(order int, id, name, parent string, hl *model.Highlight) *model.Record {
	return &model.Record{Path: fmt.Sprintf("_data/topics/%02d-%s.yaml", order, id), Kind: model.KindTopic,
		Topic: &model.Topic{Taxonomy: "topic", ID: id, Name: name, Parent: parent, Order: order, Highlight: hl}}
}

func org(domain, name, voice string) *model.Record {
	return &model.Record{Path: "_data/organizations/" + domain + ".md", Kind: model.KindOrganization,
		Organization: &model.Organization{Taxonomy: "organization", ID: domain, Name: name, Domain: domain, Voice: voice}}
}

// newsRec builds a news record published age before fixtureNow.
func newsRec(imgBase, slug, title, domain, name, story string, age time.Duration, lead bool, topics ...string) *model.Record {
	at := fixtureNow.Add(-age)
	a := &model.Article{Category: "news", Title: title, Type: "article", Quality: 100, Heat: -1, Published: lead,
		Excerpt:           "What " + name + " reported about " + title + ".",
		PublishedDateTime: at, Story: story,
		OriginalURL: "https://" + domain + "/" + slug, WebURL: "https://" + domain + "/" + slug,
		AmpWebURL: "https://" + domain + "/amp/" + slug,
		Provider: model.Provider{Name: name, Domain: domain,
			Images: []model.Image{{URL: imgBase + "logo-" + domain + ".svg", Width: 50, Height: 50}}},
		Topics: append([]string{"Election"}, topics...),
		Images: []model.Image{{URL: imgBase + "photo-" + slug + ".svg", Width: 1200, Height: 675}},
	}
	if lead {
		a.Heat = 200
	}
	return &model.Record{Path: "_news/" + at.Format("2006-01-02") + "-" + slug + ".md", Kind: model.KindNews, Article: a}
}

// fixtureRecords is a small hub: a root topic, two voices, a person topic,
// five publishers, a lopsided story of five articles, a balanced story of
// two, a paged topic, a hostile title, events, people and learning.
func fixtureRecords(img string) []*model.Record {
	rep := &model.Highlight{TextColor: "#FFFFFF", BackgroundColor: "#E81B23"}
	dem := &model.Highlight{TextColor: "#FFFFFF", BackgroundColor: "#0015BC"}
	recs := []*model.Record{
		{Path: "_config.yml", Kind: model.KindConfig, Config: &model.Config{Title: "Election Hub", Topic: "Election", NewsPageSize: 10}},
		topic(0, "election", "Election", "", nil),
		topic(1, "republican-voice", "Republican Voice", "Election", rep),
		topic(2, "democratic-voice", "Democratic Voice", "Election", dem),
		topic(3, "joe-biden", "Joe Biden", "Election", nil),
		org("foxnews.com", "Fox News", "Republican Voice"),
		org("nypost.com", "New York Post", "Republican Voice"),
		org("washingtonexaminer.com", "Washington Examiner", "Republican Voice"),
		org("msnbc.com", "MSNBC", "Democratic Voice"),
		org("reuters.com", "Reuters", ""),
	}
	// A lopsided story: three Republican-voiced outlets, one Democratic, one without a voice.
	recs = append(recs,
		newsRec(img, "senate-passes-border-bill", "Senate passes border bill after all-night session", "foxnews.com", "Fox News", "s-border", 2*time.Hour, true, "Republican Voice"),
		newsRec(img, "border-bill-clears-senate", "Border bill clears the Senate", "nypost.com", "New York Post", "s-border", 3*time.Hour, false, "Republican Voice"),
		newsRec(img, "what-the-border-bill-does", "What the border bill does", "washingtonexaminer.com", "Washington Examiner", "s-border", 4*time.Hour, false, "Republican Voice"),
		newsRec(img, "senate-border-vote", "Senate border vote, explained", "msnbc.com", "MSNBC", "s-border", 5*time.Hour, false, "Democratic Voice"),
		newsRec(img, "senate-approves-border-measure", "Senate approves border measure", "reuters.com", "Reuters", "s-border", 90*time.Minute, false),
	)
	// A balanced story.
	recs = append(recs,
		newsRec(img, "debate-night-recap", "Debate night recap: five moments", "msnbc.com", "MSNBC", "s-debate", 26*time.Hour, true, "Democratic Voice"),
		newsRec(img, "debate-takeaways", "Debate takeaways from the right", "foxnews.com", "Fox News", "s-debate", 27*time.Hour, false, "Republican Voice"),
	)
	// A hostile title, alone in its story.
	x := newsRec(img, "hostile-title", xssTitle, "reuters.com", "Reuters", "s-xss", 30*time.Minute, true)
	x.Article.Heat = 100
	x.Article.Excerpt = `<script>alert(2)</script><b>Bold</b> text & more <a href="javascript:alert(3)">link</a>`
	recs = append(recs, x)
	// Enough Joe Biden stories for three pages of ten.
	for i := range 24 {
		r := newsRec(img, fmt.Sprintf("biden-story-%02d", i), fmt.Sprintf("Biden story number %02d", i), "reuters.com", "Reuters",
			fmt.Sprintf("s-biden-%02d", i), time.Duration(48+i)*time.Hour, true, "Joe Biden")
		r.Article.Heat = 150 - i
		recs = append(recs, r)
	}
	// An article in no story, and an archived one.
	loose := newsRec(img, "loose-article", "A loose article about turnout", "reuters.com", "Reuters", "", 72*time.Hour, false)
	arch := newsRec(img, "archived-article", "An archived article about polling", "reuters.com", "Reuters", "", 2000*time.Hour, false)
	arch.Path = "_archive/news/" + strings.TrimPrefix(arch.Path, "_news/")
	arch.Article.Archived = true
	recs = append(recs, loose, arch)

	recs = append(recs,
		&model.Record{Path: "_events/2026-12-01-final-debate.md", Kind: model.KindEvent, Event: &model.Event{Name: "Final debate",
			Excerpt: "The last debate before the vote.", OriginalURL: "https://events.example.org/final", Type: "conference",
			StartDateTime: fixtureNow.Add(11 * 24 * time.Hour), EndDateTime: fixtureNow.Add(11*24*time.Hour + 2*time.Hour),
			Location: "Nashville, TN", Topics: []string{"Election"},
			Images: []model.Image{{URL: img + "event-final.svg", Width: 800, Height: 450}}}},
		&model.Record{Path: "_events/2026-10-01-first-debate.md", Kind: model.KindEvent, Event: &model.Event{Name: "First debate",
			Excerpt: "The first debate.", OriginalURL: "https://events.example.org/first", Type: "conference",
			StartDateTime: fixtureNow.Add(-50 * 24 * time.Hour), EndDateTime: fixtureNow.Add(-50*24*time.Hour + 2*time.Hour),
			Topics: []string{"Election", "Republican Voice"}}},
		&model.Record{Path: "_people/jane-senator.md", Kind: model.KindPerson, Person: &model.Person{Name: "Jane Senator", Bio: "Senator from somewhere.",
			Type: "profile", Heat: 900, Topics: []string{"Election", "Democratic Voice"},
			Twitter: &model.Twitter{Username: "janesenator", URL: "https://twitter.com/janesenator", Followers: 12345},
			Images:  []model.Image{{URL: img + "person-jane.svg", Width: 400, Height: 400}}}},
		&model.Record{Path: "_people/john-governor.md", Kind: model.KindPerson, Person: &model.Person{Name: "John Governor", Bio: "Governor of elsewhere.",
			Type: "profile", Heat: 300, Topics: []string{"Election"}}},
		&model.Record{Path: "_people/collections/senators.md", Kind: model.KindPeopleList, Person: &model.Person{Name: "Senators", Bio: "Members of the Senate.",
			Type: "collection", Heat: 700, Items: []string{"jane-senator", "someone-absent"}, Topics: []string{"Election"}}},
		&model.Record{Path: "_learning/videos/civics-how-votes-count.md", Kind: model.KindLearning, Learning: &model.Learning{Title: "How votes are counted",
			Excerpt: "A short video.", OriginalURL: "https://youtube.com/watch?v=abc", Type: "video", Length: "PT2M22S", Heat: 200,
			FeaturedContent: `<iframe width="800" height="500" src="https://www.youtube.com/embed/abc" allowfullscreen onload="alert(4)"></iframe><script>alert(5)</script>`,
			Topics:          []string{"Election"}}},
		&model.Record{Path: "_learning/articles/civics-electoral-college.md", Kind: model.KindLearning, Learning: &model.Learning{Title: "What is the electoral college?",
			Excerpt: "An explainer.", OriginalURL: "https://civics.example.org/ec", Type: "article", Heat: 100, Topics: []string{"Election"}}},
		// A book as Smartable's later hubs give one: its address as webUrl.
		&model.Record{Path: "_learning/books/civics-press-ballots.md", Kind: model.KindLearning, Learning: &model.Learning{Title: "Ballots, a history",
			Excerpt: "A book.", WebURL: "https://books.example.org/ballots/", Type: "book", Price: "$20.00", Heat: 90, Topics: []string{"Election"}}},
		&model.Record{Path: "_learning/collections/civics-basics.md", Kind: model.KindLearningList, Learning: &model.Learning{Title: "Civics basics",
			Excerpt: "Start here.", Type: "collection", Heat: 50, Items: []string{"videos/civics-how-votes-count", "articles/civics-electoral-college"}, Topics: []string{"Election"}}},
	)
	return recs
}

// genRecords calls fn with every record of gen's synthetic hub of n
// articles, giving each generated story an id: the members of a story come
// one after the other, each listing the others as related.
func genRecords(n int, until time.Time, fn func(*model.Record) error) error {
	story, members, count := "", map[string]bool{}, 0
	return gen.Records(gen.Options{Articles: n, Seed: 1, Until: until}, func(r *model.Record) error {
		if a := r.Article; a != nil {
			if !members[a.WebURL] {
				count++
				story = "s-" + strconv.Itoa(count)
				clear(members)
				for _, rel := range a.Related {
					members[rel.WebURL] = true
				}
			}
			a.Story = story
		}
		return fn(r)
	})
}
