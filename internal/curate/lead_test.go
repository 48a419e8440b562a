package curate

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

func art(provider, url string, quality int, published string) *model.Article {
	t, _ := time.Parse(time.RFC3339, published)
	return &model.Article{
		Title: provider + " story", WebURL: url, OriginalURL: url, Quality: quality,
		PublishedDateTime: t, Provider: model.Provider{Name: provider},
	}
}

func TestSettleAppliesLifecycleRules(t *testing.T) {
	aj := art("Al Jazeera", "https://www.aljazeera.com/news/2020/09/pence.html", 125, "2020-09-12T20:01:00Z")
	wapo := art("Washington Post", "https://www.washingtonpost.com/politics/pence.html", 125, "2020-09-12T17:24:00Z")
	trib := art("Chicago Tribune", "https://www.chicagotribune.com/pence.html", 120, "2020-09-12T20:08:00Z")
	raw := art("Raw Story", "https://www.rawstory.com/pence/", 75, "2020-09-12T20:51:00Z")
	raw.Published, raw.Heat = true, 95 // a former lead
	raw.Related = []model.Related{
		{WebURL: "https://www.washingtonpost.com/politics/pence.html?outputType=amp", Quality: 125},
		{WebURL: "https://elsewhere.example/other-story", Quality: 60},
	}
	external := model.Related{WebURL: "https://6abc.com/pence-qanon/6420307/", Quality: 40}
	duplicate := model.Related{WebURL: "https://www.chicagotribune.com/pence.html?utm_source=x", Quality: 120}

	members := []*model.Article{aj, raw, trib, wapo}
	lead := Settle(members, []model.Related{external, duplicate}, 20)

	if lead != wapo {
		t.Fatalf("lead = %s, want Washington Post (quality tie goes to the earliest published)", lead.Provider.Name)
	}
	if !wapo.Published || wapo.Heat != 125+20*4 {
		t.Errorf("lead published=%v heat=%d, want true and %d", wapo.Published, wapo.Heat, 125+20*4)
	}
	var urls []string
	var qs []int
	for _, r := range wapo.Related {
		urls = append(urls, r.WebURL)
		qs = append(qs, r.Quality)
	}
	wantURLs := []string{aj.WebURL, trib.WebURL, raw.WebURL, external.WebURL}
	if !slices.Equal(urls, wantURLs) {
		t.Errorf("related = %q, want %q", urls, wantURLs)
	}
	if !slices.IsSortedFunc(qs, func(a, b int) int { return b - a }) {
		t.Errorf("related qualities %v not descending", qs)
	}
	for _, a := range []*model.Article{aj, trib, raw} {
		if a.Published || a.Heat != -1 {
			t.Errorf("%s: published=%v heat=%d, want false and -1", a.Provider.Name, a.Published, a.Heat)
		}
	}
	if len(raw.Related) != 1 || raw.Related[0].Quality != 125 {
		t.Errorf("demoted lead kept %v, want only its story's coverage", raw.Related)
	}
}

func TestSettleTieBreaksOnProviderName(t *testing.T) {
	b := art("Bravo", "https://b.example/x", 90, "2021-01-01T00:00:00Z")
	a := art("alpha", "https://a.example/x", 90, "2021-01-01T00:00:00Z")
	if lead := Settle([]*model.Article{b, a}, nil, 20); lead != a {
		t.Errorf("lead = %s, want alpha", lead.Provider.Name)
	}
}

func TestSettleHonoursRelatedLimit(t *testing.T) {
	var members []*model.Article
	for i := range 30 {
		members = append(members, art("P", "https://p.example/"+string(rune('a'+i)), 50+i, "2021-01-01T00:00:00Z"))
	}
	lead := Settle(members, nil, 5)
	if len(lead.Related) != 5 || lead.Heat != lead.Quality+100 {
		t.Errorf("related %d heat %d, want 5 and %d", len(lead.Related), lead.Heat, lead.Quality+100)
	}
	if lead.Related[0].Quality != 78 {
		t.Errorf("first related quality %d, want the best other member (78)", lead.Related[0].Quality)
	}
}

func TestRankDecaysHeatWithAge(t *testing.T) {
	now := time.Date(2021, 6, 27, 12, 0, 0, 0, time.UTC)
	fresh := &model.Article{Heat: 100, PublishedDateTime: now.Add(-time.Hour), WebURL: "https://x/fresh"}
	hotOld := &model.Article{Heat: 250, PublishedDateTime: now.Add(-48 * time.Hour), WebURL: "https://x/old"}
	hotDay := &model.Article{Heat: 300, PublishedDateTime: now.Add(-24 * time.Hour), WebURL: "https://x/day"}
	future := &model.Article{Heat: 90, PublishedDateTime: now.Add(100 * time.Hour), WebURL: "https://x/future"}
	undated := &model.Article{Heat: 1000, WebURL: "https://x/undated"}
	got := Rank([]*model.Article{hotOld, undated, fresh, future, hotDay, nil}, now)
	want := []*model.Article{hotDay, fresh, future, hotOld, undated}
	if !slices.Equal(got, want) {
		for _, a := range got {
			t.Logf("%s %.2f", a.WebURL, RankScore(a, now))
		}
		t.Errorf("Rank order wrong")
	}
	// 300 / (1+1)^1.5 = 106.07
	if s := RankScore(hotDay, now); s < 106 || s > 106.1 {
		t.Errorf("RankScore(day-old, heat 300) = %.3f, want 106.07", s)
	}
}

// TestCompareFoldOrdersAsLowerCaseCopies checks the lead tie-break against
// comparing lower-case copies, for ASCII and other names.
func TestCompareFoldOrdersAsLowerCaseCopies(t *testing.T) {
	names := []string{"", "a", "A", "ab", "AB", "aB", "b", "Reuters", "reuters", "REUTERS Live", "Reuters live",
		"The Hill", "the hill", "Zeit", "ZEIT Online", "Élysée", "élysée", "Ärzteblatt", "arzteblatt", "[Bracket]",
		"_under", "ÆON", "Kelvin \u212A", "Kelvin k", "Kelvin K", "\xff bad", "\xfe bad", "AZ", "az", "Ab\xff"}
	for _, a := range names {
		for _, b := range names {
			want := strings.Compare(strings.ToLower(a), strings.ToLower(b))
			if got := compareFold(a, b); got != want {
				t.Errorf("compareFold(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

// TestBuildRelatedKeepsNoRoomBeyondItsEntries checks that a related list
// holds only its entries: a lead keeps it while its batch is curated and
// stored, and many candidates cut to the limit would otherwise keep the
// room of all of them.
func TestBuildRelatedKeepsNoRoomBeyondItsEntries(t *testing.T) {
	lead := art("Lead", "https://lead.example/story", 100, "2020-09-12T20:00:00Z")
	var cands []model.Related
	for i := range 50 {
		cands = append(cands, model.Related{WebURL: "https://other.example/" + strings.Repeat("x", i+1), Quality: i})
	}
	for _, tc := range []struct{ limit, want int }{{10, 10}, {-1, 50}, {100, 50}} {
		got := BuildRelated(lead, cands, tc.limit)
		if len(got) != tc.want || cap(got) != len(got) {
			t.Errorf("limit %d: %d entries in room for %d, want %d in room for as many", tc.limit, len(got), cap(got), tc.want)
		}
	}
	if got := BuildRelated(lead, nil, 10); got != nil {
		t.Errorf("no candidates: %v, want nil", got)
	}
}

func TestHeatStopsAtTheLargestInt(t *testing.T) {
	tests := []struct{ quality, related, want int }{
		{105, 0, 105},
		{105, 3, 165},
		{math.MaxInt, 0, math.MaxInt},
		{math.MaxInt, 2, math.MaxInt},
		{math.MaxInt - 30, 2, math.MaxInt},
		{math.MaxInt - 40, 2, math.MaxInt},
	}
	for _, tt := range tests {
		if got := Heat(tt.quality, tt.related); got != tt.want {
			t.Errorf("Heat(%d, %d) = %d, want %d", tt.quality, tt.related, got, tt.want)
		}
	}
}
