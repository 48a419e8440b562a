package openapi_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/testutil"
)

// docsHost is the address the examples of docs/api.md use: the demo's.
const docsHost = "http://127.0.0.1:8080"

// An example is a shell block of docs/api.md and the output shown after it.
type example struct {
	line   int // of the block's first command
	script string
	want   []string // the output the page shows
}

// examples reads the page's sh blocks; a text block right after one is its
// output.
func examples(t *testing.T, page string) []example {
	t.Helper()
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	var cur *strings.Builder
	info, start := "", 0
	afterSh := false // only blank lines since an sh block closed
	for i, l := range strings.Split(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(l, "```"):
			info, start, cur = strings.TrimPrefix(l, "```"), i+2, &strings.Builder{}
		case cur != nil && l == "```":
			switch {
			case info == "sh":
				out = append(out, example{line: start, script: cur.String()})
			case info == "text" && afterSh:
				out[len(out)-1].want = strings.Split(strings.TrimSuffix(cur.String(), "\n"), "\n")
			}
			cur, afterSh = nil, info == "sh"
		case cur != nil:
			cur.WriteString(l + "\n")
		case strings.TrimSpace(l) != "":
			afterSh = false
		}
	}
	return out
}

// matchLine reports whether a line of output fits a line the page shows,
// where … stands for any run of characters.
func matchLine(want, got string) bool {
	parts := strings.Split(want, "…")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile("^" + strings.Join(parts, ".*") + "$").MatchString(got)
}

// TestAPIDocExamplesRun runs every sh block of docs/api.md against a real
// server of a generated hub and compares what it prints with the output
// the page shows, so the page cannot drift from the server.
func TestAPIDocExamplesRun(t *testing.T) {
	for _, tool := range []string{"bash", "curl", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is missing (required under CI=true; scripts/test installs it)", tool)
			}
			t.Skipf("%s is not installed: the examples of docs/api.md are not run", tool)
		}
	}
	page := filepath.Join(testutil.Root(t), "docs", "api.md")
	exs := examples(t, page)
	if len(exs) < 8 {
		t.Fatalf("docs/api.md has %d sh blocks", len(exs))
	}
	hub := hubCases()[0].serve(t)
	for _, ex := range exs {
		if !strings.Contains(ex.script, docsHost) {
			t.Errorf("docs/api.md:%d: the example does not use %s", ex.line, docsHost)
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		// No pipefail: curl … | head ends curl early, as a reader's shell
		// would; the output shown is what is checked.
		cmd := exec.CommandContext(ctx, "bash", "-e", "-c", strings.ReplaceAll(ex.script, docsHost, hub.url))
		cmd.Dir = t.TempDir()
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Errorf("docs/api.md:%d: %v\n%s", ex.line, err, out)
			continue
		}
		if ex.want == nil {
			t.Errorf("docs/api.md:%d: show the example's output in a text block after it", ex.line)
			continue
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
		ok := len(got) == len(ex.want)
		for i := 0; ok && i < len(got); i++ {
			ok = matchLine(strings.ReplaceAll(ex.want[i], docsHost, hub.url), got[i])
		}
		if !ok {
			t.Errorf("docs/api.md:%d prints\n%s\nthe page shows\n%s", ex.line, out, strings.Join(ex.want, "\n"))
		}
	}
}

func TestMatchLine(t *testing.T) {
	tests := []struct {
		want, got string
		ok        bool
	}{
		{`Etag: "…-gz"`, `Etag: "abc-gz"`, true},
		{`Etag: "…-gz"`, `Etag: "abc"`, false},
		{`"heat": …,`, `"heat": 125,`, true},
		{`304`, `3045`, false},
		{`a.b`, `axb`, false},
	}
	for _, tt := range tests {
		if matchLine(tt.want, tt.got) != tt.ok {
			t.Errorf("matchLine(%q, %q) = %v", tt.want, tt.got, !tt.ok)
		}
	}
}
