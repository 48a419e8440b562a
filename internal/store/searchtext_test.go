package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseSearchSplitsWordsAndPhrases(t *testing.T) {
	tests := []struct {
		text string
		want []Phrase
	}{
		{"senate", []Phrase{{Words: []string{"senate"}}}},
		{"  senate   vote ", []Phrase{{Words: []string{"senate"}}, {Words: []string{"vote"}}}},
		{`"voting rights" bill`, []Phrase{{Words: []string{"voting", "rights"}}, {Words: []string{"bill"}}}},
		{"covid-19", []Phrase{{Words: []string{"covid", "19"}}}},
		{"trum*", []Phrase{{Words: []string{"trum"}, Prefix: true}}},
		{`"new yo"*`, []Phrase{{Words: []string{"new", "yo"}, Prefix: true}}},
		{`a"b c"d`, []Phrase{{Words: []string{"a"}}, {Words: []string{"b", "c"}}, {Words: []string{"d"}}}},
		{"NEAR(x y)", []Phrase{{Words: []string{"NEAR", "x"}}, {Words: []string{"y"}}}},
		{"café Zürich", []Phrase{{Words: []string{"café"}}, {Words: []string{"Zürich"}}}},
		{`"" - senate`, []Phrase{{Words: []string{"senate"}}}},
		{"senate -gazette", []Phrase{{Words: []string{"senate"}}, {Words: []string{"gazette"}, Not: true}}},
		{`senate -"voting rights"`, []Phrase{{Words: []string{"senate"}}, {Words: []string{"voting", "rights"}, Not: true}}},
		{"-sena* vote", []Phrase{{Words: []string{"sena"}, Prefix: true, Not: true}, {Words: []string{"vote"}}}},
		{"covid -19", []Phrase{{Words: []string{"covid"}}, {Words: []string{"19"}, Not: true}}},
		{"vote --- count", []Phrase{{Words: []string{"vote"}}, {Words: []string{"count"}}}},
		{"vote -(count)", []Phrase{{Words: []string{"vote"}}, {Words: []string{"count"}}}},
		{"ılık \u0418\u0306", []Phrase{{Words: []string{"ilik"}}, {Words: []string{"Й"}}}}, // search's form: ı as i, composed
		{"東京五輪 -延期", []Phrase{{Words: []string{"東京", "京五", "五輪"}}, {Words: []string{"延期"}, Not: true}}},
	}
	for _, tt := range tests {
		got, err := ParseSearch(tt.text)
		if err != nil {
			t.Errorf("ParseSearch(%q): %v", tt.text, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseSearch(%q) = %+v, want %+v", tt.text, got, tt.want)
		}
	}
}

func TestParseSearchRejectsWithReason(t *testing.T) {
	tests := []struct {
		text, reason string
	}{
		{"", "no word"},
		{"  ", "no word"},
		{"- ( ) *", "no word"},
		{`"voting rights`, "unbalanced quote"},
		{`senate "`, "unbalanced quote"},
		{"-senate", "only words to leave out"},
		{`-senate -"voting rights"`, "only words to leave out"},
		{strings.Repeat("a ", 600), "longer than"},
		{strings.Repeat("w ", 40), "more than 32 terms"},
		{"bad \xff byte", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseSearch(tt.text)
		if !errors.Is(err, ErrBadQuery) {
			t.Errorf("ParseSearch(%.20q): err = %v, want ErrBadQuery", tt.text, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParseSearch(%.20q): error %q does not say %q", tt.text, err, tt.reason)
		}
	}
}

// TestParseSearchQuotesTheQueryAsTyped: the reason a query is refused is
// shown to the reader who typed it, so it gives the query as typed, not
// escaped as Go source ("\"voting rights").
func TestParseSearchQuotesTheQueryAsTyped(t *testing.T) {
	tests := []struct{ text, want string }{
		{`"voting rights`, `unbalanced quote in “"voting rights”`},
		{`senate "`, `unbalanced quote in “senate "”`},
		{`"" *`, `no word to search for in “"" *”`},
	}
	for _, tt := range tests {
		_, err := ParseSearch(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSearch(%q): error %v, want it to say %s", tt.text, err, tt.want)
		}
	}
}

func TestSearchWordsReadsCJKRunsAsPairs(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Senate passes bill", []string{"Senate", "passes", "bill"}},
		{"Москва, Αθήνα — café", []string{"Москва", "Αθήνα", "café"}},
		{"東京オリンピック", []string{"東京", "京オ", "オリ", "リン", "ンピ", "ピッ", "ック"}},
		{"東京", []string{"東京"}},
		{"東 京", []string{"東", "京"}},                                   // one character alone is itself
		{"東京、大阪", []string{"東京", "大阪"}},                               // punctuation ends a run
		{"iPhone15発売", []string{"iPhone15", "発売"}},                    // letters before a run stay a word
		{"コーヒー", []string{"コー", "ーヒ", "ヒー"}},                          // the long vowel mark is of the run
		{"서울에서 집회", []string{"서울", "울에", "에서", "집회"}},                 // Korean
		{"น้ำท่วม", []string{"น้ำ", "ำท่", "ท่ว", "วม"}},              // a Thai letter keeps its marks
		{"北京市发布“暴雨”预警", []string{"北京", "京市", "市发", "发布", "暴雨", "预警"}}, // quotes past U+0E00 end a run
	}
	for _, tt := range tests {
		if got := SearchWords(tt.text); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SearchWords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestSearchIndexTextWritesCJKRunsAsPairs(t *testing.T) {
	tests := []struct{ text, want string }{
		{"Senate passes bill", "Senate passes bill"},
		{"“Quoted” — café, Москва", "“Quoted” — café, Москва"},
		{"東京オリンピック", " 東京 京オ オリ リン ンピ ピッ ック "},
		{"iPhone15発売、東京で", "iPhone15 発売 、 東京 京で "},
		{"Tokyo (東京)", "Tokyo ( 東京 )"},
	}
	for _, tt := range tests {
		got := SearchIndexText(tt.text)
		if got != tt.want {
			t.Errorf("SearchIndexText(%q) = %q, want %q", tt.text, got, tt.want)
		}
		// A word tokenizer finds in it the words of a query.
		if words := strings.FieldsFunc(got, notWordRune); !reflect.DeepEqual(words, SearchWords(tt.text)) {
			t.Errorf("SearchIndexText(%q) holds the words %q, SearchWords %q", tt.text, words, SearchWords(tt.text))
		}
	}
}
