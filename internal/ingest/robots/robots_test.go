package robots

import (
	"strings"
	"testing"
)

// mustParse parses robots.txt for agent, failing the test on an error.
func mustParse(t *testing.T, body, agent string) *Rules {
	t.Helper()
	r, err := Parse([]byte(body), agent)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return r
}

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
	r := mustParse(t, sample, "newshub")
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
	r := mustParse(t, sample, "somebot")
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
	if !mustParse(t, "User-agent: *\nDisallow:\n", "newshub").Allowed("https://e.com/x") {
		t.Error("empty Disallow refused")
	}
	if mustParse(t, "User-agent: otherbot\nUser-agent: newshub\nDisallow: /\n", "newshub").Allowed("https://e.com/x") {
		t.Error("second agent line of a group ignored")
	}
	if !mustParse(t, "garbage\x00\nDisallow: /\n", "newshub").Allowed("https://e.com/x") {
		t.Error("rules outside any group applied")
	}
}

// TestAgentMatchesTheProductTokenWhole checks RFC 9309's matching: a group
// applies when its product token is the agent's, whatever the case and a
// version after it; a token that only begins the agent's name is another
// crawler's.
func TestAgentMatchesTheProductTokenWhole(t *testing.T) {
	tests := []struct {
		name, robots string
		want         bool
	}{
		{"prefix of the agent", "User-agent: news\nDisallow: /\n\nUser-agent: *\nAllow: /\n", true},
		{"agent a prefix of the token", "User-agent: newshubber\nDisallow: /\n", true},
		{"exact token", "User-agent: newshub\nDisallow: /\n", false},
		{"other case", "User-agent: NewsHub\nDisallow: /\n", false},
		{"token with a version", "User-agent: newshub/2.1\nDisallow: /\n", false},
		{"prefix group, then the star group", "User-agent: news\nAllow: /\n\nUser-agent: *\nDisallow: /\n", false},
	}
	for _, tt := range tests {
		if got := mustParse(t, tt.robots, "newshub").Allowed("https://e.com/a"); got != tt.want {
			t.Errorf("%s: Allowed = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestParseFailsOnALineItCannotRead(t *testing.T) {
	body := "User-agent: *\nDisallow: /" + strings.Repeat("x", 2<<20) + "\nDisallow: /private/\n"
	if _, err := Parse([]byte(body), "newshub"); err == nil {
		t.Fatal("a 2 MiB line read as if the rules ended there")
	}
}
