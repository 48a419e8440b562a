package web

import (
	"fmt"
	"strings"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
)

// newEvent builds an event's view.
func (c *viewCache) newEvent(r *model.Record) *eventView {
	e := r.Event
	v := &eventView{
		Path:     sitePath(publish.EventPath(publish.Slug(r.Path))),
		Name:     cleanText(e.Name),
		Excerpt:  shorten(publish.PlainText(e.Excerpt), 300),
		URL:      site.SafeURL(e.OriginalURL),
		Location: cleanText(e.Location),
		Body:     richText(e.Excerpt),
		Start:    e.StartDateTime,
		End:      e.EndDateTime,
		Image:    c.firstImage(e.Images, cleanText(e.Name)),
	}
	if e.Provider != nil {
		p := c.provider(*e.Provider)
		v.Provider = &p
	}
	if t := c.voiceIn(e.Topics); t != nil {
		v.Voice = c.badge(t)
	}
	return v
}

// newPerson builds a profile's view.
func (c *viewCache) newPerson(r *model.Record) *personView {
	p := r.Person
	v := &personView{
		Path:     sitePath(publish.PersonPath(publish.Slug(r.Path))),
		Slug:     publish.Slug(r.Path),
		Name:     cleanText(p.Name),
		Bio:      shorten(publish.PlainText(p.Bio), 280),
		Body:     richText(p.Bio),
		Location: cleanText(p.Location),
		Website:  site.SafeURL(p.Website),
		Heat:     p.Heat,
		Image:    c.firstImage(p.Images, cleanText(p.Name)),
	}
	if v.Image != nil {
		v.Image.Alt = "Portrait of " + v.Name
	}
	if p.Twitter != nil {
		v.TwitterURL = site.SafeURL(p.Twitter.URL)
		v.TwitterName = cleanText(p.Twitter.Username)
		v.Followers = p.Twitter.Followers
	}
	if t := c.voiceIn(p.Topics); t != nil {
		v.Voice = c.badge(t)
	}
	return v
}

// newLearning builds a learning resource's view; its key is how
// collections name it ("videos/<slug>").
func (c *viewCache) newLearning(r *model.Record) *learningView {
	l := r.Learning
	v := &learningView{
		Path:    sitePath(publish.LearningPath(publish.LearningKey(r.Path))),
		Key:     publish.LearningKey(r.Path),
		Title:   cleanText(l.Title),
		Excerpt: shorten(publish.PlainText(l.Excerpt), 300),
		Body:    richText(l.Excerpt),
		URL:     site.SafeURL(l.URL()),
		Type:    cleanText(l.Type),
		Length:  isoDuration(l.Length),
		Price:   cleanText(l.Price),
		Heat:    l.Heat,
		Image:   c.firstImage(l.Images, cleanText(l.Title)),
	}
	if l.Type == "video" && l.FeaturedContent != "" {
		v.Embed = embedHTML(l.FeaturedContent)
	}
	if l.Provider != nil {
		p := c.provider(*l.Provider)
		v.Provider = &p
	}
	return v
}

// newPeopleList builds a people collection, resolving its items.
func (c *viewCache) newPeopleList(r *model.Record, people map[string]*personView) *collectionView {
	p := r.Person
	v := &collectionView{Name: cleanText(p.Name), Excerpt: shorten(publish.PlainText(p.Bio), 280), Body: richText(p.Bio),
		Heat: p.Heat, Image: c.firstImage(p.Images, cleanText(p.Name))}
	// A collection kept among the people has its page there, as its API
	// document's webUrl says.
	if r.Kind == model.KindPeopleList {
		v.Path = sitePath(publish.PeopleListPath(publish.Slug(r.Path)))
	} else {
		v.Path = sitePath(publish.PersonPath(publish.Slug(r.Path)))
	}
	v.People, v.Missing = resolveItems(p.Items, people)
	return v
}

// newLearningList builds a learning collection, resolving its items.
func (c *viewCache) newLearningList(r *model.Record, res map[string]*learningView) *collectionView {
	l := r.Learning
	v := &collectionView{Path: sitePath(publish.LearningPath(publish.LearningKey(r.Path))), Name: cleanText(l.Title),
		Excerpt: shorten(publish.PlainText(l.Excerpt), 280), Body: richText(l.Excerpt), Heat: l.Heat,
		Image: c.firstImage(l.Images, cleanText(l.Title))}
	v.Learning, v.Missing = resolveItems(l.Items, res)
	return v
}

// resolveItems returns the views of a collection's items, in its order,
// and how many of them have none (items the store does not hold).
func resolveItems[V any](keys []string, views map[string]*V) (found []*V, missing int) {
	for _, key := range keys {
		if v := views[key]; v != nil {
			found = append(found, v)
		} else {
			missing++
		}
	}
	return found, missing
}

// isoDuration turns "PT2M22S" into "2:22"; other text is returned cleaned.
func isoDuration(d string) string {
	if !strings.HasPrefix(d, "PT") {
		return cleanText(d)
	}
	var h, m, sec int
	n := 0
	for _, c := range d[2:] {
		switch {
		case c >= '0' && c <= '9':
			n = n*10 + int(c-'0')
		case c == 'H':
			h, n = n, 0
		case c == 'M':
			m, n = n, 0
		case c == 'S':
			sec, n = n, 0
		default:
			return cleanText(d)
		}
	}
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, sec)
	}
	return fmt.Sprintf("%d:%02d", m, sec)
}
