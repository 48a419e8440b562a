// Package watch keeps a running hub's configuration in step with its site
// folder: the folder's _config.yml, topics, publishers and sources list are
// the source of truth, and an edit takes effect without an import.
//
// A Watcher stores what changed (importer.SyncSite) and hands the new
// configuration to whoever subscribed. An edit that does not parse is
// logged as path:line: reason and changes nothing: the configuration in
// force stays.
package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"newshub/internal/importer"
	"newshub/internal/site"
	"newshub/internal/store"
)

// Settle is how long the folder must stay quiet after a change before it
// is read: an editor writes a file in several steps, and a checkout
// changes many at once. The configuration files' sizes and modification
// times must then be as they were a Settle before (see look): a save in
// parts (scp, an editor writing a large file in chunks) may pause longer
// than Settle between two.
const Settle = 200 * time.Millisecond

// MaxDelay bounds how long a change waits for the folder to settle: an
// editor saving on every keystroke, or a sync tool rewriting a folder for
// minutes, never lets it stay quiet, and the edits already made would
// otherwise wait for it. Long enough that a checkout of many files is
// read once it is done, not half way, and that an editor saving as one
// types does not restart ingest every second.
const MaxDelay = 5 * time.Second

// Hold is how long a file found gone stays in force before the folder is
// read again and it is deleted if still gone: an editor saving by moving
// the old file away writes the new one a moment later, longer on a slow
// disk than Settle.
const Hold = time.Second

// Poll is how often the folder is read whatever events say: a network
// file system (NFS, SMB, a container's mount of its host's folder) raises
// no event for an edit made on another machine, and a host out of inotify
// instances gives no watcher at all.
const Poll = 30 * time.Second

// folders are the folders of the site watched, beside the site folder
// itself (for _config.yml): those that hold the configuration files.
var folders = []string{"_data", "_data/topics", "_data/organizations"}

// Watcher holds a hub's configuration and follows its site folder.
type Watcher struct {
	dir    string
	st     store.Store
	log    *slog.Logger
	outage *store.Outage
	poll   time.Duration // Poll; shorter in tests

	// said is what the last sync said of files not taken, so that a
	// poll that finds the folder as it was does not say it again.
	said string
	// seen is what look gave before New read the folder.
	seen string

	// readOnly says the store refuses writes (a hot standby of a
	// PostgreSQL hub): the configuration is the one stored, which the
	// primary's processes keep in step with their folder.
	readOnly bool

	// now asks Run to read the folder at once (see ReadNow).
	now chan struct{}

	mu   sync.Mutex
	cur  *site.Site
	subs []chan *site.Site
}

// readOnlyStore is a store that can tell it refuses writes.
type readOnlyStore interface {
	ReadOnly(ctx context.Context) (bool, error)
}

// New brings the store in step with the site folder dir (see
// importer.SyncSite) and returns a Watcher holding the configuration in
// force. Run follows the folder from then on. On a store that refuses
// writes (a standby) the configuration in force is the one stored, and
// the folder is not followed. A store out of reach while the folder is
// read again is logged through outage, once for the outage and all that
// share it (nil: an outage of the Watcher's own, logged to log): where
// each read logged it, every Poll.
func New(ctx context.Context, dir string, st store.Store, log *slog.Logger, outage *store.Outage) (*Watcher, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if outage == nil {
		outage = store.NewOutage(log)
	}
	// Clean, as fsnotify names the events ("site/" gives "site/_config.yml").
	w := &Watcher{dir: filepath.Clean(dir), st: st, log: log, outage: outage, poll: Poll, now: make(chan struct{}, 1)}
	w.seen = w.look()
	if ro, ok := st.(readOnlyStore); ok {
		var err error
		if w.readOnly, err = ro.ReadOnly(ctx); err != nil {
			return nil, err
		}
	}
	if w.readOnly {
		s, err := site.Load(ctx, st)
		if err != nil {
			return nil, err
		}
		log.Warn("site: the store is read-only (a standby): the configuration in force is the one stored, " +
			"and edits of the site folder take effect once stored through the primary")
		w.cur = s
		return w, nil
	}
	res, err := importer.SyncSite(ctx, st, dir)
	if err != nil {
		return nil, err
	}
	w.report(res)
	w.said = fmt.Sprint(res.Rejected, res.Warned, res.Ignored)
	w.cur = res.Site
	return w, nil
}

// Site returns the configuration in force.
func (w *Watcher) Site() *site.Site {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.cur
}

// Subscribe returns a channel that receives the configuration each time an
// edit of the folder changes it. A subscriber that has not taken the last
// one gets the newer one instead: it never falls behind.
func (w *Watcher) Subscribe() <-chan *site.Site {
	w.mu.Lock()
	defer w.mu.Unlock()
	c := make(chan *site.Site, 1)
	w.subs = append(w.subs, c)
	return c
}

// Run follows the site folder until ctx is done, and returns nil then.
// Where the folder cannot be watched, it is read every Poll.
func (w *Watcher) Run(ctx context.Context) error {
	if w.readOnly {
		<-ctx.Done() // the folder's edits could not be stored
		return nil
	}
	var events <-chan fsnotify.Event
	var errs <-chan error
	at := map[string]os.FileInfo{}
	fw, err := w.watch(at)
	if err != nil {
		w.log.Warn("site watch: " + err.Error() + "; the folder is read every " + w.poll.String() + " instead")
	} else {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
	}
	// A file found gone is held in force for Hold, then read again
	// (confirm) and deleted if still gone: it may be a save under way
	// (see SyncSiteHolding); so is one that looks cut short (see
	// importer.Unsettled), until taken. holding are the files held when
	// confirm was set; one found gone since is held for a Hold of its own.
	var settle, due, confirm <-chan time.Time
	var holding []string
	seen := w.seen
	read := func(polled bool) {
		seen = w.look()
		if _, held, unsettled := w.sync(ctx, polled, true); (len(held) > 0 || unsettled) && confirm == nil {
			confirm, holding = time.After(Hold), held
		}
	}
	// moved says whether a configuration file changed since the last
	// look (see Settle): the folder is then read only once it has not
	// for a Settle, as after an event.
	moved := func() bool {
		now := w.look()
		changed := now != seen
		seen = now
		return changed
	}
	awhile := func() {
		settle = time.After(Settle)
		if due == nil {
			due = time.After(MaxDelay)
		}
	}
	// An edit made since New read the folder, before it was watched,
	// raised no event: read the folder once now that it is (and, as a
	// poll, say nothing New said already).
	if moved() {
		awhile()
	} else {
		read(true)
	}
	poll := time.NewTicker(w.poll)
	defer poll.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-events:
			if !ok {
				return nil
			}
			if !w.relevant(ev.Name) {
				continue
			}
			w.watchFolders(fw, at) // a folder made, replaced or swapped since
			awhile()
		case err, ok := <-errs:
			if !ok {
				return nil
			}
			// Events were lost (an overflow): read the folder again.
			w.log.Warn("site watch: " + err.Error())
			settle = time.After(Settle)
		case <-settle:
			if moved() {
				// Changed within the last Settle, events or not: a save
				// in parts may go on. Look again a Settle on.
				settle = time.After(Settle)
				continue
			}
			settle, due = nil, nil
			read(false)
		case <-due:
			settle, due = nil, nil
			read(false)
		case <-confirm:
			// As a poll: a file still cut short is not named again.
			_, held, unsettled := w.sync(ctx, true, true, holding...)
			confirm, holding = nil, nil
			if len(held) > 0 || unsettled {
				confirm, holding = time.After(Hold), held
			}
		case <-w.now:
			settle, due = nil, nil
			read(false)
		case <-poll.C:
			if fw != nil {
				w.watchFolders(fw, at)
			}
			if moved() {
				awhile() // an edit no event told of, perhaps under way
			} else {
				read(true)
			}
		}
	}
}

// watch returns a watcher of the site folder, its configuration folders
// and the folder holding it.
func (w *Watcher) watch(at map[string]os.FileInfo) (*fsnotify.Watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watch %s: %w", w.dir, err)
	}
	if err := fw.Add(w.dir); err != nil {
		fw.Close()
		return nil, fmt.Errorf("watch %s: %w", w.dir, err)
	}
	// The folder holding the site folder tells when the site folder is
	// replaced: a link swapped to a new target (git-sync's worktree, a
	// release folder), or the folder moved away and back.
	if err := fw.Add(filepath.Dir(w.dir)); err != nil {
		w.log.Warn("site watch: a site folder replaced will not be noticed", "err", err)
	}
	w.watchFolders(fw, at)
	return fw, nil
}

// relevant says whether an event on the file or folder name can change
// the configuration. Other files of the site folder, such as a log or a
// database written there all the time, would keep it from ever settling.
func (w *Watcher) relevant(name string) bool {
	// By Rel, not by prefix: for the site folder ".", fsnotify names
	// "./_config.yml" but "_data/sources.yaml".
	rel, err := filepath.Rel(w.dir, name)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return false // beside the site folder, in the folder holding it
	}
	if rel == "." {
		return true
	}
	rel = filepath.ToSlash(rel)
	dir, base := path.Split(rel)
	switch {
	case strings.HasPrefix(base, ".."):
		// Kubernetes mounts a ConfigMap as links through ..data, which
		// it swaps to a new ..<timestamp> folder on each update.
		return true
	case strings.HasPrefix(base, ".") || strings.HasSuffix(base, "~"):
		return false // editors' swap and backup files
	}
	dir = strings.TrimSuffix(dir, "/")
	return rel == "_config.yml" || rel == "_data/sources.yaml" || slices.Contains(folders, rel) ||
		(dir != "_data" && slices.Contains(folders, dir))
}

// watchFolders watches the site folder and its configuration folders
// that exist and are not watched, or were watched where their path led
// before: inotify watches a folder, not its path, so a path that now leads
// to another folder (a link swapped, a folder replaced by a copy) is
// watched anew. at holds the folder each path led to when watched.
func (w *Watcher) watchFolders(fw *fsnotify.Watcher, at map[string]os.FileInfo) {
	watched := fw.WatchList()
	for _, f := range append([]string{"."}, folders...) {
		p := filepath.Join(w.dir, filepath.FromSlash(f))
		fi, err := os.Stat(p)
		if err != nil || !fi.IsDir() {
			continue // not there (yet)
		}
		if old := at[p]; old != nil && os.SameFile(old, fi) && slices.Contains(watched, p) {
			continue
		}
		fw.Remove(p) // the folder it led to before, if still watched
		if err := fw.Add(p); err != nil {
			w.log.Warn("site watch: cannot watch "+p, "err", err)
			continue
		}
		at[p] = fi
	}
}

// ReadNow has Run read the site folder at once, as after an edit, and say
// again what it leaves out: an operator's way to have an edit taken when
// no event told of it and the next poll is far (a SIGHUP).
func (w *Watcher) ReadNow() {
	select {
	case w.now <- struct{}{}:
	default: // a read is asked for already
	}
}

// Sync reads the site folder now, as Run does after an edit, and reports
// whether the configuration changed. A file gone is deleted at once.
func (w *Watcher) Sync(ctx context.Context) bool {
	changed, _, _ := w.sync(ctx, false, false)
	return changed
}

// sync is Sync; polled says no event asked for it, and a folder found as
// it was is then not reported again; hold keeps the records of files gone
// in force, but those of expired (see importer.SyncSiteHolding), and
// returns the files held. unsettled reports a file left out as cut short
// (see importer.Unsettled): the folder is worth reading again in a moment.
func (w *Watcher) sync(ctx context.Context, polled, hold bool, expired ...string) (changed bool, held []string, unsettled bool) {
	read := importer.SyncSite
	if hold {
		read = func(ctx context.Context, st store.Store, dir string) (importer.SiteSync, error) {
			return importer.SyncSiteHolding(ctx, st, dir, expired...)
		}
	}
	res, err := read(ctx, w.st, w.dir)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			w.outage.Failed(ctx, slog.LevelError, "site: read the configuration again", err)
		}
		return false, nil, false
	}
	w.outage.Answered(ctx)
	held, unsettled = res.Held, len(res.Unsettled) > 0
	changed = len(res.Stored)+len(res.Deleted) > 0
	said := fmt.Sprint(res.Rejected, res.Warned, res.Ignored)
	if changed || !polled || said != w.said {
		w.report(res)
	}
	w.said = said
	if !changed {
		return false, held, unsettled
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cur = res.Site
	for _, c := range w.subs {
		select {
		case <-c: // not taken: replaced
		default:
		}
		c <- res.Site
	}
	return true, held, unsettled
}

// look returns the size and modification time of each configuration
// file, in a string that changes when any of them does.
func (w *Watcher) look() string {
	var b strings.Builder
	add := func(p string, fi os.FileInfo) {
		fmt.Fprintf(&b, "%s %d %d\n", p, fi.Size(), fi.ModTime().UnixNano())
	}
	for _, rel := range []string{"_config.yml", "_data/sources.yaml"} {
		p := filepath.Join(w.dir, filepath.FromSlash(rel))
		if fi, err := os.Stat(p); err == nil {
			add(p, fi)
		}
	}
	for _, f := range folders {
		if f == "_data" {
			continue // its sources list is above; its other files are no configuration
		}
		entries, _ := os.ReadDir(filepath.Join(w.dir, filepath.FromSlash(f)))
		for _, e := range entries {
			if fi, err := e.Info(); err == nil && !e.IsDir() {
				add(path.Join(f, e.Name()), fi)
			}
		}
	}
	return b.String()
}

// report logs what a sync did.
func (w *Watcher) report(res importer.SiteSync) { res.Log(w.log) }
