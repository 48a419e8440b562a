package openapi_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"newshub/internal/openapi"
)

// edit changes a decoded JSON document at a JSON pointer: sets the value,
// or removes the key when remove is true.
func edit(doc any, pointer string, value any, remove bool) error {
	toks := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	cur := doc
	for i, tok := range toks {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		last := i == len(toks)-1
		switch n := cur.(type) {
		case map[string]any:
			if last {
				if _, ok := n[tok]; !ok && remove {
					return fmt.Errorf("%s: no %q to remove", pointer, tok)
				}
				if remove {
					delete(n, tok)
				} else {
					n[tok] = value
				}
				return nil
			}
			next, ok := n[tok]
			if !ok {
				return fmt.Errorf("%s: no %q", pointer, tok)
			}
			cur = next
		case []any:
			k, err := strconv.Atoi(tok)
			if err != nil || k < 0 || k >= len(n) {
				return fmt.Errorf("%s: bad index %q", pointer, tok)
			}
			if last {
				n[k] = value
				return nil
			}
			cur = n[k]
		default:
			return fmt.Errorf("%s: %q is inside a %T", pointer, tok, cur)
		}
	}
	return nil
}

// TestValidationFailsWhenAnAnswerDeviates changes one thing in the
// document at a time (a field's type, a nullability, a required key, a
// key left out of a closed object, a header, a status, a media type) and
// checks that real answers of the server then fail validation: the
// document is strict enough that a change in an answer's shape would be
// caught. Each answer validates against the document as it is.
func TestValidationFailsWhenAnAnswerDeviates(t *testing.T) {
	hub := hubCases()[0].serve(t)
	words := searchWords(t, hub)
	article, story, learning := "", "", ""
	for _, p := range hub.paths {
		switch {
		case strings.HasPrefix(p, "api/news/20") && article == "":
			article = "/" + p
		case strings.HasPrefix(p, "api/stories/s-") && story == "":
			story = "/" + p
		case strings.HasPrefix(p, "api/learning/videos/") && learning == "":
			learning = "/" + p
		}
	}
	const (
		schemas = "/components/schemas/"
		del     = "delete"
	)
	tests := []struct {
		name    string
		pointer string
		value   any // del removes the key
		path    string
		want    string // in the validation error
	}{
		{"a news item's heat is a string", schemas + "NewsItemFields/properties/heat/type", "string", "/api/news/index.json", "/heat"},
		{"a news item has no locale", schemas + "NewsItemFields/properties/locale", del, "/api/news/index.json", "locale"},
		{"an image's title is never null", schemas + "NewsImage/properties/title/type", "string", "/api/news/index.json", "/title"},
		{"tags are a list", schemas + "NewsItemFields/properties/tags/type", "array", "/api/news/index.json", "/tags"},
		{"nextPage is a string", schemas + "NewsPage/properties/nextPage/type", "string", "/api/news/index.json", "/nextPage"},
		{"an article has no related list", schemas + "Article/properties", map[string]any{}, article, "/related"},
		{"a story's members are summaries", schemas + "Story/properties/members/items/$ref", "#/components/schemas/StorySummary", story, "/members/0"},
		{"voices count strings", schemas + "StoryFields/properties/voices/additionalProperties/type", "string", "/api/stories/index.json", "/voices/"},
		{"every topic has a parent", schemas + "Topic/required", []any{"name", "shortname", "id", "services", "parent"}, "/api/topics/index.json", "parent"},
		{"an event has no location", schemas + "Event/properties/location", del, "/api/events/index.json", "location"},
		{"a future list is titled Past", "/components/responses/FutureEvents/content/application~1json/schema/properties/title/const", "Past Events", "/api/events/future/index.json", "Past Events"},
		{"a topic event's price is a string", schemas + "EventV2/properties/price/type", "string", "/api/events/progressive-voice/page1/index.json", "/price"},
		{"a topic event's provider is never null", schemas + "EventV2/properties/provider", map[string]any{"$ref": "#/components/schemas/NewsProvider"}, "/api/events/conservative-voice/page1/index.json", "/provider"},
		{"the people list is titled Persons", schemas + "PeopleList/properties/title/const", "Persons", "/api/people/index.json", "Persons"},
		{"a collection has no topItems", schemas + "Person/properties/topItems", del, "/api/people/collections/index.json", "topItems"},
		{"learning heat is a string", schemas + "Learning/properties/heat/type", "string", "/api/learning/index.json", "/heat"},
		{"a learning item's content differs", schemas + "LearningItem/properties/content/const", "", learning, "/content"},
		{"JSON Feed 1.0", schemas + "JSONFeed/properties/version/const", "https://jsonfeed.org/version/1", "/feeds/feed.json", "version/1"},
		{"RSS under another media type", "/components/responses/RSS/content", map[string]any{"application/xml": map[string]any{}}, "/feeds/rss.xml", "Content-Type"},
		{"weak ETags", "/components/headers/ETag/schema/pattern", `^W/".*"$`, "/api/topics/index.json", "ETag"},
		{"CORS for one origin", "/components/headers/AllowOrigin/schema/const", "https://client.example", "/api/topics/index.json", "Access-Control-Allow-Origin"},
		{"documents are never cached", "/components/headers/CacheControl/schema", map[string]any{"const": "no-store"}, "/api/topics/index.json", "Cache-Control"},
		{"errors are numbers", schemas + "Error/properties/error/type", "integer", "/api/news/no-such-topic/index.json", "/error"},
		{"articles are never missing", "/paths/~1api~1news~1{year}~1{month}~1{day}~1{slug}~1index.json/get/responses/404", del, "/api/news/2001/01/01/no-such-article/index.json", "status is not supported"},
		{"search totals are strings", schemas + "SearchResults/properties/total/type", "string", "/api/search?q=" + words, "/total"},
		{"a hit always has a voice", schemas + "SearchHit/properties/voice/type", "string", "/api/search?q=" + words, "/voice"},
		{"searches never fail", "/paths/~1api~1search/get/responses/400", del, "/api/search?q=x&when=decade", "status is not supported"},
	}
	good, err := newChecker(openapi.Document(hub.url))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				t.Fatal("the generated hub has no document for this case")
			}
			ex := hub.get(t, tt.path, nil)
			if v := good.check(ex); v.response != nil {
				t.Fatalf("GET %s does not validate against the document as it is: %v", tt.path, v.response)
			}
			var doc any
			if err := json.Unmarshal(openapi.Document(hub.url), &doc); err != nil {
				t.Fatal(err)
			}
			if err := edit(doc, tt.pointer, tt.value, tt.value == del); err != nil {
				t.Fatal(err)
			}
			data, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			bad, err := newChecker(data)
			if err != nil {
				t.Fatalf("changed document: %v", err)
			}
			v := bad.check(ex)
			if v.response == nil {
				t.Fatalf("GET %s (%d) still validates after the change", tt.path, ex.resp.StatusCode)
			}
			if !strings.Contains(v.response.Error(), tt.want) {
				t.Errorf("GET %s fails, but not on %q: %.500s", tt.path, tt.want, v.response)
			}
		})
	}
}
