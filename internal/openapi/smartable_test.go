package openapi_test

import (
	"encoding/json"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"newshub/internal/openapi"
	"newshub/internal/testutil"
)

// validateBody checks a body against the schema the document gives the
// 200 answer of the path it was published at.
func (c *checker) validateBody(path string, body []byte) error {
	tpl, _, err := c.rt.match(path)
	if err != nil {
		return err
	}
	mt := tpl.item.Get.Responses.Status(http.StatusOK).Value.Content.Get("application/json")
	var value any
	if err := json.Unmarshal(body, &value); err != nil {
		return err
	}
	return mt.Schema.Value.VisitJSON(value, openapi3.EnableJSONSchema2020(), openapi3.VisitAsResponse())
}

// TestSmartableFilesFitTheDocument validates the real files of Smartable's
// API against the document: they fit, but for the one difference in shape
// the document lists (a news item's sourceUrl, null in Smartable's files,
// is the URL of its own document in newshub's), which a client of the
// files reading a newshub hub only sees filled in.
func TestSmartableFilesFitTheDocument(t *testing.T) {
	dir := filepath.Join(testutil.Shared(t, "smartable-sample"), "api")
	as := openapi.Document("https://smartableai.github.io/election")
	c, err := newChecker(as)
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(as, &doc); err != nil {
		t.Fatal(err)
	}
	if err := edit(doc, "/components/schemas/NewsItemFields/properties/sourceUrl/type", []any{"string", "null"}, false); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	smartable, err := newChecker(data)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(filepath.Dir(dir), p)
		path := "/" + filepath.ToSlash(rel)
		n++
		if err := smartable.validateBody(path, body); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		if strings.HasPrefix(path, "/api/news/") {
			if err := c.validateBody(path, body); err == nil || !strings.Contains(err.Error(), "/sourceUrl") {
				t.Errorf("%s: want a null sourceUrl to fail the document as it is, got %v", path, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 5 {
		t.Errorf("checked %d files of Smartable's API", n)
	}
}
