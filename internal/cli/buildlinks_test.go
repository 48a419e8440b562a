package cli

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// TestBuiltSiteLinksLeadToItsFiles builds a generated hub as a reader gets
// it and follows every link of its pages and feeds (relative ones, and the
// absolute ones under the hub's address: canonical links, the feeds' own
// and their items'): each must name a file of the build. The API's
// webUrl of events, people and learning name Smartable's web app, not the
// website, and are left out with the rest of the API.
func TestBuiltSiteLinksLeadToItsFiles(t *testing.T) {
	site := genSite(t, 300, 5)
	if code, _, stderr := run(t, "--site", site, "import"); code != 0 {
		t.Fatalf("import: %s", stderr)
	}
	out := filepath.Join(t.TempDir(), "out")
	if code, _, stderr := run(t, "--site", site, "build", "--now", buildNow, out); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	tree := treeOf(t, out)
	missing := map[string][]string{} // target: the files linking to it
	pages, followed := 0, 0
	for p, data := range tree {
		if !strings.HasSuffix(p, ".html") && !strings.HasPrefix(p, "feeds/") {
			continue
		}
		pages++
		for _, l := range links(p, data) {
			followed++
			if _, ok := tree[l]; !ok {
				missing[l] = append(missing[l], p)
			}
		}
	}
	if pages < 100 || followed < 10000 {
		t.Fatalf("only %d links of %d files followed", followed, pages)
	}
	var targets []string
	for l := range missing {
		targets = append(targets, l)
	}
	sort.Strings(targets)
	for _, l := range targets {
		from := missing[l]
		sort.Strings(from)
		t.Errorf("%s, linked from %d files (%s), is not in the build", l, len(from), from[0])
	}
}
