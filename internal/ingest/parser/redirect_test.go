package parser

import "testing"

// TestUnwrapRedirect checks which links are an aggregator's redirect to
// the article they name, and which are left as they are: Google's and
// Bing's other pages, a redirect that names no web address, and hosts
// that only look like theirs.
func TestUnwrapRedirect(t *testing.T) {
	for link, want := range map[string]string{
		"https://www.google.com/url?rct=j&sa=t&url=https://site.example/a&ct=ga":                  "https://site.example/a",
		"https://www.google.co.uk/url?q=https%3A%2F%2Fsite.example%2Fa%3Fb%3D1&sa=U":              "https://site.example/a?b=1",
		"http://www.bing.com/news/apiclick.aspx?ref=FexRss&url=http%3a%2f%2fsite.example%2fa&c=1": "http://site.example/a",
		"https://www.google.com/url?rct=j&url=javascript:alert(1)":                                "https://www.google.com/url?rct=j&url=javascript:alert(1)",
		"https://www.google.com/search?q=https://site.example/a":                                  "https://www.google.com/search?q=https://site.example/a",
		"https://www.bing.com/news/search?q=canvass&url=https://site.example/a":                   "https://www.bing.com/news/search?q=canvass&url=https://site.example/a",
		"https://notgoogle.example/url?url=https://site.example/a":                                "https://notgoogle.example/url?url=https://site.example/a",
		"https://google.site.example/url?url=https://site.example/a":                              "https://google.site.example/url?url=https://site.example/a",
		"https://site.example/url?url=https://other.example/a":                                    "https://site.example/url?url=https://other.example/a",
	} {
		if got := unwrapRedirect(link); got != want {
			t.Errorf("unwrapRedirect(%q) = %q, want %q", link, got, want)
		}
	}
}
