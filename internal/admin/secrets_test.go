package admin

import (
	"context"
	"html"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"newshub/internal/ingest/sources"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

var hiddenURL = regexp.MustCompile(`name="(?:url|source)" value="([^"]*)"`)

// TestSourceSecretsStayOutOfTheArea lists a feed read with a password in
// its address and a token in its query, whose last read failed naming it
// and left an item out: no page, message or log line of the area holds
// either secret, at any level, while the forms that post the address back
// masked pause, resume, block, unblock and remove the source, and the
// store and the site folder keep the address whole.
func TestSourceSecretsStayOutOfTheArea(t *testing.T) {
	var logged testutil.LogBuffer
	f := newFixture(t, func(c *Config) {
		c.Logger = slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	})
	const password, token = "pw-s3cret", "tok-s3cret"
	feed := strings.Replace(f.feeds, "http://", "http://reader:"+password+"@", 1) + "/feeds/private.xml?format=rss&token=" + token
	masked := strings.Replace(strings.Replace(feed, password, "xxxxx", 1), token, "xxxxx", 1)
	ctx := context.Background()
	c := f.signedIn(t)
	secretFree := func(what, s string) {
		t.Helper()
		if strings.Contains(s, password) || strings.Contains(s, token) {
			t.Errorf("%s holds the feed's secret:\n%s", what, s)
		}
	}
	file := func() string { return readFile(t, filepath.Join(f.dir, "_data", "sources.yaml")) }
	stored := func() string {
		t.Helper()
		list, err := sources.Load(ctx, f.st, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range list.Sources() {
			if strings.Contains(s.URL, "/feeds/private.xml") {
				return s.URL
			}
		}
		return ""
	}

	msg, isErr := c.follow(Prefix+"sources/add", url.Values{"url": {feed}})
	if isErr || msg != "Added "+masked+"." {
		t.Errorf("add: %q (error %v), want %q", msg, isErr, "Added "+masked+".")
	}
	secretFree("the message of an add", msg)
	// Its last read failed, naming the feed, and left an item out.
	err := f.st.PutSourceState(ctx, store.SourceState{URL: feed, Errors: 1, LastFetch: f.clock.now(),
		LastStatus: "fetch " + feed + ": 500 Internal Server Error",
		LastRead: store.ReadReport{Items: 1, NotStored: map[string]int{"no usable link": 1},
			Drops: []store.Drop{{Reason: "no usable link", URL: "https://private.example/item/1", Detail: "its link is " + feed}}}})
	if err != nil {
		t.Fatal(err)
	}

	page := c.do(http.MethodGet, Prefix+"sources/", nil).Body.String()
	secretFree("the sources page", page)
	if !strings.Contains(html.UnescapeString(page), masked) {
		t.Errorf("the sources page does not name the feed %s", masked)
	}
	var posted string
	for _, m := range hiddenURL.FindAllStringSubmatch(page, -1) {
		if u := html.UnescapeString(m[1]); strings.Contains(u, "/feeds/private.xml") {
			posted = u
		}
	}
	if posted == "" {
		t.Fatal("the sources page has no form for the feed")
	}
	explained := c.do(http.MethodGet, Prefix+"article/?a="+url.QueryEscape("https://private.example/item/1"), nil)
	secretFree("the article page of an item the feed left out", explained.Body.String())
	if !strings.Contains(html.UnescapeString(explained.Body.String()), masked) {
		t.Errorf("the article page of the item left out does not name its feed:\n%s", explained.Body)
	}

	for _, step := range []struct {
		path string
		form url.Values
		want string // the message begins so
		page string // a page that is to show it, secret free
	}{
		{"sources/add", url.Values{"url": {posted}}, "Not done: source " + masked + " is already listed", ""},
		{"sources/pause", url.Values{"url": {posted}}, "Paused", ""},
		{"sources/resume", url.Values{"url": {posted}}, "Resumed", ""},
		{"decide", url.Values{"action": {"block-source"}, "source": {posted}, "back": {Prefix + "sources/"}}, "Done: block-source " + masked, "decisions/"},
		{"decide", url.Values{"action": {"unblock-source"}, "source": {posted}, "back": {Prefix + "sources/"}}, "Done: unblock-source " + masked, "decisions/"},
	} {
		msg, _ := c.follow(Prefix+step.path, step.form)
		if !strings.HasPrefix(msg, step.want) {
			t.Errorf("%s %s: %q, want %q", step.path, step.form.Get("action"), msg, step.want)
		}
		secretFree("the message of "+step.path, msg)
		if step.page != "" {
			secretFree("the "+step.page+" page", c.do(http.MethodGet, Prefix+step.page, nil).Body.String())
		}
		if got := stored(); got != feed {
			t.Fatalf("after %s %s the store lists %q, want %q", step.path, step.form.Get("action"), got, feed)
		}
		if !strings.Contains(file(), feed) {
			t.Fatalf("after %s %s the site folder's list lost the address:\n%s", step.path, step.form.Get("action"), file())
		}
	}
	ds, err := f.editor.Decisions(ctx)
	if err != nil || len(ds) != 2 || ds[0].Source != feed {
		t.Errorf("decisions %+v %v, want a block of %s and its undo", ds, err, feed)
	}
	if msg, isErr := c.follow(Prefix+"sources/remove", url.Values{"url": {posted}}); isErr || msg != "Removed "+masked+"." {
		t.Errorf("remove: %q (error %v)", msg, isErr)
	}
	if got := stored(); got != "" {
		t.Errorf("after remove the store lists %s", got)
	}
	secretFree("the log", logged.String())
}

// TestListedURL: a posted address names a known one as written, or as the
// pages show it masked; one that names two known addresses but for their
// secrets is refused, and one that names none is kept as posted.
func TestListedURL(t *testing.T) {
	known := []string{"https://a.example/feed", "https://u:one@b.example/feed?token=t1",
		"https://u:one@c.example/feed", "https://u:two@c.example/feed"}
	for _, tc := range []struct{ posted, want string }{
		{"https://A.example/feed/", "https://a.example/feed"},
		{"https://u:xxxxx@b.example/feed?token=xxxxx", "https://u:one@b.example/feed?token=t1"},
		{"https://u:one@b.example/feed?token=t1", "https://u:one@b.example/feed?token=t1"},
		{"https://u:two@c.example/feed", "https://u:two@c.example/feed"},
		{"https://u:xxxxx@c.example/feed", ""}, // two sources: refused
		{"https://u:xxxxx@b.example/feed", "https://u:xxxxx@b.example/feed"},
		{"https://new.example/feed", "https://new.example/feed"},
	} {
		got, err := listedURL(known, tc.posted)
		if tc.want == "" {
			if err == nil || strings.Contains(err.Error(), ":one@") || strings.Contains(err.Error(), ":two@") {
				t.Errorf("listedURL(%q) = %q, %v; want an error without the secrets", tc.posted, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("listedURL(%q) = %q, %v; want %q", tc.posted, got, err, tc.want)
		}
	}
}
