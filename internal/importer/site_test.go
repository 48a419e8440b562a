package importer

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"newshub/internal/store/sqlite/sqlitetest"
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
