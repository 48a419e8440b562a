package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/cjk"
)

// Limits on what a user may type into search, so one query cannot make the
// engine do unbounded work.
const (
	// MaxSearchBytes is the longest query, in bytes, a search takes: the
	// search page and API refuse a longer one before they search.
	MaxSearchBytes   = 1000
	maxSearchPhrases = 32
)

// Phrase is one term of a full-text search: words that must appear together
// and in this order. Prefix makes the last word match every word it begins;
// Not leaves out the records the phrase matches.
type Phrase struct {
	Words  []string
	Prefix bool
	Not    bool
}

// ParseSearch turns what a user typed into phrases that every store can
// hand to its engine without letting the text reach the engine's own query
// syntax. Bare words and "quoted phrases" are the terms, all of which must
// match; a word is a run of letters, digits and marks, anything else
// separates words (so covid-19 is the phrase "covid 19"); a trailing * makes
// a term a prefix, and a leading - leaves out what the term matches, as
// web search engines read it. Errors wrap ErrBadQuery and say what to
// change.
func ParseSearch(text string) ([]Phrase, error) {
	if len(text) > MaxSearchBytes {
		return nil, fmt.Errorf("%w: the query is longer than %d bytes", ErrBadQuery, MaxSearchBytes)
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("%w: the query is not valid UTF-8", ErrBadQuery)
	}
	var phrases []Phrase
	rest := text
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		// "-word" and -"a phrase" leave out, where "- word" and "---" do not.
		not := false
		if len(rest) > 1 && rest[0] == '-' && (rest[1] == '"' || isWordStart(rest[1:])) {
			not, rest = true, rest[1:]
		}
		var term string
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			if end < 0 {
				return nil, fmt.Errorf("%w: unbalanced quote in “%s”: close the quoted phrase or remove the quote", ErrBadQuery, text)
			}
			term, rest = rest[1:1+end], rest[2+end:]
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return r == '"' || unicode.IsSpace(r) })
			if end < 0 {
				end = len(rest)
			}
			term, rest = rest[:end], rest[end:]
		}
		prefix := false
		if strings.HasPrefix(rest, "*") { // "quoted phrase"*
			prefix, rest = true, rest[1:]
		}
		if strings.HasSuffix(term, "*") {
			prefix = true
		}
		words := SearchWords(term)
		if len(words) == 0 {
			continue
		}
		phrases = append(phrases, Phrase{Words: words, Prefix: prefix, Not: not})
		if len(phrases) > maxSearchPhrases {
			return nil, fmt.Errorf("%w: more than %d terms in the query", ErrBadQuery, maxSearchPhrases)
		}
	}
	if len(phrases) == 0 {
		return nil, fmt.Errorf("%w: no word to search for in “%s”: type letters or digits", ErrBadQuery, text)
	}
	if !slices.ContainsFunc(phrases, func(p Phrase) bool { return !p.Not }) {
		return nil, fmt.Errorf("%w: “%s” gives only words to leave out: give a word to search for too", ErrBadQuery, text)
	}
	return phrases, nil
}

// isWordStart reports whether s starts with a letter, digit or mark: a
// character of a word.
func isWordStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return len(SearchWords(string(r))) > 0
}

// SearchWords splits s into the words a search matches: runs of letters,
// digits and marks (but for runs of marks alone), the same runs a Unicode
// word tokenizer indexes, but that a run of a script written without
// spaces between words (see pairedRune) is read as its overlapping pairs
// of characters, "東京五輪" as "東京", "京五", "五輪" (one character
// alone is itself). These are the words of a query, whose phrase
// "東京五輪" then matches the pairs in order, and of the text a store
// indexes for it.
func SearchWords(s string) []string {
	var words []string
	for _, w := range strings.FieldsFunc(SearchForm(s), notWordRune) {
		if onlyMarks(w) {
			// No letter carries them: SQLite's tokenizer reads nothing
			// there, which a prefix query took for the start of every word.
			continue
		}
		if !hasPaired(w) {
			words = append(words, w)
			continue
		}
		splitPaired(w, func(seg string, paired bool) {
			if paired {
				words = appendPairs(words, seg)
			} else {
				words = append(words, seg)
			}
		})
	}
	return words
}

// SearchIndexText returns s as a store's word tokenizer is to index it: s
// in its search form (SearchForm), but that each run SearchWords reads as
// pairs of characters is replaced by the pairs, between spaces, so the
// tokenizer finds the words SearchWords finds.
func SearchIndexText(s string) string {
	s = SearchForm(s)
	if !hasPaired(s) {
		return s
	}
	var b strings.Builder
	b.Grow(3 * len(s))
	splitPaired(s, func(seg string, paired bool) {
		if !paired {
			b.WriteString(seg)
			return
		}
		b.WriteByte(' ')
		b.WriteString(strings.Join(appendPairs(nil, seg), " "))
		b.WriteByte(' ')
	})
	return b.String()
}

// SearchForm returns s as search reads it, the text indexed and the query
// alike: composed (NFC), so a letter written as a base letter and its
// marks, as some systems send it ("й" as и and a breve, Korean syllables
// as their jamo), is the letter a reader types; and with the Turkish
// dotless ı as i, as the tokenizers read I and İ, so that "ılık", "ILIK"
// and "ilik" find one another, as "secim" finds "seçim". Text already in
// that form is returned as it is.
func SearchForm(s string) string {
	s = norm.NFC.String(s)
	if strings.Contains(s, "ı") {
		s = strings.ReplaceAll(s, "ı", "i")
	}
	return s
}

// onlyMarks reports whether w holds marks alone.
func onlyMarks(w string) bool {
	return !strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsMark(r) })
}

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsNumber(r) && !unicode.IsMark(r)
}

// pairedRune reports whether r starts a character of a run read as pairs:
// the scripts written without spaces between words (cjk.Is), the
// katakana long vowel mark those words hold ("コーヒー"), and Korean,
// whose nouns carry their particles ("서울에서", in Seoul), as Lucene's
// CJK analyzer reads it.
func pairedRune(r rune) bool {
	return cjk.Is(r) || r == 'ー' || r == 'ｰ' || unicode.Is(unicode.Hangul, r)
}

// hasPaired reports whether s holds a character read as pairs. Those are
// past U+0E00, three bytes or more in UTF-8, so Latin, Greek and Cyrillic
// text costs one pass over its bytes.
func hasPaired(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0xE0 {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(s[i:]); pairedRune(r) {
			return true
		}
	}
	return false
}

// splitPaired calls yield with the consecutive segments of s, each the
// longest run of characters read as pairs (paired) or of anything else.
// A character is a rune with the marks that follow it, so a Thai vowel or
// tone mark stays with its letter.
func splitPaired(s string, yield func(seg string, paired bool)) {
	start, in := 0, false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if unicode.IsMark(r) && i > 0 {
			i += size // a mark stays in the segment of its letter
			continue
		}
		if p := pairedRune(r); p != in {
			if i > start {
				yield(s[start:i], in)
			}
			start, in = i, p
		}
		i += size
	}
	if len(s) > start {
		yield(s[start:], in)
	}
}

// appendPairs appends the overlapping pairs of characters of run (a rune
// and its marks each) to words, or run itself when it is one character.
func appendPairs(words []string, run string) []string {
	var bounds []int // where each character starts, and the end
	for i := 0; i < len(run); {
		r, size := utf8.DecodeRuneInString(run[i:])
		if !unicode.IsMark(r) || i == 0 {
			bounds = append(bounds, i)
		}
		i += size
	}
	bounds = append(bounds, len(run))
	if len(bounds) <= 3 {
		return append(words, run)
	}
	for i := 0; i+2 < len(bounds); i++ {
		words = append(words, run[bounds[i]:bounds[i+2]])
	}
	return words
}
