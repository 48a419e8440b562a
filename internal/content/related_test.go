package content

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// TestRenderKeepsTheLinesOfRelatedEntriesThatStay changes a related list
// as curation does when a story gains or loses coverage: every entry
// that stays as it was keeps its lines, with what newshub does not read
// in them (a field of the desk's own, a photo credit, comments), where
// the list was written anew and they were lost; an entry changed keeps
// the lines of its fields that stayed. An entry added is written in the
// generator's style, one removed goes with the comment above it.
func TestRenderKeepsTheLinesOfRelatedEntriesThatStay(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "news-related-notes.md"))
	if err != nil {
		t.Fatal(err)
	}
	added := model.Related{
		Title: "Board backs the ferry timetable", Excerpt: "A new timetable from spring.",
		PublishedDateTime: time.Date(2026, 3, 2, 14, 0, 0, 0, time.UTC),
		WebURL:            "https://bay.example.net/board-backs-timetable", Type: "article",
		Provider: model.Provider{Name: "Bay News", Domain: "bay.example.net"}, Quality: 60,
	}
	kept := []string{
		"  # confirmed with the ferry company by phone\n",
		"    deskNote: \"the operator's own figures\"\n",
		"        credit: \"Coast Daily photo desk\"\n",
		"    quality: 50 # raised by hand\n",
	}
	tests := []struct {
		name     string
		edit     func(rs []model.Related) []model.Related
		want     []string // lines the file must hold after the edit
		gone     []string // lines it must no longer hold
		wantURLs []string
	}{
		{"an entry added among them", func(rs []model.Related) []model.Related {
			return []model.Related{rs[0], added, rs[1]}
		}, append(kept, "    webUrl: \"https://bay.example.net/board-backs-timetable\"\n"), nil,
			[]string{"https://coast.example.com/ferries-every-twenty-minutes", added.WebURL, "https://tides.example.org/timetable-vote"}},
		{"the first removed", func(rs []model.Related) []model.Related {
			return []model.Related{rs[1]}
		}, kept[3:], kept[:3], []string{"https://tides.example.org/timetable-vote"}},
		{"one changed", func(rs []model.Related) []model.Related {
			rs[0].Quality = 65
			return rs
		}, append(kept, "    quality: 65\n"), []string{"    quality: 70\n"},
			[]string{"https://coast.example.com/ferries-every-twenty-minutes", "https://tides.example.org/timetable-vote"}},
		{"one changed, its comment kept", func(rs []model.Related) []model.Related {
			rs[1].Quality = 55
			return rs
		}, append(kept[:3:3], "    quality: 55 # raised by hand\n"), kept[3:],
			[]string{"https://coast.example.com/ferries-every-twenty-minutes", "https://tides.example.org/timetable-vote"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, crlf := range []bool{false, true} {
				in := data
				if crlf {
					in = []byte(strings.ReplaceAll(string(data), "\n", "\r\n"))
				}
				rec, err := Parse("_news/2026-03-02-harbour-board-approves-the-new-ferry-timetable.md", in)
				if err != nil {
					t.Fatal(err)
				}
				rec.Article.Related = tt.edit(rec.Article.Related)
				if err := Render(rec); err != nil {
					t.Fatalf("render: %v", err)
				}
				out := string(rec.Raw)
				if crlf {
					if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
						t.Errorf("a CR LF file was given LF lines:\n%q", out)
					}
					out = strings.ReplaceAll(out, "\r\n", "\n")
				}
				for _, l := range tt.want {
					if !strings.Contains(out, l) {
						t.Errorf("crlf %v: the file lost %q:\n%s", crlf, l, out)
					}
				}
				for _, l := range tt.gone {
					if strings.Contains(out, l) {
						t.Errorf("crlf %v: the file still holds %q:\n%s", crlf, l, out)
					}
				}
				back, err := Parse(rec.Path, rec.Raw)
				if err != nil {
					t.Fatal(err)
				}
				var urls []string
				for _, r := range back.Article.Related {
					urls = append(urls, r.WebURL)
				}
				if strings.Join(urls, " ") != strings.Join(tt.wantURLs, " ") {
					t.Errorf("crlf %v: related reads %v, want %v", crlf, urls, tt.wantURLs)
				}
				if !strings.HasSuffix(out, "\nsecured: \"ZmVycnk=;dGltZXRhYmxl\"\n---\n\n") || !strings.Contains(out, "  - Harbour\n\nrelated:\n") {
					t.Errorf("crlf %v: lines around the list changed:\n%s", crlf, out)
				}
			}
		})
	}
}

// FuzzRenderEditsLists parses a news record, changes its topics and
// related list as curation does (an entry dropped, one added, one
// changed, the order turned) and renders it: the file reads back as the changed value,
// whatever the lines of the lists kept.
func FuzzRenderEditsLists(f *testing.F) {
	for _, p := range []string{"news.md", "news-related-notes.md", "news-topics-notes.md", "news-anchors.md"} {
		f.Add(readTestdata(f, p), uint8(0), uint8(1))
		f.Add(readTestdata(f, p), uint8(3), uint8(2))
	}
	f.Fuzz(func(t *testing.T, data []byte, drop, turn uint8) {
		rec, err := Parse("_news/2026-03-02-x.md", data)
		if err != nil || rec.Article == nil {
			return
		}
		a := rec.Article
		if n := len(a.Topics); n > 0 {
			a.Topics = append(a.Topics[:int(drop)%n:int(drop)%n], a.Topics[int(drop)%n+1:]...)
		}
		a.Topics = append(a.Topics, "Added Topic")
		if n := len(a.Related); n > 0 {
			rs := append([]model.Related(nil), a.Related...)
			rs = append(rs[:int(drop)%n], rs[int(drop)%n+1:]...)
			if len(rs) > 1 {
				k := int(turn) % len(rs)
				rs[0], rs[k] = rs[k], rs[0]
				rs[k].Quality++
			}
			a.Related = append(rs, model.Related{Title: "Added", WebURL: "https://added.example.org/x", Type: "article",
				PublishedDateTime: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC), Provider: model.Provider{Name: "Added", Domain: "added.example.org"}})
		}
		want := valueJSON(t, rec)
		if err := Render(rec); err != nil {
			return // refused, as a value the file cannot hold is
		}
		back, err := Parse(rec.Path, rec.Raw)
		if err != nil {
			t.Fatalf("edited record does not parse: %v\n%s", err, rec.Raw)
		}
		if got := valueJSON(t, back); got != want {
			t.Fatalf("value changed through the edit:\n got %s\nwant %s\n%s", got, want, rec.Raw)
		}
	})
}
