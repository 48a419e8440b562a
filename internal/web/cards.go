package web

import (
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"newshub/internal/model"
	"newshub/internal/publish"
)

// card is a news item as lists show it. Paths are site paths without a
// leading slash ("news/2021/02/05/slug/"), joined to the page's Base.
type card struct {
	rec       string // the record's path
	rawURL    string // its web URL as the record has it
	Path      string
	Title     string
	Excerpt   string // plain text, shortened
	Image     *imageView
	Provider  providerView
	Time      time.Time
	Story     string // story id
	StoryPath string // "" when the article belongs to no story
	Sources   int    // publishers covering the story
	Members   int
	Voice     *badge   // the article's own voice
	Voices    []*badge // voices that covered the story
	WebURL    string
	Topics    []string
}

type imageView struct {
	URL           string
	Width, Height int
	Alt           string
}

type providerView struct {
	Name, Domain string
	Logo         string // absolute or "" (then a monogram is drawn)
	Initial      string
}

// badge is a voice label with its colours (validated CSS colours).
type badge struct {
	Name      string // short, for cards
	Full      string // the topic's name
	Style     template.CSS
	TopicPath string
}

type eventView struct {
	Name, Excerpt, URL, Location string
	Start, End                   time.Time
	Image                        *imageView
	Provider                     *providerView
	Voice                        *badge
}

type personView struct {
	Slug, Name, Bio, Location, Website string
	TwitterURL, TwitterName            string
	Followers                          int
	Heat                               int
	Image                              *imageView
	Voice                              *badge
}

type learningView struct {
	Key                               string // "videos/<slug>"
	Title, Excerpt, URL, Type, Length string
	Price                             string
	Heat                              int
	Embed                             template.HTML // sanitized video embed
	Image                             *imageView
	Provider                          *providerView
}

type collectionView struct {
	Name, Excerpt string
	Heat          int
	Image         *imageView
	People        []*personView
	Learning      []*learningView
	Missing       int // items the store does not hold
}

// cardSource is what a card shows of an article: an entry of the view,
// or a record the view does not hold yet (a search hit).
type cardSource struct {
	path, key, title, excerpt, webURL, story string
	provider                                 model.Provider
	images                                   []model.Image
	at                                       time.Time
	topics                                   []string
}

func entrySource(e *publish.Entry) cardSource {
	d := e.Details()
	return cardSource{path: e.Path, key: e.Key, title: e.Title, excerpt: d.Excerpt, webURL: d.WebURL, story: e.Story,
		provider: model.Provider{Name: e.Provider, Domain: e.Domain, Images: d.ProviderImages},
		images:   d.Images, at: e.Time, topics: e.Topics}
}

func recordSource(r *model.Record) cardSource {
	a := r.Article
	return cardSource{path: r.Path, key: publish.ArticleKey(r.Path, a.PublishedDateTime), title: a.Title, excerpt: a.Excerpt,
		webURL: a.WebURL, story: a.Story, provider: a.Provider, images: a.Images, at: a.PublishedDateTime, topics: a.Topics}
}

// newCard builds the card of an article.
func (c *viewCache) newCard(src cardSource) *card {
	cd := &card{
		rec:      src.path,
		rawURL:   src.webURL,
		Path:     "news/" + src.key + "/",
		Title:    cleanText(src.title),
		Excerpt:  shorten(publish.PlainText(src.excerpt), 220),
		Image:    firstImage(src.images, cleanText(src.title)),
		Provider: c.provider(src.provider),
		Time:     src.at,
		WebURL:   publish.SafeURL(src.webURL),
		Topics:   src.topics,
		Sources:  1,
		Members:  1,
	}
	if cd.Title == "" {
		cd.Title = "(untitled)"
	}
	if v := c.voiceOf(src.topics, src.provider.Domain); v != nil {
		cd.Voice = c.badge(v)
	}
	if src.story != "" {
		cd.Story = src.story
		cd.StoryPath = "stories/" + url.PathEscape(src.story) + "/"
	}
	if cd.Voice != nil {
		cd.Voices = []*badge{cd.Voice}
	}
	return cd
}

// badge returns the voice badge of a topic.
func (c *viewCache) badge(t *model.Topic) *badge {
	b := &badge{Name: t.Name, Full: t.Name, TopicPath: "topics/" + url.PathEscape(t.ID) + "/"}
	if t.Shortname != "" && t.Shortname != t.Name {
		b.Name = t.Shortname
	} else if short, ok := strings.CutSuffix(t.Name, " Voice"); ok && short != "" {
		b.Name = short // the colour says it is a voice
	}
	fg, bg := "#ffffff", "#555555"
	if hl := c.highlights[t.Name]; hl != nil {
		if isColor(hl.TextColor) {
			fg = hl.TextColor
		}
		if isColor(hl.BackgroundColor) {
			bg = hl.BackgroundColor
		}
	}
	b.Style = template.CSS("--vfg:" + fg + ";--vbg:" + bg)
	return b
}

var colorRE = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$`)

// isColor accepts hex colours only: anything else could break out of CSS.
func isColor(c string) bool { return colorRE.MatchString(c) }

// provider describes a publisher: the record's logo, else the
// organization's (resolved against the site URL when site-relative).
func (c *viewCache) provider(p model.Provider) providerView {
	v := providerView{Name: cleanText(p.Name), Domain: p.Domain}
	o := c.site.Organization(p.Domain)
	if v.Name == "" && o != nil {
		v.Name = o.Name
	}
	if v.Name == "" {
		v.Name = p.Domain
	}
	for _, im := range p.Images {
		if u := publish.SafeURL(im.URL); u != "" {
			v.Logo = u
			break
		}
	}
	if v.Logo == "" && o != nil {
		for _, im := range o.Images {
			if u := c.assetURL(im.URL); u != "" {
				v.Logo = u
				break
			}
		}
	}
	if r, _ := utf8.DecodeRuneInString(v.Name); r != utf8.RuneError {
		v.Initial = strings.ToUpper(string(r))
	}
	return v
}

// assetURL makes a site-relative asset URL ("/assets/…") absolute against
// the site's configured URL; it returns "" when that is unknown.
func (c *viewCache) assetURL(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		cfg := c.site.Config
		if cfg == nil || cfg.URL == "" {
			return ""
		}
		u = publish.SiteURL(cfg) + u
	}
	return publish.SafeURL(u)
}

// firstImage returns the first usable image, with width and height always
// set so the page does not move while it loads.
func firstImage(ims []model.Image, alt string) *imageView {
	for _, im := range ims {
		u := publish.SafeURL(im.URL)
		if u == "" {
			continue
		}
		v := &imageView{URL: u, Width: im.Width, Height: im.Height, Alt: alt}
		if im.Title != "" {
			v.Alt = cleanText(im.Title)
		}
		if v.Width <= 0 || v.Height <= 0 {
			v.Width, v.Height = 1200, 675
		}
		return v
	}
	return nil
}

var (
	// excerptPolicy keeps the inline markup an excerpt may carry.
	excerptPolicy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("b", "strong", "i", "em", "br", "p", "q", "cite", "small", "sub", "sup")
		return p
	}()
	// embedPolicy keeps video players from known hosts only.
	embedPolicy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("iframe")
		p.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("iframe")
		p.AllowAttrs("title", "allowfullscreen", "frameborder").OnElements("iframe")
		p.AllowAttrs("allow").Matching(regexp.MustCompile(`^[a-z; -]*$`)).OnElements("iframe")
		p.AllowAttrs("src").Matching(regexp.MustCompile(`^https://(www\.)?(youtube\.com|youtube-nocookie\.com|player\.vimeo\.com)/`)).OnElements("iframe")
		p.AllowURLSchemes("https")
		p.RequireParseableURLs(true)
		return p
	}()
)

// richText sanitizes an excerpt for display as HTML.
func richText(s string) template.HTML {
	return template.HTML(strings.TrimSpace(excerptPolicy.Sanitize(model.Clip(s, model.MaxExcerpt))))
}

// embedHTML sanitizes a video embed; it returns "" when nothing of it is
// allowed. Embeds load lazily.
func embedHTML(s string) template.HTML {
	out := strings.TrimSpace(embedPolicy.Sanitize(s))
	if !strings.Contains(out, "<iframe") || !strings.Contains(out, "src=") {
		return ""
	}
	out = strings.Replace(out, "<iframe ", `<iframe loading="lazy" `, 1)
	return template.HTML(out)
}

// cleanText collapses white space and drops invalid UTF-8, within the
// longest a title may be: a record that holds more (written by an older
// version, or straight into the database) costs a page no more than one
// at the limit.
func cleanText(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(model.Clip(s, model.MaxTitle), "")), " ")
}

// shorten cuts s to at most n runes at a word boundary, adding "…".
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:-") + "…"
}
