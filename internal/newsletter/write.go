package newsletter

import (
	"context"
	"errors"
	"fmt"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Write composes the issue of day d and saves its record in the store and,
// when siteDir is a folder, in the site folder, replacing an earlier issue
// of that day. The earlier issue's address stays the day's, even when the
// site was renamed since (its name begins the address): links mailed or
// read in feeds go on to the day's issue, and no day has two. A day
// without news gives ErrNoNews and writes nothing. Sending it is the
// caller's choice (see Mailer).
func Write(ctx context.Context, st store.Store, s *site.Site, siteDir string, d Date, opt Options) (*Issue, *model.Record, error) {
	return write(ctx, st, s, siteDir, d, opt, nil)
}

// write is Write, where mark, when not nil, gives the mailing the issue is
// stored with (that of the issue it replaces, if any) what the issue's
// own mailing is to record, in the same write.
func write(ctx context.Context, st store.Store, s *site.Site, siteDir string, d Date, opt Options, mark func(*Issue) (func(*model.Mailing), error)) (*Issue, *model.Record, error) {
	is, err := Compose(ctx, st, s, d, opt)
	if err != nil {
		return nil, nil, err
	}
	p, err := dayPath(ctx, st, is)
	if err != nil {
		return nil, nil, err
	}
	if p != is.Path {
		is.Path, is.WebURL = p, issueURL(s.Config, Slug(p))
	}
	rec, err := is.Record()
	if err != nil {
		return nil, nil, err
	}
	var fn func(*model.Mailing)
	if mark != nil {
		if fn, err = mark(is); err != nil {
			return nil, nil, err
		}
	}
	if err := saveMarked(ctx, st, siteDir, rec, fn); err != nil {
		return nil, nil, err
	}
	return is, rec, nil
}

// dayPath returns the path of the issue of is's day that newshub composed
// and stored before, under whatever name the site had then; is's own path
// when there is none (an imported issue of the day is left as it is).
func dayPath(ctx context.Context, st store.Store, is *Issue) (string, error) {
	if _, err := st.Get(ctx, is.Path); err == nil {
		return is.Path, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", fmt.Errorf("newsletter %s: %w", is.Path, err)
	}
	path := is.Path
	err := st.Scan(ctx, []model.Kind{model.KindNewsletter}, func(r *model.Record) error {
		if d, ok := DateOfPath(r.Path); ok && d == is.Date && r.Newsletter != nil && r.Newsletter.Composed != "" && (path == is.Path || r.Path < path) {
			path = r.Path
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("newsletters: %w", err)
	}
	return path, nil
}
