package parser

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"newshub/internal/model"
)

// parseJSON reads a JSON Feed (1.0 or 1.1) field by field, so that a field
// of the wrong type (tags as a string, an id as a number) costs that field,
// not the feed: what is missing is said in Feed.Malformed in words a
// reader of the feed knows. A JSON document that is not a JSON Feed (no
// jsonfeed.org version, no list of items) is not a feed.
func parseJSON(body []byte, feedURL string) (*Feed, error) {
	top, items, hasItems, over, syntaxErr := readJSONFeed(body)
	var problems []string
	if syntaxErr != "" {
		// Written by a template rather than an encoder: mended, the
		// document may read further.
		if mended, fixes := MendJSON(body); len(fixes) > 0 {
			if t, i, h, o, e := readJSONFeed(mended); t != nil && len(i)+o >= len(items)+over {
				top, items, hasItems, over, syntaxErr = t, i, h, o, e
				problems = fixes
			}
		}
	}
	if top == nil {
		return nil, fmt.Errorf("parse feed: %w: %s", ErrNotAFeed, syntaxErr)
	}
	version := jsonString(top["version"])
	if !strings.Contains(version, "jsonfeed.org/version/") && !hasItems {
		return nil, fmt.Errorf("parse feed: %w: a JSON document without a JSON Feed version or items", ErrNotAFeed)
	}
	if syntaxErr != "" {
		problems = append(problems, syntaxErr)
	}
	if !hasItems && !strings.HasPrefix(syntaxErr, "items:") { // said once
		problems = append(problems, "items: want a list of items")
	}
	base, _ := url.Parse(feedURL)
	f := &Feed{
		Type:    "json",
		Version: strings.TrimPrefix(strings.TrimPrefix(version, "https://jsonfeed.org/version/"), "http://jsonfeed.org/version/"),
		Title:   unescapeText(jsonString(top["title"])),
		SiteURL: resolve(base, jsonString(top["home_page_url"])),
		over:    over,
	}
	itemBase := base
	if u, err := url.Parse(f.SiteURL); err == nil && u.IsAbs() {
		itemBase = u
	}
	feedAuthors, authorsBad := jsonAuthors(top)
	problems = append(problems, authorsBad...)
	lang := jsonString(top["language"]) // JSON Feed 1.1's, its dates read in it
	for n, raw := range items {
		it, bad := jsonItem(raw, itemBase, lang, &f.unsettled)
		for _, b := range bad {
			problems = append(problems, fmt.Sprintf("item %d: %s", n+1, b))
		}
		if it == nil {
			f.Unreadable = append(f.Unreadable, Unreadable{Item: n + 1, Reason: "not a JSON object"})
			continue
		}
		if len(it.Authors) == 0 {
			it.Authors = feedAuthors
		}
		f.Items = append(f.Items, *it)
	}
	if len(problems) > 0 {
		if len(problems) > 5 {
			problems = append(problems[:5], fmt.Sprintf("and %d more", len(problems)-5))
		}
		f.Malformed = "malformed JSON Feed, read what could be read: " + strings.Join(problems, "; ")
	}
	return f, nil
}

// readJSONFeed reads the members of a JSON object one by one, the items
// one by one too, so that a document cut short still gives its complete
// items, up to MaxItems: over counts those past them. top is nil when
// body is not a JSON object; syntaxErr words where reading stopped early.
func readJSONFeed(body []byte) (top map[string]json.RawMessage, items []json.RawMessage, hasItems bool, over int, syntaxErr string) {
	dec := json.NewDecoder(bytes.NewReader(body))
	fail := func(err error) string {
		off := dec.InputOffset()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			off = se.Offset
		}
		line := 1 + bytes.Count(body[:min(int(off), len(body))], []byte{'\n'})
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return fmt.Sprintf("line %d: the document ends early", line)
		}
		return fmt.Sprintf("line %d: %s", line, strings.TrimPrefix(err.Error(), "json: "))
	}
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		if err == nil {
			return nil, nil, false, 0, "want a JSON object"
		}
		return nil, nil, false, 0, fail(err)
	}
	top = map[string]json.RawMessage{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return top, items, hasItems, over, fail(err)
		}
		key, _ := t.(string)
		if key != "items" {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return top, items, hasItems, over, fail(err)
			}
			top[key] = v
			continue
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			if err != nil {
				return top, items, hasItems, over, fail(err)
			}
			return top, items, hasItems, over, "items: want a list of items"
		}
		hasItems = true
		var past json.RawMessage // each item past MaxItems in turn, only counted
		for dec.More() {
			var v json.RawMessage
			dst := &v
			if len(items) >= MaxItems {
				dst = &past
			}
			if err := dec.Decode(dst); err != nil {
				return top, items, hasItems, over, fail(err)
			}
			if dst == &v {
				items = append(items, v)
			} else {
				over++
			}
		}
		if _, err := dec.Token(); err != nil {
			return top, items, hasItems, over, fail(err)
		}
	}
	return top, items, hasItems, over, ""
}

// MendJSON mends what JSON written by a template rather than an encoder
// often gets wrong, and a lenient reader forgives: a comma before a
// closing bracket (a loop that writes one after every item), a line
// break or tab left raw in a string (content pasted in unescaped), a
// backslash that starts no escape (spatie/laravel-feed escapes only the
// quotes of a summary, so a Windows path keeps its backslashes), a
// comment. It returns body as it is, and no fixes, when it has none of
// them.
func MendJSON(body []byte) ([]byte, []string) {
	var out []byte // nil until the first fix
	var fixes []string
	said := map[string]bool{}
	fix := func(i int, what string, with ...byte) {
		if out == nil {
			out = append(make([]byte, 0, len(body)+64), body[:i]...)
		}
		out = append(out, with...)
		if !said[what] {
			said[what] = true
			fixes = append(fixes, fmt.Sprintf("line %d: %s", 1+bytes.Count(body[:i], []byte{'\n'}), what))
		}
	}
	keep := func(c byte) {
		if out != nil {
			out = append(out, c)
		}
	}
	inString := false
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case inString && c == '\\' && validEscape(body[i+1:]):
			keep(c)
			i++
			keep(body[i])
		case inString && c == '\\':
			fix(i, "a backslash that starts no escape", '\\', '\\')
		case inString && c == '"':
			inString = false
			keep(c)
		case inString && c < 0x20:
			fix(i, "a line break or tab not escaped in a string", jsonEscape(c)...)
		case inString:
			keep(c)
		case c == '"':
			inString = true
			keep(c)
		case c == ',' && closesNext(body[i+1:]):
			fix(i, "a comma before a closing bracket")
		case c == '/' && i+1 < len(body) && (body[i+1] == '/' || body[i+1] == '*'):
			end := jsonCommentEnd(body, i)
			// White space in its place, its line breaks kept, so that
			// lines are numbered as the document numbers them.
			fix(i, "a comment", bytes.Map(func(r rune) rune {
				if r == '\n' {
					return r
				}
				return ' '
			}, body[i:end])...)
			i = end - 1
		default:
			keep(c)
		}
	}
	if out == nil {
		return body, nil
	}
	return out, fixes
}

// closesNext reports whether the next character of b that is not white
// space closes an object or a list.
func closesNext(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '}' || b[0] == ']')
}

// jsonCommentEnd returns where the comment starting at body[i] ("//" to
// the end of its line, or "/* … */") ends.
func jsonCommentEnd(body []byte, i int) int {
	if body[i+1] == '/' {
		if k := bytes.IndexByte(body[i:], '\n'); k >= 0 {
			return i + k
		}
		return len(body)
	}
	if k := bytes.Index(body[i+2:], []byte("*/")); k >= 0 {
		return i + 2 + k + 2
	}
	return len(body)
}

// jsonEscape returns the escape of a control character in a JSON string.
func jsonEscape(c byte) []byte {
	switch c {
	case '\n':
		return []byte(`\n`)
	case '\r':
		return []byte(`\r`)
	case '\t':
		return []byte(`\t`)
	}
	return fmt.Appendf(nil, `\u%04x`, c)
}

// validEscape reports whether rest, what follows a backslash in a JSON
// string, continues an escape.
func validEscape(rest []byte) bool {
	if len(rest) == 0 {
		return false
	}
	switch rest[0] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		return true
	case 'u':
		if len(rest) < 5 {
			return false
		}
		_, err := strconv.ParseUint(string(rest[1:5]), 16, 16)
		return err == nil
	}
	return false
}

// jsonItem reads one item of a feed in the language lang (unless the item
// names its own); it returns nil when the item is not an object, and the
// fields it had to leave out. The abbreviation its date of publication
// ends in, when the language does not settle which zone's it is, is
// added to unsettled (see unsettledZone).
func jsonItem(raw json.RawMessage, base *url.URL, lang string, unsettled *[]string) (*Item, []string) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, nil
	}
	var bad []string
	str := func(key string) string {
		v, ok := m[key]
		if !ok {
			return ""
		}
		s, ok := jsonScalar(v)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: want text, got %s", key, jsonKind(v)))
		}
		return s
	}
	it := &Item{
		GUID:  strings.TrimSpace(str("id")),
		Title: unescapeText(str("title")), // plain text in JSON Feed, escaped by some generators
	}
	// Summary and content_text are plain text; Item.Summary and
	// Item.Content are HTML.
	it.Summary = html.EscapeString(str("summary"))
	it.Content = joinSurrogates(str("content_html"))
	if it.Content == "" {
		it.Content = html.EscapeString(str("content_text"))
	}
	for _, c := range []string{str("url"), str("external_url")} {
		if abs := resolve(base, c); isHTTP(abs) {
			it.Link = abs
			break
		}
	}
	if it.Link == "" && isHTTP(it.GUID) {
		// An id is no link unless it is a whole address: "https://" alone
		// resolves to "https:".
		if u := resolve(nil, it.GUID); isHTTP(u) {
			it.Link = u
		}
	}
	if l := strings.TrimSpace(jsonString(m["language"])); l != "" {
		lang = l // JSON Feed 1.1's item in a language of its own
	}
	for key, dst := range map[string]*time.Time{"date_published": &it.Published, "date_modified": &it.Updated} {
		if s := str(key); s != "" {
			if t, err := parseDate(s, lang); err == nil {
				*dst = t
				if z := unsettledZone(s, lang); z != "" && key == "date_published" {
					*unsettled = append(*unsettled, z)
				}
			} else {
				bad = append(bad, fmt.Sprintf("%s: %q is not a date", key, s))
			}
		}
	}
	authors, authorsBad := jsonAuthors(m)
	it.Authors, bad = authors, append(bad, authorsBad...)
	if _, ok := m["tags"]; ok {
		var tags []string
		if json.Unmarshal(m["tags"], &tags) != nil {
			bad = append(bad, fmt.Sprintf("tags: want a list of text, got %s", jsonKind(m["tags"])))
		}
	}
	imageBase := base
	if u, err := url.Parse(it.Link); err == nil && it.Link != "" {
		imageBase = u
	}
	var imgs []model.Image
	seen := map[string]bool{}
	addImage := func(raw string) {
		if u := resolve(imageBase, raw); isHTTP(u) && !seen[u] {
			seen[u] = true
			imgs = append(imgs, model.Image{URL: u})
		}
	}
	addImage(str("image"))
	addImage(str("banner_image"))
	var photo string // the first image attachment
	if a, ok := m["attachments"]; ok {
		var atts []struct {
			URL      any `json:"url"`
			MimeType any `json:"mime_type"`
		}
		if json.Unmarshal(a, &atts) != nil {
			bad = append(bad, fmt.Sprintf("attachments: want a list of objects, got %s", jsonKind(a)))
		}
		for _, at := range atts {
			u, _ := at.URL.(string)
			typ, _ := at.MimeType.(string)
			if u == "" {
				continue
			}
			if typ = strings.ToLower(strings.TrimSpace(typ)); strings.HasPrefix(typ, "image/") || typ == "" && looksLikeImage(u) {
				addImage(u)
				if photo == "" {
					photo = resolve(imageBase, u)
				}
			} else if abs := resolve(imageBase, u); isHTTP(abs) {
				it.Enclosures = append(it.Enclosures, abs)
			}
		}
	}
	if it.Link == "" {
		// Known by its media file, else its image, as an RSS item with
		// only enclosures is.
		if len(it.Enclosures) > 0 {
			it.Link = it.Enclosures[0]
		} else if isHTTP(photo) {
			it.Link = photo
		}
	}
	if src, w, h := firstImg(it.Content); src != "" {
		if u := resolve(imageBase, src); isHTTP(u) && !seen[u] {
			imgs = append(imgs, model.Image{URL: u, Width: w, Height: h})
		}
	}
	it.Images = imgs
	return it, bad
}

// jsonAuthors reads "authors" (1.1), else "author" (1.0), of an object:
// a list of authors, or one written without its list (as generators
// write 1.1's "authors" the way 1.0's "author" was), or its name alone.
// bad says each of them of no author's shape, which names no one.
func jsonAuthors(m map[string]json.RawMessage) (names, bad []string) {
	for _, f := range [][2]string{{"authors", "a list of authors"}, {"author", "an author"}} {
		v, ok := m[f[0]]
		if !ok || len(names) > 0 {
			continue
		}
		got, ok := jsonPeople(v)
		if !ok {
			bad = append(bad, fmt.Sprintf("%s: want %s, got %s", f[0], f[1], jsonKind(v)))
		}
		names = got
	}
	return names, bad
}

// jsonPeople reads the names of a list of people, of one, or of a name
// given alone, a list's too; ok is false when one of them is of none of
// these shapes. A person of no name (an avatar alone) names no one.
func jsonPeople(v json.RawMessage) (names []string, ok bool) {
	var x any
	if json.Unmarshal(v, &x) != nil {
		return nil, false
	}
	list, isList := x.([]any)
	if !isList {
		list = []any{x}
	}
	ok = true
	for _, p := range list {
		var name string
		switch p := p.(type) {
		case nil:
		case string:
			name = p
		case map[string]any:
			name, _ = p["name"].(string)
		default:
			ok = false
		}
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names, ok
}

// jsonScalar reads a string, or a number or boolean as text (JSON Feed
// asks readers to coerce an id given as a number); ok is false for
// anything else.
func jsonScalar(v json.RawMessage) (string, bool) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", true
	}
	switch v[0] {
	case '"':
		var s string
		if json.Unmarshal(v, &s) == nil {
			return s, true
		}
	case '{', '[':
		return "", false
	default:
		var n json.Number
		if json.Unmarshal(v, &n) == nil {
			return n.String(), true
		}
		if b, err := strconv.ParseBool(string(v)); err == nil {
			return strconv.FormatBool(b), true
		}
	}
	return "", false
}

// jsonString is jsonScalar without the verdict.
func jsonString(v json.RawMessage) string {
	s, _ := jsonScalar(v)
	return s
}

// jsonKind names the JSON type of a value for a message.
func jsonKind(v json.RawMessage) string {
	v = bytes.TrimSpace(v)
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "text"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "true or false"
	case 'n':
		return "null"
	}
	return "a number"
}
