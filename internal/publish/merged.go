package publish

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
)

// StoryMerged answers for the id of a story an editor merged into
// another: the merge, and the story its coverage is in now, so that a
// link to the old id says where it went rather than only "not found". It
// wraps ErrNotFound: the id names no document.
type StoryMerged struct {
	ID    string
	Merge model.Decision
	Now   string // the story its coverage is in now; "" when none is published
}

func (e *StoryMerged) Error() string {
	msg := fmt.Sprintf("story %s was merged into another", e.ID)
	if e.Merge.By != "" {
		msg += " by " + e.Merge.By
	}
	if !e.Merge.At.IsZero() {
		msg += " on " + e.Merge.At.UTC().Format("2006-01-02")
	}
	if e.Now == "" {
		return msg + "; its coverage is not published now"
	}
	return fmt.Sprintf("%s; its coverage is now story %s", msg, e.Now)
}

func (e *StoryMerged) Unwrap() error { return ErrNotFound }

// storyMerged returns a *StoryMerged when the latest editor's merge of
// story id into another is in the hub's log, else ErrNotFound. Its
// coverage is found by the article the merge names in it, else the one it
// names in the story it went into: the story id had when merged is gone
// for good (a merge taken apart again by moving its articles gives them
// new ids), and only the log still knows it.
func (v *View) storyMerged(ctx context.Context, id string) error {
	merges, err := v.mergesOnce(ctx)
	if err != nil {
		return fmt.Errorf("story %s: %w", id, err)
	}
	d, ok := merges[id]
	if !ok {
		return ErrNotFound
	}
	m := &StoryMerged{ID: id, Merge: d}
	for _, key := range []string{d.StoryArticle, d.IntoArticle} {
		if m.Now, err = v.storyOfArticle(ctx, key); err != nil {
			return fmt.Errorf("story %s: %w", id, err)
		}
		if m.Now != "" {
			break
		}
	}
	if m.Now == "" && d.Into != id && v.storyBy[d.Into] != nil {
		m.Now = d.Into
	}
	return m
}

// StoryMerged returns a *StoryMerged when an editor merged the story id,
// which the view does not hold, into another; else ErrNotFound.
func (v *View) StoryMerged(ctx context.Context, id string) error {
	if v.storyBy[id] != nil || !validID(id) {
		return ErrNotFound
	}
	return v.storyMerged(ctx, id)
}

// mergesOnce reads the hub's log once a view, on the first request for a
// story it does not hold: the latest merge of each story id merged away.
func (v *View) mergesOnce(ctx context.Context) (map[string]model.Decision, error) {
	v.merges.Lock()
	defer v.merges.Unlock()
	if v.merges.by != nil {
		return v.merges.by, nil
	}
	by := map[string]model.Decision{}
	r, err := v.rd.Get(ctx, editorial.Path)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("read the decisions: %w", err)
	}
	if err == nil && r.Decisions != nil {
		for _, d := range r.Decisions.Decisions {
			if d.Action == editorial.Merge && d.Story != "" && d.Story != d.Into {
				by[d.Story] = d
			}
		}
	}
	v.merges.by = by
	return by, nil
}

// storyOfArticle returns the published story of the view the article
// with canonical URL key is in, "" when none.
func (v *View) storyOfArticle(ctx context.Context, key string) (string, error) {
	if key == "" {
		return "", nil
	}
	r, err := v.st.ArticleByURL(ctx, key)
	if errors.Is(err, store.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("article %s: %w", key, err)
	}
	if r.Article == nil || v.storyBy[r.Article.Story] == nil {
		return "", nil
	}
	return r.Article.Story, nil
}

// mergeLog is the latest merge of each story id merged away, read from
// the hub's log once a view (see mergesOnce).
type mergeLog struct {
	sync.Mutex
	by map[string]model.Decision
}
