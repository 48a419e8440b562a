package web

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// videoRec builds a video news record as Smartable's hubs write one: type
// video, its address as originalUrl only, the player as featuredContent,
// the video's still as its image.
func videoRec(img, slug, title, embed string, age time.Duration) *model.Record {
	r := newsRec(img, slug, title, "example-tube.com", "Example Tube", "s-"+slug, age, true)
	a := r.Article
	a.Type, a.WebURL, a.AmpWebURL = "video", "", ""
	a.OriginalURL = "https://youtube.com/watch?v=" + slug
	a.FeaturedContent = embed
	a.Heat = 120
	return r
}

// TestVideoNewsShowsItsPlayerSafely gives the hub video news: the page of
// one whose embed is a YouTube player shows it, sanitized (no handler, no
// script, lazy), in place of its still; the page of one whose embed comes
// from a host the pages' Content-Security-Policy would not let a frame
// load shows its still and links to the video instead. The static build
// writes the same page.
func TestVideoNewsShowsItsPlayerSafely(t *testing.T) {
	img := "https://img.example.org/"
	yt := videoRec(img, "recount-explained", "The recount, explained", `<iframe width="800" height="500" frameborder="0" `+
		`src="https://www.youtube.com/embed/recount-explained" allow="accelerometer; autoplay; encrypted-media; gyroscope; picture-in-picture" `+
		`allowfullscreen onload="alert(6)"></iframe><script>alert(7)</script>`, 40*time.Minute)
	other := videoRec(img, "polls-in-a-minute", "Polls in a minute",
		`<iframe width="800" height="500" src="https://video.example.com/embed/polls-in-a-minute"></iframe>`, 50*time.Minute)
	bare := videoRec(img, "ballot-design", "Ballot design", `<iframe src="https://youtube.com/embed/ballot-design"></iframe>`, 55*time.Minute)
	h := newHubFrom(t, append(fixtureRecords(img), yt, other, bare))

	code, body := h.get(t, "/"+pagePath(yt))
	if code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	contains(t, "YouTube video page", body,
		`<div class="hero embed"><iframe loading="lazy" width="800" height="500" frameborder="0" src="https://www.youtube.com/embed/recount-explained"`,
		`allowfullscreen`,
		`<a class="button" href="https://youtube.com/watch?v=recount-explained" rel="noopener">Read it on Example Tube</a>`,
	)
	for _, bad := range []string{"alert(6)", "alert(7)", "<script>alert", `<figure class="hero">`} {
		if strings.Contains(body, bad) {
			t.Errorf("YouTube video page holds %q", bad)
		}
	}

	for _, r := range []*model.Record{other, bare} {
		code, body := h.get(t, "/"+pagePath(r))
		if code != http.StatusOK {
			t.Fatalf("%s: status %d", r.Path, code)
		}
		if strings.Contains(body, "<iframe") {
			t.Errorf("%s: the page frames a player from a host it does not allow:\n%s", r.Path, body)
		}
		contains(t, r.Path, body,
			`<figure class="hero"><img`,
			`<a class="button" href="`+r.Article.OriginalURL+`" rel="noopener">Read it on Example Tube</a>`)
	}

	dir := t.TempDir()
	if err := h.build(t, dir); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(pagePath(yt)), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `src="https://www.youtube.com/embed/recount-explained"`) || strings.Contains(string(b), "alert(") {
		t.Errorf("built page of the YouTube video: player missing or unsafe")
	}
}
