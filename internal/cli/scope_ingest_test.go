package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

// pseudoWord is a word of its own for each n, so that generated titles
// share only the words they are given and form no story together.
func pseudoWord(n int) string {
	const cons, vows = "bdfgklmnprstvz", "aeiou"
	var b strings.Builder
	for i := 0; i < 3; i++ {
		b.WriteByte(cons[n%len(cons)])
		n /= len(cons)
		b.WriteByte(vows[n%len(vows)])
		n /= len(vows)
	}
	return b.String()
}

// scopeStreamItem is one invented feed item and its line in a scope stream.
type scopeStreamItem struct {
	title, excerpt, link string
	at                   time.Time
}

// scopeStreamItems invents items of a space hub's feed: keyword hits
// from one publisher, other news from others, and items without keyword
// from the space publisher, in time order.
func scopeStreamItems() []scopeStreamItem {
	start := time.Date(2026, 11, 2, 6, 0, 0, 0, time.UTC)
	var items []scopeStreamItem
	w := 0
	words := func(k int) string {
		var s []string
		for range k {
			s = append(s, pseudoWord(w))
			w++
		}
		return strings.Join(s, " ")
	}
	for i := range 48 {
		var it scopeStreamItem
		switch i % 4 {
		case 0, 1:
			it = scopeStreamItem{"Rocket " + words(4), "The rocket " + words(6), "https://www.orbit.example/news/" + pseudoWord(1000+i), time.Time{}}
		case 2:
			it = scopeStreamItem{"Derby " + words(4), "The match " + words(6), fmt.Sprintf("https://sport%d.example/story/%s", i%3, pseudoWord(1000+i)), time.Time{}}
		case 3:
			it = scopeStreamItem{words(5), words(7), "https://www.orbit.example/news/" + pseudoWord(1000+i), time.Time{}}
		}
		it.at = start.Add(time.Duration(i) * time.Hour)
		items = append(items, it)
	}
	return items
}

// TestScopeDecidesAsIngestion ingests a feed into a hub and runs scope
// over the same items in the same order, each line as an export would
// give it (id, title, excerpt, url, publishedDateTime): both decide each
// article alike, with the same score, as scope runs the gate ingestion
// uses.
func TestScopeDecidesAsIngestion(t *testing.T) {
	items := scopeStreamItems()
	var feed strings.Builder
	feed.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel><title>Mixed wire</title><link>https://wire.example/</link><description>All news</description>\n")
	for _, it := range items {
		fmt.Fprintf(&feed, "<item><title>%s</title><link>%s</link><description>%s</description><pubDate>%s</pubDate></item>\n",
			it.title, it.link, it.excerpt, it.at.Format(time.RFC1123Z))
	}
	feed.WriteString("</channel></rss>\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(feed.String())) }))
	defer srv.Close()

	dir := filepath.Join(t.TempDir(), "site")
	h := &editHub{t: t, site: dir, db: filepath.Join(dir, ".newshub", "newshub.db")}
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatal(errs)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644)
	os.WriteFile(filepath.Join(dir, "_data", "topics", "00-space.yaml"), []byte("taxonomy: topic\n_id: space\nname: Space\nkeywords:\n  - rocket\n"), 0o644)
	h.run("import")
	h.run("sources", "add", srv.URL+"/feed.xml")
	h.run("ingest", "--once", "--no-pages")

	st, err := sqlite.Open(context.Background(), h.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	stored := map[string]*model.Relevance{}
	err = st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		if rel := r.Article.Relevance; rel != nil {
			if rel.Own != nil {
				rel = rel.Own // the gate's own decision, a story's aside
			}
			stored[r.Article.WebURL] = rel
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(items) {
		t.Fatalf("stored %d decisions, want %d", len(stored), len(items))
	}

	in := filepath.Join(t.TempDir(), "stream.jsonl")
	var lines []string
	for _, it := range items {
		l, _ := json.Marshal(map[string]string{"id": it.link, "title": it.title, "excerpt": it.excerpt, "url": it.link, "publishedDateTime": it.at.Format(time.RFC3339)})
		lines = append(lines, string(l))
	}
	os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	code, stdout, stderr := runScopeCmd(t, "--hub", scopeData("hub-space.json"), "--in", in)
	if code != ExitOK {
		t.Fatalf("scope: exit %d: %s", code, stderr)
	}
	var differ []string
	model := 0
	for _, r := range readScopeResults(t, stdout) {
		s := stored[r.ID]
		if s == nil {
			t.Fatalf("scope decided %s, which ingestion did not store", r.ID)
		}
		if s.Basis == "model" && s.Score > 0 {
			model++
		}
		if s.OnTopic != *r.OnTopic || s.Score != *r.Score {
			differ = append(differ, fmt.Sprintf("%s: ingestion %v %.4f (%s), scope %v %.4f", r.ID, s.OnTopic, s.Score, s.Basis, *r.OnTopic, *r.Score))
		}
	}
	if model == 0 {
		t.Errorf("no decision of the text model: the stream does not test it")
	}
	if len(differ) > 0 {
		slices.Sort(differ)
		t.Errorf("scope and ingestion decide %d of %d articles apart:\n%s", len(differ), len(items), strings.Join(differ, "\n"))
	}
}

// TestSourcesEditSaysWhatCurateJudgesAgain marks a feed whose items were
// withheld off topic dedicated, and unmarks a dedicated one: each edit
// says how many stored articles keep their decision until curate, and
// curate then publishes the first feed's and judges the second's.
func TestSourcesEditSaysWhatCurateJudgesAgain(t *testing.T) {
	feeds := map[string][]byte{}
	for _, f := range []string{"scope-agency.xml", "scope-wire.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		feeds["/"+f] = b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(feeds[r.URL.Path]) }))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "site")
	h := &editHub{t: t, site: dir, db: filepath.Join(dir, ".newshub", "newshub.db")}
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatal(errs)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644)
	h.run("import")
	agency, wire := srv.URL+"/scope-agency.xml", srv.URL+"/scope-wire.xml"
	h.run("sources", "add", agency, "--dedicated")
	h.run("sources", "add", wire)
	h.run("ingest", "--once", "--no-pages")

	if out := h.run("sources", "edit", wire, "--dedicated"); !strings.Contains(out, "3 stored articles of it withheld as off topic are on topic once curated") {
		t.Errorf("sources edit --dedicated:\n%s", out)
	}
	if out := h.run("sources", "edit", agency, "--dedicated=false"); !strings.Contains(out, "2 stored articles of it on topic as dedicated are judged by the topic gate once curated") {
		t.Errorf("sources edit --dedicated=false:\n%s", out)
	}
	h.run("curate")
	if out := h.run("sources", "edit", wire, "--dedicated"); strings.Contains(out, "stored articles") {
		t.Errorf("sources edit --dedicated after curate still counts articles to judge:\n%s", out)
	}
	if out := h.run("explain", "https://wire.example/derby"); !strings.Contains(out, "on topic (dedicated") {
		t.Errorf("explain of the newly dedicated feed's item after curate:\n%s", out)
	}
	if out := h.run("explain", "https://agency.example/walk"); strings.Contains(out, "(dedicated") {
		t.Errorf("explain of the unmarked feed's item after curate:\n%s", out)
	}
}

// TestStoredArticlesOfAFeedWordedByNumber checks what sources edit says
// of a feed's stored articles reads right for one of them as for many.
func TestStoredArticlesOfAFeedWordedByNumber(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{
		{1, "1 stored article of it is"},
		{2, "2 stored articles of it are"},
		{30, "30 stored articles of it are"},
	} {
		if got := storedOfIt(tt.n) + " " + isAre(tt.n); got != tt.want {
			t.Errorf("%d: %q, want %q", tt.n, got, tt.want)
		}
	}
}
