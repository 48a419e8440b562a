package parser

import (
	"os"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// FuzzParse reads damaged and hostile documents (through parse, so that
// a fault Parse would report as the feed's error fails the test), seeded with the corpus
// and the parser's own test files: whatever it makes of one, it must not
// panic, and every item it gives links to an http(s) address or to none,
// with a title that is text (valid UTF-8), as ingest stores them.
func FuzzParse(f *testing.F) {
	for _, dir := range []string{corpus, "testdata"} {
		files, err := filepath.Glob(filepath.Join(dir, "*"))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range files {
			data, err := os.ReadFile(p)
			if err != nil {
				continue // a folder (testdata/fuzz)
			}
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		feed, err := parse(data, "", "https://feeds.example/rss", false) // unguarded: a panic fails the test
		if err != nil {
			return
		}
		for i, it := range feed.Items {
			if it.Link != "" && !isHTTP(it.Link) {
				t.Fatalf("item %d links to %q", i, it.Link)
			}
			if !utf8.ValidString(it.Title) {
				t.Fatalf("item %d has a title that is not UTF-8: %q", i, it.Title)
			}
		}
	})
}
