package curate

import (
	"strings"
	"testing"
	"unsafe"
)

func TestCanonicalURLFoldsVariantsOfOnePage(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain https", "https://www.reuters.com/world/us/blinken-visit-pope-2021-06-24/", "https://reuters.com/world/us/blinken-visit-pope-2021-06-24"},
		{"http folded to https", "http://www.reuters.com/world/us/blinken-visit-pope-2021-06-24", "https://reuters.com/world/us/blinken-visit-pope-2021-06-24"},
		{"scheme and host case", "HTTPS://WWW.Reuters.COM/World/Us", "https://reuters.com/World/Us"},
		{"fragment dropped", "https://thehill.com/homenews/516272-joe-biden#comments", "https://thehill.com/homenews/516272-joe-biden"},
		{"default https port", "https://www.nytimes.com:443/2020/09/12/us/politics/pence.html", "https://nytimes.com/2020/09/12/us/politics/pence.html"},
		{"default http port", "http://www.nytimes.com:80/2020/09/12/us/politics/pence.html", "https://nytimes.com/2020/09/12/us/politics/pence.html"},
		{"other port kept", "http://localhost:8080/a/b/", "https://localhost:8080/a/b"},
		{"utm params", "https://www.politico.com/news/2021/02/04/greene-491640?utm_source=rss&utm_medium=feed&utm_campaign=x", "https://politico.com/news/2021/02/04/greene-491640"},
		{"click ids", "https://www.cbsnews.com/news/harris-desk/?fbclid=IwAR0abc&gclid=xyz&ocid=msn", "https://cbsnews.com/news/harris-desk"},
		{"at internet", "https://www.broadcaster.example/news/articles/c0w4k9e2r1yo?at_medium=RSS&at_campaign=rss", "https://broadcaster.example/news/articles/c0w4k9e2r1yo"},
		{"mailchimp and cmpid", "https://www.wsj.com/articles/trump-rally-11624725002?mc_cid=1&mc_eid=2&cmpid=3&ncid=4&taid=5", "https://wsj.com/articles/trump-rally-11624725002"},
		{"track=rss", "https://www.theguardian.com/us-news/2021/jun/27/trump-ohio?track=rss", "https://theguardian.com/us-news/2021/jun/27/trump-ohio"},
		{"ref=rss", "https://www.newsweek.com/trump-ohio-rally-1604592?ref=rss", "https://newsweek.com/trump-ohio-rally-1604592"},
		{"ref with content value kept", "https://example.com/doc?ref=v2", "https://example.com/doc?ref=v2"},
		{"content query kept and sorted", "https://abcnews.go.com/Politics/story?type=a&id=73062846", "https://abcnews.go.com/Politics/story?id=73062846&type=a"},
		{"content query kept beside tracking", "https://abcnews.go.com/Politics/story?id=73062846&utm_source=feed", "https://abcnews.go.com/Politics/story?id=73062846"},
		{"amp query bare", "https://thehill.com/homenews/campaign/516272-joe-and-jill-biden-vote-early?amp", "https://thehill.com/homenews/campaign/516272-joe-and-jill-biden-vote-early"},
		{"amp=true", "https://townhall.com/tipsheet/x/2020/09/13/devin-nunes-n2576127?amp=true", "https://townhall.com/tipsheet/x/2020/09/13/devin-nunes-n2576127"},
		{"outputType=amp", "https://www.washingtonpost.com/politics/pence-drops-plan/2020/09/12/6acaeb20_story.html?outputType=amp", "https://washingtonpost.com/politics/pence-drops-plan/2020/09/12/6acaeb20_story.html"},
		{"outputType other kept", "https://www.washingtonpost.com/a.html?outputType=print", "https://washingtonpost.com/a.html?outputType=print"},
		{"amp path suffix", "https://www.forbes.com/sites/sethcohen/2020/09/09/mike-pences-expected-attendance/amp/", "https://forbes.com/sites/sethcohen/2020/09/09/mike-pences-expected-attendance"},
		{"amp path prefix", "https://www.aljazeera.com/amp/news/2020/09/mike-pence-backs-fundraiser-200912171621142.html", "https://aljazeera.com/news/2020/09/mike-pence-backs-fundraiser-200912171621142.html"},
		{"dot amp suffix", "https://www.foxnews.com/politics/harris-tribute-rgb-supreme-court.amp", "https://foxnews.com/politics/harris-tribute-rgb-supreme-court"},
		{"dot amp html", "https://omaha.com/news/article_239b6072-8b23.amp.html", "https://omaha.com/news/article_239b6072-8b23.html"},
		{"amp subdomain", "https://amp.theguardian.com/us-news/2021/jun/27/hes-not-a-quitter", "https://theguardian.com/us-news/2021/jun/27/hes-not-a-quitter"},
		{"mobile subdomain", "https://mobile.reuters.com/article/amp/idUSKBN2BT2T4", "https://reuters.com/article/amp/idUSKBN2BT2T4"},
		{"amp cache unwrapped", "https://www-forbes-com.cdn.ampproject.org/c/s/www.forbes.com/sites/sethcohen/2020/09/09/mike-pences/amp/", "https://forbes.com/sites/sethcohen/2020/09/09/mike-pences"},
		{"amp cache http", "https://example-com.cdn.ampproject.org/c/example.com/a/amp", "https://example.com/a"},
		{"fox feed proxy to page", "http://feeds.foxnews.com/~r/foxnews/politics/~3/naIHxghUNkk/harris-tribute-rgb-supreme-court", "https://foxnews.com/politics/harris-tribute-rgb-supreme-court"},
		{"fox feed proxy other feed", "http://feeds.foxnews.com/~r/foxnews/politics/~3/zzzzzzzzzzz/harris-tribute-rgb-supreme-court?utm_source=feedburner", "https://foxnews.com/politics/harris-tribute-rgb-supreme-court"},
		{"feed proxy not named for publisher", "http://feeds.example.com/~r/latest/~3/AbC/some-story-slug", "https://example.com/~r/some-story-slug"},
		{"cnn proxy with generic slug keeps id", "http://rss.cnn.com/~r/rss/cnn_allpolitics/~3/ByFF3oGXhds/index.html", "https://rss.cnn.com/~r/rss/cnn_allpolitics/~3/ByFF3oGXhds/index.html"},
		{"feedproxy.google.com kept", "http://feedproxy.google.com/~r/TheAtlantic/~3/AbCd/x-y-z", "https://feedproxy.google.com/~r/TheAtlantic/~3/AbCd/x-y-z"},
		{"idn host to punycode", "https://Bücher.example/Straße?utm_source=x", "https://xn--bcher-kva.example/Stra%C3%9Fe"},
		{"root trailing slash", "https://www.npr.org/", "https://npr.org"},
		{"userinfo dropped", "https://user:pw@www.npr.org/a", "https://npr.org/a"},
		{"whitespace trimmed", "  https://www.npr.org/a  ", "https://npr.org/a"},
		{"not a URL", "not a url", "not a url"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CanonicalURL(tt.in); got != tt.want {
				t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCanonicalURLIsIdempotent(t *testing.T) {
	for _, in := range []string{
		"http://feeds.foxnews.com/~r/foxnews/politics/~3/naIHxghUNkk/harris-tribute-rgb-supreme-court",
		"https://www-forbes-com.cdn.ampproject.org/c/s/www.forbes.com/sites/a/amp/",
		"https://abcnews.go.com/Politics/story?type=a&id=73062846#x",
		"http://rss.cnn.com/~r/rss/cnn_allpolitics/~3/ByFF3oGXhds/index.html",
	} {
		once := CanonicalURL(in)
		if twice := CanonicalURL(once); twice != once {
			t.Errorf("CanonicalURL not idempotent: %q -> %q -> %q", in, once, twice)
		}
	}
}

func TestCdnAmpURLFollowsTheRecordsRule(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://www.forbes.com/sites/sethcohen/2020/09/09/mike-pences/amp/", "https://www-forbes-com.cdn.ampproject.org/c/s/www.forbes.com/sites/sethcohen/2020/09/09/mike-pences/amp/"},
		{"https://www.washingtonpost.com/politics/a_story.html?outputType=amp", "https://www-washingtonpost-com.cdn.ampproject.org/c/s/www.washingtonpost.com/politics/a_story.html?outputType=amp"},
		{"https://amp.cnn.com/cnn/2021/04/06/politics/x/index.html", "https://amp-cnn-com.cdn.ampproject.org/c/s/amp.cnn.com/cnn/2021/04/06/politics/x/index.html"},
		{"https://my-site.example.com/a", "https://my--site-example-com.cdn.ampproject.org/c/s/my-site.example.com/a"},
		{"http://example.com/a.amp", "https://example-com.cdn.ampproject.org/c/example.com/a.amp"},
		{"", ""},
		{"/relative/amp", ""},
	}
	for _, tt := range tests {
		if got := CdnAmpURL(tt.in); got != tt.want {
			t.Errorf("CdnAmpURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestRegistrableDomain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"edition.cnn.com", "cnn.com"},
		{"WWW.BBC.CO.UK", "bbc.co.uk"},
		{"news.bbc.co.uk:443", "bbc.co.uk"},
		{"feeds.foxnews.com", "foxnews.com"},
		{"nypost.com", "nypost.com"},
		{"127.0.0.1", "127.0.0.1"},
		{"localhost", "localhost"},
		{"bücher.example.de", "example.de"},
	}
	for _, tt := range tests {
		if got := RegistrableDomain(tt.in); got != tt.want {
			t.Errorf("RegistrableDomain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestArticleKeyReturnsAnEqualKeyItself(t *testing.T) {
	// Built at run time, so that no copy shares the constant's bytes.
	key := strings.Join([]string{"https://example.com", "post"}, "/")
	got := ArticleKey(key, "http://www.example.com/post/?utm_source=rss")
	if got != key {
		t.Fatalf("ArticleKey = %q, want %q", got, key)
	}
	if unsafe.StringData(got) != unsafe.StringData(key) {
		t.Error("ArticleKey returned a copy of the key: every arrival would hold its key twice")
	}
}

func TestArticleKeyKeepsARefinedKeyOfItsOwnLink(t *testing.T) {
	tests := []struct{ key, link, want string }{
		// Episodes linking to their show's page, told apart by GUID.
		{"https://show.example.com#guid:ep-12", "https://www.show.example.com/", "https://show.example.com#guid:ep-12"},
		// Posts of one day's page, told apart by their fragment.
		{"https://scripting.example.com/2017/06/26.html#a080636", "http://scripting.example.com/2017/06/26.html#a080636", "https://scripting.example.com/2017/06/26.html#a080636"},
		// No refined key: the canonical URL, fragment dropped.
		{"", "https://example.com/post#comments", "https://example.com/post"},
		// A key refining another link is not this article's.
		{"https://other.example.com/a#x", "https://example.com/post", "https://example.com/post"},
		{"https://example.com/post#", "https://example.com/post", "https://example.com/post"},
	}
	for _, tt := range tests {
		if got := ArticleKey(tt.key, tt.link); got != tt.want {
			t.Errorf("ArticleKey(%q, %q) = %q, want %q", tt.key, tt.link, got, tt.want)
		}
	}
}
