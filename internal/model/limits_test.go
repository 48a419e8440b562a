package model

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClipCutsAtACharacterWithAnEllipsis(t *testing.T) {
	tests := []struct {
		s    string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"ééééééééééé", 10, "ééééééééé…"}, // 11 characters of two bytes
		{"word and space", 10, "word and…"},
		{"漢字漢字漢字", 4, "漢字漢…"},
		{"anything", 0, ""},
		{"ab", 1, "…"},
	}
	for _, tt := range tests {
		got := Clip(tt.s, tt.max)
		if got != tt.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tt.s, tt.max, got, tt.want)
		}
		if n := utf8.RuneCountInString(got); n > tt.max || !utf8.ValidString(got) {
			t.Errorf("Clip(%q, %d) = %q: %d characters", tt.s, tt.max, got, n)
		}
	}
}

func TestOverLimitCountsCharactersNotBytes(t *testing.T) {
	if OverLimit(strings.Repeat("é", 1000), 1000) {
		t.Error("1000 two-byte characters are over a limit of 1000")
	}
	if !OverLimit(strings.Repeat("é", 1001), 1000) {
		t.Error("1001 characters are within a limit of 1000")
	}
}

func TestFitArticleCutsEveryFieldToItsLimitAndSaysWhich(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	img := Image{URL: "https://i.example/" + long(MaxURL)}
	a := &Article{
		Title:    long(MaxTitle + 5),
		Excerpt:  "fits",
		WebURL:   "https://a.example/" + long(MaxURL),
		Provider: Provider{Name: long(MaxTitle + 1), Images: []Image{img}},
		Topics:   make([]string, MaxTopics+3),
		Images:   slices.Repeat([]Image{{URL: "https://i.example/a.jpg"}}, MaxImages+1),
		Related:  make([]Related, MaxRelated+1),
	}
	a.Related[2].Excerpt = long(MaxExcerpt + 1)
	over := OverLimits(a)
	if len(a.Title) != MaxTitle+5 || len(a.Related) != MaxRelated+1 {
		t.Fatal("OverLimits changed the article")
	}
	cut := FitArticle(a)
	if !slices.Equal(over, cut) {
		t.Errorf("OverLimits found %q, FitArticle cut %q", over, cut)
	}
	want := []string{"title", "webUrl", "provider.name", "provider.images[0].url", "topics", "images", "related", "related[2].excerpt"}
	if !slices.Equal(cut, want) {
		t.Errorf("FitArticle cut %q, want %q", cut, want)
	}
	for name, n := range map[string]int{"title": utf8.RuneCountInString(a.Title), "webUrl": utf8.RuneCountInString(a.WebURL)} {
		if limit := TextLimit(name); n != limit {
			t.Errorf("%s has %d characters after FitArticle, want %d", name, n, limit)
		}
	}
	if len(a.Topics) != MaxTopics || len(a.Images) != MaxImages || len(a.Related) != MaxRelated || a.Excerpt != "fits" {
		t.Errorf("after FitArticle: %d topics, %d images, %d related, excerpt %q", len(a.Topics), len(a.Images), len(a.Related), a.Excerpt)
	}
	if again := FitArticle(a); len(again) != 0 {
		t.Errorf("a fitted article is cut again: %q", again)
	}
}

func TestRelatedLimitOfConfigStaysWithinTheRecordLimit(t *testing.T) {
	for _, tt := range []struct{ set, want int }{{0, DefaultRelatedLimit}, {50, 50}, {MaxRelated, MaxRelated}, {1 << 20, MaxRelated}} {
		if got := (&Config{RelatedLimit: tt.set}).Related(); got != tt.want {
			t.Errorf("related_limit %d gives %d, want %d", tt.set, got, tt.want)
		}
	}
}

// TestParseErrorsQuoteAPrefix gives each reader of a setting a value of a
// megabyte: its error quotes the first characters only. (Each quoted the
// whole value, which a form or a file may carry.)
func TestParseErrorsQuoteAPrefix(t *testing.T) {
	long := "12" + strings.Repeat("x", 1<<20)
	want := strconv.Quote(long[:39] + "…")
	for name, parse := range map[string]func(string) error{
		"ParseClock":    func(s string) error { _, err := ParseClock(s); return err },
		"ParseAge":      func(s string) error { _, err := ParseAge(s); return err },
		"ParseSpan":     func(s string) error { _, err := ParseSpan(s); return err },
		"ParseInterval": func(s string) error { _, err := ParseInterval(s); return err },
	} {
		err := parse(long)
		if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error of %d bytes %.200v, want one quoting %s", name, len(fmt.Sprint(err)), err, want)
		}
	}
}
