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

// TestWindowsSiblingTellsWindowsTextFromISO: a document declared in an
// ISO 8859 encoding whose bytes that encoding reads as C1 controls, or as
// nothing, is in the Windows code page of its script; one whose bytes all
// read as the declared encoding's characters is in it.
func TestWindowsSiblingTellsWindowsTextFromISO(t *testing.T) {
	tests := []struct {
		declared, text string
		enc            *charmap.Charmap
		want           string // the code page's name; "" for the declared encoding
	}{
		{"iso-8859-8", "<title>נפתחה ספרייה חדשה – “הגדולה”</title>", charmap.Windows1255, "windows-1255"},    // quotes and dash
		{"iso-8859-8", "<title>נפתחה ספרייה חדשה</title>", charmap.ISO8859_8, ""},                             //
		{"iso-8859-6", "<title>افتتاح مكتبة في المدينة</title>", charmap.Windows1256, "windows-1256"},         // "ف" and "ك" are no characters of ISO-8859-6
		{"iso-8859-6", "<title>افتتاح مكتبة في المدينة</title>", charmap.ISO8859_6, ""},                       //
		{"iso-8859-7", "<title>Νέα της πόλης – «εκλογές»</title>", charmap.Windows1253, "windows-1253"},       //
		{"iso-8859-2", "<title>Ścieżka do źródła</title>", charmap.Windows1250, "windows-1250"},               //
		{"iso-8859-2", "<title>Ścieżka do źródła</title>", charmap.ISO8859_2, ""},                             //
		{"iso-8859-5", "<title>«Спартак» обыграл «Зенит» – 2:1</title>", charmap.Windows1251, "windows-1251"}, // "«" and "»" are letters of ISO-8859-5
		{"iso-8859-1", "<title>“Quoted”</title>", charmap.Windows1252, ""},                                    // read as Windows-1252 already
	}
	for _, tt := range tests {
		body, err := tt.enc.NewEncoder().Bytes([]byte(tt.text))
		if err != nil {
			t.Fatal(err)
		}
		if _, got := windowsSibling(tt.declared, body); got != tt.want {
			t.Errorf("%s declared as %s: read as %q, want %q", tt.text, tt.declared, got, tt.want)
		}
	}
}

// TestWindowsSiblingLeavesISOTextWithAPastedCharacter: a document in the
// declared ISO 8859 encoding holding one character pasted from a Windows
// program (a typographic quote, a byte the ISO encoding reads as a C1
// control) stays in it: its letters the code page reads as symbols ("ą"
// as "±", "œ" as "½") say the rest is not the code page's.
func TestWindowsSiblingLeavesISOTextWithAPastedCharacter(t *testing.T) {
	tests := []struct {
		declared      string
		enc           *charmap.Charmap
		before, after string // the text in the ISO encoding either side of the pasted byte
		pasted        byte
	}{
		{"iso-8859-2", charmap.ISO8859_2, "<title>Świąteczne ślady na łąkach ", "Kraków</title>", 0x84}, // Windows-1250's „
		{"iso-8859-15", charmap.ISO8859_15, "<title>Le cœur de l", "œuvre</title>", 0x92},               // Windows-1252's ’
		{"iso-8859-7", charmap.ISO8859_7, "<title>Άρθρο για την Άνοιξη ", " στην Αθήνα</title>", 0x96},  // Windows-1253's –
	}
	for _, tt := range tests {
		before, err := tt.enc.NewEncoder().Bytes([]byte(tt.before))
		if err != nil {
			t.Fatal(err)
		}
		after, err := tt.enc.NewEncoder().Bytes([]byte(tt.after))
		if err != nil {
			t.Fatal(err)
		}
		body := append(append(before, tt.pasted), after...)
		if _, got := windowsSibling(tt.declared, body); got != "" {
			t.Errorf("%s%s declared as %s: read as %s, want as declared", tt.before, tt.after, tt.declared, got)
		}
	}
}
