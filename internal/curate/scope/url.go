package scope

import (
	"net/url"
	"strings"
)

// urlSections returns the section names in a URL's path ("/sport/football/
// 2024/05/some-headline" gives "sport" and "football"): single words
// publishers file articles under. Dated segments, identifiers and the
// headline slug are not sections.
func urlSections(raw string) []string {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil
	}
	var out []string
	for _, seg := range strings.Split(u.Path, "/") {
		if isSection(seg) {
			out = append(out, seg)
		}
		if len(out) == 4 {
			break
		}
	}
	return out
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
