package parser

import (
	"bytes"
	"cmp"
	"html"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
)

// gofeed resolves references against an xml:base as if the base named a
// folder: it adds a "/" to a base whose path does not end in one, so that
// "2024/a.html" against WordPress's "https://site/wp-atom.php" reads as
// "https://site/wp-atom.php/2024/a.html", where RFC 3986 (as feedparser
// and browsers read it) gives "https://site/2024/a.html". Until gofeed
// resolves as RFC 3986 does, each such base is given to gofeed as a
// stand-in it cannot misread, and what gofeed resolved against the
// stand-in is put back as RFC 3986 resolves it against the base.
//
// The stand-in is the base's folder, where every reference with a path
// resolves as against the base itself, marked twice so that the rest can
// be told apart: by a user name, which every reference without a scheme
// or host of its own keeps, and by a query, which only "" and "#a1" keep.
// What keeps the user name and the folder's path with another query was
// "?id=5", which keeps the base's path.

// baseMark is one xml:base naming a file and its stand-in, as the URLs
// gofeed resolves against the stand-in begin.
type baseMark struct {
	whole, base string // the stand-in as a whole ("" or "#a1") and the base
	query, file string // the stand-in's folder before a query ("?id=5"), the base's file so
	user, plain string // what starts any other reference resolved against it, and without the mark
}

// markBases returns doc with each xml:base that names a file replaced by
// its stand-in, or by its folder when it is relative (see relativeFolder),
// and the marks put in; doc itself when it has none.
func markBases(doc []byte) ([]byte, []baseMark) {
	var out []byte
	var marks []baseMark
	seen := map[string]string{}
	done := 0
	for a := range tagAttrs(doc, "xml:base") {
		if a.name < done {
			continue
		}
		raw := html.UnescapeString(string(doc[a.start:a.end]))
		stand, ok := seen[raw]
		if !ok {
			var m baseMark
			if m, ok = newBaseMark(raw, len(marks)); ok {
				marks = append(marks, m)
				stand = m.whole
			} else if folder, ok := relativeFolder(raw); ok {
				stand = html.EscapeString(folder)
			}
			seen[raw] = stand
		}
		if stand == "" {
			continue
		}
		out = append(append(out, doc[done:a.start]...), stand...)
		done = a.end
	}
	if out == nil {
		return doc, nil
	}
	return append(out, doc[done:]...), marks
}

// relativeFolder returns the folder of a relative xml:base that names a
// file ("/2024/11/06/post.html", as jekyll-feed writes each post's when
// the site's URL is not set), which gofeed would read as a folder of the
// file's name ("…/post.html/map.png"): against the folder, what has a
// path of its own resolves as against the file. ok is false for any
// other base; an absolute one is marked (see newBaseMark).
func relativeFolder(raw string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return "", false
	}
	p := u.EscapedPath()
	return cmp.Or(p[:strings.LastIndexByte(p, '/')+1], "./"), true
}

// uriAttrs are the attributes whose values gofeed reads as addresses.
var uriAttrs = []string{"href", "src", "uri"}

// trimURIAttrs returns doc with the white space around the values of its
// href, src and uri attributes left out; doc itself when none has any.
// gofeed reads each such value through url.Parse, which keeps the spaces
// after an address as "%20" (an Atom link's href="/blog/post.html ", as
// hand-written feeds give it, read as "…/post.html%20", a page that does
// not exist), where XML gives no meaning to them and lenient readers
// drop them.
func trimURIAttrs(doc []byte) []byte {
	var spans []tagAttr
	for _, name := range uriAttrs {
		for a := range tagAttrs(doc, name) {
			if v := doc[a.start:a.end]; len(v) > 0 && (isSpace(v[0]) || isSpace(v[len(v)-1])) {
				spans = append(spans, a)
			}
		}
	}
	if spans == nil {
		return doc
	}
	slices.SortFunc(spans, func(a, b tagAttr) int { return a.start - b.start })
	var out []byte
	done := 0
	for _, a := range spans {
		out = append(append(out, doc[done:a.start]...), bytes.TrimSpace(doc[a.start:a.end])...)
		done = a.end
	}
	return append(out, doc[done:]...)
}

// tagAttr is where an attribute of a tag is: its name's start and its
// quoted value's span.
type tagAttr struct{ name, start, end int }

// tagAttrs yields each attribute called name, with a quoted value, that
// doc writes inside a tag (text that speaks of one is not), without
// reading the document as XML: for the few attributes gofeed reads
// otherwise than lenient readers do.
func tagAttrs(doc []byte, name string) iter.Seq[tagAttr] {
	return func(yield func(tagAttr) bool) {
		if !bytes.Contains(doc, []byte(name)) {
			return
		}
		// Whether doc[:read] ends inside a tag (its last "<" after its
		// last ">", or neither), kept as the search goes on: looked for
		// back from each name, a text of 100,000 of them had its start
		// read again at each.
		inTag, read := true, 0
		for i := 0; ; {
			k := bytes.Index(doc[i:], []byte(name))
			if k < 0 {
				return
			}
			at := i + k
			i = at + len(name)
			start, end, ok := attrValue(doc, i)
			if !ok || at == 0 || !isSpace(doc[at-1]) {
				continue
			}
			if lt, gt := bytes.LastIndexByte(doc[read:at], '<'), bytes.LastIndexByte(doc[read:at], '>'); lt != gt {
				inTag = lt > gt
			}
			if read = at; !inTag {
				continue
			}
			if !yield(tagAttr{at, start, end}) {
				return
			}
			i = end
		}
	}
}

// attrValue returns the span of the quoted value of the attribute whose
// name ends at i.
func attrValue(doc []byte, i int) (start, end int, ok bool) {
	for i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\r' || doc[i] == '\n') {
		i++
	}
	if i >= len(doc) || doc[i] != '=' {
		return 0, 0, false
	}
	for i++; i < len(doc) && (doc[i] == ' ' || doc[i] == '\t' || doc[i] == '\r' || doc[i] == '\n'); i++ {
	}
	if i >= len(doc) || (doc[i] != '"' && doc[i] != '\'') {
		return 0, 0, false
	}
	q := doc[i]
	n := bytes.IndexByte(doc[i+1:], q)
	if n < 0 || bytes.ContainsAny(doc[i+1:i+1+n], "<>") {
		return 0, 0, false
	}
	return i + 1, i + 1 + n, true
}

// newBaseMark makes the n-th stand-in for the base raw; ok is false when
// gofeed reads raw right as it is: a base naming a folder, or with no path
// ("https://site"), or relative (resolved against the one it is in).
func newBaseMark(raw string, n int) (baseMark, bool) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Scheme == "" || u.Host == "" || u.User != nil || u.Opaque != "" ||
		u.Path == "" || strings.HasSuffix(u.Path, "/") {
		return baseMark{}, false
	}
	u.Fragment, u.RawFragment = "", "" // a base's fragment is never part of what resolves against it
	tag := "newshub-xml-base-" + strconv.Itoa(n)
	folder := &url.URL{Scheme: u.Scheme, User: url.User(tag), Host: u.Host, Path: u.Path[:strings.LastIndexByte(u.Path, '/')+1]}
	file := *u
	file.RawQuery = ""
	stand := *folder
	stand.RawQuery = tag
	return baseMark{
		whole: stand.String(), base: u.String(),
		query: folder.String() + "?", file: file.String() + "?",
		user: u.Scheme + "://" + tag + "@", plain: u.Scheme + "://",
	}, true
}

// restore puts back what gofeed resolved against the stand-ins in s; in
// HTML when isHTML, where a base's "&" is written "&amp;".
func restore(s string, marks []baseMark, isHTML bool) string {
	for _, m := range marks {
		if !strings.Contains(s, m.user) {
			continue
		}
		base, file := m.base, m.file
		if isHTML {
			base, file = html.EscapeString(base), html.EscapeString(file)
		}
		s = strings.ReplaceAll(s, m.whole, base)
		s = strings.ReplaceAll(s, m.query, file)
		s = strings.ReplaceAll(s, m.user, m.plain)
	}
	return s
}

// restoreFeed puts back what gofeed resolved against the stand-ins in
// every address and HTML text of the feed.
func restoreFeed(f *gofeed.Feed, marks []baseMark) {
	if f == nil || len(marks) == 0 {
		return
	}
	r := func(s *string) { *s = restore(*s, marks, false) }
	r(&f.Link)
	r(&f.FeedLink)
	for i := range f.Links {
		r(&f.Links[i])
	}
	if f.Image != nil {
		r(&f.Image.URL)
	}
	restoreExtensions(f.Extensions, marks)
	for _, it := range f.Items {
		if it == nil {
			continue
		}
		r(&it.Link)
		r(&it.GUID)
		for i := range it.Links {
			r(&it.Links[i])
		}
		it.Description = restore(it.Description, marks, true)
		it.Content = restore(it.Content, marks, true)
		if it.Image != nil {
			r(&it.Image.URL)
		}
		for _, e := range it.Enclosures {
			if e != nil {
				r(&e.URL)
			}
		}
		restoreExtensions(it.Extensions, marks)
	}
}

// restoreExtensions puts back the addresses in extension elements' values
// and attributes (an atom:link's href in an RSS item).
func restoreExtensions(exts ext.Extensions, marks []baseMark) {
	var walk func(m map[string][]ext.Extension)
	walk = func(m map[string][]ext.Extension) {
		for _, list := range m {
			for i := range list {
				e := &list[i]
				e.Value = restore(e.Value, marks, false)
				for k, v := range e.Attrs {
					e.Attrs[k] = restore(v, marks, false)
				}
				walk(e.Children)
			}
		}
	}
	for _, m := range exts {
		walk(m)
	}
}
