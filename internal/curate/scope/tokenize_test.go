package scope

import (
	"strings"
	"testing"
)

// words returns the normal forms of text's words, stop words in brackets.
func words(text string) string {
	var t tokenizer
	names := map[uint64]string{}
	for _, w := range strings.FieldsFunc(strings.ToLower(text+" "+expected), func(r rune) bool { return r == ' ' || r == '[' || r == ']' }) {
		names[hashBytes(fnvOffset, []byte(w))] = w
	}
	var out []string
	for _, tk := range t.tokens(text) {
		w, ok := names[tk.h]
		if !ok {
			w = "?"
		}
		if tk.stop {
			w = "[" + w + "]"
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// expected holds every normal form the table below expects, so that words
// can name the hashes it sees.
var expected string

func TestTokenizerReadsNewsText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Stocks Edge Higher As Oil Prices Retreat", "stock edge higher [as] oil price retreat"},
		{"U.S. Piles Pressure on Sudan", "us pile pressure [on] sudan"},
		{"It's us, the U.S.", "[it] [us] [the] us"},
		{"Men's final: don't miss it", "men final [don] miss [it]"},
		{"She'll say O'Neil won", "[she] say oneil won"},
		{"Shares rose 1.8 to 25,000 in 2004", "share rose 1.8 [to] 25000 [in] 2004"},
		{"AT&amp;T buys companies &#39;fast&#39;", "[at] buy company fast"},
		{"Bolsters Its Security Story", "bolster [its] security story"},
		{"日本銀行が発表", "日本 本銀 銀行 行が が発 発表"},
		{"Ça coûte très cher à Zürich", "ça coûte très cher à zürich"},
		{"Full report: https://example.org/climate/report.pdf?x=1 (PDF)", "full report pdf"},
		{"See www.example.com/stocks, or HTTP://Example.com/markets.", "see [or]"},
		{"Ratio 3:2 at www", "ratio 3 2 [at] www"},
		{"", ""},
		{"!!! --- ...", ""},
	} {
		expected = c.want
		if got := words(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
}

func TestStemFoldsPluralsOnly(t *testing.T) {
	for in, want := range map[string]string{
		"companies": "company", "stocks": "stock", "boxes": "box", "watches": "watch",
		"press": "press", "virus": "virus", "analysis": "analysis", "gas": "gas",
		"mp3s": "mp3s", "größe": "größe",
	} {
		if got := string(stem([]byte(in))); got != want {
			t.Errorf("stem(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStopWords(t *testing.T) {
	for w, want := range map[string]bool{"The": true, "of": true, "would": true, "market": false, "us": true, "news": false, "": false} {
		if got := IsStopWord(w); got != want {
			t.Errorf("IsStopWord(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestTokenizerBoundsItsWork(t *testing.T) {
	var tk tokenizer
	long := strings.Repeat("economy ", 100000)
	if n := len(tk.tokens(long)); n > maxTextBytes/2 {
		t.Errorf("read %d words of a 800 kB text, want at most %d", n, maxTextBytes/2)
	}
	tk.out = tk.out[:0]
	if got := tk.tokens(strings.Repeat("x", 500)); len(got) != 1 {
		t.Errorf("a 500-letter word gave %d tokens, want 1", len(got))
	}
	tk.out = tk.out[:0]
	tk.tokens("\xff\xfe bad \xc3 utf8")
}
