package curate

import (
	"math"
	"strings"
	"testing"

	"newshub/internal/model"
)

func goodArticle() *model.Article {
	return &model.Article{
		Title:     "Pence drops plan to go to fundraiser hosted by QAnon backers",
		Excerpt:   strings.Repeat("Vice President Mike Pence has canceled plans to attend a fundraiser. ", 3),
		AmpWebURL: "https://www.washingtonpost.com/politics/a.html?outputType=amp",
		Images:    []model.Image{{URL: "https://img.example/a.jpg", Width: 1484, Height: 779}},
	}
}

func TestQualityAddsDocumentedTerms(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(a *model.Article)
		org    *model.Organization
		want   int
	}{
		// 50 prior + 20 image + 10 large + 15 AMP + 15 excerpt + 10 title
		{"all signals, default prior", func(*model.Article) {}, nil, 120},
		{"publisher prior", func(*model.Article) {}, &model.Organization{Domain: "npr.org", Quality: 90}, 160},
		{"org without prior uses default", func(*model.Article) {}, &model.Organization{Domain: "npr.org"}, 120},
		{"no AMP", func(a *model.Article) { a.AmpWebURL = "" }, nil, 105},
		{"medium image", func(a *model.Article) { a.Images[0].Width = 700 }, nil, 115},
		{"small image", func(a *model.Article) { a.Images[0].Width = 300 }, nil, 110},
		{"image of unknown size", func(a *model.Article) { a.Images[0].Width, a.Images[0].Height = 0, 0 }, nil, 110},
		{"no image", func(a *model.Article) { a.Images = nil }, nil, 90},
		{"short excerpt", func(a *model.Article) { a.Excerpt = "Too short." }, nil, 105},
		{"mid excerpt", func(a *model.Article) { a.Excerpt = strings.Repeat("x", 120) }, nil, 115},
		{"short title", func(a *model.Article) { a.Title = "Pence cancels" }, nil, 110},
		{"title in capitals", func(a *model.Article) { a.Title = strings.ToUpper(a.Title) }, nil, 110},
		{"clickbait", func(a *model.Article) { a.Title = "You won't believe what Pence did at this fundraiser" }, nil, 105},
		{"clickbait curly apostrophe", func(a *model.Article) { a.Title = "You won’t believe what Pence did at this fundraiser" }, nil, 105},
		{"clamped at the floor", func(a *model.Article) { *a = model.Article{} }, nil, MinQuality},
		{"clamped at the ceiling", func(*model.Article) {}, &model.Organization{Quality: 500}, MaxQuality},
		// A prior the article's terms would carry past the largest int
		// is at the ceiling too, not wrapped round to the floor.
		{"prior of the largest int", func(*model.Article) {}, &model.Organization{Quality: math.MaxInt}, MaxQuality},
		{"prior of the largest int, no title", func(a *model.Article) { a.Title = "" }, &model.Organization{Quality: math.MaxInt}, MaxQuality},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := goodArticle()
			tt.mutate(a)
			got, why := Quality(a, tt.org)
			if got != tt.want {
				t.Errorf("Quality = %d, want %d; terms:\n%s", got, tt.want, strings.Join(why, "\n"))
			}
			if len(why) < 4 {
				t.Errorf("want an explanation line per term, got %q", why)
			}
		})
	}
}

func TestQualityIsDeterministicAndInRange(t *testing.T) {
	inputs := []*model.Article{
		{Title: ""},
		{Title: strings.Repeat("Trump ", 2000)},
		{Title: "特朗普在俄亥俄州举行集会", Excerpt: "前总统特朗普周六在俄亥俄州举行了自1月6日以来的首次集会。"},
		{Title: "ترامب يعود إلى التجمعات الانتخابية في أوهايو"},
		{Title: "🇺🇸🔥 Trump rally 🔥🔥🔥"},
		{Title: "!!!?!!!", Excerpt: strings.Repeat("é", 10000)},
	}
	for _, a := range inputs {
		q1, w1 := Quality(a, nil)
		q2, w2 := Quality(a, nil)
		if q1 != q2 || strings.Join(w1, "|") != strings.Join(w2, "|") {
			t.Errorf("Quality(%.20q) not deterministic: %d vs %d", a.Title, q1, q2)
		}
		if q1 < MinQuality || q1 > MaxQuality {
			t.Errorf("Quality(%.20q) = %d, outside %d-%d", a.Title, q1, MinQuality, MaxQuality)
		}
	}
}

func TestShoutingIgnoresCaselessScripts(t *testing.T) {
	tests := []struct {
		title string
		want  bool
	}{
		{"TRUMP HOLDS RALLY IN OHIO", true},
		{"Trump holds rally in Ohio", false},
		{"GOP", false},
		{"特朗普在俄亥俄州举行集会", false},
		{"NATO SUMMIT: 特朗普", true},
	}
	for _, tt := range tests {
		if got := shouting(tt.title); got != tt.want {
			t.Errorf("shouting(%q) = %v, want %v", tt.title, got, tt.want)
		}
	}
}
