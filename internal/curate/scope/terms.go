package scope

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds the hub's keywords and hashtags in a text, as whole words
// or phrases, in any case ("#ClimateChange" finds "climate change"). Words
// are compared as written: "stocks" does not find "stock", which the text
// model learns from the articles instead. A keyword made only of stop
// words is an abbreviation when written in capitals ("US", "IT"): it finds
// the words written in capitals only ("US", "U.S."), never the pronoun
// "us"; written otherwise it is ignored. A keyword holding a symbol that
// words leave out ("C++", "F#", "AT&T", ".NET", "#1") finds its text as
// written instead, in any case (see literal).
type matcher struct {
	phrases  map[uint64][]phrase // by first word
	literals []literal
	terms    []string        // the keywords as written, by index
	ignored  []string        // keywords that can select nothing, and why
	feats    map[uint64]bool // the words of the keywords, in normal form
}

type phrase struct {
	words []uint64
	term  int  // index in terms
	caps  bool // matches words written in capitals only
}

func newMatcher(keywords, hashtags []string) *matcher {
	m := &matcher{phrases: map[uint64][]phrase{}, feats: map[uint64]bool{}}
	var t tokenizer
	seen := map[string]bool{}
	// add makes a term of what was written, found as any of texts.
	add := func(written string, texts ...string) {
		term, why, dup, kept := len(m.terms), "", false, false
		for _, text := range texts {
			t.out = t.out[:0]
			var words []uint64
			allStop, allCaps := true, true
			for _, tk := range t.tokens(text) {
				words = append(words, tk.raw)
				allStop = allStop && tk.stop
				allCaps = allCaps && tk.caps
			}
			switch {
			case len(words) == 0:
				why = "keyword " + quote(written) + " has no words: ignored"
				continue
			case allStop && !allCaps:
				why = "keyword " + quote(written) +
					" is a stop word: ignored (an abbreviation written in capitals, as \"US\", finds the word in capitals only)"
				continue
			}
			key := phraseKey(words)
			if seen[key] {
				dup = true
				continue
			}
			seen[key] = true
			for _, tk := range t.out {
				m.feats[tk.h] = true
			}
			m.phrases[words[0]] = append(m.phrases[words[0]], phrase{words: words, term: term, caps: allStop})
			kept = true
		}
		switch {
		case kept:
			m.terms = append(m.terms, written)
		case !dup && why != "":
			m.ignored = append(m.ignored, why)
		}
	}
	for _, k := range keywords {
		k = strings.TrimSpace(k)
		switch {
		case k == "":
		case isLiteral(k):
			text := foldText(k)
			if seen[text] {
				continue
			}
			seen[text] = true
			t.out = t.out[:0]
			for _, tk := range t.tokens(k) {
				m.feats[tk.h] = true
			}
			m.literals = append(m.literals, literal{text: text, term: len(m.terms)})
			m.terms = append(m.terms, k)
		default:
			add(k, k)
		}
	}
	for _, h := range hashtags {
		h = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(h), "#"))
		if h == "" {
			continue
		}
		// The tag as one word ("iPhone", "#MeToo" in a post), and split
		// at its case changes ("NetZero", "net zero") when each part is
		// a word: "iPhone" split would find "phone".
		texts := []string{h}
		if s := splitCamel(h); s != h && !hasLetterAlone(s) {
			texts = append(texts, s)
		}
		add("#"+h, texts...)
	}
	return m
}

// hasLetterAlone reports whether s has a word of one letter, which the
// tokenizer does not read as a word.
func hasLetterAlone(s string) bool {
	for _, f := range strings.Fields(s) {
		if utf8.RuneCountInString(f) == 1 {
			return true
		}
	}
	return false
}

// match returns the set of terms found in toks (term i is bit i mod 64)
// and the first one found, or -1.
func (m *matcher) match(toks []token) (set uint64, first int) {
	first = -1
	if len(m.terms) == 0 {
		return 0, -1
	}
	for i, tk := range toks {
		for _, p := range m.phrases[tk.raw] {
			if hasPhrase(toks[i:], p.words, p.caps) {
				set |= 1 << (p.term % 64)
				if first < 0 {
					first = p.term
				}
			}
		}
	}
	return set, first
}

// literal is a keyword found as written: its text lower-cased, runs of
// white space one space. Words leave its symbols out, so as words "C++"
// would be the letter "c" (no word), "AT&T" the abbreviation "AT" and
// ".NET" the word "net", each finding what it does not mean.
type literal struct {
	text string
	term int
}

// isLiteral reports whether a keyword holds a symbol words leave out: a
// character that is neither a letter, a digit, a mark, white space nor
// one that words are joined or written with ("-", "'", "’", "." and ","
// within a word), or a leading "." (".NET") or "#" before a digit ("#1").
// A leading "#" before a letter is a tag written among the keywords, which
// finds its word as a hashtag does. A keyword without a letter or digit
// is not one.
func isLiteral(k string) bool {
	if !strings.ContainsFunc(k, isWordRune) {
		return false // "!!!" has no words, and is ignored
	}
	if strings.HasPrefix(k, ".") || len(k) > 1 && k[0] == '#' && '0' <= k[1] && k[1] <= '9' {
		return true
	}
	for i, r := range k {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || unicode.IsSpace(r):
		case strings.ContainsRune("-'’.,", r):
		case r == '#' && i == 0:
		default:
			return true
		}
	}
	return false
}

// foldText lower-cases s and folds its runs of white space into one space.
func foldText(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// matchLiterals returns the set of literal terms found in text and the
// first of them by the keywords' order, or -1. A literal is found where
// its text is not part of a longer word: an end that is a letter or a
// digit is not next to another ("C++" is not in "ABC++", "#1" not in
// "#10"), where an end that is a symbol may be (".NET" is in "ASP.NET").
func (m *matcher) matchLiterals(text string) (set uint64, first int) {
	first = -1
	if len(m.literals) == 0 || text == "" {
		return 0, -1
	}
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	text = foldText(text)
	for _, l := range m.literals {
		if hasLiteral(text, l.text) {
			set |= 1 << (l.term % 64)
			if first < 0 || l.term < first {
				first = l.term
			}
		}
	}
	return set, first
}

func hasLiteral(text, lit string) bool {
	for from := 0; ; {
		i := strings.Index(text[from:], lit)
		if i < 0 {
			return false
		}
		i += from
		end := i + len(lit)
		if !(isWordRune(firstRune(lit)) && isWordRune(lastRune(text[:i]))) &&
			!(isWordRune(lastRune(lit)) && isWordRune(firstRune(text[end:]))) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		from = i + size
	}
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func hasPhrase(toks []token, words []uint64, caps bool) bool {
	if len(toks) < len(words) {
		return false
	}
	for j, h := range words {
		if toks[j].raw != h || caps && !toks[j].caps {
			return false
		}
	}
	return true
}

func phraseKey(p []uint64) string {
	var b strings.Builder
	for _, w := range p {
		for i := 0; i < 8; i++ {
			b.WriteByte(byte(w >> (8 * i)))
		}
	}
	return b.String()
}

// splitCamel turns "ClimateChange" into "Climate Change"; other text is
// unchanged.
func splitCamel(s string) string {
	var b strings.Builder
	prevLower := false
	for _, r := range s {
		upper := 'A' <= r && r <= 'Z'
		if upper && prevLower {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
		prevLower = 'a' <= r && r <= 'z' || '0' <= r && r <= '9'
	}
	return b.String()
}

func quote(s string) string { return `"` + s + `"` }
