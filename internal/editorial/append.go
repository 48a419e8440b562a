package editorial

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"newshub/internal/atomicfile"
	"newshub/internal/content"
	"newshub/internal/filelock"
	"newshub/internal/model"
	"newshub/internal/store"
)

// header opens a decisions file newshub creates.
const header = `# Editorial decisions, in the order they were taken. newshub applies them
# on every curation; a later decision on the same thing overrides an earlier
# one. Written by "newshub edit" and the admin area; see the README.
`

// Append adds decisions to the end of the hub's log: in the site folder's
// file (created when missing, from the store's copy when the store holds
// one) and in the store's copy. Each is validated first; none is written
// when one is invalid.
//
// Writers take a lock on a file in the site's .newshub folder for the
// whole read-append-write, so two edits at once both land, one after the
// other; the file is replaced atomically, so a reader sees it before or
// after an edit, never half written. The log is returned as written.
func Append(ctx context.Context, st store.Store, siteDir string, ds ...model.Decision) (*Log, error) {
	for _, d := range ds {
		if err := Validate(d); err != nil {
			return nil, err
		}
	}
	if fi, err := os.Stat(siteDir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("decisions: the site folder %q is not a folder", siteDir)
	}
	lockDir := filepath.Join(siteDir, ".newshub")
	if err := os.MkdirAll(lockDir, 0o755); err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	unlock, err := filelock.Acquire(ctx, filepath.Join(lockDir, "decisions.lock"))
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	defer unlock()

	old, err := Load(ctx, st, siteDir)
	if err != nil {
		return nil, err
	}
	raw, err := appended(old.Raw, ds)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	if err := atomicfile.Write(File(siteDir), raw, atomicfile.Perm(File(siteDir), 0o644)); err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	rec, err := content.Parse(Path, raw)
	if err != nil {
		return nil, fmt.Errorf("decisions: %w", err)
	}
	if st != nil {
		if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
			return nil, fmt.Errorf("decisions: store: %w", err)
		}
	}
	return fromRecord(File(siteDir), rec), nil
}

// appended returns the file old with ds added at the end of its list. The
// entries are appended as text, so every byte of the file before them
// stays as it was (a diff shows only the new lines); a file where that
// would not read back as the old list and the new entries (a list written
// in flow style, another key after it) is rendered again instead.
func appended(old []byte, ds []model.Decision) ([]byte, error) {
	var before []model.Decision
	if len(bytes.TrimSpace(old)) > 0 {
		rec, err := content.Parse(Path, old)
		if err != nil {
			return nil, err
		}
		before = rec.Decisions.Decisions
	}
	want := append(append([]model.Decision(nil), before...), ds...)
	var b []byte
	switch {
	case len(before) == 0 && len(bytes.TrimSpace(old)) == 0:
		b = append([]byte(header), "decisions:\n"...)
	case len(before) == 0:
		b = nil // "decisions: []" or no list: rendered below
	default:
		b = append(b, old...)
		if b[len(b)-1] != '\n' {
			b = append(b, '\n')
		}
	}
	if b != nil {
		var err error
		for _, d := range ds {
			if b, err = content.AppendDecision(b, d); err != nil {
				return nil, err
			}
		}
		if same(b, want) {
			return b, nil
		}
	}
	rec := &model.Record{Path: Path, Kind: model.KindDecisions, Raw: old, Decisions: &model.Decisions{Decisions: want}}
	if len(bytes.TrimSpace(old)) == 0 {
		rec.Raw = nil
	}
	if err := content.Render(rec); err != nil {
		return nil, err
	}
	if !same(rec.Raw, want) {
		return nil, errors.New("the decisions file does not read back as written")
	}
	return rec.Raw, nil
}

// same reports whether data reads as the decisions want.
func same(data []byte, want []model.Decision) bool {
	rec, err := content.Parse(Path, data)
	if err != nil || rec.Decisions == nil || len(rec.Decisions.Decisions) != len(want) {
		return false
	}
	for i, d := range rec.Decisions.Decisions {
		w := want[i]
		d.Line, w.Line = 0, 0
		if !d.At.Equal(w.At) || !d.Until.Equal(w.Until) {
			return false
		}
		d.At, d.Until = w.At, w.Until
		if d != w {
			return false
		}
	}
	return true
}
