package newsletter

import (
	"context"
	"crypto/sha256"
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
		w, err := readWithheld(ctx, st)
		if err != nil {
			return err
		}
		written, err = refreshAll(ctx, st, siteDir, w)
		return err
	})
	return written, err
}

// refreshAll writes again the issues whose articles changed state, given
// the withheld news as read, and returns their paths.
func refreshAll(ctx context.Context, st store.Store, siteDir string, w *withheldNews) ([]string, error) {
	recs, err := Issues(ctx, st)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, r := range recs {
		ok, err := refresh(ctx, st, siteDir, r, w)
		if err != nil {
			return nil, err
		}
		if ok {
			written = append(written, r.Path)
		}
	}
	return written, nil
}

// withheldNews is what the store holds of the withheld news, read in one
// scan of an index: an issue's article none of whose keys is here may be
// published (or is gone), and only the others are looked up.
type withheldNews struct {
	keys   map[string]bool // canonical URLs and GUIDs
	digest [sha256.Size]byte
	known  map[string]bool // by article key, as looked up
}

// readWithheld reads the keys of the withheld news, and a digest of them
// that changes when one is withheld, shown again or purged.
func readWithheld(ctx context.Context, st store.Store) (*withheldNews, error) {
	w := &withheldNews{keys: map[string]bool{}, known: map[string]bool{}}
	h := sha256.New()
	err := st.ScanNews(ctx, store.NewsQuery{Withheld: true, Order: store.ByStorage}, func(e store.NewsEntry) error {
		for _, k := range []string{e.CanonicalURL, e.GUID} {
			if k != "" {
				w.keys[k] = true
			}
		}
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", e.Path, e.CanonicalURL, e.GUID)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("newsletter: the withheld news: %w", err)
	}
	h.Sum(w.digest[:0])
	return w, nil
}

// withheld reports whether the article the store finds by key may not be
// published.
func (w *withheldNews) withheld(ctx context.Context, st store.Store, key string) (bool, error) {
	if !w.keys[key] {
		return false, nil
	}
	if v, ok := w.known[key]; ok {
		return v, nil
	}
	// Another record by the key may come first: ask as the issue was
	// composed, by ArticleByURL.
	a, err := st.ArticleByURL(ctx, key)
	v := false
	switch {
	case errors.Is(err, store.ErrNotFound):
		// Gone (purged) since read: nothing is withheld.
	case err != nil:
		return false, err
	default:
		v = a.Article != nil && !a.Article.Publishable()
	}
	w.known[key] = v
	return v, nil
}

// refresh writes the issue r again when the articles it leaves out are no
// longer those withheld, and reports whether it did. A mailing that
// recorded an address since r was read has it read again, and the issue
// written from what it now holds.
func refresh(ctx context.Context, st store.Store, siteDir string, r *model.Record, w *withheldNews) (bool, error) {
	for try := 1; ; try++ {
		ok, err := refreshOnce(ctx, st, siteDir, r, w)
		var conflict *store.ConflictError
		if !errors.As(err, &conflict) || try == saveTries {
			return ok, err
		}
		path := r.Path
		if r, err = st.Get(ctx, path); err != nil {
			return false, fmt.Errorf("newsletter %s: %w", path, err)
		}
	}
}

// refreshOnce is refresh of the issue as r holds it.
func refreshOnce(ctx context.Context, st store.Store, siteDir string, r *model.Record, w *withheldNews) (bool, error) {
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
		v, err := w.withheld(ctx, st, k)
		if err != nil {
			return false, fmt.Errorf("newsletter %s: %w", r.Path, err)
		}
		if v {
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
		rec.Newsletter.Mailing, rec.Version = mg, r.Version
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
