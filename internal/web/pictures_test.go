package web

import (
	"bytes"
	"context"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/store/sqlite/sqlitetest"
	chrome "newshub/internal/testutil/browser"
)

// pictureSite writes a site folder whose assets/images holds a picture, a
// file of another type, and a link to a picture outside the folder.
func pictureSite(t *testing.T) (dir string, svg []byte) {
	t.Helper()
	dir = t.TempDir()
	svg = []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 9"><rect width="16" height="9" fill="#3a6"/></svg>`)
	files := map[string][]byte{
		"assets/images/news/a.svg": svg,
		"assets/images/notes.txt":  []byte("not a picture"),
		"secret.svg":               []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`),
	}
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join("..", "..", "secret.svg"), filepath.Join(dir, "assets", "images", "link.svg")); err != nil {
		t.Fatal(err)
	}
	return dir, svg
}

func TestSitePicturesAreServedSafely(t *testing.T) {
	dir, svg := pictureSite(t)
	h := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	h = newHubIn(t, h.st, func() time.Time { return fixtureNow }, dir)
	modTime := time.Now().UTC().Add(time.Hour).Format(http.TimeFormat)
	for _, tc := range []struct {
		name, path, ifModifiedSince string
		code                        int
	}{
		{"a picture", "/assets/images/news/a.svg", "", http.StatusOK},
		{"a picture not changed since", "/assets/images/news/a.svg", modTime, http.StatusNotModified},
		{"a folder is not listed", "/assets/images/news/", "", http.StatusNotFound},
		{"nor the top one", "/assets/images/", "", http.StatusNotFound},
		{"a missing picture", "/assets/images/news/b.svg", "", http.StatusNotFound},
		{"a file of another type", "/assets/images/notes.txt", "", http.StatusNotFound},
		{"a name climbing out", "/assets/images/../../secret.svg", "", http.StatusNotFound},
		{"an escaped climb", "/assets/images/..%2f..%2fsecret.svg", "", http.StatusNotFound},
		{"a link leading out", "/assets/images/link.svg", "", http.StatusNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://hub.test/", nil)
			req.URL.Path, req.URL.RawPath = tc.path, ""
			if u, err := req.URL.Parse(tc.path); err == nil {
				req.URL.Path = u.Path
			}
			if tc.ifModifiedSince != "" {
				req.Header.Set("If-Modified-Since", tc.ifModifiedSince)
			}
			rec := httptest.NewRecorder()
			h.web.ServeHTTP(rec, req)
			if rec.Code != tc.code {
				t.Fatalf("GET %s: %d, want %d", tc.path, rec.Code, tc.code)
			}
			if tc.code != http.StatusOK {
				if strings.Contains(rec.Body.String(), "<svg") {
					t.Fatalf("GET %s answered a picture", tc.path)
				}
				return
			}
			hd := rec.Header()
			if !bytes.Equal(rec.Body.Bytes(), svg) || hd.Get("Content-Type") != "image/svg+xml" ||
				!strings.Contains(hd.Get("Cache-Control"), "max-age=") || !strings.Contains(hd.Get("Content-Security-Policy"), "sandbox") ||
				hd.Get("Last-Modified") == "" {
				t.Fatalf("GET %s: %q %v", tc.path, rec.Body.String(), hd)
			}
		})
	}
}

func TestBuildCopiesSitePictures(t *testing.T) {
	dir, svg := pictureSite(t)
	h := newHubFrom(t, fixtureRecords("https://img.example.org/"))
	h = newHubIn(t, h.st, func() time.Time { return fixtureNow }, dir)
	out := t.TempDir()
	if err := h.build(t, out); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(out, "assets", "images", "news", "a.svg"))
	if err != nil || !bytes.Equal(got, svg) {
		t.Fatalf("picture not copied: %v", err)
	}
	for _, name := range []string{"notes.txt", "link.svg"} {
		if _, err := os.Lstat(filepath.Join(out, "assets", "images", name)); err == nil {
			t.Errorf("%s copied into the build", name)
		}
	}
}

// TestSitePicturesAreLinkedFromThePage checks that a record's
// site-relative picture, which the API gives under the base URL, is
// linked relative to each page, so a static copy works under any address.
func TestSitePicturesAreLinkedFromThePage(t *testing.T) {
	recs := fixtureRecords("/assets/images/")
	h := newHubFrom(t, recs)
	var lead *model.Record
	for _, r := range recs {
		if r.Article != nil && r.Article.Published {
			lead = r
			break
		}
	}
	code, body := h.get(t, "/"+pagePath(lead))
	want := `src="../../../../../assets/images/photo-`
	if code != http.StatusOK || !strings.Contains(body, want) || strings.Contains(body, `src="/assets/`) {
		t.Fatalf("article page %d: no picture linked as %s", code, want)
	}
	rec := h.api(t, "/api/news/index.json")
	if !strings.Contains(rec.Body.String(), `"https://hub.example.org/news/assets/images/photo-`) {
		t.Fatalf("the API does not give the picture under the base URL")
	}
}

// newsletterRec is an issue of the fixture hub.
func newsletterRec(day string, body string) *model.Record {
	at, _ := time.Parse(time.DateOnly, day)
	return &model.Record{Path: "_newsletters/hub-" + day + ".html", Kind: model.KindNewsletter, Newsletter: &model.Newsletter{
		Title: "Hub (" + day + ")", Excerpt: "Top story / Second story", PublishedDateTime: at.Add(31 * time.Hour),
		Type: "article", Topics: []string{"Election"}, Body: body}}
}

func TestNewsletterPages(t *testing.T) {
	hostile := `<!DOCTYPE html><html><head><title>x</title></head><body><p>Issue body</p><script>alert(1)</script><a href="https://example.org/a">A story</a></body></html>`
	recs := append(fixtureRecords("https://img.example.org/"),
		newsletterRec("2026-11-18", hostile), newsletterRec("2026-11-19", hostile))
	h := newHubFrom(t, recs)
	code, list := h.get(t, "/newsletters/")
	if code != http.StatusOK {
		t.Fatalf("/newsletters/: %d", code)
	}
	newer, older := strings.Index(list, "Hub (2026-11-19)"), strings.Index(list, "Hub (2026-11-18)")
	if newer < 0 || older < newer || !strings.Contains(list, `href="../newsletters/hub-2026-11-19/"`) ||
		!strings.Contains(list, "feeds/newsletters.rss.xml") {
		t.Fatalf("the list does not show both issues newest first with links and feeds:\n%s", list)
	}
	code, page := h.get(t, "/newsletters/hub-2026-11-19/")
	if code != http.StatusOK {
		t.Fatalf("issue page: %d", code)
	}
	for _, want := range []string{`<iframe class="issue-mail"`, `sandbox="allow-popups allow-popups-to-escape-sandbox"`,
		`srcdoc="&lt;!DOCTYPE html&gt;&lt;html&gt;&lt;head&gt;&lt;base target=&#34;_blank&#34;&gt;`,
		`href="../../newsletters/hub-2026-11-18/"`, `href="../../api/newsletters/hub-2026-11-19/"`} {
		if !strings.Contains(page, want) {
			t.Errorf("issue page lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>alert") {
		t.Error("the issue's script reached the page")
	}
	if _, home := h.get(t, "/"); !strings.Contains(home, `newsletters/">Newsletter</a>`) {
		t.Error("the navigation does not link the newsletter")
	}
	if code, _ := h.get(t, "/newsletters/hub-2026-11-17/"); code != http.StatusNotFound {
		t.Errorf("an unknown issue: %d, want 404", code)
	}
	out := t.TempDir()
	if err := h.build(t, out); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"newsletters/index.html", "newsletters/hub-2026-11-19/index.html", "newsletters/hub-2026-11-18/index.html"} {
		if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(p))); err != nil {
			t.Errorf("build: %v", err)
		}
	}
}

// TestBrowserShowsPicturesAndPlaceholders serves a generated hub with its
// pictures (as demo makes it) to Chromium: every site picture of the home
// and a story page loads, and a picture that fails to load is covered by
// its placeholder, drawn by the stylesheet in the publisher's colour.
func TestBrowserShowsPicturesAndPlaceholders(t *testing.T) {
	until := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	opt := gen.Options{Articles: 150, Seed: 3, Until: until}
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := gen.Generate(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	st := sqlitetest.Open(t)
	var recs []*model.Record
	if err := gen.Records(opt, func(r *model.Record) error { recs = append(recs, r); return nil }); err != nil {
		t.Fatal(err)
	}
	// The newest lead, whose picture and logo are missing from the folder.
	broken := newsRec("/assets/images/missing/", "broken-picture", "A story whose picture is gone", "example.com", "Example News", "", 0, true)
	broken.Article.PublishedDateTime = until.Add(-time.Minute)
	broken.Article.Heat = 10000
	broken.Path = "_news/2026-10-31-broken-picture.md"
	if err := st.Upsert(context.Background(), append(recs, broken)); err != nil {
		t.Fatal(err)
	}
	h := newHubIn(t, st, func() time.Time { return until }, dir)
	srv := httptest.NewServer(h.srv)
	t.Cleanup(srv.Close)
	var story string
	for _, s := range h.view(t).v.Stories() {
		if len(s.Members) > 2 {
			story = "/stories/" + s.ID + "/"
			break
		}
	}

	b := chrome.New(t)
	const loaded = `Promise.all([...document.images].map(i => { i.loading = "eager";
		return i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 5000); }); }))
		.then(() => [...document.images].filter(i => i.getAttribute("src").includes("assets/images/"))
		.map(i => i.getAttribute("src") + " " + (i.naturalWidth > 0)))`
	for _, p := range []string{"/", story} {
		b.Do(t, "open "+p, chromedp.Navigate(srv.URL+p))
		pics := chrome.Read(t, b, "pictures of "+p, chromedp.Evaluate[[]string](loaded, chromedp.EvalAwaitPromise))
		shown := 0
		for _, pic := range pics {
			switch {
			case strings.Contains(pic, "/missing/"):
				if strings.HasSuffix(pic, " true") {
					t.Errorf("%s: a missing picture loaded: %s", p, pic)
				}
			case strings.HasSuffix(pic, " true"):
				shown++
			default:
				t.Errorf("%s: a site picture did not load: %s", p, pic)
			}
		}
		if shown < 3 {
			t.Errorf("%s: %d site pictures shown, want several: %q", p, shown, pics)
		}
		b.Check(t, p, "404", "Failed to load resource")
	}

	b.Do(t, "open home", chromedp.Navigate(srv.URL+"/"))
	b.Screenshot(t, "pictures-home", 360, 1280)
	const sel = `img[src*="missing/photo-broken-picture"]`
	tint := chrome.Read(t, b, "placeholder colour", chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('`+sel+`')).getPropertyValue("--ph").trim()`))
	shot := chrome.Read(t, b, "broken picture", chromedp.Screenshot(sel))
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	want, err := parseHex(tint)
	if err != nil {
		t.Fatalf("placeholder colour %q: %v", tint, err)
	}
	// Points of the box off its rounded corners and its centred initial:
	// the broken-image icon and the alt text would sit there on the card's
	// light background without the placeholder.
	r := img.Bounds()
	at := func(fx, fy int) [2]int { return [2]int{r.Min.X + r.Dx()*fx/100, r.Min.Y + r.Dy()*fy/100} }
	for _, pt := range [][2]int{at(5, 10), at(50, 8), at(10, 50), at(90, 50), at(50, 92)} {
		cr, cg, cb, _ := img.At(pt[0], pt[1]).RGBA()
		got := [3]int{int(cr >> 8), int(cg >> 8), int(cb >> 8)}
		for i := range got {
			if d := got[i] - want[i]; d < -8 || d > 8 {
				t.Fatalf("pixel %v of the broken picture is %v, want the placeholder colour %s %v", pt, got, tint, want)
			}
		}
	}
}

// parseHex reads a colour #rrggbb.
func parseHex(c string) ([3]int, error) {
	var out [3]int
	if len(c) != 7 || c[0] != '#' {
		return out, strconv.ErrSyntax
	}
	for i := range out {
		v, err := strconv.ParseUint(c[1+2*i:3+2*i], 16, 8)
		if err != nil {
			return out, err
		}
		out[i] = int(v)
	}
	return out, nil
}

// TestBrowserShowsNewsletterIssueSandboxed opens an issue's page in
// Chromium: the e-mail is drawn in its frame, and a script in it neither
// runs nor reaches the page.
func TestBrowserShowsNewsletterIssueSandboxed(t *testing.T) {
	body := `<!DOCTYPE html><html><head><title>Issue</title></head><body style="margin:0">` +
		`<table width="100%"><tr><td style="background:#123456;height:120px;color:#fff">The day's news</td></tr></table>` +
		`<script>parent.document.title = "reached"; document.body.dataset.ran = "yes";</script></body></html>`
	h := newHubFrom(t, append(fixtureRecords("https://img.example.org/"), newsletterRec("2026-11-19", body)))
	srv := httptest.NewServer(h.srv)
	t.Cleanup(srv.Close)
	b := chrome.New(t)
	b.Do(t, "open the issue", chromedp.Navigate(srv.URL+"/newsletters/hub-2026-11-19/"),
		chromedp.WaitVisible("iframe.issue-mail"), chromedp.Sleep(300*time.Millisecond))
	title := chrome.Read(t, b, "title", chromedp.Evaluate[string](`document.title`))
	if !strings.HasPrefix(title, "Hub (2026-11-19)") {
		t.Errorf("page title %q: the issue's script reached the page", title)
	}
	// The frame's document has an opaque origin: the page cannot read it,
	// nor it the page.
	reach := chrome.Read(t, b, "frame", chromedp.Evaluate[string](
		`(() => { try { return document.querySelector("iframe.issue-mail").contentDocument ? "readable" : "opaque" } catch (e) { return "opaque" } })()`))
	if reach != "opaque" {
		t.Errorf("the issue's frame is %s from the page", reach)
	}
	// The frame paints its document some time after it shows; its
	// document cannot be asked (opaque), so its picture is, until drawn.
	var got [3]uint32
	for deadline := time.Now().Add(10 * time.Second); ; {
		shot := chrome.Read(t, b, "frame shot", chromedp.Screenshot("iframe.issue-mail"))
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		r := img.Bounds()
		cr, cg, cb, _ := img.At(r.Min.X+r.Dx()*3/4, r.Min.Y+40).RGBA()
		got = [3]uint32{cr >> 8, cg >> 8, cb >> 8}
		if got == [3]uint32{0x12, 0x34, 0x56} || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if got != [3]uint32{0x12, 0x34, 0x56} {
		t.Errorf("the issue's table is not drawn in its frame: pixel %v", got)
	}
	b.Screenshot(t, "newsletter-issue", 360, 1280)
	b.Check(t, "issue page", "Blocked script execution")
}
