package publish

import (
	"crypto/sha256"
	"encoding/binary"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// Manifest remembers the files a build left in OUT: each one's size,
// modification time and a hash of its bytes. A process that publishes
// again and again (serve --publish) keeps one, so that its next build
// compares a file with OUT's by the hash where OUT's file still has the
// size and time noted, rather than by reading it. A file edited in OUT
// since (another size or time) is read and compared as without a
// manifest, so an outside edit is still set right. The zero Manifest is
// empty; it is safe for one build at a time.
//
// A build also saves what it knows beside OUT (see saveManifest), so that
// the next build, in another process, starts from it (see loadManifest).
type Manifest struct {
	mu    sync.Mutex
	out   string
	files map[string]fileSum

	// articles is, by article key, the record each per-article document
	// of OUT was rendered from, and articleStamp what else such a
	// document depends on (see View.articleStamp): a build from a served
	// view renders again only the documents whose record changed.
	articles     map[string]articleRef
	articleStamp string

	// stamps is, by slash path, what a file of OUT put by PutStamped was
	// made from (see Output.KeepStamped).
	stamps map[string]string

	// dirs is the modification time of each folder of OUT (unix
	// nanoseconds, "." for OUT) as the build left it: a folder whose
	// time moved since may hold files put there from outside, which the
	// next build then looks for (see incremental.checkDirs).
	dirs map[string]int64
}

// articleRef is the record a per-article document was rendered from.
type articleRef struct {
	path    string
	version int64
}

// fileSum is what a Manifest knows of one file.
type fileSum struct {
	size  int64
	mtime int64 // unix nanoseconds
	sum   uint64
}

// fileHash is the sum a Manifest knows a file's bytes by. It outlives
// the process (the manifest is saved), so it takes no random seed; a
// cryptographic hash keeps anyone who writes a record from making a page
// whose new bytes pass for its old ones.
func fileHash(data []byte) uint64 {
	h := sha256.Sum256(data)
	return binary.LittleEndian.Uint64(h[:8])
}

// take hands the manifest's files for out to a build, leaving it empty
// until the build gives its own back (keep): a build that fails leaves no
// knowledge of OUT that may be wrong.
func (m *Manifest) take(out string) map[string]fileSum {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil || m.out != out {
		m.files, m.articles, m.stamps, m.dirs = nil, nil, nil, nil
	}
	files := m.files
	m.files, m.out = nil, out
	return files
}

// knows reports whether m holds what a build left in out.
func (m *Manifest) knows(out string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.files != nil && m.out == out
}

// holdsSample is how many of the files a manifest lists holdsFiles reads.
const holdsSample = 32

// holdsFiles reports whether the folder out holds most of a sample of the
// files m knows a build left there, each with the size and hash noted:
// a build's own folder that lost its mark (removed by hand) is updated and
// the mark written again, while a folder of other files at its path is
// not taken for a build. The sample is spread over the files in path
// order, so a large hub's costs a few reads.
func (m *Manifest) holdsFiles(out string) bool {
	m.mu.Lock()
	files := m.files
	if m.out != out {
		files = nil
	}
	m.mu.Unlock()
	if len(files) == 0 {
		return false
	}
	rels := slices.Sorted(maps.Keys(files))
	n := min(len(rels), holdsSample)
	found := 0
	for i := range n {
		rel := rels[i*len(rels)/n]
		if fileHolds(filepath.Join(out, filepath.FromSlash(rel)), files[rel]) {
			found++
		}
	}
	return found*2 > n
}

// fileHolds reports whether the file at name is a regular file of the
// size and hash known.
func fileHolds(name string, known fileSum) bool {
	fi, err := os.Lstat(name)
	if err != nil || !fi.Mode().IsRegular() || fi.Size() != known.size {
		return false
	}
	data, err := os.ReadFile(name)
	return err == nil && fileHash(data) == known.sum
}

// takeArticles hands the manifest's knowledge of the per-article
// documents to a build, after take; nil when it has none.
func (m *Manifest) takeArticles() (map[string]articleRef, string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, stamp := m.articles, m.articleStamp
	m.articles = nil
	return a, stamp
}

// keepArticles stores what a build that succeeded rendered each
// per-article document from.
func (m *Manifest) keepArticles(a map[string]articleRef, stamp string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.articles, m.articleStamp = a, stamp
}

// takeStamps hands the manifest's stamps of the files of OUT to a build,
// after take; nil when it has none.
func (m *Manifest) takeStamps() map[string]string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := m.stamps
	m.stamps = nil
	return s
}

// takeDirs hands the manifest's times of OUT's folders to a build,
// after take; nil when it has none.
func (m *Manifest) takeDirs() map[string]int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	d := m.dirs
	m.dirs = nil
	return d
}

// keepDirs stores the times of the folders a build that succeeded left
// in OUT.
func (m *Manifest) keepDirs(d map[string]int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.dirs = d
}

// keepStamps stores the stamps of the files a build that succeeded left
// in OUT.
func (m *Manifest) keepStamps(s map[string]string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stamps = s
}

// keep stores what a build that succeeded left in OUT.
func (m *Manifest) keep(files map[string]fileSum) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.files = files
}

// Len reports how many files the manifest knows.
func (m *Manifest) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.files)
}
