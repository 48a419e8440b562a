package cli

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

func TestSourcesAddDedicated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", "https://space.example/feed", "--dedicated"); code != 0 {
		t.Fatalf("sources add --dedicated: exit %d: %s", code, errs)
	}
	if code, _, errs := run(t, "--site", dir, "sources", "add", "https://news.example/rss"); code != 0 {
		t.Fatalf("sources add: exit %d: %s", code, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := "sources:\n  - url: https://space.example/feed\n    dedicated: true\n  - url: https://news.example/rss\n"
	if string(b) != want {
		t.Errorf("sources.yaml:\n%s\nwant\n%s", b, want)
	}
}

// TestSourcesEditDedicated: a source added earlier is marked dedicated,
// and unmarked, by a command that keeps the operator's comments and order
// in _data/sources.yaml, where the file had to be edited by hand.
func TestSourcesEditDedicated(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	for _, u := range []string{"https://news.example/rss", "https://space.example/feed", "https://moon.example/feed"} {
		if code, _, errs := run(t, "--site", dir, "sources", "add", u); code != 0 {
			t.Fatalf("sources add: exit %d: %s", code, errs)
		}
	}
	file := filepath.Join(dir, "_data", "sources.yaml")
	commented := "# Feeds of the hub.\nsources:\n  # a wire service\n  - url: https://news.example/rss\n  # the agency's own news\n  - url: https://space.example/feed\n  # Moon missions, from the same agency\n  - url: https://moon.example/feed\n"
	if err := os.WriteFile(file, []byte(commented), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import: exit %d: %s", code, errs)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"edit", "https://space.example/feed", "--dedicated"},
			"# Feeds of the hub.\nsources:\n  # a wire service\n  - url: https://news.example/rss\n  # the agency's own news\n  - url: https://space.example/feed\n    dedicated: true\n  # Moon missions, from the same agency\n  - url: https://moon.example/feed\n"},
		{[]string{"edit", "--dedicated=false", "https://space.example/feed"}, commented},
	} {
		code, out, errs := run(t, append([]string{"--site", dir, "sources"}, c.args...)...)
		if code != 0 {
			t.Fatalf("sources %q: exit %d: %s", c.args, code, errs)
		}
		if !strings.Contains(out, "https://space.example/feed") {
			t.Errorf("sources %q printed %q, want the source named", c.args, out)
		}
		if b, err := os.ReadFile(file); err != nil || string(b) != c.want {
			t.Errorf("after sources %q, sources.yaml:\n%s\nwant\n%s (%v)", c.args, b, c.want, err)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"edit", "https://other.example/feed", "--dedicated"}, ExitFailure, "is not listed"},
		{[]string{"edit", "https://space.example/feed"}, ExitUsage, "needs --dedicated"},
		{[]string{"edit", "https://space.example/feed", "--dedicated", "--provider", "x.example"}, ExitUsage, "--provider"},
	} {
		code, _, errs := run(t, append([]string{"--site", dir, "sources"}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("sources %q: exit %d, stderr %q; want exit %d saying %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestFeedSecretsMaskedOnTheTerminal reads a feed whose address holds a
// password and a token: what add, ingest, sources list, explain, pause,
// resume, edit and the errors print shows them masked, where each printed
// them whole; an address copied masked from the list names the listed
// source, whose file entry keeps its secrets; and export-opml, a file to
// move the subscriptions, keeps them.
func TestFeedSecretsMaskedOnTheTerminal(t *testing.T) {
	const password, token = "s3cret-pass", "t0ken-value"
	feed, err := os.ReadFile(filepath.Join("testdata", "feed-with-drops.xml"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(feed) }))
	defer srv.Close()
	dir := localSite(t)
	whole := strings.Replace(srv.URL, "http://", "http://reader:"+password+"@", 1) + "/feed.xml?token=" + token + "&lang=en"
	masked := model.MaskURL(whole)
	if masked == whole || strings.Contains(masked, password) || strings.Contains(masked, token) {
		t.Fatalf("MaskURL(%q) = %q", whole, masked)
	}
	file := filepath.Join(dir, "_data", "sources.yaml")
	for _, c := range []struct {
		args []string
		code int
		want string // in stdout or stderr
	}{
		{[]string{"sources", "add", whole}, 0, "added " + masked},
		{[]string{"ingest", "--once", "--no-pages", "-v"}, 0, "items:"},
		{[]string{"sources", "list"}, 0, masked + ": not stored: "},
		{[]string{"explain", "https://precinctwire.example/photo-1"}, 0, "item of " + masked},
		{[]string{"sources", "pause", masked}, 0, "paused " + masked},
		{[]string{"sources", "resume", masked}, 0, "resumed " + masked},
		{[]string{"sources", "edit", masked, "--dedicated"}, 0, "dedicated " + masked},
		{[]string{"sources", "add", masked}, ExitUsage, masked + " is already listed"},
		{[]string{"sources", "remove", "https://other:" + password + "@elsewhere.example/feed"}, ExitFailure, "is not listed"},
		{[]string{"edit", "block-source", masked}, 0, "source blocked (" + masked + ")"},
		{[]string{"edit", "list"}, 0, masked},
	} {
		code, out, errs := run(t, append([]string{"--site", dir}, c.args...)...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("%q: exit %d, want %d saying %q:\n%s\n%s", c.args, code, c.code, c.want, out, errs)
		}
		if strings.Contains(out+errs, password) || strings.Contains(out+errs, token) {
			t.Errorf("%q printed a feed's secret:\n%s\n%s", c.args, out, errs)
		}
	}
	// The entry and the block keep the address whole: the fetch needs it.
	want := "sources:\n  - url: " + whole + "\n    dedicated: true\n"
	if b, err := os.ReadFile(file); err != nil || string(b) != want {
		t.Errorf("sources.yaml:\n%s\nwant\n%s (%v)", b, want, err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "_data", "decisions.yaml")); err != nil || !strings.Contains(string(b), whole) {
		t.Errorf("decisions.yaml does not block %s:\n%s (%v)", whole, b, err)
	}
	code, out, errs := run(t, "--site", dir, "sources", "export-opml")
	if code != 0 || !strings.Contains(out, html.EscapeString(whole)) {
		t.Errorf("export-opml: exit %d, want the address whole:\n%s\n%s", code, out, errs)
	}
	if code, out, _ := run(t, "help", "sources"); code != 0 || !strings.Contains(out, "export-opml\nwrites the addresses whole, secrets included") {
		t.Errorf("help sources does not say export-opml keeps the secrets:\n%s", out)
	}
}

// TestSourcesAddTrimsTheAddress: an address pasted with spaces around it
// is listed without them, as the admin area lists it, where it was listed
// with them, fetched as another address (a 404), and the address itself
// was refused as already listed.
func TestSourcesAddTrimsTheAddress(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	if code, out, errs := run(t, "--site", dir, "sources", "add", " https://news.example/rss \t"); code != 0 || out != "added https://news.example/rss\n" {
		t.Fatalf("sources add: exit %d: %q %s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if want := "sources:\n  - url: https://news.example/rss\n"; err != nil || string(b) != want {
		t.Errorf("sources.yaml:\n%s\nwant\n%s (%v)", b, want, err)
	}
}

// TestSourcesAddAgainForgetsTheFailures: a source paused after failures,
// removed, and added again once its publisher mended it, is fetched at
// the next round, as a new source is, where it stayed paused (or waited
// out the backoff of its failures) under the state its address kept.
func TestSourcesAddAgainForgetsTheFailures(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", dir); code != 0 {
		t.Fatalf("init: exit %d: %s", code, errs)
	}
	const feed = "https://news.example/rss"
	for _, c := range []store.SourceState{
		{URL: feed, Errors: 10, Paused: true, LastStatus: "503 Service Unavailable"},
		{URL: feed, Errors: 4, NextFetch: time.Now().Add(20 * time.Hour), LastStatus: "503 Service Unavailable"},
	} {
		if code, _, errs := run(t, "--site", dir, "sources", "add", feed); code != 0 {
			t.Fatalf("sources add: exit %d: %s", code, errs)
		}
		st, err := sqlite.Open(ctx, filepath.Join(dir, ".newshub", "newshub.db"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.PutSourceState(ctx, c); err != nil {
			t.Fatal(err)
		}
		st.Close()
		if code, _, errs := run(t, "--site", dir, "sources", "remove", feed); code != 0 {
			t.Fatalf("sources remove: exit %d: %s", code, errs)
		}
		code, out, errs := run(t, "--site", dir, "sources", "add", feed)
		if code != 0 || !strings.Contains(out, "fetched at the next round") {
			t.Errorf("sources add again: exit %d, %q %s; want it to say the failures are forgotten", code, out, errs)
		}
		st, err = sqlite.Open(ctx, filepath.Join(dir, ".newshub", "newshub.db"))
		if err != nil {
			t.Fatal(err)
		}
		s, err := st.SourceState(ctx, feed)
		st.Close()
		if err != nil || s.Paused || s.Errors != 0 || !s.NextFetch.IsZero() {
			t.Errorf("state of the source added again after %d failures: paused %v, errors %d, next fetch %v (%v); want due at once",
				c.Errors, s.Paused, s.Errors, s.NextFetch, err)
		}
		if code, _, errs := run(t, "--site", dir, "sources", "remove", feed); code != 0 {
			t.Fatalf("sources remove: exit %d: %s", code, errs)
		}
	}
}

// TestSourcesChangedAtOnceAllLand runs sources add commands at once over
// one hub, kept in its folder or in its store alone (--db, run in a folder
// of no hub): each is made to the list as the others left it, where one
// whose list another saved since it read it was refused as an edit, and
// the store-only hub's were written one over the other. Two removals of
// one source at once: one removes it, the other says it is not listed,
// as of a source never listed (exit 1).
func TestSourcesChangedAtOnceAllLand(t *testing.T) {
	t.Parallel()
	for _, hub := range []string{"site folder", "store only"} {
		t.Run(hub, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join(t.TempDir(), "hub")
			if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
				t.Fatalf("init: exit %d: %s", code, errs)
			}
			global := []string{"--site", dir}
			if hub == "store only" {
				db := "sqlite:" + filepath.Join(dir, ".newshub", "newshub.db")
				if code, _, errs := run(t, "--site", dir, "--db", db, "import"); code != 0 {
					t.Fatalf("import: exit %d: %s", code, errs)
				}
				global = []string{"--site", t.TempDir(), "--db", db}
			}
			sources := func(args ...string) (int, string) {
				code, out, errs := run(t, append(append(global, "sources"), args...)...)
				return code, out + errs
			}
			const n = 6
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					if code, out := sources("add", fmt.Sprintf("https://w%d.example/feed", i)); code != ExitOK {
						t.Errorf("add %d: exit %d: %s", i, code, out)
					}
				})
			}
			wg.Wait()
			_, out := sources("list")
			if got := strings.Count(out, ".example/feed"); got != n {
				t.Errorf("%d of %d sources listed:\n%s", got, n, out)
			}
			codes := make([]int, 2)
			outs := make([]string, 2)
			for i := range codes {
				wg.Go(func() { codes[i], outs[i] = sources("remove", "https://w0.example/feed") })
			}
			wg.Wait()
			slices.Sort(codes)
			if codes[0] != ExitOK || codes[1] != ExitFailure || !strings.Contains(strings.Join(outs, ""), `source "https://w0.example/feed" is`) {
				t.Errorf("two removals at once: exit %v:\n%s", codes, strings.Join(outs, ""))
			}
		})
	}
}
