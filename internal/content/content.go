// Package content reads and writes Smartable records: Markdown or HTML files
// with YAML front matter, and the plain YAML files of a site's _data folder.
//
// Parse decodes a file into a model.Record and keeps its bytes; Render
// brings those bytes in step with a changed value while leaving every
// unchanged byte alone, so an untouched record is written back identical and
// a field newshub does not know survives. Records built from scratch are
// written in the style Smartable's own generator uses for their kind.
//
// Reading uses a small hand-written reader for the YAML subset the records
// use (block maps and lists, plain and quoted scalars); anything outside it
// is handed to a full YAML parser, so exotic but valid files still parse.
package content

import (
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"newshub/internal/model"
)

// ParseError reports a problem in one file. Line is a line number in the
// file (1-based); 0 when no line applies.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line <= 0 {
		return e.Path + ": " + e.Msg
	}
	return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
}

// KindOf tells which record kind a site-relative slash path holds, of the
// kinds newshub reads; a file it keeps without reading (see Opaque) is
// not one of them.
func KindOf(p string) (model.Kind, bool) {
	p = cleanPath(p)
	dir, file := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	ext := path.Ext(file)
	if file == "" || strings.HasPrefix(file, ".") || len(file) == len(ext) {
		return "", false
	}
	switch {
	case p == "_config.yml":
		return model.KindConfig, true
	case p == "_data/sources.yaml":
		return model.KindSources, true
	case p == "_data/decisions.yaml":
		return model.KindDecisions, true
	}
	switch ext {
	case ".md":
		switch dir {
		case "_news", "_archive/news":
			return model.KindNews, true
		case "_people/collections":
			return model.KindPeopleList, true
		case "_people":
			return model.KindPerson, true
		case "_events":
			return model.KindEvent, true
		case "_learning/collections":
			return model.KindLearningList, true
		case "_data/organizations":
			return model.KindOrganization, true
		}
		// Any folder of _learning holds resources of the kind it names
		// (articles/, videos/, courses/, books/...).
		if sub, ok := strings.CutPrefix(dir, "_learning/"); ok && sub != "" && !strings.Contains(sub, "/") {
			return model.KindLearning, true
		}
	case ".html":
		if dir == "_newsletters" {
			return model.KindNewsletter, true
		}
	case ".yaml", ".yml":
		// Jekyll reads a data file by either extension.
		if dir == "_data/topics" {
			return model.KindTopic, true
		}
	}
	return "", false
}

// cleanPath turns p into a clean site-relative path ("./_news/a.md" and
// "/_news/a.md" become "_news/a.md"); clean paths are returned as they are.
func cleanPath(p string) string {
	if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") || strings.Contains(p, "./") || strings.Contains(p, "//") {
		return strings.TrimPrefix(path.Clean("/"+p), "/")
	}
	return p
}

// maxSlug bounds a slug so that a file name stays well under the 255 bytes
// file systems allow.
const maxSlug = 180

// Slug turns a title into the slug of a record's file name: lower case,
// letters and digits kept, spaces and hyphens folded into single hyphens,
// every other character (punctuation, quotes, symbols) dropped.
func Slug(title string) string {
	b := make([]byte, 0, len(title))
	hyphen := false
	for _, r := range title {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if hyphen && len(b) > 0 {
				b = append(b, '-')
			}
			hyphen = false
			b = utf8.AppendRune(b, unicode.ToLower(r))
		case unicode.IsSpace(r) || r == '-':
			hyphen = true
		}
		if len(b) >= maxSlug {
			break
		}
	}
	if len(b) > maxSlug {
		b = b[:maxSlug]
		for len(b) > 0 && !utf8.Valid(b) {
			b = b[:len(b)-1]
		}
	}
	return strings.TrimRight(string(b), "-")
}

// NewsPath returns the site path of a news record: the UTC date of date and
// the slug of title.
func NewsPath(date time.Time, title string) string {
	slug := Slug(title)
	if slug == "" {
		slug = "untitled"
	}
	return "_news/" + date.UTC().Format("2006-01-02") + "-" + slug + ".md"
}

// The folders of news records: current news and the archive, which hold
// files of the same names (a record moves between them whole).
const (
	NewsDir    = "_news/"
	ArchiveDir = "_archive/news/"
)

// NewsPathIn returns the path the news record at p has in the archive
// (archived) or among current news: the same file name in the other
// folder, or p itself when it is there already. ok is false for a path in
// neither folder.
func NewsPathIn(p string, archived bool) (string, bool) {
	name, ok := strings.CutPrefix(p, NewsDir)
	if !ok {
		if name, ok = strings.CutPrefix(p, ArchiveDir); !ok {
			return "", false
		}
	}
	if name == "" || strings.Contains(name, "/") {
		return "", false
	}
	if archived {
		return ArchiveDir + name, true
	}
	return NewsDir + name, true
}
