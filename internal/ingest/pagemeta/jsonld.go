package pagemeta

import (
	"bytes"
	"cmp"
	"encoding/json"
	"html"
	"strings"
	"unicode/utf8"

	"newshub/internal/ingest/parser"
	"newshub/internal/model"
)

// jsonLD is the part of a schema.org object that pagemeta reads. Its
// texts are ldText and its objects raw, so that a value of another type
// than the usual one costs that value, not the object.
type jsonLD struct {
	ID            ldText          `json:"@id"`
	Type          json.RawMessage `json:"@type"`
	Graph         json.RawMessage `json:"@graph"`
	MainEntity    json.RawMessage `json:"mainEntity"`
	Name          ldText          `json:"name"`
	Headline      ldText          `json:"headline"`
	DatePublished ldText          `json:"datePublished"`
	DateModified  ldText          `json:"dateModified"`
	Publisher     json.RawMessage `json:"publisher"`
	Image         json.RawMessage `json:"image"`
	Logo          json.RawMessage `json:"logo"` // an Organization's
	// An ImageObject's.
	URL        ldText          `json:"url"`
	ContentURL ldText          `json:"contentUrl"`
	Width      json.RawMessage `json:"width"`
	Height     json.RawMessage `json:"height"`
}

// ldText is a JSON-LD text: a string, the first string of a list
// (["2024-11-05T10:00:00Z"]) or a value object ({"@value": "…"}); any
// other value reads as none.
type ldText string

func (t *ldText) UnmarshalJSON(b []byte) error {
	var s string
	var list []ldText
	var value struct {
		Value ldText `json:"@value"`
	}
	switch kind := jsonKind(b); {
	case kind == '"' && len(b) >= 2 && b[len(b)-1] == '"' && bytes.IndexByte(b[1:len(b)-1], '\\') < 0 && bytes.IndexByte(b[1:len(b)-1], '"') < 0 && utf8.Valid(b):
		*t = ldText(b[1 : len(b)-1]) // most strings have no escape to undo
	case kind == '"' && json.Unmarshal(b, &s) == nil:
		*t = ldText(s)
	case kind == '[' && json.Unmarshal(b, &list) == nil:
		for _, e := range list {
			if e != "" {
				*t = e
				break
			}
		}
	case kind == '{' && json.Unmarshal(b, &value) == nil:
		*t = value.Value
	}
	return nil
}

// decodeJSONLD returns the objects of one ld+json block: a single object,
// an array of them, or an @graph, with the mainEntity of each, flattened.
// JSON as templates write it (a trailing comma, a raw line break, a
// comment, a "//<![CDATA[" wrapper) is mended; JSON broken otherwise gives
// nothing.
func decodeJSONLD(raw []byte) []jsonLD {
	raw = bytes.TrimSpace(raw)
	raw = bytes.TrimPrefix(raw, []byte("<!--"))
	raw = bytes.TrimSpace(bytes.TrimSuffix(raw, []byte("-->")))
	raw = bytes.TrimPrefix(raw, []byte("<![CDATA["))
	raw = bytes.TrimSpace(bytes.TrimSuffix(raw, []byte("]]>")))
	list, ok := objects(raw)
	if !ok {
		// Mended only when it fails: most blocks are written by encoders.
		if mended, fixes := parser.MendJSON(raw); len(fixes) > 0 {
			list, _ = objects(bytes.TrimSpace(mended))
		}
	}
	var out []jsonLD
	for _, o := range list {
		out = o.flatten(out)
	}
	return out
}

// objects decodes one object or an array of them. One decoding, chosen
// by the first byte: a failed attempt at the other form would cost a full
// scan of the block.
func objects(raw []byte) ([]jsonLD, bool) {
	if len(raw) > 0 && raw[0] == '[' {
		var list []jsonLD
		err := json.Unmarshal(raw, &list)
		return list, err == nil
	}
	var one jsonLD
	if err := json.Unmarshal(raw, &one); err != nil {
		return nil, false
	}
	return []jsonLD{one}, true
}

// flatten appends o, the objects of its @graph and its mainEntity (a
// WebPage whose main entity is the NewsArticle) to out.
func (o jsonLD) flatten(out []jsonLD) []jsonLD {
	out = append(out, o)
	for _, nested := range []json.RawMessage{o.Graph, o.MainEntity} {
		if len(nested) > 0 {
			inner, _ := objects(bytes.TrimSpace(nested))
			for _, e := range inner {
				out = e.flatten(out)
			}
		}
	}
	return out
}

// types returns the object's schema.org types, by their names: pages
// write them as IRIs too ("https://schema.org/NewsArticle", "schema:…").
func (o *jsonLD) types() []string {
	var many []string
	var one string
	if jsonKind(o.Type) == '[' {
		json.Unmarshal(o.Type, &many)
	} else if json.Unmarshal(o.Type, &one) == nil {
		many = []string{one}
	}
	for i, t := range many {
		for _, prefix := range []string{"https://schema.org/", "http://schema.org/", "schema:"} {
			if rest, ok := strings.CutPrefix(t, prefix); ok {
				many[i] = rest
				break
			}
		}
	}
	return many
}

// articleRank orders schema.org types: a NewsArticle beats a generic
// Article (or another of its kinds: a Report, a TechArticle) beats a blog
// post or another posting (LinkedIn's and Pinterest's SocialMediaPosting,
// a forum's).
var articleRank = map[string]int{
	"NewsArticle": 4, "ReportageNewsArticle": 4, "AnalysisNewsArticle": 4, "OpinionNewsArticle": 4,
	"BackgroundNewsArticle": 4, "ReviewNewsArticle": 4, "AskPublicNewsArticle": 4, "LiveBlogPosting": 3,
	"Article": 2, "Report": 2, "ScholarlyArticle": 2, "TechArticle": 2, "SatiricalArticle": 2,
	"BlogPosting": 1, "SocialMediaPosting": 1, "DiscussionForumPosting": 1, "WebPage": 0,
}

func pickArticle(objs []jsonLD) *jsonLD {
	var best *jsonLD
	bestRank := -1
	for i := range objs {
		for _, t := range objs[i].types() {
			if r, ok := articleRank[t]; ok && r > bestRank && (r > 0 || objs[i].DatePublished != "") {
				best, bestRank = &objs[i], r
			}
		}
	}
	return best
}

// publisher reads schema.org publisher: a name, an Organization, a
// reference to one by its @id (as Yoast and Rank Math write it in their
// @graph), or a list of these; byID holds the page's objects by @id. The
// Organization is nil for a name.
func (o *jsonLD) publisher(byID map[string]*jsonLD) (string, *jsonLD) {
	var name string
	if jsonKind(o.Publisher) == '"' && json.Unmarshal(o.Publisher, &name) == nil {
		return text(name), nil
	}
	var list []jsonLD
	if jsonKind(o.Publisher) != '[' || json.Unmarshal(o.Publisher, &list) != nil {
		var one jsonLD
		json.Unmarshal(o.Publisher, &one)
		list = []jsonLD{one}
	}
	if len(list) == 0 {
		return "", nil
	}
	p := &list[0]
	if p.Name == "" && p.Logo == nil && byID[string(p.ID)] != nil {
		p = byID[string(p.ID)]
	}
	return text(string(p.Name)), p
}

// logos returns the logos of the publisher and of the page's other
// organizations: the picture a page gives when its article has none
// (Yoast SEO's default image, which sites set to their logo).
func logos(ld []jsonLD, publisher *jsonLD, byID map[string]*jsonLD) []string {
	var out []string
	for _, o := range append([]*jsonLD{publisher}, pointers(ld)...) {
		if o != nil && len(o.Logo) > 0 {
			if u := decodeImage(o.Logo, byID).URL; u != "" {
				out = append(out, u)
			}
		}
	}
	return out
}

func pointers(objs []jsonLD) []*jsonLD {
	out := make([]*jsonLD, len(objs))
	for i := range objs {
		out[i] = &objs[i]
	}
	return out
}

// text is a JSON-LD string as text: templates write the entities of the
// HTML around them ("Smith &amp; Sons").
func text(s string) string {
	return strings.TrimSpace(html.UnescapeString(s))
}

// image reads schema.org image: a URL, an ImageObject, a reference to
// one by its @id, or a list of these.
func (o *jsonLD) image(byID map[string]*jsonLD) model.Image {
	return decodeImage(o.Image, byID)
}

func decodeImage(raw json.RawMessage, byID map[string]*jsonLD) model.Image {
	var s string
	kind := jsonKind(raw)
	if kind == '"' && json.Unmarshal(raw, &s) == nil {
		return model.Image{URL: s}
	}
	var obj jsonLD
	if kind == '{' && json.Unmarshal(raw, &obj) == nil {
		if obj.URL == "" && obj.ContentURL == "" && byID[string(obj.ID)] != nil {
			obj = *byID[string(obj.ID)]
		}
		if u := cmp.Or(obj.URL, obj.ContentURL); u != "" {
			return model.Image{URL: string(u), Width: dimension(obj.Width), Height: dimension(obj.Height)}
		}
		return model.Image{}
	}
	var list []json.RawMessage
	if kind == '[' && json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return decodeImage(list[0], byID)
	}
	return model.Image{}
}

// jsonKind returns the first byte of a JSON value, white space aside: '"',
// '{', '[' or that of a number or literal. A value decoded as the wrong
// kind first costs a whole scan of it for nothing, and pages nest their
// objects deep.
func jsonKind(raw []byte) byte {
	for _, c := range raw {
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c
		}
	}
	return 0
}

// byID indexes objects by their @id; the first of an @id wins.
func byID(objs []jsonLD) map[string]*jsonLD {
	m := map[string]*jsonLD{}
	for i := range objs {
		if id := string(objs[i].ID); id != "" && m[id] == nil {
			m[id] = &objs[i]
		}
	}
	return m
}

// pixels reads a size given as text: "1200" or "1200px"; 0 for any other.
func pixels(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	if len(s) > 6 {
		return 0
	}
	var v int
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0
		}
		v = v*10 + int(r-'0')
	}
	return v
}

// dimension reads 1200, "1200", "1200px" or {"value": 1200}.
func dimension(raw json.RawMessage) int {
	var n float64
	if json.Unmarshal(raw, &n) == nil && n > 0 {
		return int(n)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return pixels(s)
	}
	var q struct {
		Value float64 `json:"value"`
	}
	if json.Unmarshal(raw, &q) == nil && q.Value > 0 {
		return int(q.Value)
	}
	return 0
}
