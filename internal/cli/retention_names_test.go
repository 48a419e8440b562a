package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
)

// TestCurateArchiveNamesWhatANameTakenHolds checks that a record or file
// retention cannot move, because the other news folder holds one of that
// name, is named in curate --archive's report, so that the operator can
// find it: its story stays in the current lists, and its file beside the
// other, at every run until someone acts.
func TestCurateArchiveNamesWhatANameTakenHolds(t *testing.T) {
	tests := []struct {
		name string
		// clash writes, for the news file name of a story of a month
		// ago, a file in the other folder, and returns the path to name.
		clash func(t *testing.T, site, name string) string
		want  string
	}{
		{"a file of another article in the archive before import", func(t *testing.T, site, name string) string {
			putFile(t, filepath.Join(site, "_archive", "news", name), strings.Replace(getFile(t, filepath.Join(site, "_news", name)), "title: ", "title: Other ", 1))
			return content.NewsDir + name
		}, "the other folder holds another record of that name"},
		{"an older copy in _news of an archived article", func(t *testing.T, site, name string) string {
			if code, out, errs := run(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339)); code != 0 {
				t.Fatalf("curate --archive: %d\n%s\n%s", code, out, errs)
			}
			putFile(t, filepath.Join(site, "_news", name), getFile(t, filepath.Join(site, "_archive", "news", name)))
			return content.NewsDir + name
		}, "a file of that name is in both _news/ and _archive/news/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := retentionSite(t, 60, "30d", "", func(string) {})
			var names []string
			for n := range newsFiles(t, site) {
				names = append(names, fileName(n))
			}
			slices.Sort(names)
			old := retentionUntil.Add(-60 * 24 * time.Hour).Format(time.DateOnly)
			i, _ := slices.BinarySearch(names, old)
			if i == len(names) {
				t.Fatalf("no news file from %s on", old)
			}
			importInProcess(t)(site)
			path := tt.clash(t, site, names[i])
			importInProcess(t)(site)
			for run1 := range 2 {
				code, out, errs := run(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339))
				if code != 0 {
					t.Fatalf("curate --archive: %d\n%s\n%s", code, out, errs)
				}
				if !strings.Contains(out, tt.want) || !strings.Contains(out, path) {
					t.Errorf("run %d: the report counts %q but does not name %s:\n%s", run1+1, tt.want, path, out)
				}
			}
		})
	}
}

func getFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func putFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}
