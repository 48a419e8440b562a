package publish

import (
	"context"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// sameFiles reports whether two folders' files, as testutil.Files reads
// them, hold the same bytes at the same paths.
func sameFiles(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, func(x, y []byte) bool { return string(x) == string(y) })
}

// TestBuildRepairsItsCopyWithoutItsMark removes the mark (and a file
// beside it) from a build's copy, as someone cleaning the web root might:
// a serving process, whose manifest is in memory, then refused the folder
// on every round until an operator acted, although its manifest lists
// every file it left there. The build that follows finds OUT's files as
// its manifest lists them and writes the missing ones again.
func TestBuildRepairsItsCopyWithoutItsMark(t *testing.T) {
	st, s := genStore(t, 8)
	ctx := context.Background()
	tests := []struct {
		name     string
		manifest *Manifest
	}{
		{"a serving process's, its manifest in memory", &Manifest{}},
		{"a one-shot build's, its manifest saved beside OUT", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := BuildOptions{Options: genOptions(), Manifest: tt.manifest}
			out := builtOut(t, st, s, opt)
			whole := testutil.Files(t, out)
			for _, rel := range []string{buildMark, "feeds/atom.xml"} {
				if err := os.Remove(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
					t.Fatal(err)
				}
			}
			stats, err := Build(ctx, st, s, out, opt)
			if err != nil {
				t.Fatalf("the build after the mark went: %v", err)
			}
			if stats.Whole {
				t.Errorf("the build after the mark went replaced OUT, want an update in place")
			}
			if got := testutil.Files(t, out); !sameFiles(got, whole) {
				t.Errorf("the copy holds %d files after, %d before, or not the same", len(got), len(whole))
			}
		})
	}
}

// TestBuildRefusesOtherFilesWhereItsBuildWas checks that a manifest, kept
// in memory or saved beside OUT, makes no folder a build's that does not
// hold the files it lists: a folder of other files beside another OUT's
// manifest, or beside its own folder's after its files were replaced, was
// updated as a build and lost every file the build did not write.
func TestBuildRefusesOtherFilesWhereItsBuildWas(t *testing.T) {
	st, s := genStore(t, 8)
	ctx := context.Background()
	notes := func(t *testing.T, out string) {
		testutil.WriteFile(t, out, "notes.txt", "mine\n")
		testutil.WriteFile(t, out, "drafts/a.md", "# a\n")
	}
	tests := []struct {
		name     string
		manifest *Manifest
		// spoil turns out, a build's, into a folder no build left.
		spoil func(t *testing.T, out string)
	}{
		{"unrelated files beside another OUT's manifest", nil, func(t *testing.T, out string) {
			other := filepath.Join(filepath.Dir(out), "other")
			if _, err := Build(ctx, st, s, other, BuildOptions{Options: genOptions()}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(manifestFile(other))
			if err != nil {
				t.Fatal(err)
			}
			replaceFolder(t, out)
			notes(t, out)
			if err := os.WriteFile(manifestFile(out), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}},
		{"the build's folder emptied and filled with other files, its manifest beside it", nil, func(t *testing.T, out string) {
			emptyFolder(t, out)
			notes(t, out)
		}},
		{"a serving process's folder replaced by other files", &Manifest{}, func(t *testing.T, out string) {
			replaceFolder(t, out)
			notes(t, out)
		}},
		{"a serving process's paths holding other bytes", &Manifest{}, func(t *testing.T, out string) {
			if err := os.Remove(filepath.Join(out, filepath.FromSlash(buildMark))); err != nil {
				t.Fatal(err)
			}
			err := filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				return os.WriteFile(p, []byte("mine\n"), 0o644)
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := BuildOptions{Options: genOptions(), Manifest: tt.manifest}
			out := builtOut(t, st, s, opt)
			tt.spoil(t, out)
			before := testutil.Files(t, out)
			_, err := Build(ctx, st, s, out, opt)
			if err == nil || !strings.Contains(err.Error(), out) {
				t.Errorf("Build: %v, want a refusal naming %s", err, out)
			}
			if got := testutil.Files(t, out); !sameFiles(got, before) {
				t.Errorf("the folder holds %d files after the build, %d before, or not the same", len(got), len(before))
			}
		})
	}
}

// builtOut builds a new OUT with opt and returns it.
func builtOut(t *testing.T, st store.Store, s *site.Site, opt BuildOptions) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(context.Background(), st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	return out
}

// replaceFolder puts a new empty folder at out's path.
func replaceFolder(t *testing.T, out string) {
	t.Helper()
	if err := os.RemoveAll(out); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
}

// emptyFolder removes what out holds, keeping the folder itself.
func emptyFolder(t *testing.T, out string) {
	t.Helper()
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := os.RemoveAll(filepath.Join(out, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
}
