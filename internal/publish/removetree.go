package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// removers is how many removals removeTree keeps in flight. A removal
// waits on the file system (its journal, the blocks it frees) far more
// than on a processor, and many in flight share that wait: a build's old
// tree of 50,000 files took 30 s to remove one file at a time, 7 s with
// 16 at once.
const removers = 16

// backgroundRemovers is how many removals a removal in the background
// (see OldTrees) keeps in flight: it is in no hurry, and removers of them
// take the processors and the file system from the update beside it. On
// two processors, an update writing nothing of 11,700 files took 0.5-0.6 s
// alone, 1.6-1.8 s beside the removal of 100,000 files 16 at once, and
// 0.9-1.4 s beside it one at a time.
const backgroundRemovers = 1

// removeTree removes the folder dir and everything under it, as
// os.RemoveAll does, with n removals at once: the files first,
// then the folders, deepest first. Links are removed, never followed.
// It calls file, when not nil, with the slash path (under dir) of each
// file or link it finds, and waits before each removal, and each folder
// the walk reads, until turn, when not nil, returns. A file or folder gone meanwhile
// (another process removing the same leftover) is no fault. Done ctx
// stops it between two removals, the rest left for the next removal of
// dir.
func removeTree(ctx context.Context, dir string, n int, file func(rel string), turn func(context.Context)) error {
	var files []string
	var levels [][]string // folders by depth
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && p != dir {
			return nil
		}
		if err != nil {
			return err
		}
		if turn != nil && d.IsDir() { // before it is read
			if turn(ctx); ctx.Err() != nil {
				return ctx.Err()
			}
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if !d.IsDir() {
			files = append(files, p)
			if file != nil {
				file(rel)
			}
			return nil
		}
		depth := 0
		if rel != "." {
			depth = strings.Count(rel, "/") + 1
		}
		for len(levels) <= depth {
			levels = append(levels, nil)
		}
		levels[depth] = append(levels[depth], p)
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) && len(levels) == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("remove %s: %w", dir, err)
	}
	if err := removeAll(ctx, files, n, turn); err != nil {
		return err
	}
	for i := len(levels) - 1; i >= 0; i-- {
		if err := removeAll(ctx, levels[i], n, turn); err != nil {
			return err
		}
	}
	return nil
}

// removeAll removes each of names (files, or empty folders), n at a
// time, each after turn (when not nil) returns, until ctx is done; one
// already gone is no fault.
func removeAll(ctx context.Context, names []string, n int, turn func(context.Context)) error {
	n = min(n, len(names))
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; j < len(names) && errs[i] == nil && ctx.Err() == nil; j += n {
				if turn != nil {
					if turn(ctx); ctx.Err() != nil {
						break
					}
				}
				if err := os.Remove(names[j]); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs[i] = err
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err // once, not once per remover
	}
	return errors.Join(errs...)
}
