package content

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"newshub/internal/model"
)

// MaxName is the longest file name a published record may have, in bytes:
// its name less the extension becomes a folder of the static build, and
// file systems allow 255 bytes, so this leaves room for what a build adds.
const MaxName = 200

// maxSegment is the longest name of any file or folder, in bytes.
const maxSegment = 255

// CheckPath reports what makes p, the site path of a record of the given
// kind, unusable: a name that cannot be written back under an export
// folder (a backslash, a control character, a "." or ".." segment, invalid
// UTF-8, over 255 bytes) or, for a record that is published, one that
// cannot become a page (a name over MaxName bytes, a news name that starts
// like a date but is not one). nil when p is fine.
func CheckPath(p string, kind model.Kind) error {
	if !utf8.ValidString(p) {
		return fmt.Errorf("file name %s is not valid UTF-8", strconv.Quote(p))
	}
	segs := strings.Split(p, "/")
	for _, seg := range segs {
		switch {
		case seg == "", seg == ".", seg == "..":
			return fmt.Errorf("path %s has an empty, \".\" or \"..\" part", strconv.Quote(p))
		case strings.ContainsRune(seg, '\\'):
			return fmt.Errorf("file name %s holds a backslash", strconv.Quote(seg))
		case strings.ContainsFunc(seg, isControl):
			return fmt.Errorf("file name %s holds a control character", strconv.Quote(seg))
		case len(seg) > maxSegment:
			return fmt.Errorf("file name of %d bytes is longer than %d bytes", len(seg), maxSegment)
		}
	}
	if !published(kind) {
		return nil
	}
	name := segs[len(segs)-1]
	if len(name) > MaxName {
		return fmt.Errorf("file name of %d bytes is longer than %d bytes, too long for a page of the site", len(name), MaxName)
	}
	stem := strings.TrimSuffix(name, extension(name))
	if stem == "" || strings.Trim(stem, ".") == "" {
		return fmt.Errorf("file name %s has no name before its extension", strconv.Quote(name))
	}
	if kind == model.KindNews {
		return checkNewsName(stem)
	}
	return nil
}

// checkNewsName checks the date a news file name starts with: a page of
// the site lives under the folders of that date (news/2021/02/05/slug/),
// so a name shaped like one ("2026-..-01-x") must be one.
func checkNewsName(stem string) error {
	if len(stem) <= 11 || stem[4] != '-' || stem[7] != '-' || stem[10] != '-' {
		return nil // no date: the page goes by the publication date
	}
	if _, err := time.Parse("2006-01-02", stem[:10]); err != nil {
		return fmt.Errorf("file name starts like a date (YYYY-MM-DD-) but %s is not one", strconv.Quote(stem[:10]))
	}
	if slug := stem[11:]; strings.Trim(slug, ".") == "" {
		return fmt.Errorf("file name has no slug after its date")
	}
	return nil
}

// published reports whether records of kind become pages of the site.
func published(kind model.Kind) bool {
	switch kind {
	case model.KindNews, model.KindPerson, model.KindPeopleList, model.KindEvent,
		model.KindLearning, model.KindLearningList, model.KindNewsletter:
		return true
	}
	return false
}

// extension returns the extension of a file name, "" for none (a name
// that starts with its only dot has none).
func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 }

// MaxTopicID is the longest topic _id, in bytes.
const MaxTopicID = 200

// CheckTopicID reports what makes id unusable as a topic's _id: it names
// the topic's folders in the API and on the site (api/news/<_id>/), so it
// holds letters, digits, '-', '_' and '.' only, is not "." or "..", and has
// at most MaxTopicID bytes. An empty id is left to the caller.
func CheckTopicID(id string) error {
	switch {
	case id == "":
		return nil
	case len(id) > MaxTopicID:
		return fmt.Errorf("_id of %d bytes is longer than %d bytes", len(id), MaxTopicID)
	case id == "." || id == "..":
		return fmt.Errorf("_id %s cannot name a folder", strconv.Quote(id))
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("_id %s holds %s: a topic id has letters, digits, '-', '_' and '.' only, as it names the topic's folder (api/news/<_id>/)",
				strconv.Quote(clip(id)), describeByte(id, i))
		}
	}
	return nil
}

// describeByte names the character at byte i of s for a message.
func describeByte(s string, i int) string {
	r, _ := utf8.DecodeRuneInString(s[i:])
	switch r {
	case '/':
		return "a slash"
	case '\\':
		return "a backslash"
	case ' ':
		return "a space"
	}
	return strconv.QuoteRune(r)
}

// Opaque returns the record of a file newshub keeps without reading it:
// its bytes (which the record keeps; data must not change afterwards) and
// the collection it belongs to.
func Opaque(path string, data []byte) *model.Record {
	return &model.Record{Path: path, Kind: model.KindOpaque, Raw: data,
		Opaque: &model.Opaque{Collection: model.Collection(path)}}
}
