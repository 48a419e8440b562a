package store

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a user may type into search, so one query cannot make the
// engine do unbounded work.
const (
	maxSearchBytes   = 1000
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
	if len(text) > maxSearchBytes {
		return nil, fmt.Errorf("%w: the query is longer than %d bytes", ErrBadQuery, maxSearchBytes)
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

// SearchWords splits s into runs of letters, digits and marks, the same
// runs a Unicode word tokenizer indexes: the words of a query, and of the
// text a store indexes for it.
func SearchWords(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsNumber(r) && !unicode.IsMark(r)
	})
}
