package publish

import (
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// jw appends indented JSON exactly as encoding/json's Encoder does with
// SetIndent(prefix, "  ") and SetEscapeHTML(false). News items are most of
// what a build writes, and encoding/json's reflection and second indenting
// pass were most of its time; this writer is for them, and a test checks
// it gives encoding/json's bytes.
type jw struct {
	b      []byte
	prefix string
	filled []bool // per open object or array: has it a member yet
	marks  *marks // where news writes the values Details reads, when set
}

// marks are the byte ranges of values in an encoded news item: what
// Entry.Details reads back without decoding the whole item.
type marks [nMarks][2]uint32

const (
	markExcerpt = iota
	markWebURL
	markAmpWebURL
	markImages
	markProviderImages
	markFeaturedContent
	nMarks
)

// mark records that the value of mark i was written from byte from on.
func (w *jw) mark(i, from int) {
	if w.marks != nil {
		w.marks[i] = [2]uint32{uint32(from), uint32(len(w.b))}
	}
}

var jwPool = sync.Pool{New: func() any { return &jw{b: make([]byte, 0, 8<<10)} }}

func (w *jw) newline() {
	w.b = append(w.b, '\n')
	w.b = append(w.b, w.prefix...)
	for range w.filled {
		w.b = append(w.b, ' ', ' ')
	}
}

func (w *jw) open(c byte) {
	w.b = append(w.b, c)
	w.filled = append(w.filled, false)
}

func (w *jw) close(c byte) {
	had := w.filled[len(w.filled)-1]
	w.filled = w.filled[:len(w.filled)-1]
	if had {
		w.newline()
	}
	w.b = append(w.b, c)
}

// next starts a member of the innermost object or array.
func (w *jw) next() {
	i := len(w.filled) - 1
	if w.filled[i] {
		w.b = append(w.b, ',')
	}
	w.filled[i] = true
	w.newline()
}

func (w *jw) key(k string) {
	w.next()
	w.b = append(w.b, '"')
	w.b = append(w.b, k...)
	w.b = append(w.b, '"', ':', ' ')
}

func (w *jw) str(s string) { w.b = appendJSONString(w.b, s) }

func (w *jw) strOrNull(s *string) {
	if s == nil {
		w.null()
		return
	}
	w.str(*s)
}

func (w *jw) null() { w.b = append(w.b, "null"...) }

func (w *jw) int(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

func (w *jw) bool(v bool) { w.b = strconv.AppendBool(w.b, v) }

func (w *jw) time(t stamp) {
	w.b = append(w.b, '"')
	w.b = time.Time(t).AppendFormat(w.b, time.RFC3339Nano)
	w.b = append(w.b, '"')
}

func (w *jw) timeOrNull(t *stamp) {
	if t == nil {
		w.null()
		return
	}
	w.time(*t)
}

func (w *jw) strings(l []string) {
	if l == nil {
		w.null()
		return
	}
	w.open('[')
	for _, s := range l {
		w.next()
		w.str(s)
	}
	w.close(']')
}

func (w *jw) images(l []newsImage) {
	if l == nil {
		w.null()
		return
	}
	w.open('[')
	for _, im := range l {
		w.next()
		w.open('{')
		w.key("url")
		w.str(im.URL)
		w.key("width")
		w.int(im.Width)
		w.key("height")
		w.int(im.Height)
		w.key("title")
		w.strOrNull(im.Title)
		w.key("attribution")
		w.strOrNull(im.Attribution)
		w.key("isCached")
		w.bool(im.IsCached)
		w.close('}')
	}
	w.close(']')
}

func (w *jw) provider(p *newsProvider) {
	w.open('{')
	w.key("name")
	w.str(p.Name)
	w.key("domain")
	w.str(p.Domain)
	w.key("images")
	from := len(w.b)
	w.images(p.Images)
	w.mark(markProviderImages, from)
	w.key("publishers")
	w.parties(p.Publishers)
	w.key("authors")
	w.parties(p.Authors)
	w.close('}')
}

// parties writes a provider's publishers or authors, null for none.
func (w *jw) parties(l []partyJSON) {
	if l == nil {
		w.null()
		return
	}
	w.open('[')
	for i := range l {
		w.next()
		w.party(&l[i])
	}
	w.close(']')
}

// party writes one publisher or author with the keys of Smartable's
// entity objects, in their order (see partyJSON).
func (w *jw) party(pt *partyJSON) {
	w.open('{')
	w.key("path")
	w.str("")
	for _, k := range [...]string{"title", "excerpt", "sourceUrl", "webUrl", "originalUrl", "Id"} {
		w.key(k)
		w.null()
	}
	w.key("name")
	w.str(pt.Name)
	w.key("otherNames")
	w.null()
	w.key("domain")
	w.strOrNull(pt.Domain)
	w.key("Description")
	w.null()
	w.key("images")
	w.images(pt.Images)
	w.key("heat")
	w.null()
	w.key("tags")
	w.null()
	w.close('}')
}

// news writes a newsJSON in its field order.
func (w *jw) news(it *newsJSON) {
	w.open('{')
	w.key("path")
	w.str(it.Path)
	w.key("title")
	w.str(it.Title)
	w.key("excerpt")
	from := len(w.b)
	w.str(it.Excerpt)
	w.mark(markExcerpt, from)
	w.key("sourceUrl")
	w.strOrNull(it.SourceURL)
	w.key("webUrl")
	from = len(w.b)
	w.str(it.WebURL)
	w.mark(markWebURL, from)
	w.key("originalUrl")
	w.str(it.OriginalURL)
	w.key("featuredContent")
	from = len(w.b)
	w.strOrNull(it.FeaturedContent)
	w.mark(markFeaturedContent, from)
	w.key("highlight")
	if h := it.Highlight; h == nil {
		w.null()
	} else {
		w.open('{')
		w.key("text")
		w.str(h.Text)
		w.key("textColor")
		w.str(h.TextColor)
		w.key("backgroundColor")
		w.str(h.BackgroundColor)
		w.close('}')
	}
	w.key("heat")
	w.int(it.Heat)
	w.key("tags")
	w.strings(it.Tags)
	w.key("images")
	from = len(w.b)
	w.images(it.Images)
	w.mark(markImages, from)
	w.key("content")
	w.str(it.Content)
	w.key("type")
	w.str(it.Type)
	w.key("ampWebUrl")
	from = len(w.b)
	w.strOrNull(it.AmpWebURL)
	w.mark(markAmpWebURL, from)
	w.key("cdnAmpWebUrl")
	w.strOrNull(it.CdnAmpWebURL)
	w.key("publishedDateTime")
	w.time(it.PublishedDateTime)
	w.key("updatedDateTime")
	w.timeOrNull(it.UpdatedDateTime)
	w.key("provider")
	w.provider(&it.Provider)
	w.key("locale")
	w.str(it.Locale)
	w.key("categories")
	w.strings(it.Categories)
	w.key("topics")
	w.strings(it.Topics)
	if it.Related != nil {
		w.key("related")
		w.open('[')
		for i := range *it.Related {
			w.next()
			w.related(&(*it.Related)[i])
		}
		w.close(']')
	}
	w.close('}')
}

func (w *jw) related(r *relatedJSON) {
	w.open('{')
	w.key("title")
	w.str(r.Title)
	w.key("excerpt")
	w.str(r.Excerpt)
	w.key("webUrl")
	w.str(r.WebURL)
	w.key("ampWebUrl")
	w.strOrNull(r.AmpWebURL)
	w.key("cdnAmpWebUrl")
	w.strOrNull(r.CdnAmpWebURL)
	w.key("type")
	w.str(r.Type)
	w.key("publishedDateTime")
	w.timeOrNull(r.PublishedDateTime)
	w.key("provider")
	w.provider(&r.Provider)
	w.key("quality")
	w.int(r.Quality)
	w.key("images")
	w.images(r.Images)
	w.close('}')
}

// encodeNews encodes a news item as encodeIndent(it, prefix) would.
func encodeNews(it *newsJSON, prefix string) []byte {
	w := newsWriter(it, prefix, nil)
	out := append([]byte(nil), w.b...)
	w.release()
	return out
}

// newsWriter encodes a news item into a pooled writer: w.b holds the
// bytes until w.release, which spares a copy of documents that are only
// written out. With m set, it records the marks of the item in m.
func newsWriter(it *newsJSON, prefix string, m *marks) *jw {
	w := jwPool.Get().(*jw)
	w.b, w.prefix, w.filled, w.marks = w.b[:0], prefix, w.filled[:0], m
	w.news(it)
	w.marks = nil
	return w
}

// release returns w to the pool unless it grew too large to keep.
func (w *jw) release() {
	if cap(w.b) <= 1<<20 {
		jwPool.Put(w)
	}
}

const hexDigits = "0123456789abcdef"

// appendJSONString quotes s as encoding/json does without HTML escaping:
// control characters escaped, invalid UTF-8 replaced by U+FFFD, U+2028
// and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
