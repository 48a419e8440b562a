package codec

import (
	"errors"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"newshub/internal/model"
)

// Reading every news record is most of the work of publishing a hub, and
// encoding/json spends ~50 µs on a 4 KB article through reflection. The
// decoder below reads what json.Marshal writes for an Article in a few µs.
// It accepts only that shape (known keys, exact spelling, the types the
// struct has); on anything else it reports errSlowPath and the caller uses
// encoding/json, so the result is always what json.Unmarshal would give.

var errSlowPath = errors.New("codec: not the fast article shape")

// decodeArticle fills a (a zero Article) from data, or returns errSlowPath.
func decodeArticle(data []byte, a *model.Article) error {
	d := jsonReader{data: data}
	d.article(a)
	d.space()
	if d.bad || d.i != len(d.data) {
		return errSlowPath
	}
	return nil
}

// jsonReader reads JSON values; bad is set at the first thing it does not
// handle, after which every read is a no-op.
type jsonReader struct {
	data []byte
	i    int
	bad  bool
}

func (d *jsonReader) space() {
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (d *jsonReader) peek() byte {
	d.space()
	if d.i >= len(d.data) {
		return 0
	}
	return d.data[d.i]
}

func (d *jsonReader) expect(c byte) {
	if d.bad || d.peek() != c {
		d.bad = true
		return
	}
	d.i++
}

// null consumes a null and reports whether there was one.
func (d *jsonReader) null() bool {
	if d.peek() == 'n' && len(d.data)-d.i >= 4 && string(d.data[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object calls field for each key; field reads the value or sets bad.
func (d *jsonReader) object(field func(key []byte)) {
	if d.null() {
		return
	}
	d.expect('{')
	if d.peek() == '}' {
		d.i++
		return
	}
	for !d.bad {
		key, ok := d.rawString()
		if !ok {
			d.bad = true
			return
		}
		d.expect(':')
		field(key)
		switch d.peek() {
		case ',':
			d.i++
		case '}':
			d.i++
			return
		default:
			d.bad = true
		}
	}
}

// array calls elem for each element.
func (d *jsonReader) array(elem func()) {
	if d.null() {
		return
	}
	d.expect('[')
	if d.peek() == ']' {
		d.i++
		return
	}
	for !d.bad {
		elem()
		switch d.peek() {
		case ',':
			d.i++
		case ']':
			d.i++
			return
		default:
			d.bad = true
		}
	}
}

// rawString reads a string without escapes and returns its bytes (valid
// until data changes); ok is false for anything else.
func (d *jsonReader) rawString() ([]byte, bool) {
	if d.bad || d.peek() != '"' {
		return nil, false
	}
	start := d.i + 1
	for j := start; j < len(d.data); j++ {
		switch c := d.data[j]; {
		case c == '"':
			d.i = j + 1
			return d.data[start:j], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
	}
	return nil, false
}

func (d *jsonReader) string() string {
	if d.bad || d.null() {
		return ""
	}
	if d.peek() != '"' {
		d.bad = true
		return ""
	}
	start := d.i + 1
	for j := start; j < len(d.data); j++ {
		c := d.data[j]
		if c == '"' {
			s := d.data[start:j]
			if !utf8.Valid(s) {
				d.bad = true // encoding/json would substitute U+FFFD
				return ""
			}
			d.i = j + 1
			return string(s)
		}
		if c == '\\' {
			return d.escaped(start)
		}
		if c < 0x20 {
			d.bad = true
			return ""
		}
	}
	d.bad = true
	return ""
}

// escaped decodes a string that holds escapes, starting after its quote.
func (d *jsonReader) escaped(start int) string {
	out := make([]byte, 0, 64)
	j := start
	for j < len(d.data) {
		c := d.data[j]
		switch {
		case c == '"':
			if !utf8.Valid(out) {
				d.bad = true
				return ""
			}
			d.i = j + 1
			return string(out)
		case c < 0x20:
			d.bad = true
			return ""
		case c != '\\':
			out = append(out, c)
			j++
			continue
		}
		if j+1 >= len(d.data) {
			break
		}
		e := d.data[j+1]
		j += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4(j)
			if !ok {
				d.bad = true
				return ""
			}
			j += 4
			if utf16.IsSurrogate(r) {
				lo, ok := rune(0), false
				if j+6 <= len(d.data) && d.data[j] == '\\' && d.data[j+1] == 'u' {
					lo, ok = d.hex4(j + 2)
				}
				r = utf16.DecodeRune(r, lo)
				if !ok || r == utf8.RuneError {
					d.bad = true // lone surrogates: leave them to encoding/json
					return ""
				}
				j += 6
			}
			out = utf8.AppendRune(out, r)
		default:
			d.bad = true
			return ""
		}
	}
	d.bad = true
	return ""
}

func (d *jsonReader) hex4(j int) (rune, bool) {
	if j+4 > len(d.data) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.data[j:j+4]), 16, 32)
	return rune(n), err == nil
}

func (d *jsonReader) int() int {
	if d.bad || d.null() {
		return 0
	}
	start := d.i
	if d.i < len(d.data) && d.data[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.data) && d.data[d.i] >= '0' && d.data[d.i] <= '9' {
		d.i++
	}
	if d.i-digits > 1 && d.data[digits] == '0' { // JSON has no leading zeros
		d.bad = true
	}
	n, err := strconv.Atoi(string(d.data[start:d.i]))
	if err != nil || (d.i < len(d.data) && (d.data[d.i] == '.' || d.data[d.i] == 'e' || d.data[d.i] == 'E')) {
		d.bad = true
	}
	return n
}

// float reads a number as encoding/json reads one into a float64.
func (d *jsonReader) float() float64 {
	if d.bad || d.null() {
		return 0
	}
	start := d.i
	for d.i < len(d.data) {
		c := d.data[d.i]
		if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E' {
			d.i++
			continue
		}
		break
	}
	num := d.data[start:d.i]
	f, err := strconv.ParseFloat(string(num), 64)
	if err != nil || !jsonNumber(num) {
		d.bad = true
	}
	return f
}

// jsonNumber reports whether b is a number as JSON writes one:
// -? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?. ParseFloat reads
// more ("00", "1.", ".5", "+1"), which encoding/json refuses.
func jsonNumber(b []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}

func (d *jsonReader) bool() bool {
	if d.bad || d.null() {
		return false
	}
	switch {
	case len(d.data)-d.i >= 4 && string(d.data[d.i:d.i+4]) == "true":
		d.i += 4
		return true
	case len(d.data)-d.i >= 5 && string(d.data[d.i:d.i+5]) == "false":
		d.i += 5
		return false
	}
	d.bad = true
	return false
}

// time reads a time as time.Time's UnmarshalJSON does.
func (d *jsonReader) time() time.Time {
	var t time.Time
	if d.bad || d.null() {
		return t
	}
	start := d.i
	if _, ok := d.rawString(); !ok {
		d.bad = true
		return t
	}
	if err := t.UnmarshalJSON(d.data[start:d.i]); err != nil {
		d.bad = true
	}
	return t
}

func (d *jsonReader) strings() []string {
	if d.null() {
		return nil
	}
	out := []string{}
	d.array(func() { out = append(out, d.string()) })
	return out
}

func (d *jsonReader) images() []model.Image {
	if d.null() {
		return nil
	}
	out := []model.Image{}
	d.array(func() {
		var im model.Image
		d.object(func(key []byte) {
			switch string(key) {
			case "url":
				im.URL = d.string()
			case "width":
				im.Width = d.int()
			case "height":
				im.Height = d.int()
			case "isCached":
				if !d.null() {
					b := d.bool()
					im.IsCached = &b
				}
			case "title":
				im.Title = d.string()
			default:
				d.bad = true
			}
		})
		out = append(out, im)
	})
	return out
}

func (d *jsonReader) provider(p *model.Provider) {
	d.object(func(key []byte) {
		switch string(key) {
		case "name":
			p.Name = d.string()
		case "domain":
			p.Domain = d.string()
		case "images":
			p.Images = d.images()
		case "publishers":
			p.SetPublishers(d.makers())
		case "authors":
			p.SetAuthors(d.makers())
		default:
			d.bad = true
		}
	})
}

// makers reads a provider's publishers or authors. An empty or null list,
// which Encode never writes, is left to encoding/json: it gives the
// provider Makers holding no one, where SetPublishers and SetAuthors give
// none.
func (d *jsonReader) makers() []model.Party {
	ps := d.parties()
	if len(ps) == 0 {
		d.bad = true
	}
	return ps
}

func (d *jsonReader) parties() []model.Party {
	if d.null() {
		return nil
	}
	out := []model.Party{}
	d.array(func() {
		var pt model.Party
		d.object(func(key []byte) {
			switch string(key) {
			case "name":
				pt.Name = d.string()
			case "domain":
				pt.Domain = d.string()
			case "images":
				pt.Images = d.images()
			default:
				d.bad = true
			}
		})
		out = append(out, pt)
	})
	return out
}

func (d *jsonReader) related() []model.Related {
	if d.null() {
		return nil
	}
	out := []model.Related{}
	d.array(func() {
		var r model.Related
		d.object(func(key []byte) { d.relatedField(&r, key) })
		out = append(out, r)
	})
	return out
}

// relatedField reads the value of one field of a related entry.
func (d *jsonReader) relatedField(r *model.Related, key []byte) {
	switch string(key) {
	case "title":
		r.Title = d.string()
	case "excerpt":
		r.Excerpt = d.string()
	case "publishedDateTime":
		r.PublishedDateTime = d.time()
	case "webUrl":
		r.WebURL = d.string()
	case "ampWebUrl":
		r.AmpWebURL = d.string()
	case "cdnAmpWebUrl":
		r.CdnAmpWebURL = d.string()
	case "type":
		r.Type = d.string()
	case "provider":
		d.provider(&r.Provider)
	case "quality":
		r.Quality = d.int()
	case "images":
		r.Images = d.images()
	default:
		d.bad = true
	}
}

func (d *jsonReader) heldRelated() []model.HeldRelated {
	if d.null() {
		return nil
	}
	out := []model.HeldRelated{}
	d.array(func() {
		var h model.HeldRelated
		d.object(func(key []byte) {
			if string(key) == "at" {
				h.At = d.int()
				return
			}
			d.relatedField(&h.Related, key)
		})
		out = append(out, h)
	})
	return out
}

func (d *jsonReader) memberRelated() *[]model.Related {
	if d.null() {
		return nil
	}
	l := d.related()
	return &l
}

func (d *jsonReader) curated(c *model.Curated) {
	d.object(func(key []byte) {
		switch string(key) {
		case "quality":
			c.Quality = d.bool()
		case "heat":
			c.Heat = d.bool()
		case "published":
			c.Published = d.bool()
		case "topics":
			c.Topics = d.bool()
		default:
			d.bad = true
		}
	})
}

func (d *jsonReader) explain() *model.Explain {
	if d.null() {
		return nil
	}
	e := &model.Explain{}
	d.object(func(key []byte) {
		switch string(key) {
		case "topics":
			e.Topics = d.strings()
		case "story":
			e.Story = d.string()
		case "quality":
			e.Quality = d.strings()
		case "heat":
			e.Heat = d.string()
		case "editor":
			e.Editor = d.strings()
		default:
			d.bad = true
		}
	})
	return e
}

func (d *jsonReader) relevance() *model.Relevance {
	if d.null() {
		return nil
	}
	r := &model.Relevance{}
	d.object(func(key []byte) {
		switch string(key) {
		case "onTopic":
			r.OnTopic = d.bool()
		case "score":
			r.Score = d.float()
		case "basis":
			r.Basis = d.string()
		case "reasons":
			r.Reasons = d.strings()
		case "own":
			r.Own = d.relevance()
		default:
			d.bad = true
		}
	})
	return r
}

func (d *jsonReader) article(a *model.Article) {
	if d.peek() != '{' { // a null article stays for encoding/json to judge
		d.bad = true
		return
	}
	d.object(func(key []byte) {
		switch string(key) {
		case "category":
			a.Category = d.string()
		case "title":
			a.Title = d.string()
		case "excerpt":
			a.Excerpt = d.string()
		case "publishedDateTime":
			a.PublishedDateTime = d.time()
		case "originalUrl":
			a.OriginalURL = d.string()
		case "webUrl":
			a.WebURL = d.string()
		case "ampWebUrl":
			a.AmpWebURL = d.string()
		case "cdnAmpWebUrl":
			a.CdnAmpWebURL = d.string()
		case "type":
			a.Type = d.string()
		case "quality":
			a.Quality = d.int()
		case "heat":
			a.Heat = d.int()
		case "published":
			a.Published = d.bool()
		case "featuredContent":
			a.FeaturedContent = d.string()
		case "provider":
			d.provider(&a.Provider)
		case "topics":
			a.Topics = d.strings()
		case "images":
			a.Images = d.images()
		case "related":
			a.Related = d.related()
		case "secured":
			a.Secured = d.string()
		case "has":
			d.curated(&a.Has)
		case "archived":
			a.Archived = d.bool()
		case "canonicalUrl":
			a.CanonicalURL = d.string()
		case "guid":
			a.GUID = d.string()
		case "story":
			a.Story = d.string()
		case "fetchedAt":
			a.FetchedAt = d.time()
		case "explain":
			a.Explain = d.explain()
		case "source":
			a.Source = d.string()
		case "relevance":
			a.Relevance = d.relevance()
		case "withheld":
			a.Withheld = d.string()
		case "pinnedUntil":
			a.PinnedUntil = d.time()
		case "heldRelated":
			a.HeldRelated = d.heldRelated()
		case "memberRelated":
			a.MemberRelated = d.memberRelated()
		case "curatedRelated":
			a.CuratedRelated = d.bool()
		default:
			d.bad = true
		}
	})
}
