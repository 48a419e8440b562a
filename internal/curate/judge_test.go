package curate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

var judgeNow = time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)

// spaceHub is a hub about space flight: a root topic with keywords, a
// child topic with its own, and a sources list in its site folder with
// one dedicated feed.
func spaceHub(t *testing.T, keywords ...string) (*site.Site, string) {
	t.Helper()
	dir := t.TempDir()
	root := &model.Topic{Taxonomy: "topic", ID: "space", Name: "Space", Keywords: keywords}
	var topics []*model.Topic
	topics = append(topics, root)
	if len(keywords) > 0 {
		topics = append(topics, &model.Topic{Taxonomy: "topic", ID: "mars", Name: "Mars", Parent: "Space", Keywords: []string{"mars"}, Order: 1})
	}
	s := site.New(&model.Config{Title: "Orbit", Topic: "Space"}, topics, nil)
	srcs := &model.Record{Path: sourcesPath, Kind: model.KindSources, Sources: &model.Sources{Sources: []model.Source{
		{URL: "https://agency.example/feed", Dedicated: true},
		{URL: "https://wire.example/all.xml"},
	}}}
	if err := content.Render(srcs); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "_data"), 0o755)
	if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), srcs.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return s, dir
}

// fromFeed is a fresh record of a feed item.
func fromFeed(title, url, feed string, at time.Time) *model.Record {
	r := fresh(title, url, hostOf(url), at)
	r.Article.Source = feed
	return r
}

func commit(t *testing.T, c *Curator, recs ...*model.Record) {
	t.Helper()
	if _, _, err := c.Commit(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}

func stored(t *testing.T, st store.Store, r *model.Record) *model.Article {
	t.Helper()
	got, err := st.Get(context.Background(), r.Path)
	if err != nil {
		t.Fatal(err)
	}
	return got.Article
}

func TestArrivalsGetTheGatesDecisionAndOffTopicOnesAreWithheld(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket", "launch")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-time.Hour)
	launch := fromFeed("Rocket launch delayed by winds", "https://wire.example/launch", "https://wire.example/all.xml", at)
	rover := fromFeed("Rover finds ancient lake bed on Mars", "https://wire.example/mars-rover", "https://wire.example/all.xml", at)
	probe := fromFeed("Probe photographs comet tail", "https://agency.example/comet", "https://agency.example/feed", at)
	football := fromFeed("United beat City in derby thriller", "https://wire.example/derby", "https://wire.example/all.xml", at)
	commit(t, c, launch, rover, probe, football)

	tests := []struct {
		rec      *model.Record
		on       bool
		basis    string
		withheld string
	}{
		{launch, true, "keyword", ""},
		{rover, true, "keyword", ""}, // a child topic's keyword is the hub's
		{probe, true, "dedicated", ""},
		{football, false, "model", model.WithheldOffTopic},
	}
	for _, tt := range tests {
		a := stored(t, st, tt.rec)
		if a.Relevance == nil || a.Relevance.OnTopic != tt.on || a.Relevance.Basis != tt.basis || a.Withheld != tt.withheld {
			t.Errorf("%q: relevance %+v, withheld %q; want on topic %v by %s, withheld %q", a.Title, a.Relevance, a.Withheld, tt.on, tt.basis, tt.withheld)
		}
		if tt.withheld != "" && (a.Published || a.Heat != -1) {
			t.Errorf("%q is withheld but published %v, heat %d", a.Title, a.Published, a.Heat)
		}
	}
}

func TestAHubWithNothingToGoByKeepsEverythingAndSaysSo(t *testing.T) {
	st := openStore(t)
	s := site.New(&model.Config{Topic: "Space"}, []*model.Topic{{Taxonomy: "topic", ID: "space", Name: "Space"}}, nil)
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: t.TempDir()})
	r := fresh("United beat City in derby thriller", "https://wire.example/derby", "Wire", judgeNow.Add(-time.Hour))
	commit(t, c, r)
	a := stored(t, st, r)
	if a.Relevance == nil || !a.Relevance.OnTopic || a.Relevance.Basis != "everything" || a.Withheld != "" || !a.Published {
		t.Fatalf("relevance %+v, withheld %q, published %v; want on topic, everything, published", a.Relevance, a.Withheld, a.Published)
	}
	if !strings.Contains(strings.Join(a.Relevance.Reasons, " "), "no keywords and no dedicated source") {
		t.Errorf("reasons %q do not say why everything is on topic", a.Relevance.Reasons)
	}
	// An editor's lesson does not close a gate with nothing else to go by.
	site := t.TempDir()
	if _, err := editorial.Append(context.Background(), st, site, model.Decision{Action: editorial.Show, Article: a.CanonicalURL, At: judgeNow}); err != nil {
		t.Fatal(err)
	}
	c = New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: site})
	other := fresh("Chess champion retains title", "https://wire.example/chess", "Wire", judgeNow.Add(-time.Hour))
	commit(t, c, other)
	if b := stored(t, st, other); b.Withheld != "" || b.Relevance.Basis != "everything" {
		t.Errorf("after an editor's show: %+v withheld %q, want everything on topic still", b.Relevance, b.Withheld)
	}
}

// TestOffTopicArticleInAStoryLedOnTopicIsOnTopic: the same event told
// without a keyword joins the story of an on-topic lead, and with it the
// topic; alone it would be withheld.
func TestOffTopicArticleInAStoryLedOnTopicIsOnTopic(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-2 * time.Hour)
	lead := fromFeed("Rocket carrying Kestrel satellite explodes over Atlantic after liftoff", "https://wire.example/kestrel", "https://wire.example/all.xml", at)
	lead.Article.Excerpt = "The Kestrel weather satellite was lost when the vehicle exploded two minutes after liftoff over the Atlantic."
	same := fromFeed("Kestrel satellite lost as vehicle explodes over Atlantic after liftoff", "https://news.example/kestrel-lost", "https://wire.example/all.xml", at.Add(10*time.Minute))
	same.Article.Excerpt = "The Kestrel weather satellite was lost when its vehicle exploded over the Atlantic two minutes after liftoff."
	commit(t, c, lead)
	commit(t, c, same)
	a, b := stored(t, st, lead), stored(t, st, same)
	if a.Story != b.Story {
		t.Fatalf("the two reports are in stories %s and %s, want one", a.Story, b.Story)
	}
	if b.Relevance == nil || !b.Relevance.OnTopic || b.Relevance.Basis != "story" || b.Withheld != "" {
		t.Fatalf("the keyword-less report: %+v, withheld %q; want on topic through its story", b.Relevance, b.Withheld)
	}
	if b.Relevance.Own == nil || b.Relevance.Own.OnTopic {
		t.Errorf("its own decision %+v, want the gate's own, off topic", b.Relevance.Own)
	}
	if len(a.Related) == 0 || a.Related[0].WebURL != same.Article.WebURL {
		t.Errorf("the lead lists %v, want the report it makes on topic", a.Related)
	}
}

// TestAStoryOnTopicOnlyByTheThresholdStaysAsDecided: the story rule
// takes a story on topic when a member is on topic surely (a keyword, the
// model over one half), whichever member leads it; not when its only
// claim is an article the gate decided on topic by its threshold, below
// one half.
func TestAStoryOnTopicOnlyByTheThresholdStaysAsDecided(t *testing.T) {
	var (
		keyword   = model.Relevance{OnTopic: true, Score: 0.3, Basis: "keyword"}
		modelSure = model.Relevance{OnTopic: true, Score: 0.7, Basis: "model"}
		threshold = model.Relevance{OnTopic: true, Score: 0.3, Basis: "model"}
		off       = model.Relevance{OnTopic: false, Score: 0.1, Basis: "model"}
	)
	for _, c := range []struct {
		name    string
		lead    model.Relevance
		members []model.Relevance
		want    bool
	}{
		{"a keyword lead", keyword, []model.Relevance{off}, true},
		{"a lead the model reads over one half", modelSure, []model.Relevance{off}, true},
		{"a lead by the threshold alone", threshold, []model.Relevance{off, threshold}, false},
		{"a lead by the threshold, a keyword member", threshold, []model.Relevance{off, keyword}, true},
		{"a lead off topic", off, []model.Relevance{keyword}, false},
	} {
		lead := &model.Article{Relevance: &c.lead}
		members := []*model.Article{lead}
		for _, r := range c.members {
			members = append(members, &model.Article{Relevance: &r})
		}
		if got := storyOnTopic(lead, members); got != c.want {
			t.Errorf("%s: the story is on topic: %v, want %v", c.name, got, c.want)
		}
	}
}

// TestANewCuratorReplaysStoredDecisions: a second process's gate starts
// from what the first decided, not cold.
func TestANewCuratorReplaysStoredDecisions(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket", "launch")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	var recs []*model.Record
	for i := range 40 {
		at := judgeNow.Add(-time.Duration(100-i) * time.Minute)
		recs = append(recs,
			fromFeed(fmt.Sprintf("Rocket launch %d lifts crew to orbital station", i), fmt.Sprintf("https://wire.example/launch-%d", i), "https://wire.example/all.xml", at),
			fromFeed(fmt.Sprintf("Striker scores twice as derby %d ends in draw", i), fmt.Sprintf("https://wire.example/derby-%d", i), "https://wire.example/all.xml", at))
	}
	commit(t, c, recs...)
	probe := fresh("Crew reaches orbital station after smooth ride", "https://wire.example/crew", "Wire", judgeNow)

	cold := New(s, openStore(t), Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	lines, err := cold.ExplainScope(context.Background(), probe)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(lines, "\n"), "too few on-topic articles") {
		t.Fatalf("a gate over an empty store: %q, want one with nothing learned", lines)
	}
	warm := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	lines, err = warm.ExplainScope(context.Background(), probe)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(lines, "\n")
	if !strings.Contains(got, "on topic (model") || !strings.Contains(got, "from 40 on-topic") {
		t.Errorf("a new curator over the stored decisions says %q, want the model's, taught by 40 on-topic articles", got)
	}
}

// TestEditorsDecisionsApplyOnArrival: decisions in the site folder,
// taken before the articles arrive, apply to them: a hidden article, a
// blocked feed and publisher, shown over a block, a topic added; none of
// the withheld is a lead or related coverage.
func TestEditorsDecisionsApplyOnArrival(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	at := judgeNow.Add(-time.Hour)
	mk := func(i int, host, feed string) *model.Record {
		return fromFeed(fmt.Sprintf("Rocket engine test %d fires for full duration at Stennis", i%2),
			fmt.Sprintf("https://%s/engine-%d", host, i), feed, at.Add(time.Duration(i)*time.Minute))
	}
	hidden := mk(0, "wire.example", "https://wire.example/all.xml")
	blockedFeed := mk(1, "spam.example", "https://spam.example/feed")
	blockedPub := mk(2, "news.tabloid.example", "https://wire.example/all.xml")
	shownOver := mk(3, "tabloid.example", "https://wire.example/all.xml")
	plain := mk(4, "agency.example", "https://wire.example/all.xml")
	decide := []model.Decision{
		{Action: editorial.Hide, Article: hidden.Article.OriginalURL, At: judgeNow, Note: "duplicate"},
		{Action: editorial.BlockSource, Source: "https://SPAM.example/feed/", At: judgeNow},
		{Action: editorial.BlockPublisher, Publisher: "tabloid.example", At: judgeNow},
		{Action: editorial.Show, Article: shownOver.Article.OriginalURL, At: judgeNow},
		{Action: editorial.TopicAdd, Article: plain.Article.OriginalURL, Topic: "Mars", At: judgeNow},
	}
	if _, err := editorial.Append(ctx, st, dir, decide...); err != nil {
		t.Fatal(err)
	}
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	commit(t, c, hidden, blockedFeed, blockedPub, shownOver, plain)
	want := map[*model.Record]string{hidden: model.WithheldHidden, blockedFeed: model.WithheldSource,
		blockedPub: model.WithheldPublisher, shownOver: "", plain: ""}
	withheld := map[string]bool{}
	for r, w := range want {
		a := stored(t, st, r)
		if a.Withheld != w {
			t.Errorf("%s: withheld %q, want %q", r.Article.OriginalURL, a.Withheld, w)
		}
		if w != "" {
			withheld[a.WebURL] = true
			if a.Published {
				t.Errorf("%s is withheld and published", a.WebURL)
			}
			if len(a.Explain.Editor) == 0 {
				t.Errorf("%s: withheld without saying which decision", a.WebURL)
			}
		}
	}
	if a := stored(t, st, plain); !slices.Contains(a.Topics, "Mars") {
		t.Errorf("topics %v lack the one an editor added", a.Topics)
	}
	leads, err := st.News(ctx, store.NewsQuery{PublishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leads {
		for _, rel := range l.Article.Related {
			if withheld[rel.WebURL] {
				t.Errorf("lead %s lists withheld %s", l.Path, rel.WebURL)
			}
		}
	}
	// The same holds after curate.
	if _, err := c.All(ctx); err != nil {
		t.Fatal(err)
	}
	for r, w := range want {
		if a := stored(t, st, r); a.Withheld != w {
			t.Errorf("after curate, %s: withheld %q, want %q", r.Article.OriginalURL, a.Withheld, w)
		}
	}
}

// TestApplyWithdrawsAndRestoresALead: hiding a lead makes another member
// lead and takes it out of its story's related lists at once; showing it
// again brings it back.
func TestApplyWithdrawsAndRestoresALead(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-time.Hour)
	var recs []*model.Record
	for i, host := range []string{"a.example", "b.example", "c.example"} {
		r := fromFeed("Rocket engine test fires for full duration at Stennis", "https://"+host+"/engine", "https://wire.example/all.xml", at.Add(time.Duration(i)*time.Minute))
		r.Article.Excerpt = strings.Repeat("The engine ran for the full planned duration. ", i+1)
		recs = append(recs, r)
	}
	commit(t, c, recs...)
	lead := ""
	for _, r := range recs {
		if a := stored(t, st, r); a.Published {
			lead = a.WebURL
		}
	}
	if lead == "" {
		t.Fatal("no lead")
	}
	apply := func(d model.Decision) {
		t.Helper()
		d.At = judgeNow
		if _, err := editorial.Append(ctx, st, dir, d); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Apply(ctx, []model.Decision{d}); err != nil {
			t.Fatal(err)
		}
	}
	apply(model.Decision{Action: editorial.Hide, Article: lead})
	leads := 0
	for _, r := range recs {
		a := stored(t, st, r)
		if a.Published {
			leads++
			for _, rel := range a.Related {
				if rel.WebURL == lead {
					t.Errorf("the new lead lists the hidden one")
				}
			}
		}
		if a.WebURL == lead && (a.Published || a.Withheld != model.WithheldHidden) {
			t.Errorf("hidden lead: published %v, withheld %q", a.Published, a.Withheld)
		}
	}
	if leads != 1 {
		t.Errorf("%d leads after hiding the lead, want 1", leads)
	}
	apply(model.Decision{Action: editorial.Show, Article: lead})
	for _, r := range recs {
		if a := stored(t, st, r); a.WebURL == lead && (!a.Published || a.Withheld != "") {
			t.Errorf("shown again: published %v, withheld %q; want the lead back", a.Published, a.Withheld)
		}
	}
}

// TestADecisionWrittenByHandAppliesWithTheNextBatch: a decision added to
// the site folder's log by hand (or by git) reaches articles stored
// before, with the next batch an ingesting process commits.
func TestADecisionWrittenByHandAppliesWithTheNextBatch(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	old := fromFeed("Rocket engine test fires at Stennis", "https://wire.example/engine", "https://wire.example/all.xml", judgeNow.Add(-3*time.Hour))
	commit(t, c, old)
	if a := stored(t, st, old); a.Withheld != "" || !a.Published {
		t.Fatalf("before: withheld %q, published %v", a.Withheld, a.Published)
	}
	byHand := "decisions:\n  - action: hide\n    article: https://wire.example/engine\n    by: ada\n    at: 2026-11-20T11:00:00Z\n"
	if err := os.WriteFile(editorial.File(dir), []byte(byHand), 0o644); err != nil {
		t.Fatal(err)
	}
	commit(t, c, fromFeed("Rocket stage recovered at sea", "https://wire.example/stage", "https://wire.example/all.xml", judgeNow.Add(-time.Hour)))
	if a := stored(t, st, old); a.Withheld != model.WithheldHidden || a.Published {
		t.Errorf("after the next batch: withheld %q, published %v; want hidden", a.Withheld, a.Published)
	}
}

// TestADecisionsLogBrokenByHandStopsTheNextBatchAtItsLine: a log edited
// by hand into one that is not YAML stops the next batch with its file
// and line, once, where the error named the file and then the log's
// path in the site again, as no other command does.
func TestADecisionsLogBrokenByHandStopsTheNextBatchAtItsLine(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	byHand := "decisions:\n  - action: hide\n    article: https://wire.example/engine\n   by: ada\n    at: 2026-11-20T11:00:00Z\n"
	if err := os.WriteFile(editorial.File(dir), []byte(byHand), 0o644); err != nil {
		t.Fatal(err)
	}
	_, _, err := c.Commit(context.Background(), []*model.Record{fromFeed("Rocket stage recovered at sea", "https://wire.example/stage", "https://wire.example/all.xml", judgeNow)})
	if want := "curate: " + editorial.File(dir) + ":4: invalid YAML"; err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("Commit = %v, want an error starting %q", err, want)
	}
}

// TestApplyTakesAMemberOffTopicThroughItsStoryOutOfOtherLeadsRelated: an
// article on topic only through its story's lead leaves the topic when an
// editor hides that lead; a lead of another story that lists it as
// related coverage (a similar story) drops it at once, as it drops the
// hidden lead, since that list is published with the lead's document.
func TestApplyTakesAMemberOffTopicThroughItsStoryOutOfOtherLeadsRelated(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	s, dir := spaceHub(t, "rocket")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-2 * time.Hour)
	lead := fromFeed("Rocket carrying Kestrel satellite explodes over Atlantic after liftoff", "https://wire.example/kestrel", "https://wire.example/all.xml", at)
	lead.Article.Excerpt = "The Kestrel weather satellite was lost when the vehicle exploded two minutes after liftoff over the Atlantic."
	same := fromFeed("Kestrel satellite lost as vehicle explodes over Atlantic after liftoff", "https://news.example/kestrel-lost", "https://wire.example/all.xml", at.Add(10*time.Minute))
	same.Article.Excerpt = "The Kestrel weather satellite was lost when its vehicle exploded over the Atlantic two minutes after liftoff."
	other := fromFeed("Rocket engine test fires for full duration at Stennis", "https://wire.example/engine", "https://wire.example/all.xml", at.Add(30*time.Minute))
	commit(t, c, lead)
	commit(t, c, same)
	commit(t, c, other)
	b := stored(t, st, same)
	if b.Relevance == nil || b.Relevance.Basis != "story" || b.Withheld != "" {
		t.Fatalf("the keyword-less report: %+v, withheld %q; want on topic through its story", b.Relevance, b.Withheld)
	}
	// The other story's lead lists the report as a similar story's
	// coverage, as curation lists similar stories.
	o, err := st.Get(ctx, other.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Article.Published || o.Article.Story == b.Story {
		t.Fatalf("the engine test: published %v, story %s; want a lead of a story of its own", o.Article.Published, o.Article.Story)
	}
	o.Article.Related = append(o.Article.Related, RelatedOf(b))
	if err := st.Upsert(ctx, []*model.Record{o}); err != nil {
		t.Fatal(err)
	}

	d := model.Decision{Action: editorial.Hide, Article: lead.Article.WebURL, At: judgeNow}
	if _, err := editorial.Append(ctx, st, dir, d); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Apply(ctx, []model.Decision{d}); err != nil {
		t.Fatal(err)
	}
	if b := stored(t, st, same); b.Withheld != model.WithheldOffTopic || b.Published {
		t.Fatalf("the report once its lead is hidden: %+v, withheld %q, published %v; want off topic, withheld", b.Relevance, b.Withheld, b.Published)
	}
	for _, rel := range stored(t, st, other).Related {
		if rel.WebURL == same.Article.WebURL {
			t.Errorf("the other story's lead still lists the report, now off topic, as related coverage")
		}
	}
}

// TestAnOffTopicArrivalIsNotRelatedCoverageOfTheBatch: an off-topic
// article that arrives in the batch of a similar on-topic one, in a story
// of its own, is withheld and not listed in the other story's related
// coverage, which is published with its lead; shown by an editor, it is.
func TestAnOffTopicArrivalIsNotRelatedCoverageOfTheBatch(t *testing.T) {
	background := []string{
		"Crew returns from orbital station after six months",
		"Astronomers find water vapour on distant exoplanet",
		"Lunar lander touches down near south pole",
		"Probe sends back images of Jupiter moon",
		"Telescope mirror segments unfold in deep space",
		"Comet visible to naked eye next week",
		"Solar storm disrupts radio signals",
	}
	for _, c := range []struct {
		on, off string
		shown   bool
	}{
		{"Rocket lands at Kourou", "Kourou mayor resigns", false},
		{"Kestrel rocket explodes", "Kestrel brewery closes", false},
		{"Rocket lands at Kourou", "Kourou mayor resigns", true},
	} {
		ctx := context.Background()
		st := openStore(t)
		s, dir := spaceHub(t, "rocket")
		if c.shown {
			d := model.Decision{Action: editorial.Show, Article: "https://wire.example/off", At: judgeNow}
			if _, err := editorial.Append(ctx, st, dir, d); err != nil {
				t.Fatal(err)
			}
		}
		cur := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
		at := judgeNow.Add(-time.Hour)
		var recs []*model.Record
		for i, title := range background {
			recs = append(recs, fromFeed(title, fmt.Sprintf("https://agency.example/%d", i), "https://agency.example/feed", at.Add(-time.Duration(i+1)*time.Minute)))
		}
		on := fromFeed(c.on, "https://wire.example/on", "https://wire.example/all.xml", at)
		off := fromFeed(c.off, "https://wire.example/off", "https://wire.example/all.xml", at.Add(time.Minute))
		commit(t, cur, append(recs, on, off)...)
		a, b := stored(t, st, on), stored(t, st, off)
		if a.Story == b.Story || !a.Published || b.Publishable() != c.shown {
			t.Fatalf("%q: stories %s and %s, published %v; %q withheld %q; want two stories, the first published, the second withheld unless shown",
				c.on, a.Story, b.Story, a.Published, c.off, b.Withheld)
		}
		listed := slices.ContainsFunc(a.Related, func(r model.Related) bool { return r.WebURL == b.WebURL })
		if listed != c.shown {
			t.Errorf("%q lists %q (shown %v) as related coverage: %v", c.on, c.off, c.shown, listed)
		}
	}
}

// TestExplainScopeNamesTheKeywordsIgnored: a keyword the gate cannot
// select by (a stop word, no words) is named in every explanation, so an
// operator who wrote "US" for an election learns why it finds nothing.
func TestExplainScopeNamesTheKeywordsIgnored(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket", "The", "--")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-time.Hour)
	hit := fromFeed("Rocket launch delayed by winds", "https://wire.example/launch", "https://wire.example/all.xml", at)
	miss := fromFeed("The crew returns home", "https://wire.example/crew", "https://wire.example/all.xml", at)
	commit(t, c, hit, miss)
	for _, r := range []*model.Record{hit, miss} {
		got, err := c.ExplainScope(context.Background(), &model.Record{Path: r.Path, Kind: model.KindNews, Article: stored(t, st, r)})
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(got, "\n")
		for _, want := range []string{`keyword "The" is a stop word: ignored`, `keyword "--" has no words: ignored`} {
			if strings.Count(text, want) != 1 {
				t.Errorf("%q: explanation %q does not name once %q", r.Article.Title, text, want)
			}
		}
	}
}

// TestAnArticleOfARemovedDedicatedFeedStaysOnTopic: an article that came
// from a dedicated feed keeps its decision when the feed is removed from
// the list (no longer read, as a feed that moved is), as it keeps it when
// keywords change; the feed still listed but no longer dedicated has its
// articles judged by the gate.
func TestAnArticleOfARemovedDedicatedFeedStaysOnTopic(t *testing.T) {
	for _, c := range []struct {
		name    string
		sources []model.Source
		on      bool
	}{
		{"removed", []model.Source{{URL: "https://wire.example/all.xml"}}, true},
		{"no longer dedicated", []model.Source{{URL: "https://agency.example/feed"}, {URL: "https://wire.example/all.xml"}}, false},
	} {
		ctx := context.Background()
		st := openStore(t)
		s, dir := spaceHub(t, "rocket")
		c0 := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
		probe := fromFeed("Probe photographs comet tail", "https://agency.example/comet", "https://agency.example/feed", judgeNow.Add(-time.Hour))
		commit(t, c0, probe)
		if a := stored(t, st, probe); a.Relevance == nil || a.Relevance.Basis != "dedicated" || !a.Published {
			t.Fatalf("before: %+v, published %v; want on topic, dedicated, published", a.Relevance, a.Published)
		}
		srcs := &model.Record{Path: sourcesPath, Kind: model.KindSources, Sources: &model.Sources{Sources: c.sources}}
		if err := content.Render(srcs); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), srcs.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}).All(ctx); err != nil {
			t.Fatal(err)
		}
		if a := stored(t, st, probe); a.Relevance == nil || a.Relevance.OnTopic != c.on || a.Publishable() != c.on {
			t.Errorf("feed %s: %+v, withheld %q; want on topic %v", c.name, a.Relevance, a.Withheld, c.on)
		}
	}
}

// lessons returns what an explanation of the text model says it learned
// from: "N on-topic and M off-topic lessons".
func lessons(t *testing.T, c *Curator, probe *model.Record) string {
	t.Helper()
	lines, err := c.ExplainScope(context.Background(), probe)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		if _, after, ok := strings.Cut(l, "(from "); ok {
			return strings.TrimSuffix(after, ")")
		}
	}
	t.Fatalf("explanation %q does not say what the model learned from", lines)
	return ""
}

// TestTheRunningGateLearnsWhatIsStored: the gate of a process that
// ingests learns each arrival as it is stored, so that a new process,
// which learns from the store, has the same gate. An off-topic arrival
// that joins a story led by an article on topic by the threshold alone is
// stored off topic (the story rule does not apply to such a story), and
// must not teach the running gate that it is on topic through its story:
// the football the threshold lets in would teach the gate football.
func TestTheRunningGateLearnsWhatIsStored(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "rocket", "launch")
	start := judgeNow.Add(-200 * time.Minute)
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	for i := range 40 {
		at := start.Add(time.Duration(2*i+1) * time.Minute)
		commit(t, c,
			fromFeed(fmt.Sprintf("Rocket launch %d lifts crew to orbital station", i), fmt.Sprintf("https://wire.example/launch-%d", i), "https://wire.example/all.xml", at),
			fromFeed(fmt.Sprintf("Striker scores twice as derby %d ends in draw", i), fmt.Sprintf("https://wire.example/derby-%d", i), "https://wire.example/all.xml", at.Add(time.Minute)))
	}
	probe := fresh("Crew reaches orbital station after smooth ride", "https://wire.example/crew", "Wire", judgeNow)
	running := lessons(t, c, probe)
	replayed := lessons(t, New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}), probe)
	if running != replayed {
		t.Errorf("the running gate learned from %s, a new process's from the store %s", running, replayed)
	}
}

// TestExplainScopeOfAKeywordInCapitals: a hub whose operator wrote "US"
// selects by it, and the explanation says the keyword decided, where it
// named "US" a stop word that found nothing.
func TestExplainScopeOfAKeywordInCapitals(t *testing.T) {
	st := openStore(t)
	s, dir := spaceHub(t, "US")
	c := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
	at := judgeNow.Add(-time.Hour)
	hit := fromFeed("US crew docks at the station", "https://wire.example/docks", "https://wire.example/all.xml", at)
	commit(t, c, hit)
	got, err := c.ExplainScope(context.Background(), &model.Record{Path: hit.Path, Kind: model.KindNews, Article: stored(t, st, hit)})
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(got, "\n")
	if !strings.Contains(text, `keyword "US"`) || strings.Contains(text, "ignored") || !strings.Contains(text, "on topic") {
		t.Errorf("explanation %q, want on topic by the keyword \"US\", nothing ignored", text)
	}
}

// TestExplainScopeSaysWhatTodaysKeywordsWouldDecide: an article decided
// before the operator changed the hub's keywords keeps its stored
// decision, and the explanation says what the keywords as they are now
// decide, where it said "no keyword" of a title that holds one, named a
// keyword the hub no longer has, or said the topic has no keywords.
func TestExplainScopeSaysWhatTodaysKeywordsWouldDecide(t *testing.T) {
	for _, c := range []struct {
		name          string
		before, after []string
		noSources     bool // no sources list: a hub without keywords is open
		title         string
		want          string
	}{
		{"keyword added", []string{"rocket"}, []string{"rocket", "comet"}, false,
			"Comet tail photographed from the ground",
			`the hub's topic now: on topic, keyword "comet" (a stored decision stays as made: edit show or hide decides over it)`},
		{"keyword removed", []string{"rocket", "comet"}, []string{"rocket"}, false,
			"Comet tail photographed from the ground",
			`the hub's topic now: off topic, no keyword`},
		{"keywords given to an open hub", nil, []string{"rocket"}, true,
			"Comet tail photographed from the ground",
			`the hub's topic now: off topic, no keyword, and too few on-topic articles yet to learn from (curate decides it again)`},
		{"keywords unchanged", []string{"rocket"}, []string{"rocket"}, false,
			"Comet tail photographed from the ground", ""},
	} {
		st := openStore(t)
		s, dir := spaceHub(t, c.before...)
		if c.noSources {
			dir = t.TempDir()
		}
		r := fromFeed(c.title, "https://wire.example/comet", "https://wire.example/all.xml", judgeNow.Add(-time.Hour))
		commit(t, New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}), r)
		s2, _ := spaceHub(t, c.after...)
		got, err := New(s2, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}).
			ExplainScope(context.Background(), &model.Record{Path: r.Path, Kind: model.KindNews, Article: stored(t, st, r)})
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(got, "\n")
		switch {
		case c.want == "" && strings.Contains(text, "the hub's topic now"):
			t.Errorf("%s: explanation %q says the decision changed", c.name, text)
		case c.want != "" && !strings.Contains(text, c.want):
			t.Errorf("%s: explanation %q lacks %q", c.name, text, c.want)
		}
	}
}

// TestExplainScopeSaysWhatTodaysSourcesWouldDecide: a feed marked
// dedicated, or unmarked, after its articles were decided: the
// explanation says what the sources list as it is now decides, which
// curate then stores; a feed removed keeps its articles' decision.
func TestExplainScopeSaysWhatTodaysSourcesWouldDecide(t *testing.T) {
	for _, c := range []struct {
		name    string
		feed    string
		sources []model.Source
		want    string // what explain says now, "" for nothing
		on      bool   // on topic after curate
	}{
		{"marked dedicated", "https://wire.example/all.xml",
			[]model.Source{{URL: "https://agency.example/feed", Dedicated: true}, {URL: "https://wire.example/all.xml", Dedicated: true}},
			"the hub's topic now: on topic, from https://wire.example/all.xml, a source dedicated to the topic (curate decides it again)", true},
		{"unmarked", "https://agency.example/feed",
			[]model.Source{{URL: "https://agency.example/feed"}, {URL: "https://wire.example/all.xml"}},
			"the hub's topic now: off topic, no keyword", false},
		{"removed", "https://agency.example/feed",
			[]model.Source{{URL: "https://wire.example/all.xml"}}, "", true},
	} {
		ctx := context.Background()
		st := openStore(t)
		s, dir := spaceHub(t, "rocket")
		r := fromFeed("Comet tail photographed from the ground", "https://news.example/comet", c.feed, judgeNow.Add(-time.Hour))
		commit(t, New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir}), r)
		srcs := &model.Record{Path: sourcesPath, Kind: model.KindSources, Sources: &model.Sources{Sources: c.sources}}
		if err := content.Render(srcs); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), srcs.Raw, 0o644); err != nil {
			t.Fatal(err)
		}
		cur := New(s, st, Options{Now: func() time.Time { return judgeNow }, SiteDir: dir})
		got, err := cur.ExplainScope(ctx, &model.Record{Path: r.Path, Kind: model.KindNews, Article: stored(t, st, r)})
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(got, "\n")
		switch {
		case c.want == "" && strings.Contains(text, "the hub's topic now"):
			t.Errorf("%s: explanation %q says the decision changed", c.name, text)
		case c.want != "" && !strings.Contains(text, c.want):
			t.Errorf("%s: explanation %q lacks %q", c.name, text, c.want)
		}
		if _, err := cur.All(ctx); err != nil {
			t.Fatal(err)
		}
		if a := stored(t, st, r); a.Relevance == nil || a.Relevance.OnTopic != c.on {
			t.Errorf("%s: after curate %+v, want on topic %v", c.name, a.Relevance, c.on)
		}
	}
}
