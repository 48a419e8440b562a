package publish

import (
	"hash/maphash"
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
type Manifest struct {
	mu    sync.Mutex
	out   string
	seed  maphash.Seed
	files map[string]fileSum
}

// fileSum is what a Manifest knows of one file.
type fileSum struct {
	size  int64
	mtime int64 // unix nanoseconds
	sum   uint64
}

// take hands the manifest's files for out to a build, leaving it empty
// until the build gives its own back (keep): a build that fails leaves no
// knowledge of OUT that may be wrong.
func (m *Manifest) take(out string) (map[string]fileSum, maphash.Seed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.files == nil || m.out != out {
		m.seed = maphash.MakeSeed()
		m.files = nil
	}
	files := m.files
	m.files, m.out = nil, out
	return files, m.seed
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
