package scope

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"newshub/internal/cjk"
)

// Limits that keep one absurd input from costing more than a normal one.
const (
	maxTextBytes = 4096 // the lead of an excerpt says what it is about
	maxWordBytes = 40
)

// token is one word of a text: the hashes of its normal form (plurals
// folded) and of the word as written (lower-cased), whether it is a stop
// word, and whether it was written in capitals ("US", "U.S.", "IT", as
// an abbreviation is, where the pronoun is "us"). Hashes let the model and
// the keyword matcher compare words without building strings.
type token struct {
	h, raw uint64
	stop   bool
	caps   bool
}

// FNV-1a, 64 bits.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// hashBytes returns the FNV-1a hash of b, started from seed.
func hashBytes(seed uint64, b []byte) uint64 {
	h := seed
	for _, c := range b {
		h ^= uint64(c)
		h *= fnvPrime
	}
	return h
}

// tokenizer splits text into words: lower-cased, English plurals folded,
// HTML entities (&…;) skipped, abbreviations with dots ("U.S.") and numbers
// with separators ("1.8", "25,000") kept whole, contractions cut ("Men's"
// reads "men", "she'll" "she", and a negated one such as "don't" is a stop
// word), runs of CJK characters as overlapping character pairs. It keeps
// its buffers between calls, so a tokenizer is not safe for concurrent use.
type tokenizer struct {
	word   []byte
	cjk    []rune
	abbrev bool // the word had dots between single letters
	seg    int  // where the word's last dotted segment starts
	neg    bool // the word was a negated contraction
	upper  bool // the word has a capital letter
	lower  bool // the word has a small letter
	out    []token
	// names, when set, records each word's normal form by hash, for
	// explanations.
	names map[uint64]string
}

// tokens appends the words of text to the tokenizer's output and returns
// it; reset with t.out = t.out[:0].
func (t *tokenizer) tokens(text string) []token {
	if len(text) > maxTextBytes {
		text = text[:maxTextBytes]
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				t.flushCJK()
				t.word = append(t.word, c)
				t.lower = t.lower || c >= 'a'
				i++
				continue
			case 'A' <= c && c <= 'Z':
				t.flushCJK()
				t.word = append(t.word, c+'a'-'A')
				t.upper = true
				i++
				continue
			}
			i = t.punct(text, i)
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case cjk.Is(r):
			t.flushWord()
			t.cjk = append(t.cjk, r)
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			t.flushCJK()
			t.word = utf8.AppendRune(t.word, unicode.ToLower(r))
			t.upper = t.upper || unicode.IsUpper(r)
			t.lower = t.lower || unicode.IsLower(r)
		case r == '’':
			i = t.apostrophe(text, i, size)
			continue
		default:
			t.flushWord()
			t.flushCJK()
		}
		i += size
	}
	t.flushWord()
	t.flushCJK()
	return t.out
}

// punct handles the ASCII non-word byte at text[i] and returns where to go on.
func (t *tokenizer) punct(text string, i int) int {
	c := text[i]
	next := byte(0)
	if i+1 < len(text) {
		next = text[i+1]
	}
	switch {
	case c == '\'':
		return t.apostrophe(text, i, 1)
	case c == '.' && len(t.word) == t.seg+1 && isLetter(t.word[t.seg]) && isLetter(next):
		t.abbrev = true // "U.S." reads "us", and is not the pronoun
		t.seg = len(t.word)
		return i + 1
	case (c == '.' || c == ',') && len(t.word) > 0 && isDigit(t.word[len(t.word)-1]) && isDigit(next):
		if c == '.' {
			t.word = append(t.word, '.')
		}
		return i + 1
	case c == '&':
		if j := entityEnd(text[i+1:]); j > 0 {
			t.flushWord()
			t.flushCJK()
			return i + 1 + j
		}
	case c == ':' && strings.HasPrefix(text[i+1:], "//") && isScheme(t.word),
		c == '.' && string(t.word) == "www":
		// A link is an address, not words: drop it and its scheme.
		t.word = t.word[:0]
		t.flushWord()
		return linkEnd(text, i)
	}
	t.flushWord()
	t.flushCJK()
	return i + 1
}

// apostrophe handles an apostrophe of size bytes at text[i] inside or after
// a word: a contraction's ending is dropped, a negated contraction ("n't")
// makes the word a stop word, and an apostrophe within a name ("O'Neil")
// joins it.
func (t *tokenizer) apostrophe(text string, i, size int) int {
	j := i + size
	k := j
	for k < len(text) && isLetter(text[k]) {
		k++
	}
	if len(t.word) == 0 || k == j {
		t.flushWord()
		return j
	}
	switch suffix := lowerASCII(text[j:k]); suffix {
	case "t":
		if t.word[len(t.word)-1] == 'n' {
			t.neg = true
		}
		t.flushWord()
		return k
	case "s", "ll", "re", "ve", "d", "m":
		t.flushWord()
		return k
	}
	return j // a name: the letters after the apostrophe continue the word
}

func (t *tokenizer) flushWord() {
	if len(t.word) == 0 {
		t.abbrev, t.neg, t.seg, t.upper, t.lower = false, false, 0, false, false
		return
	}
	w := t.word
	if !norm.NFC.IsNormal(w) {
		// An accent written as a combining mark (e and U+0301) is the
		// same letter as the one character (é) a keyword may be written
		// with; each word is read in its composed form.
		w = norm.NFC.Bytes(w)
	}
	if len(w) > maxWordBytes {
		w = w[:maxWordBytes]
		for len(w) > 0 && !utf8.Valid(w) {
			w = w[:len(w)-1]
		}
	}
	if len(w) > 1 || isDigit(w[0]) || t.abbrev {
		raw := hashBytes(fnvOffset, w)
		stop := t.neg || !t.abbrev && stopHashes[raw]
		st := stem(w)
		h := hashBytes(fnvOffset, st)
		caps := t.upper && !t.lower
		t.out = append(t.out, token{h: h, raw: raw, stop: stop, caps: caps})
		if t.names != nil {
			t.names[h] = string(st)
		}
	}
	t.word = t.word[:0]
	t.abbrev, t.neg, t.seg, t.upper, t.lower = false, false, 0, false, false
}

func (t *tokenizer) flushCJK() {
	switch n := len(t.cjk); {
	case n == 1:
		t.cjkToken(t.cjk)
	case n > 1:
		for i := 0; i+1 < n; i++ {
			t.cjkToken(t.cjk[i : i+2])
		}
	}
	t.cjk = t.cjk[:0]
}

func (t *tokenizer) cjkToken(rs []rune) {
	h := hashRunes(rs)
	t.out = append(t.out, token{h: h, raw: h})
	if t.names != nil {
		t.names[h] = string(rs)
	}
}

func hashRunes(rs []rune) uint64 {
	var buf [8]byte
	h := uint64(fnvOffset)
	for _, r := range rs {
		h = hashBytes(h, utf8.AppendRune(buf[:0], r))
	}
	return h
}

// stem folds English plural endings of ASCII words in place; words with
// digits or other scripts pass through.
func stem(w []byte) []byte {
	for _, c := range w {
		if c >= utf8.RuneSelf || isDigit(c) {
			return w
		}
	}
	n := len(w)
	switch {
	case n > 4 && hasSuffix(w, "ies"):
		w[n-3] = 'y'
		return w[:n-2]
	case n > 4 && (hasSuffix(w, "sses") || hasSuffix(w, "shes") || hasSuffix(w, "ches") || hasSuffix(w, "xes")):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && !hasSuffix(w, "ss") && !hasSuffix(w, "us") && !hasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

func hasSuffix(w []byte, s string) bool {
	return len(w) >= len(s) && string(w[len(w)-len(s):]) == s
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool  { return '0' <= c && c <= '9' }

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := range b {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func isScheme(w []byte) bool {
	switch string(w) {
	case "http", "https", "ftp":
		return true
	}
	return false
}

// linkEnd returns where the link that runs through text[i] ends: at
// white space, a quote or a tag.
func linkEnd(text string, i int) int {
	for i < len(text) {
		switch text[i] {
		case ' ', '\t', '\n', '\r', '"', '\'', '<', '>':
			return i
		}
		i++
	}
	return i
}

// entityEnd returns the length of an HTML entity's name and ';' at the
// start of s ("amp;", "#39;"), or 0.
func entityEnd(s string) int {
	for i := 0; i < len(s) && i < 10; i++ {
		c := s[i]
		switch {
		case c == ';':
			return i + 1
		case isLetter(c) || isDigit(c) || c == '#' && i == 0:
		default:
			return 0
		}
	}
	return 0
}
