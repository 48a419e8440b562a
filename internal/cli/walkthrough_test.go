package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"newshub/internal/testutil"
)

// walkthroughFeeds maps the feeds docs/first-hub.md adds to the copies
// under testdata/walkthrough/ the test serves in their place, as the test
// machine reaches no publisher.
var walkthroughFeeds = map[string]string{
	"https://www.nasa.gov/news-release/feed/": "nasa.xml",
	"https://www.space.com/feeds/all":         "spacecom.xml",
}

// walkthroughLeads are the leads of the stories the walkthrough's feeds
// make, with the sections they fall in: both feeds report the Moon launch
// rehearsal, and NASA's report leads that story.
var walkthroughLeads = map[string][]string{
	"Artemis II Crew Completes Final Dress Rehearsal Before Moon Launch":     {"Space", "Moon"},
	"Perseverance Rover Finds Layered Rocks in Mars Crater Rim":              {"Space", "Mars"},
	"Space Station Crew Welcomes Cargo Spacecraft With Science Experiments":  {"Space"},
	"Private lunar lander reaches orbit ahead of touchdown attempt":          {"Space", "Moon"},
	"Weather satellite rides a Falcon 9 rocket to orbit":                     {"Space"},
	"Astronomers spot a comet that may be seen with the naked eye in spring": {"Space"},
}

// walkthroughRelated is the report listed as related coverage of the
// rehearsal's story.
const walkthroughRelated = "/artemis-2-astronauts-rehearse-launch-day"

// feedServer serves the walkthrough's feed copies, with their links and
// dates made for this run, and a page with OpenGraph metadata for every
// article link.
func feedServer(t *testing.T) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	funcs := template.FuncMap{"ago": func(d string) (string, error) {
		age, err := time.ParseDuration(d)
		return time.Now().Add(-age).UTC().Format(time.RFC1123Z), err
	}}
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		if strings.HasSuffix(name, ".xml") {
			tpl, err := template.New(name).Funcs(funcs).ParseFiles(filepath.Join("testdata", "walkthrough", name))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/rss+xml")
			if err := tpl.Execute(w, struct{ Base string }{srv.URL}); err != nil {
				t.Errorf("feed %s: %v", name, err)
			}
			return
		}
		if name == "robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>%[1]s</title>
<meta property="og:title" content="%[1]s"><link rel="canonical" href="%[2]s%[3]s"></head>
<body><article><p>%[1]s</p></article></body></html>`, name, srv.URL, r.URL.Path)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestFirstHubWalkthrough runs the commands of docs/first-hub.md in order,
// in one folder, with the built binary, and checks what the page says
// they do: the two reports of one launch rehearsal make one story, the
// topics' words put each lead in its sections, serve answers the hub,
// build writes it for the address given. The
// only differences from a reader's run: the feeds are local copies, so
// the site allows private networks, and serve gets a free port.
func TestFirstHubWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs the walkthrough")
	}
	root := testutil.Root(t)
	var blocks []docBlock
	for _, b := range docBlocks(t, root) {
		if b.file == "docs/first-hub.md" && strings.HasPrefix(b.info, "sh walkthrough") {
			blocks = append(blocks, b)
		}
	}
	if len(blocks) < 6 {
		t.Fatalf("docs/first-hub.md has %d walkthrough blocks, want init, keywords, sources, ingest, serve and build", len(blocks))
	}
	feeds := feedServer(t)
	dir, env := docShell(t)
	site := ""
	served := false
	for _, b := range blocks {
		script := b.text
		for real, copy := range walkthroughFeeds {
			script = strings.ReplaceAll(script, real, feeds.URL+"/"+copy)
		}
		if b.info == "sh walkthrough-serve" {
			serveWalkthrough(t, b, script, dir, env)
			served = true
			continue
		}
		out := runBlock(t, b, script, dir, env)
		t.Logf("%s:%d:\n%s", b.file, b.line, out)
		if site == "" {
			// The block that created the site: its feeds are on loopback here.
			cfgs, _ := filepath.Glob(filepath.Join(dir, "*", "_config.yml"))
			if len(cfgs) != 1 {
				t.Fatalf("%s:%d: the first block made %d sites, want 1", b.file, b.line, len(cfgs))
			}
			site = filepath.Dir(cfgs[0])
			f, err := os.OpenFile(cfgs[0], os.O_APPEND|os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintln(f, "allow_private_networks: true")
			f.Close()
		}
	}
	if !served {
		t.Error("no block serves the hub")
	}
	for real := range walkthroughFeeds {
		if !bytes.Contains(mustRead(t, filepath.Join(site, "_data", "sources.yaml")), []byte(feeds.URL)) {
			t.Errorf("the walkthrough no longer adds %s", real)
		}
	}
	out := filepath.Join(dir, "public")
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Errorf("the build wrote no website: %v", err)
	}
	api := mustRead(t, filepath.Join(out, "api", "news", "index.json"))
	if !bytes.Contains(api, []byte("https://space.example.org")) {
		t.Errorf("the built API does not link to the hub's address:\n%.400s", api)
	}
	checkWalkthroughStory(t, out, checkWalkthroughNews(t, "public/api/news/index.json", api))
	var moon newsList
	if err := json.Unmarshal(mustRead(t, filepath.Join(out, "api", "news", "moon", "index.json")), &moon); err != nil {
		t.Fatal(err)
	}
	if len(moon.Value) != 2 {
		t.Errorf("the Moon section lists %d leads, want the rehearsal and the lander", len(moon.Value))
	}
}

// serveWalkthrough starts the serve block on a free port, reads the home
// page and the news API from it and stops it as Ctrl-C would.
func serveWalkthrough(t *testing.T, b docBlock, script, dir string, env []string) {
	t.Helper()
	lines, _ := shellLines(script, b.line)
	if len(lines) != 1 || !strings.Contains(lines[0], " serve") {
		t.Fatalf("%s:%d: the serve block should hold the one serve command, has %q", b.file, b.line, lines)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var log bytes.Buffer
	cmd := exec.Command("sh", "-c", "exec "+lines[0]+" --addr "+addr)
	cmd.Dir, cmd.Env, cmd.Stdout, cmd.Stderr = dir, env, &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGINT)
		if err := cmd.Wait(); err != nil {
			t.Errorf("%s:%d: serve after Ctrl-C: %v\n%s", b.file, b.line, err, log.String())
		}
	}()
	base := "http://" + addr
	var home []byte
	for deadline := time.Now().Add(time.Minute); ; {
		if resp, err := http.Get(base + "/"); err == nil {
			home, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s:%d: serve answered no home page within a minute:\n%s", b.file, b.line, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !bytes.Contains(home, []byte("Orbit Watch")) {
		t.Errorf("the home page does not carry the hub's title:\n%.400s", home)
	}
	resp, err := http.Get(base + "/api/news/")
	if err != nil {
		t.Fatal(err)
	}
	api, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	checkWalkthroughNews(t, "GET /api/news/", api)
}

// newsList is what the walkthrough reads of a news list.
type newsList struct {
	Value []struct {
		Title     string   `json:"title"`
		SourceURL string   `json:"sourceUrl"`
		Topics    []string `json:"topics"`
	} `json:"value"`
}

// checkWalkthroughNews checks that a news list holds the walkthrough's
// leads, each with its sections, and nothing else.
func checkWalkthroughNews(t *testing.T, where string, body []byte) newsList {
	t.Helper()
	var page newsList
	if err := json.Unmarshal(body, &page); err != nil {
		t.Fatalf("%s: %v\n%.400s", where, err, body)
	}
	seen := map[string]bool{}
	for _, a := range page.Value {
		seen[a.Title] = true
		want, ok := walkthroughLeads[a.Title]
		switch {
		case !ok:
			t.Errorf("%s: %q is listed as a lead", where, a.Title)
		case !slices.Equal(a.Topics, want):
			t.Errorf("%s: %q has topics %q, want %q", where, a.Title, a.Topics, want)
		}
	}
	for title := range walkthroughLeads {
		if !seen[title] {
			t.Errorf("%s: lead %q is not listed", where, title)
		}
	}
	return page
}

// checkWalkthroughStory checks, in the build, that the rehearsal's lead
// lists the other report as related coverage.
func checkWalkthroughStory(t *testing.T, out string, list newsList) {
	t.Helper()
	for _, a := range list.Value {
		if !strings.HasPrefix(a.Title, "Artemis II Crew") {
			continue
		}
		path, ok := strings.CutPrefix(a.SourceURL, "https://space.example.org/")
		if !ok {
			t.Fatalf("the lead's document %s is not under the hub's address", a.SourceURL)
		}
		var doc struct {
			Related []struct {
				URL string `json:"webUrl"`
			} `json:"related"`
		}
		body := mustRead(t, filepath.Join(out, filepath.FromSlash(path)))
		if err := json.Unmarshal(body, &doc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(doc.Related) != 1 || !strings.HasSuffix(doc.Related[0].URL, walkthroughRelated) {
			t.Errorf("%s: related %+v, want the one report ending %s", path, doc.Related, walkthroughRelated)
		}
		return
	}
	t.Error("the build lists no lead of the rehearsal's story")
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
