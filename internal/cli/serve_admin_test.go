package cli

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServeMountsTheAdminArea runs serve with --admin-addr: the admin
// area answers under /admin/ on the public address and on the admin
// address, sends a visitor without a session to its sign-in page, and the
// stylesheets its pages link to are served on both.
func TestServeMountsTheAdminArea(t *testing.T) {
	dir, _ := servedSite(t)
	out := startServe(t, nil, regexp.MustCompile(`(?s)admin http://.*serving http://`), "--site", dir, "--quiet", "--no-ingest", "--admin-addr", "127.0.0.1:0")
	admin := regexp.MustCompile(`admin (http://\S+)/`).FindStringSubmatch(out.String())[1]
	public := regexp.MustCompile(`serving (http://\S+)/`).FindStringSubmatch(out.String())[1]
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, base := range []string{public, admin} {
		resp, err := noRedirect.Get(base + "/admin/sources/")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, "/admin/sign-in") {
			t.Errorf("%s/admin/sources/ without a session: %s to %q, want the sign-in page", base, resp.Status, loc)
		}
		resp, err = http.Get(base + "/admin/sign-in")
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(page), `name="password"`) {
			t.Fatalf("%s/admin/sign-in: %s", base, resp.Status)
		}
		links := regexp.MustCompile(`href="(/[^"]+\.css(?:\?[^"]*)?)"`).FindAllStringSubmatch(string(page), -1)
		if len(links) < 2 {
			t.Errorf("%s/admin/sign-in links %d stylesheets, want the website's and its own", base, len(links))
		}
		for _, css := range links {
			resp, err := http.Get(base + css[1])
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s%s: %s", base, css[1], resp.Status)
			}
		}
	}
	// The public pages stay on the public address only.
	resp, err := http.Get(admin + "/api/news/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("the admin address answers /api/news/ with %s", resp.Status)
	}
}

// TestServeReadyzTellsTheDatabaseFileGone deletes, then replaces, the
// SQLite file a server has open: the server goes on reading and writing
// the file it holds, which vanishes with the process, so /readyz says the
// store is not ready (an operator's alert) until the file is back.
func TestServeReadyzTellsTheDatabaseFileGone(t *testing.T) {
	dir, _ := servedSite(t)
	out := startServe(t, nil, regexp.MustCompile(`(?s)admin http://.*serving http://`), "--site", dir, "--quiet", "--no-ingest", "--admin-addr", "127.0.0.1:0")
	admin := regexp.MustCompile(`admin (http://\S+)/`).FindStringSubmatch(out.String())[1]
	readyz := func() (int, string) {
		t.Helper()
		resp, err := http.Get(admin + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	db := filepath.Join(dir, ".newshub", "newshub.db")
	aside := db + ".aside"
	other := filepath.Join(t.TempDir(), "other.db")
	for _, step := range []struct {
		name  string
		do    func() error
		ready bool
	}{
		{"as opened", func() error { return nil }, true},
		{"deleted", func() error { return os.Rename(db, aside) }, false},
		{"put back", func() error { return os.Rename(aside, db) }, true},
		{"replaced by another file", func() error {
			b, err := os.ReadFile(db)
			if err != nil {
				return err
			}
			if err := os.Rename(db, aside); err != nil {
				return err
			}
			if err := os.WriteFile(other, b, 0o644); err != nil {
				return err
			}
			return os.Rename(other, db)
		}, false},
		{"the file opened put back", func() error { return os.Rename(aside, db) }, true},
	} {
		if err := step.do(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		code, body := readyz()
		if ready := code == http.StatusOK; ready != step.ready {
			t.Errorf("database file %s: /readyz %d %q, want ready %v", step.name, code, body, step.ready)
		}
		if !step.ready && !strings.Contains(body, "store: ") {
			t.Errorf("database file %s: /readyz %q names no store", step.name, body)
		}
	}
}

// serve --quiet leaves out the access log, and no more: the least level
// the operator set (--log-level, NEWSHUB_LOG_LEVEL) holds, where --quiet
// logged warnings under --log-level error.
func TestServeQuietKeepsTheLogLevel(t *testing.T) {
	for _, c := range []struct {
		level string
		warns bool // the public /readyz's warning of a store not ready
	}{
		{"", true},
		{"warn", true},
		{"error", false},
	} {
		t.Run("level "+c.level, func(t *testing.T) {
			dir, _ := servedSite(t)
			out, errs := startCommand(t, map[string]string{"NEWSHUB_LOG_LEVEL": c.level}, regexp.MustCompile(`serving http://`),
				"--site", dir, "serve", "--addr", "127.0.0.1:0", "--quiet", "--no-ingest")
			addr := regexp.MustCompile(`serving (http://\S+)/`).FindStringSubmatch(out.String())[1]
			db := filepath.Join(dir, ".newshub", "newshub.db")
			if err := os.Rename(db, db+".aside"); err != nil {
				t.Fatal(err)
			}
			defer os.Rename(db+".aside", db)
			resp, err := http.Get(addr + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("/readyz with the database file gone: %s", resp.Status)
			}
			if warned := strings.Contains(errs.String(), "level=WARN"); warned != c.warns {
				t.Errorf("NEWSHUB_LOG_LEVEL=%q --quiet: warned %v, want %v:\n%s", c.level, warned, c.warns, errs.String())
			}
			if strings.Contains(errs.String(), "msg=http") {
				t.Errorf("--quiet logged a request:\n%s", errs.String())
			}
		})
	}
}
