package content

import (
	"bytes"
	"slices"
	"strings"

	"newshub/internal/model"
)

// listLines is a block list field as a file holds it, in lines (LF ended)
// told apart by entry.
type listLines struct {
	lines  []string
	starts []int // the line of each entry's dash
	// from[k] is the first line that goes with entry k: the comments and
	// blank lines above it; from[len(starts)] is end.
	from []int
	end  int // where the comments that end the list begin
	dash int // the column of the entries' dashes
}

// splitList splits old, a field whose key line is key alone (a comment
// after it aside) over a block list of n entries, into its entries'
// lines. ok is false for any other field: a flow list, a key with an
// anchor or spelled otherwise, a line outside the entries, another count.
func splitList(old []byte, key string, n int) (l listLines, ok bool) {
	lines := strings.SplitAfter(strings.ReplaceAll(string(old), "\r\n", "\n"), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 || !onlyKey(lines[0], key) {
		return l, false
	}
	if !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	starts, ok := entryStarts(lines)
	if !ok || len(starts) == 0 || len(starts) != n {
		return l, false
	}
	dash, last := indentOf(lines[starts[0]]), starts[len(starts)-1]
	from := entrySpans(lines, starts, dash, last)
	return listLines{lines: lines, starts: starts, from: from, end: from[len(starts)], dash: dash}, true
}

// entrySpans returns where each entry's lines begin, from the comments
// and blank lines above it (they run to the next entry's), and, last,
// where the list ends: the comments after the last entry's lines, which
// starts at line last, end the list whatever becomes of that entry.
// Entries' dashes are at column dash.
func entrySpans(lines []string, starts []int, dash, last int) []int {
	from := make([]int, len(starts)+1)
	for k, s := range starts {
		from[k] = s
		for from[k] > 1 && (k == 0 || from[k] > starts[k-1]+1) && aboveEntry(lines[from[k]-1], dash) {
			from[k]--
		}
	}
	end := len(lines)
	for end > last+1 && aboveEntry(lines[end-1], dash) {
		end--
	}
	from[len(starts)] = end
	return from
}

// onlyKey reports whether line is key with nothing after it but a
// comment ("related:   # coverage").
func onlyKey(line, key string) bool {
	rest, ok := strings.CutPrefix(strings.TrimRight(line, " \t\r\n"), key)
	if !ok || rest == "" {
		return ok
	}
	return (rest[0] == ' ' || rest[0] == '\t') && strings.TrimLeft(rest, " \t")[0] == '#'
}

// indented writes text, entries as a field writes them with their dashes
// at column 2, with the dashes at column dash.
func indented(text string, dash int) string {
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		b.WriteString(strings.Repeat(" ", dash))
		b.WriteString(strings.TrimPrefix(l, "  "))
	}
	return b.String()
}

// editDecisions writes the decisions list of v over old, the list's
// field as the file holds it (prior's entries), when v only adds entries
// after prior's: the lines of the entries there stay as they are (a
// field of the desk's own, comments) and the new ones follow the last,
// before the comments that end the list. An edit appends them as text at
// the end of the file; this is for a file where that would not read back
// (another key after the list). It returns nil for any other change, or
// when its result would not read back as v's list.
func editDecisions(old []byte, v, prior *model.Decisions) []byte {
	if prior == nil || len(v.Decisions) <= len(prior.Decisions) {
		return nil
	}
	ls, ok := splitList(old, "decisions:", len(prior.Decisions))
	if !ok {
		return nil
	}
	for i := range prior.Decisions {
		if !bytes.Equal(decisionText(&prior.Decisions[i]), decisionText(&v.Decisions[i])) {
			return nil
		}
	}
	var b strings.Builder
	for _, l := range ls.lines[:ls.end] {
		b.WriteString(l)
	}
	for i := len(prior.Decisions); i < len(v.Decisions); i++ {
		b.WriteString(indented(string(decisionText(&v.Decisions[i])), ls.dash))
	}
	for _, l := range ls.lines[ls.end:] {
		b.WriteString(l)
	}
	out := []byte(b.String())
	back, err := Parse("_data/decisions.yaml", out)
	if err != nil || back.Decisions == nil || len(back.Decisions.Decisions) != len(v.Decisions) {
		return nil
	}
	for i := range v.Decisions {
		if !bytes.Equal(decisionText(&back.Decisions.Decisions[i]), decisionText(&v.Decisions[i])) {
			return nil
		}
	}
	return out
}

// decisionText is one entry of the decisions list as its field writes it.
func decisionText(d *model.Decision) []byte {
	e := &enc{utc: true} // as decisionsSpec writes times
	e.decision(d)
	return e.b
}

// editTopics writes the topics of v over old, the list's field as the
// file holds it (prior's topics), keeping the line of every topic that
// stays and the comments above it, where curation and editors' topic
// decisions wrote the list anew and lost every comment in it. A topic
// removed goes with the comments above it; one added is written where v
// has it. It returns nil when it cannot tell the file's entries apart,
// keeps none, or its result would not read back as v's topics.
func editTopics(old []byte, v, prior *model.Article) []byte {
	if prior == nil || len(v.Topics) == 0 {
		return nil
	}
	ls, ok := splitList(old, "topics:", len(prior.Topics))
	if !ok {
		return nil
	}
	byName := make(map[string][]int, len(prior.Topics))
	for j, t := range prior.Topics {
		byName[t] = append(byName[t], j)
	}
	var b strings.Builder
	keptAny := false
	for _, l := range ls.lines[:ls.from[0]] {
		b.WriteString(l)
	}
	for _, t := range v.Topics {
		if js := byName[t]; len(js) > 0 {
			j := js[0]
			byName[t], keptAny = js[1:], true
			for _, l := range ls.lines[ls.from[j]:ls.from[j+1]] {
				b.WriteString(l)
			}
			continue
		}
		e := &enc{}
		e.list(0, "topics", []string{t}, false, true)
		b.WriteString(indented(strings.TrimPrefix(string(e.b), "topics:\n"), ls.dash))
	}
	for _, l := range ls.lines[ls.end:] {
		b.WriteString(l)
	}
	out := b.String()
	if !keptAny {
		return nil
	}
	back, ok := readNewsField(out)
	if !ok || !slices.Equal(back.Topics, v.Topics) {
		return nil
	}
	return []byte(out)
}

// readNewsField reads field, the lines of one field of a news record, as
// the value of a record holding it and the fields a record needs.
func readNewsField(field string) (*model.Article, bool) {
	const head = "---\ntitle: \"x\"\npublishedDateTime: 2000-01-01T00:00:00Z\nwebUrl: \"x\"\n"
	back, err := Parse("_news/2000-01-01-x.md", []byte(head+field+"---\n"))
	if err != nil {
		return nil, false
	}
	return back.Article, true
}
