package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/testutil"
)

// TestBuildPublishesTheSiteStaticFolder checks that build puts the site
// folder's static/ files in OUT as they are, that the next build follows
// a change and a removal and equals a fresh build of the same state, and
// that a static file at a page's path fails the build naming both.
func TestBuildPublishesTheSiteStaticFolder(t *testing.T) {
	site := genSite(t, 20, 3)
	if code, _, errs := run(t, "--site", site, "import"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	icon := []byte{0, 0, 1, 0, 1, 0, 16, 16, 0, 0, 1, 0, 32, 0, 0x68, 4}
	testutil.WriteFile(t, site, "static/CNAME", "news.example.org\n")
	testutil.WriteFile(t, site, "static/.well-known/acme-challenge/tok", "tok.Zk3-abc_DEF\n")
	testutil.WriteFile(t, site, "static/favicon.ico", string(icon))
	dir := t.TempDir()
	out, fresh := filepath.Join(dir, "out"), filepath.Join(dir, "fresh")
	if code, stdout, errs := run(t, "--site", site, "build", "--now", buildNow, out); code != 0 {
		t.Fatalf("first build: %d %s %s", code, stdout, errs)
	}
	files := testutil.Files(t, out)
	for rel, want := range map[string]string{"CNAME": "news.example.org\n", ".well-known/acme-challenge/tok": "tok.Zk3-abc_DEF\n", "favicon.ico": string(icon)} {
		if string(files[rel]) != want {
			t.Errorf("OUT's %s holds %q, want %q", rel, files[rel], want)
		}
	}

	icon[len(icon)-1] = 5
	testutil.WriteFile(t, site, "static/favicon.ico", string(icon))
	if err := os.Remove(filepath.Join(site, "static", "CNAME")); err != nil {
		t.Fatal(err)
	}
	code, stdout, errs := run(t, "--site", site, "build", "--now", buildNow, out)
	if m := updatedLine.FindStringSubmatch(stdout); code != 0 || m == nil || m[2] != "1" || m[5] != "1" {
		t.Fatalf("second build: %d %q %s; want an update writing the icon and removing the CNAME", code, stdout, errs)
	}
	if code, _, errs := run(t, "--site", site, "build", "--now", buildNow, fresh); code != 0 {
		t.Fatalf("fresh build: %s", errs)
	}
	got, want := treeOf(t, out), treeOf(t, fresh)
	sameTree(t, "incremental against fresh", got, want)
	if !bytes.Equal(got["favicon.ico"], icon) {
		t.Errorf("OUT's favicon.ico holds %v, want %v", got["favicon.ico"], icon)
	}
	if _, ok := got["CNAME"]; ok {
		t.Error("CNAME, removed from static/, is still in OUT")
	}

	// The live path without a server: ingest --once --publish.
	testutil.WriteFile(t, site, "static/robots.txt", "User-agent: *\n")
	testutil.WriteFile(t, site, "static/.well-known/acme-challenge/tok", "tok.other\n")
	code, stdout, errs = run(t, "--site", site, "ingest", "--once", "--publish", out)
	if !strings.Contains(stdout, "updated "+out) {
		t.Fatalf("ingest --once --publish: %d %q %s; want an update of OUT", code, stdout, errs)
	}
	if err := os.RemoveAll(fresh); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", site, "build", "--now", buildNow, fresh); code != 0 {
		t.Fatalf("fresh build: %s", errs)
	}
	got = treeOf(t, out)
	for _, rel := range []string{"robots.txt", ".well-known/acme-challenge/tok", "favicon.ico"} {
		if want := treeOf(t, fresh)[rel]; want == nil || !bytes.Equal(got[rel], want) {
			t.Errorf("after ingest --publish, OUT's %s holds %q, a fresh build's %q", rel, got[rel], want)
		}
	}

	// The website's home page is newshub's own.
	testutil.WriteFile(t, site, "static/index.html", "<h1>mine</h1>\n")
	code, _, errs = run(t, "--site", site, "build", "--now", buildNow, out)
	if code != ExitFailure || !strings.Contains(errs, "static/index.html has the path of index.html, a file newshub makes") {
		t.Errorf("build with static/index.html: exit %d, want %d naming both files:\n%s", code, ExitFailure, errs)
	}
}
