package explain

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/editorial"
)

// TestWaitingNamesDecisionsOnWhatIsNotStored checks a log written by hand
// whose decisions name articles and stories the store does not hold: each
// is named by its line as waiting, where curate counted it applied; those
// on what is stored are not, and explain says it of the article.
func TestWaitingNamesDecisionsOnWhatIsNotStored(t *testing.T) {
	st, s, dir := hub(t)
	ctx := context.Background()
	const (
		stored  = "https://wire.example/senate-bill"
		missing = "https://wire.example/still-to-come"
	)
	entry := func(fields string) string {
		return "  - action: " + fields + "\n    at: 2026-11-20T11:00:00Z\n"
	}
	byHand := "decisions:\n" +
		entry("lead\n    article: "+missing+"\n    story: s-1") + // line 2
		entry("pin\n    story: s-9\n    story_article: "+missing+"\n    until: 2026-12-01T00:00:00Z") + // line 6
		entry("move\n    article: "+stored+"\n    into: s-9") + // line 11
		entry("move\n    article: "+missing+"\n    out: true") + // line 15
		entry("hide\n    article: "+stored) + // line 19: stored, applies
		entry("pin\n    story: s-1\n    until: 2026-12-01T00:00:00Z") + // line 22: stored, applies
		entry("merge\n    story: s-1\n    into_article: "+missing) // line 26
	file := editorial.File(dir)
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(byHand), 0o644); err != nil {
		t.Fatal(err)
	}
	log, err := editorial.Load(ctx, st, dir)
	if err != nil || len(log.Invalid) > 0 {
		t.Fatalf("Load: %v %v", err, log.Invalid)
	}
	waits, err := Waiting(ctx, st, log)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range waits {
		got = append(got, w.String())
	}
	want := []string{
		file + ":2: lead: waits for article " + missing + ", not stored yet",
		file + ":6: pin: waits for story s-9, not stored yet",
		file + ":11: move: waits for story s-9, not stored yet",
		file + ":15: move: waits for article " + missing + ", not stored yet",
		file + ":26: merge: waits for the story of " + missing + ", not stored yet",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("waiting:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	var out bytes.Buffer
	if rec, err := Run(ctx, &out, st, s, dir, missing); err != nil || rec != nil {
		t.Fatalf("Run of an article still to come: %v, %v", rec, err)
	}
	if w := missing + " is not stored yet\n  " + want[0] + "\n  " + want[3] + "\n"; out.String() != w {
		t.Errorf("explain of an article still to come:\n%s\nwant\n%s", out.String(), w)
	}
	out.Reset()
	if _, err := Run(ctx, &out, st, s, dir, stored); err != nil {
		t.Fatal(err)
	}
	if w := "\nwaiting:\n  " + want[2] + "\n"; !strings.HasSuffix(out.String(), w) {
		t.Errorf("explain of a stored article, want it ending in %q:\n%s", w, out.String())
	}
}
