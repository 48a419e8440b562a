package site

import (
	"testing"

	"newshub/internal/model"
)

func testSite() *Site {
	topics := []*model.Topic{
		{ID: "republican-voice", Name: "Republican Voice", Parent: "Election", Order: 1},
		{ID: "election", Name: "Election", Order: 0},
		{ID: "green", Name: "Green Voice", Parent: "Election", Order: 2,
			Highlight: &model.Highlight{TextColor: "#000000", BackgroundColor: "#00FF00"}},
		{ID: "democratic-voice", Name: "Democratic Voice", Parent: "Election", Order: 3},
	}
	orgs := map[string]*model.Organization{
		"cnn.com":        {Domain: "cnn.com", Name: "CNN"},
		"abcnews.go.com": {Domain: "abcnews.go.com", Name: "ABC News"},
	}
	return New(&model.Config{Topic: "Election"}, topics, orgs)
}

func TestHighlightUsesYAMLThenSmartableVoiceColours(t *testing.T) {
	s := testSite()
	tests := []struct {
		topics   []string
		wantName string
		wantBG   string
	}{
		{[]string{"Election", "Democratic Voice"}, "Democratic Voice", "#0015BC"},
		{[]string{"Republican Voice"}, "Republican Voice", "#FF0000"},
		{[]string{"Green Voice", "Democratic Voice"}, "Green Voice", "#00FF00"},
		{[]string{"Democratic Voice", "Republican Voice"}, "Republican Voice", "#FF0000"}, // taxonomy order decides
		{[]string{"Election"}, "", ""},
	}
	for _, tt := range tests {
		name, h := s.Highlight(tt.topics)
		bg := ""
		if h != nil {
			bg = h.BackgroundColor
		}
		if name != tt.wantName || bg != tt.wantBG {
			t.Errorf("Highlight(%v) = %q %q, want %q %q", tt.topics, name, bg, tt.wantName, tt.wantBG)
		}
	}
}

func TestTopicsAreInDisplayOrderAndRootIsConfigured(t *testing.T) {
	s := testSite()
	if got := s.Topics[0].ID; got != "election" {
		t.Errorf("first topic = %q, want election", got)
	}
	if r := s.Root(); r == nil || r.ID != "election" {
		t.Errorf("Root() = %v, want election", r)
	}
	if s.TopicByID("green") == nil || s.TopicByName("Green Voice") == nil || s.TopicByID("nope") != nil {
		t.Error("topic lookups by id and name disagree with the taxonomy")
	}
}

func TestOrganizationMatchesHostAndParentDomains(t *testing.T) {
	s := testSite()
	tests := []struct{ host, want string }{
		{"edition.cnn.com", "CNN"},
		{"WWW.CNN.COM", "CNN"},
		{"abcnews.go.com", "ABC News"},
		{"go.com", ""},
		{"example.org", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := ""
		if o := s.Organization(tt.host); o != nil {
			got = o.Name
		}
		if got != tt.want {
			t.Errorf("Organization(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

// TestOrganizationWrittenWithWWWIsFound holds a publisher whose file gives
// its domain with "www." (or in capitals) to the hosts it stands for,
// however the articles spell them: its voice and quality depend on it.
func TestOrganizationWrittenWithWWWIsFound(t *testing.T) {
	s := FromRecords([]*model.Record{
		{Kind: model.KindOrganization, Organization: &model.Organization{Domain: "www.press.example", Name: "Press", Voice: "Democratic Voice"}},
		{Kind: model.KindOrganization, Organization: &model.Organization{Domain: "WWW.Wire.Example", Name: "Wire"}},
		// Given both ways, the publisher's bare domain is its name.
		{Kind: model.KindOrganization, Organization: &model.Organization{Domain: "daily.example", Name: "Daily"}},
		{Kind: model.KindOrganization, Organization: &model.Organization{Domain: "www.daily.example", Name: "Daily (www)"}},
	})
	tests := []struct{ host, want string }{
		{"press.example", "Press"},
		{"www.press.example", "Press"},
		{"news.press.example", "Press"},
		{"wire.example", "Wire"},
		{"WWW.WIRE.EXAMPLE", "Wire"},
		{"daily.example", "Daily"},
		{"www.daily.example", "Daily"},
		{"other.example", ""},
	}
	for _, tt := range tests {
		got := ""
		if o := s.Organization(tt.host); o != nil {
			got = o.Name
		}
		if got != tt.want {
			t.Errorf("Organization(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestAbsoluteResolvesSiteRelativeURLsOnly(t *testing.T) {
	s := New(&model.Config{URL: "https://hub.example.org/", BaseURL: "/election/"}, nil, nil)
	base := s.BaseURL()
	if base != "https://hub.example.org/election" {
		t.Fatalf("BaseURL = %q", base)
	}
	tests := []struct{ base, in, want string }{
		{base, "/assets/images/a.svg", "https://hub.example.org/election/assets/images/a.svg"},
		{base, "https://cdn.example.com/a.jpg", "https://cdn.example.com/a.jpg"},
		{base, "//evil.example/a.jpg", "//evil.example/a.jpg"}, // protocol-relative: not the site's
		{base, "assets/a.svg", "assets/a.svg"},
		{"", "/assets/images/a.svg", "/assets/images/a.svg"},
		{"http://127.0.0.1:8080/", "/assets/x.svg", "http://127.0.0.1:8080/assets/x.svg"},
	}
	for _, tt := range tests {
		if got := Absolute(tt.base, tt.in); got != tt.want {
			t.Errorf("Absolute(%q, %q) = %q, want %q", tt.base, tt.in, got, tt.want)
		}
	}
	if got := New(&model.Config{}, nil, nil).BaseURL(); got != "" {
		t.Errorf("BaseURL without url = %q", got)
	}
}
