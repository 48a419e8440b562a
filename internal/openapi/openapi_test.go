package openapi_test

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"newshub/internal/openapi"
)

// TestDocumentIsAValidOpenAPI31Document loads the document as kin-openapi
// does (which checks its structure: references, path parameters, unique
// operation ids, schemas) and checks what a reader relies on besides.
func TestDocumentIsAValidOpenAPI31Document(t *testing.T) {
	c, err := newChecker(openapi.Document(testBase))
	if err != nil {
		t.Fatal(err)
	}
	if !c.doc.IsOpenAPI31OrLater() || c.doc.OpenAPIMajorMinor() != "3.1" {
		t.Errorf("openapi %q, want 3.1.x", c.doc.OpenAPI)
	}
	tags := map[string]bool{}
	for _, tag := range c.doc.Tags {
		tags[tag.Name] = true
	}
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.OperationID == "" || op.Summary == "" || len(op.Tags) != 1 || !tags[op.Tags[0]] {
				t.Errorf("%s %s: operationId %q, summary %q, tags %v: want all three, with a declared tag", method, path, op.OperationID, op.Summary, op.Tags)
			}
		}
	}
	// Every component is used: a schema left behind documents nothing.
	raw := openapi.Document(testBase)
	var doc struct {
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	for kind, entries := range doc.Components {
		for name := range entries {
			ref := []byte(`"#/components/` + kind + `/` + name + `"`)
			if !bytes.Contains(raw, ref) {
				t.Errorf("components/%s/%s is never referred to", kind, name)
			}
		}
	}
}

func TestDocumentNamesTheHubAsItsServer(t *testing.T) {
	tests := []struct {
		base, want string
	}{
		{"https://news.example.org", "https://news.example.org"},
		{"https://example.org/hub/", "https://example.org/hub"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{`https://example.org/a"b`, `https://example.org/a"b`},
		{"", "https://hub.example.org"},
	}
	plain := openapi.Document("")
	server := regexp.MustCompile(`"url": "(?:[^"\\]|\\.)*"`)
	for _, tt := range tests {
		got := openapi.Document(tt.base)
		var doc struct {
			Servers []struct {
				URL string `json:"url"`
			} `json:"servers"`
		}
		if err := json.Unmarshal(got, &doc); err != nil {
			t.Fatalf("Document(%q): %v", tt.base, err)
		}
		if len(doc.Servers) != 1 || doc.Servers[0].URL != tt.want {
			t.Errorf("Document(%q) servers %+v, want one, %s", tt.base, doc.Servers, tt.want)
		}
		// Nothing else changes.
		if a, b := server.ReplaceAll(got, nil), server.ReplaceAll(plain, nil); !bytes.Equal(a, b) {
			t.Errorf("Document(%q) changes more than the server URL", tt.base)
		}
	}
	if strings.Count(string(plain), `"url": "https://hub.example.org"`) != 1 {
		t.Error("openapi.json must name the placeholder server exactly once")
	}
}
