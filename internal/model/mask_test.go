package model

import "testing"

func TestMaskURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.org/feed.xml", "https://example.org/feed.xml"},
		{"https://example.org/feed.xml?page=2&sort=new", "https://example.org/feed.xml?page=2&sort=new"},
		{"https://Reader:s3cret@Example.org/feed", "https://Reader:xxxxx@Example.org/feed"},
		{"https://reader@example.org/feed", "https://reader@example.org/feed"},
		{"https://reader:p%40ss@example.org/feed", "https://reader:xxxxx@example.org/feed"},
		{"https://example.org/feed?token=s3cret", "https://example.org/feed?token=xxxxx"},
		{"https://example.org/feed?a=1&API_KEY=s3cret&b=%20", "https://example.org/feed?a=1&API_KEY=xxxxx&b=%20"},
		{"https://example.org/feed?apikey=s3cret&key=s3cret&access_token=s3cret", "https://example.org/feed?apikey=xxxxx&key=xxxxx&access_token=xxxxx"},
		{"https://example.org/feed?secret=s3cret&password=s3cret&sig=s3cret", "https://example.org/feed?secret=xxxxx&password=xxxxx&sig=xxxxx"},
		{"https://gitlab.example/u.atom?feed_token=s3cret", "https://gitlab.example/u.atom?feed_token=xxxxx"},
		{"https://b.example/f.xml?X-Amz-Signature=s3cret&X-Amz-Date=1", "https://b.example/f.xml?X-Amz-Signature=xxxxx&X-Amz-Date=1"},
		{"https://u:s3cret@example.org/feed?token=s3cret", "https://u:xxxxx@example.org/feed?token=xxxxx"},
		{"https://u:s3cret@example.org/feed%zz", "https://u:xxxxx@example.org/feed%zz"},
		{"https://example.org/feed?monkey=1&keys=2", "https://example.org/feed?monkey=1&keys=2"},
		// Typed without a scheme, as a form may be sent.
		{"reader:s3cret@example.org/feed", "reader:xxxxx@example.org/feed"},
		{"example.org/feed?token=s3cret", "example.org/feed?token=xxxxx"},
		{"reader@example.org/feed", "reader@example.org/feed"},
	} {
		if got := MaskURL(tc.in); got != tc.want {
			t.Errorf("MaskURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMaskURLs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"no address here", "no address here"},
		{`fetch https://u:s3cret@example.org/f?token=s3cret: 500 Internal Server Error`,
			`fetch https://u:xxxxx@example.org/f?token=xxxxx: 500 Internal Server Error`},
		{`Get "https://example.org/f?key=s3cret": dial tcp: refused (redirected to https://cdn.example/f?sig=s3cret)`,
			`Get "https://example.org/f?key=xxxxx": dial tcp: refused (redirected to https://cdn.example/f?sig=xxxxx)`},
		{"from https://example.org/f, a source dedicated to the topic", "from https://example.org/f, a source dedicated to the topic"},
	} {
		if got := MaskURLs(tc.in); got != tc.want {
			t.Errorf("MaskURLs(%q) =\n%q, want\n%q", tc.in, got, tc.want)
		}
	}
}
