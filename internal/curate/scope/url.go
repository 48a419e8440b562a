package scope

import "strings"

// urlSections returns the section names in a URL's path ("/sport/football/
// 2024/05/some-headline" gives "sport" and "football"): single words
// publishers file articles under. Dated segments, identifiers and the
// headline slug are not sections.
func urlSections(raw string, emit func(string)) {
	path := urlPath(raw)
	n := 0
	for path != "" && n < 4 {
		var seg string
		seg, path, _ = strings.Cut(path, "/")
		if isSection(seg) {
			emit(seg)
			n++
		}
	}
}

// urlPath returns the path of an absolute URL, without query or fragment.
func urlPath(raw string) string {
	i := strings.Index(raw, "://")
	if i < 0 {
		return ""
	}
	rest := raw[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return ""
	}
	path := rest[j:]
	if k := strings.IndexAny(path, "?#"); k >= 0 {
		path = path[:k]
	}
	return path
}

// isSection reports whether a path segment reads as a section name: two
// to twenty letters, or words joined by one dash ("us-news").
func isSection(seg string) bool {
	if len(seg) < 2 || len(seg) > 20 || strings.Count(seg, "-") > 1 {
		return false
	}
	for i := 0; i < len(seg); i++ {
		c := seg[i]
		if !isLetter(c) && (c != '-' || i == 0 || i == len(seg)-1) {
			return false
		}
	}
	return true
}
