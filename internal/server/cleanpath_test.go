package server

import (
	"bytes"
	"net/http"
	"testing"
)

// TestUncleanAPIPathsAnswerAsTheirCleanForm checks the API paths that
// hold a doubled slash or a dot segment, as an app joining a base URL
// that ends in a slash with a path that begins with one asks for: each
// answers its clean path's document with the API's headers, and a
// preflight of one answers 204, as a static host that merges slashes
// answers them. A redirect carries no CORS headers, and a preflight
// cannot follow one: the browser refused both.
func TestUncleanAPIPathsAnswerAsTheirCleanForm(t *testing.T) {
	st := genStore(t, 40)
	_, ts := newTestServer(t, st, nil)
	cases := []struct{ path, clean string }{
		{"//api/news/", "/api/news/"},
		{"/api//news/page/1/", "/api/news/page/1/"},
		{"/api/news/./index.json", "/api/news/index.json"},
		{"/api/stories/../news/", "/api/news/"},
		{"/x/../api/topics/", "/api/topics/"},
		{"//feeds/rss.xml", "/feeds/rss.xml"},
	}
	origin := map[string]string{"Origin": "https://app.example"}
	for _, c := range cases {
		_, want := get(t, ts.URL+c.clean, nil)
		resp, body := getRaw(t, ts.URL, c.path, http.MethodGet, origin)
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
			t.Errorf("GET %s: %s, want 200 and the document of %s", c.path, resp.Status, c.clean)
		}
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("GET %s: no Access-Control-Allow-Origin", c.path)
		}
		resp, _ = getRaw(t, ts.URL, c.path, http.MethodOptions, map[string]string{"Origin": "https://app.example",
			"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "If-None-Match"})
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("preflight of %s: %s, want 204 with Access-Control-Allow-Origin", c.path, resp.Status)
		}
	}
}

// getRaw sends a request for a path as it is written, which the client
// would clean otherwise, and follows no redirect.
func getRaw(t *testing.T, base, path, method string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Path, req.URL.RawPath = path, ""
	req.URL.Opaque = "//" + req.URL.Host + path // sent as it is
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(resp.Body); err != nil {
		t.Fatal(err)
	}
	return resp, b.Bytes()
}
