package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/store/postgres/pgtest"
)

// TestAHubMovedByExportAndImportKeepsItsStories: a hub whose stories
// curation clustered (not those its records' related lists tie together)
// is exported and imported into a new store. Every story is as it was,
// its id, lead and related coverage: the API's stories and news are what
// they were, byte for byte, and an export of the new store writes the
// folder the first export wrote.
func TestAHubMovedByExportAndImportKeepsItsStories(t *testing.T) {
	sqliteDB := func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "new.db") }
	targets := []struct {
		name string
		db   func(t *testing.T) string
		args []string
	}{
		{"SQLite", sqliteDB, nil},
		// Batches of a few records: a story's articles come in several.
		{"SQLite, small batches", sqliteDB, []string{"--batch", "5"}},
		{"PostgreSQL", func(t *testing.T) string { return pgtest.DSN(t) }, nil},
	}
	site := genSite(t, 600, 2)
	hub := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	runOK(t, "--site", site, "--db", hub, "import")
	// Curation clusters every article again: the stories are the
	// clusterer's, which related coverage alone does not give back.
	runOK(t, "--site", site, "--db", hub, "curate")
	dir := t.TempDir()
	built, exported := filepath.Join(dir, "built"), filepath.Join(dir, "exported")
	runOK(t, "--site", site, "--db", hub, "build", "--now", buildNow, built)
	runOK(t, "--site", site, "--db", hub, "export", exported)
	want, folder := apiOf(t, built), treeOf(t, exported)
	if stories := countPrefix(want, "api/stories/s-"); stories < 50 {
		t.Fatalf("the hub has %d stories, want a hub of many", stories)
	}
	for _, tt := range targets {
		t.Run(tt.name, func(t *testing.T) {
			db := tt.db(t)
			runOK(t, append([]string{"--site", exported, "--db", db, "import"}, tt.args...)...)
			again, rebuilt := filepath.Join(t.TempDir(), "again"), filepath.Join(t.TempDir(), "rebuilt")
			runOK(t, "--site", exported, "--db", db, "export", again)
			sameTree(t, "exported again", treeOf(t, again), folder)
			runOK(t, "--site", exported, "--db", db, "build", "--now", buildNow, rebuilt)
			sameTree(t, "the API after the move", apiOf(t, rebuilt), want)
		})
	}
}

// apiOf returns the files of a build's API.
func apiOf(t *testing.T, built string) map[string][]byte {
	t.Helper()
	api := map[string][]byte{}
	for p, data := range treeOf(t, built) {
		if strings.HasPrefix(p, "api/") {
			api[p] = data
		}
	}
	return api
}

// countPrefix counts the folders of files whose paths start with prefix.
func countPrefix(files map[string][]byte, prefix string) int {
	n := 0
	for p := range files {
		if strings.HasPrefix(p, prefix) && strings.HasSuffix(p, "/") && strings.Count(p, "/") == 3 {
			n++
		}
	}
	return n
}
