// Package cjk tells the characters of the scripts written without spaces
// between words (Chinese, Japanese, Thai), whose words a tokenizer that
// splits text at spaces and punctuation cannot find: it sees a sentence as
// one word. Without a dictionary, such text is read as overlapping pairs of
// characters ("東京都" reads "東京" and "京都"), as Lucene's CJK analyzer
// reads it. The curation gate and the search index read it alike.
package cjk

import "unicode"

// Is reports whether r belongs to a script written without spaces between
// words.
func Is(r rune) bool {
	if r < 0x0E00 {
		return false
	}
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Thai, r)
}
