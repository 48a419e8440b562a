package web

import (
	"cmp"
	"hash/fnv"
	"html/template"
	"net/url"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
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
	URL           string // absolute, or a site path ("assets/images/…") when Local
	Local         bool   // one of the site's own pictures, linked from the page
	Width, Height int
	Alt           string
	placeholder
}

// placeholder is what an image shows when its picture fails to load: an
// initial on a colour (see .ph in style.css), drawn by CSS alone.
type placeholder struct {
	Initial string
	Tint    template.CSS // "--ph:#rrggbb", a colour of tints
}

type providerView struct {
	Name, Domain string
	Logo         string // absolute, a site path when LogoLocal, or "" (then a monogram is drawn)
	LogoLocal    bool
	Initial      string
	Tint         template.CSS
}

// badge is a voice label with its colours (validated CSS colours).
type badge struct {
	Name      string // short, for cards
	Full      string // the topic's name
	Style     template.CSS
	TopicPath string
}

// The views of events, people, learning resources and collections carry
// the site path of their own page (Path, escaped) and their whole
// description (Body, sanitized), which that page shows.

type eventView struct {
	Path                         string
	Name, Excerpt, URL, Location string
	Body                         template.HTML
	Start, End                   time.Time
	Image                        *imageView
	Provider                     *providerView
	Voice                        *badge
}

type personView struct {
	Path                               string
	Slug, Name, Bio, Location, Website string
	Body                               template.HTML
	TwitterURL, TwitterName            string
	Followers                          int
	Heat                               int
	Image                              *imageView
	Voice                              *badge
}

type learningView struct {
	Path                              string
	Key                               string // "videos/<slug>"
	Title, Excerpt, URL, Type, Length string
	Body                              template.HTML
	Price                             string
	Heat                              int
	Embed                             template.HTML // sanitized video embed
	Image                             *imageView
	Provider                          *providerView
}

type collectionView struct {
	Path          string
	Name, Excerpt string
	Body          template.HTML
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
		webURL: a.Link(), story: a.Story, provider: a.Provider, images: a.Images, at: a.PublishedDateTime, topics: a.Topics}
}

// newCard builds the card of an article.
func (c *viewCache) newCard(src cardSource) *card {
	cd := &card{
		rec:      src.path,
		rawURL:   src.webURL,
		Path:     "news/" + src.key + "/",
		Title:    cleanText(src.title),
		Excerpt:  shorten(publish.PlainText(src.excerpt), 220),
		Image:    c.firstImage(src.images, cleanText(src.title)),
		Provider: c.provider(src.provider),
		Time:     src.at,
		WebURL:   site.SafeURL(src.webURL),
		Topics:   src.topics,
		Sources:  1,
		Members:  1,
	}
	if cd.Title == "" {
		cd.Title = "(untitled)"
	}
	if cd.Image != nil { // a picture that fails shows its publisher
		cd.Image.placeholder = placeholder{Initial: cd.Provider.Initial, Tint: cd.Provider.Tint}
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
	// A topic's badge is the same on every card of the view: made once.
	if b, ok := c.badges.Load(t); ok {
		return b.(*badge)
	}
	b := c.newBadge(t)
	c.badges.Store(t, b)
	return b
}

func (c *viewCache) newBadge(t *model.Topic) *badge {
	b := &badge{Name: t.Name, Full: t.Name, TopicPath: "topics/" + url.PathEscape(t.ID) + "/"}
	if t.Shortname != "" && t.Shortname != t.Name {
		b.Name = t.Shortname
	} else if short, ok := strings.CutSuffix(t.Name, " Voice"); ok && short != "" {
		b.Name = short // the colour says it is a voice
	}
	fg, bg := "#ffffff", "#555555"
	if hl := c.highlights[t.Name]; hl != nil {
		if model.IsColor(hl.TextColor) {
			fg = hl.TextColor
		}
		if model.IsColor(hl.BackgroundColor) {
			bg = hl.BackgroundColor
		}
	}
	b.Style = template.CSS("--vfg:" + fg + ";--vbg:" + bg)
	return b
}

// provider describes a publisher: the record's logo, else the
// organization's.
func (c *viewCache) provider(p model.Provider) providerView {
	v := providerView{Name: cleanText(p.Name), Domain: p.Domain}
	o := c.site.Organization(p.Domain)
	if v.Name == "" && o != nil {
		v.Name = o.Name
	}
	if v.Name == "" {
		v.Name = p.Domain
	}
	logos := p.Images
	if len(logos) == 0 && o != nil {
		logos = o.Images
	}
	for _, im := range logos {
		if u, local := c.image(im.URL); u != "" {
			v.Logo, v.LogoLocal = u, local
			break
		}
	}
	v.Initial = initial(v.Name)
	v.Tint = tint(cmp.Or(v.Domain, v.Name))
	return v
}

// image returns the URL a page links a picture by: a site path
// ("assets/images/…", local) for one of the site's own pictures, named
// site-relative as records do or under the view's base URL as the API
// gives them, which the page links relative to itself so that a static
// copy works under any address; else an absolute http(s) URL, or "".
func (c *viewCache) image(u string) (string, bool) {
	p, ok := strings.CutPrefix(u, "/")
	if c.v == nil {
		// no view, no base URL
	} else if base := c.v.BaseURL(); !ok && base != "" {
		p, ok = strings.CutPrefix(u, base+"/")
	}
	if ok && strings.HasPrefix(p, "assets/images/") && !strings.HasPrefix(p, "/") {
		if path.Clean(p) != p || strings.ContainsAny(p, "?#\\") {
			return "", false
		}
		return p, true
	}
	return site.SafeURL(u), false
}

// initial is the first letter of a name, upper-cased, or "".
func initial(name string) string {
	if r, _ := utf8.DecodeRuneInString(name); unicode.IsLetter(r) || unicode.IsDigit(r) {
		return strings.ToUpper(string(r))
	}
	return ""
}

// tints are the placeholder colours: muted, each with white text readable
// on it.
var tints = [...]string{"#64748b", "#6b7280", "#78716c", "#4b5563", "#57534e", "#475569", "#5b6b7a", "#6b6358"}

// tint picks a name's placeholder colour, the same on every page.
func tint(name string) template.CSS {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name)))
	return template.CSS("--ph:" + tints[h.Sum32()%uint32(len(tints))])
}

// firstImage returns the first usable image, with width and height always
// set so the page does not move while it loads; it shows the initial of
// alt if it fails to load.
func (c *viewCache) firstImage(ims []model.Image, alt string) *imageView {
	for _, im := range ims {
		u, local := c.image(im.URL)
		if u == "" {
			continue
		}
		v := &imageView{URL: u, Local: local, Width: im.Width, Height: im.Height, Alt: alt,
			placeholder: placeholder{Initial: initial(alt), Tint: tint(alt)}}
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
	// embedPolicy keeps video players from known hosts only: those the
	// pages' Content-Security-Policy lets a frame load (frame-src).
	embedPolicy = func() *bluemonday.Policy {
		p := bluemonday.NewPolicy()
		p.AllowElements("iframe")
		p.AllowAttrs("width", "height").Matching(regexp.MustCompile(`^[0-9]{1,4}$`)).OnElements("iframe")
		p.AllowAttrs("title", "allowfullscreen", "frameborder").OnElements("iframe")
		p.AllowAttrs("allow").Matching(regexp.MustCompile(`^[a-z; -]*$`)).OnElements("iframe")
		p.AllowAttrs("src").Matching(regexp.MustCompile(`^https://(www\.youtube\.com|www\.youtube-nocookie\.com|player\.vimeo\.com)/`)).OnElements("iframe")
		p.AllowURLSchemes("https")
		p.RequireParseableURLs(true)
		return p
	}()
)

// richText sanitizes an excerpt for display as HTML, as the content of a
// <div>. The sanitizer keeps tags as they come: an <i> left open (or cut
// off by the clip) would set the rest of the page in italics, and a stray
// </p> make a paragraph of its own. So the excerpt is parsed as a browser
// parses it, in a <div>, and written back with every element closed,
// empty paragraphs left out. The characters HTML forbids
// (site.SafeText) are left out first, as the sanitizer keeps them.
func richText(s string) template.HTML {
	clean := excerptPolicy.Sanitize(site.SafeText(model.Clip(s, model.MaxExcerpt)))
	nodes, err := html.ParseFragment(strings.NewReader(clean), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil { // only a failed read fails, and a string does not
		return template.HTML(template.HTMLEscapeString(publish.PlainText(s)))
	}
	var b strings.Builder
	for _, n := range nodes {
		if n.Type == html.ElementNode && n.DataAtom == atom.P && n.FirstChild == nil {
			continue
		}
		if err := html.Render(&b, n); err != nil {
			return template.HTML(template.HTMLEscapeString(publish.PlainText(s)))
		}
	}
	return template.HTML(strings.TrimSpace(b.String()))
}

// embedHTML sanitizes a video embed; it returns "" when nothing of it is
// allowed. Embeds load lazily.
func embedHTML(s string) template.HTML {
	out := strings.TrimSpace(embedPolicy.Sanitize(s))
	if !strings.Contains(out, "<iframe") || !strings.Contains(out, ` src="https://`) {
		return ""
	}
	out = strings.Replace(out, "<iframe ", `<iframe loading="lazy" `, 1)
	return template.HTML(out)
}

// cleanText collapses white space and drops invalid UTF-8 and the
// characters HTML forbids (site.SafeText), within the longest a title may
// be: a record that holds more (written by an older version, or straight
// into the database) costs a page no more than one at the limit.
func cleanText(s string) string {
	return strings.Join(strings.Fields(site.SafeText(strings.ToValidUTF8(model.Clip(s, model.MaxTitle), ""))), " ")
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
