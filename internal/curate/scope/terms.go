package scope

import (
	"strings"
	"unicode/utf8"
)

// matcher finds the hub's keywords and hashtags in a text, as whole words
// or phrases, in any case ("#ClimateChange" finds "climate change"). Words
// are compared as written: "stocks" does not find "stock", which the text
// model learns from the articles instead. A keyword made only of stop
// words is an abbreviation when written in capitals ("US", "IT"): it finds
// the words written in capitals only ("US", "U.S."), never the pronoun
// "us"; written otherwise it is ignored.
type matcher struct {
	phrases map[uint64][]phrase // by first word
	terms   []string            // the keywords as written, by index
	ignored []string            // keywords that can select nothing, and why
	feats   map[uint64]bool     // the words of the keywords, in normal form
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
		if k = strings.TrimSpace(k); k != "" {
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
