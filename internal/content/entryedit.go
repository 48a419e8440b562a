package content

import "strings"

// block is one field of a list entry in lines (LF ended), or, with no
// key, a comment or blank line of the entry's own.
type block struct {
	key   string
	lines []string
}

// entryBlocks splits the lines of a list entry whose dash is at column
// dash into its fields, each with the lines deeper than its key that
// follow it. ok is false for an entry it cannot take apart: one that does
// not open with a field on the dash's line (an anchor alone there), a
// merge key, a line left of the fields.
func entryBlocks(lines []string, dash int) (blocks []block, ok bool) {
	col := dash + 2
	for i, l := range lines {
		if i == 0 {
			if len(l) < col+1 || l[dash:col] != "- " || l[col] == ' ' {
				return nil, false
			}
			l = l[:dash] + "  " + l[col:]
		}
		t := strings.TrimSpace(l)
		ind := indentOf(l)
		switch {
		case t == "" || (t[0] == '#' && (ind <= col || len(blocks) == 0)):
			blocks = append(blocks, block{lines: []string{l}})
		case ind > col && len(blocks) > 0 && blocks[len(blocks)-1].key != "":
			b := &blocks[len(blocks)-1]
			b.lines = append(b.lines, l)
		case ind == col:
			kl := strings.TrimSuffix(l, "\n")
			end := skipScalar([]byte(kl), col)
			if end <= col || end >= len(kl) || kl[end] != ':' {
				return nil, false
			}
			key := strings.Trim(kl[col:end], `"'`)
			if key == "<<" {
				return nil, false
			}
			blocks = append(blocks, block{key: key, lines: []string{l}})
		default:
			return nil, false
		}
	}
	if len(blocks) == 0 || blocks[0].key == "" {
		return nil, false
	}
	return blocks, true
}

// editEntry writes the entry fresh over old, the lines of the entry the
// file holds, whose value prior is, field by field: a field of the
// entry's kind (known) whose value changed is written as fresh has it,
// dropped when fresh lacks it, and a new one follows the field fresh
// has before it; a field whose value stayed, a field of the writer's
// own and the comments stay as they are. prior and fresh are written as
// the list's field writes an entry, their dash at column dash. ok is
// false when old cannot be taken apart (see entryBlocks).
func editEntry(old []string, prior, fresh string, dash int, known map[string]bool) (string, bool) {
	was, ok := entryBlocks(old, dash)
	if !ok {
		return "", false
	}
	before, ok := entryFields(prior, dash)
	if !ok {
		return "", false
	}
	now, ok := entryFields(fresh, dash)
	if !ok {
		return "", false
	}
	byKey := make(map[string]block, len(now))
	for _, b := range now {
		byKey[b.key] = b
	}
	same, wrote := map[string]bool{}, map[string]bool{}
	for _, b := range before {
		nb, ok := byKey[b.key]
		same[b.key] = ok && strings.Join(b.lines, "") == strings.Join(nb.lines, "")
		wrote[b.key] = true
	}
	done := map[string]bool{}
	var out []block
	for _, b := range was {
		if b.key == "" || !known[b.key] {
			out = append(out, b)
			continue
		}
		if done[b.key] {
			continue
		}
		nb, keep := byKey[b.key]
		if !keep {
			if !wrote[b.key] {
				out = append(out, b) // a value written as none (dedicated: false) that stays none
			}
			continue
		}
		done[b.key] = true
		if !same[b.key] {
			if len(b.lines) == 1 && len(nb.lines) == 1 {
				nb.lines = []string{string(keepStyle([]byte(b.lines[0]), []byte(nb.lines[0])))}
			}
			b = nb
		}
		out = append(out, b)
	}
	// A field added follows the field fresh has before it, as the list's
	// field orders them, or the entry's first.
	for i, nb := range now {
		if done[nb.key] {
			continue
		}
		at := min(1, len(out))
	before:
		for k := i - 1; k >= 0; k-- {
			for j := range out {
				if out[j].key == now[k].key {
					at = j + 1
					break before
				}
			}
		}
		out = append(out[:at], append([]block{nb}, out[at:]...)...)
		done[nb.key] = true
	}
	if out[0].key == "" {
		return "", false // the dash needs a field's line
	}
	var sb strings.Builder
	for i, b := range out {
		for k, l := range b.lines {
			if i == 0 && k == 0 {
				l = l[:dash] + "- " + l[dash+2:]
			}
			sb.WriteString(l)
		}
	}
	return sb.String(), true
}

// entryFields splits an entry as the list's field writes it into its fields.
func entryFields(entry string, dash int) ([]block, bool) {
	blocks, ok := entryBlocks(strings.SplitAfter(strings.TrimSuffix(entry, "\n"), "\n"), dash)
	for i := range blocks {
		if l := &blocks[i].lines[len(blocks[i].lines)-1]; !strings.HasSuffix(*l, "\n") {
			*l += "\n"
		}
	}
	return blocks, ok
}
