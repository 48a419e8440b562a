package content

import (
	"bytes"
	"strings"

	"newshub/internal/model"
)

// editRelated writes the related list of v over old, the list's field as
// the file holds it (prior's entries), keeping the lines of every entry
// that did not change: what newshub does not read in an entry (a field
// of the desk's own, a photo credit) and comments, where curation adding
// coverage to a story wrote the whole list anew and lost them. Entries
// are matched by webUrl. An entry changed is written anew in its place,
// after the comments above it; one removed goes with the comments above
// it; one added is written where v has it. It returns nil when it cannot
// tell the file's entries apart, keeps none, or its result would not read
// back as v's list: the list is then written whole.
func editRelated(old []byte, v, prior *model.Article) []byte {
	if prior == nil || len(v.Related) == 0 {
		return nil
	}
	lines := strings.SplitAfter(strings.ReplaceAll(string(old), "\r\n", "\n"), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	if len(lines) == 0 || !onlyKey(lines[0], "related:") {
		return nil // a flow list, an anchor, a key spelled otherwise
	}
	if !strings.HasSuffix(lines[len(lines)-1], "\n") {
		lines[len(lines)-1] += "\n"
	}
	starts, ok := entryStarts(lines)
	if !ok || len(starts) == 0 || len(starts) != len(prior.Related) {
		return nil
	}
	dash, last := indentOf(lines[starts[0]]), starts[len(starts)-1]
	// Each entry's lines run from the comments and blank lines above it
	// to the next one's; the comments after the last entry end the list.
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

	byURL := make(map[string][]int, len(prior.Related))
	for j, r := range prior.Related {
		byURL[r.WebURL] = append(byURL[r.WebURL], j)
	}
	var b strings.Builder
	keptAny := false
	for _, l := range lines[:from[0]] {
		b.WriteString(l)
	}
	for _, r := range v.Related {
		j := -1
		if js := byURL[r.WebURL]; len(js) > 0 {
			j, byURL[r.WebURL] = js[0], js[1:]
		}
		switch {
		case j >= 0 && bytes.Equal(relatedText(r), relatedText(prior.Related[j])):
			keptAny = true
			for _, l := range lines[from[j]:from[j+1]] {
				b.WriteString(l)
			}
		case j >= 0:
			for _, l := range lines[from[j]:starts[j]] {
				b.WriteString(l)
			}
			b.WriteString(relatedEntry(r, dash))
		default:
			b.WriteString(relatedEntry(r, dash))
		}
	}
	for _, l := range lines[end:] {
		b.WriteString(l)
	}
	out := b.String()
	if !keptAny || !sameRelated(out, v.Related) {
		return nil
	}
	return []byte(out)
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

// relatedText is one related entry as the list's field writes it.
func relatedText(r model.Related) []byte {
	e := &enc{utc: true} // as newsSpec writes times
	e.related([]model.Related{r})
	return e.b
}

// relatedEntry writes one entry as the list's field writes it, its dash
// at column dash.
func relatedEntry(r model.Related, dash int) string {
	text := string(bytes.TrimPrefix(relatedText(r), []byte("related:\n")))
	var b strings.Builder
	for _, l := range strings.SplitAfter(text, "\n") {
		if l == "" {
			continue
		}
		// The field writes an entry's dash at column 2.
		b.WriteString(strings.Repeat(" ", dash))
		b.WriteString(strings.TrimPrefix(l, "  "))
	}
	return b.String()
}

// sameRelated reports whether field, a related list's lines, reads as rs.
func sameRelated(field string, rs []model.Related) bool {
	const head = "---\ntitle: \"x\"\npublishedDateTime: 2000-01-01T00:00:00Z\nwebUrl: \"x\"\n"
	back, err := Parse("_news/2000-01-01-x.md", []byte(head+field+"---\n"))
	if err != nil || len(back.Article.Related) != len(rs) {
		return false
	}
	for i := range rs {
		if !bytes.Equal(relatedText(back.Article.Related[i]), relatedText(rs[i])) {
			return false
		}
	}
	return true
}
