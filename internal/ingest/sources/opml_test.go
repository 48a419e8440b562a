package sources

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// TestOPMLReadsTheEncodingsReadersWrite reads one list of feeds, a
// folder of them nested in another, as readers and editors save it: in
// UTF-16 (with its byte-order mark, as Windows tools write it), in a
// legacy encoding declared or not, with a UTF-8 byte-order mark. Each
// must give the feeds and their topics, accents and all, where UTF-16 and
// an undeclared Latin-1 file were refused as not UTF-8.
func TestOPMLReadsTheEncodingsReadersWrite(t *testing.T) {
	const doc = `<opml version="2.0"><head><title>Abonnements</title></head><body>
<outline text="Actualités"><outline text="Économie">
  <outline text="Le Café" type="rss" xmlUrl="https://cafe.example.fr/rss" category="Économie,Élection"/>
</outline></outline>
<outline text="Wire" type="rss" xmlUrl="https://wire.example.com/atom"/>
</body></opml>
`
	const decl = `<?xml version="1.0" encoding="%s"?>` + "\n"
	encode := func(enc encoding.Encoding, s string) []byte {
		b, err := enc.NewEncoder().Bytes([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	declared := func(label string) string { return fmt.Sprintf(decl, label) + doc }
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"UTF-8", []byte(declared("UTF-8"))},
		{"UTF-8 with a byte-order mark", append([]byte("\xef\xbb\xbf"), declared("UTF-8")...)},
		{"UTF-16 little-endian", encode(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), declared("UTF-16"))},
		{"UTF-16 big-endian", encode(unicode.UTF16(unicode.BigEndian, unicode.UseBOM), declared("UTF-16"))},
		{"ISO-8859-1 declared", encode(charmap.ISO8859_1, declared("ISO-8859-1"))},
		{"Windows-1252 declared", encode(charmap.Windows1252, declared("windows-1252"))},
		{"Latin-1 undeclared", encode(charmap.ISO8859_1, doc)},
	} {
		t.Run(c.name, func(t *testing.T) {
			srcs, err := ReadOPML(bytes.NewReader(c.data))
			if err != nil {
				t.Fatalf("ReadOPML: %v", err)
			}
			if len(srcs) != 2 || srcs[0].URL != "https://cafe.example.fr/rss" || srcs[1].URL != "https://wire.example.com/atom" {
				t.Fatalf("feeds %+v", srcs)
			}
			if want := []string{"Économie", "Élection"}; !slices.Equal(srcs[0].Topics, want) {
				t.Errorf("topics %q, want %q", srcs[0].Topics, want)
			}
		})
	}
}
