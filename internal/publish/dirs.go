package publish

import (
	"context"
	"errors"
	"io/fs"
	"iter"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
)

// With a Manifest, an update removes the files the previous build left
// and this one does not write by the manifest's list, without walking
// OUT. Files put in OUT from outside are not on that list; the folder
// that gets one changes its modification time, so the manifest also
// holds each folder's time, and the update reads, besides, the folders
// whose time moved (checkDirs, sweep).

// checkDirs notes, before the build changes OUT, the folders of OUT whose
// time is not the one the manifest holds, or which are no folder now.
func (c *incremental) checkDirs() {
	defer close(c.checked)
	dirs := make([]string, 0, len(c.prevDirs))
	for rel := range c.prevDirs {
		dirs = append(dirs, rel)
	}
	n := runtime.GOMAXPROCS(0)
	found := make([][]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; j < len(dirs); j += n {
				rel := dirs[j]
				fi, err := os.Lstat(filepath.Join(c.out, filepath.FromSlash(rel)))
				if err != nil || !fi.IsDir() || fi.ModTime().UnixNano() != c.prevDirs[rel] {
					found[i] = append(found[i], rel)
				}
			}
		}()
	}
	wg.Wait()
	c.dirty = map[string]bool{}
	for _, f := range found {
		for _, rel := range f {
			c.dirty[rel] = true
		}
	}
}

// removeStrays removes, from the folders checkDirs found changed, what
// is neither part of this build nor of the previous one (whose files
// removeKnown removes, in order): files and links put there from
// outside, and folders the manifest does not know that hold nothing of
// this build.
func (c *incremental) removeStrays(ctx context.Context, keep map[string]struct{}, keptDirs map[string]bool) (int64, error) {
	<-c.checked
	dirty := make([]string, 0, len(c.dirty))
	for rel := range c.dirty {
		dirty = append(dirty, rel)
	}
	slices.SortFunc(dirty, byDepth)
	var n int64
	for _, rel := range dirty {
		k, err := c.sweep(ctx, rel, keep, keptDirs)
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// sweep removes the strays of the folder rel (see removeStrays).
func (c *incremental) sweep(ctx context.Context, rel string, keep map[string]struct{}, keptDirs map[string]bool) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	dir := filepath.Join(c.out, filepath.FromSlash(rel))
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() || !c.realDir(path.Dir(rel)) {
		return 0, nil // gone, or a link: its parent's sweep sees to it
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	c.touch(rel)
	var n int64
	for _, e := range entries {
		sub := e.Name()
		if rel != "." {
			sub = rel + "/" + sub
		}
		if e.IsDir() { // a real folder: DirEntry does not follow links
			if _, known := c.prevDirs[sub]; known {
				continue // checked on its own
			}
			if keptDirs[sub] {
				k, err := c.sweep(ctx, sub, keep, keptDirs)
				n += k
				if err != nil {
					return n, err
				}
				continue
			}
			if err := os.RemoveAll(filepath.Join(c.out, filepath.FromSlash(sub))); err != nil {
				return n, err
			}
			n++
			continue
		}
		if _, ok := keep[sub]; ok {
			continue
		}
		if _, ok := c.prev[sub]; ok {
			continue
		}
		if err := os.Remove(filepath.Join(c.out, filepath.FromSlash(sub))); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
		n++
	}
	return n, nil
}

// touch notes that the update changed the folder rel of OUT, whose time
// is to be read again for the manifest.
func (c *incremental) touch(rel string) {
	c.mu.Lock()
	c.touched[rel] = true
	c.mu.Unlock()
}

// ancestors returns every folder above the slash paths of files, "."
// (OUT) among them.
func ancestors(files iter.Seq[string]) map[string]bool {
	dirs := map[string]bool{".": true}
	for rel := range files {
		for d := path.Dir(rel); !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	return dirs
}

// folderTimes reads the modification time of each folder of out in
// dirs, except where known gives it. It returns nil when one is not a
// folder (a manifest without the times then makes the next update walk
// OUT).
func folderTimes(out string, dirs map[string]bool, known func(rel string) (int64, bool)) map[string]int64 {
	times := make(map[string]int64, len(dirs))
	var todo []string
	for rel := range dirs {
		if t, ok := known(rel); ok {
			times[rel] = t
			continue
		}
		todo = append(todo, rel)
	}
	n := runtime.GOMAXPROCS(0)
	got := make([]int64, len(todo))
	bad := make([]bool, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := i; j < len(todo); j += n {
				fi, err := os.Lstat(filepath.Join(out, filepath.FromSlash(todo[j])))
				if err != nil || !fi.IsDir() {
					bad[i] = true
					return
				}
				got[j] = fi.ModTime().UnixNano()
			}
		}()
	}
	wg.Wait()
	if slices.Contains(bad, true) {
		return nil
	}
	for j, rel := range todo {
		times[rel] = got[j]
	}
	return times
}
