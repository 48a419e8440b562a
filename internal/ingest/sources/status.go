package sources

import (
	"context"
	"errors"
	"fmt"
	"time"

	"newshub/internal/ingest/scheduler"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Status is a listed source with what ingest knows of it: the view of a
// source that `newshub sources list` and the admin area show.
type Status struct {
	Source model.Source
	State  store.SourceState
	// Known says ingest has a state for the source (it was fetched, or
	// tried).
	Known bool
}

// Statuses returns the listed sources, in file order, each with its
// ingest state.
func Statuses(ctx context.Context, st store.Store, l *List) ([]Status, error) {
	all, err := st.SourceStates(ctx)
	if err != nil {
		return nil, fmt.Errorf("source states: %w", err)
	}
	states := make(map[string]store.SourceState, len(all))
	for _, s := range all {
		states[s.URL] = s
	}
	out := make([]Status, len(l.Sources()))
	for i, src := range l.Sources() {
		s, ok := states[src.URL]
		out[i] = Status{Source: src, State: s, Known: ok}
	}
	return out, nil
}

// NextFetch returns when ingest fetches the source next, and whether it
// does on schedule at all: not when the source is disabled or paused
// after failures. A zero time that is scheduled means at once (a source
// never fetched, or resumed).
func (s Status) NextFetch() (time.Time, bool) {
	if !s.Source.IsEnabled() || s.State.Paused {
		return time.Time{}, false
	}
	return s.State.NextFetch, true
}

// Pause stops fetching a listed source until Resume: the list says
// enabled: false, in the store and the site folder's file.
func Pause(ctx context.Context, st store.Store, siteDir, rawURL string) error {
	return Change(ctx, st, siteDir, func(l *List) error {
		if !l.SetEnabled(rawURL, false) {
			return NotListed(nil, rawURL)
		}
		return nil
	})
}

// Resume makes a source fetched again at once: enabled in the list, and
// its pause after failures, if any, cleared with its error count.
func Resume(ctx context.Context, st store.Store, siteDir, rawURL string) error {
	listed := false
	err := Change(ctx, st, siteDir, func(l *List) error {
		listed = l.Find(rawURL) >= 0
		if !listed {
			return ErrUnchanged
		}
		rawURL = l.Source(rawURL).URL // the state is kept under the listed spelling
		if l.Source(rawURL).IsEnabled() {
			return ErrUnchanged
		}
		l.SetEnabled(rawURL, true)
		return nil
	})
	if err != nil {
		return err
	}
	s, err := st.SourceState(ctx, rawURL)
	switch {
	case errors.Is(err, store.ErrNotFound) && listed:
		return nil // never fetched: due at once
	case errors.Is(err, store.ErrNotFound):
		return NotListed(nil, rawURL)
	case err != nil:
		return fmt.Errorf("source %s: %w", rawURL, err)
	}
	scheduler.Resume(&s)
	return st.PutSourceState(ctx, s)
}

// ForgetFailures clears what failures of an earlier source of the address
// left in its state, as Resume does: a pause, the error count, and the
// backoff's wait. A source removed and added again is then fetched at the
// next round, as a new one is; its state, kept under its address until a
// round forgets it as no longer listed, would keep it paused, or waiting
// out the backoff, with no word of why.
// It returns the error count it cleared, 0 when there were none.
func ForgetFailures(ctx context.Context, st store.Store, rawURL string) (int, error) {
	s, err := st.SourceState(ctx, rawURL)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("source %s: %w", rawURL, err)
	case s.Errors == 0 && !s.Paused:
		return 0, nil
	}
	n := s.Errors
	scheduler.Resume(&s)
	if err := st.PutSourceState(ctx, s); err != nil {
		return 0, fmt.Errorf("source %s: %w", rawURL, err)
	}
	return max(n, 1), nil
}
