package publish

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/site"
)

// TestFeedsHoldNoCharacterXMLForbids imports a record whose title,
// excerpt and provider hold control characters (a vertical tab, as word
// processors write a line break, a terminal's escape, a backspace) and a
// noncharacter. Its RSS and Atom feeds are XML a strict parser reads,
// holding neither those characters nor U+FFFD in their stead; the JSON
// Feed gives the same text, the one the website shows (site.SafeText:
// DEL, which XML allows and HTML does not, is left out of both); every
// other character is kept; and the stored record keeps what was imported.
func TestFeedsHoldNoCharacterXMLForbids(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	// Ingested from the publisher's feed, which the RSS item's <source>
	// names with the publisher's name.
	importDir(t, st, "testdata/controls", func(r *model.Record) {
		if r.Article != nil {
			r.Article.Source = "https://www.harbor-gazette.example/feed.xml"
		}
	})
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	const (
		title    = "Harbor plan approved: the «Café Müller» pier, 東京-style[0m"
		excerpt  = "The council voted seven to two. Work starts in spring."
		provider = "Harbor Gazette"
	)
	for _, tc := range []struct {
		name string
		read func(body []byte) (title, excerpt, provider string, err error)
	}{
		{"feeds/rss.xml", readRSS},
		{"feeds/atom.xml", readAtom},
		{"feeds/feed.json", readJSONFeed},
	} {
		d, err := h.Doc(ctx, tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if strings.ContainsRune(string(d.Body), '\uFFFD') {
			t.Errorf("%s holds U+FFFD", tc.name)
		}
		gotTitle, gotExcerpt, gotProvider, err := tc.read(d.Body)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if gotTitle != title || gotExcerpt != excerpt || gotProvider != provider {
			t.Errorf("%s: %q, %q, %q; want %q, %q, %q", tc.name, gotTitle, gotExcerpt, gotProvider, title, excerpt, provider)
		}
	}
	rec, err := st.Get(ctx, "_news/2026-10-19-harbor-plan-approved.md")
	if err != nil || rec == nil || rec.Article == nil {
		t.Fatalf("stored record: %v, %v", rec, err)
	}
	if want := "Harbor plan\vapproved:\x01 the «Café Müller» pier, 東京-style\x1b[0m\x7f"; rec.Article.Title != want {
		t.Errorf("stored title %q; want %q as imported", rec.Article.Title, want)
	}
}

// decodeStrict decodes an XML document as a strict parser does: a
// character XML forbids is an error.
func decodeStrict(body []byte, v any) error {
	dec := xml.NewDecoder(strings.NewReader(string(body)))
	dec.Strict = true
	if err := dec.Decode(v); err != nil {
		return err
	}
	for {
		if _, err := dec.Token(); errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func readRSS(body []byte) (title, excerpt, provider string, err error) {
	var doc struct {
		Items []struct {
			Title       string `xml:"title"`
			Description string `xml:"description"`
			Source      string `xml:"source"`
		} `xml:"channel>item"`
	}
	if err := decodeStrict(body, &doc); err != nil {
		return "", "", "", err
	}
	if len(doc.Items) != 1 {
		return "", "", "", errors.New("not one item")
	}
	it := doc.Items[0]
	return it.Title, it.Description, it.Source, nil
}

func readAtom(body []byte) (title, excerpt, provider string, err error) {
	var doc struct {
		Entries []struct {
			Title   string `xml:"title"`
			Summary string `xml:"summary"`
			Author  string `xml:"author>name"`
		} `xml:"entry"`
	}
	if err := decodeStrict(body, &doc); err != nil {
		return "", "", "", err
	}
	if len(doc.Entries) != 1 {
		return "", "", "", errors.New("not one entry")
	}
	e := doc.Entries[0]
	return e.Title, e.Summary, e.Author, nil
}

func readJSONFeed(body []byte) (title, excerpt, provider string, err error) {
	var doc struct {
		Items []struct {
			Title   string `json:"title"`
			Summary string `json:"summary"`
			Authors []struct {
				Name string `json:"name"`
			} `json:"authors"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", "", "", err
	}
	if len(doc.Items) != 1 || len(doc.Items[0].Authors) != 1 {
		return "", "", "", errors.New("not one item with one author")
	}
	it := doc.Items[0]
	return it.Title, it.Summary, it.Authors[0].Name, nil
}

// TestNewsletterFeedsHoldNoCharacterXMLForbids imports an issue whose
// title and excerpt hold control characters and a noncharacter: the
// feeds of issues are XML a strict parser reads, without U+FFFD, and
// give the text the website's newsletter pages show.
func TestNewsletterFeedsHoldNoCharacterXMLForbids(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importDir(t, st, "testdata/controls", nil)
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	h, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	const (
		title   = "Harbor Hub (2026-10-19) "
		excerpt = "Harbor plan approved / Pier vote passes"
	)
	for _, tc := range []struct {
		name string
		read func(body []byte) (title, excerpt string, err error)
	}{
		{"feeds/newsletters.rss.xml", func(body []byte) (string, string, error) {
			var doc struct {
				Items []struct {
					Title       string `xml:"title"`
					Description string `xml:"description"`
				} `xml:"channel>item"`
			}
			if err := decodeStrict(body, &doc); err != nil || len(doc.Items) != 1 {
				return "", "", fmt.Errorf("%d items: %v", len(doc.Items), err)
			}
			return doc.Items[0].Title, doc.Items[0].Description, nil
		}},
		{"feeds/newsletters.atom.xml", func(body []byte) (string, string, error) {
			var doc struct {
				Entries []struct {
					Title   string `xml:"title"`
					Summary string `xml:"summary"`
				} `xml:"entry"`
			}
			if err := decodeStrict(body, &doc); err != nil || len(doc.Entries) != 1 {
				return "", "", fmt.Errorf("%d entries: %v", len(doc.Entries), err)
			}
			return doc.Entries[0].Title, doc.Entries[0].Summary, nil
		}},
	} {
		d, err := h.Doc(ctx, tc.name)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if strings.ContainsRune(string(d.Body), '\uFFFD') {
			t.Errorf("%s holds U+FFFD", tc.name)
		}
		gotTitle, gotExcerpt, err := tc.read(d.Body)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if gotTitle != title || gotExcerpt != excerpt {
			t.Errorf("%s: %q, %q; want %q, %q", tc.name, gotTitle, gotExcerpt, title, excerpt)
		}
	}
}
