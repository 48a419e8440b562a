package probe

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/testutil"
)

// hostileNews are news records a probe wrote to cost a hub memory and
// time, each with the line import must report for it.
func hostileNews() []struct{ name, body, want string } {
	head := func(title string) string {
		return "---\ncategory: news\ntitle: \"" + title + "\"\nexcerpt: \"Hostile.\"\npublishedDateTime: 2026-01-02T03:04:05Z\n" +
			"originalUrl: \"https://hostile.example/a\"\nwebUrl: \"https://hostile.example/a\"\ntype: article\n"
	}
	related := func(entry string) string {
		var b strings.Builder
		b.WriteString(head("A million related entries") + "related:\n")
		if strings.HasPrefix(entry, "*") {
			b.WriteString("  - &r {title: Coverage, webUrl: \"https://o.example/r\"}\n")
		}
		for range 1_000_000 {
			b.WriteString(entry)
		}
		return b.String() + "---\n"
	}
	return []struct{ name, body, want string }{
		{"2026-01-02-long-title.md", head(strings.Repeat("x", 10<<20)) + "---\n", ":3: title longer than 1000 characters"},
		{"2026-01-02-long-excerpt.md", strings.Replace(head("Long excerpt"), "Hostile.", strings.Repeat("é", model.MaxExcerpt+1), 1) + "---\n",
			":4: excerpt longer than 5000 characters"},
		{"2026-01-02-million-related.md", related("  - {}\n"), ":9: related longer than 1000 entries"},
		{"2026-01-02-million-related-aliases.md", related("  - *r\n"), ":9: related holds more than 100000 YAML values (a record's related holds at most 1000 entries)"},
		{"2026-01-02-many-topics.md", head("Many topics") + "topics:\n" + strings.Repeat("  - Election\n", model.MaxTopics+1) + "---\n",
			":9: topics longer than 100 entries"},
	}
}

// TestImportRefusesHostileRecordsForWhatTheyAre imports a generated hub
// into which hostile records were dropped: each is reported as
// path:line: reason and kept as it is, unread, and every other record is
// imported.
func TestImportRefusesHostileRecordsForWhatTheyAre(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and imports a generated hub")
	}
	h := newHubOf(t, 200)
	cases := hostileNews()
	for _, c := range cases {
		if err := os.WriteFile(filepath.Join(h.site, "_news", c.name), []byte(c.body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := h.command("import")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("import = %v, want exit status 1 for rejected records\n%s%s", err, stdout.String(), stderr.String())
	}
	rss := testutil.PeakRSS(cmd.ProcessState)
	t.Logf("import of the hub with %d hostile records: %s, peak RSS %d MB", len(cases), took.Round(time.Millisecond), rss>>20)
	for _, c := range cases {
		// Rejected as records, their bytes kept for export to give back.
		want := filepath.Join(h.site, "_news", c.name) + c.want + "; kept as it is, not read (export writes it back)\n"
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("import did not report %q", want)
		}
	}
	if got := h.query(`SELECT count(*) FROM records WHERE kind = 'opaque' AND path LIKE '_news/%'`)[0]; got != fmt.Sprint(len(cases)) {
		t.Errorf("%s hostile files kept as they are, want %d", got, len(cases))
	}
	if want := fmt.Sprintf("rejected %d files", len(cases)); !strings.Contains(stdout.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, stdout.String())
	}
	if got := h.query(`SELECT count(*) FROM records WHERE kind = 'news'`)[0]; got != "200" {
		t.Errorf("%s news records imported, want the 200 generated", got)
	}
}
