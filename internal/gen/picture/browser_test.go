package picture

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"newshub/internal/testutil"
)

// TestBrowserDrawsEveryPicture loads every motif, on both grounds, and the
// logos in Chromium as images, and checks that each decodes at its size
// and shows a drawing: enough colours over enough of it, not a blank or a
// broken image.
func TestBrowserDrawsEveryPicture(t *testing.T) {
	bin := testutil.Chromium(t)
	pics := map[string][]byte{}
	var page strings.Builder
	page.WriteString("<!doctype html><body>")
	// colours is how many colours must each cover a fiftieth of the
	// picture: a ground and its backdrop alone are two.
	add := func(name string, w, h, colours int, data []byte) {
		pics["/"+name+".svg"] = data
		fmt.Fprintf(&page, `<img src="%s.svg" data-w="%d" data-h="%d" data-colours="%d">`, name, w, h, colours)
	}
	for _, m := range Motifs() {
		for seed := range uint64(4) { // seeds 0 to 3 include a dark ground
			p := Picture{Motif: m, Width: 1200, Height: 675, Palette: PaletteAt(int(seed) + int(m)), Seed: seed, Play: seed == 2}
			add(m.String()+"-"+strconv.FormatUint(seed, 10), p.Width, p.Height, 3, p.AppendSVG(nil))
		}
	}
	for i, name := range []string{"Civic Wire", "The Cedar Hollow Gazette", "Daily Ballot"} {
		add("logo-"+strconv.Itoa(i), 400, 400, 2, Logo{Name: name, Size: 400, Seed: uint64(i)}.AppendSVG(nil))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if data, ok := pics[r.URL.Path]; ok {
			w.Header().Set("Content-Type", "image/svg+xml")
			w.Write(data)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(page.String()))
	}))
	defer srv.Close()

	actx, cancelA := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(bin), chromedp.Headless,
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-dev-shm-usage", true))
	defer cancelA()
	ctx, cancelB := chromedp.NewContext(actx)
	defer cancelB()
	ctx, cancelC := context.WithTimeout(ctx, 60*time.Second)
	defer cancelC()

	// For each image: its natural size and how many colours cover at least
	// a fiftieth of a 200-pixel-wide copy of it (edges blend colours).
	const probe = `Promise.all([...document.images].map(img => img.decode().then(() => {
		const c = document.createElement('canvas');
		c.width = 200; c.height = Math.round(200 * img.naturalHeight / img.naturalWidth);
		const g = c.getContext('2d');
		g.drawImage(img, 0, 0, c.width, c.height);
		const px = g.getImageData(0, 0, c.width, c.height).data, n = new Map();
		for (let i = 0; i < px.length; i += 4) {
			const k = (px[i] >> 4) << 8 | (px[i+1] >> 4) << 4 | px[i+2] >> 4;
			n.set(k, (n.get(k) || 0) + 1);
		}
		const colours = [...n.values()].filter(v => v * 50 >= px.length / 4).length;
		return {src: img.getAttribute('src'), w: img.naturalWidth, h: img.naturalHeight,
			wantW: +img.dataset.w, wantH: +img.dataset.h, wantColours: +img.dataset.colours, colours};
	}, () => ({src: img.getAttribute('src'), broken: true}))))`
	type drawn struct {
		Src          string
		W, H         int
		WantW, WantH int
		Colours      int
		WantColours  int
		Broken       bool
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Evaluate[[]drawn](probe, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(pics) {
		t.Fatalf("the page holds %d images, want %d", len(got), len(pics))
	}
	for _, g := range got {
		switch {
		case g.Broken:
			t.Errorf("%s: Chromium cannot decode it", g.Src)
		case g.W != g.WantW || g.H != g.WantH:
			t.Errorf("%s: decoded at %d×%d, want %d×%d", g.Src, g.W, g.H, g.WantW, g.WantH)
		case g.Colours < g.WantColours:
			t.Errorf("%s: %d colours cover a fiftieth of it each, want %d: a blank picture", g.Src, g.Colours, g.WantColours)
		}
	}
}
