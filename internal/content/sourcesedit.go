package content

import (
	"bytes"
	"reflect"
	"strings"

	"newshub/internal/model"
)

// editSources writes the sources list of v over old, the list's field as
// the file holds it (prior's entries), keeping the lines of every entry
// that did not change: an operator's comments, blank lines, flow lists,
// anchors and merge keys, where adding a source through the hub wrote
// the whole list anew. An entry changed has the fields that changed
// written in its place, its other lines kept (see editEntry), or, when
// its lines cannot be told apart, is written anew after the comments
// above it; one removed goes with the comments above
// it; a new one comes after the last, before the comments that end the
// list (entries commented out), which stay, as they do when no entry
// is left. It returns nil when it cannot tell the file's entries apart,
// or its result would not read back as v (an alias left without its
// anchor, say): the list is then written whole.
func editSources(old []byte, v, prior *model.Sources) []byte {
	if prior == nil {
		return nil
	}
	lines := strings.SplitAfter(strings.ReplaceAll(string(old), "\r\n", "\n"), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 {
		return nil
	}
	if !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	if head, ok := emptiedKey(lines[0]); ok {
		lines[0] = head // the list written empty, its comments kept
	}
	if !blockKey(lines[0]) {
		return nil // a flow list, or a key spelled otherwise
	}
	lines, rest := firstDocument(lines)
	starts, ok := entryStarts(lines)
	if !ok || len(starts) != len(prior.Sources) {
		return nil
	}
	// A list of no entries yet ("sources:" over entries commented out)
	// takes them where the field writes them.
	dash, last := 2, 0
	if len(starts) > 0 {
		dash, last = indentOf(lines[starts[0]]), starts[len(starts)-1]
	}
	from := entrySpans(lines, starts, dash, last)
	end := from[len(starts)]
	var b strings.Builder
	b.WriteString(keyLine(lines[0], len(v.Sources) == 0))
	for _, l := range lines[1:from[0]] {
		b.WriteString(l)
	}
	entries := byFeed(prior.Sources)
	for _, s := range v.Sources {
		j := entries.take(s.URL)
		switch {
		case j >= 0 && reflect.DeepEqual(prior.Sources[j], s):
			for _, l := range lines[from[j]:from[j+1]] {
				b.WriteString(l)
			}
		case j >= 0:
			for _, l := range lines[from[j]:starts[j]] {
				b.WriteString(l)
			}
			if text, ok := editEntry(lines[starts[j]:from[j+1]], sourceEntry(prior.Sources[j], dash), sourceEntry(s, dash), dash, sourceKeys); ok {
				b.WriteString(text)
			} else {
				b.WriteString(sourceEntry(s, dash))
			}
		default:
			b.WriteString(sourceEntry(s, dash))
		}
	}
	for _, l := range lines[end:] {
		b.WriteString(l)
	}
	for _, l := range rest {
		b.WriteString(l)
	}
	out := []byte(b.String())
	back, err := Parse("_data/sources.yaml", out)
	if err != nil || back.Sources == nil || !reflect.DeepEqual(back.Sources.Sources, v.Sources) {
		return nil
	}
	return out
}

// sourceKeys are the fields of a source, as the list's field writes them.
var sourceKeys = map[string]bool{"url": true, "provider": true, "topics": true, "interval": true, "enabled": true, "dedicated": true}

// blockKey reports whether line is the list's key with nothing after it
// but a comment, however far off ("sources:    # feeds"). It may begin
// with the file's byte order mark (as Notepad saves), which is kept.
func blockKey(line string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSpace(strings.TrimPrefix(line, "\ufeff")), "sources:")
	if !ok || rest == "" {
		return ok
	}
	return (rest[0] == ' ' || rest[0] == '\t') && strings.TrimLeft(rest, " \t")[0] == '#'
}

// emptiedKey returns the key line of an empty list ("sources: []  #
// none", as keyLine writes a list whose last entry went) as the key of a
// block list ("sources:  # none"), and whether it was one: the entries
// commented out below it are kept when one is added again.
func emptiedKey(line string) (string, bool) {
	k := strings.Index(line, "sources:")
	if k < 0 {
		return line, false
	}
	i := k + len("sources:")
	list := strings.TrimLeft(line[i:], " \t")
	rest, ok := strings.CutPrefix(list, "[")
	if !ok {
		return line, false
	}
	if rest, ok = strings.CutPrefix(strings.TrimLeft(rest, " \t"), "]"); !ok {
		return line, false
	}
	head := line[:i] + rest
	return head, blockKey(head)
}

// firstDocument parts lines at the marker that ends the file's first
// YAML document ("---" or "..."): what follows is read by neither Jekyll
// nor the hub, and stays as written.
func firstDocument(lines []string) (first, rest []string) {
	for i := 1; i < len(lines); i++ {
		if isDelimiter([]byte(strings.TrimSuffix(lines[i], "\n")), true) {
			return lines[:i], lines[i:]
		}
	}
	return lines, nil
}

// keyLine returns the list's key line, saying the list is empty when it
// is ("sources: []", its comment kept): a key over no entries reads as
// no list.
func keyLine(line string, empty bool) string {
	if !empty {
		return line
	}
	i := strings.Index(line, "sources:") + len("sources:")
	return line[:i] + " []" + line[i:]
}

// entryStarts returns the indexes of the lines that begin the list's
// entries (a dash at the list's indentation); ok is false when a line at
// or left of that indentation is neither an entry's, a comment nor blank.
func entryStarts(lines []string) (starts []int, ok bool) {
	dash := -1
	for i := 1; i < len(lines); i++ {
		t := strings.TrimSpace(lines[i])
		if t == "" || t[0] == '#' {
			continue
		}
		ind := indentOf(lines[i])
		if dash < 0 {
			dash = ind
		}
		switch {
		case ind > dash:
		case ind == dash && (t == "-" || strings.HasPrefix(t, "- ")):
			starts = append(starts, i)
		default:
			return nil, false
		}
	}
	return starts, true
}

// aboveEntry reports whether a line goes with the entry below it: blank,
// or a comment no deeper than the entry's dash (a deeper one is the last
// line of the entry above).
func aboveEntry(line string, dash int) bool {
	t := strings.TrimSpace(line)
	return t == "" || t[0] == '#' && indentOf(line) <= dash
}

// feedEntries holds the indexes of a list's entries by feed
// (model.SourceKey), in file order, so that each is found without a
// search: looked up from the start, a list of 100,000 sources took
// seconds.
type feedEntries map[string][]int

// byFeed indexes the entries of list.
func byFeed(list []model.Source) feedEntries {
	e := make(feedEntries, len(list))
	for j, s := range list {
		key := model.SourceKey(s.URL)
		e[key] = append(e[key], j)
	}
	return e
}

// take returns the index of the first entry not yet taken for the same
// feed as url, or -1.
func (e feedEntries) take(url string) int {
	key := model.SourceKey(url)
	js := e[key]
	if len(js) == 0 {
		return -1
	}
	e[key] = js[1:]
	return js[0]
}

// sourceEntry writes one entry as the list's field writes it, its dash
// at column dash.
func sourceEntry(s model.Source, dash int) string {
	e := &enc{}
	putSources(e, &model.Sources{Sources: []model.Source{s}})
	return indented(string(bytes.TrimPrefix(e.b, []byte("sources:\n"))), dash)
}

// indentOf returns the spaces a line begins with.
func indentOf(line string) int {
	return len(line) - len(strings.TrimLeft(line, " "))
}
