package publish

import "newshub/internal/openapi"

// apiEntry is one entry point of the API as api/ lists it.
type apiEntry struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Description string `json:"description"`
}

// apiIndexDoc is the document of api/ itself (newshub's addition): the
// API's entry points with their URLs, so a client exploring the API from
// its root finds the lists and the reference instead of a 404.
func (v *View) apiIndexDoc() ([]byte, error) {
	entries := []apiEntry{
		{"news", v.apiURL("news"), "Published news, newest first, 30 a page; a topic's at api/news/<topic-id>/."},
		{"topics", v.apiURL("topics"), "The taxonomy."},
		{"stories", v.apiURL("stories"), "Stories: the articles of several publishers about one event."},
		{"events", v.apiURL("events"), "Events; future/ ascending, past/ descending by start."},
		{"people", v.apiURL("people"), "People by heat, and people collections."},
		{"learning", v.apiURL("learning"), "Learning resources by heat, and learning collections."},
		{"newsletters", v.apiURL("newsletters"), "Daily newsletter issues, newest first."},
		{"openapi", v.base + "/" + openapi.Path, "The OpenAPI document of every path, search included."},
	}
	return encodeIndent(struct {
		Value []apiEntry `json:"value"`
	}{entries}, "")
}
