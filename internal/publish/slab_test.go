package publish

import (
	"strings"
	"testing"
)

// A served view patched with a round's few new articles makes its entries
// in slabs of their own, whose blocks live as long as any entry in them:
// blocks of full size there would hold a megabyte for a handful of
// entries, round after round. What a slab allocates must follow what it
// holds, while a whole load still makes few large blocks.
func TestSlabBlocksFollowWhatTheyHold(t *testing.T) {
	text := strings.Repeat("x", 300)
	for _, n := range []int{1, 10, 17, 300, 20000} {
		var s slab
		var entryBlocks, entriesMade, bytesMade int
		for i := range n {
			before, beforeBytes := cap(s.entries), cap(s.bytes)
			e := s.entry()
			if i == 0 || cap(s.entries) != before {
				entryBlocks++
				entriesMade += cap(s.entries)
			}
			e.Path = s.string(text)
			if cap(s.bytes) != beforeBytes || i == 0 {
				bytesMade += cap(s.bytes)
			}
			if e.Path != text {
				t.Fatalf("%d entries: entry %d's string changed", n, i)
			}
		}
		held := n * len(text)
		if entriesMade > 2*n+32 {
			t.Errorf("%d entries: %d made in blocks, want at most %d", n, entriesMade, 2*n+32)
		}
		if bytesMade > 2*held+32<<10 {
			t.Errorf("%d entries of %d bytes: %d bytes made in blocks, want at most %d", n, held, bytesMade, 2*held+32<<10)
		}
		if most := n/1024 + 8; entryBlocks > most {
			t.Errorf("%d entries: %d blocks, want at most %d, so that the collector visits few objects", n, entryBlocks, most)
		}
	}
}
