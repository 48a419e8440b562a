package editorial

import (
	"context"
	"fmt"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Editor takes a hub's decisions one at a time, as the admin area does:
// each is appended to the site folder's log (Append) and then applied to
// the stored stories it touches. Curation applies decisions (package
// curate imports this one), so the applying is given to NewEditor rather
// than called from here.
type Editor struct {
	st      store.Store
	siteDir string
	apply   func(context.Context, []model.Decision) error
	// logs keeps the log last read: every page of the admin area reads it.
	logs Cache
}

// NewEditor returns an editor of the hub in st whose site folder is
// siteDir; apply brings the stored stories in step with the decisions it
// is given (curate's Curator.Apply).
func NewEditor(st store.Store, siteDir string, apply func(context.Context, []model.Decision) error) *Editor {
	return &Editor{st: st, siteDir: siteDir, apply: apply}
}

// Apply takes a decision: an invalid one is refused and nothing kept; a
// valid one is appended to the log, then applied. When applying fails the
// decision stays in the log, which the next curation applies; the error
// says so.
func (e *Editor) Apply(ctx context.Context, d model.Decision) error {
	log, err := Append(ctx, e.st, e.siteDir, d)
	if err != nil {
		return err
	}
	if err := e.apply(ctx, []model.Decision{d}); err != nil {
		return fmt.Errorf("recorded as decision %d, but not applied yet (the next curation applies it): %w", log.Len(), err)
	}
	return nil
}

// Decisions returns the valid decisions of the log, oldest first.
func (e *Editor) Decisions(ctx context.Context) ([]model.Decision, error) {
	log, err := e.logs.Load(ctx, e.st, e.siteDir)
	if err != nil {
		return nil, err
	}
	return log.Decisions, nil
}

// Log returns the log as read: its decisions with their lines, and what
// is wrong with each one left out as invalid.
func (e *Editor) Log(ctx context.Context) (*Log, error) {
	return e.logs.Load(ctx, e.st, e.siteDir)
}
