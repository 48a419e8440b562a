package importer

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/store/sqlite/sqlitetest"
	"newshub/internal/testutil"
)

// TestSyncSiteNamesFilesThatAreNoConfiguration writes a site folder whose
// configuration folders also hold a publisher written as YAML (publishers
// are .md files), a stray note and an editor's swap file: the sync takes
// the configuration files and names the others it leaves out, except the
// hidden one.
func TestSyncSiteNamesFilesThatAreNoConfiguration(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"_config.yml":                      "title: Pulse\ntopic: Election\ntimezone: UTC\n",
		"_data/topics/00-election.yaml":    "taxonomy: topic\n_id: election\nname: Election\nkeywords:\n  - election\n",
		"_data/topics/notes.txt":           "to do: a topic on polls\n",
		"_data/organizations/msnbc.com.md": "---\ntaxonomy: organization\n_id: msnbc.com\nname: MSNBC\ndomain: msnbc.com\n---\n",
		"_data/organizations/cnn.com.yaml": "taxonomy: organization\n_id: cnn.com\nname: CNN\n",
		"_data/organizations/.cnn.com.swp": "swap",
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := SyncSite(context.Background(), sqlitetest.Open(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) > 0 {
		t.Fatalf("rejected: %v", res.Rejected)
	}
	wantStored := []string{"_config.yml", "_data/organizations/msnbc.com.md", "_data/topics/00-election.yaml"}
	if got := slices.Sorted(slices.Values(res.Stored)); !slices.Equal(got, wantStored) {
		t.Errorf("stored %q, want %q", got, wantStored)
	}
	wantIgnored := []string{"_data/organizations/cnn.com.yaml", "_data/topics/notes.txt"}
	if !slices.Equal(res.Ignored, wantIgnored) {
		t.Errorf("ignored %q, want %q", res.Ignored, wantIgnored)
	}
	if res.Site == nil || res.Site.Config == nil || res.Site.Config.Title != "Pulse" {
		t.Errorf("configuration in force: %+v", res.Site)
	}
}

// TestSyncSiteSaysWhatStandsInForARejectedFile gives a site two topic
// files with the same _id, as a real hub has after a topic was renamed by
// copying its file: the later file is not taken and the warning names the
// file whose topic is in force, not a previous configuration there never
// was. A file the store held a good version of keeps that version in
// force, and a file that never read is left out; each warning says which.
func TestSyncSiteSaysWhatStandsInForARejectedFile(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) { testutil.WriteFile(t, dir, rel, body) }
	write("_config.yml", "title: Low-Code Hub\ntopic: Low Code\ntimezone: UTC\n")
	write("_data/topics/00-low-code.yaml", "taxonomy: topic\n_id: low-code\nname: Low Code\nkeywords:\n  - low code\n")
	write("_data/topics/03-forms.yaml", "taxonomy: topic\n_id: forms\nname: Forms\nparent: Low Code\nkeywords:\n  - forms\n")
	write("_data/topics/05-sites.yaml", "taxonomy: topic\n_id: sites\nname: Sites\nparent: Low Code\nkeywords:\n  - sites\n")
	st := sqlitetest.Open(t)
	ctx := context.Background()
	if _, err := SyncSite(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	// Then: a copy of the sites topic under a new number, a bad edit of
	// the forms topic, and a new file that does not read.
	write("_data/topics/06-sites-copy.yaml", "taxonomy: topic\n_id: sites\nname: Sites and pages\nparent: Low Code\nkeywords:\n  - pages\n")
	write("_data/topics/03-forms.yaml", "taxonomy: topic\n_id: forms\nname: [Forms\n")
	write("_data/topics/07-broken.yaml", "taxonomy: topic\n_id: [broken\n")
	res, err := SyncSite(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	res.Log(slog.New(slog.NewTextHandler(&logged, nil)))
	lines := map[string]string{}
	for _, l := range strings.Split(logged.String(), "\n") {
		for _, f := range []string{"06-sites-copy.yaml", "03-forms.yaml", "07-broken.yaml"} {
			if strings.Contains(l, f+":") {
				lines[f] = l
			}
		}
	}
	want := map[string]string{
		"06-sites-copy.yaml": "the configuration in force has what _data/topics/05-sites.yaml gives",
		"03-forms.yaml":      "the configuration in force keeps what the store held for this file",
		"07-broken.yaml":     "the configuration in force goes without this file",
	}
	for f, w := range want {
		if !strings.Contains(lines[f], w) {
			t.Errorf("warning for %s: %q, want it to say %q\nlog:\n%s", f, lines[f], w, logged.String())
		}
	}
	if strings.Contains(logged.String(), "what was there before") {
		t.Errorf("a warning still speaks of what was there before:\n%s", logged.String())
	}
	if got := res.Site.TopicByID("sites"); got == nil || got.Name != "Sites" {
		t.Errorf("topic sites in force: %+v, want the one 05-sites.yaml gives", got)
	}
	if got := res.Site.TopicByID("forms"); got == nil || got.Name != "Forms" {
		t.Errorf("topic forms in force: %+v, want the stored one", got)
	}
	if n := len(res.Site.Topics); n != 3 {
		t.Errorf("%d topics in force, want 3", n)
	}
}

// TestSyncSiteKeepsNoSecondRecordOfATopic stores a topic file alone, then
// adds an earlier file with the same _id: the earlier file's topic is in
// force, and the later file's stored record does not stay beside it as a
// second topic of that _id.
func TestSyncSiteKeepsNoSecondRecordOfATopic(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, body string) { testutil.WriteFile(t, dir, rel, body) }
	write("_config.yml", "title: Low-Code Hub\ntopic: Low Code\ntimezone: UTC\n")
	write("_data/topics/00-low-code.yaml", "taxonomy: topic\n_id: low-code\nname: Low Code\nkeywords:\n  - low code\n")
	write("_data/topics/06-sites.yaml", "taxonomy: topic\n_id: sites\nname: Sites (old)\nparent: Low Code\n")
	st := sqlitetest.Open(t)
	ctx := context.Background()
	if _, err := SyncSite(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	write("_data/topics/05-sites.yaml", "taxonomy: topic\n_id: sites\nname: Sites\nparent: Low Code\n")
	res, err := SyncSite(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	res.Log(slog.New(slog.NewTextHandler(&logged, nil)))
	if !strings.Contains(logged.String(), "06-sites.yaml") || !strings.Contains(logged.String(), "has what _data/topics/05-sites.yaml gives") {
		t.Errorf("log:\n%s", logged.String())
	}
	n := 0
	for _, tp := range res.Site.Topics {
		if tp.ID == "sites" {
			n++
			if tp.Name != "Sites" {
				t.Errorf("topic sites in force is %q, want the one 05-sites.yaml gives", tp.Name)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d topics with _id sites in force, want 1", n)
	}
}

// TestSyncSiteTakesAConfigCutShortOnlyOnceLeftSo syncs a _config.yml
// cut in a line's value, as a save in parts leaves it for a moment: it
// reads, with fewer settings than the one stored and a cut url, and is
// named and not taken while fresh; left so for Unsettled it is an edit,
// and taken. A file ending mid-line with as many settings (saved with no
// final newline, as some editors do) is taken at once.
func TestSyncSiteTakesAConfigCutShortOnlyOnceLeftSo(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	name := filepath.Join(dir, "_config.yml")
	save := func(text string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		at := time.Now().Add(-age)
		if err := os.Chtimes(name, at, at); err != nil {
			t.Fatal(err)
		}
	}
	st := sqlitetest.Open(t)
	save("title: Pulse\nurl: https://hub.example.org\ntopic: Election\ntimezone: UTC\n", 0)
	if res, err := SyncSite(ctx, st, dir); err != nil || len(res.Rejected) > 0 {
		t.Fatalf("%v %v", err, res.Rejected)
	}
	save("title: Pulse\nurl: https://hub.exa", 0)
	res, err := SyncSite(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Error(), "_config.yml:2: ends mid-line, with 2 entries where the file in force has 4") ||
		!slices.Equal(res.Unsettled, []string{"_config.yml"}) || len(res.Stored) > 0 || res.Site.Config.Timezone != "UTC" {
		t.Fatalf("a fresh cut file: rejected %v, unsettled %v, stored %v, in force %+v", res.Rejected, res.Unsettled, res.Stored, res.Site.Config)
	}
	save("title: Pulse\nurl: https://hub.exa", Unsettled+time.Second)
	if res, err = SyncSite(ctx, st, dir); err != nil || len(res.Rejected) > 0 || len(res.Unsettled) > 0 || res.Site.Config.URL != "https://hub.exa" {
		t.Fatalf("the file left so: %v, rejected %v, unsettled %v, in force %+v", err, res.Rejected, res.Unsettled, res.Site.Config)
	}
	save("title: Pulse\nurl: https://hub.example.org\ntimezone: Europe/Paris", 0)
	if res, err = SyncSite(ctx, st, dir); err != nil || len(res.Rejected) > 0 || res.Site.Config.Timezone != "Europe/Paris" {
		t.Fatalf("no final newline, more settings: %v, rejected %v, in force %+v", err, res.Rejected, res.Site.Config)
	}
}

// TestSyncSiteRecordsAModeChangedAlone syncs a _config.yml made private
// (chmod 600, for the SMTP password it holds) while the hub runs, its
// bytes the same: the mode is recorded, as import records it, so that
// export writes the file back private and not 0644.
func TestSyncSiteRecordsAModeChangedAlone(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permission bits")
	}
	ctx := context.Background()
	dir := t.TempDir()
	name := filepath.Join(dir, "_config.yml")
	if err := os.WriteFile(name, []byte("title: Pulse\nurl: https://hub.example.org\ntimezone: UTC\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, 0o644); err != nil {
		t.Fatal(err)
	}
	st := sqlitetest.Open(t)
	if _, err := SyncSite(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := SyncSite(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	modes, err := st.Modes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got := modes["_config.yml"]; got != 0o600 {
		t.Errorf("recorded mode of _config.yml %v, want -rw-------", got)
	}
}

// TestSyncSiteWarnsOfAMisspeltSetting gives a site a _config.yml whose
// title is misspelt and a sources list whose interval is: the settings
// are taken (Jekyll may read a key newshub does not) with a warning that
// names the key, its line and the one it looks like, where the title was
// left out without a word; the sources list, newshub's own, is not taken.
func TestSyncSiteWarnsOfAMisspeltSetting(t *testing.T) {
	dir := t.TempDir()
	testutil.WriteFile(t, dir, "_config.yml", "# harbour\ntitel: Harbour News\ntopic: Harbour\ntimezone: UTC\n")
	testutil.WriteFile(t, dir, "_data/topics/00-harbour.yaml", "taxonomy: topic\n_id: harbour\nname: Harbour\nkeywords:\n  - harbour\n")
	testutil.WriteFile(t, dir, "_data/sources.yaml", "sources:\n  - url: https://gazette.harbour.example/feed.xml\n    intervall: 6h\n")
	res, err := SyncSite(context.Background(), sqlitetest.Open(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	var logged strings.Builder
	res.Log(slog.New(slog.NewTextHandler(&logged, nil)))
	for _, want := range []string{
		filepath.Join(dir, "_config.yml") + `:2: unknown key \"titel\" (did you mean \"title\"?) (newshub reads the file without it)`,
		filepath.Join(dir, "_data/sources.yaml") + `:3: sources[0]: unknown key \"intervall\" (did you mean \"interval\"?) (not taken`,
	} {
		if !strings.Contains(logged.String(), want) {
			t.Errorf("log does not say\n%s\nlog:\n%s", want, logged.String())
		}
	}
	if res.Site == nil || res.Site.Config == nil || res.Site.Config.Topic != "Harbour" {
		t.Errorf("configuration in force: %+v, want the folder's settings", res.Site)
	}
}
