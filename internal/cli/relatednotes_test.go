package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCurateKeepsWhatARelatedEntryHoldsBeyondItsFields imports a story
// whose lead lists outside coverage with a note of the desk's own, a
// photo credit and a comment, and a second record of the story that is
// not in the lead's list yet; curation adds it there, and the export
// still holds the note, the credit and the comment of the entry that
// stayed, which the related list written anew had lost.
func TestCurateKeepsWhatARelatedEntryHoldsBeyondItsFields(t *testing.T) {
	src := filepath.Join(t.TempDir(), "hub")
	if err := os.CopyFS(src, os.DirFS("testdata/related-notes")); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	for _, args := range [][]string{{"import"}, {"curate"}, {"export", out}} {
		if code, _, errs := run(t, append([]string{"--site", src}, args...)...); code != 0 {
			t.Fatalf("%s exit %d:\n%s", args[0], code, errs)
		}
	}
	const lead = "_news/2026-11-30-ferry-timetable-approved.md"
	data, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(lead)))
	if err != nil {
		t.Fatal(err)
	}
	got := string(data)
	if !strings.Contains(got, "    webUrl: \"https://bay.example.net/board-backs-ferry-timetable\"\n") {
		t.Fatalf("curation did not add the story's other record to the lead's related list: the test proves nothing\n%s", got)
	}
	for _, line := range []string{
		"  # confirmed with the ferry company by phone\n",
		"    deskNote: \"the operator's own figures\"\n",
		"        credit: \"Coast Daily photo desk\"\n",
	} {
		if !strings.Contains(got, line) {
			t.Errorf("%s lost %q:\n%s", lead, line, got)
		}
	}
}
