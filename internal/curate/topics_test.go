package curate

import (
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/site"
)

// testSite is a small hub shaped like the Election taxonomy, with a
// grandchild topic and a non-Latin keyword.
func testSite() *site.Site {
	topics := []*model.Topic{
		{ID: "election", Name: "Election", Keywords: []string{"election", "trump", "biden"}, Hashtags: []string{"#Election2020"}, Order: 0},
		{ID: "republican-voice", Name: "Republican Voice", Parent: "Election", Hashtags: []string{"#Republican"}, Order: 1,
			Highlight: &model.Highlight{TextColor: "#FFFFFF", BackgroundColor: "#FF0000"}},
		{ID: "democratic-voice", Name: "Democratic Voice", Parent: "Election", Hashtags: []string{"#Democratic"}, Order: 2,
			Highlight: &model.Highlight{TextColor: "#FFFFFF", BackgroundColor: "#0015BC"}},
		{ID: "donald-trump", Name: "Donald Trump", Parent: "Election", Keywords: []string{"trump", "特朗普"}, Hashtags: []string{"#Trump"}, Order: 3},
		{ID: "mike-pence", Name: "Mike Pence", Parent: "Election", Keywords: []string{"pence"}, Hashtags: []string{"#Pence"}, Order: 5},
		{ID: "kamala-harris", Name: "Kamala Harris", Parent: "Election", Keywords: []string{"harris", "kamala harris"}, Hashtags: []string{"#Harris"}, Order: 6},
		{ID: "trump-rallies", Name: "Trump Rallies", Parent: "Donald Trump", Keywords: []string{"rally", "rallies"}, Order: 7},
	}
	orgs := map[string]*model.Organization{
		"foxnews.com": {Domain: "foxnews.com", Voice: "Republican Voice"},
		"msnbc.com":   {Domain: "msnbc.com", Voice: "Democratic Voice"},
		"npr.org":     {Domain: "npr.org", Quality: 100},
	}
	return site.New(&model.Config{Topic: "Election"}, topics, orgs)
}

func TestTopicsApplyByWholeWordSourceVoiceAndParent(t *testing.T) {
	s := testSite()
	tests := []struct {
		name    string
		a       model.Article
		source  []string
		want    []string
		because string
	}{
		{"root only", model.Article{Title: "Weather today"}, nil, []string{"Election"}, "root topic"},
		{"keyword in title", model.Article{Title: "Pence drops plan"}, nil, []string{"Election", "Mike Pence"}, `"pence" in title`},
		{"keyword in excerpt, any case", model.Article{Title: "A plan", Excerpt: "VICE PRESIDENT PENCE said"}, nil, []string{"Election", "Mike Pence"}, `"pence" in excerpt`},
		{"possessive is a whole word", model.Article{Title: "Trump's rally"}, nil, []string{"Election", "Donald Trump", "Trump Rallies"}, `Trump Rallies: "rally" in title`},
		{"part of a word is not", model.Article{Title: "Trumpet players and Spencer"}, nil, []string{"Election"}, "root"},
		{"multi-word keyword", model.Article{Title: "Vice President Kamala Harris visits"}, nil, []string{"Election", "Kamala Harris"}, "Kamala Harris"},
		{"hashtag with #", model.Article{Title: "Tonight #Republican debate"}, nil, []string{"Election", "Republican Voice"}, `"#republican" in title`},
		{"bare word of a label topic is not", model.Article{Title: "Republican senators meet"}, nil, []string{"Election"}, "root"},
		{"bare hashtag word of a keyword topic", model.Article{Title: "Harris in Guatemala"}, nil, []string{"Election", "Kamala Harris"}, "harris"},
		{"voice from publisher", model.Article{Title: "Border news", Provider: model.Provider{Domain: "foxnews.com"}}, nil, []string{"Election", "Republican Voice"}, "voice of the publisher foxnews.com"},
		{"voice from URL host", model.Article{Title: "Border news", OriginalURL: "https://www.msnbc.com/a"}, nil, []string{"Election", "Democratic Voice"}, "voice of the publisher msnbc.com"},
		{"source assigns by name", model.Article{Title: "Border news"}, []string{"Mike Pence"}, []string{"Election", "Mike Pence"}, "assigned by the source"},
		{"source assigns by id", model.Article{Title: "Border news"}, []string{"kamala-harris"}, []string{"Election", "Kamala Harris"}, "assigned by the source"},
		{"unknown source topic ignored", model.Article{Title: "Border news"}, []string{"Nope"}, []string{"Election"}, "root"},
		{"grandchild implies parent and root", model.Article{Title: "Huge rallies in Ohio"}, nil, []string{"Election", "Donald Trump", "Trump Rallies"}, "Donald Trump: parent of Trump Rallies"},
		{"CJK keyword inside a sentence", model.Article{Title: "前总统特朗普周六举行集会"}, nil, []string{"Election", "Donald Trump"}, `"特朗普" in title`},
		{"Arabic title", model.Article{Title: "ترامب يعود إلى أوهايو"}, nil, []string{"Election"}, "root"},
		{"emoji around a word", model.Article{Title: "🔥Pence🔥 speaks"}, nil, []string{"Election", "Mike Pence"}, "pence"},
		{"accented letters are letters", model.Article{Title: "Penceé and Éharris"}, nil, []string{"Election"}, "root"},
		{"taxonomy order", model.Article{Title: "Harris, Pence and Trump"}, []string{"Republican Voice"}, []string{"Election", "Republican Voice", "Donald Trump", "Mike Pence", "Kamala Harris"}, "Kamala Harris"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, why := Topics(&tt.a, s, tt.source)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Topics = %q, want %q; why:\n%s", got, tt.want, strings.Join(why, "\n"))
			}
			if !strings.Contains(strings.Join(why, "\n"), tt.because) {
				t.Errorf("explanations %q lack %q", why, tt.because)
			}
		})
	}
}

func TestTopicsSurviveHugeAndOddInput(t *testing.T) {
	s := testSite()
	a := &model.Article{Title: strings.Repeat("trumpet ", 1250) + "pence", Excerpt: strings.Repeat("\x00\uFFFD", 1000)}
	got, _ := Topics(a, s, nil)
	if !slices.Equal(got, []string{"Election", "Mike Pence"}) {
		t.Errorf("Topics on a 10,000-character title = %q", got)
	}
	empty := site.New(&model.Config{}, nil, nil)
	if got, _ := Topics(&model.Article{Title: "Pence"}, empty, []string{"x"}); len(got) != 0 {
		t.Errorf("Topics with no taxonomy = %q, want none", got)
	}
}

func TestContainsWord(t *testing.T) {
	tests := []struct {
		s, w string
		want bool
	}{
		{"trump rally", "trump", true},
		{"the trumpet", "trump", false},
		{"pro-trump rally", "trump", true},
		{"trump_card", "trump", false},
		{"#trump2024", "#trump", false},
		{"see #trump now", "#trump", true},
		{"x#trump", "#trump", true},
		{"trumptrump trump", "trump", true},
		{"", "trump", false},
	}
	for _, tt := range tests {
		if got := containsWord(tt.s, tt.w); got != tt.want {
			t.Errorf("containsWord(%q, %q) = %v, want %v", tt.s, tt.w, got, tt.want)
		}
	}
}
