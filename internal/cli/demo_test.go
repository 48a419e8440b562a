package cli

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"newshub/internal/content/contenttest"
	"newshub/internal/testutil"
)

func TestDemoCreatesAndImportsASiteOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "demo")
	code, stdout, errs := run(t, "demo", "--dir", dir, "--articles", "60", "--no-serve")
	if code != 0 {
		t.Fatalf("demo exit %d:\n%s\n%s", code, stdout, errs)
	}
	for _, want := range []string{"creating a demo site of 60", "generated", "imported", "news 60"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ".newshub", "newshub.db")); err != nil {
		t.Fatalf("demo made no database: %v", err)
	}
	files := contenttest.SiteFiles(t, dir)

	// A second run keeps the site and imports it again, unchanged.
	code, stdout, errs = run(t, "demo", "--dir", dir, "--no-serve")
	if code != 0 {
		t.Fatalf("second demo exit %d:\n%s\n%s", code, stdout, errs)
	}
	if !strings.Contains(stdout, "using the existing demo site") || strings.Contains(stdout, "creating") {
		t.Errorf("second demo did not reuse the site:\n%s", stdout)
	}
	assertSameFiles(t, files, contenttest.SiteFiles(t, dir))
}

// startDemo runs newshub demo with args into a new folder, on a free
// loopback port, and returns the hub's address once it serves, and a stop
// that interrupts it as Ctrl-C does and checks that it ends well.
func startDemo(t *testing.T, args ...string) (base string, stop func()) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "demo")
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	var out, errs testutil.LogBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"demo", "--dir", dir, "--addr", "127.0.0.1:0"}, args...),
			&out, &errs, func(string) string { return "" })
	}()
	serving := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)/`)
	for deadline := time.Now().Add(2 * time.Minute); base == ""; {
		select {
		case code := <-done:
			t.Fatalf("demo ended with %d before serving:\n%s\n%s", code, out.String(), errs.String())
		case <-time.After(50 * time.Millisecond):
		}
		if m := serving.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo is not serving:\n%s\n%s", out.String(), errs.String())
		}
	}
	return base, func() {
		t.Helper()
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("demo exit %d after interrupt:\n%s", code, errs.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("demo did not stop when its context ended")
		}
	}
}

func TestDemoServesTheHub(t *testing.T) {
	base, stop := startDemo(t, "--articles", "80")
	resp, err := http.Get(base + "/api/news/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/news/: %s\n%s", resp.Status, body)
	}
	var page struct {
		Value []struct {
			SourceURL string `json:"sourceUrl"`
		} `json:"value"`
	}
	if err := json.Unmarshal(body, &page); err != nil || len(page.Value) == 0 {
		t.Fatalf("news page of the demo holds no news (%v):\n%.300s", err, body)
	}
	// --addr 127.0.0.1:0: the links name the port the demo got.
	if u := page.Value[0].SourceURL; !strings.HasPrefix(u, base+"/api/news/") {
		t.Errorf("sourceUrl %s, want it under %s", u, base)
	}
	stop()
}

// TestDemoNamesTheCommandAsItWasRun checks the demo's hints name `go run
// ./cmd/newshub` to whoever ran it so (the README's first command), who
// may have no newshub on their PATH, and newshub to the others.
func TestDemoNamesTheCommandAsItWasRun(t *testing.T) {
	for _, tt := range []struct{ exe, want string }{
		{filepath.Join(os.TempDir(), "go-build3165472", "b001", "exe", "newshub"), "go run ./cmd/newshub"},
		{"/usr/local/bin/newshub", "newshub"},
		{"/home/ana/go/bin/newshub", "newshub"},
		{"/home/ana/go-builds/newshub", "newshub"},
		{"", "newshub"},
	} {
		if got := invokedAs(tt.exe); got != tt.want {
			t.Errorf("invokedAs(%q) = %q, want %q", tt.exe, got, tt.want)
		}
	}
}
