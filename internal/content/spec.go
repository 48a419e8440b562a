package content

import (
	"strconv"
	"unicode/utf8"

	"newshub/internal/model"
)

// field is one top-level front-matter field of a kind: its key, the group
// of lines it belongs to (groups are separated by a blank line in the
// generator's style) and how to write it.
type field[T any] struct {
	key   string
	group int
	put   func(e *enc, v *T)
}

// spec is the canonical layout of one kind.
type spec[T any] struct {
	fields []field[T]
	// edits write a changed field over its old text keeping what they can
	// of it (see editSources), by key; one that returns nil, or none, has
	// the field written anew.
	edits  map[string]func(old []byte, v, prior *T) []byte
	blocks bool   // blank lines between groups and before the closing ---
	tail   string // what follows the closing --- in a new file
	utc    bool   // times are written in UTC
}

var newsSpec = spec[model.Article]{blocks: true, tail: "\n", utc: true, edits: newsEdits, fields: []field[model.Article]{
	{"category", 0, func(e *enc, a *model.Article) { e.p(0, "category", a.Category) }},
	{"title", 0, func(e *enc, a *model.Article) { e.q(0, "title", a.Title) }},
	{"excerpt", 0, func(e *enc, a *model.Article) { e.q(0, "excerpt", a.Excerpt) }},
	{"publishedDateTime", 0, func(e *enc, a *model.Article) { e.time(0, "publishedDateTime", a.PublishedDateTime) }},
	{"originalUrl", 0, func(e *enc, a *model.Article) { e.q(0, "originalUrl", a.OriginalURL) }},
	{"webUrl", 0, func(e *enc, a *model.Article) { e.q(0, "webUrl", a.WebURL) }},
	{"ampWebUrl", 0, func(e *enc, a *model.Article) { e.q(0, "ampWebUrl", a.AmpWebURL) }},
	{"cdnAmpWebUrl", 0, func(e *enc, a *model.Article) { e.q(0, "cdnAmpWebUrl", a.CdnAmpWebURL) }},
	{"type", 0, func(e *enc, a *model.Article) { e.p(0, "type", a.Type) }},
	{"quality", 0, func(e *enc, a *model.Article) {
		if e.all || a.Has.Quality || a.Quality != 0 {
			e.int(0, "quality", a.Quality)
		}
	}},
	{"heat", 0, func(e *enc, a *model.Article) {
		if e.all || a.Has.Heat || a.Heat != 0 {
			e.int(0, "heat", a.Heat)
		}
	}},
	{"published", 0, func(e *enc, a *model.Article) {
		if e.all || a.Has.Published || a.Published {
			e.bool(0, "published", a.Published)
		}
	}},
	{"featuredContent", 1, func(e *enc, a *model.Article) { e.q(0, "featuredContent", a.FeaturedContent) }},
	{"provider", 2, func(e *enc, a *model.Article) { e.provider(0, "provider", &a.Provider, true) }},
	{"topics", 3, func(e *enc, a *model.Article) {
		e.list(0, "topics", a.Topics, false, e.all || a.Has.Topics || len(a.Topics) > 0)
	}},
	{"images", 4, func(e *enc, a *model.Article) { e.images(0, "images", a.Images, true) }},
	{"related", 5, func(e *enc, a *model.Article) { e.related(a.Related) }},
	{"secured", 6, func(e *enc, a *model.Article) { e.q(0, "secured", a.Secured) }},
}}

// newsEdits keep what they can of a news record's changed fields.
var newsEdits = map[string]func(old []byte, v, prior *model.Article) []byte{"topics": editTopics, "related": editRelated}

func (e *enc) related(rs []model.Related) {
	if len(rs) == 0 {
		return
	}
	e.b = append(e.b, "related:\n"...)
	for i := range rs {
		r := &rs[i]
		e.b = append(e.b, "  - title: "...)
		e.b = appendQuoted(e.b, r.Title)
		e.b = append(e.b, '\n')
		e.q(4, "excerpt", r.Excerpt)
		e.time(4, "publishedDateTime", r.PublishedDateTime)
		e.q(4, "webUrl", r.WebURL)
		e.q(4, "ampWebUrl", r.AmpWebURL)
		e.q(4, "cdnAmpWebUrl", r.CdnAmpWebURL)
		e.p(4, "type", r.Type)
		e.provider(4, "provider", &r.Provider, true)
		e.int(4, "quality", r.Quality)
		e.images(4, "images", r.Images, true)
	}
}

var personSpec = spec[model.Person]{blocks: true, tail: "\n", fields: []field[model.Person]{
	{"name", 0, func(e *enc, p *model.Person) { e.q(0, "name", p.Name) }},
	{"bio", 0, func(e *enc, p *model.Person) { e.q(0, "bio", p.Bio) }},
	{"location", 0, func(e *enc, p *model.Person) { e.p(0, "location", p.Location) }},
	{"type", 0, func(e *enc, p *model.Person) { e.q(0, "type", p.Type) }},
	{"heat", 0, func(e *enc, p *model.Person) { e.int(0, "heat", p.Heat) }},
	{"affiliation", 1, func(e *enc, p *model.Person) { e.provider(0, "affiliation", p.Affiliation, true) }},
	{"website", 2, func(e *enc, p *model.Person) { e.p(0, "website", p.Website) }},
	{"twitter", 3, func(e *enc, p *model.Person) {
		if t := p.Twitter; t != nil {
			e.b = append(e.b, "twitter:\n"...)
			e.p(2, "username", t.Username)
			e.p(2, "url", t.URL)
			e.int(2, "followers", t.Followers)
		}
	}},
	{"linkedin", 4, func(e *enc, p *model.Person) { e.channel("linkedin", p.LinkedIn) }},
	{"youtube", 5, func(e *enc, p *model.Person) { e.channel("youtube", p.YouTube) }},
	{"facebook", 6, func(e *enc, p *model.Person) { e.channel("facebook", p.Facebook) }},
	{"items", 7, func(e *enc, p *model.Person) { e.list(0, "items", p.Items, false, false) }},
	{"topics", 8, func(e *enc, p *model.Person) { e.list(0, "topics", p.Topics, false, true) }},
	{"images", 9, func(e *enc, p *model.Person) { e.images(0, "images", p.Images, false) }},
	{"secured", 10, func(e *enc, p *model.Person) { e.q(0, "secured", p.Secured) }},
}}

func (e *enc) channel(k string, c *model.Channel) {
	if c == nil {
		return
	}
	e.key(0, k)
	e.b = append(e.b, '\n')
	e.p(2, "url", c.URL)
	e.intNZ(2, "subscribers", c.Subscribers)
}

var eventSpec = spec[model.Event]{blocks: true, tail: "\n", fields: []field[model.Event]{
	{"name", 0, func(e *enc, v *model.Event) { e.q(0, "name", v.Name) }},
	{"excerpt", 0, func(e *enc, v *model.Event) { e.q(0, "excerpt", v.Excerpt) }},
	{"originalUrl", 0, func(e *enc, v *model.Event) { e.p(0, "originalUrl", v.OriginalURL) }},
	{"type", 0, func(e *enc, v *model.Event) { e.p(0, "type", v.Type) }},
	{"startDateTime", 0, func(e *enc, v *model.Event) { e.time(0, "startDateTime", v.StartDateTime) }},
	{"endDateTime", 0, func(e *enc, v *model.Event) { e.time(0, "endDateTime", v.EndDateTime) }},
	{"location", 0, func(e *enc, v *model.Event) { e.q(0, "location", v.Location) }},
	{"featuredContent", 1, func(e *enc, v *model.Event) { e.q(0, "featuredContent", v.FeaturedContent) }},
	{"provider", 2, func(e *enc, v *model.Event) { e.provider(0, "provider", v.Provider, false) }},
	{"topics", 3, func(e *enc, v *model.Event) { e.list(0, "topics", v.Topics, false, true) }},
	{"images", 4, func(e *enc, v *model.Event) { e.images(0, "images", v.Images, false) }},
}}

var learningSpec = spec[model.Learning]{blocks: true, tail: "\n", fields: []field[model.Learning]{
	{"title", 0, func(e *enc, v *model.Learning) { e.q(0, "title", v.Title) }},
	{"excerpt", 0, func(e *enc, v *model.Learning) { e.q(0, "excerpt", v.Excerpt) }},
	{"originalUrl", 0, func(e *enc, v *model.Learning) { e.p(0, "originalUrl", v.OriginalURL) }},
	{"webUrl", 0, func(e *enc, v *model.Learning) { e.p(0, "webUrl", v.WebURL) }},
	{"type", 0, func(e *enc, v *model.Learning) { e.p(0, "type", v.Type) }},
	{"price", 0, func(e *enc, v *model.Learning) { e.p(0, "price", v.Price) }},
	{"length", 0, func(e *enc, v *model.Learning) { e.p(0, "length", v.Length) }},
	{"publishedDateTime", 0, func(e *enc, v *model.Learning) { e.time(0, "publishedDateTime", v.PublishedDateTime) }},
	{"ratings", 0, func(e *enc, v *model.Learning) {
		if r := v.Ratings; r != nil {
			e.b = append(e.b, "ratings:\n"...)
			e.int(2, "count", r.Count)
			e.key(2, "average")
			e.b = append(e.b, ' ')
			e.b = strconv.AppendFloat(e.b, r.Average, 'f', -1, 64)
			e.b = append(e.b, '\n')
		}
	}},
	{"heat", 0, func(e *enc, v *model.Learning) { e.int(0, "heat", v.Heat) }},
	{"featuredContent", 1, func(e *enc, v *model.Learning) { e.q(0, "featuredContent", v.FeaturedContent) }},
	{"provider", 2, func(e *enc, v *model.Learning) { e.provider(0, "provider", v.Provider, false) }},
	{"items", 3, func(e *enc, v *model.Learning) { e.list(0, "items", v.Items, false, false) }},
	{"levels", 4, func(e *enc, v *model.Learning) { e.list(0, "levels", v.Levels, false, false) }},
	{"topics", 5, func(e *enc, v *model.Learning) { e.list(0, "topics", v.Topics, false, true) }},
	{"images", 6, func(e *enc, v *model.Learning) { e.images(0, "images", v.Images, false) }},
	{"secured", 7, func(e *enc, v *model.Learning) { e.q(0, "secured", v.Secured) }},
}}

var newsletterSpec = spec[model.Newsletter]{blocks: true, utc: true, fields: []field[model.Newsletter]{
	{"title", 0, func(e *enc, v *model.Newsletter) { e.q(0, "title", v.Title) }},
	{"excerpt", 0, func(e *enc, v *model.Newsletter) { e.q(0, "excerpt", v.Excerpt) }},
	{"publishedDateTime", 0, func(e *enc, v *model.Newsletter) { e.time(0, "publishedDateTime", v.PublishedDateTime) }},
	{"webUrl", 0, func(e *enc, v *model.Newsletter) { e.q(0, "webUrl", v.WebURL) }},
	{"type", 0, func(e *enc, v *model.Newsletter) { e.p(0, "type", v.Type) }},
	{"topics", 1, func(e *enc, v *model.Newsletter) { e.list(0, "topics", v.Topics, false, true) }},
}}

var topicSpec = spec[model.Topic]{fields: []field[model.Topic]{
	{"taxonomy", 0, func(e *enc, v *model.Topic) { e.p(0, "taxonomy", v.Taxonomy) }},
	{"_id", 0, func(e *enc, v *model.Topic) { e.p(0, "_id", v.ID) }},
	{"name", 0, func(e *enc, v *model.Topic) { e.p(0, "name", v.Name) }},
	{"shortname", 0, func(e *enc, v *model.Topic) { e.p(0, "shortname", v.Shortname) }},
	{"parent", 0, func(e *enc, v *model.Topic) { e.p(0, "parent", v.Parent) }},
	{"keywords", 0, func(e *enc, v *model.Topic) { e.list(0, "keywords", v.Keywords, false, true) }},
	{"hashtags", 0, func(e *enc, v *model.Topic) { e.list(0, "hashtags", v.Hashtags, false, true) }},
	{"images", 0, func(e *enc, v *model.Topic) { e.list(0, "images", v.Images, false, true) }},
	{"services", 0, func(e *enc, v *model.Topic) {
		e.b = append(e.b, "services:\n"...)
		for _, s := range v.Services {
			key := appendKey(nil, s.Name)
			e.indent(2)
			if utf8.RuneCount(key) > maxImplicitKey {
				// YAML reads a key this long only when it is marked explicit.
				e.b = append(append(append(e.b, "? "...), key...), '\n')
				e.indent(2)
			} else {
				e.b = append(e.b, key...)
			}
			e.b = append(e.b, ':')
			if s.Endpoint != "" {
				e.b = append(e.b, ' ')
				e.b = appendScalar(e.b, s.Endpoint, false)
			}
			e.b = append(e.b, '\n')
		}
	}},
	{"highlight", 0, func(e *enc, v *model.Topic) {
		if h := v.Highlight; h != nil {
			e.b = append(e.b, "highlight:\n"...)
			e.p(2, "textColor", h.TextColor)
			e.p(2, "backgroundColor", h.BackgroundColor)
		}
	}},
}}

var organizationSpec = spec[model.Organization]{fields: []field[model.Organization]{
	{"taxonomy", 0, func(e *enc, v *model.Organization) { e.p(0, "taxonomy", v.Taxonomy) }},
	{"_id", 0, func(e *enc, v *model.Organization) { e.p(0, "_id", v.ID) }},
	{"name", 0, func(e *enc, v *model.Organization) { e.p(0, "name", v.Name) }},
	{"domain", 0, func(e *enc, v *model.Organization) { e.p(0, "domain", v.Domain) }},
	{"voice", 0, func(e *enc, v *model.Organization) { e.p(0, "voice", v.Voice) }},
	{"quality", 0, func(e *enc, v *model.Organization) { e.intNZ(0, "quality", v.Quality) }},
	{"images", 0, func(e *enc, v *model.Organization) { e.images(0, "images", v.Images, false) }},
}}

var configSpec = spec[model.Config]{fields: []field[model.Config]{
	{"title", 0, func(e *enc, v *model.Config) { e.p(0, "title", v.Title) }},
	{"url", 0, func(e *enc, v *model.Config) { e.p(0, "url", v.URL) }},
	{"baseurl", 0, func(e *enc, v *model.Config) { e.q(0, "baseurl", v.BaseURL) }},
	{"webUrl", 0, func(e *enc, v *model.Config) { e.p(0, "webUrl", v.WebURL) }},
	{"locale", 0, func(e *enc, v *model.Config) { e.q(0, "locale", v.Locale) }},
	{"topic", 0, func(e *enc, v *model.Config) { e.p(0, "topic", v.Topic) }},
	{"timezone", 0, func(e *enc, v *model.Config) { e.p(0, "timezone", v.Timezone) }},
	{"news_page_size", 0, func(e *enc, v *model.Config) { e.intNZ(0, "news_page_size", v.NewsPageSize) }},
	{"related_limit", 0, func(e *enc, v *model.Config) { e.intNZ(0, "related_limit", v.RelatedLimit) }},
	{"allow_private_networks", 0, func(e *enc, v *model.Config) {
		if v.AllowPrivateNetworks {
			e.bool(0, "allow_private_networks", true)
		}
	}},
	{"story_window", 0, func(e *enc, v *model.Config) { e.p(0, "story_window", v.StoryWindow) }},
	{"newsletter_time", 0, func(e *enc, v *model.Config) { e.q(0, "newsletter_time", v.NewsletterTime) }},
	{"archive_after", 0, func(e *enc, v *model.Config) { e.p(0, "archive_after", v.ArchiveAfter) }},
	{"purge_after", 0, func(e *enc, v *model.Config) { e.p(0, "purge_after", v.PurgeAfter) }},
	{"smtp", 0, func(e *enc, v *model.Config) {
		s := v.SMTP
		if s == nil {
			return
		}
		e.b = append(e.b, "smtp:\n"...)
		e.p(2, "host", s.Host)
		e.intNZ(2, "port", s.Port)
		e.p(2, "username", s.Username)
		e.q(2, "password", s.Password)
		e.p(2, "password_file", s.PasswordFile)
		e.q(2, "from", s.From)
		e.list(2, "to", s.To, false, true)
		if s.StartTLS != nil {
			e.bool(2, "starttls", *s.StartTLS)
		}
	}},
}}

var sourcesSpec = spec[model.Sources]{
	fields: []field[model.Sources]{{"sources", 0, putSources}},
	edits:  map[string]func(old []byte, v, prior *model.Sources) []byte{"sources": editSources},
}

// putSources writes the sources list.
func putSources(e *enc, v *model.Sources) {
	if len(v.Sources) == 0 {
		e.b = append(e.b, "sources: []\n"...)
		return
	}
	e.b = append(e.b, "sources:\n"...)
	for _, s := range v.Sources {
		e.b = append(e.b, "  - url: "...)
		e.b = appendScalar(e.b, s.URL, false)
		e.b = append(e.b, '\n')
		e.p(4, "provider", s.Provider)
		e.list(4, "topics", s.Topics, false, false)
		e.p(4, "interval", s.Interval)
		if s.Enabled != nil {
			e.bool(4, "enabled", *s.Enabled)
		}
		if s.Dedicated {
			e.bool(4, "dedicated", true)
		}
	}
}

var decisionsSpec = spec[model.Decisions]{utc: true, edits: decisionsEdits, fields: []field[model.Decisions]{
	{"decisions", 0, func(e *enc, v *model.Decisions) {
		if len(v.Decisions) == 0 {
			e.b = append(e.b, "decisions: []\n"...)
			return
		}
		e.b = append(e.b, "decisions:\n"...)
		for i := range v.Decisions {
			e.decision(&v.Decisions[i])
		}
	}},
}}

// decisionsEdits keep the lines of the decisions already in the log.
var decisionsEdits = map[string]func(old []byte, v, prior *model.Decisions) []byte{"decisions": editDecisions}

// decision writes one entry of the decisions list.
func (e *enc) decision(d *model.Decision) {
	e.b = append(e.b, "  - action: "...)
	e.b = appendScalar(e.b, d.Action, false)
	e.b = append(e.b, '\n')
	e.q(4, "article", d.Article)
	e.p(4, "publisher", d.Publisher)
	e.q(4, "source", d.Source)
	e.p(4, "story", d.Story)
	e.q(4, "story_article", d.StoryArticle)
	e.p(4, "into", d.Into)
	e.q(4, "into_article", d.IntoArticle)
	if d.Out {
		e.bool(4, "out", true)
	}
	e.q(4, "topic", d.Topic)
	e.time(4, "until", d.Until)
	if d.OffTopic {
		e.bool(4, "off_topic", true)
	}
	e.q(4, "by", d.By)
	e.time(4, "at", d.At)
	e.q(4, "note", d.Note)
}

// AppendDecision returns the lines of one entry of a decisions list as
// Render writes them, for a writer that appends to the file rather than
// writing it again.
func AppendDecision(b []byte, d model.Decision) ([]byte, error) {
	e := &enc{b: b, utc: true}
	e.decision(&d)
	return e.b, e.err
}
