package web

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"

	"newshub/internal/model"
)

// card is a news item as lists show it. Paths are site paths without a
// leading slash ("news/2021/02/05/slug/"), joined to the page's Base.
type card struct {
	rec       string // the record's path
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

// newCard builds the card of a news record.
func (s *snapshot) newCard(r *model.Record) *card {
	a := r.Article
	c := &card{
		rec:      r.Path,
		Path:     newsPath(r.Path),
		Title:    cleanText(a.Title),
		Excerpt:  shorten(plainText(a.Excerpt), 220),
		Image:    firstImage(a.Images, cleanText(a.Title)),
		Provider: s.provider(a.Provider),
		Time:     a.PublishedDateTime,
		WebURL:   safeURL(a.WebURL),
		Topics:   a.Topics,
		Sources:  1,
		Members:  1,
	}
	if c.Title == "" {
		c.Title = "(untitled)"
	}
	if v := s.voiceOf(a); v != nil {
		c.Voice = s.badge(v)
	}
	if a.Story != "" {
		c.Story = a.Story
		c.StoryPath = "stories/" + url.PathEscape(a.Story) + "/"
	}
	if c.Voice != nil {
		c.Voices = []*badge{c.Voice}
	}
	return c
}

// badge returns the voice badge of a topic.
func (s *snapshot) badge(t *model.Topic) *badge {
	b := &badge{Name: t.Name, Full: t.Name, TopicPath: "topics/" + url.PathEscape(t.ID) + "/"}
	if t.Shortname != "" && t.Shortname != t.Name {
		b.Name = t.Shortname
	} else if short, ok := strings.CutSuffix(t.Name, " Voice"); ok && short != "" {
		b.Name = short // the colour says it is a voice
	}
	fg, bg := "#ffffff", "#555555"
	if hl := s.highlights[t.Name]; hl != nil {
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
func (s *snapshot) provider(p model.Provider) providerView {
	v := providerView{Name: cleanText(p.Name), Domain: p.Domain}
	o := s.site.Organization(p.Domain)
	if v.Name == "" && o != nil {
		v.Name = o.Name
	}
	if v.Name == "" {
		v.Name = p.Domain
	}
	for _, im := range p.Images {
		if u := safeURL(im.URL); u != "" {
			v.Logo = u
			break
		}
	}
	if v.Logo == "" && o != nil {
		for _, im := range o.Images {
			if u := s.assetURL(im.URL); u != "" {
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
func (s *snapshot) assetURL(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		cfg := s.site.Config
		if cfg == nil || cfg.URL == "" {
			return ""
		}
		u = strings.TrimSuffix(cfg.URL, "/") + "/" + strings.Trim(cfg.BaseURL, "/") + u
		u = strings.Replace(u, "//assets", "/assets", 1)
	}
	return safeURL(u)
}

// safeURL returns u when it is an absolute http(s) URL, else "".
func safeURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return ""
	}
	return p.String()
}

// firstImage returns the first usable image, with width and height always
// set so the page does not move while it loads.
func firstImage(ims []model.Image, alt string) *imageView {
	for _, im := range ims {
		u := safeURL(im.URL)
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

// newsPath maps a record path ("_news/2021-02-05-slug.md" or under
// "_archive/news/") to its page ("news/2021/02/05/slug/").
func newsPath(recPath string) string {
	name := recPath[strings.LastIndexByte(recPath, '/')+1:]
	name = strings.TrimSuffix(name, ".md")
	if len(name) > 11 && name[4] == '-' && name[7] == '-' && name[10] == '-' {
		return "news/" + name[0:4] + "/" + name[5:7] + "/" + name[8:10] + "/" + url.PathEscape(name[11:]) + "/"
	}
	return "news/0000/00/00/" + url.PathEscape(name) + "/"
}

// newsRecordPaths are the record paths a news page may come from, in order.
func newsRecordPaths(y, m, d, slug string) []string {
	name := y + "-" + m + "-" + d + "-" + slug + ".md"
	return []string{"_news/" + name, "_archive/news/" + name}
}

// recordSlug returns the file name of a record path without its extension.
func recordSlug(p string) string {
	name := p[strings.LastIndexByte(p, '/')+1:]
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		name = name[:i]
	}
	return name
}

var (
	strictPolicy = bluemonday.StrictPolicy()
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

// plainText turns a possibly marked-up excerpt into plain text.
func plainText(s string) string {
	return cleanText(html.UnescapeString(strictPolicy.Sanitize(s)))
}

// richText sanitizes an excerpt for display as HTML.
func richText(s string) template.HTML {
	return template.HTML(strings.TrimSpace(excerptPolicy.Sanitize(s)))
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

// cleanText collapses white space and drops invalid UTF-8.
func cleanText(s string) string {
	return strings.Join(strings.Fields(strings.ToValidUTF8(s, "")), " ")
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
