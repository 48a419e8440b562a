package parser

import (
	"bytes"
	"fmt"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
)

var xmlEncoding = regexp.MustCompile(`(?i)^(\s*<\?xml[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._:-]+)(["'])`)

// ToUTF8 returns body as UTF-8 without a byte-order mark, with any XML
// declaration's encoding rewritten to UTF-8 so the XML parser does not
// decode it twice.
//
// Valid UTF-8 is kept as it is whatever the feed declares: a multi-byte
// UTF-8 sequence is almost never meant as Latin-1, and feeds declaring
// ISO-8859-1 while sending UTF-8 are common. Otherwise the charset of the
// Content-Type header wins, then the XML declaration, then Windows-1252
// (the usual undeclared encoding, and a superset of ISO-8859-1 for text).
func ToUTF8(body []byte, contentType string) ([]byte, error) {
	body = bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))
	var declared string
	if m := xmlEncoding.FindSubmatch(body[:min(len(body), 512)]); m != nil {
		declared = string(m[3])
	}
	if !utf8.Valid(body) {
		enc := pickEncoding(headerCharset(contentType), declared)
		decoded, err := enc.NewDecoder().Bytes(body)
		if err != nil {
			return nil, fmt.Errorf("decode charset: %w", err)
		}
		body = decoded
	}
	if declared != "" && !strings.EqualFold(declared, "utf-8") {
		body = xmlEncoding.ReplaceAll(body, []byte("${1}${2}UTF-8${4}"))
	}
	return body, nil
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

// pickEncoding returns the first usable non-UTF-8 encoding among the
// labels, or Windows-1252.
func pickEncoding(labels ...string) encoding.Encoding {
	for _, l := range labels {
		if l == "" {
			continue
		}
		enc, name := charset.Lookup(l)
		if enc != nil && name != "utf-8" {
			return enc
		}
	}
	return charmap.Windows1252
}
