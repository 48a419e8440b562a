package cli

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestAnArrivalWhileTheLeadIsWithheldLeavesTheHubAsWithoutTheDecision:
// an article ingested into a story while an editor withholds its lead
// leads it, better than the other members though not than the lead; once
// the decision is taken back, the hub's static copy is the one the same
// ingest round makes of a hub never given the decision.
func TestAnArrivalWhileTheLeadIsWithheldLeavesTheHubAsWithoutTheDecision(t *testing.T) {
	t.Parallel()
	// One hub made once; each case edits a copy and compares it with
	// another copy never edited.
	hub := arrivalHub(t)
	hub.read()
	lead, arrival := storyForArrival(hub)
	if lead == nil {
		t.Fatal("the generated hub has no story whose lead is better than an arrival and its other members worse")
	}
	feed := arrivalFeed(lead, arrival)
	for _, tt := range []struct {
		name       string
		take, back func(lead, publisher string) []string
	}{
		{"hide, unhide",
			func(lead, _ string) []string { return []string{"edit", "hide", lead} },
			func(lead, _ string) []string { return []string{"edit", "unhide", lead} }},
		{"block, unblock the publisher",
			func(_, p string) []string { return []string{"edit", "block-publisher", p} },
			func(_, p string) []string { return []string{"edit", "unblock", p} }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			edited, plain := hub.copyFor(t), hub.copyFor(t)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/rss+xml")
				fmt.Fprint(w, feed)
			}))
			defer srv.Close()
			dir := t.TempDir()
			for _, h := range []*editHub{edited, plain} {
				h.run("sources", "add", srv.URL+"/feed.xml")
			}
			edited.run(tt.take(lead.CanonicalURL, lead.Provider.Domain)...)
			edited.run("ingest", "--once", "--no-pages")
			edited.read()
			if a := edited.byKey[arrival]; a == nil || a.Story != lead.Story || !a.Published {
				t.Fatalf("the arrival does not lead the story while its lead is withheld: %+v", a)
			}
			edited.run(tt.back(lead.CanonicalURL, lead.Provider.Domain)...)
			plain.run("ingest", "--once", "--no-pages")
			plain.read()
			if a := plain.byKey[arrival]; a == nil || a.Story != lead.Story || a.Published {
				t.Fatalf("the arrival is not a member of the story in the hub never edited: %+v", a)
			}
			got, want := filepath.Join(dir, "edited"), filepath.Join(dir, "plain")
			edited.run("build", "--now", buildNow, got)
			plain.run("build", "--now", buildNow, want)
			sameTree(t, "the decision taken back", treeOf(t, got), treeOf(t, want))
		})
	}
}

func arrivalHub(t *testing.T) *editHub {
	h := &editHub{t: t, site: genSite(t, 300, 11), db: filepath.Join(t.TempDir(), "hub.db")}
	cfg := filepath.Join(h.site, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	h.run("import")
	h.run("curate")
	return h
}

// arrivalQuality is the quality of arrivalFeed's item: prior 50, an
// image +20, an excerpt of 200 characters or more +15, a title of 30 to
// 110 +10.
const arrivalQuality = 95

// storyForArrival returns a lead better than arrivalQuality, recent
// enough that ingest's retention leaves it current, whose
// story has publishable members of other publishers, all worse, and the
// canonical URL the arrival will have.
func storyForArrival(h *editHub) (*model.Article, string) {
	for _, l := range h.leads {
		if l.Archived || time.Since(l.PublishedDateTime) > 100*24*time.Hour || l.Quality <= arrivalQuality || len(l.Title) < 30 || len(l.Title) > 100 {
			continue
		}
		others := 0
		for _, a := range h.stories[l.Story] {
			if a == l || !a.Publishable() {
				continue
			}
			if a.Provider.Domain == l.Provider.Domain || a.Quality >= arrivalQuality {
				others = -1
				break
			}
			others++
		}
		if others >= 1 {
			return l, "https://arrival.example/story"
		}
	}
	return nil, ""
}

// arrivalFeed is an RSS feed of one item telling the lead's story.
func arrivalFeed(lead *model.Article, link string) string {
	text := lead.Excerpt
	for len(text) < 220 {
		text += " " + lead.Title + "."
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Arrival wire</title><link>https://arrival.example/</link><description>wire</description>
<item><title>` + html.EscapeString(lead.Title) + `</title><link>` + link + `</link>
<description>` + html.EscapeString(strings.TrimSpace(text)) + `</description>
<enclosure url="https://arrival.example/photo.jpg" type="image/jpeg" length="52000"/>
<pubDate>` + lead.PublishedDateTime.Add(20*time.Minute).UTC().Format(time.RFC1123Z) + `</pubDate></item>
</channel></rss>`
}
