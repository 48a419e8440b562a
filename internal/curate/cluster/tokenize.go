package cluster

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"newshub/internal/cjk"
)

// Limits that keep one absurd input from costing more than a normal one.
const (
	maxTitleRunes   = 400  // headlines are short; the rest of a huge title is noise
	maxExcerptRunes = 1200 // the lead paragraph carries the story; later text drifts
	maxTokenRunes   = 40
)

// stopwords are English function words and headline boilerplate that say
// nothing about which event a story is about.
var stopwords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at
		be been before being below between both but by can could did do does doing down during each
		few for from further had has have having he her here hers herself him himself his how i if in
		into is it its itself just me more most my myself no nor not now of off on once only or other
		our ours out over own same she should so some such than that the their theirs them themselves
		then there these they this those through to too under until up upon very was we were what
		when where which while who whom why will with would you your yours
		says say said saying new news report reports reported via amid update updated live video
		photo photos watch read here s t get gets got make makes may might one two first last
		year years day days week weeks today yesterday tomorrow time inc co ltd`) {
		m[w] = true
	}
	return m
}()

// urlNoise are path words that publishers put in URLs for every article.
var urlNoise = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`www com org net html htm php asp aspx shtml story stories article
		articles news index amp id en us uk post posts blog content www2 cms sns rt`) {
		m[w] = true
	}
	return m
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}

// tokenize splits text into normalized tokens: lower-cased words with a light
// English plural stemming, stopwords and one-letter words dropped, runs of
// CJK characters as overlapping bigrams. Abbreviations with dots ("U.S.")
// and numbers with separators ("1.8", "25,000") stay one token; a final "'s"
// is dropped. It reads at most limit runes.
func tokenize(text string, limit int, emit func(tok string)) {
	var word []rune
	var run []rune // the CJK characters read since the last word
	flushWord := func() {
		if len(word) > 0 {
			emitWord(word, emit)
			word = word[:0]
		}
	}
	flushCJK := func() {
		switch {
		case len(run) == 1:
			emit(string(run))
		case len(run) > 1:
			for i := 0; i+1 < len(run); i++ {
				emit(string(run[i : i+2]))
			}
		}
		run = run[:0]
	}
	n := 0
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if n++; n > limit {
			break
		}
		switch {
		case cjk.Is(r):
			flushWord()
			run = append(run, r)
			continue
		case isWordRune(r):
			flushCJK()
			word = append(word, unicode.ToLower(r))
			continue
		}
		flushCJK()
		next, _ := utf8.DecodeRuneInString(text[i:])
		switch {
		case (r == '\'' || r == '’') && len(word) > 0 && unicode.IsLetter(next):
			// "Men's" → "men", "don't" → "dont".
			if (next == 's' || next == 'S') && !nextIsLetter(text[i+1:]) {
				i++
				flushWord()
			}
			continue
		case r == '.' && len(word) > 0 && unicode.IsLetter(next) && singleLetterTail(word):
			word = append(word, '.') // "U.S." → "us"; emitWord drops the dots
			continue
		case (r == '.' || r == ',') && len(word) > 0 && unicode.IsDigit(word[len(word)-1]) && unicode.IsDigit(next):
			if r == '.' {
				word = append(word, '.')
			}
			continue // "1.8" and "25,000"
		}
		flushWord()
	}
	flushWord()
	flushCJK()
}

func nextIsLetter(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r)
}

// singleLetterTail reports whether word ends in a one-letter segment, as
// "u" or "u.s" do while reading "U.S.A.".
func singleLetterTail(word []rune) bool {
	n := len(word)
	return unicode.IsLetter(word[n-1]) && (n == 1 || word[n-2] == '.')
}

func emitWord(word []rune, emit func(string)) {
	if len(word) > maxTokenRunes {
		word = word[:maxTokenRunes]
	}
	w := strings.ReplaceAll(string(word), ".", "")
	if strings.ContainsAny(string(word), "0123456789") {
		w = string(word) // keep "1.8" as written
	}
	if utf8.RuneCountInString(w) < 2 && !isDigits(w) {
		return
	}
	w = stem(w)
	if stopwords[w] {
		return
	}
	emit(w)
}

func isDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// stem removes English plural endings from ASCII words; other scripts pass
// through unchanged.
func stem(w string) string {
	for i := 0; i < len(w); i++ {
		if w[i] >= utf8.RuneSelf || (w[i] >= '0' && w[i] <= '9') {
			return w
		}
	}
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && (strings.HasSuffix(w, "sses") || strings.HasSuffix(w, "shes") || strings.HasSuffix(w, "ches") || strings.HasSuffix(w, "xes")):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// urlWords returns the words of the slug in a URL's path, the headline
// most publishers put there ("/2014/03/10/sbarro-files-for-bankruptcy"),
// without words every URL of a site carries. Path segments that are not
// slugs (ids, hashes, encoded blobs) are skipped: their unique tokens would
// only dilute the vector.
func urlWords(raw string, emit func(string)) {
	if raw == "" {
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		return
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if !isSlug(seg) {
			continue
		}
		tokenize(seg, maxTitleRunes, func(tok string) {
			if !urlNoise[tok] && !isDigits(tok) {
				emit(tok)
			}
		})
	}
}

// isSlug reports whether a path segment reads like words joined by dashes
// or underscores: at least three parts, most of them short letter words.
func isSlug(seg string) bool {
	seg = strings.TrimSuffix(seg, pathExt(seg))
	parts := strings.FieldsFunc(seg, func(r rune) bool { return r == '-' || r == '_' || r == '+' })
	if len(parts) < 3 {
		return false
	}
	words := 0
	for _, p := range parts {
		if len(p) <= 20 && strings.IndexFunc(p, func(r rune) bool { return !unicode.IsLetter(r) }) < 0 {
			words++
		}
	}
	return 2*words > len(parts)
}

// pathExt returns a file extension such as ".html" at the end of seg.
func pathExt(seg string) string {
	if i := strings.LastIndexByte(seg, '.'); i >= 0 && len(seg)-i <= 6 {
		return seg[i:]
	}
	return ""
}
