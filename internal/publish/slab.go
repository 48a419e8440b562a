package publish

import (
	"slices"
	"strings"
	"sync"
	"unsafe"
)

// A served view lives for long, and the collector visits each of its
// objects on every cycle while requests wait: a view of 100,000 articles
// made of separate entries, strings and item bodies is over half a million
// objects. A slab hands them out of large blocks instead, so the view is a
// few hundred objects. Each loading goroutine has its own slab.
type slab struct {
	entries []Entry
	bytes   []byte
	// small makes blocks no larger than what they hold, for the one entry
	// of an archived article made when it is asked for.
	small bool
}

// Blocks start small and double up to their largest size, so that a slab
// that makes few entries, as a served view patched with a round's new
// articles does, holds little more than them: the blocks live as long as
// any entry in them.
const (
	slabEntries  = 1024     // most news entries per block
	slabBytes    = 1 << 20  // most bytes per block
	firstEntries = 16       // entries of a slab's first block
	firstBytes   = 16 << 10 // bytes of a slab's first block
)

// grow returns the size of the block after one of size last: first for
// the first, then twice the last, up to most.
func grow(last, first, most int) int {
	if last == 0 {
		return first
	}
	return max(min(2*last, most), first)
}

// entry returns a new zero entry.
func (s *slab) entry() *Entry {
	if len(s.entries) == cap(s.entries) {
		n := 1
		if !s.small {
			n = grow(cap(s.entries), firstEntries, slabEntries)
		}
		s.entries = make([]Entry, 0, n)
	}
	s.entries = s.entries[:len(s.entries)+1]
	return &s.entries[len(s.entries)-1]
}

// copy returns a copy of b in the current block.
func (s *slab) copy(b []byte) []byte {
	if len(b) > cap(s.bytes)-len(s.bytes) {
		size := 0
		if !s.small {
			size = grow(cap(s.bytes), firstBytes, slabBytes)
		}
		s.bytes = make([]byte, 0, max(size, len(b)))
	}
	n := len(s.bytes)
	s.bytes = append(s.bytes, b...)
	return s.bytes[n:len(s.bytes):len(s.bytes)]
}

// string returns a copy of v in the current block. The block's bytes are
// never written again, which is what makes the string immutable.
func (s *slab) string(v string) string {
	if v == "" {
		return ""
	}
	b := s.copy(unsafe.Slice(unsafe.StringData(v), len(v)))
	return unsafe.String(&b[0], len(b))
}

// topicSets shares one slice among the entries with the same topics, the
// names being the site's own strings.
type topicSets struct {
	mu    sync.Mutex
	names map[string]string   // each topic name of the site, to itself
	sets  map[string][]string // joined names → shared slice
}

func newTopicSets(names []string) *topicSets {
	t := &topicSets{names: make(map[string]string, len(names)), sets: map[string][]string{}}
	for _, n := range names {
		t.names[n] = n
	}
	return t
}

// intern returns a slice equal to names, shared with every other caller
// that gave the same names; callers must not modify it.
func (t *topicSets) intern(names []string) []string {
	if len(names) == 0 {
		return nil
	}
	key := strings.Join(names, "\x00")
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.sets[key]; ok && slices.Equal(set, names) { // names may hold NULs
		return set
	}
	set := make([]string, len(names))
	for i, n := range names {
		if own, ok := t.names[n]; ok {
			n = own
		}
		set[i] = n
	}
	t.sets[key] = set
	return set
}
