package newsletter

import (
	"context"

	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Write composes the issue of day d and saves its record in the store and,
// when siteDir is a folder, in the site folder, replacing an earlier issue
// of that day. A day without news gives ErrNoNews and writes nothing.
// Sending it is the caller's choice (see Mailer).
func Write(ctx context.Context, st store.Store, s *site.Site, siteDir string, d Date, opt Options) (*Issue, *model.Record, error) {
	is, err := Compose(ctx, st, s, d, opt)
	if err != nil {
		return nil, nil, err
	}
	rec, err := is.Record()
	if err != nil {
		return nil, nil, err
	}
	if err := Save(ctx, st, siteDir, rec); err != nil {
		return nil, nil, err
	}
	return is, rec, nil
}
