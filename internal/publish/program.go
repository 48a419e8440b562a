package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"runtime/debug"
	"sync"
)

// program tells this build of newshub from others, for a saved manifest
// (see loadManifest): a file's stamp and an article's record say what it
// was made from, not how, and a new release may render the same inputs
// otherwise (a new stylesheet's address, a page's markup). Empty when it
// cannot be told, which no manifest then matches.
var program = sync.OnceValue(programID)

// programID is the build information where it names a commit with no
// changes or a module version, else a hash of the executable's bytes: a
// build from changed sources, or from sources with no commit (a
// container's), says nothing else of what it holds.
func programID() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		revision, modified := "", false
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if revision != "" && !modified || bi.Main.Sum != "" {
			return "build " + bi.String()
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return "executable " + hex.EncodeToString(h.Sum(nil))
}
