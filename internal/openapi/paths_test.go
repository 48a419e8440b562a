package openapi_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/routers/gorillamux"

	"newshub/internal/openapi"
)

const testBase = "https://hub.test/site"

// TestEveryPublishedPathIsDocumented maps every file a build writes (which
// are the documents the server answers) to a documented path: a path the
// publisher gains without documentation fails here.
func TestEveryPublishedPathIsDocumented(t *testing.T) {
	c, err := newChecker(openapi.Document(testBase))
	if err != nil {
		t.Fatal(err)
	}
	for _, hc := range hubCases() {
		t.Run(hc.name, func(t *testing.T) {
			st, s := hc.open(t)
			paths := hc.paths(t, st, s, testBase)
			if len(paths) < 50 {
				t.Fatalf("the publisher lists only %d paths", len(paths))
			}
			for _, bad := range c.rt.undocumented(paths) {
				t.Error(bad)
			}
		})
	}
}

// TestAnUndocumentedPathIsReported takes a path out of the document and
// checks that the published files it covered are reported.
func TestAnUndocumentedPathIsReported(t *testing.T) {
	c, err := newChecker(openapi.Document(testBase))
	if err != nil {
		t.Fatal(err)
	}
	paths := []string{"api/topics/index.json", "api/news/page3/index.json", "api/news/economy/page/2/index.json"}
	if bad := c.rt.undocumented(paths); len(bad) != 0 {
		t.Fatalf("documented paths reported: %v", bad)
	}
	c.doc.Paths.Delete("/api/topics/index.json")
	c.doc.Paths.Delete("/api/news/page{page}/index.json")
	rt, err := newRouter(c.doc)
	if err != nil {
		t.Fatal(err)
	}
	bad := rt.undocumented(paths)
	// page3 then reads as a topic id, as a client of the document would.
	if len(bad) != 1 || !strings.Contains(bad[0], "api/topics/index.json") {
		t.Errorf("reported %q, want api/topics/index.json alone", bad)
	}
	if tp, _, err := rt.match("/api/news/page3/index.json"); err != nil || tp.path != "/api/news/{topic}/index.json" {
		t.Errorf("/api/news/page3/index.json matched %v (%v)", tp, err)
	}
}

// TestRouterDiffersFromGorillaMuxOnlyOnPageAliases routes every published
// path with kin-openapi's gorillamux router and with this package's: they
// agree except on the pageN spellings of paged lists, which gorillamux
// sends to the topic or story template beside them and the publisher
// reads as pages. Were there no difference, the library would do.
func TestRouterDiffersFromGorillaMuxOnlyOnPageAliases(t *testing.T) {
	c, err := newChecker(openapi.Document(testBase))
	if err != nil {
		t.Fatal(err)
	}
	gr, err := gorillamux.NewRouter(c.doc)
	if err != nil {
		t.Fatal(err)
	}
	hc := hubCases()[0]
	st, s := hc.open(t)
	pageAlias := regexp.MustCompile(`^api/(news|stories)/page[0-9]+/index\.json$`)
	differ := 0
	for _, p := range hc.paths(t, st, s, testBase) {
		mine, _, err := c.rt.match("/" + p)
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodGet, testBase+"/"+p, nil)
		route, _, err := gr.FindRoute(req)
		if err != nil {
			t.Errorf("gorillamux: %s: %v", p, err)
			continue
		}
		if route.Path == mine.path {
			continue
		}
		differ++
		if !pageAlias.MatchString(p) || !strings.Contains(mine.path, "/page{page}/") {
			t.Errorf("%s: gorillamux routes to %s, this router to %s", p, route.Path, mine.path)
		}
	}
	if differ == 0 {
		t.Error("gorillamux routes every published path as this router does: use it")
	}
}
