package robots

import "testing"

const sample = `
# comments are ignored
User-agent: *
Disallow: /private/
Allow: /private/public-report
Disallow: /*.pdf$
Disallow: /search?

User-agent: otherbot
Disallow: /

User-agent: newshub
User-agent: anotherbot
Disallow: /no-news/
Allow: /no-news/except$
Crawl-delay: 2
`

func TestAllowedForNamedAgent(t *testing.T) {
	r := Parse([]byte(sample), "newshub")
	tests := []struct {
		url  string
		want bool
	}{
		{"https://e.com/politics/a", true},
		{"https://e.com/private/x", true}, // the * group does not apply to a named agent
		{"https://e.com/no-news/story", false},
		{"https://e.com/no-news/except", true},
		{"https://e.com/no-news/except/more", false},
	}
	for _, tt := range tests {
		if got := r.Allowed(tt.url); got != tt.want {
			t.Errorf("Allowed(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
	if r.CrawlDelay() != 2 {
		t.Errorf("CrawlDelay = %v", r.CrawlDelay())
	}
}

func TestAllowedForWildcardGroup(t *testing.T) {
	r := Parse([]byte(sample), "somebot")
	tests := []struct {
		url  string
		want bool
	}{
		{"https://e.com/", true},
		{"https://e.com/private/x", false},
		{"https://e.com/private/public-report", true},
		{"https://e.com/files/doc.pdf", false},
		{"https://e.com/files/doc.pdf?x=1", true},
		{"https://e.com/search?q=vote", false},
		{"https://e.com/search", true},
	}
	for _, tt := range tests {
		if got := r.Allowed(tt.url); got != tt.want {
			t.Errorf("Allowed(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
}

func TestSpecialRuleSets(t *testing.T) {
	if !AllowAll.Allowed("https://e.com/anything") {
		t.Error("AllowAll refused")
	}
	if DisallowAll.Allowed("https://e.com/") {
		t.Error("DisallowAll allowed")
	}
	if !Parse([]byte("User-agent: *\nDisallow:\n"), "newshub").Allowed("https://e.com/x") {
		t.Error("empty Disallow refused")
	}
	if Parse([]byte("User-agent: otherbot\nUser-agent: newshub\nDisallow: /\n"), "newshub").Allowed("https://e.com/x") {
		t.Error("second agent line of a group ignored")
	}
	if !Parse([]byte("garbage\x00\nDisallow: /\n"), "newshub").Allowed("https://e.com/x") {
		t.Error("rules outside any group applied")
	}
}
