package sources

import (
	"io"

	"golang.org/x/net/html/charset"
)

// charsetReader decodes OPML files declared in encodings other than UTF-8.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	return charset.NewReaderLabel(label, input)
}
