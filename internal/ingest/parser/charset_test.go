package parser

import (
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// TestDoubleByteEncodingLeavesOtherTextsAlone: a document in a Windows
// code page, or one with too few letters to tell, gets no guess; Chinese
// and Korean ones get theirs.
func TestDoubleByteEncodingLeavesOtherTextsAlone(t *testing.T) {
	tests := []struct {
		text string
		enc  encoding.Encoding
		want string // the encoding's name; "" for no guess
	}{
		{"<title>Müller für Bürger: Grüße aus Köln</title>", charmap.Windows1252, ""},
		{"<title>Élection à Genève, résultats</title>", charmap.Windows1252, ""},
		{"<title>“Quoted” price</title>", charmap.Windows1252, ""},
		{"<title>ÄRZTE ÄNDERN ÄMTER ÄRGER</title>", charmap.Windows1252, ""},                                                      // each pairs with the next letter, alone
		{"<title>Votação</title><title>Eleição</title><title>Apuração</title><title>Informação</title>", charmap.Windows1252, ""}, // a letter before a letter, but no Big5
		{"<title>Новости дня: выборы в Москве</title>", charmap.Windows1251, ""},                                                  // an odd-length word
		{"<title>Выборы</title><p>Итоги</p>", charmap.Windows1251, ""},                                                            // even ones: too few to tell
		{"<title>Νέα της πόλης</title>", charmap.Windows1253, ""},                                                                 //
		{"<title>新闻</title>", simplifiedchinese.GBK, ""},                                                                          // too few
		{"<title>社区图书馆重新开放</title>", simplifiedchinese.GBK, "gb18030"},                                                            //
		{"<title>社區圖書館重新開放</title>", traditionalchinese.Big5, "big5"},                                                             //
		{"<title>동네 도서관 새 단장</title>", korean.EUCKR, "euc-kr"},                                                                    //
		{"<title>選挙の結果が発表されました</title><title>投票所は午後八時に閉まります</title>", japanese.EUCJP, "euc-jp"},
		{"<title>選挙の結果が発表されました</title><title>投票所は午後八時に閉まります</title>", japanese.ShiftJIS, "shift_jis"},
		{"<title>„Wahl“ – Ergebnisse für Köln</title><p>‚Zitat‘ und ƒ</p>", charmap.Windows1252, ""},                         // low quotes and "ƒ", which lead Shift_JIS's kana
		{"<title>社区图书馆重新开放</title><title>动画《ゆうちゃん》今晚首播</title><title>市政府公布新的公交线路</title>", simplifiedchinese.GBK, "gb18030"}, // a Japanese name among Chinese
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			body, err := tt.enc.NewEncoder().Bytes([]byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if name, _ := doubleByteEncoding(body); name != tt.want {
				t.Errorf("guessed %q, want %q", name, tt.want)
			}
		})
	}
}
