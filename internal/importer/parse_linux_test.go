package importer

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"
)

// TestReadCappedReadsFilesLargerThanStatSays reads files of /proc, whose
// size Stat gives as 0: the read goes on past the size Stat saw, as for a
// file that grew since, and stops at the cap.
func TestReadCappedReadsFilesLargerThanStatSays(t *testing.T) {
	const name = "/proc/self/cmdline"
	if fi, err := os.Stat(name); err != nil || fi.Size() != 0 {
		t.Skipf("%s: size %v, %v: not a file that grows past its Stat size here", name, fi, err)
	}
	want, err := os.ReadFile(name)
	if err != nil || len(want) < 2 {
		t.Fatalf("%s: %d bytes, %v", name, len(want), err)
	}
	for _, read := range []struct {
		name string
		fn   func(string, int64) ([]byte, fs.FileMode, error)
	}{{"readCapped", readCapped}, {"readFileOS", readFileOS}} {
		got, _, err := read.fn(name, int64(len(want)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s(%s) = %q, %v; want %q", read.name, name, got, err, want)
		}
		if _, _, err := read.fn(name, int64(len(want))-1); err == nil || !strings.Contains(err.Error(), "over the size cap") {
			t.Errorf("%s over the cap: %v", read.name, err)
		}
	}
}
