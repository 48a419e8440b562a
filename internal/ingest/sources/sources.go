// Package sources manages the feeds a hub reads: the list in
// _data/sources.yaml (kept in the store and in the site folder) and its
// OPML import and export.
package sources

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"

	"newshub/internal/atomicfile"
	"newshub/internal/content"
	"newshub/internal/filelock"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Path is the site path of the sources list.
const Path = "_data/sources.yaml"

// List is the sources list with the record it came from, so saving keeps
// the bytes of the entries that did not change.
type List struct {
	rec *model.Record
	// read is the text the list was read from, which the site folder's
	// file must still hold when the list is written over it.
	read []byte
}

// Sources returns the entries, in file order.
func (l *List) Sources() []model.Source { return l.rec.Sources.Sources }

// Record returns the list as a record, bytes in step with the entries.
func (l *List) Record() *model.Record { return l.rec }

// Load reads the list from the store; when the store has none, from the
// site folder's file (a site edited but not yet imported); else an empty
// list.
func Load(ctx context.Context, st store.Store, siteDir string) (*List, error) {
	rec, err := st.Get(ctx, Path)
	switch {
	case err == nil && rec.Sources != nil:
		return &List{rec: rec, read: rec.Raw}, nil
	case err != nil && !errors.Is(err, store.ErrNotFound):
		return nil, fmt.Errorf("load sources: %w", err)
	}
	if siteDir != "" {
		data, err := os.ReadFile(filepath.Join(siteDir, filepath.FromSlash(Path)))
		switch {
		case err == nil:
			rec, err := content.Parse(Path, data)
			if err != nil {
				return nil, fmt.Errorf("load sources: %w", err)
			}
			return &List{rec: rec, read: data}, nil
		case !errors.Is(err, os.ErrNotExist):
			return nil, fmt.Errorf("load sources: %w", err)
		}
	}
	return &List{rec: &model.Record{Path: Path, Kind: model.KindSources, Sources: &model.Sources{}}}, nil
}

// Save renders the list and, when siteDir is a site folder, writes
// _data/sources.yaml there (replacing it atomically), then stores it. It
// refuses to write over a file that no longer holds what the list was read
// from.
//
// The file is written first: it is the list's source of truth, which every
// start (and serve's watch of the folder) takes into the store. Stopped
// between the two, the hub holds the new list from the next start on, or at
// once in a serve running; stored first, the store held a list that no
// file had, which a serve running read until it stopped and the next start
// took back.
//
// The check and the writes are made under a lock on a file in the site's
// .newshub folder, which every process saving the list takes: two saves
// of one list read never both pass the check. A hub kept in the store
// alone takes the store's lock, and its save is refused when another
// writer stored the list since it was read (store.ErrConflict).
func (l *List) Save(ctx context.Context, st store.Store, siteDir string) error {
	return withLock(ctx, st, siteDir, func(ctx context.Context) error {
		return l.save(ctx, st, siteDir)
	})
}

// ErrUnchanged is returned by a change given to Change that leaves the
// list as it was: nothing is written, and Change returns nil.
var ErrUnchanged = errors.New("the list is unchanged")

// errEdited marks a save refused because the site folder's file no longer
// holds what the list was read from.
var errEdited = errors.New("edited since the list was read")

// attempts is how many times Change reads the list, applies its change
// and saves it while other writers' saves come between its read and its
// own.
const attempts = 5

// Change loads the list, applies change to it and saves it, under the
// lock Save takes, so that changes made at once by several processes all
// land, one after the other, where a list read before another's save
// would be refused as edited. A save that another writer comes before all
// the same (a hand edit of the file, an import into the store) is made
// again over what it wrote: the list read again, change applied again;
// change is to return an error when it no longer applies (the source to
// remove is gone).
func Change(ctx context.Context, st store.Store, siteDir string, change func(*List) error) error {
	for try := 1; ; try++ {
		err := changeOnce(ctx, st, siteDir, change)
		switch {
		case errors.Is(err, ErrUnchanged):
			return nil
		case !errors.Is(err, errEdited) && !errors.Is(err, store.ErrConflict):
			return err
		case try == attempts:
			return fmt.Errorf("save sources: %s was changed by another writer at each of %d tries, the change made again over it each time: nothing saved", listName(siteDir), attempts)
		}
	}
}

// changeOnce is one try of Change: the list read, changed and saved with
// the lock held.
func changeOnce(ctx context.Context, st store.Store, siteDir string, change func(*List) error) error {
	return withLock(ctx, st, siteDir, func(ctx context.Context) error {
		l, err := reload(ctx, st, siteDir)
		if err != nil {
			return err
		}
		if err := change(l); err != nil {
			return err
		}
		return l.save(ctx, st, siteDir)
	})
}

// reload is Load for a change: a site folder's file that no longer holds
// the list the store has (a hand edit not yet taken in, or one made as
// the last try saved) is the list the change is made to, as the file is
// the list's source of truth, where saving over it was refused as an edit.
// A file that does not read is refused by its line.
func reload(ctx context.Context, st store.Store, siteDir string) (*List, error) {
	l, err := Load(ctx, st, siteDir)
	file := siteFile(siteDir)
	if err != nil || file == "" {
		return l, err
	}
	data, err := l.edit(file)
	switch {
	case err != nil:
		return nil, fmt.Errorf("save sources: %w", err)
	case data == nil:
		return l, nil
	}
	rec, err := content.Parse(Path, data)
	if err != nil {
		return nil, fmt.Errorf("save sources: %w", unreadable(file, err))
	}
	return &List{rec: rec, read: data}, nil
}

// withLock runs fn holding the lock on the list: the one on a file in the
// site folder's .newshub folder, or, for a hub kept in the store alone,
// the store's own lock (store.Shared), where there is one.
func withLock(ctx context.Context, st store.Store, siteDir string, fn func(context.Context) error) error {
	if siteFile(siteDir) == "" {
		if sh, ok := st.(store.Shared); ok {
			return sh.Exclusive(ctx, "sources", fn)
		}
	}
	unlock, err := lockList(ctx, siteDir)
	if err != nil {
		return err
	}
	defer unlock()
	return fn(ctx)
}

// siteFile returns the list's file in siteDir when siteDir is a site
// folder (site.IsFolder), else "": a hub kept in the store alone keeps its
// list there, and a command run in a folder of no hub wrote a file there
// that no one read, and that, once another folder's command changed the
// list, refused every later change from this one as an edit.
func siteFile(siteDir string) string {
	if !site.IsFolder(siteDir) {
		return ""
	}
	return filepath.Join(siteDir, filepath.FromSlash(Path))
}

// listName names where the list of siteDir is kept, for messages.
func listName(siteDir string) string {
	if file := siteFile(siteDir); file != "" {
		return file
	}
	return Path + " in the store"
}

// lockList takes the lock on the list of the site folder siteDir; when
// siteDir is no site folder, there is no file to keep in step, and
// nothing is locked.
func lockList(ctx context.Context, siteDir string) (unlock func(), err error) {
	if siteFile(siteDir) == "" {
		return func() {}, nil
	}
	dir := filepath.Join(siteDir, ".newshub")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("save sources: %w", err)
	}
	unlock, err = filelock.Acquire(ctx, filepath.Join(dir, "sources.lock"))
	if err != nil {
		return nil, fmt.Errorf("save sources: %w", err)
	}
	return unlock, nil
}

// save is Save, the lock held. A hub kept in the store alone writes the
// list over the version it read (UpsertIfUnchanged): a writer that does
// not take the lock (an import) is not written over. A site folder's
// store follows its file, the list's source of truth.
func (l *List) save(ctx context.Context, st store.Store, siteDir string) error {
	file := siteFile(siteDir)
	if file != "" {
		if err := l.unchanged(file); err != nil {
			return fmt.Errorf("save sources: %w", err)
		}
	}
	if err := content.Render(l.rec); err != nil {
		return fmt.Errorf("save sources: %w", err)
	}
	if file == "" {
		if err := st.UpsertIfUnchanged(ctx, []*model.Record{l.rec}); err != nil {
			return fmt.Errorf("save sources: %w", err)
		}
		return nil
	}
	if err := atomicfile.Write(file, l.rec.Raw, atomicfile.Perm(file, 0o644)); err != nil {
		return fmt.Errorf("save sources: %w", err)
	}
	if err := st.Upsert(ctx, []*model.Record{l.rec}); err != nil {
		return fmt.Errorf("save sources: written to %s but not stored (the next start takes the file in): %w", file, err)
	}
	return nil
}

// unchanged checks that file holds what the list was read from, or
// nothing. An edit made by hand since, or one that does not read and so
// stayed out of the hub's configuration, would be lost under the list.
func (l *List) unchanged(file string) error {
	data, err := l.edit(file)
	if err != nil || data == nil {
		return err
	}
	if _, err := content.Parse(Path, data); err != nil {
		return unreadable(file, err)
	}
	return fmt.Errorf("%s was %w: run again to take the edit in", file, errEdited)
}

// edit returns what file holds when it is not what the list was read
// from, nil when it is, or nothing (gone, or emptied).
func (l *List) edit(file string) ([]byte, error) {
	data, err := os.ReadFile(file)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil
	case err != nil:
		return nil, err
	case bytes.Equal(data, l.read), len(bytes.TrimSpace(data)) == 0:
		return nil, nil
	}
	return data, nil
}

// unreadable is the error of a site folder's file that does not parse,
// named by its line.
func unreadable(file string, err error) error {
	var pe *content.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d: %s (fix the file, or remove it, and run again: the list is not written over an edit)", file, pe.Line, pe.Msg)
	}
	return fmt.Errorf("%s: %w", file, err)
}

// Find returns the index of the source with the given URL, or -1.
func (l *List) Find(rawURL string) int {
	want := urlKey(rawURL)
	for i, s := range l.rec.Sources.Sources {
		if urlKey(s.URL) == want {
			return i
		}
	}
	return -1
}

// Named returns the listed address that u names (see ListedURL).
func (l *List) Named(u string) (string, error) {
	known := make([]string, len(l.rec.Sources.Sources))
	for i, s := range l.rec.Sources.Sources {
		known[i] = s.URL
	}
	return ListedURL(known, u)
}

// ListedURL returns the address of known that named names: one it names
// as written, or else the one it is the masked form of (model.MaskURL),
// as pages and the command line show addresses, so an address copied
// from them keeps the secret the store holds rather than writing the mask
// over it. An address that names none is returned as it is.
func ListedURL(known []string, named string) (string, error) {
	key := model.SourceKey(named)
	for _, u := range known {
		if model.SourceKey(u) == key {
			return u, nil
		}
	}
	var found []string
	for _, u := range known {
		if m := model.MaskURL(u); m != u && model.SourceKey(m) == key && !slices.Contains(found, u) {
			found = append(found, u)
		}
	}
	switch len(found) {
	case 0:
		return named, nil
	case 1:
		return found[0], nil
	}
	return "", fmt.Errorf("%d sources have the address %s but for their secrets: name one on the command line", len(found), model.MaskURL(named))
}

// urlKey compares feed URLs: scheme and host case-insensitively, a trailing
// slash ignored.
func urlKey(raw string) string { return model.SourceKey(raw) }

// Source returns the listed source with the given URL, or the zero
// Source.
func (l *List) Source(rawURL string) model.Source {
	if i := l.Find(rawURL); i >= 0 {
		return l.rec.Sources.Sources[i]
	}
	return model.Source{}
}

// Add appends a source after checking it; a URL already listed is an
// error.
func (l *List) Add(s model.Source) error {
	if err := Validate(s); err != nil {
		return err
	}
	if l.Find(s.URL) >= 0 {
		return &FieldError{Field: "url", Err: fmt.Errorf("source %s is already listed", s.URL)}
	}
	l.rec.Sources.Sources = append(l.rec.Sources.Sources, s)
	return nil
}

// Remove drops the source with the given URL and reports whether it was
// listed.
func (l *List) Remove(rawURL string) bool {
	i := l.Find(rawURL)
	if i < 0 {
		return false
	}
	ss := l.rec.Sources.Sources
	l.rec.Sources.Sources = append(ss[:i:i], ss[i+1:]...)
	return true
}

// NotListed is the refusal of a change to the source u that the list it
// is made to does not hold. When first, the list a command read before
// making its change, held it, another writer removed it in between, and
// the refusal says so.
func NotListed(first *List, u string) error {
	if first != nil && first.Find(u) >= 0 {
		return fmt.Errorf("source %s is no longer listed: another change removed it since the list was read", model.QuotedURL(u))
	}
	return fmt.Errorf("source %s is not listed", model.QuotedURL(u))
}

// FieldError is a source entry refused for one of its fields, named as
// sources.yaml names it ("url", "interval"): a form marks that field.
type FieldError struct {
	Field string
	Err   error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// Validate checks a source entry: an absolute http(s) URL and a valid
// interval. Its error is a *FieldError.
func Validate(s model.Source) error {
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Masked as in every message: a secret typed with no scheme is
		// no address MaskURLs finds in the text.
		return &FieldError{Field: "url", Err: fmt.Errorf("source %s: want an absolute http or https URL", model.QuotedURL(s.URL))}
	}
	if s.Interval != "" {
		if _, err := model.ParseInterval(s.Interval); err != nil {
			return &FieldError{Field: "interval", Err: fmt.Errorf("source %s: %w", model.QuotedURL(s.URL), err)}
		}
	}
	return nil
}

// SetEnabled turns fetching of the listed source with the given URL on or
// off (enabled: false in the file), and reports whether it is listed.
func (l *List) SetEnabled(rawURL string, on bool) bool {
	i := l.Find(rawURL)
	if i < 0 {
		return false
	}
	s := &l.rec.Sources.Sources[i]
	if on {
		s.Enabled = nil // the default: the file says nothing
	} else {
		off := false
		s.Enabled = &off
	}
	return true
}

// SetDedicated marks the listed source with the given URL dedicated to
// the hub's topic (dedicated: true) or not (the file says nothing), and
// reports whether it is listed.
func (l *List) SetDedicated(rawURL string, on bool) bool {
	i := l.Find(rawURL)
	if i < 0 {
		return false
	}
	l.rec.Sources.Sources[i].Dedicated = on
	return true
}
