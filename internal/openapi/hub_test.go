package openapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"newshub/internal/content/contenttest"
	"newshub/internal/curate"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/newsletter"
	"newshub/internal/publish"
	"newshub/internal/server"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
	"newshub/internal/web"
)

// A servedHub is a real server (package server, with the website for the
// search API) over a SQLite store holding a curated hub.
type servedHub struct {
	url    string   // the server's URL, which is also the hub's base URL
	paths  []string // every file a build writes, from publish.Hub.Paths
	client *http.Client
}

// A hubCase is a hub the tests serve.
type hubCase struct {
	name    string
	now     time.Time // splits the events into future and past ones
	records func(t *testing.T) []*model.Record
	issues  int // newsletter issues written after curation, of the days before now
}

func hubCases() []hubCase {
	return []hubCase{
		{"generated", time.Date(2026, 10, 20, 0, 0, 0, 0, time.UTC), generatedRecords, 2},
		{"smartable-sample", time.Date(2020, 10, 1, 12, 0, 0, 0, time.UTC), sampleRecords, 2},
	}
}

// generatedRecords is a synthetic hub, varied where the generator always
// writes the same shape, so that every branch of the document (a null, a
// left-out key, a topic's events) has an answer to check.
func generatedRecords(t *testing.T) []*model.Record {
	var recs []*model.Record
	events, news, people, learning := 0, 0, 0, 0
	err := gen.Records(gen.Options{Articles: 90, Seed: 5}, func(r *model.Record) error {
		switch {
		case r.Event != nil:
			events++
			varyEvent(r.Event, events)
		case r.Article != nil:
			news++
			varyArticle(r.Article, news)
		case r.Person != nil && r.Kind == model.KindPerson:
			people++
			if people == 1 {
				r.Person.Twitter, r.Person.Images, r.Person.Location, r.Person.Website = nil, nil, "", ""
			}
			if people == 2 { // an affiliation and other accounts, as later hubs give them
				r.Person.LinkedIn = &model.Channel{URL: "https://www.linkedin.com/in/example"}
				r.Person.YouTube = &model.Channel{URL: "https://www.youtube.com/user/example", Subscribers: 679}
				r.Person.Facebook = &model.Channel{URL: "https://www.facebook.com/example"}
				r.Person.Affiliation = &model.Provider{Name: "Contoso", Domain: "contoso.com",
					Images: []model.Image{{URL: "/assets/images/organizations/contoso.com-50x50.jpg", Width: 50, Height: 50}}}
				negativeSize(r.Person.Images)
			}
			if people == 3 { // counts below 0, as a record written by hand may give: served 0
				r.Person.YouTube = &model.Channel{URL: "https://www.youtube.com/user/example3", Subscribers: -3}
				if r.Person.Twitter != nil {
					r.Person.Twitter.Followers = -5
				}
			}
		case r.Topic != nil && r.Topic.Parent != "" && len(r.Topic.Services) > 0:
			// A service written as a path of the site, as its pictures may be.
			r.Topic.Services[0].Endpoint = "/api/news/" + r.Topic.ID + "/"
		case r.Learning != nil && r.Kind == model.KindLearning:
			learning++
			switch {
			case learning == 1:
				r.Learning.Provider, r.Learning.Images, r.Learning.PublishedDateTime = nil, nil, time.Time{}
			case learning == 2 && r.Learning.Provider != nil:
				r.Learning.Provider.SetPublishers([]model.Party{{Name: "Example University", Domain: "university.example.edu",
					Images: []model.Image{{URL: "/assets/images/organizations/university.example.edu-50x50.jpg", Width: -50, Height: 50}}},
					{Name: "Plain College"}})
				negativeSize(r.Learning.Images)
				negativeSize(r.Learning.Provider.Images)
			case learning == 3 && r.Learning.Provider != nil:
				r.Learning.Provider.SetAuthors([]model.Party{{Name: "T. H. Example"}})
				r.Learning.Ratings = &model.Ratings{Count: -2, Average: 4.5}
			}
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// negativeSize gives the first of imgs a negative width and height, as a
// record written by hand may: the API answers 0, "unknown", for them.
func negativeSize(imgs []model.Image) {
	if len(imgs) > 0 {
		imgs[0].Width, imgs[0].Height = -1, -400
	}
}

// varyEvent puts some events on a voice topic (so topic events pages list
// them, with a highlight) and strips others of what may be missing.
func varyEvent(e *model.Event, n int) {
	switch n % 4 {
	case 1:
		e.Topics = append(e.Topics, "Progressive Voice")
		e.FeaturedContent = `<iframe src="https://www.youtube.com/embed/x"></iframe>`
	case 2:
		e.Topics = append(e.Topics, "Conservative Voice")
		e.Provider, e.Images, e.Location = nil, nil, ""
	case 3:
		e.EndDateTime = time.Time{}
		negativeSize(e.Images)
	case 0:
		if e.Provider != nil {
			e.Provider.SetPublishers([]model.Party{{Name: "Example Civic Trust", Domain: "trust.example.org"}})
		}
	}
}

func varyArticle(a *model.Article, n int) {
	switch n % 5 {
	case 1:
		a.Images = nil
		a.Provider.Images = nil
	case 2:
		a.AmpWebURL = a.WebURL + "?amp"
		a.CdnAmpWebURL = a.WebURL + "?cdn-amp"
		negativeSize(a.Images)
		negativeSize(a.Provider.Images)
	case 3:
		a.Provider.SetAuthors([]model.Party{{Name: "R. Writer"}})
	case 4:
		a.Type, a.WebURL = "video", ""
		a.FeaturedContent = `<iframe width="800" height="500" frameborder="0" src="https://www.youtube.com/embed/x" allowfullscreen></iframe>`
	}
}

// sampleRecords is Smartable's real records.
func sampleRecords(t *testing.T) []*model.Record {
	recs := contenttest.ReadSite(t, testutil.Shared(t, "smartable-sample"))
	for _, r := range recs {
		if r.Config != nil {
			r.Config.Timezone = "America/Los_Angeles"
		}
	}
	return recs
}

// open stores and curates the hub's records, as import and curate do.
func (hc hubCase) open(t *testing.T) (store.Store, *site.Site) {
	t.Helper()
	ctx := context.Background()
	st := sqlitetest.Open(t)
	if err := st.Upsert(ctx, hc.records(t)); err != nil {
		t.Fatal(err)
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := curate.New(s, st, curate.Options{Now: hc.clock}).All(ctx); err != nil {
		t.Fatal(err)
	}
	hc.writeIssues(t, st, s)
	// The hub's last write is alone in its second, as a hub's is after a
	// quiet moment: a document dated by a generation committed within the
	// second of the one before is no validator by its date
	// (publish.Doc.ModifiedShared), and the checks revalidate by date too.
	time.Sleep(time.Until(time.Now().Truncate(time.Second).Add(time.Second)))
	if err := st.PutSourceState(ctx, store.SourceState{URL: "https://example.com/feed.xml", LastFetch: time.Now()}); err != nil {
		t.Fatal(err)
	}
	return st, s
}

// writeIssues writes the newsletter issues of the last hc.issues days with
// news before hc.now, as serve's scheduler does.
func (hc hubCase) writeIssues(t *testing.T, st store.Store, s *site.Site) {
	t.Helper()
	written := 0
	for d := newsletter.LastDue(hc.now, s.Config); written < hc.issues; d = d.AddDays(-1) {
		_, _, err := newsletter.Write(context.Background(), st, s, "", d, newsletter.Options{Now: hc.clock})
		switch {
		case err == nil:
			written++
		case !errors.Is(err, newsletter.ErrNoNews):
			t.Fatal(err)
		case d.Before(newsletter.DateOf(hc.now.AddDate(0, 0, -30))):
			t.Fatalf("%d days with news in the month before %s, want %d", written, hc.now, hc.issues)
		}
	}
}

func (hc hubCase) clock() time.Time { return hc.now }

// paths lists every file a build of the hub writes.
func (hc hubCase) paths(t *testing.T, st store.Store, s *site.Site, baseURL string) []string {
	t.Helper()
	ctx := context.Background()
	h, err := publish.Load(ctx, st, s, publish.Options{BaseURL: baseURL, Now: hc.clock})
	if err != nil {
		t.Fatal(err)
	}
	return h.Paths(ctx)
}

// serve serves the hub as serve does, with its own URL as the base URL.
func (hc hubCase) serve(t *testing.T) *servedHub {
	t.Helper()
	st, s := hc.open(t)
	ts := httptest.NewServer(nil)
	t.Cleanup(ts.Close)
	views := publish.NewViews(publish.ViewsConfig{Store: st, Options: publish.Options{BaseURL: ts.URL, Now: hc.clock}})
	w, err := web.New(web.Config{Views: views, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = server.New(server.Config{Store: st, Views: views, Web: w, Search: w.SearchDoc})
	// Answers are read as sent: compressed when the server compresses.
	tr := &http.Transport{DisableCompression: true}
	t.Cleanup(tr.CloseIdleConnections)
	return &servedHub{url: ts.URL, paths: hc.paths(t, st, s, ts.URL), client: &http.Client{Transport: tr}}
}
