package newsletter

import (
	"bytes"
	"context"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"newshub/internal/testutil"
)

// photo draws a picture for a story, a gradient coloured by its name, as
// the PNG a publisher's server would send.
func photo(w http.ResponseWriter, r *http.Request) {
	h := fnv.New32a()
	h.Write([]byte(r.URL.Path))
	seed := h.Sum32()
	img := image.NewRGBA(image.Rect(0, 0, 240, 135))
	for y := range 135 {
		for x := range 240 {
			img.Set(x, y, color.RGBA{uint8(seed)/2 + uint8(x/4), uint8(seed>>8)/2 + uint8(y/3), uint8(seed>>16)/2 + 60, 255})
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	w.Header().Set("Content-Type", "image/png")
	w.Write(b.Bytes())
}

// TestEmailRendersInChromium lays the e-mail out in a real browser at a
// desktop mail client's width and a phone's: the content column is 600
// pixels wide on the desktop and fits the phone without sideways
// scrolling, and every picture loads. It saves both screenshots under
// artifacts/screenshots/.
func TestEmailRendersInChromium(t *testing.T) {
	bin := testutil.Chromium(t)
	is := testIssue(t)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	pictures := 0
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			if st.Image != nil {
				st.Image.URL = srv.URL + "/img/" + Slug(st.Path) + ".png"
				pictures++
			}
		}
	}
	if pictures == 0 {
		t.Fatal("the issue has no pictures to check")
	}
	doc, err := is.HTML()
	if err != nil {
		t.Fatal(err)
	}
	mux.HandleFunc("/img/", photo)
	mux.HandleFunc("/issue.html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(doc))
	})
	text, _ := is.Text()
	artifact(t, "issue.html", []byte(doc))
	artifact(t, "issue.txt", []byte(text))

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelA()
	ctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancelC := context.WithTimeout(ctx, 60*time.Second)
	defer cancelC()
	if err := chromedp.Do(ctx); err != nil { // starts the browser and the tab
		t.Fatalf("start chromium: %v", err)
	}

	dir := filepath.Join(testutil.Root(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	const measure = `(() => {
		const t = document.querySelector('table[width="600"]');
		const imgs = [...document.images];
		return {content: Math.round(t.getBoundingClientRect().width), page: document.documentElement.scrollWidth,
			images: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length};
	})()`
	type layout struct{ Content, Page, Images, Loaded int }
	for _, tc := range []struct {
		name  string
		width int64
	}{{"desktop", 700}, {"phone", 375}} {
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: tc.width, Height: 900, DeviceScaleFactor: 1, Mobile: tc.width < 600})
		if err == nil {
			err = chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/issue.html"), chromedp.WaitReady("body"))
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		// Wait for every picture to load or fail, three seconds at most.
		const settle = `Promise.all([...document.images].map(i => i.complete ? 0 :
			new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 3000); }))).then(() => 0)`
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](settle, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[layout](measure))
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tc.width >= 600+2*8 && got.Content != 600:
			t.Errorf("%s: the content column is %d pixels wide, want 600", tc.name, got.Content)
		case int64(got.Page) > tc.width:
			t.Errorf("%s: the page is %d pixels wide in a %d pixel window", tc.name, got.Page, tc.width)
		case got.Images != pictures || got.Loaded != pictures:
			t.Errorf("%s: %d of %d pictures loaded, the issue has %d", tc.name, got.Loaded, got.Images, pictures)
		}
		shot, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("newsletter-%s.png", tc.name)), shot, 0o644); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(shot), "\x89PNG") {
			t.Fatalf("%s: the screenshot is not a PNG", tc.name)
		}
	}
}
