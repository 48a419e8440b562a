package newsletter

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"newshub/internal/atomicfile"
	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// Dir is the site folder of newsletter records.
const Dir = "_newsletters"

func slug(s string) string { return content.Slug(s) }

// Record returns the issue as a record, its bytes rendered: Smartable's
// newsletter front matter followed by the HTML e-mail. The store keeps
// the issue as composed beside it (model.Newsletter.Composed).
func (is *Issue) Record() (*model.Record, error) { return is.record(is, nil) }

// record renders is, the issue as published, keeping composed, the issue
// it was made from by leaving out the articles withdrawn.
func (is *Issue) record(composed *Issue, withdrawn []string) (*model.Record, error) {
	body, err := is.HTML()
	if err != nil {
		return nil, err
	}
	composedJSON, err := json.Marshal(composed)
	if err != nil {
		return nil, fmt.Errorf("newsletter %s: %w", is.Date, err)
	}
	rec := &model.Record{Path: is.Path, Kind: model.KindNewsletter, Newsletter: &model.Newsletter{
		Title:             is.Title,
		Excerpt:           is.Excerpt,
		PublishedDateTime: is.Published,
		WebURL:            is.WebURL,
		Type:              "article",
		Topics:            is.Topics,
		Body:              body,
		Composed:          string(composedJSON),
		Withdrawn:         withdrawn,
	}}
	if err := content.Render(rec); err != nil {
		return nil, fmt.Errorf("newsletter %s: %w", is.Date, err)
	}
	return rec, nil
}

// Save writes the record's file when siteDir is a folder, replacing an
// earlier version atomically, then stores the record. The file goes
// first: a stored issue counts as written, and the scheduler, which
// tries again an issue whose saving failed, would otherwise never write
// the file nor mail the issue. An issue written again (the day's over one
// written while it lasted) keeps the account of its mailing: a reader
// mailed the day's issue is not mailed it again. The record is stored
// only if the issue stored is still the one read (its Version, or the
// one whose mailing it keeps), so that a mailing recording an address
// meanwhile is never undone; it returns a *store.ConflictError when not.
func Save(ctx context.Context, st store.Store, siteDir string, rec *model.Record) error {
	return saveMarked(ctx, st, siteDir, rec, nil)
}

// saveMarked is Save, where mark, when not nil, changes the mailing kept
// before the record is stored.
func saveMarked(ctx context.Context, st store.Store, siteDir string, rec *model.Record, mark func(*model.Mailing)) error {
	keep := rec.Newsletter != nil && rec.Newsletter.Mailing == nil
	for try := 1; ; try++ {
		if keep {
			if err := keepMailing(ctx, st, rec); err != nil {
				return err
			}
			if mark != nil {
				mg := &model.Mailing{}
				if rec.Newsletter.Mailing != nil {
					*mg = *rec.Newsletter.Mailing
				}
				mark(mg)
				rec.Newsletter.Mailing = mg
			}
		}
		err := save(ctx, st, siteDir, rec)
		var conflict *store.ConflictError
		if !keep || !errors.As(err, &conflict) || try == saveTries {
			return err
		}
	}
}

// saveTries bounds how often Save reads the mailing again to keep it,
// another writer having changed the issue meanwhile.
const saveTries = 5

// keepMailing gives rec the account of the mailing of the issue stored
// at its path, if any, and the version it was read at.
func keepMailing(ctx context.Context, st store.Store, rec *model.Record) error {
	old, err := st.Get(ctx, rec.Path)
	switch {
	case errors.Is(err, store.ErrNotFound):
		rec.Newsletter.Mailing, rec.Version = nil, 0
	case err != nil:
		return fmt.Errorf("save %s: %w", rec.Path, err)
	case old.Newsletter != nil:
		rec.Newsletter.Mailing, rec.Version = old.Newsletter.Mailing, old.Version
	default:
		rec.Newsletter.Mailing, rec.Version = nil, old.Version
	}
	return nil
}

// save writes rec's file, then the record if the stored one is still at
// rec's version.
func save(ctx context.Context, st store.Store, siteDir string, rec *model.Record) error {
	if fi, err := os.Stat(siteDir); siteDir != "" && err == nil && fi.IsDir() {
		name := filepath.Join(siteDir, filepath.FromSlash(rec.Path))
		if err := atomicfile.Write(name, rec.Raw, atomicfile.Perm(name, 0o644)); err != nil {
			return fmt.Errorf("save %s: %w", rec.Path, err)
		}
	}
	if err := st.UpsertIfUnchanged(ctx, []*model.Record{rec}); err != nil {
		return fmt.Errorf("save %s: %w", rec.Path, err)
	}
	return nil
}

// Issues returns every newsletter record of the store, newest first (by
// publishedDateTime, then by path): the list the API, the website's
// newsletter page and the feed of issues show.
func Issues(ctx context.Context, st store.Store) ([]*model.Record, error) {
	var recs []*model.Record
	err := st.Scan(ctx, []model.Kind{model.KindNewsletter}, func(r *model.Record) error {
		if r.Newsletter != nil {
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("newsletters: %w", err)
	}
	slices.SortStableFunc(recs, func(a, b *model.Record) int {
		if c := b.Newsletter.PublishedDateTime.Compare(a.Newsletter.PublishedDateTime); c != 0 {
			return c
		}
		return cmp.Compare(b.Path, a.Path)
	})
	return recs, nil
}

// Latest returns the newest day an issue in the store was written for
// (the date in its file name), or the zero Date when there is none.
func Latest(ctx context.Context, st store.Store) (Date, error) {
	var last Date
	err := st.ScanRaw(ctx, []model.Kind{model.KindNewsletter}, func(p string, _ model.Kind, _ []byte) error {
		if d, ok := DateOfPath(p); ok && last.Before(d) {
			last = d
		}
		return nil
	})
	if err != nil {
		return Date{}, fmt.Errorf("newsletters: %w", err)
	}
	return last, nil
}

// written reports whether the store holds an issue of day d, or of the
// day after, whatever the site's name was when it was written, dated once
// its day was over in loc. One written while the day lasted (newsletter
// --date of that day, a preview, perhaps not mailed) holds part of its
// news only, and the day's issue is still to be written.
//
// The next day's issue stands for d's: d falls due after it was written
// when the clock was set back past newsletter_time (NTP stepping a clock
// that ran ahead), or newsletter_time moved later, and d's issue would be
// a second message of the day, of older news. An issue of a day further
// on was written on a clock that ran ahead for days, and stands for no
// other: kept to, it would keep the issues of the days until it from being
// written.
func written(ctx context.Context, st store.Store, d Date, loc *time.Location) (bool, error) {
	found := false
	err := st.Scan(ctx, []model.Kind{model.KindNewsletter}, func(r *model.Record) error {
		day, ok := DateOfPath(r.Path)
		if ok && (day == d || day == d.AddDays(1)) && r.Newsletter != nil &&
			!r.Newsletter.PublishedDateTime.Before(day.AddDays(1).Start(loc)) {
			found = true
		}
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("newsletters: %w", err)
	}
	return found, nil
}

// DateOfPath reads the day of an issue from its record path
// ("_newsletters/<slug>-YYYY-MM-DD.html").
func DateOfPath(p string) (Date, bool) {
	name := strings.TrimSuffix(p[strings.LastIndexByte(p, '/')+1:], ".html")
	if len(name) < len("2006-01-02") {
		return Date{}, false
	}
	d, err := ParseDate(name[len(name)-len("2006-01-02"):])
	return d, err == nil
}

// Slug returns the part of an issue's record path that names it in URLs
// ("<site-slug>-YYYY-MM-DD"): the website page is newsletters/<slug>/ and
// the API document api/newsletters/<slug>/index.json.
func Slug(recPath string) string {
	return strings.TrimSuffix(recPath[strings.LastIndexByte(recPath, '/')+1:], ".html")
}
