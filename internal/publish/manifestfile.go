package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
)

// A build saves its Manifest beside OUT (.OUT.manifest), so that the next
// build, a new process, compares by it rather than reading every file of
// OUT back, and removes the files it no longer writes rather than walking
// OUT. The file names OUT's folder (treeID) and ends with a hash of what
// comes before it: one left by another tree at the same path, or cut
// short, is not trusted. A build removes the file before it changes OUT
// and saves the new one once OUT is complete, so a build killed between
// leaves none, and the next one reads OUT back as without a manifest.
// A manifest saved by another build of the program (see program) is
// trusted for what OUT's files hold, not for what they were rendered
// from: its stamps and articles are dropped, so every page and document
// is rendered again and compared, as a new release may render them
// otherwise.
//
// A publishing process keeps its manifest in memory and saves it when it
// stops (SaveManifest), so that the next process, publishing or one-shot,
// starts from it too. Such a process does not note its folders' times (see
// withManifest): it saves each folder as not noted, and the next one-shot
// build then reads every folder for files put there from outside.

// manifestMagic starts a saved manifest; its last digit is the format's
// version.
const manifestMagic = "newshub manifest 3\n"

// lockFile is the file whose lock a build of out holds (see lockOut).
func lockFile(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".lock")
}

// manifestFile is where the manifest of the build at out is saved.
func manifestFile(out string) string {
	return filepath.Join(filepath.Dir(out), "."+filepath.Base(out)+".manifest")
}

// forgetManifest removes the saved manifest of out, before a build
// changes OUT.
func forgetManifest(out string) error {
	if err := os.Remove(manifestFile(out)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

// saveManifest saves what m knows of out beside it, by a rename. Where
// OUT's folder cannot be told apart from another (no treeID), nothing is
// saved.
func saveManifest(m *Manifest, out string) error {
	id := treeID(out)
	if id == "" {
		return nil
	}
	m.mu.Lock()
	if m.files == nil {
		m.mu.Unlock()
		return nil // nothing known: the next build reads OUT back
	}
	dirs := m.dirs
	if dirs == nil {
		dirs = unnotedDirs(m.files)
	}
	b := appendManifest([]byte(manifestMagic), id, m.files, m.stamps, dirs, m.articles, m.articleStamp)
	m.mu.Unlock()
	sum := sha256.Sum256(b)
	b = append(b, sum[:]...)
	name := manifestFile(out)
	tmp := name + ".tmp"
	if err := writeFile(tmp, b); err != nil {
		// A write cut short by a full disk would leave the part written,
		// as large as the disk let it be, until the next build.
		os.Remove(tmp)
		return fmt.Errorf("manifest: %w", err)
	}
	if err := os.Rename(tmp, name); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("manifest: %w", err)
	}
	return nil
}

func appendManifest(b []byte, id string, files map[string]fileSum, stamps map[string]string, dirs map[string]int64,
	articles map[string]articleRef, articleStamp string) []byte {
	b = appendString(b, id)
	b = appendString(b, program())
	b = binary.AppendUvarint(b, uint64(len(files)))
	for rel, f := range files {
		b = appendString(b, rel)
		b = binary.AppendVarint(b, f.size)
		b = binary.AppendVarint(b, f.mtime)
		b = binary.LittleEndian.AppendUint64(b, f.sum)
	}
	b = binary.AppendUvarint(b, uint64(len(stamps)))
	for rel, s := range stamps {
		b = appendString(b, rel)
		b = appendString(b, s)
	}
	b = binary.AppendUvarint(b, uint64(len(dirs)))
	for rel, t := range dirs {
		b = appendString(b, rel)
		b = binary.AppendVarint(b, t)
	}
	b = appendString(b, articleStamp)
	b = binary.AppendUvarint(b, uint64(len(articles)))
	for key, a := range articles {
		b = appendString(b, key)
		b = appendString(b, a.path)
		b = binary.AppendVarint(b, a.version)
	}
	return b
}

// notNoted is the time saved for a folder whose time its build did not
// note: no folder has it, so the next build that checks folders reads it.
const notNoted = -1

// unnotedDirs gives each folder of files, OUT (".") among them, the time
// notNoted.
func unnotedDirs(files map[string]fileSum) map[string]int64 {
	dirs := map[string]int64{}
	for dir := range ancestors(maps.Keys(files)) {
		dirs[dir] = notNoted
	}
	return dirs
}

// SaveManifest saves what m knows of out beside it, as a one-shot build
// does at its end: a publishing process, whose manifest is in memory,
// calls it when it stops, so that the next process that builds OUT
// compares by it rather than reading OUT back. It saves nothing when m
// knows nothing of out (its last build failed) or another build of out
// is running.
func SaveManifest(m *Manifest, out string) error {
	out = resolveOut(out)
	unlock, err := lockOut(lockFile(out))
	if err != nil {
		return err
	}
	defer unlock()
	if !m.knows(out) {
		return nil
	}
	return saveManifest(m, out)
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// errNoManifest is loadManifest's fault when no manifest is saved beside
// OUT (one killed build left none, or OUT's folder cannot be told apart).
var errNoManifest = errors.New("no saved manifest")

// loadManifest gives m what the manifest saved beside out says, when m
// knows nothing of out yet and the file is whole and of out's folder as
// it is. It returns why it did not (nil where m already knew out); any
// fault leaves m as it was.
func loadManifest(m *Manifest, out string) error {
	if m.knows(out) {
		return nil
	}
	id := treeID(out)
	if id == "" {
		return errNoManifest
	}
	b, err := os.ReadFile(manifestFile(out))
	if errors.Is(err, fs.ErrNotExist) {
		return errNoManifest
	}
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if len(b) < len(manifestMagic)+sha256.Size || !bytes.HasPrefix(b, []byte(manifestMagic)) {
		return errors.New("manifest: not a whole manifest of this version")
	}
	body, sum := b[:len(b)-sha256.Size], b[len(b)-sha256.Size:]
	if got := sha256.Sum256(body); !bytes.Equal(got[:], sum) {
		return errors.New("manifest: damaged (its hash does not match)")
	}
	r := manifestReader{b: body[len(manifestMagic):], ok: true}
	if r.string() != id {
		return errors.New("manifest: saved for another folder at OUT's path")
	}
	prog := r.string()
	n := r.uvarint()
	files := make(map[string]fileSum, min(n, 1<<20))
	for ; n > 0 && r.ok; n-- {
		rel := r.string()
		files[rel] = fileSum{size: r.varint(), mtime: r.varint(), sum: r.uint64()}
	}
	n = r.uvarint()
	stamps := make(map[string]string, min(n, 1<<20))
	for ; n > 0 && r.ok; n-- {
		rel := r.string()
		stamps[rel] = r.string()
	}
	n = r.uvarint()
	dirs := make(map[string]int64, min(n, 1<<20))
	for ; n > 0 && r.ok; n-- {
		rel := r.string()
		dirs[rel] = r.varint()
	}
	articleStamp := r.string()
	n = r.uvarint()
	articles := make(map[string]articleRef, min(n, 1<<20))
	for ; n > 0 && r.ok; n-- {
		key := r.string()
		articles[key] = articleRef{path: r.string(), version: r.varint()}
	}
	if !r.ok || len(r.b) != 0 {
		return errors.New("manifest: damaged (cannot be read to its end)")
	}
	if len(articles) == 0 {
		articles, articleStamp = nil, ""
	}
	if prog == "" || prog != program() {
		stamps, articles, articleStamp = nil, nil, ""
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.out, m.files, m.stamps, m.dirs = out, files, stamps, dirs
	m.articles, m.articleStamp = articles, articleStamp
	return nil
}

// manifestReader reads what appendManifest wrote; ok turns false at the
// first fault, after which every read gives zero.
type manifestReader struct {
	b  []byte
	ok bool
}

func (r *manifestReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.b, r.ok = nil, false
		return 0
	}
	r.b = r.b[n:]
	return v
}

// varint undoes binary.AppendVarint's zig-zag over an unsigned varint.
func (r *manifestReader) varint() int64 {
	u := r.uvarint()
	v := int64(u >> 1)
	if u&1 != 0 {
		v = ^v
	}
	return v
}

func (r *manifestReader) uint64() uint64 {
	if len(r.b) < 8 {
		r.b, r.ok = nil, false
		return 0
	}
	v := binary.LittleEndian.Uint64(r.b)
	r.b = r.b[8:]
	return v
}

func (r *manifestReader) string() string {
	n, k := binary.Uvarint(r.b)
	if k <= 0 || uint64(len(r.b)-k) < n {
		r.b, r.ok = nil, false
		return ""
	}
	s := string(r.b[k : k+int(n)])
	r.b = r.b[k+int(n):]
	return s
}
