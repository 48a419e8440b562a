package publish

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/site"
)

// The types below are the JSON objects of the API. Field order is the key
// order of Smartable's real files; fields without omitempty are always
// written (explicit nulls), fields with omitempty are left out when empty,
// as the older (V1) documents do.

// stamp is a time written in RFC 3339 in the hub's time zone. Unlike
// time.Time it never fails to encode (years outside 0..9999 included).
type stamp time.Time

func (s stamp) MarshalJSON() ([]byte, error) {
	t := time.Time(s)
	b := make([]byte, 0, 32)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// stampPtr returns nil for the zero time, so it is omitted or null.
func stampPtr(t time.Time, loc *time.Location) *stamp {
	if t.IsZero() {
		return nil
	}
	s := stamp(t.In(loc))
	return &s
}

type highlightJSON struct {
	Text            string `json:"text"`
	TextColor       string `json:"textColor"`
	BackgroundColor string `json:"backgroundColor"`
}

// newsImage is an image of a news item (V2): every key, nulls explicit.
type newsImage struct {
	URL         string  `json:"url"`
	Width       int     `json:"width"`
	Height      int     `json:"height"`
	Title       *string `json:"title"`
	Attribution *string `json:"attribution"`
	IsCached    bool    `json:"isCached"`
}

type newsProvider struct {
	Name       string      `json:"name"`
	Domain     string      `json:"domain"`
	Images     []newsImage `json:"images"`
	Publishers []partyJSON `json:"publishers"`
	Authors    []partyJSON `json:"authors"`
}

// partyJSON is a publisher or an author a provider names (V2 and V3).
// Smartable's API wrote it as a whole entity object, of which a record
// gives the name, domain and logos: MarshalJSON writes the other keys as
// null and path as empty, as it did, and domain and images as null when
// the record has none.
type partyJSON struct {
	Name   string
	Domain *string
	Images []newsImage
}

func (p partyJSON) MarshalJSON() ([]byte, error) {
	w := &jw{}
	w.party(&p)
	return w.b, nil
}

// partyV1 is a publisher or an author a provider names in the V1 shape of
// lists: the keys the record gives, path always (empty).
type partyV1 struct {
	Path   string                  `json:"path"`
	Name   string                  `json:"name,omitempty"`
	Domain string                  `json:"domain,omitempty"`
	Images []learningProviderImage `json:"images,omitempty"`
}

// parties returns the V2 objects of a provider's publishers or authors;
// nil (null) when it names none.
func parties(base string, ps []model.Party) []partyJSON {
	if len(ps) == 0 {
		return nil
	}
	out := make([]partyJSON, len(ps))
	for i, p := range ps {
		out[i] = partyJSON{Name: p.Name, Domain: strPtr(p.Domain), Images: newsImages(base, p.Images, true)}
	}
	return out
}

// partiesV1 returns the V1 objects of a provider's publishers or authors;
// nil (left out) when it names none.
func partiesV1(base string, ps []model.Party) []partyV1 {
	if len(ps) == 0 {
		return nil
	}
	out := make([]partyV1, len(ps))
	for i, p := range ps {
		out[i] = partyV1{Name: p.Name, Domain: p.Domain, Images: providerImagesV1(base, p.Images)}
	}
	return out
}

// providerImagesV1 returns a provider's logos in the V1 shape, never
// cached copies; nil when it has none.
func providerImagesV1(base string, imgs []model.Image) []learningProviderImage {
	var out []learningProviderImage
	for _, im := range imgs {
		out = append(out, learningProviderImage{URL: site.Absolute(base, im.URL), Width: pixels(im.Width), Height: pixels(im.Height), IsCached: boolOr(im.IsCached, false)})
	}
	return out
}

// newsJSON is a news item (§6.3). Related is set only in the per-article
// document, newshub's addition.
type newsJSON struct {
	Path              string         `json:"path"`
	Title             string         `json:"title"`
	Excerpt           string         `json:"excerpt"`
	SourceURL         *string        `json:"sourceUrl"`
	WebURL            string         `json:"webUrl"`
	OriginalURL       string         `json:"originalUrl"`
	FeaturedContent   *string        `json:"featuredContent"`
	Highlight         *highlightJSON `json:"highlight"`
	Heat              int            `json:"heat"`
	Tags              []string       `json:"tags"`
	Images            []newsImage    `json:"images"`
	Content           string         `json:"content"`
	Type              string         `json:"type"`
	AmpWebURL         *string        `json:"ampWebUrl"`
	CdnAmpWebURL      *string        `json:"cdnAmpWebUrl"`
	PublishedDateTime stamp          `json:"publishedDateTime"`
	UpdatedDateTime   *stamp         `json:"updatedDateTime"`
	Provider          newsProvider   `json:"provider"`
	Locale            string         `json:"locale"`
	Categories        []string       `json:"categories"`
	Topics            []string       `json:"topics"`
	Related           *[]relatedJSON `json:"related,omitempty"`
}

// relatedJSON is one entry of an article's related coverage.
type relatedJSON struct {
	Title             string       `json:"title"`
	Excerpt           string       `json:"excerpt"`
	WebURL            string       `json:"webUrl"`
	AmpWebURL         *string      `json:"ampWebUrl"`
	CdnAmpWebURL      *string      `json:"cdnAmpWebUrl"`
	Type              string       `json:"type"`
	PublishedDateTime *stamp       `json:"publishedDateTime"` // null where the record gives none
	Provider          newsProvider `json:"provider"`
	Quality           int          `json:"quality"`
	Images            []newsImage  `json:"images"`
}

// v1Image is an image of an event or learning item (V1).
type v1Image struct {
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	IsCached *bool  `json:"isCached,omitempty"`
}

// personImage is an image of a person (V1): the title comes before isCached.
type personImage struct {
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Title    string `json:"title,omitempty"`
	IsCached *bool  `json:"isCached,omitempty"`
}

// learningProviderImage is a provider logo of a learning item (V1), whose
// isCached is always written.
type learningProviderImage struct {
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	IsCached bool   `json:"isCached"`
}

type eventProvider struct {
	Name       string    `json:"name"`
	Domain     string    `json:"domain"`
	Images     []v1Image `json:"images,omitempty"`
	Publishers []partyV1 `json:"publishers,omitempty"`
	Authors    []partyV1 `json:"authors,omitempty"`
}

type eventJSON struct {
	Path            string         `json:"path"`
	Title           string         `json:"title"`
	Excerpt         string         `json:"excerpt"`
	SourceURL       string         `json:"sourceUrl"`
	WebURL          string         `json:"webUrl"`
	OriginalURL     string         `json:"originalUrl"`
	Name            string         `json:"name"`
	FeaturedContent string         `json:"featuredContent,omitempty"`
	Type            string         `json:"type"`
	StartDateTime   *stamp         `json:"startDateTime,omitempty"`
	EndDateTime     *stamp         `json:"endDateTime,omitempty"`
	Location        string         `json:"location,omitempty"`
	Provider        *eventProvider `json:"provider,omitempty"`
	Topics          []string       `json:"topics"`
	Highlight       *highlightJSON `json:"highlight,omitempty"`
	Images          []v1Image      `json:"images,omitempty"`
}

// eventV2JSON is an event of a topic events page (V2): every key, nulls
// explicit.
type eventV2JSON struct {
	Path            string         `json:"path"`
	Title           string         `json:"title"`
	Excerpt         string         `json:"excerpt"`
	SourceURL       string         `json:"sourceUrl"`
	WebURL          string         `json:"webUrl"`
	OriginalURL     string         `json:"originalUrl"`
	Name            string         `json:"name"`
	FeaturedContent *string        `json:"featuredContent"`
	Actions         []string       `json:"actions"`
	Type            string         `json:"type"`
	Price           *string        `json:"price"`
	Website         *string        `json:"website"`
	StartDateTime   *stamp         `json:"startDateTime"`
	EndDateTime     *stamp         `json:"endDateTime"`
	Location        *string        `json:"location"`
	Provider        *newsProvider  `json:"provider"`
	TopItems        []string       `json:"topItems"`
	Size            *int           `json:"size"`
	Heat            *int           `json:"heat"`
	Tags            []string       `json:"tags"`
	Topics          []string       `json:"topics"`
	Highlight       *highlightJSON `json:"highlight"`
	Images          []newsImage    `json:"images"`
}

type twitterJSON struct {
	Username  string `json:"username"`
	URL       string `json:"url"`
	Followers int    `json:"followers"`
}

// channelJSON is an account given by its address: LinkedIn's, Facebook's,
// or YouTube's with its subscribers.
type channelJSON struct {
	URL         string `json:"url"`
	Subscribers int    `json:"subscribers,omitempty"`
}

// channelOf is c published; nil for none.
func channelOf(c *model.Channel) *channelJSON {
	if c == nil {
		return nil
	}
	return &channelJSON{URL: c.URL, Subscribers: tally(c.Subscribers)}
}

// personJSON is a person (V1). LinkedIn and Affiliation follow the
// twitter account, as in Smartable's people documents, and YouTube and
// Facebook come between them, in the order of the record; the
// affiliation is an organization in the V1 shape, with an empty path.
type personJSON struct {
	Path        string          `json:"path"`
	Title       string          `json:"title"`
	Excerpt     string          `json:"excerpt"`
	SourceURL   string          `json:"sourceUrl"`
	WebURL      string          `json:"webUrl"`
	Type        string          `json:"type"`
	Name        string          `json:"name"`
	Bio         string          `json:"bio"`
	Location    string          `json:"location,omitempty"`
	Website     string          `json:"website,omitempty"`
	Twitter     *twitterJSON    `json:"twitter,omitempty"`
	LinkedIn    *channelJSON    `json:"linkedin,omitempty"`
	YouTube     *channelJSON    `json:"youtube,omitempty"`
	Facebook    *channelJSON    `json:"facebook,omitempty"`
	Affiliation *partyV1        `json:"affiliation,omitempty"`
	Topics      []string        `json:"topics"`
	Highlight   *highlightJSON  `json:"highlight,omitempty"`
	TopItems    []personTopItem `json:"topItems,omitempty"`
	Size        *int            `json:"size,omitempty"`
	Heat        int             `json:"heat"`
	Images      []personImage   `json:"images,omitempty"`
	Content     string          `json:"content,omitempty"`
}

type personTopItem struct {
	Path    string        `json:"path"`
	Title   string        `json:"title"`
	Excerpt string        `json:"excerpt"`
	Type    string        `json:"type"`
	Name    string        `json:"name"`
	Bio     string        `json:"bio"`
	Topics  []string      `json:"topics"`
	Heat    int           `json:"heat"`
	Images  []personImage `json:"images,omitempty"`
}

type learningProvider struct {
	Name       string                  `json:"name"`
	Domain     string                  `json:"domain"`
	Images     []learningProviderImage `json:"images,omitempty"`
	Publishers []partyV1               `json:"publishers,omitempty"`
	Authors    []partyV1               `json:"authors,omitempty"`
}

type learningJSON struct {
	Path              string            `json:"path"`
	Title             string            `json:"title"`
	Excerpt           string            `json:"excerpt"`
	SourceURL         string            `json:"sourceUrl"`
	WebURL            string            `json:"webUrl"`
	OriginalURL       string            `json:"originalUrl,omitempty"`
	FeaturedContent   string            `json:"featuredContent,omitempty"`
	Length            string            `json:"length,omitempty"`
	Ratings           *ratingsJSON      `json:"ratings,omitempty"`
	Provider          *learningProvider `json:"provider,omitempty"`
	PublishedDateTime *stamp            `json:"publishedDateTime,omitempty"`
	Levels            []string          `json:"levels,omitempty"`
	TopItems          []learningTopItem `json:"topItems,omitempty"`
	Size              *int              `json:"size,omitempty"`
	Heat              int               `json:"heat"`
	Images            []v1Image         `json:"images,omitempty"`
	Type              string            `json:"type,omitempty"`
	Price             string            `json:"price,omitempty"`
	Topics            []string          `json:"topics"`
}

type learningTopItem struct {
	Path    string    `json:"path"`
	Title   string    `json:"title"`
	Excerpt string    `json:"excerpt"`
	Heat    int       `json:"heat"`
	Images  []v1Image `json:"images,omitempty"`
	Type    string    `json:"type,omitempty"`
	Topics  []string  `json:"topics"`
}

// ratingsJSON is a book's or course's ratings, as Smartable's API gave them.
type ratingsJSON struct {
	Count   int     `json:"count"`
	Average float64 `json:"average"`
}

func ratingsOf(r *model.Ratings) *ratingsJSON {
	if r == nil {
		return nil
	}
	return &ratingsJSON{Count: tally(r.Count), Average: r.Average}
}

// learningV3JSON is the per-item learning document (V3): every key, nulls
// explicit, written on one line.
type learningV3JSON struct {
	Path              string            `json:"path"`
	Title             string            `json:"title"`
	Excerpt           string            `json:"excerpt"`
	SourceURL         string            `json:"sourceUrl"`
	WebURL            string            `json:"webUrl"`
	OriginalURL       *string           `json:"originalUrl"`
	FeaturedContent   *string           `json:"featuredContent"`
	Actions           []string          `json:"actions"`
	Length            *string           `json:"length"`
	Ratings           *ratingsJSON      `json:"ratings"`
	Provider          *newsProvider     `json:"provider"`
	PublishedDateTime *stamp            `json:"publishedDateTime"`
	Levels            []string          `json:"levels"`
	TopItems          []learningTopItem `json:"topItems"`
	Size              *int              `json:"size"`
	Heat              int               `json:"heat"`
	Tags              []string          `json:"tags"`
	Images            []newsImage       `json:"images"`
	Content           string            `json:"content"`
	Type              *string           `json:"type"`
	Price             *string           `json:"price"`
	Topics            []string          `json:"topics"`
}

// topicJSON is an entry of api/topics/, in the shape Smartable's sister
// site renders from _data/topics.
type topicJSON struct {
	Name      string         `json:"name"`
	Shortname string         `json:"shortname"`
	ID        string         `json:"id"`
	Parent    string         `json:"parent,omitempty"`
	Images    []string       `json:"images,omitempty"`
	Services  []serviceJSON  `json:"services"`
	Highlight *highlightJSON `json:"highlight,omitempty"`
}

type serviceJSON struct {
	Name     string `json:"name"`
	Endpoint string `json:"endpoint"`
}

// encodeIndent encodes v with two-space indentation, no HTML escaping and no
// trailing newline, as the real files are written. prefix is written after
// every newline so an object can be spliced into a document at any depth.
func encodeIndent(v any, prefix string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent(prefix, "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodeCompact encodes v on one line without HTML escaping (V3).
func encodeCompact(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// pixels is an image's width or height as the API gives it: a negative
// one, which only a record written by hand holds (ingest reads none), is
// unknown, 0.
func pixels(n int) int { return max(n, 0) }

// tally is a count of followers, subscribers or ratings as the API gives
// it: one below 0, which only a record written by hand holds, is none.
func tally(n int) int { return max(n, 0) }

func boolOr(b *bool, def bool) bool {
	if b == nil {
		return def
	}
	return *b
}

func newsImages(base string, imgs []model.Image, forceUncached bool) []newsImage {
	if len(imgs) == 0 {
		return nil
	}
	out := make([]newsImage, len(imgs))
	for i, im := range imgs {
		out[i] = newsImage{URL: site.Absolute(base, im.URL), Width: pixels(im.Width), Height: pixels(im.Height),
			Title: strPtr(im.Title), IsCached: !forceUncached && boolOr(im.IsCached, false)}
	}
	return out
}

func v1Images(base string, imgs []model.Image) []v1Image {
	if len(imgs) == 0 {
		return nil
	}
	out := make([]v1Image, len(imgs))
	for i, im := range imgs {
		out[i] = v1Image{URL: site.Absolute(base, im.URL), Width: pixels(im.Width), Height: pixels(im.Height), IsCached: im.IsCached}
	}
	return out
}

func personImages(base string, imgs []model.Image) []personImage {
	if len(imgs) == 0 {
		return nil
	}
	out := make([]personImage, len(imgs))
	for i, im := range imgs {
		out[i] = personImage{URL: site.Absolute(base, im.URL), Width: pixels(im.Width), Height: pixels(im.Height), Title: im.Title, IsCached: im.IsCached}
	}
	return out
}

// Slug returns the file name of a record path without folder and
// extension: "_events/2020-09-29-debate.md" gives "2020-09-29-debate".
func Slug(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if i := strings.LastIndexByte(path, '.'); i > 0 {
		path = path[:i]
	}
	return path
}

// absolute resolves the site-relative URLs of a list (a topic's images)
// against the view's base URL, as every image URL of the API is.
func (v *View) absolute(urls []string) []string {
	if len(urls) == 0 {
		return urls
	}
	out := make([]string, len(urls))
	for i, u := range urls {
		out[i] = site.Absolute(v.base, u)
	}
	return out
}
