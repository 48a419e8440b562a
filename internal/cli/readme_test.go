package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"newshub/internal/testutil"
	"newshub/internal/testutil/browser"
)

// EnvUpdateScreenshots, set to 1 (scripts/screenshots does), makes
// TestDocsScreenshotsShowTheDemo write the README's pictures.
const EnvUpdateScreenshots = "NEWSHUB_UPDATE_SCREENSHOTS"

// maxScreenshot bounds a committed picture, which every clone carries.
const maxScreenshot = 200 << 10

// screens are the windows the README shows the demo in.
var screens = []struct {
	name          string
	width, height int64
}{
	{"desktop", 1280, 800},
	{"phone", 390, 844},
}

// TestDocsScreenshotsShowTheDemo opens the demo hub (newshub demo, as the
// README has it) in Chromium, checks that the home page and the top story's
// page show every picture with no error, and captures their first screen
// at desktop and phone width: into docs/screenshots/ when
// NEWSHUB_UPDATE_SCREENSHOTS=1, else under artifacts/screenshots/, and
// then the committed pictures must exist, be small and be shown by the
// README.
func TestDocsScreenshotsShowTheDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("generates the demo hub and drives Chromium")
	}
	b := browser.New(t)
	root := testutil.Root(t)
	update := os.Getenv(EnvUpdateScreenshots) == "1"
	out := filepath.Join(root, "artifacts", "screenshots")
	if update {
		out = filepath.Join(root, "docs", "screenshots")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	base, stop := startDemo(t)
	defer stop()

	pages := []struct {
		name  string
		steps []chromedp.Action[chromedp.Void]
	}{
		{"home", []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + "/"), chromedp.WaitVisible(chromedp.CSS(".lead .card"))}},
		{"story", []chromedp.Action[chromedp.Void]{chromedp.Click(chromedp.CSS(".lead a.coverage")), chromedp.WaitVisible(chromedp.CSS(".voice-bar"))}},
	}
	var names []string
	for _, p := range pages {
		b.Do(t, p.name, p.steps...)
		for _, s := range screens {
			png := b.Capture(t, s.width, s.height)
			// Capture has loaded every picture: none may have failed.
			broken := browser.Read(t, b, p.name, chromedp.Evaluate[[]string](
				`[...document.images].filter(i => i.naturalWidth === 0).map(i => i.src)`))
			for _, src := range broken {
				t.Errorf("%s at %s: picture %s did not load", p.name, s.name, src)
			}
			if n := browser.Read(t, b, p.name, chromedp.Evaluate[int](`document.images.length`)); n == 0 {
				t.Errorf("%s at %s: no picture on the page", p.name, s.name)
			}
			name := fmt.Sprintf("%s-%s.png", p.name, s.name)
			names = append(names, name)
			if err := os.WriteFile(filepath.Join(out, name), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b.Check(t, p.name)
	}
	if update {
		t.Logf("wrote %s into %s", strings.Join(names, ", "), out)
	}

	readme := string(mustRead(t, filepath.Join(root, "README.md")))
	for _, name := range names {
		info, err := os.Stat(filepath.Join(root, "docs", "screenshots", name))
		if err != nil {
			t.Errorf("%v: run scripts/screenshots", err)
			continue
		}
		if info.Size() > maxScreenshot {
			t.Errorf("docs/screenshots/%s has %d KiB, over %d KiB", name, info.Size()>>10, maxScreenshot>>10)
		}
		if strings.HasPrefix(name, "home-") || strings.HasPrefix(name, "story-desktop") {
			if !strings.Contains(readme, "docs/screenshots/"+name) {
				t.Errorf("README.md does not show docs/screenshots/%s", name)
			}
		}
	}
}

// TestReadmeLinksEveryDoc checks that the README links to every page of
// docs/, and that every file it links to exists.
func TestReadmeLinksEveryDoc(t *testing.T) {
	root := testutil.Root(t)
	readme := string(mustRead(t, filepath.Join(root, "README.md")))
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil || len(pages) == 0 {
		t.Fatalf("no pages in docs/ (%v)", err)
	}
	for _, p := range pages {
		if name := "docs/" + filepath.Base(p); !strings.Contains(readme, "]("+name+")") {
			t.Errorf("README.md does not link to %s", name)
		}
	}
	links := regexp.MustCompile(`\]\(([^)#:]+)(#[^)]*)?\)|(?:src|href)="([^"#:]+)"`).FindAllStringSubmatch(readme, -1)
	if len(links) < len(pages) {
		t.Fatalf("found %d local links in README.md", len(links))
	}
	for _, m := range links {
		target := m[1] + m[3]
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(target))); err != nil {
			t.Errorf("README.md links to %s: %v", target, err)
		}
	}
}

// TestReadmeTellsWhatTheTestScriptDoes checks the README's account of
// scripts/test against the script: its first screen names every package
// the script installs, and its section on tests every package the race
// detector goes over.
func TestReadmeTellsWhatTheTestScriptDoes(t *testing.T) {
	root := testutil.Root(t)
	script := string(mustRead(t, filepath.Join(root, "scripts", "test")))
	readme := string(mustRead(t, filepath.Join(root, "README.md")))
	first, _, _ := strings.Cut(readme, "\n---\n")
	installs := regexp.MustCompile(`(?m)(?:^\s*|\|\| )install ([a-z][\w.-]*)`).FindAllStringSubmatch(script, -1)
	if len(installs) < 3 {
		t.Fatalf("found %d packages scripts/test installs", len(installs))
	}
	for _, m := range installs {
		if !strings.Contains(strings.ToLower(first), m[1]) {
			t.Errorf("the README's first screen does not say that ./scripts/test installs %s", m[1])
		}
		// A package of one version (postgresql-15) is in one Debian
		// release alone: on another, apt-get fails and the script with it.
		if regexp.MustCompile(`-[0-9.]+$`).MatchString(m[1]) {
			t.Errorf("scripts/test installs %s, of one version: name the package the release's own version is", m[1])
		}
	}
	raced := regexp.MustCompile(`(?m)^raced='([a-z|]+)'$`).FindStringSubmatch(script)
	if raced == nil || !strings.Contains(script, "go test -race") {
		t.Fatal("scripts/test names no packages for the race detector")
	}
	pkgs := strings.Split(raced[1], "|")
	if len(pkgs) < 3 {
		t.Fatalf("found %d packages under the race detector in scripts/test", len(pkgs))
	}
	_, tests, _ := strings.Cut(readme, "## Tests and benchmarks")
	said := regexp.MustCompile(`\(([^)]*)\)\s+under the race\s+detector`).FindStringSubmatch(tests)
	if said == nil {
		t.Fatal("the README does not say which packages the race detector goes over")
	}
	named := strings.Split(strings.Join(strings.Fields(said[1]), " "), ", ")
	for _, p := range pkgs {
		if !slices.Contains(named, p) {
			t.Errorf("the README's race detector list (%s) leaves out %s, which scripts/test races", said[1], p)
		}
	}
	for _, p := range named {
		if !slices.Contains(pkgs, p) {
			t.Errorf("the README's race detector list names %s, which scripts/test does not race", p)
		}
	}
}

// TestReadmeTableHasEveryCommand checks the README's table of commands
// against the commands newshub help lists: a row for each, and none for a
// command newshub does not have.
func TestReadmeTableHasEveryCommand(t *testing.T) {
	readme := string(mustRead(t, filepath.Join(testutil.Root(t), "README.md")))
	rows := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `newshub ([a-z-]+)").FindAllStringSubmatch(readme, -1) {
		rows[m[1]] = true
	}
	var help strings.Builder
	printHelp(&help)
	_, list, _ := strings.Cut(help.String(), "Commands:\n")
	list, _, _ = strings.Cut(list, "\n\n")
	listed := regexp.MustCompile(`(?m)^  ([a-z][a-z-]*) +\S`).FindAllStringSubmatch(list, -1)
	if len(listed) < 10 {
		t.Fatalf("newshub help lists %d commands:\n%s", len(listed), help.String())
	}
	for _, m := range listed {
		if !rows[m[1]] {
			t.Errorf("the README's table of commands has no row for newshub %s", m[1])
		}
		delete(rows, m[1])
	}
	for name := range rows {
		t.Errorf("the README's table of commands has a row for newshub %s, which newshub help does not list", name)
	}
}

// TestDocsEnvironmentIsRead checks that every NEWSHUB_ variable the README
// and the docs name is read by newshub's code (a test server's included).
func TestDocsEnvironmentIsRead(t *testing.T) {
	root := testutil.Root(t)
	var code strings.Builder
	err := filepath.WalkDir(filepath.Join(root, "internal"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		code.Write(mustRead(t, p))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	named := 0
	for _, p := range append(pages, filepath.Join(root, "README.md")) {
		for _, v := range regexp.MustCompile(`NEWSHUB_[A-Z_]*[A-Z]`).FindAllString(string(mustRead(t, p)), -1) {
			named++
			if !strings.Contains(code.String(), `"`+v+`"`) {
				rel, _ := filepath.Rel(root, p)
				t.Errorf("%s names %s, which newshub does not read", filepath.ToSlash(rel), v)
			}
		}
	}
	// --site's and --db's variables at least.
	if named < 2 {
		t.Fatalf("found %d NEWSHUB_ variables in the docs", named)
	}
}
