package web

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
)

// The pages of events, people, learning resources and their collections:
// one for each record, at the site path its API document's webUrl names
// (publish.EventPath and its siblings), made from the same views as the
// list pages, which link to them, with the record's whole description.

// recordData is what the page of one record shows: one of its views.
type recordData struct {
	Section    navItem // the list the record is on
	Kind       string  // what the record is, as the page says it
	OfPeople   bool    // a collection of people
	Event      *eventView
	Person     *personView
	Resource   *learningView
	Collection *collectionView
	Topics     []navItem // where the news of the topics it names is

	path, title, excerpt string // the page's site path, heading and description
	image                *imageView
}

// sitePath escapes each segment of a site path made of record names.
func sitePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// addRecord keeps the page of a record under its file path in a build
// ("event/<slug>", which is also the request's path without its
// slashes), and reports whether it did. A path no build could write
// gets no page, nor does one a record earlier in the lists took.
func (c *viewCache) addRecord(d *recordData) bool {
	key, err := filePath(d.path)
	if err != nil || c.records[key] != nil {
		return false
	}
	if c.records == nil {
		c.records = map[string]*recordData{}
	}
	c.records[key] = d
	c.recordKeys = append(c.recordKeys, key)
	return true
}

var (
	eventsSection   = navItem{"Events", "events/"}
	peopleSection   = navItem{"People", "people/"}
	learningSection = navItem{"Learning", "learning/"}
)

func (c *viewCache) addEvent(v *eventView, topics []string) {
	if !c.addRecord(&recordData{Section: eventsSection, Kind: "Event", Event: v, Topics: c.topicLinks(topics),
		path: v.Path, title: v.Name, excerpt: v.Excerpt, image: v.Image}) {
		v.Path = ""
	}
}

func (c *viewCache) addPerson(v *personView, topics []string) {
	if !c.addRecord(&recordData{Section: peopleSection, Kind: "Profile", Person: v, Topics: c.topicLinks(topics),
		path: v.Path, title: v.Name, excerpt: v.Bio, image: v.Image}) {
		v.Path = ""
	}
}

func (c *viewCache) addLearning(v *learningView, topics []string) {
	if !c.addRecord(&recordData{Section: learningSection, Kind: cmp.Or(v.Type, "Resource"), Resource: v, Topics: c.topicLinks(topics),
		path: v.Path, title: v.Title, excerpt: v.Excerpt, image: v.Image}) {
		v.Path = ""
	}
}

func (c *viewCache) addCollection(v *collectionView, people bool, topics []string) {
	sec := learningSection
	if people {
		sec = peopleSection
	}
	if !c.addRecord(&recordData{Section: sec, Kind: "Collection", OfPeople: people, Collection: v, Topics: c.topicLinks(topics),
		path: v.Path, title: v.Name, excerpt: v.Excerpt, image: v.Image}) {
		v.Path = ""
	}
}

// topicLinks lists the pages of the topics a record names, where their
// news is, but the root's (all of the hub's) and the voices'.
func (c *viewCache) topicLinks(names []string) []navItem {
	var out []navItem
	root := c.site.Root()
	for _, n := range names {
		t := c.site.TopicByName(n)
		if t == nil || t == root || c.highlights[t.Name] != nil {
			continue
		}
		l := navItem{t.Name, "topics/" + url.PathEscape(t.ID) + "/"}
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}

// recordPage builds the page of the record whose path in a build is key.
func (w *Web) recordPage(vc *viewCache, key string) (*page, error) {
	d := vc.others().records[key]
	if d == nil {
		return nil, errNotFound
	}
	pg := w.newPage(vc, "record", d.path, d.title)
	pg.Description = d.excerpt
	pg.OGImage = vc.imageURL(d.image)
	pg.Data = d
	return pg, nil
}

// records writes the record pages of a static build.
func (b *builder) records() {
	for _, key := range b.vc.others().recordKeys {
		pg, err := b.w.recordPage(b.vc, key)
		if err != nil {
			b.fail(err)
			return
		}
		b.page(pg, "")
	}
}
