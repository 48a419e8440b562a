// Package gen writes synthetic sites for demos, tests and benchmarks: a hub
// shaped like a real one (a topic tree with keywords, dozens of publishers,
// stories covered by one to twenty of them under paraphrased titles, people,
// events, learning resources), with every text made up from the word lists
// in this package. The same options give the same bytes.
package gen

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/gen/picture"
	"newshub/internal/model"
	"newshub/internal/site"
)

// Options say what to generate.
type Options struct {
	Articles int   // news records to write
	Seed     int64 // the same seed gives the same site
	// Until is the newest publication time; news spreads over the Span
	// before it and events reach past it. Zero means DefaultUntil.
	Until time.Time
	// Span is how far back news goes from Until; zero means DefaultSpan.
	// Stories whose newest article is older than ArchiveAge live in
	// _archive/news/.
	Span time.Duration
	// Workers render and write files in parallel; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called with the number of news records just
	// written (from several goroutines).
	Progress func(n int)
}

// DefaultUntil is the reference time used when Options.Until is zero. It is
// fixed, not the clock, so that a seed always gives the same bytes.
func DefaultUntil() time.Time { return time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC) }

// DefaultSpan is how far back news goes from Until unless told.
const DefaultSpan = 180 * 24 * time.Hour

// ArchiveAge is the age past which a story lives in _archive/news, as the
// generated _config.yml says (archive_after): a story goes by its newest
// article, as retention moves it.
const ArchiveAge = 150 * 24 * time.Hour

// Stats counts what Generate wrote.
type Stats struct {
	Files        int // records
	Bytes        int64
	Pictures     int // SVG files under PictureDir
	PictureBytes int64
	Stories      int
	Kinds        map[model.Kind]int
}

// Generate writes a synthetic site into out, which must be absent or empty.
func Generate(ctx context.Context, out string, opt Options) (Stats, error) {
	if opt.Articles < 0 {
		return Stats{}, fmt.Errorf("gen: negative article count %d", opt.Articles)
	}
	if err := checkEmpty(out); err != nil {
		return Stats{}, err
	}
	for _, d := range []string{"_data/topics", "_data/organizations", "_news", "_archive/news",
		"_people/collections", "_events", "_learning/articles", "_learning/videos",
		"_learning/collections", ".newshub"} {
		if err := os.MkdirAll(filepath.Join(out, filepath.FromSlash(d)), 0o755); err != nil {
			return Stats{}, fmt.Errorf("gen: %w", err)
		}
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	g := newGenerator(opt)
	units := make(chan unit, 64)
	parts := make([]Stats, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func(st *Stats) {
			defer wg.Done()
			st.Kinds = map[model.Kind]int{}
			var buf []byte
			for u := range units {
				if ctx.Err() != nil {
					continue // drain so the producer never blocks
				}
				if u.story {
					g.finishStory(u.recs)
				}
				for _, rec := range u.recs {
					if err := write(out, rec); err != nil {
						cancel(err)
						break
					}
					st.Files++
					st.Bytes += int64(len(rec.Raw))
					st.Kinds[rec.Kind]++
				}
				for _, p := range u.pics {
					var err error
					if buf, err = writePicture(out, p, buf); err != nil {
						cancel(err)
						break
					}
					st.Pictures++
					st.PictureBytes += int64(len(buf))
				}
				if u.story && opt.Progress != nil {
					opt.Progress(len(u.recs))
				}
			}
		}(&parts[i])
	}

	send := func(u unit) error {
		select {
		case units <- u:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
	err := g.emit(func(r *model.Record, pics ...pictureFile) error {
		return send(unit{recs: []*model.Record{r}, pics: pics})
	}, func(recs []*model.Record, pics []pictureFile) error {
		return send(unit{recs: recs, pics: pics, story: true})
	})
	close(units)
	wg.Wait()
	if err == nil {
		err = context.Cause(ctx)
	}
	if err != nil {
		return Stats{}, fmt.Errorf("gen: %w", err)
	}
	total := Stats{Stories: g.stories, Kinds: map[model.Kind]int{}}
	for _, p := range parts {
		total.Files += p.Files
		total.Bytes += p.Bytes
		total.Pictures += p.Pictures
		total.PictureBytes += p.PictureBytes
		for k, n := range p.Kinds {
			total.Kinds[k] += n
		}
	}
	return total, nil
}

// Records calls fn with every record of the site opt describes, in a fixed
// order, without rendering or writing them or their pictures.
func Records(opt Options, fn func(*model.Record) error) error {
	g := newGenerator(opt)
	record := func(r *model.Record, _ ...pictureFile) error { return fn(r) }
	return g.emit(record, func(recs []*model.Record, _ []pictureFile) error {
		g.finishStory(recs)
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func checkEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("gen: %w", err)
	case len(entries) > 0:
		return fmt.Errorf("gen: %s is not empty", dir)
	}
	return nil
}

func write(out string, rec *model.Record) error {
	if err := content.Render(rec); err != nil {
		return fmt.Errorf("render %s: %w", rec.Path, err)
	}
	name := filepath.Join(out, filepath.FromSlash(rec.Path))
	if err := os.WriteFile(name, rec.Raw, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", rec.Path, err)
	}
	return nil
}

// unit is what a worker renders and writes: one record, or a drafted story
// to finish first, and their pictures.
type unit struct {
	recs  []*model.Record
	pics  []pictureFile
	story bool
}

// org is a generated publisher.
type org struct {
	name, domain string
	logo         *pictureFile // nil for publishers without one
	voice        string
	quality      int
	titleCase    bool
	model        *model.Organization
}

// person is a generated public figure.
type person struct {
	first, last string
	slug        string
	candidate   bool
	voice       string
	topic       string // the person's own topic name, for candidates
	palette     int    // the colours of the person's portrait and stories
}

func (p *person) name() string { return p.first + " " + p.last }

type generator struct {
	opt         Options
	rng         *rand.Rand
	until       time.Time
	cfg         *model.Config
	base        string // cfg.URL + cfg.BaseURL
	root        string
	voices      [2]string
	orgs        []*org
	people      []*person
	topics      []*model.Topic
	site        *site.Site // for the curation rules: topics, quality
	orgByDomain map[string]*model.Organization
	topicArt    map[string]pictureFile // by topic id
	paths       map[string]bool
	n           int // articles made so far
	stories     int
	perm        []int
}

func newGenerator(opt Options) *generator {
	until := opt.Until
	if until.IsZero() {
		until = DefaultUntil()
	}
	g := &generator{
		opt:    opt,
		rng:    rand.New(rand.NewPCG(uint64(opt.Seed), 0x6e657773687562)),
		until:  until.UTC().Truncate(time.Minute),
		root:   "Election",
		voices: [2]string{"Progressive Voice", "Conservative Voice"},
		paths:  map[string]bool{},
	}
	g.cfg = &model.Config{
		Title:    "Election Pulse",
		URL:      "https://hub.example.org",
		BaseURL:  "/election",
		WebURL:   "https://hub.example.org/election",
		Locale:   "en-us",
		Topic:    g.root,
		Timezone: "America/Los_Angeles",
		// Retention as the generated archive has it.
		ArchiveAfter: fmt.Sprintf("%dd", ArchiveAge/(24*time.Hour)),
	}
	g.base = g.cfg.URL + g.cfg.BaseURL
	g.makePeople()
	g.makeTopics()
	g.makeOrgs()
	g.perm = make([]int, len(g.orgs))
	byDomain := map[string]*model.Organization{}
	for _, o := range g.orgs {
		byDomain[o.domain] = o.model
	}
	g.orgByDomain = byDomain
	g.site = site.New(g.cfg, slices.Clone(g.topics), byDomain)
	return g
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) makePeople() {
	firsts := g.rng.Perm(len(firstNames))
	lasts := g.rng.Perm(len(lastNames))
	for i := 0; i < 12; i++ {
		p := &person{first: firstNames[firsts[i]], last: lastNames[lasts[i]], candidate: i < 4, palette: i}
		p.slug = content.Slug(p.name())
		p.voice = g.voices[i%2]
		if p.candidate {
			p.topic = p.name()
		}
		g.people = append(g.people, p)
	}
}

func (g *generator) makeTopics() {
	g.topicArt = map[string]pictureFile{}
	add := func(t *model.Topic, m picture.Motif, pal int, keywords ...string) {
		t.Taxonomy = "topic"
		t.Order = len(g.topics)
		t.Keywords = keywords
		t.Services = []model.Service{{Name: "news", Endpoint: g.base + "/api/news/" + t.ID + "/"}}
		if t.Parent == "" {
			t.Services = []model.Service{
				{Name: "news", Endpoint: g.base + "/api/news/"},
				{Name: "people", Endpoint: g.base + "/api/people/"},
				{Name: "events", Endpoint: g.base + "/api/events/"},
				{Name: "newsletters", Endpoint: g.base + "/api/newsletters/"},
			}
		} else {
			art := g.illustration("topics", t.ID, picture.Picture{Motif: m, Width: 1200, Height: 675, Palette: picture.PaletteAt(pal)})
			t.Images = []string{art.url()}
			g.topicArt[t.ID] = art
		}
		g.topics = append(g.topics, t)
	}
	add(&model.Topic{ID: "election", Name: g.root, Hashtags: []string{"#Election"}}, picture.Ballot, 0,
		"election", "ballot", "vote", "voters", "campaign")
	add(&model.Topic{ID: "progressive-voice", Name: g.voices[0], Shortname: g.voices[0], Parent: g.root,
		Hashtags:  []string{"#Progressive"},
		Highlight: &model.Highlight{TextColor: "#ffffff", BackgroundColor: "#2a5db0"}}, picture.Debate, 0)
	add(&model.Topic{ID: "conservative-voice", Name: g.voices[1], Shortname: g.voices[1], Parent: g.root,
		Hashtags:  []string{"#Conservative"},
		Highlight: &model.Highlight{TextColor: "#ffffff", BackgroundColor: "#b8322a"}}, picture.Debate, 3)
	for _, p := range g.people {
		if p.candidate {
			add(&model.Topic{ID: p.slug, Name: p.name(), Shortname: p.last, Parent: g.root,
				Hashtags: []string{"#" + p.last}}, picture.Portrait, p.palette, strings.ToLower(p.last))
		}
	}
	add(&model.Topic{ID: "economy", Name: "Economy", Shortname: "Economy", Parent: g.root,
		Hashtags: []string{"#Economy"}}, picture.Money, 1,
		"economy", "inflation", "tariffs", "jobs", "wage", "budget", "taxes", "tax")
	add(&model.Topic{ID: "climate", Name: "Climate", Shortname: "Climate", Parent: g.root,
		Hashtags: []string{"#Climate"}}, picture.Horizon, 4,
		"climate", "wildfire", "emissions", "flood", "drought")
}

func (g *generator) makeOrgs() {
	seen := map[string]bool{}
	addOrg := func(name, domain string) {
		if seen[domain] {
			return
		}
		seen[domain] = true
		hasLogo := g.rng.IntN(100) < 85
		o := &org{name: name, domain: domain, quality: 20 + g.rng.IntN(91), titleCase: g.rng.IntN(2) == 0}
		if g.rng.IntN(3) == 0 {
			o.voice = g.voices[len(g.orgs)%2]
		}
		o.model = &model.Organization{Taxonomy: "organization", ID: o.domain, Name: o.name,
			Domain: o.domain, Voice: o.voice, Quality: o.quality}
		if hasLogo {
			logo := g.logo(o.name, o.domain)
			o.logo = &logo
			o.model.Images = logoImages(logo, 50, 400)
		}
		g.orgs = append(g.orgs, o)
	}
	for _, n := range nationalOutlets {
		addOrg(n, strings.ToLower(strings.ReplaceAll(n, " ", ""))+"."+g.pick(tlds))
	}
	for len(g.orgs) < 48 {
		place, mast := g.pick(places), g.pick(mastheads)
		name := place + " " + mast
		if g.rng.IntN(2) == 0 {
			name = "The " + name
		}
		addOrg(name, strings.ToLower(strings.ReplaceAll(place, " ", "")+mast)+"."+g.pick(tlds))
	}
}

// emitFunc receives a record and the pictures to write with it.
type emitFunc func(rec *model.Record, pics ...pictureFile) error

// emit produces every record in a fixed order: the site's records one by
// one through fn, the news a drafted story at a time through story.
func (g *generator) emit(fn emitFunc, story func([]*model.Record, []pictureFile) error) error {
	steps := []func(emitFunc) error{
		g.emitConfig, g.emitOrgs, g.emitPeople, g.emitEvents, g.emitLearning,
	}
	for _, step := range steps {
		if err := step(fn); err != nil {
			return err
		}
	}
	return g.emitNews(story)
}

func (g *generator) emitConfig(fn emitFunc) error {
	if err := fn(&model.Record{Path: "_config.yml", Kind: model.KindConfig, Config: g.cfg}); err != nil {
		return err
	}
	for _, t := range g.topics {
		p := fmt.Sprintf("_data/topics/%02d-%s.yaml", t.Order, t.ID)
		var pics []pictureFile
		if art, ok := g.topicArt[t.ID]; ok {
			pics = append(pics, art)
		}
		if err := fn(&model.Record{Path: p, Kind: model.KindTopic, Topic: t}, pics...); err != nil {
			return err
		}
	}
	return fn(&model.Record{Path: "_data/sources.yaml", Kind: model.KindSources,
		Sources: &model.Sources{Sources: []model.Source{}}})
}

func (g *generator) emitOrgs(fn emitFunc) error {
	for _, o := range g.orgs {
		rec := &model.Record{Path: "_data/organizations/" + o.domain + ".md", Kind: model.KindOrganization, Organization: o.model}
		var pics []pictureFile
		if o.logo != nil {
			pics = append(pics, *o.logo)
		}
		if err := fn(rec, pics...); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) emitPeople(fn emitFunc) error {
	var candidates []string
	var cover model.Image // the list's picture: its first person's
	for i, p := range g.people {
		topics := []string{g.root, p.voice}
		if p.topic != "" {
			topics = append(topics, p.topic)
			candidates = append(candidates, p.slug)
		}
		role := g.pick(roles)
		if p.candidate {
			role = "candidate for governor"
		}
		bio := g.fill(g.pick(bioTemplates), slots{R: role, P: g.pick(places), O: g.pick2(issues).phrase})
		handle := p.first + p.last
		portrait := g.illustration("people", p.slug, picture.Picture{Motif: picture.Portrait, Width: 400, Height: 400,
			Palette: picture.PaletteAt(p.palette)})
		face := portrait.image(true)
		face.Title = p.name()
		if i == 0 {
			cover = face
		}
		m := &model.Person{
			Name: p.name(), Bio: capitalize(bio), Location: g.pick(places), Type: "profile",
			Heat:    100 + g.rng.IntN(800) + 200*boolInt(p.candidate),
			Twitter: &model.Twitter{Username: handle, URL: "https://twitter.com/" + handle, Followers: 1000 + g.rng.IntN(900000)},
			Topics:  topics,
			Images:  []model.Image{face},
		}
		if p.candidate {
			m.Website = "https://" + strings.ToLower(handle) + ".example.org/"
		}
		if i%5 == 4 {
			m.YouTube = &model.Channel{URL: "https://www.youtube.com/c/" + handle, Subscribers: 100 + g.rng.IntN(50000)}
		}
		if err := fn(&model.Record{Path: "_people/" + p.slug + ".md", Kind: model.KindPerson, Person: m}, portrait); err != nil {
			return err
		}
	}
	list := &model.Person{Name: "Candidates for Governor", Bio: "Everyone on the ballot for governor this year",
		Type: "collection", Heat: 500 + g.rng.IntN(400), Items: candidates, Topics: []string{g.root},
		Images: []model.Image{cover}}
	return fn(&model.Record{Path: "_people/collections/candidates-for-governor.md", Kind: model.KindPeopleList, Person: list})
}

func (g *generator) emitEvents(fn emitFunc) error {
	for i, ev := range eventNames {
		s := slots{P: g.pick(places), O: g.pick2(issues).phrase}
		title := titleCase(g.fill(ev.name, s))
		// Events run from four months before Until to three months after.
		day := g.until.Add(time.Duration(i*210/len(eventNames)-120) * 24 * time.Hour).Truncate(24 * time.Hour)
		start := day.Add(time.Duration(15+g.rng.IntN(8)) * time.Hour)
		end := start.Add(time.Duration(1+g.rng.IntN(3)) * 90 * time.Minute)
		o := g.orgs[g.rng.IntN(len(g.orgs))]
		p := g.unique("_events/" + start.Format("2006-01-02") + "-" + content.Slug(title) + ".md")
		art := g.illustration("events", stem(p), picture.Picture{Motif: ev.motif, Width: 1200, Height: 675, Palette: g.anyPalette()})
		m := &model.Event{
			Name: title, Excerpt: g.fill(g.pick(leadSentences), g.storySlots()),
			OriginalURL: "https://vote.example.org/events/" + content.Slug(title) + "/",
			Type:        "conference", StartDateTime: start, EndDateTime: end,
			Location: s.P, Provider: &model.Provider{Name: o.name, Domain: o.domain},
			Topics: []string{g.root},
			Images: []model.Image{art.image(true)},
		}
		if err := fn(&model.Record{Path: p, Kind: model.KindEvent, Event: m}, art); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) emitLearning(fn emitFunc) error {
	labLogo, basicsLogo := g.logo("Civics Lab", "civicslab.example.org"), g.logo("Ballot Basics", "ballotbasics.example.org")
	lab := &model.Provider{Name: "Civics Lab", Domain: "civicslab.example.org", Images: logoImages(labLogo, 50)}
	basics := &model.Provider{Name: "Ballot Basics", Domain: "ballotbasics.example.org", Images: logoImages(basicsLogo, 50)}
	for i, title := range learningArticles {
		slug := content.Slug(title)
		p := "_learning/articles/civicslab-" + slug + ".md"
		art := g.illustration("learning", stem(p), picture.Picture{Motif: picture.Guide, Width: 760, Height: 690, Palette: g.anyPalette()})
		m := &model.Learning{Title: title, Excerpt: g.fill(g.pick(followSentences), g.storySlots()),
			OriginalURL: "https://civicslab.example.org/guides/" + slug, Type: "article", Price: "Free",
			Heat: 20 + g.rng.IntN(200), Provider: lab, Topics: []string{g.root},
			Images: []model.Image{art.image(false)}}
		pics := []pictureFile{art}
		if i == 0 {
			pics = append(pics, labLogo)
		}
		if err := fn(&model.Record{Path: p, Kind: model.KindLearning, Learning: m}, pics...); err != nil {
			return err
		}
	}
	var items []string
	for i, title := range learningVideos {
		slug := content.Slug(title)
		id := g.videoID()
		p := "_learning/videos/ballotbasics-" + slug + ".md"
		art := g.illustration("learning", stem(p), picture.Picture{Motif: picture.Guide, Width: 480, Height: 360, Palette: g.anyPalette(), Play: true})
		m := &model.Learning{Title: title, Excerpt: "A short explainer: " + strings.ToLower(title[:1]) + title[1:] + ".",
			OriginalURL: "https://youtube.com/watch?v=" + id, Type: "video", Price: "Free",
			Length:            fmt.Sprintf("PT%dM%dS", 2+g.rng.IntN(9), g.rng.IntN(60)),
			PublishedDateTime: g.until.Add(-time.Duration(400+100*i) * 24 * time.Hour).Add(time.Duration(g.rng.IntN(86400)) * time.Second),
			Heat:              50 + g.rng.IntN(300),
			FeaturedContent: `<iframe width="800" height="500" frameborder="0" src="https://www.youtube.com/embed/` + id +
				`" allow="accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture" allowfullscreen></iframe>`,
			Provider: basics, Topics: []string{g.root},
			Images: []model.Image{art.image(true)}}
		items = append(items, "videos/ballotbasics-"+slug)
		pics := []pictureFile{art}
		if i == 0 {
			pics = append(pics, basicsLogo)
		}
		if err := fn(&model.Record{Path: p, Kind: model.KindLearning, Learning: m}, pics...); err != nil {
			return err
		}
	}
	p := "_learning/collections/ballotbasics-elections-start-to-finish.md"
	art := g.illustration("learning", stem(p), picture.Picture{Motif: picture.Guide, Width: 1280, Height: 720, Palette: g.anyPalette()})
	list := &model.Learning{Title: "Elections, Start to Finish", Excerpt: "Short videos on how an election runs.",
		Type: "collection", Heat: 60 + g.rng.IntN(100), Provider: basics, Items: items, Topics: []string{g.root},
		Images: []model.Image{art.image(true)}}
	return fn(&model.Record{Path: p, Kind: model.KindLearningList, Learning: list}, art)
}

func (g *generator) videoID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 11)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// storySize draws how many publishers cover a story: most stories have one
// or two, a few have many (up to 20).
func (g *generator) storySize() int {
	switch x := g.rng.IntN(1000); {
	case x < 520:
		return 1
	case x < 740:
		return 2
	case x < 850:
		return 3
	case x < 910:
		return 4
	case x < 970:
		return 5 + g.rng.IntN(3)
	case x < 993:
		return 8 + g.rng.IntN(5)
	default:
		return 13 + g.rng.IntN(8)
	}
}

// emitNews drafts the stories; finishStory completes them.
func (g *generator) emitNews(story func([]*model.Record, []pictureFile) error) error {
	for g.n < g.opt.Articles {
		k := min(g.storySize(), g.opt.Articles-g.n)
		recs, pic := g.story(k)
		var pics []pictureFile
		if pic.used {
			pics = []pictureFile{pic.file}
		}
		if err := story(recs, pics); err != nil {
			return err
		}
		g.stories++
	}
	return nil
}

// story drafts the k articles of one story and the picture they share:
// everything the random source decides, including file paths.
func (g *generator) story(k int) ([]*model.Record, *storyPicture) {
	s := g.storySlots()
	frame := frames[g.rng.IntN(len(frames))]
	at := g.until.Add(-time.Duration(g.rng.Int64N(int64(g.span())))).Truncate(time.Minute)
	s.W = weekdays[(int(at.Weekday())+6)%7]
	pic := g.newStoryPicture(g.stories, frame, s.who, at)

	// Choose k distinct publishers.
	for i := range g.perm {
		g.perm[i] = i
	}
	recs := make([]*model.Record, k)
	var newest time.Time
	for i := range k {
		j := i + g.rng.IntN(len(g.perm)-i)
		g.perm[i], g.perm[j] = g.perm[j], g.perm[i]
		a := g.article(g.orgs[g.perm[i]], frame.titles, s, at, pic)
		if a.PublishedDateTime.After(newest) {
			newest = a.PublishedDateTime
		}
		recs[i] = &model.Record{Kind: model.KindNews, Article: a}
	}
	archived := g.until.Sub(newest) > ArchiveAge
	for _, r := range recs {
		r.Article.Archived = archived
		r.Path, _ = content.NewsPathIn(g.unique(content.NewsPath(r.Article.PublishedDateTime, r.Article.Title)), archived)
	}
	return recs, pic
}

// span is how far back news goes.
func (g *generator) span() time.Duration {
	if g.opt.Span > 0 {
		return g.opt.Span
	}
	return DefaultSpan
}

// finishStory gives a drafted story its curated values, as curation
// computes them: quality and topics of each article, the best one leads,
// every member lists the others as related. It reads only immutable
// state, so stories are finished in parallel.
func (g *generator) finishStory(recs []*model.Record) {
	arts := make([]*model.Article, len(recs))
	for i, r := range recs {
		a := r.Article
		a.Quality, _ = curate.Quality(a, g.orgByDomain[a.Provider.Domain])
		a.Topics, _ = curate.Topics(a, g.site, nil)
		arts[i] = a
	}
	lead := curate.Lead(arts)
	slices.SortStableFunc(arts, func(a, b *model.Article) int {
		if c := cmp.Compare(b.Quality, a.Quality); c != 0 {
			return c
		}
		if c := a.PublishedDateTime.Compare(b.PublishedDateTime); c != 0 {
			return c
		}
		return strings.Compare(a.WebURL, b.WebURL)
	})
	related := make([]model.Related, len(arts))
	for i, a := range arts {
		related[i] = curate.RelatedOf(a)
	}
	for i, a := range arts {
		if len(arts) > 1 {
			a.Related = make([]model.Related, 0, len(arts)-1)
			a.Related = append(a.Related, related[:i]...)
			a.Related = append(a.Related, related[i+1:]...)
		}
		a.Published = a == lead
		a.Heat = -1
		if a.Published {
			a.Heat = curate.Heat(a.Quality, len(a.Related))
		}
	}
}

// article makes one publisher's article about a story; most show the
// story's picture.
func (g *generator) article(o *org, titles []string, s slots, at time.Time, pic *storyPicture) *model.Article {
	g.n++
	title := g.paraphrase(g.fill(titles[g.rng.IntN(len(titles))], s), o)
	excerpt := g.excerpt(s)
	published := at.Add(time.Duration(g.rng.IntN(36*60)) * time.Minute)
	if published.After(g.until) {
		published = g.until
	}
	section := g.pick(sections)
	page := fmt.Sprintf("www.%s/%s/%s-%d", o.domain, section, content.Slug(title), g.n)
	a := &model.Article{
		Category: "news", Title: title, Excerpt: excerpt, PublishedDateTime: published,
		OriginalURL: "https://" + page, WebURL: "https://" + page, Type: "article",
		Provider: model.Provider{Name: o.name, Domain: o.domain},
		Has:      model.Curated{Quality: true, Heat: true, Published: true, Topics: true},
	}
	if g.rng.IntN(10) == 0 {
		a.OriginalURL += "?utm_source=rss&utm_medium=feed"
	}
	if g.rng.IntN(100) < 70 {
		amp := fmt.Sprintf("https://www.%s/amp/%s/%s-%d", o.domain, section, content.Slug(title), g.n)
		a.AmpWebURL = amp
		a.CdnAmpWebURL = curate.CdnAmpURL(amp)
	}
	if g.rng.IntN(100) < 85 {
		a.Images = pic.image()
	}
	if o.logo != nil {
		a.Provider.Images = logoImages(*o.logo, 50)
	}
	return a
}

// slots are the values a template's {X} placeholders take, and who the
// story is about.
type slots struct {
	A, a, B, b, O, V, P, N, E, W, R string
	who                             *person
}

func (g *generator) storySlots() slots {
	var actor, rival *person
	if g.rng.IntN(10) < 7 {
		actor = g.people[g.rng.IntN(4)]
	} else {
		actor = g.people[4+g.rng.IntN(len(g.people)-4)]
	}
	for rival == nil || rival == actor {
		rival = g.people[g.rng.IntN(4)]
	}
	is := g.pick2(issues)
	return slots{who: actor, A: actor.name(), a: actor.last, B: rival.name(), b: rival.last,
		O: is.phrase, V: is.verb, P: g.pick(places), N: fmt.Sprint(2 + g.rng.IntN(29)),
		E: g.pick(endorsers), W: g.pick(weekdays)}
}

func (g *generator) pick2(list []issue) issue { return list[g.rng.IntN(len(list))] }

// fill replaces the {X} placeholders of a template.
func (g *generator) fill(tpl string, s slots) string {
	var b strings.Builder
	b.Grow(len(tpl) + 32)
	for i := 0; i < len(tpl); i++ {
		if tpl[i] == '{' && i+2 < len(tpl) && tpl[i+2] == '}' {
			b.WriteString(s.get(tpl[i+1]))
			i += 2
			continue
		}
		b.WriteByte(tpl[i])
	}
	return b.String()
}

func (s slots) get(c byte) string {
	switch c {
	case 'A':
		return s.A
	case 'a':
		return s.a
	case 'B':
		return s.B
	case 'b':
		return s.b
	case 'O':
		return s.O
	case 'V':
		return s.V
	case 'P':
		return s.P
	case 'N':
		return s.N
	case 'E':
		return s.E
	case 'W':
		return s.W
	case 'R':
		return s.R
	}
	return ""
}

// synonyms let two publishers word the same headline differently.
var synonyms = map[string][]string{
	"unveils": {"rolls out", "announces", "details"}, "slams": {"blasts", "rips", "hits"},
	"criticizes": {"rebukes", "faults"}, "plan": {"proposal", "blueprint"},
	"supporters": {"backers", "fans"}, "vows": {"pledges", "promises"}, "clash": {"collide", "spar"},
	"new": {"latest", "fresh"}, "holds": {"stages", "hosts"}, "visits": {"travels to", "heads to"},
	"record": {"track record", "history"}, "raises": {"hauls in", "brings in"},
	"blocks": {"halts", "strikes down"}, "leading": {"ahead", "in front"},
}

// paraphrase rewords a headline in a publisher's style.
func (g *generator) paraphrase(title string, o *org) string {
	words := strings.Split(title, " ")
	for i, w := range words {
		if alt, ok := synonyms[w]; ok && g.rng.IntN(3) == 0 {
			words[i] = alt[g.rng.IntN(len(alt))]
		}
	}
	title = capitalize(strings.Join(words, " "))
	if o.titleCase {
		title = titleCase(title)
	}
	if g.rng.IntN(100) < 6 {
		title = g.pick(titlePrefixes) + title
	}
	return title
}

func (g *generator) excerpt(s slots) string {
	var b strings.Builder
	b.WriteString(g.fill(g.pick(leadSentences), s))
	for range g.rng.IntN(2) {
		b.WriteByte(' ')
		b.WriteString(g.fill(g.pick(followSentences), s))
	}
	e := b.String()
	if len(e) > 200 && g.rng.IntN(3) == 0 {
		cut := strings.LastIndexByte(e[:180], ' ')
		e = e[:cut] + " ..."
	}
	return e
}

// unique returns p, or p with a numeric suffix when another record has it.
func (g *generator) unique(p string) string {
	if !g.paths[p] {
		g.paths[p] = true
		return p
	}
	ext := filepath.Ext(p)
	stem := strings.TrimSuffix(p, ext)
	for i := 2; ; i++ {
		q := fmt.Sprintf("%s-%d%s", stem, i, ext)
		if !g.paths[q] {
			g.paths[q] = true
			return q
		}
	}
}

var smallWords = map[string]bool{"a": true, "an": true, "and": true, "at": true, "for": true,
	"from": true, "in": true, "of": true, "on": true, "over": true, "the": true, "to": true, "with": true}

// titleCase capitalizes every word but short joining words.
func titleCase(s string) string {
	words := strings.Split(s, " ")
	for i, w := range words {
		if i > 0 && smallWords[w] {
			continue
		}
		words[i] = capitalize(w)
	}
	return strings.Join(words, " ")
}

func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ptr[T any](v T) *T { return &v }
