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
// are matched by webUrl. An entry changed has the fields that changed
// written in its place, its other lines kept (see editEntry), or is
// written anew after the comments above it; one removed goes with the comments above
// it; one added is written where v has it. It returns nil when it cannot
// tell the file's entries apart, keeps none, or its result would not read
// back as v's list: the list is then written whole.
func editRelated(old []byte, v, prior *model.Article) []byte {
	if prior == nil || len(v.Related) == 0 {
		return nil
	}
	ls, ok := splitList(old, "related:", len(prior.Related))
	if !ok {
		return nil
	}
	lines, starts, from, end := ls.lines, ls.starts, ls.from, ls.end
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
			if text, ok := editEntry(lines[starts[j]:from[j+1]], relatedEntry(prior.Related[j], ls.dash), relatedEntry(r, ls.dash), ls.dash, relatedKeys); ok {
				keptAny = true
				b.WriteString(text)
			} else {
				b.WriteString(relatedEntry(r, ls.dash))
			}
		default:
			b.WriteString(relatedEntry(r, ls.dash))
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

// relatedKeys are the fields of a related entry, as the list's field
// writes them.
var relatedKeys = map[string]bool{"title": true, "excerpt": true, "publishedDateTime": true, "webUrl": true,
	"ampWebUrl": true, "cdnAmpWebUrl": true, "type": true, "provider": true, "quality": true, "images": true}

// relatedText is one related entry as the list's field writes it.
func relatedText(r model.Related) []byte {
	e := &enc{utc: true} // as newsSpec writes times
	e.related([]model.Related{r})
	return e.b
}

// relatedEntry writes one entry as the list's field writes it, its dash
// at column dash.
func relatedEntry(r model.Related, dash int) string {
	return indented(string(bytes.TrimPrefix(relatedText(r), []byte("related:\n"))), dash)
}

// sameRelated reports whether field, a related list's lines, reads as rs.
func sameRelated(field string, rs []model.Related) bool {
	back, ok := readNewsField(field)
	if !ok || len(back.Related) != len(rs) {
		return false
	}
	for i := range rs {
		if !bytes.Equal(relatedText(back.Related[i]), relatedText(rs[i])) {
			return false
		}
	}
	return true
}
