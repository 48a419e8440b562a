package parser

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// xmlDecl matches an XML declaration, and the encoding it names.
var xmlDecl = regexp.MustCompile(`(?i)<\?xml\s(?:[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["'])?[^>]*\?>`)

// iso2022Escape is the byte that starts the escape sequences of ISO-2022-JP.
const iso2022Escape = 0x1b

// declHead is how far into a document its XML declarations are looked
// for: past a PHP warning or HTTP headers a server wrote before the
// document, and a second declaration a template added to its own.
const declHead = 1024

// ToUTF8 returns body as UTF-8 without a byte-order mark, with any XML
// declaration's encoding rewritten to UTF-8 so the XML parser does not
// decode it twice.
//
// A UTF-16 byte-order mark (or a UTF-16 "<?" with none) decides the
// encoding. UTF-8 is kept as it is whatever the feed declares, and so is
// a document that is UTF-8 but for a few stray bytes, which are read as
// Windows-1252 (or in the code page usual for the language it declares,
// see strayCharmap): a multi-byte UTF-8 sequence is almost never meant as
// Latin-1, and feeds declaring ISO-8859-1 while sending UTF-8 are common.
// Otherwise the charset of the Content-Type header wins (but for a
// server's default over a declaration naming another, see
// serverDefaultLast), then the XML declaration; an undeclared document is read as Windows-1252 (the usual
// undeclared encoding, and a superset of ISO-8859-1 for text). Bytes
// before the document's first "<" or "{" (stray bytes after a byte-order
// mark) and control characters XML and JSON forbid are dropped.
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	out, _, err := decode(body, contentType)
	return out, err
}

// decode is ToUTF8, also saying what it had to mend: stray bytes, bytes
// that are not UTF-8 in a UTF-8 document, control characters.
func decode(body []byte, contentType string) ([]byte, []string, error) {
	var notes []string
	if enc := utf16Encoding(body); enc != nil {
		decoded, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, nil, fmt.Errorf("decode UTF-16: %w", err)
		}
		body = decoded
	}
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	if rest := skipToMarkup(body); len(rest) < len(body) {
		notes = append(notes, fmt.Sprintf("%d stray bytes before the document", len(body)-len(rest)))
		body = rest
	}
	decls := xmlDecl.FindAllSubmatchIndex(body[:min(len(body), declHead)], -1)
	declared := []string{headerCharset(contentType)}
	for _, m := range decls {
		if m[2] >= 0 {
			declared = append(declared, string(body[m[2]:m[3]]))
		}
	}
	declared = serverDefaultLast(declared)
	if len(decls) > 0 && len(bytes.TrimSpace(body[:decls[0][0]])) > 0 {
		notes = append(notes, fmt.Sprintf("%d bytes of text before the XML declaration", decls[0][0]))
	}
	if len(decls) > 1 {
		notes = append(notes, fmt.Sprintf("%d XML declarations", len(decls)))
	}
	if enc, name := pickEncoding(declared...); name == "iso-2022-jp" && bytes.IndexByte(body, iso2022Escape) >= 0 {
		// Japanese in ISO-2022-JP is ASCII, valid UTF-8 as it stands:
		// its characters are written between escape sequences.
		decoded, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, nil, fmt.Errorf("decode charset: %w", err)
		}
		body = decoded
	} else if !utf8.Valid(body) {
		// The header's charset, else the first declared encoding that
		// is not UTF-8: a document that is not UTF-8 is not what a
		// second declaration saying UTF-8 says.
		enc, name := pickEncoding(declared...)
		mostly := mostlyUTF8(body)
		if enc != nil && mostly && !(isMultiByte(name) && readsWhole(enc, body)) {
			// Read as declared, every character of its UTF-8 would be
			// garbled. A Chinese, Japanese or Korean encoding that reads
			// the document without a fault is its own all the same:
			// UTF-8 read in one leaves bytes that pair with nothing.
			enc = nil
			notes = append(notes, "UTF-8 though another encoding is declared")
		}
		if enc != nil {
			if e, n := windowsSibling(name, body); e != nil {
				notes = append(notes, fmt.Sprintf("declared %s, read as %s: bytes the first has no character for", name, n))
				enc = e
			}
		}
		if enc == nil && !mostly {
			lang, name, e := languageEncoding(body)
			switch {
			case e != nil:
				enc = e
				notes = append(notes, fmt.Sprintf("undeclared encoding read as %s, the usual one of its language %q", name, lang))
			case lang == "":
				if name, enc = doubleByteEncoding(body); enc != nil {
					notes = append(notes, fmt.Sprintf("undeclared encoding read as %s, by the shape of its bytes", name))
				}
			}
		}
		if enc == nil {
			var fixed, halves int
			stray, name := strayCharmap(body)
			body, fixed, halves = fixUTF8(body, stray)
			if fixed > 0 {
				notes = append(notes, fmt.Sprintf("%d bytes that are not UTF-8 read as %s", fixed, name))
			}
			if halves > 0 {
				notes = append(notes, fmt.Sprintf("%d surrogate halves encoded one by one, as CESU-8 writes them", halves))
			}
		} else {
			decoded, err := enc.NewDecoder().Bytes(body)
			if err != nil {
				return nil, nil, fmt.Errorf("decode charset: %w", err)
			}
			body = decoded
		}
	}
	body = declareUTF8(body)
	body, n := dropControls(body)
	if n > 0 {
		notes = append(notes, fmt.Sprintf("%d control characters dropped or made spaces", n))
	}
	return body, notes, nil
}

// declareUTF8 rewrites the encoding the document's XML declarations
// name, now that it is UTF-8, to UTF-8.
func declareUTF8(body []byte) []byte {
	var out []byte
	at := 0
	for _, m := range xmlDecl.FindAllSubmatchIndex(body[:min(len(body), declHead)], -1) {
		if m[2] < 0 || strings.EqualFold(string(body[m[2]:m[3]]), "utf-8") {
			continue
		}
		out = append(append(out, body[at:m[2]]...), "UTF-8"...)
		at = m[3]
	}
	if out == nil {
		return body
	}
	return append(out, body[at:]...)
}

// MendUTF8 returns body, a document that is UTF-8 but for a few stray
// bytes, with those read as Windows-1252, as ToUTF8 reads a feed so; ok
// is false, and body as it was, when more of its non-ASCII bytes are not
// UTF-8 than are: it is in another encoding.
func MendUTF8(body []byte) (mended []byte, ok bool) {
	if !mostlyUTF8(body) {
		return body, false
	}
	mended, _, _ = fixUTF8(body, charmap.Windows1252)
	return mended, true
}

// mostlyUTF8 reports whether more of body's non-ASCII bytes form valid
// UTF-8 than do not: a UTF-8 document with a few stray bytes, rather than
// one in another encoding (whose byte pairs now and then happen to be
// valid UTF-8, as GB2312's often are).
func mostlyUTF8(body []byte) bool {
	valid, invalid := 0, 0
	for i := 0; i < len(body); {
		if body[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(body[i:])
		if _, ok := surrogateHalf(body[i:]); ok {
			valid += 3
			n = 3
		} else if r == utf8.RuneError && n == 1 {
			invalid++
		} else {
			valid += n
		}
		i += n
	}
	return valid > invalid
}

// feedLanguage finds the language a feed declares near its start: RSS's
// <language>, Dublin Core's <dc:language>, or an xml:lang attribute. Tags
// and attributes are ASCII in every encoding a feed may come in.
var feedLanguage = regexp.MustCompile(`(?i)<(?:dc:)?language>\s*([a-z]{2,3}(?:[-_][a-z0-9]{2,8})*)\s*</|\bxml:lang\s*=\s*["']([a-z]{2,3}(?:[-_][a-z0-9]{2,8})*)["']`)

// languageEncodings are the legacy encodings a document in a language is
// usually in when it does not say (the defaults browsers use for the
// language's locale); Japanese has two in common use.
var languageEncodings = map[string][]string{
	"zh": {"gb18030"}, "ja": {"shift_jis", "euc-jp"}, "ko": {"euc-kr"},
	"ru": {"windows-1251"}, "uk": {"windows-1251"}, "be": {"windows-1251"}, "bg": {"windows-1251"},
	"sr": {"windows-1251"}, "mk": {"windows-1251"},
	"pl": {"windows-1250"}, "cs": {"windows-1250"}, "sk": {"windows-1250"}, "hu": {"windows-1250"},
	"sl": {"windows-1250"}, "hr": {"windows-1250"}, "ro": {"windows-1250"},
	"el": {"windows-1253"}, "tr": {"windows-1254"}, "he": {"windows-1255"}, "iw": {"windows-1255"},
	"ar": {"windows-1256"}, "fa": {"windows-1256"}, "ur": {"windows-1256"},
	"lt": {"windows-1257"}, "lv": {"windows-1257"}, "et": {"windows-1257"},
	"vi": {"windows-1258"}, "th": {"windows-874"},
}

// languageEncoding returns the encoding body's declared language is
// usually in, with the language and the encoding's name; nil when the
// feed declares no language or one written in Windows-1252 anyway. Of
// several candidates (Japanese) the one that decodes with the fewest
// errors wins.
func languageEncoding(body []byte) (lang, name string, enc encoding.Encoding) {
	m := feedLanguage.FindSubmatch(body[:min(len(body), 4096)])
	if m == nil {
		return "", "", nil
	}
	lang = strings.ToLower(strings.ReplaceAll(string(m[1])+string(m[2]), "_", "-"))
	primary, region, _ := strings.Cut(lang, "-")
	labels := languageEncodings[primary]
	if primary == "zh" && (region == "tw" || region == "hk" || region == "mo" || strings.HasPrefix(region, "hant")) {
		labels = []string{"big5"}
	}
	if len(labels) == 1 {
		// One candidate: decode leaves it to its caller, not done twice.
		enc, name = charset.Lookup(labels[0])
		return lang, name, enc
	}
	fewest := -1
	for _, l := range labels {
		e, n := charset.Lookup(l)
		if e == nil {
			continue
		}
		out, err := e.NewDecoder().Bytes(body)
		if err != nil {
			continue
		}
		if bad := bytes.Count(out, []byte("\uFFFD")); fewest < 0 || bad < fewest {
			fewest, name, enc = bad, n, e
		}
	}
	return lang, name, enc
}

// doubleByteEncoding returns the Chinese, Japanese or Korean encoding a
// document that declares neither its encoding nor its language is in, told
// by the shape of its bytes, with the encoding's name; nil when the bytes
// do not say it clearly. In those encodings every byte from 0x80 leads a
// pair, whose second byte is no space, digit or punctuation: a document in
// a Windows code page (a Latin letter with an accent before a space, an
// odd-length Cyrillic word, typographic quotes below 0xA1) is not one.
// Their letters come in runs, where a Latin text's accented letters that
// happen to pair with the next letter ("ção") stand alone: half the pairs
// at least must be next to another. Pairs whose both bytes are from 0xA1
// are EUC: Japanese when a quarter of them at least are kana (rows 0xA4
// and 0xA5, which Japanese writes between its kanji, and Chinese and
// Korean seldom use), Korean when almost all its letters are Hangul
// syllables (rows 0xB0 to 0xC8), else GB2312; Big5 pairs often end below
// 0xA1, and its common characters lead with 0xA4 to 0xC6, where a Latin-1
// text's lower-case letters never do. The guess must decode without a
// fault. Japanese in Shift_JIS, whose pairs may lead below 0xA1, is told
// first (see isShiftJIS).
func doubleByteEncoding(body []byte) (name string, enc encoding.Encoding) {
	if isShiftJIS(body) {
		enc, name = charset.Lookup("shift_jis")
		return name, enc
	}
	var pairs, inRuns, lowTrail, letters, hangul, kana, big5Common int
	run, lastEnd := 0, -2 // the pairs of the current run, where the last ended
	for i := 0; i < len(body); i++ {
		lead := body[i]
		if lead < 0x80 {
			continue
		}
		if lead < 0xa1 || lead == 0xff || i+1 == len(body) || body[i+1] < 0x40 || body[i+1] == 0x7f || body[i+1] == 0xff {
			return "", nil
		}
		if run = run + 1; i != lastEnd+1 {
			run = 1
		}
		switch {
		case run == 2:
			inRuns += 2
		case run > 2:
			inRuns++
		}
		i++
		lastEnd = i
		pairs++
		if body[i] < 0xa1 {
			lowTrail++
		}
		if lead == 0xa4 || lead == 0xa5 {
			kana++
		}
		if lead >= 0xb0 {
			letters++
			if lead <= 0xc8 {
				hangul++
			}
		}
		if lead >= 0xa4 && lead <= 0xc6 {
			big5Common++
		}
	}
	var label string
	switch {
	case pairs < 4 || inRuns*2 < pairs:
		return "", nil
	case lowTrail == 0 && kana*4 >= pairs:
		label = "euc-jp"
	case lowTrail == 0 && hangul*10 >= letters*9:
		label = "euc-kr"
	case lowTrail == 0:
		label = "gb18030"
	case big5Common*3 >= pairs*2:
		label = "big5"
	default:
		return "", nil
	}
	enc, name = charset.Lookup(label)
	if !readsWhole(enc, body) {
		return "", nil
	}
	return name, enc
}

// isShiftJIS reports whether body is Japanese in Shift_JIS: each byte
// from 0x80 is a half-width katakana (0xA1 to 0xDF) or leads a pair
// (0x81 to 0x9F, 0xE0 to 0xFC) whose second byte is from 0x40 but 0x7F,
// a quarter of the pairs at least are kana (led by 0x82 and 0x83, which
// Windows-1252 reads as a low quote and "ƒ", and no text there writes
// so), and it decodes without a fault.
func isShiftJIS(body []byte) bool {
	var pairs, kana int
	for i := 0; i < len(body); i++ {
		lead := body[i]
		switch {
		case lead < 0x80 || lead >= 0xa1 && lead <= 0xdf:
			continue
		case lead == 0x80 || lead == 0xa0 || lead > 0xfc || i+1 == len(body) || body[i+1] < 0x40 || body[i+1] == 0x7f || body[i+1] > 0xfc:
			return false
		}
		i++
		pairs++
		if lead == 0x82 || lead == 0x83 {
			kana++
		}
	}
	enc, _ := charset.Lookup("shift_jis")
	return pairs >= 4 && kana*4 >= pairs && readsWhole(enc, body)
}

// isMultiByte reports whether the encoding named is one of the encodings of Chinese,
// Japanese and Korean that read a byte from 0x80 with the next, which
// only some bytes may be.
func isMultiByte(name string) bool {
	switch name {
	case "gbk", "gb18030", "big5", "shift_jis", "euc-jp", "euc-kr":
		return true
	}
	return false
}

// readsWhole reports whether body decodes in enc without a fault.
func readsWhole(enc encoding.Encoding, body []byte) bool {
	out, err := enc.NewDecoder().Bytes(body)
	return err == nil && !bytes.ContainsRune(out, utf8.RuneError)
}

// utf16Encoding returns the UTF-16 encoding body is in, or nil.
func utf16Encoding(body []byte) encoding.Encoding {
	switch {
	case bytes.HasPrefix(body, []byte{0xff, 0xfe}) && !bytes.HasPrefix(body, []byte{0xff, 0xfe, 0, 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(body, []byte{0xfe, 0xff}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM)
	case bytes.HasPrefix(body, []byte{'<', 0, '?', 0}), bytes.HasPrefix(body, []byte{'{', 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)
	case bytes.HasPrefix(body, []byte{0, '<', 0, '?'}), bytes.HasPrefix(body, []byte{0, '{'}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)
	}
	return nil
}

// skipToMarkup drops bytes before the first "<" or "{" when they are few
// and not text: stray bytes after a byte-order mark, a second mark.
func skipToMarkup(body []byte) []byte {
	i := bytes.IndexAny(body[:min(len(body), 1024)], "<{[")
	if i <= 0 {
		return body
	}
	if len(bytes.TrimSpace(body[:i])) == 0 {
		return body
	}
	for _, c := range body[:i] {
		if c >= 0x20 && c < 0x7f && c != ' ' {
			return body // words before the markup: not stray bytes
		}
	}
	return body[i:]
}

// strayCharmap returns the code page, and its name, a UTF-8 document's
// stray bytes are read in: the single-byte one usual for the language it
// declares (a Russian feed's are Windows-1251: an item that a site's
// older database keeps in that code page, pasted into its UTF-8
// template), else Windows-1252.
func strayCharmap(body []byte) (*charmap.Charmap, string) {
	if _, name, e := languageEncoding(body); e != nil {
		// charset.Lookup's encodings hide their code page; htmlindex
		// gives it by the same name.
		if e, err := htmlindex.Get(name); err == nil {
			if cm, ok := e.(*charmap.Charmap); ok {
				return cm, strings.Replace(name, "windows", "Windows", 1)
			}
		}
	}
	return charmap.Windows1252, "Windows-1252"
}

// fixUTF8 keeps the valid UTF-8 of body and reads each invalid byte in
// the code page stray, saying how many there were; a body with no
// multi-byte UTF-8 at all is in stray throughout (an encoding, not a
// fault). A
// character beyond the Basic Multilingual Plane written as its two
// surrogate halves, each encoded as UTF-8 would encode it (CESU-8, as
// Java's modified UTF-8 and MySQL's old "utf8" write an emoji), is that
// character; a half on its own is dropped. halves says how many halves
// there were.
func fixUTF8(body []byte, stray *charmap.Charmap) (out []byte, fixed, halves int) {
	multi := false
	for i := 0; i < len(body) && !multi; {
		r, n := utf8.DecodeRune(body[i:])
		_, half := surrogateHalf(body[i:])
		multi = n > 1 && r != utf8.RuneError || half
		i += n
	}
	dec := stray.NewDecoder()
	if !multi {
		if out, err := dec.Bytes(body); err == nil {
			return out, 0, 0
		}
	}
	out = make([]byte, 0, len(body)+len(body)/16)
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if hi, ok := surrogateHalf(body[i:]); ok {
			halves++
			lo, ok := surrogateHalf(body[i+3:])
			if ok && utf16.IsSurrogate(hi) && hi < 0xDC00 && lo >= 0xDC00 {
				out = utf8.AppendRune(out, utf16.DecodeRune(hi, lo))
				halves++
				i += 6
				continue
			}
			i += 3
			continue
		}
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, stray.DecodeByte(body[i]))
			fixed++
		} else {
			out = append(out, body[i:i+n]...)
		}
		i += n
	}
	return out, fixed, halves
}

// surrogateHalf returns the UTF-16 surrogate half b starts with, encoded
// as UTF-8 encodes a character (ED A0–BF 80–BF), which UTF-8 forbids.
func surrogateHalf(b []byte) (rune, bool) {
	if len(b) < 3 || b[0] != 0xED || b[1] < 0xA0 || b[1] > 0xBF || b[2] < 0x80 || b[2] > 0xBF {
		return 0, false
	}
	return 0xD000 | rune(b[1]&0x3F)<<6 | rune(b[2]&0x3F), true
}

// windowsSiblings are, for ISO 8859 encodings, the Windows code page of
// the same script: it gives characters (letters of the script, typographic
// quotes and dashes) to the bytes the ISO encoding leaves to the C1 control
// characters or to none.
var windowsSiblings = map[string]struct {
	iso, windows *charmap.Charmap
	name         string
}{
	"iso-8859-2":   {charmap.ISO8859_2, charmap.Windows1250, "windows-1250"},
	"iso-8859-5":   {charmap.ISO8859_5, charmap.Windows1251, "windows-1251"},
	"iso-8859-6":   {charmap.ISO8859_6, charmap.Windows1256, "windows-1256"},
	"iso-8859-7":   {charmap.ISO8859_7, charmap.Windows1253, "windows-1253"},
	"iso-8859-8":   {charmap.ISO8859_8, charmap.Windows1255, "windows-1255"},
	"iso-8859-8-i": {charmap.ISO8859_8, charmap.Windows1255, "windows-1255"},
	"iso-8859-13":  {charmap.ISO8859_13, charmap.Windows1257, "windows-1257"},
	"iso-8859-15":  {charmap.ISO8859_15, charmap.Windows1252, "windows-1252"},
}

// windowsSibling returns the Windows code page of the declared ISO 8859
// encoding's script, with its name, when the body holds bytes the ISO
// encoding reads as a C1 control character or as none (no text holds
// one) and the code page reads every byte of it as a character: text
// written on Windows and declared as its ISO sibling, as Central European,
// Greek, Hebrew and Arabic sites declare theirs. Else it returns nil; so
// too when the ISO encoding reads more of the bytes as letters where the
// code page reads neither letters nor quotation marks ("ą" where it reads
// "±"): that is text in the ISO encoding with a character pasted from a
// Windows program (a typographic quote), whose letters the code page
// would garble.
func windowsSibling(name string, body []byte) (encoding.Encoding, string) {
	sibling, ok := windowsSiblings[name]
	if !ok {
		return nil, ""
	}
	var seen [256]int
	for _, c := range body {
		seen[c]++
	}
	noCharacter := func(r rune) bool { return r == utf8.RuneError || 0x80 <= r && r <= 0x9f }
	tell := false
	letters := 0 // the code page's letters less the ISO encoding's
	for c := 0x80; c < 0x100; c++ {
		if seen[c] == 0 {
			continue
		}
		w, iso := sibling.windows.DecodeByte(byte(c)), sibling.iso.DecodeByte(byte(c))
		if noCharacter(w) {
			return nil, ""
		}
		tell = tell || noCharacter(iso)
		switch {
		case isLetter(w) && !isLetter(iso):
			letters += seen[c]
		case isLetter(iso) && !isLetter(w) && !isQuote(w):
			// Not a guillemet: Windows-1251's, in every other Russian
			// title, are letters of ISO-8859-5.
			letters -= seen[c]
		}
	}
	if !tell || letters < 0 {
		return nil, ""
	}
	return sibling.windows, sibling.name
}

// dropControls removes the characters XML allows nowhere: the C0 control
// characters other than tab, line feed and carriage return, which neither
// XML nor JSON allows raw, and the noncharacters U+FFFE and U+FFFF (a
// byte-order mark read the wrong way round, a program's placeholder for
// no character), on which Go's XML decoder stops as it does on a control.
// It says how many there were. A vertical tab or form feed is white space,
// a line break to whoever wrote it (Word writes its manual line break
// as a vertical tab, and mail pasted into a feed keeps it), and becomes
// a space: the words on either side stay apart.
func dropControls(body []byte) ([]byte, int) {
	i := 0
	for i < len(body) && illegalAt(body, i) == 0 {
		i++
	}
	if i == len(body) {
		return body, 0
	}
	out := append([]byte(nil), body[:i]...)
	n := 0
	for i < len(body) {
		k := illegalAt(body, i)
		if k == 0 {
			out = append(out, body[i])
			i++
			continue
		}
		if body[i] == '\v' || body[i] == '\f' {
			out = append(out, ' ')
		}
		n++
		i += k
	}
	return out, n
}

// illegalAt is the length of the character at body[i] if dropControls
// drops it (U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8), else 0.
func illegalAt(body []byte, i int) int {
	switch c := body[i]; {
	case c < 0x20 && c != '\t' && c != '\n' && c != '\r':
		return 1
	case c == 0xEF && i+2 < len(body) && body[i+1] == 0xBF && body[i+2] >= 0xBE:
		return 3
	}
	return 0
}

func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return params["charset"]
}

// serverDefaultLast returns the labels, the header's charset first and
// then the document's declarations, with the header's after them when it
// names ISO-8859-1 or its kin (US-ASCII, Windows-1252: one encoding to
// WHATWG) and a declaration names another encoding: that is the default
// of HTTP/1.1, which Apache's AddDefaultCharset and Java's servlet
// containers add knowing nothing of the document, and a Greek or Russian
// feed declaring its code page was read as Latin-1, every letter garbled.
func serverDefaultLast(labels []string) []string {
	if len(labels) < 2 {
		return labels
	}
	if _, name := lookupEncoding(labels[0]); name != "windows-1252" {
		return labels
	}
	for _, l := range labels[1:] {
		if enc, name := lookupEncoding(l); enc != nil && name != "utf-8" && name != "windows-1252" {
			return append(append([]string{}, labels[1:]...), labels[0])
		}
	}
	return labels
}

// pickEncoding returns the first usable non-UTF-8 encoding among the
// labels, with its name; nil when there is none.
func pickEncoding(labels ...string) (encoding.Encoding, string) {
	for _, l := range labels {
		if l == "" {
			continue
		}
		enc, name := lookupEncoding(l)
		if enc != nil && name != "utf-8" {
			return enc, name
		}
	}
	return nil, ""
}

// lookupEncoding returns the encoding a label names (see charset.Lookup),
// also as generators misspell it: with "_" for "-", as Java and Python
// name encodings ("EUC_JP", "ISO8859_2"), with a "-" too many ("cp-1251",
// which SimplePie's users met) or too few ("windows1251", "win-1251").
func lookupEncoding(label string) (encoding.Encoding, string) {
	if enc, name := charset.Lookup(label); enc != nil {
		return enc, name
	}
	l := strings.ToLower(strings.TrimSpace(label))
	bare := strings.NewReplacer("-", "", "_", "", " ", "").Replace(l)
	tries := []string{strings.ReplaceAll(l, "_", "-"), bare}
	for _, prefix := range []string{"windows", "win"} {
		if n, ok := strings.CutPrefix(bare, prefix); ok && len(n) == 4 && strings.HasPrefix(n, "12") {
			tries = append(tries, "windows-"+n)
		}
	}
	for _, t := range tries {
		if enc, name := charset.Lookup(t); enc != nil {
			return enc, name
		}
	}
	return nil, ""
}
