package newsletter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"newshub/internal/model"
	"newshub/internal/store"
)

// Refresh writes again each issue newshub composed whose articles changed
// state since it was last written: without the stories and related
// articles withheld from publication since (off topic, hidden, from a
// blocked publisher or feed), and with those that may be published again
// (shown, unblocked). The issue stays one record that every page,
// document, feed and build renders, so none of them shows a withheld
// article's title. The copies mailed cannot be recalled; those still to
// be mailed (the server put them off) go out as the issue now is. An issue keeps
// its date, its time and the account of its mailing; an issue newshub
// did not compose (imported) is left as it is. It returns the paths of the
// issues written.
func Refresh(ctx context.Context, st store.Store, siteDir string) ([]string, error) {
	var written []string
	err := exclusive(ctx, st, func(ctx context.Context) error {
		recs, err := Issues(ctx, st)
		if err != nil {
			return err
		}
		withheld := map[string]bool{} // by article key, looked up once
		for _, r := range recs {
			ok, err := refresh(ctx, st, siteDir, r, withheld)
			if err != nil {
				return err
			}
			if ok {
				written = append(written, r.Path)
			}
		}
		return nil
	})
	return written, err
}

// refresh writes the issue r again when the articles it leaves out are no
// longer those withheld, and reports whether it did.
func refresh(ctx context.Context, st store.Store, siteDir string, r *model.Record, withheld map[string]bool) (bool, error) {
	n := r.Newsletter
	if len(n.Composed) == 0 {
		return false, nil
	}
	var is Issue
	if err := json.Unmarshal([]byte(n.Composed), &is); err != nil {
		return false, fmt.Errorf("newsletter %s: the issue as composed: %w", r.Path, err)
	}
	var out []string
	for _, k := range is.keys() {
		w, seen := withheld[k]
		if !seen {
			a, err := st.ArticleByURL(ctx, k)
			switch {
			case errors.Is(err, store.ErrNotFound):
				// Gone (purged): nothing is withheld.
			case err != nil:
				return false, fmt.Errorf("newsletter %s: %w", r.Path, err)
			default:
				w = a.Article != nil && !a.Article.Publishable()
			}
			withheld[k] = w
		}
		if w {
			out = append(out, k)
		}
	}
	if slices.Equal(out, n.Withdrawn) {
		return false, nil
	}
	shown := is.without(out)
	rec, err := shown.record(&is, out)
	if err != nil {
		return false, err
	}
	// The addresses still to be mailed get the issue as it is now.
	if mg := n.Mailing; mg != nil && len(mg.Pending) > 0 {
		l, err := shown.letter()
		if err != nil {
			return false, err
		}
		mg.Subject, mg.Text = l.subject, l.text
		rec.Newsletter.Mailing = mg
	}
	if err := Save(ctx, st, siteDir, rec); err != nil {
		return false, err
	}
	return true, nil
}

// keys returns the keys of the articles the issue names, sorted, once
// each.
func (is *Issue) keys() []string {
	var ks []string
	for _, sec := range is.Sections {
		for _, st := range sec.Stories {
			ks = append(ks, st.Key)
			for _, l := range st.Related {
				ks = append(ks, l.Key)
			}
		}
	}
	ks = slices.DeleteFunc(ks, func(k string) bool { return k == "" })
	slices.Sort(ks)
	return slices.Compact(ks)
}

// without returns a copy of the issue without the stories led by, and the
// related links to, the articles whose keys are given: a story left out
// is no longer a story of the day, and the excerpt and counts are those
// of the stories kept.
func (is *Issue) without(keys []string) *Issue {
	c := *is
	c.Sections = nil
	dropped := 0
	for _, sec := range is.Sections {
		var stories []*Story
		for _, st := range sec.Stories {
			if slices.Contains(keys, st.Key) {
				dropped++
				continue
			}
			kept := *st
			kept.Related = slices.DeleteFunc(slices.Clone(st.Related), func(l Link) bool { return slices.Contains(keys, l.Key) })
			stories = append(stories, &kept)
		}
		if len(stories) > 0 {
			c.Sections = append(c.Sections, Section{Topic: sec.Topic, Stories: stories})
		}
	}
	c.DayStories -= dropped
	c.summarize()
	return &c
}

// exclusive runs fn while no other process of a shared store writes or
// mails an issue.
func exclusive(ctx context.Context, st store.Store, fn func(context.Context) error) error {
	if sh, ok := st.(store.Shared); ok {
		return sh.Exclusive(ctx, "newsletter", fn)
	}
	return fn(ctx)
}
