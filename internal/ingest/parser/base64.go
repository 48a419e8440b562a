package parser

import (
	"bytes"
	"encoding/base64"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// decodeBase64Texts returns doc with the text of each element that Atom
// 0.3 marks mode="base64" decoded, in a CDATA section; doc itself when
// it has none. gofeed decodes such a text only when its type is not a
// text type, and Atom 0.3 gives one ("text/html") to most content. A
// text that does not decode is left as it is.
func decodeBase64Texts(doc []byte) []byte {
	if !bytes.Contains(doc, []byte("base64")) {
		return doc
	}
	var out []byte
	done := 0
	for a := range tagAttrs(doc, "mode") {
		if a.name < done || string(doc[a.start:a.end]) != "base64" {
			continue
		}
		tagEnd := bytes.IndexByte(doc[a.end:], '>')
		if tagEnd < 0 {
			continue // not in a start tag
		}
		textStart := a.end + tagEnd + 1
		textEnd := bytes.IndexByte(doc[textStart:], '<')
		if doc[textStart-2] == '/' || textEnd < 0 {
			continue
		}
		textEnd += textStart
		text, ok := decodeBase64(doc[textStart:textEnd])
		if !ok {
			continue
		}
		out = append(out, doc[done:textStart]...)
		out = append(out, "<![CDATA["...)
		out = append(out, bytes.ReplaceAll(text, []byte("]]>"), []byte("]]]]><![CDATA[>"))...)
		out = append(out, "]]>"...)
		done = textEnd
	}
	if out == nil {
		return doc
	}
	return append(out, doc[done:]...)
}

// decodeBase64 decodes a base64 text, line breaks and all, as UTF-8 (its
// stray bytes, if any, read as Windows-1252, as a document's are).
func decodeBase64(b []byte) ([]byte, bool) {
	b = bytes.Map(func(r rune) rune {
		if r < utf8.RuneSelf && isSpace(byte(r)) {
			return -1
		}
		return r
	}, b)
	text, err := base64.StdEncoding.AppendDecode(nil, b)
	if err != nil {
		return nil, false
	}
	if !utf8.Valid(text) {
		text, _, _ = fixUTF8(text, charmap.Windows1252)
	}
	return text, true
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
