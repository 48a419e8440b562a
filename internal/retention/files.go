package retention

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"newshub/internal/content"
	"newshub/internal/store"
)

// FileSummary counts what happened to the news files of the site folder.
type FileSummary struct {
	Moved   int // renamed into the folder the store keeps the record in
	Removed int // files of purged records
	// Left counts the files that stay out of step with the store, by
	// reason.
	Left map[string]int
	// Both names, sorted, the files left because the other folder has a
	// file of their name, the one of the stored record: they stay at
	// every run until someone removes one of the two.
	Both []string
}

// ReasonBothFiles is why a file was not moved: the folder it would move to
// has a file of that name already.
const ReasonBothFiles = "a file of that name is in both _news/ and _archive/news/"

// followStore brings the news files of the site folder in step with the
// store: a file in the folder other than the one the store keeps its
// record in is renamed there, and the file of a purged record is removed.
// Files the store knows nothing of are left alone, and so are records
// whose file is not in the folder (news ingested since the last export).
// Each rename is atomic, so a file is always at one path or the other.
//
// entries holds the records read (see readEntries); allCurrent says they
// include every current record, as they do when archiving is on. The
// archived records not read are looked up only where a file's fate hangs
// on one: a current file whose record is not current, an archived file
// whose name a current record has too, and an archived file of a purged
// record.
func followStore(ctx context.Context, st store.Store, siteDir string, entries map[string]*entry, allCurrent bool, sum *FileSummary) error {
	current, err := listNews(siteDir, content.NewsDir)
	if err != nil {
		return err
	}
	archived, err := listNews(siteDir, content.ArchiveDir)
	if err != nil {
		return err
	}
	if len(current)+len(archived) == 0 {
		return nil
	}
	if !allCurrent {
		no := false
		if err := addEntries(ctx, st, entries, store.NewsQuery{Archived: &no}); err != nil {
			return err
		}
	}
	// stored reports whether the store holds a record at path p: current
	// records were all read, archived ones may need asking.
	stored := func(p string) (bool, error) {
		if e := entries[p]; e != nil {
			return !e.gone, nil
		}
		if !strings.HasPrefix(p, content.ArchiveDir) {
			return false, nil
		}
		_, err := st.Get(ctx, p)
		if errors.Is(err, store.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("retention: %w", err)
		}
		return true, nil
	}
	type rename struct{ from, to string }
	var (
		renames []rename
		orphans []string // archived ones may yet be stored: see removePurged
	)
	for _, side := range []struct {
		dir         string
		names, peer map[string]bool
		archived    bool
	}{{content.NewsDir, current, archived, false}, {content.ArchiveDir, archived, current, true}} {
		for name := range side.names {
			p := side.dir + name
			other, _ := content.NewsPathIn(p, !side.archived)
			if side.archived && entries[p] == nil && entries[other] == nil {
				// Neither read: the current record does not exist, and
				// the archived one, if any, stays where it is.
				orphans = append(orphans, p)
				continue
			}
			here, err := stored(p)
			if err != nil {
				return err
			}
			if here {
				continue
			}
			there, err := stored(other)
			if err != nil {
				return err
			}
			switch {
			case !there:
				orphans = append(orphans, p)
			case side.peer[name]:
				sum.leave(ReasonBothFiles)
				sum.Both = append(sum.Both, p)
			default:
				renames = append(renames, rename{p, other})
			}
		}
	}
	slices.Sort(sum.Both)
	slices.SortFunc(renames, func(a, b rename) int { return strings.Compare(a.from, b.from) })
	for _, r := range renames {
		if err := ctx.Err(); err != nil {
			return err
		}
		moved, err := moveFile(siteDir, r.from, r.to)
		if err != nil {
			return err
		}
		if moved {
			sum.Moved++
		}
	}
	if err := removePurged(ctx, st, siteDir, orphans, stored, sum); err != nil {
		return err
	}
	if sum.Moved+sum.Removed > 0 {
		for _, dir := range []string{content.NewsDir, content.ArchiveDir} {
			syncDir(filepath.Join(siteDir, filepath.FromSlash(dir)))
		}
	}
	return nil
}

func (s *FileSummary) leave(reason string) {
	if s.Left == nil {
		s.Left = map[string]int{}
	}
	s.Left[reason]++
}

// listNews returns the names of the news files in dir of the site folder;
// none when it does not exist.
func listNews(siteDir, dir string) (map[string]bool, error) {
	des, err := os.ReadDir(filepath.Join(siteDir, filepath.FromSlash(dir)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("retention: %w", err)
	}
	names := make(map[string]bool, len(des))
	for _, de := range des {
		if n := de.Name(); de.Type().IsRegular() && strings.HasSuffix(n, ".md") && !strings.HasPrefix(n, ".") {
			names[n] = true
		}
	}
	return names, nil
}

// moveFile renames the file of record path from to record path to, making
// the folder it goes to when needed. A file another process (a second
// run of retention) moved meanwhile is no error: moved is then false.
func moveFile(siteDir, from, to string) (moved bool, err error) {
	dst := filepath.Join(siteDir, filepath.FromSlash(to))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return false, fmt.Errorf("retention: %w", err)
	}
	err = os.Rename(filepath.Join(siteDir, filepath.FromSlash(from)), dst)
	if errors.Is(err, fs.ErrNotExist) {
		if _, serr := os.Stat(dst); serr == nil {
			return false, nil
		}
	}
	if err != nil {
		return false, fmt.Errorf("retention: move %s: %w", from, err)
	}
	return true, nil
}

// removePurged removes the files, among those the store holds no record
// for, whose records were purged. An orphan may be an archived file whose
// record was not read: it goes only if the store does not hold it.
func removePurged(ctx context.Context, st store.Store, siteDir string, orphans []string,
	stored func(string) (bool, error), sum *FileSummary) error {
	if len(orphans) == 0 {
		return nil
	}
	purged := map[string]bool{}
	err := st.Tombstones(ctx, func(t store.Tombstone) error {
		purged[t.Path] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("retention: %w", err)
	}
	slices.Sort(orphans)
	for _, p := range orphans {
		if !purged[p] {
			continue
		}
		if kept, err := stored(p); err != nil || kept {
			if err != nil {
				return err
			}
			continue
		}
		err := os.Remove(filepath.Join(siteDir, filepath.FromSlash(p)))
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("retention: remove %s: %w", p, err)
		}
		sum.Removed++
	}
	return nil
}

// syncDir asks the system to write a folder's entries to disk, so renames
// survive a power cut. It is best effort: not every system can.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}
