package publish

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"newshub/internal/testutil"
)

// TestServedCopyComesBackAfterItsFolderFails keeps a static copy as a
// server's publishing does (the server's views, one manifest kept across
// builds) and takes its folder away under it: removed, a file of it
// removed, or its parent made a file so that nothing can be written
// there. A build while it cannot be written fails and says why, the
// views still answer, and the next build once it can puts the whole copy
// back, byte for byte.
func TestServedCopyComesBackAfterItsFolderFails(t *testing.T) {
	st, s := genStore(t, 50)
	ctx := context.Background()
	views := NewViews(ViewsConfig{Store: st, Options: genOptions()})
	opt := BuildOptions{Options: genOptions(), Views: views, Manifest: &Manifest{}}
	parent := filepath.Join(t.TempDir(), "www")
	out := filepath.Join(parent, "out")
	if _, err := Build(ctx, st, s, out, opt); err != nil {
		t.Fatal(err)
	}
	whole := testutil.Files(t, out)
	cases := []struct {
		name  string
		spoil func() error
		mend  func() error
	}{
		{"folder removed", func() error { return os.RemoveAll(out) }, nil},
		{"a file removed", func() error { return os.Remove(filepath.Join(out, "feeds", "atom.xml")) }, nil},
		{"nothing can be written", func() error {
			if err := os.RemoveAll(parent); err != nil {
				return err
			}
			return os.WriteFile(parent, []byte("a file where the folder was"), 0o644)
		}, func() error { return os.Remove(parent) }},
	}
	for _, c := range cases {
		if err := c.spoil(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.mend != nil {
			if _, err := Build(ctx, st, s, out, opt); err == nil {
				t.Fatalf("%s: the build into %s said nothing", c.name, out)
			}
			if _, err := views.Current(ctx); err != nil {
				t.Fatalf("%s: the views no longer answer: %v", c.name, err)
			}
			if err := c.mend(); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := Build(ctx, st, s, out, opt); err != nil {
			t.Fatalf("%s: the build after: %v", c.name, err)
		}
		if got := testutil.Files(t, out); !sameFiles(got, whole) {
			t.Errorf("%s: the copy holds %d files after, %d before, or not the same", c.name, len(got), len(whole))
		}
	}
}
