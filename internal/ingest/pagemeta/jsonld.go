package pagemeta

import (
	"bytes"
	"encoding/json"
	"strings"

	"newshub/internal/model"
)

// jsonLD is the part of a schema.org object that pagemeta reads.
type jsonLD struct {
	Type          json.RawMessage `json:"@type"`
	Graph         []jsonLD        `json:"@graph"`
	Headline      string          `json:"headline"`
	DatePublished string          `json:"datePublished"`
	DateModified  string          `json:"dateModified"`
	Publisher     json.RawMessage `json:"publisher"`
	Image         json.RawMessage `json:"image"`
}

// decodeJSONLD returns the objects of one ld+json block: a single object,
// an array of them, or an @graph, flattened. Broken JSON gives nothing.
func decodeJSONLD(raw []byte) []jsonLD {
	raw = bytes.TrimSpace(raw)
	raw = bytes.TrimPrefix(raw, []byte("<!--"))
	raw = bytes.TrimSpace(bytes.TrimSuffix(raw, []byte("-->")))
	// One decoding, chosen by the first byte: a failed attempt at the
	// other form would cost a full scan of the block.
	var list []jsonLD
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil
		}
	} else {
		var one jsonLD
		if err := json.Unmarshal(raw, &one); err != nil {
			return nil
		}
		list = []jsonLD{one}
	}
	var out []jsonLD
	for _, o := range list {
		out = append(out, o)
		out = append(out, o.Graph...)
	}
	return out
}

func (o *jsonLD) types() []string {
	var one string
	if json.Unmarshal(o.Type, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(o.Type, &many)
	return many
}

// articleRank orders schema.org types: a NewsArticle beats a generic
// Article beats a blog post.
var articleRank = map[string]int{
	"NewsArticle": 4, "ReportageNewsArticle": 4, "AnalysisNewsArticle": 4, "OpinionNewsArticle": 4,
	"BackgroundNewsArticle": 4, "LiveBlogPosting": 3, "Article": 2, "BlogPosting": 1, "WebPage": 0,
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

func (o *jsonLD) publisherName() string {
	var p struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(o.Publisher, &p) == nil && p.Name != "" {
		return strings.TrimSpace(p.Name)
	}
	var list []struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(o.Publisher, &list) == nil && len(list) > 0 {
		return strings.TrimSpace(list[0].Name)
	}
	return ""
}

// image reads schema.org image: a URL, an ImageObject, or a list of either.
func (o *jsonLD) image() model.Image {
	return decodeImage(o.Image)
}

func decodeImage(raw json.RawMessage) model.Image {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return model.Image{URL: s}
	}
	var obj struct {
		URL    string          `json:"url"`
		Width  json.RawMessage `json:"width"`
		Height json.RawMessage `json:"height"`
	}
	if json.Unmarshal(raw, &obj) == nil && obj.URL != "" {
		return model.Image{URL: obj.URL, Width: dimension(obj.Width), Height: dimension(obj.Height)}
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) == nil && len(list) > 0 {
		return decodeImage(list[0])
	}
	return model.Image{}
}

// dimension reads 1200, "1200" or {"value": 1200}.
func dimension(raw json.RawMessage) int {
	var n float64
	if json.Unmarshal(raw, &n) == nil && n > 0 {
		return int(n)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		s = strings.TrimSuffix(strings.TrimSpace(s), "px")
		var v int
		for _, r := range s {
			if r < '0' || r > '9' {
				return 0
			}
			v = v*10 + int(r-'0')
		}
		return v
	}
	var q struct {
		Value float64 `json:"value"`
	}
	if json.Unmarshal(raw, &q) == nil && q.Value > 0 {
		return int(q.Value)
	}
	return 0
}
