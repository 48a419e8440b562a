// Package browser drives a headless Chromium for tests of web pages: it
// starts a fresh browser per test, collects what the pages report
// (exceptions, console errors, failed loads, dialogs) and saves
// screenshots under artifacts/screenshots/.
package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"newshub/internal/testutil"
)

// Timeout bounds one browser test: starting Chromium, loading and
// capturing its pages. A slow or shared runner (the race detector on,
// other builds beside it) can take minutes where a quiet machine takes
// seconds; go test's -timeout still bounds the whole run.
const Timeout = 5 * time.Minute

// Browser is a headless Chromium with one tab.
type Browser struct {
	Ctx     context.Context
	mu      sync.Mutex
	errs    []string
	dialogs []string
}

// start starts a browser, with a profile folder of its own, and its tab,
// stopped when t ends.
func start(t *testing.T, opts []chromedp.ExecAllocatorOption) (context.Context, error) {
	opts = append(slices.Clip(opts), chromedp.UserDataDir(t.TempDir()))
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelB := chromedp.NewContext(actx)
	ctx, cancelC := context.WithTimeout(ctx, Timeout)
	t.Cleanup(func() { cancelC(); cancelB(); cancelA() })
	return ctx, chromedp.Do(ctx)
}

// New starts a browser for t, or skips t when there is no Chromium (see
// testutil.Chromium). Only loopback addresses resolve in it.
func New(t *testing.T) *Browser {
	t.Helper()
	bin := testutil.Chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.WindowSize(1280, 900),
	}
	ctx, err := start(t, opts)
	if err != nil {
		// A loaded machine sometimes loses Chromium as it starts (its
		// child processes fail to come up): one more try tells that from
		// a browser that cannot run here.
		t.Logf("start chromium: %v; trying once more", err)
		if ctx, err = start(t, opts); err != nil {
			t.Fatalf("start chromium: %v", err)
		}
	}
	b := &Browser{Ctx: ctx}
	dialogs := chromedp.Events(ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.dialogs = append(b.dialogs, ev.Message)
			b.mu.Unlock()
			chromedp.Call(ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	err = chromedp.Listen(ctx, func(ev any) {
		b.mu.Lock()
		defer b.mu.Unlock()
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			b.errs = append(b.errs, "exception: "+e.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeAssert {
				var args []string
				for _, a := range e.Args {
					args = append(args, string(a.Value))
				}
				b.errs = append(b.errs, "console: "+strings.Join(args, " "))
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError {
				b.errs = append(b.errs, "log: "+e.Entry.Text+" "+e.Entry.URL)
			}
		}
	})
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if _, err := chromedp.Call(ctx, cdplog.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("enable log: %v", err)
	}
	return b
}

// Do runs actions and fails the test on error.
func (b *Browser) Do(t *testing.T, step string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.Ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}

// Read returns the value of one action, failing the test on error.
func Read[T any](t *testing.T, b *Browser, step string, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(b.Ctx, a)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	return v
}

// Check fails the test for what the pages reported since the last check,
// but the reports containing one of allow, and for every dialog.
func (b *Browser) Check(t *testing.T, step string, allow ...string) {
	t.Helper()
	b.mu.Lock()
	errs, dialogs := b.errs, b.dialogs
	b.errs, b.dialogs = nil, nil
	b.mu.Unlock()
	for _, e := range errs {
		if !slices.ContainsFunc(allow, func(a string) bool { return strings.Contains(e, a) }) {
			t.Errorf("%s: page reported %s", step, e)
		}
	}
	for _, d := range dialogs {
		t.Errorf("%s: a dialog opened: %q", step, d)
	}
}

// loadAll makes every picture of the page load and waits for them (3 s
// each at most): a capture does not scroll to lazy pictures.
const loadAll = `Promise.all([...document.images].map(i => { i.loading = "eager";
	return i.complete ? 0 : new Promise(r => { i.onload = i.onerror = r; setTimeout(r, 3000); }); })).then(() => 0)`

// show sizes the viewport to width by height CSS pixels (under 600 wide as
// a phone), loads every picture and lets the layout settle.
func (b *Browser) show(width, height int64) error {
	_, err := chromedp.Call(b.Ctx, emulation.SetDeviceMetricsOverride,
		emulation.SetDeviceMetricsOverrideParams{Width: width, Height: height, DeviceScaleFactor: 1, Mobile: width < 600})
	if err == nil {
		_, err = chromedp.Run(b.Ctx, chromedp.Evaluate[int](loadAll, chromedp.EvalAwaitPromise))
	}
	if err == nil {
		err = chromedp.Do(b.Ctx, chromedp.Sleep(150*time.Millisecond))
	}
	return err
}

// Capture returns a PNG of what a window of width by height CSS pixels
// shows of the current page, its pictures loaded: the first screen, as a
// reader sees it.
func (b *Browser) Capture(t *testing.T, width, height int64) []byte {
	t.Helper()
	err := b.show(width, height)
	var png []byte
	if err == nil {
		png, err = chromedp.Run(b.Ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		t.Fatalf("capture at %dx%d: %v", width, height, err)
	}
	if _, err := chromedp.Call(b.Ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	return png
}

// Screenshot saves full-page PNGs of the current page at each width (CSS
// pixels; under 600 as a phone) as NAME-WIDTH.png in artifacts/screenshots/
// at the repository root. Lazy pictures are loaded first: a full-page
// capture does not scroll.
func (b *Browser) Screenshot(t *testing.T, name string, widths ...int64) {
	t.Helper()
	dir := filepath.Join(testutil.Root(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, width := range widths {
		err := b.show(width, 800)
		var png []byte
		if err == nil {
			png, err = chromedp.Run(b.Ctx, chromedp.FullScreenshot(100))
		}
		if err != nil {
			t.Fatalf("screenshot %s at %d: %v", name, width, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%d.png", name, width)), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := chromedp.Call(b.Ctx, emulation.ClearDeviceMetricsOverride, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
}
