package metrics

import (
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"newshub/internal/testutil"
)

// metricName is a name of the hub's own metrics, as the code and the
// docs write it.
var metricName = regexp.MustCompile(`newshub_[a-z_]+[a-z]`)

// TestDeployDocNamesEveryMetric checks docs/deploy.md's table of metrics
// against the names this package registers: every metric is in the table,
// and the table names no metric the hub does not have.
func TestDeployDocNamesEveryMetric(t *testing.T) {
	root := testutil.Root(t)
	sources, err := filepath.Glob(filepath.Join(root, "internal", "metrics", "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	code := map[string]bool{}
	for _, p := range sources {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"(newshub_[a-z_]+)"`).FindAllStringSubmatch(string(data), -1) {
			code[m[1]] = true
		}
	}
	doc, err := os.ReadFile(filepath.Join(root, "docs", "deploy.md"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, n := range metricName.FindAllString(string(doc), -1) {
		documented[n] = true
	}
	// The ingest, curation, publishing, HTTP and store instruments at least.
	if len(code) < 15 {
		t.Fatalf("found %d metric names in the code", len(code))
	}
	for _, n := range slices.Sorted(maps.Keys(code)) {
		if !documented[n] {
			t.Errorf("docs/deploy.md does not name metric %s", n)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(documented)) {
		if !code[n] {
			t.Errorf("docs/deploy.md names metric %s, which the hub does not have", n)
		}
	}
}
