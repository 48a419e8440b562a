package importer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
)

// siteKinds are the kinds of record the site folder is the source of truth
// for: the configuration, taxonomy and publishers (site.Kinds) and the
// sources list.
var siteKinds = append(slices.Clone(site.Kinds), model.KindSources)

// siteDirs are the folders of the site that hold them, beside _config.yml
// and _data/sources.yaml.
var siteDirs = []string{"_data/topics", "_data/organizations"}

// SiteSync is what SyncSite did.
type SiteSync struct {
	// Site is the configuration in force: the folder's files, and the
	// stored record of any file that does not parse.
	Site *site.Site
	// Records are the records it was made from, with the sources list.
	Records []*model.Record
	// FromStore says the folder holds no _config.yml, so is no site: the
	// configuration is the store's.
	FromStore bool
	Stored    []string // site paths of the files stored: new or changed
	Deleted   []string // site paths of the records deleted: their files are gone
	// Held are the site paths of files gone whose records SyncSiteHolding
	// kept in force, neither deleted nor left out.
	Held []string
	// Unsettled are the site paths of files that look cut short, a save
	// under way, whose records stay in force (see unsettled); among
	// Rejected too. They are worth reading again in a moment.
	Unsettled []string
	Rejected  []*FileError // files that do not parse, or give again a record another file gives
	// Warned are what the files taken hold that looks like a mistake
	// but is not refused (content.ParseWarn): a _config.yml key newshub
	// does not read that looks like a slip of one it does.
	Warned []*FileError
	// instead says, for each file of Rejected, what the configuration in
	// force holds in its place.
	instead []standIn
	// Ignored are the files of the configuration folders that hold no
	// configuration (a publisher must be a .md file, a topic a .yaml
	// file), by site path: import keeps them as opaque records.
	Ignored []string
}

// standIn is what the configuration in force holds in place of a rejected
// file: the record the store held for the file (kept), else the record of
// the file that gives the same topic or publisher (owner, its site path),
// else nothing.
type standIn struct {
	kept  bool
	owner string
}

// SyncSite brings the configuration records of st (site settings, topics,
// publishers, sources list) in step with the files of the site folder dir,
// which are their source of truth: files new or changed since they were
// stored are stored, records whose files are gone are deleted. A file that
// does not parse is reported (path:line: reason) and what the store holds
// for it stays in force, so a bad edit never takes the hub's configuration
// away. A file that gives again a topic or publisher an earlier file
// (in path order) gives is reported the same way; the earlier file's
// record is the one in force. A dir without _config.yml is not a site: the
// store's configuration is used as it is.
func SyncSite(ctx context.Context, st store.Store, dir string) (SiteSync, error) {
	return syncSite(ctx, st, dir, nil)
}

// SyncSiteHolding is SyncSite, except that the record of a file gone stays
// in force, neither deleted nor left out, and is named in Held: an editor
// that saves by moving the old file away before it writes the new one, or
// a checkout that removes a file before it writes it again, leaves the
// folder without it for a moment. A SyncSiteHolding a moment later, given
// the paths held then as expired, deletes those still gone, and holds only
// the files gone since.
func SyncSiteHolding(ctx context.Context, st store.Store, dir string, expired ...string) (SiteSync, error) {
	return syncSite(ctx, st, dir, func(p string) bool { return !slices.Contains(expired, p) })
}

// syncSite is SyncSite; hold, when set, says which records of files gone
// stay in force (see SyncSiteHolding).
func syncSite(ctx context.Context, st store.Store, dir string, hold func(path string) bool) (SiteSync, error) {
	var res SiteSync
	stored := map[string]*model.Record{}
	err := st.Scan(ctx, siteKinds, func(r *model.Record) error {
		stored[r.Path] = r
		return nil
	})
	if err != nil {
		return res, fmt.Errorf("site: %w", err)
	}
	if !site.IsFolder(dir) {
		res.FromStore = true
		for _, p := range slices.Sorted(maps.Keys(stored)) {
			res.Records = append(res.Records, stored[p])
		}
		res.Site, err = loadSite(ctx, res.Records)
		return res, err
	}
	imp := &importer{st: st, src: dir, opts: Options{MaxSize: DefaultMaxSize}, owners: map[string]string{},
		res: Result{Kinds: map[model.Kind]int{}, Collections: map[string]Collection{}}}
	files, ignored, err := siteFiles(dir)
	if err != nil {
		return res, fmt.Errorf("site: %w", err)
	}
	// A file's mode changed alone (a _config.yml made private) is
	// recorded too, as import records it. Only the site files' are read:
	// import records one for every file, news and all.
	rels := make([]string, len(files))
	for i, f := range files {
		rels[i] = f.rel
	}
	if imp.modes, err = st.Modes(ctx, rels...); err != nil {
		return res, fmt.Errorf("site: %w", err)
	}
	res.Ignored = ignored
	var changed []*model.Record
	var taken []parsed // the files in force as read
	onDisk := map[string]bool{}
	var ps content.Parser
	for _, f := range files {
		onDisk[f.rel] = true
		p := imp.parseFile(&ps, f)
		if p.keep != "" {
			// Import keeps such a file as it is; as configuration it is
			// a bad edit, and what the store holds stays in force.
			p.line, p.err = 1, errors.New(p.keep)
		}
		if p.err == nil && emptied(p.rec, stored[f.rel]) {
			p.line, p.err = 1, errEmptied
		}
		if p.err == nil {
			if msg := unsettled(p, stored[f.rel], time.Now()); msg != "" {
				p.line, p.err = bytes.Count(p.rec.Raw, []byte{'\n'})+1, errors.New(msg)
				res.Unsettled = append(res.Unsettled, f.rel)
			}
		}
		var in standIn
		if p.err == nil {
			if msg, line, owner := imp.claim(p); msg != "" {
				p.line, p.err, in.owner = line, errors.New(msg), owner
			}
		}
		if p.err != nil {
			res.Rejected = append(res.Rejected, &FileError{Path: f.abs, Line: max(p.line, 1), Err: p.err})
			// The store's record of the file stays in force, unless
			// another file gives what it gives (a topic's _id or name, a
			// publisher's domain): it would be a second record of it.
			if old := stored[f.rel]; old != nil {
				if msg, _, _ := imp.claim(parsed{ref: f, rec: old}); msg == "" {
					res.Records = append(res.Records, old)
					in.kept = true
				}
			}
			res.instead = append(res.instead, in)
			continue
		}
		for _, w := range p.warns {
			res.Warned = append(res.Warned, &FileError{Path: f.abs, Line: max(w.Line, 1), Err: errors.New(w.Msg)})
		}
		res.Records = append(res.Records, p.rec)
		taken = append(taken, p)
		if old := stored[f.rel]; old == nil || !bytes.Equal(old.Raw, p.rec.Raw) {
			changed = append(changed, p.rec)
			res.Stored = append(res.Stored, f.rel)
		}
	}
	for _, p := range slices.Sorted(maps.Keys(stored)) {
		if onDisk[p] {
			continue
		}
		// Held unless another file now gives what it gives (a topic's
		// file renamed): it would be a second record of it.
		if hold != nil && hold(p) {
			if msg, _, _ := imp.claim(parsed{ref: fileRef{rel: p}, rec: stored[p]}); msg == "" {
				res.Held = append(res.Held, p)
				res.Records = append(res.Records, stored[p])
				continue
			}
		}
		res.Deleted = append(res.Deleted, p)
	}
	if err := st.Upsert(ctx, changed); err != nil {
		return res, fmt.Errorf("site: store %d changed files: %w", len(changed), err)
	}
	if err := imp.setModes(ctx, taken); err != nil {
		return res, err
	}
	if err := st.Delete(ctx, res.Deleted...); err != nil {
		return res, fmt.Errorf("site: delete the records of %d files gone: %w", len(res.Deleted), err)
	}
	res.Site, err = loadSite(ctx, res.Records)
	return res, err
}

// Unsettled is how long a configuration file that looks cut short is
// left out of force after it was last written (see unsettled).
const Unsettled = 5 * time.Second

// unsettled says why a configuration file that parses is taken for a save
// under way, "" when it is not: it ends mid-line, holding fewer entries
// (content.Entries) than the record in force, old, and was written less
// than Unsettled before now. An editor or scp writing a file in parts
// leaves it so for a moment, and cut in a line's value it reads as a
// configuration without what follows (a truncated url, no timezone).
// Left so that long it is an edit, and taken.
func unsettled(p parsed, old *model.Record, now time.Time) string {
	raw := p.rec.Raw
	if old == nil || len(raw) == 0 || raw[len(raw)-1] == '\n' {
		return ""
	}
	n, was := content.Entries(p.rec.Path, raw), content.Entries(old.Path, old.Raw)
	if n >= was {
		return ""
	}
	fi, err := os.Stat(p.ref.abs)
	if err != nil || now.Sub(fi.ModTime()) >= Unsettled {
		return ""
	}
	return fmt.Sprintf("ends mid-line, with %d entries where the file in force has %d: a save under way, or cut short; taken if left so for %s", n, was, Unsettled)
}

// errEmptied is why an emptied configuration file is not taken.
var errEmptied = errors.New("empty file: a save under way, or emptied by mistake (sources: [] empties the sources list)")

// emptied says whether a file the store holds a configuration for is now
// empty. A file saved in place is truncated before it is written again,
// and read between the two its configuration would be the defaults:
// private networks refused, no sources, no title. A topic or publisher
// file does not parse empty; _config.yml and the sources list do.
func emptied(rec, old *model.Record) bool {
	return old != nil && len(bytes.TrimSpace(old.Raw)) > 0 && len(bytes.TrimSpace(rec.Raw)) == 0
}

// Log logs what the sync did: each file it did not take as path:line:
// reason, with what the configuration in force holds in its place; and the
// files stored and deleted.
func (s SiteSync) Log(log *slog.Logger) {
	for i, e := range s.Rejected {
		var in standIn
		if i < len(s.instead) {
			in = s.instead[i]
		}
		switch {
		case in.kept:
			log.Warn(e.Error() + " (not taken: the configuration in force keeps what the store held for this file)")
		case in.owner != "":
			log.Warn(e.Error() + " (not taken: the configuration in force has what " + in.owner + " gives)")
		default:
			log.Warn(e.Error() + " (not taken: the configuration in force goes without this file)")
		}
	}
	for _, e := range s.Warned {
		log.Warn(e.Error() + " (newshub reads the file without it)")
	}
	for _, p := range s.Ignored {
		log.Warn(p + ": not a configuration file of its folder, left out of the configuration")
	}
	if len(s.Stored) > 0 || len(s.Deleted) > 0 {
		log.Info("site configuration read from the folder", "stored", s.Stored, "deleted", s.Deleted)
	}
}

// siteFiles lists the configuration files of the site folder dir, in path
// order: _config.yml, the sources list, topics and publishers; and the
// other files of the configuration folders, except hidden ones (editors'
// swap files).
func siteFiles(dir string) (files []fileRef, ignored []string, err error) {
	add := func(rel string) {
		if kind, ok := content.KindOf(rel); ok && slices.Contains(siteKinds, kind) {
			files = append(files, fileRef{rel: rel, abs: filepath.Join(dir, filepath.FromSlash(rel)), kind: kind})
		} else if !strings.HasPrefix(path.Base(rel), ".") && !strings.HasSuffix(rel, "~") {
			ignored = append(ignored, rel)
		}
	}
	for _, rel := range []string{"_config.yml", "_data/sources.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err == nil {
			add(rel)
		}
	}
	for _, d := range siteDirs {
		entries, err := os.ReadDir(filepath.Join(dir, filepath.FromSlash(d)))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		for _, e := range entries {
			if !e.IsDir() {
				add(path.Join(d, e.Name()))
			}
		}
	}
	slices.SortFunc(files, func(a, b fileRef) int { return strings.Compare(a.rel, b.rel) })
	slices.Sort(ignored)
	return files, ignored, nil
}

// loadSite builds the Site from configuration records.
func loadSite(ctx context.Context, recs []*model.Record) (*site.Site, error) {
	return site.Load(ctx, site.SourceFunc(func(_ context.Context, kinds []model.Kind, fn func(*model.Record) error) error {
		for _, r := range recs {
			if slices.Contains(kinds, r.Kind) {
				if err := fn(r); err != nil {
					return err
				}
			}
		}
		return nil
	}))
}
