package cluster

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// linesOf clusters input with Lines and returns the story of each id, the
// ids in output order and the bad lines as "line: reason".
func linesOf(t *testing.T, input string, opts LinesOptions) (map[string]Member, []string, []string) {
	t.Helper()
	var bad []string
	opts.Bad = func(line int, err error) { bad = append(bad, fmt.Sprintf("%d: %v", line, err)) }
	ms, err := Lines(context.Background(), strings.NewReader(input), opts)
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]Member{}
	var order []string
	for _, m := range ms {
		byID[m.ID] = m
		order = append(order, m.ID)
	}
	return byID, order, bad
}

// TestLinesClustersInTimeOrder feeds dated articles out of order over a
// month: they are clustered in time order, so each story comes together,
// and the same headline three weeks later is another story.
func TestLinesClustersInTimeOrder(t *testing.T) {
	lines := []string{
		`{"id":"late1","title":"Sbarro files for bankruptcy","publishedDateTime":"2014-03-25T09:00:00Z"}`,
		`{"id":"gm1","title":"GM recalls 1.6 million cars over ignition switch","publishedDateTime":"2014-03-14T08:00:00Z"}`,
		`{"id":"sb1","title":"Sbarro pizza chain files for bankruptcy again","publishedDateTime":"2014-03-04T10:00:00Z"}`,
		`{"id":"gm2","title":"GM ignition switch recall: Congress to investigate","publishedDateTime":"2014-03-15T08:00:00Z"}`,
		`{"id":"sb2","title":"Sbarro files for bankruptcy for second time","publishedDateTime":"2014-03-04T18:00:00Z"}`,
		`{"id":"undated","title":"GM ignition recall widens"}`,
		`{"id":"sb3","title":"Pizza chain Sbarro files Chapter 11 bankruptcy","publishedDateTime":"2014-03-05T07:00:00Z"}`,
		`{"id":"late2","title":"Sbarro bankruptcy filing approved","publishedDateTime":"2014-03-25T15:00:00Z"}`,
	}
	ms, order, bad := linesOf(t, strings.Join(lines, "\n")+"\n", LinesOptions{Related: 5})
	if len(bad) > 0 {
		t.Errorf("bad lines %q", bad)
	}
	if got := strings.Join(order, ","); got != "late1,gm1,sb1,gm2,sb2,undated,sb3,late2" {
		t.Errorf("output order %s, want the input order", got)
	}
	same := [][]string{{"sb1", "sb2", "sb3"}, {"gm1", "gm2"}, {"late1", "late2"}}
	for _, g := range same {
		for _, id := range g[1:] {
			if ms[id].Story != ms[g[0]].Story {
				t.Errorf("%s and %s are apart: %v", g[0], id, ms)
			}
		}
	}
	if ms["sb1"].Story == ms["late1"].Story {
		t.Errorf("the same headline three weeks later joined the old story: %v", ms)
	}
	if r := ms["sb1"].Related; len(r) != 2 || strings.Contains(strings.Join(r, ","), "gm") {
		t.Errorf("related of sb1 = %q, want the two other Sbarro articles of early March", r)
	}
}

// TestLinesReportsBadLinesAndClustersTheRest checks each kind of bad line
// is reported with its number and left out, blank lines are skipped
// without a report, and the rest are clustered.
func TestLinesReportsBadLinesAndClustersTheRest(t *testing.T) {
	input := strings.Join([]string{
		`{"id":"a1","title":"Sbarro pizza chain files for bankruptcy, second time in three years","publishedDateTime":"2014-03-10T10:00:00Z","extra":{"ignored":true}}`,
		`{"id":"broken", "title": `,
		`{"title":"no id here"}`,
		`   `,
		`{"id":"c1","title":"日本銀行が金融政策の変更を発表","publishedDateTime":"yesterday"}`,
		`{"id":"a1","title":"duplicate id"}`,
		`{"id":7,"title":"Rest-stop pizza chain Sbarro files for bankruptcy","provider":{"name":"Wire","domain":"wire.example"}}`,
		`{"id":"","title":"empty id"}`,
		`{"id":true,"title":"an id that is neither a string nor a number"}`,
	}, "\n") // no newline at the end: the last line still counts
	ms, order, bad := linesOf(t, input, LinesOptions{})
	want := []string{
		"2: not a JSON object",
		"3: missing id",
		"5: publishedDateTime \"yesterday\" is not an RFC 3339 time",
		"6: duplicate id \"a1\"",
		"8: missing id",
		"9: id must be a string or a number",
	}
	if len(bad) != len(want) {
		t.Fatalf("bad lines %q, want %d", bad, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(bad[i], w) {
			t.Errorf("bad line %q, want %q", bad[i], w)
		}
	}
	if got := strings.Join(order, ","); got != "a1,7" {
		t.Errorf("clustered %s, want a1,7", got)
	}
	if ms["a1"].Story == "" || ms["a1"].Story != ms["7"].Story {
		t.Errorf("the Sbarro articles are apart: %v", ms)
	}
}

// TestLinesKeepsTheStoryOfArticlesThatLeftTheWindow clusters far more time
// than the window holds, out of order, so early articles leave the window
// (which is swept every thousand or so articles) before the end: they keep
// their story and related articles.
func TestLinesKeepsTheStoryOfArticlesThatLeftTheWindow(t *testing.T) {
	const days = 500
	var lines []string
	for day := days - 1; day >= 0; day-- { // newest first: read again in time order
		at := time.Date(2020, 1, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(day) * 48 * time.Hour)
		for k, what := range []string{"announced", "begins", "extended"} {
			lines = append(lines, fmt.Sprintf(`{"id":"d%d-%d","title":"Harbor bridge %d closure %s","publishedDateTime":%q}`,
				day, k, day, what, at.Add(time.Duration(k)*time.Hour).Format(time.RFC3339)))
		}
	}
	ms, _, bad := linesOf(t, strings.Join(lines, "\n")+"\n", LinesOptions{Window: 24 * time.Hour, Related: 2})
	if len(bad) > 0 {
		t.Fatalf("bad lines %q", bad)
	}
	stories := map[string]bool{}
	for day := range days {
		a, b, c := ms[fmt.Sprintf("d%d-0", day)], ms[fmt.Sprintf("d%d-1", day)], ms[fmt.Sprintf("d%d-2", day)]
		if a.Story == "" || a.Story != b.Story || b.Story != c.Story {
			t.Errorf("day %d: stories %q %q %q, want one", day, a.Story, b.Story, c.Story)
		}
		if len(a.Related) != 2 {
			t.Errorf("day %d: related %q, want the two others", day, a.Related)
		}
		stories[a.Story] = true
	}
	if len(stories) != days {
		t.Errorf("%d stories, want one a day: %d", len(stories), days)
	}
}

// TestLinesReportsALineTooLongAndReadsOn: a line longer than a line may
// be is reported with its number and left out, as other bad lines are;
// the lines after it are read, and read again by their offsets when out
// of time order.
func TestLinesReportsALineTooLongAndReadsOn(t *testing.T) {
	huge := `{"id":"huge","title":"` + strings.Repeat("word ", (maxLine+5)/5) + `"}`
	for _, c := range []struct {
		name  string
		input string
		bad   string
		order string
	}{
		{"in the middle", strings.Join([]string{
			`{"id":"b","title":"Sbarro files for bankruptcy again","publishedDateTime":"2014-03-05T10:00:00Z"}`,
			huge,
			`{"id":"a","title":"Sbarro pizza chain files for bankruptcy","publishedDateTime":"2014-03-04T10:00:00Z"}`,
		}, "\n") + "\n", "2: longer than 16 MiB", "b,a"},
		{"last, without a newline", `{"id":"a","title":"Sbarro files for bankruptcy"}` + "\n" + huge, "2: longer than 16 MiB", "a"},
		{"first, with CRLF", huge + "\r\n" + `{"id":"a","title":"Sbarro files for bankruptcy"}` + "\r\n", "1: longer than 16 MiB", "a"},
	} {
		ms, order, bad := linesOf(t, c.input, LinesOptions{})
		if len(bad) != 1 || !strings.HasPrefix(bad[0], c.bad) {
			t.Errorf("%s: bad lines %q, want %q", c.name, bad, c.bad)
		}
		if got := strings.Join(order, ","); got != c.order {
			t.Errorf("%s: clustered %s, want %s", c.name, got, c.order)
		}
		if c.order == "b,a" && (ms["a"].Story == "" || ms["a"].Story != ms["b"].Story) {
			t.Errorf("%s: the Sbarro articles read again after the long line are apart: %v", c.name, ms)
		}
	}
}

// TestLinesReadsPastAByteOrderMark: a file that opens with UTF-8's byte
// order mark, as editors and shells on Windows write one, has its first
// line read as the others, also when lines are read again by offset.
func TestLinesReadsPastAByteOrderMark(t *testing.T) {
	input := "\xef\xbb\xbf" + strings.Join([]string{
		`{"id":"b","title":"Sbarro files for bankruptcy again","publishedDateTime":"2014-03-05T10:00:00Z"}`,
		`{"id":"a","title":"Sbarro pizza chain files for bankruptcy","publishedDateTime":"2014-03-04T10:00:00Z"}`,
	}, "\r\n") + "\r\n"
	ms, order, bad := linesOf(t, input, LinesOptions{})
	if len(bad) > 0 {
		t.Errorf("bad lines %q", bad)
	}
	if got := strings.Join(order, ","); got != "b,a" {
		t.Errorf("clustered %s, want b,a", got)
	}
	if ms["a"].Story == "" || ms["a"].Story != ms["b"].Story {
		t.Errorf("the Sbarro articles are apart: %v", ms)
	}
}

// TestParseLineSaysWhatIsWrong: a line that is a JSON object with a field
// of the wrong type is named by that field, and one that is not an object
// says what it is, in the input's words rather than the program's.
func TestParseLineSaysWhatIsWrong(t *testing.T) {
	for _, c := range []struct{ line, want string }{
		{`{"id":"x","title":"Rates held","excerpt":5}`, "excerpt must be a string, not a number"},
		{`{"id":"x","title":["Rates","held"]}`, "title must be a string, not an array"},
		{`{"id":"x","title":"Rates held","publishedDateTime":20261120}`, "publishedDateTime must be a string, not a number"},
		{`{"id":"x","title":"Rates held","url":{"href":"https://wire.example/a"}}`, "url must be a string, not an object"},
		{`[{"id":"x"}]`, "not a JSON object: an array"},
		{`"Rates held"`, "not a JSON object: a string"},
		{`null`, "not a JSON object: null"},
		{`{"id":"x", "title": `, "not a JSON object: unexpected end of JSON input"},
	} {
		_, err := parseLine([]byte(c.line))
		if err == nil || err.Error() != c.want {
			t.Errorf("%s: error %v, want %q", c.line, err, c.want)
		}
	}
}
