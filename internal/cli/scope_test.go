package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type scopeResult struct {
	ID      string   `json:"id"`
	OnTopic *bool    `json:"onTopic"`
	Score   *float64 `json:"score"`
}

func runScopeCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return run(t, append([]string{"scope"}, args...)...)
}

// readScopeResults decodes the command's output, checking that every line
// has an id, a decision and a score in [0, 1].
func readScopeResults(t *testing.T, s string) []scopeResult {
	t.Helper()
	var rs []scopeResult
	dec := json.NewDecoder(strings.NewReader(s))
	for dec.More() {
		var r scopeResult
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("output %q: %v", s, err)
		}
		if r.ID == "" || r.OnTopic == nil || r.Score == nil || *r.Score < 0 || *r.Score > 1 {
			t.Fatalf("output line %+v lacks id, onTopic or a score in [0, 1]", r)
		}
		rs = append(rs, r)
	}
	return rs
}

func scopeData(name string) string { return filepath.Join("testdata", "scope", name) }

func TestScopeCommandDecidesInOrderAndReportsBadLines(t *testing.T) {
	in := scopeData("stream.jsonl")
	out := filepath.Join(t.TempDir(), "decisions.jsonl")
	code, _, stderr := runScopeCmd(t, "--hub", scopeData("hub.json"), "--in", in, "--out", out)
	if code != ExitFailure {
		t.Errorf("exit status %d, want %d for bad lines", code, ExitFailure)
	}
	for _, want := range []string{
		in + ":4: not a JSON object",
		in + ":5: missing id",
		in + `:8: publishedDateTime "last Tuesday" is not an RFC 3339 time`,
		in + `:10: duplicate id "c1"`,
		"bad=4",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	on := map[string]bool{}
	for _, r := range readScopeResults(t, string(b)) {
		ids = append(ids, r.ID)
		on[r.ID] = *r.OnTopic
	}
	if got, want := strings.Join(ids, ","), "c1,s1,c2,b1,7,r1,c4"; got != want {
		t.Fatalf("output ids %s, want %s (input order, bad lines left out)", got, want)
	}
	for id, want := range map[string]bool{"c1": true, "c2": true, "c4": true, "s1": false, "b1": false, "r1": false} {
		if on[id] != want {
			t.Errorf("%s on topic = %v, want %v", id, on[id], want)
		}
	}
}

// TestScopeCommandReadsTextNotMarkup checks that titles and excerpts are
// read as ingestion stores them: a keyword in a link's address or in a
// bare link is not in the article's words; one in tagged text is.
func TestScopeCommandReadsTextNotMarkup(t *testing.T) {
	code, stdout, stderr := runScopeCmd(t, "--hub", scopeData("hub.json"), "--in", scopeData("stream-markup.jsonl"))
	if code != ExitOK {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	want := map[string]bool{"m1": false, "m2": true, "m3": false}
	rs := readScopeResults(t, stdout)
	if len(rs) != len(want) {
		t.Fatalf("output %q, want %d lines", stdout, len(want))
	}
	for _, r := range rs {
		if *r.OnTopic != want[r.ID] {
			t.Errorf("%s on topic = %v, want %v", r.ID, *r.OnTopic, want[r.ID])
		}
	}
}

func TestScopeCommandWithAnOpenHubKeepsEverything(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	lines := `{"id":"a","title":"Late penalty sends City into the cup final"}` + "\n" +
		`{"id":"b","title":"Ten pasta recipes for a quick weeknight dinner"}` + "\n"
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runScopeCmd(t, "--hub", scopeData("hub-open.json"), "--in", in)
	if code != ExitOK {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, `keyword "the" is a stop word: ignored`) || !strings.Contains(stderr, "open=true") {
		t.Errorf("stderr does not say the keyword is ignored and the gate open:\n%s", stderr)
	}
	rs := readScopeResults(t, stdout)
	if len(rs) != 2 || !*rs[0].OnTopic || !*rs[1].OnTopic || *rs[0].Score != 1 {
		t.Errorf("output %q, want both articles on topic with score 1", stdout)
	}
}

func TestScopeCommandReadsTheHubFile(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(`{"id":"a","title":"Climate talks open in Bonn"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		hub  string
		code int
		want string
	}{
		{"hub-bad-json.json", ExitFailure, scopeData("hub-bad-json.json") + ":4: not a JSON object"},
		{"hub-bad-type.json", ExitFailure, scopeData("hub-bad-type.json") + ":3: keywords must be a list of strings"},
		{"hub-extra.json", ExitOK, scopeData("hub-extra.json") + `:5: unknown field "color" ignored`},
		{"hub-null.json", ExitFailure, scopeData("hub-null.json") + ":1: not a JSON object"},
		{"missing.json", ExitFailure, "missing.json"},
	} {
		code, stdout, stderr := runScopeCmd(t, "--hub", scopeData(c.hub), "--in", in)
		if code != c.code || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit status %d, stderr %q; want %d and %q", c.hub, code, stderr, c.code, c.want)
		}
		if c.hub != "hub-extra.json" && stdout != "" {
			t.Errorf("%s: wrote decisions %q for a hub it could not read", c.hub, stdout)
		}
	}
}

func TestScopeCommandUsageErrors(t *testing.T) {
	hub := scopeData("hub.json")
	for _, args := range [][]string{{}, {"--hub", hub}, {"--in", "x.jsonl"}, {"--hub", hub, "--in", "x.jsonl", "extra"}, {"--hub"}} {
		if code, _, _ := runScopeCmd(t, args...); code != ExitUsage {
			t.Errorf("scope %q: exit status %d, want %d", args, code, ExitUsage)
		}
	}
	if code, _, stderr := runScopeCmd(t, "--hub", hub, "--in", filepath.Join(t.TempDir(), "missing.jsonl")); code != ExitFailure || !strings.Contains(stderr, "missing.jsonl") {
		t.Errorf("missing input: exit status %d, stderr %q", code, stderr)
	}
}

// TestScopeAndClusterReadOnPastALineTooLong: a line longer than 16 MiB
// is a bad line like another, named with its number, and the commands
// decide the lines before and after it.
func TestScopeAndClusterReadOnPastALineTooLong(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	lines := `{"id":"a","title":"Comet tail photographed by probe"}` + "\n" +
		`{"id":"huge","title":"` + strings.Repeat("word ", 17<<20/5) + `"}` + "\n" +
		`{"id":"c","title":"Crew completes walk outside the station"}` + "\n"
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"scope", "--hub", scopeData("hub.json")}, {"cluster"}} {
		code, stdout, stderr := run(t, append(args, "--in", in)...)
		if code != ExitFailure || !strings.Contains(stderr, in+":2: longer than 16 MiB") {
			t.Errorf("%s: exit status %d, stderr %q; want %d naming line 2", args[0], code, stderr, ExitFailure)
		}
		var ids []string
		for l := range strings.Lines(stdout) {
			var r struct{ ID string }
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%s: output line %q: %v", args[0], l, err)
			}
			ids = append(ids, r.ID)
		}
		if got := strings.Join(ids, ","); got != "a,c" {
			t.Errorf("%s: output ids %s, want a,c", args[0], got)
		}
	}
}

// TestScopeCommandRefusesToWriteOverItsInput: --out naming the input
// file, under any spelling, is refused before anything is written; the
// input is as it was.
func TestScopeCommandRefusesToWriteOverItsInput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	lines := `{"id":"a","title":"Climate talks open in Bonn"}` + "\n"
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(in, filepath.Join(dir, "link.jsonl")); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{in, filepath.Join(dir, ".", "in.jsonl"), filepath.Join(dir, "link.jsonl")} {
		code, stdout, stderr := runScopeCmd(t, "--hub", scopeData("hub.json"), "--in", in, "--out", out)
		if code != ExitUsage || !strings.Contains(stderr, "is the input file") || stdout != "" {
			t.Errorf("--out %s: exit status %d, stderr %q; want %d saying it is the input file", out, code, stderr, ExitUsage)
		}
		if b, err := os.ReadFile(in); err != nil || string(b) != lines {
			t.Fatalf("--out %s: the input now holds %q (%v)", out, b, err)
		}
	}
}

// TestScopeCommandReadsFilesWithAByteOrderMark: a stream and a hub file
// saved with UTF-8's byte order mark (Notepad, PowerShell) are read as
// they would be without it.
func TestScopeCommandReadsFilesWithAByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	hub, in := filepath.Join(dir, "hub.json"), filepath.Join(dir, "in.jsonl")
	files := map[string]string{
		hub: "\xef\xbb\xbf" + `{"topic": "Climate", "keywords": ["climate"]}` + "\r\n",
		in: "\xef\xbb\xbf" + `{"id":"a","title":"Climate talks open in Bonn"}` + "\r\n" +
			`{"id":"b","title":"Ten pasta recipes for a quick weeknight dinner"}` + "\r\n",
	}
	for name, text := range files {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, stdout, stderr := runScopeCmd(t, "--hub", hub, "--in", in)
	if code != ExitOK {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	rs := readScopeResults(t, stdout)
	if len(rs) != 2 || rs[0].ID != "a" || !*rs[0].OnTopic || *rs[1].OnTopic {
		t.Errorf("output %q, want a on topic by its keyword, b off", stdout)
	}
}

// TestScopeCommandReadsAKeywordInCapitals: a hub whose only keyword is
// "US" selects the articles about the US by it, and not those where "us"
// is the pronoun, where the keyword was ignored and the gate kept
// everything.
func TestScopeCommandReadsAKeywordInCapitals(t *testing.T) {
	dir := t.TempDir()
	hub, in := filepath.Join(dir, "hub.json"), filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(hub, []byte(`{"topic": "US politics", "keywords": ["US"]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	lines := `{"id":"a","title":"US Senate passes the budget bill"}` + "\n" +
		`{"id":"b","title":"Polls close across the U.S. tonight"}` + "\n"
	if err := os.WriteFile(in, []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runScopeCmd(t, "--hub", hub, "--in", in)
	if code != ExitOK {
		t.Fatalf("exit status %d: %s", code, stderr)
	}
	if strings.Contains(stderr, "ignored") || !strings.Contains(stderr, "open=false") {
		t.Errorf("stderr says the keyword is ignored or the gate open:\n%s", stderr)
	}
	rs := readScopeResults(t, stdout)
	if len(rs) != 2 || !*rs[0].OnTopic || !*rs[1].OnTopic {
		t.Errorf("output %q, want both articles on topic", stdout)
	}
}
