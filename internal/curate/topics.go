package curate

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"newshub/internal/model"
	"newshub/internal/site"
)

// Topics returns the names of the topics an article belongs to, in
// taxonomy order, and one explanation line for each reason a topic applies.
//
// A topic applies when
//   - it is the root topic (every article of the hub);
//   - one of its keywords occurs as a whole word (case-insensitive, any
//     script) in the title or the excerpt;
//   - one of its hashtags occurs there, with its "#" or, for a topic that
//     also has keywords, as a bare word; a topic without keywords (the
//     voice labels) is a publisher's label and is not guessed from text;
//   - the source assigns it (by name or id);
//   - the publisher's organization names it as its voice;
//   - one of its descendants applies.
func Topics(a *model.Article, s *site.Site, sourceTopics []string) ([]string, []string) {
	applies := map[string]bool{}
	var why []string
	mark := func(t *model.Topic, format string, args ...any) {
		why = append(why, line(t.Name+": "+fmt.Sprintf(format, args...)))
		applies[t.Name] = true
	}

	if root := s.Root(); root != nil {
		mark(root, "root topic of the hub")
	}
	title, excerpt := strings.ToLower(a.Title), strings.ToLower(a.Excerpt)
	for _, t := range s.Topics {
		if where, word := matchTopic(t, title, excerpt); where != "" {
			mark(t, "%q in %s", word, where)
		}
	}
	for _, name := range sourceTopics {
		if t := s.Topic(name); t != nil {
			mark(t, "assigned by the source")
		}
	}
	if org := s.Organization(publisherHost(a)); org != nil && org.Voice != "" {
		if t := s.TopicByName(org.Voice); t != nil {
			mark(t, "voice of the publisher %s", org.Domain)
		}
	}
	// A child implies its parent, up the chain; a cycle stops at a topic
	// already seen.
	for _, t := range s.Topics {
		if !applies[t.Name] {
			continue
		}
		child := t
		for seen := map[string]bool{t.Name: true}; child.Parent != ""; {
			parent := s.TopicByName(child.Parent)
			if parent == nil || seen[parent.Name] {
				break
			}
			seen[parent.Name] = true
			if !applies[parent.Name] {
				mark(parent, "parent of %s", child.Name)
			}
			child = parent
		}
	}

	var names []string
	for _, t := range s.Topics {
		if applies[t.Name] {
			names = append(names, t.Name)
		}
	}
	return names, why
}

// matchTopic returns where ("title" or "excerpt") and which word of the
// topic's keywords or hashtags occurs in the lower-cased texts.
func matchTopic(t *model.Topic, title, excerpt string) (string, string) {
	var words []string
	for _, k := range t.Keywords {
		if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
			words = append(words, k)
		}
	}
	for _, h := range t.Hashtags {
		h = strings.ToLower(strings.TrimSpace(h))
		bare := strings.TrimLeft(h, "#")
		if bare == "" {
			continue
		}
		words = append(words, "#"+bare)
		if len(t.Keywords) > 0 {
			words = append(words, bare)
		}
	}
	for _, w := range words {
		if containsWord(title, w) {
			return "title", w
		}
		if containsWord(excerpt, w) {
			return "excerpt", w
		}
	}
	return "", ""
}

// containsWord reports whether w occurs in s with no letter, digit or mark
// right before or after it. Both are lower case.
func containsWord(s, w string) bool {
	for from := 0; from <= len(s)-len(w); {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(w)
		if boundaryBefore(s, i, w) && boundaryAfter(s, end, w) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		from = i + size
	}
	return false
}

func boundaryBefore(s string, i int, w string) bool {
	if i == 0 {
		return true
	}
	first, _ := utf8.DecodeRuneInString(w)
	if !isWordRune(first) {
		return true // "#tag" starts at a boundary of its own
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return !isWordRune(r)
}

func boundaryAfter(s string, end int, w string) bool {
	if end >= len(s) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(w)
	if !isWordRune(last) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[end:])
	return !isWordRune(r)
}

// isWordRune is true for the runes that continue a word. Scripts written
// without spaces (Han, Hiragana, Katakana, Thai) have no word boundaries a
// byte scan can see, so there a keyword written in such a script matches
// where it occurs.
func isWordRune(r rune) bool {
	if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai) {
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_'
}

// publisherHost is the domain that identifies an article's publisher: the
// provider domain, else the host of its URL.
func publisherHost(a *model.Article) string {
	if a.Provider.Domain != "" {
		return a.Provider.Domain
	}
	for _, raw := range []string{a.OriginalURL, a.WebURL} {
		if u, err := url.Parse(raw); err == nil && u.Host != "" {
			return u.Hostname()
		}
	}
	return ""
}
