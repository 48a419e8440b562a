package newsletter

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
)

// leadsOf returns the published leads of day d in the hub's time zone,
// ordered as an issue lists them: heat, then newest, then path.
func leadsOf(h *hub, d Date) []*model.Record {
	loc := h.site.Config.Location()
	start, end := d.Start(loc), d.AddDays(1).Start(loc)
	var out []*model.Record
	for _, r := range h.recs {
		a := r.Article
		if a == nil || !a.Published || a.PublishedDateTime.Before(start) || !a.PublishedDateTime.Before(end) {
			continue
		}
		out = append(out, r)
	}
	slices.SortStableFunc(out, func(x, y *model.Record) int {
		if c := cmp.Compare(y.Article.Heat, x.Article.Heat); c != 0 {
			return c
		}
		if c := y.Article.PublishedDateTime.Compare(x.Article.PublishedDateTime); c != 0 {
			return c
		}
		return cmp.Compare(x.Path, y.Path)
	})
	return out
}

// wantSection is the topic a lead is listed under: its first subject
// topic in display order (not the root, not a voice), else the root.
func wantSection(s *site.Site, a *model.Article) string {
	for _, t := range s.Topics {
		if t != s.Root() && site.TopicHighlight(t) == nil && slices.Contains(a.Topics, t.Name) {
			return t.Name
		}
	}
	return s.Root().Name
}

func TestIssueHoldsTheDaysLeadsByHeatGroupedByTopic(t *testing.T) {
	h := sharedHub(t)
	loc := h.site.Config.Location()
	order := map[string]int{}
	for i, tp := range h.site.Topics {
		order[tp.Name] = i
	}
	tests := []struct {
		day        Date
		maxStories int
	}{
		{Date{2026, 10, 14}, 0},
		{Date{2026, 10, 15}, 0},
		{Date{2026, 11, 1}, 0}, // 25 hours: clocks go back
		{Date{2026, 10, 16}, 3},
	}
	sawLocalDay, sawSections, sawRelated, sawMore, sawVoice := false, false, false, false, false
	for _, tc := range tests {
		t.Run(tc.day.String(), func(t *testing.T) {
			opt := testOptions()
			opt.MaxStories, opt.MaxRelated = tc.maxStories, 2
			is, err := Compose(context.Background(), h.st, h.site, tc.day, opt)
			if err != nil {
				t.Fatal(err)
			}
			leads := leadsOf(h, tc.day)
			if is.DayStories != len(leads) {
				t.Errorf("DayStories = %d, the day has %d leads", is.DayStories, len(leads))
			}
			if n := cmp.Or(tc.maxStories, DefaultMaxStories); len(leads) > n {
				leads = leads[:n]
			} else if tc.maxStories > 0 {
				t.Fatalf("the fixture's day has %d leads: too few to test a limit of %d", len(leads), tc.maxStories)
			}
			byPath := map[string]*model.Record{}
			for _, r := range leads {
				byPath[r.Path] = r
				if u := r.Article.PublishedDateTime.UTC(); DateOf(u) != tc.day {
					sawLocalDay = true // listed by the site's day, not UTC's
				}
			}
			var got []string
			lastSection := -1
			for _, sec := range is.Sections {
				if order[sec.Topic] <= lastSection {
					t.Errorf("section %q out of the taxonomy's order", sec.Topic)
				}
				lastSection = order[sec.Topic]
				for i, st := range sec.Stories {
					got = append(got, st.Path)
					r := byPath[st.Path]
					if r == nil {
						t.Fatalf("story %s is not one of the day's top leads", st.Path)
					}
					a := r.Article
					if want := wantSection(h.site, a); sec.Topic != want {
						t.Errorf("%s listed under %q, want %q (topics %q)", st.Path, sec.Topic, want, a.Topics)
					}
					if i > 0 && sec.Stories[i-1].Heat < st.Heat {
						t.Errorf("section %q: %s (heat %d) after a cooler story", sec.Topic, st.Path, st.Heat)
					}
					if st.Title != a.Title || st.URL != a.WebURL || st.Provider != a.Provider.Name || st.Heat != a.Heat {
						t.Errorf("story %s shows %q %q %q %d", st.Path, st.Title, st.URL, st.Provider, st.Heat)
					}
					if want := a.PublishedDateTime.In(loc).Format("3:04 PM"); st.Time != want {
						t.Errorf("story %s at %s, want %s", st.Path, st.Time, want)
					}
					if len(st.Related)+st.More != len(a.Related) || len(st.Related) > 2 {
						t.Errorf("story %s lists %d related and %d more, record has %d", st.Path, len(st.Related), st.More, len(a.Related))
					}
					for j, l := range st.Related {
						if l.Title != a.Related[j].Title || l.URL != a.Related[j].WebURL || l.Provider != a.Related[j].Provider.Name {
							t.Errorf("story %s related %d: %+v, want %q", st.Path, j, l, a.Related[j].Title)
						}
					}
					if voice, _ := h.site.Highlight(a.Topics); (st.Voice == nil) != (voice == "") || st.Voice != nil && st.Voice.Name != voice {
						t.Errorf("story %s voice %+v, topics %q", st.Path, st.Voice, a.Topics)
					}
					sawRelated = sawRelated || len(st.Related) > 0
					sawMore = sawMore || st.More > 0
					sawVoice = sawVoice || st.Voice != nil
				}
			}
			sawSections = sawSections || len(is.Sections) > 2
			var want []string
			for _, r := range leads {
				want = append(want, r.Path)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("issue holds\n%q\nwant the day's leads\n%q", got, want)
			}
			if is.Stories != len(leads) {
				t.Errorf("Stories = %d, want %d", is.Stories, len(leads))
			}
			var top []string
			for _, r := range leads[:min(3, len(leads))] {
				top = append(top, r.Article.Title)
			}
			if is.Excerpt != strings.Join(top, " / ") {
				t.Errorf("excerpt %q, want the top three headlines %q", is.Excerpt, top)
			}
		})
	}
	// The fixture must exercise what the test checks.
	if !sawLocalDay || !sawSections || !sawRelated || !sawMore || !sawVoice {
		t.Fatalf("fixture too plain: local day %v, sections %v, related %v, more %v, voice %v",
			sawLocalDay, sawSections, sawRelated, sawMore, sawVoice)
	}
}

func TestIssueFrontMatter(t *testing.T) {
	is := composeDay(t, sharedHub(t), Date{2026, 10, 14})
	rec, err := is.Record()
	if err != nil {
		t.Fatal(err)
	}
	nl := rec.Newsletter
	if rec.Path != "_newsletters/election-pulse-2026-10-14.html" {
		t.Errorf("path %q", rec.Path)
	}
	if nl.Title != "Election Pulse (2026-10-14)" || nl.Type != "article" || !slices.Equal(nl.Topics, []string{"Election"}) {
		t.Errorf("front matter %+v", nl)
	}
	if nl.WebURL != "https://hub.example.org/election/newsletter/election-pulse-2026-10-14/" {
		t.Errorf("webUrl %q", nl.WebURL)
	}
	// No newsletter_time: due at the next midnight, Pacific daylight time.
	if want := time.Date(2026, 10, 15, 7, 0, 0, 0, time.UTC); !nl.PublishedDateTime.Equal(want) {
		t.Errorf("publishedDateTime %s, want %s", nl.PublishedDateTime, want)
	}
	if !strings.HasPrefix(string(rec.Raw), "---\ntitle: \"Election Pulse (2026-10-14)\"\n") || !strings.Contains(string(rec.Raw), "\n---\n<!DOCTYPE html") {
		t.Errorf("record does not start with front matter and an HTML body:\n%.400s", rec.Raw)
	}
}

func TestDayWithoutNewsWritesNoIssue(t *testing.T) {
	h := genHub(t, 300, nil)
	for _, d := range []Date{{2026, 11, 20}, {2025, 1, 1}} {
		_, _, err := Write(context.Background(), h.st, h.site, h.dir, d, testOptions())
		if !errors.Is(err, ErrNoNews) {
			t.Fatalf("%s: error %v, want ErrNoNews", d, err)
		}
	}
	issues, err := Issues(context.Background(), h.st)
	if err != nil || len(issues) != 0 {
		t.Fatalf("store holds %d issues (%v), want none", len(issues), err)
	}
	if entries, err := os.ReadDir(filepath.Join(h.dir, Dir)); err == nil || !os.IsNotExist(err) {
		t.Fatalf("site folder has %s: %d entries (%v), want none", Dir, len(entries), err)
	}
}

// TestDayOfUnpublishedNewsWritesNoIssue: a day whose articles are all
// duplicates of stories led on other days has no story of its own.
func TestDayOfUnpublishedNewsWritesNoIssue(t *testing.T) {
	day := Date{2026, 10, 14}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	n := 0
	h := genHub(t, 2000, func(r *model.Record) {
		if a := r.Article; a != nil && DateOf(a.PublishedDateTime.In(loc)) == day {
			a.Published, a.Heat = false, -1
			n++
		}
	})
	if n == 0 {
		t.Fatal("the fixture has no article on the day")
	}
	if _, err := Compose(context.Background(), h.st, h.site, day, testOptions()); !errors.Is(err, ErrNoNews) {
		t.Fatalf("error %v, want ErrNoNews for a day of %d unpublished articles", err, n)
	}
}

func TestSameInputsSameBytes(t *testing.T) {
	a, b := genHub(t, 1500, nil), genHub(t, 1500, nil)
	for _, d := range []Date{{2026, 10, 28}, {2026, 11, 1}} {
		var raws [2][]byte
		for i, h := range []*hub{a, b} {
			_, rec, err := Write(context.Background(), h.st, h.site, h.dir, d, testOptions())
			if err != nil {
				t.Fatal(err)
			}
			raws[i] = rec.Raw
			file, err := os.ReadFile(filepath.Join(h.dir, filepath.FromSlash(rec.Path)))
			if err != nil || !bytes.Equal(file, rec.Raw) {
				t.Fatalf("site file differs from the record (%v)", err)
			}
			stored, err := h.st.Get(context.Background(), rec.Path)
			if err != nil || !bytes.Equal(stored.Raw, rec.Raw) {
				t.Fatalf("stored record differs from the written one (%v)", err)
			}
		}
		if !bytes.Equal(raws[0], raws[1]) {
			t.Fatalf("%s: two hubs from the same inputs give different issues", d)
		}
		// Written again: the same bytes.
		_, again, err := Write(context.Background(), a.st, a.site, a.dir, d, testOptions())
		if err != nil || !bytes.Equal(again.Raw, raws[0]) {
			t.Fatalf("%s: a second write differs (%v)", d, err)
		}
	}
}

func TestRecordRoundTripsThroughContent(t *testing.T) {
	is := composeDay(t, sharedHub(t), Date{2026, 11, 1})
	rec, err := is.Record()
	if err != nil {
		t.Fatal(err)
	}
	back, err := content.Parse(rec.Path, rec.Raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := content.Render(back); err != nil || !bytes.Equal(back.Raw, rec.Raw) {
		t.Fatalf("parse and render changed the record (%v)", err)
	}
	fresh := &model.Record{Path: back.Path, Kind: back.Kind, Newsletter: back.Newsletter}
	if err := content.Render(fresh); err != nil || !bytes.Equal(fresh.Raw, rec.Raw) {
		t.Fatalf("rendering the parsed value from scratch gives other bytes (%v):\n%.600s", err, fresh.Raw)
	}
	if back.Newsletter.Body != mustHTML(t, is) || back.Newsletter.Excerpt != is.Excerpt || !back.Newsletter.PublishedDateTime.Equal(is.Published) {
		t.Fatalf("parsed record differs from the issue: %+v", back.Newsletter)
	}
}

func TestIssueURL(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  model.Config
		want string
	}{
		{"web app, as Smartable's", model.Config{WebURL: "https://smartable.ai/apps/election/", URL: "https://h.example.org"},
			"https://smartable.ai/apps/election/newsletter/s-2026-10-14/"},
		{"the hub's website", model.Config{URL: "https://h.example.org/", BaseURL: "/election"},
			"https://h.example.org/election/newsletters/s-2026-10-14/"},
		{"no address", model.Config{}, ""},
	} {
		if got := issueURL(&tc.cfg, "s-2026-10-14"); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
