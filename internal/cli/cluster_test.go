package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type clusterResult struct {
	ID      string   `json:"id"`
	Story   string   `json:"story"`
	Related []string `json:"related"`
}

func runClusterCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), append([]string{"cluster"}, args...), &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func readResults(t *testing.T, s string) []clusterResult {
	t.Helper()
	var rs []clusterResult
	for _, line := range strings.Split(strings.TrimSpace(s), "\n") {
		var r clusterResult
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		rs = append(rs, r)
	}
	return rs
}

func TestClusterCommandReportsBadLinesAndClustersTheRest(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	input := strings.Join([]string{
		`{"id":"a1","title":"Sbarro pizza chain files for bankruptcy, second time in three years","publishedDateTime":"2014-03-10T10:00:00Z","extra":{"ignored":true}}`,
		`{"id":"b1","title":"Neil Young to unveil Pono music player at SXSW","url":"https://example.com/2014/neil-young-pono","provider":"Example"}`,
		`{"id":"broken", "title": `,
		`{"title":"no id here"}`,
		`{"id":"a2","title":"Sbarro files for 2nd bankruptcy in 3 years","excerpt":"The pizza chain Sbarro filed for bankruptcy again.","publishedDateTime":"2014-03-10T12:00:00+01:00"}`,
		``,
		`{"id":"c1","title":"日本銀行が金融政策の変更を発表","publishedDateTime":"yesterday"}`,
		`{"id":7,"title":"Rest-stop pizza chain Sbarro files for bankruptcy","provider":{"name":"Wire","domain":"wire.example"}}`,
		`{"id":"a1","title":"duplicate id"}`,
		`{"id":"b2","title":"Neil Young's Pono music player launches on Kickstarter"}`,
	}, "\n") + "\n"
	if err := os.WriteFile(in, []byte(input), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.jsonl")
	code, _, stderr := runClusterCmd(t, "--in", in, "--out", out, "--related", "3")
	if code != ExitFailure {
		t.Errorf("exit status %d, want %d for bad lines", code, ExitFailure)
	}
	for _, want := range []string{in + ":3: not a JSON object", in + ":4: missing id", in + ":7: publishedDateTime \"yesterday\"", in + ":9: duplicate id \"a1\""} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	rs := readResults(t, string(b))
	var ids []string
	story := map[string]string{}
	for _, r := range rs {
		ids = append(ids, r.ID)
		story[r.ID] = r.Story
		if r.Story == "" {
			t.Errorf("%s has no story", r.ID)
		}
	}
	if got, want := strings.Join(ids, ","), "a1,b1,a2,7,b2"; got != want {
		t.Fatalf("output ids %s, want %s (input order, bad lines skipped)", got, want)
	}
	if story["a1"] != story["a2"] || story["a1"] != story["7"] {
		t.Errorf("the Sbarro articles are split: %v", story)
	}
	if story["b1"] != story["b2"] || story["b1"] == story["a1"] {
		t.Errorf("the Pono articles are not one story of their own: %v", story)
	}
	for _, r := range rs {
		if r.ID == "a1" && (len(r.Related) == 0 || len(r.Related) > 3 || strings.Contains(strings.Join(r.Related, ","), "b")) {
			t.Errorf("related of a1 = %q, want up to 3 Sbarro articles", r.Related)
		}
	}
}

func TestClusterCommandWritesStdoutWithoutRelated(t *testing.T) {
	in := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(in, []byte(`{"id":"x","title":"Twitter goes down"}`+"\n"+`{"id":"y","title":"Twitter goes down again"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := runClusterCmd(t, "--in", in)
	if code != ExitOK {
		t.Fatalf("exit status %d, stderr %s", code, stderr)
	}
	rs := readResults(t, stdout)
	if len(rs) != 2 || rs[0].Story != rs[1].Story || rs[0].Related != nil {
		t.Errorf("output %q, want two lines of one story without related", stdout)
	}
}

func TestClusterCommandUsageErrors(t *testing.T) {
	for _, args := range [][]string{{}, {"--in"}, {"--in", "x.jsonl", "extra"}, {"--in", "x.jsonl", "--related", "-1"}} {
		if code, _, _ := runClusterCmd(t, args...); code != ExitUsage {
			t.Errorf("cluster %q: exit status %d, want %d", args, code, ExitUsage)
		}
	}
	if code, _, stderr := runClusterCmd(t, "--in", filepath.Join(t.TempDir(), "missing.jsonl")); code != ExitFailure || !strings.Contains(stderr, "missing.jsonl") {
		t.Errorf("missing input: exit status %d, stderr %q", code, stderr)
	}
}
