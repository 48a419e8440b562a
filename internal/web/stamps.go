package web

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
	"net/url"
	"sync/atomic"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
)

// A page's stamp tells what it was rendered from, so that an update of
// the website renders again only the pages whose bytes can change (see
// publish.Output.KeepStamped). It holds a hash of the page's inputs, the
// view's time, and every time the page may show as "… ago": the only
// input that changes without a record changing is the view's time, and a
// page stays fresh while each of those texts stays the same.
//
// The inputs hashed are the site's settings and the view's base URL and
// zone (siteHash), and the records the page is made from by path and
// version: a view's entry is made from its record alone, and a record's
// version changes with anything in it (its story, lead, topics, related
// coverage). A story's pages depend on its members, in order, and which
// of them own their address; an archived article's page on the archived
// records that claim its address and the paths that may own it.

// stamper makes and checks the stamps of one build's pages.
type stamper struct {
	site [32]byte
	now  time.Time

	aged atomic.Int64 // pages made again only because a time's "… ago" changed
}

// siteStamp is the stamp of the page that records which settings a build
// used (see builder.run).
func (s *stamper) siteStamp() string { return "site " + hex.EncodeToString(s.site[:]) }

func newStamper(vc *viewCache) *stamper {
	return &stamper{site: siteHash(vc), now: vc.now}
}

// stampHash hashes a page's inputs. Stamps outlive the process (a build
// saves its manifest beside OUT), so the hash takes no random seed; a
// cryptographic one keeps anyone who writes a record from making a page
// whose new inputs pass for its old ones.
type stampHash struct{ h hash.Hash }

func newStampHash() *stampHash { return &stampHash{h: sha256.New()} }

func (h *stampHash) Write(b []byte)       { h.h.Write(b) }
func (h *stampHash) WriteString(s string) { h.h.Write([]byte(s)) }
func (h *stampHash) WriteByte(c byte) error {
	h.h.Write([]byte{c})
	return nil
}

// Sum64 is the first 8 bytes of the hash.
func (h *stampHash) Sum64() uint64 {
	var b [sha256.Size]byte
	return binary.LittleEndian.Uint64(h.h.Sum(b[:0]))
}

// siteHash hashes what every page depends on beside its records: the
// site's settings, topics and organizations, the view's base URL and
// zone, and the frame every page shares (its menu links the newsletters
// once there is one, which no article's record says).
func siteHash(vc *viewCache) [32]byte {
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, x := range []any{vc.site.Config, vc.site.Topics, vc.site.Orgs, vc.v.BaseURL(), vc.loc.String()} {
		if err := enc.Encode(x); err != nil {
			h.Write([]byte(err.Error())) // never fresh: the hash holds the error
			h.Write([]byte(time.Now().String()))
		}
	}
	fmt.Fprintf(h, "%+v", *vc.pageCommon())
	var sum [32]byte
	h.Sum(sum[:0])
	return sum
}

// inputs starts the hash of a page's inputs.
func (s *stamper) inputs(kind string) *stampHash {
	h := newStampHash()
	h.Write(s.site[:])
	h.WriteString(kind)
	h.WriteByte(0)
	return h
}

// entry adds an entry of the view to a hash: its record, and whether the
// entry owns its address.
func entry(h *stampHash, e *publish.Entry, owns bool) {
	h.WriteString(e.Path)
	h.WriteByte(0)
	var b [9]byte
	binary.LittleEndian.PutUint64(b[:], uint64(e.Version()))
	if owns {
		b[8] = 1
	}
	h.Write(b[:])
}

// storyHash hashes what a story's pages are made from.
func (s *stamper) storyHash(v *publish.View, st *publish.Story) uint64 {
	h := s.inputs("story")
	h.WriteString(st.ID)
	h.WriteByte(0)
	for _, e := range st.Members {
		entry(h, e, v.Article(e.Key) == e)
	}
	return h.Sum64()
}

// looseHash hashes what the page of an article in no story is made from.
func (s *stamper) looseHash(e *publish.Entry) uint64 {
	h := s.inputs("loose")
	entry(h, e, true)
	return h.Sum64()
}

// archivedHash hashes what the page at an archived article's address is
// made from: the archived records that claim it, by path, and the paths
// that may own it in the order they would (the view learns of oddly
// named archived files only now and then).
func (s *stamper) archivedHash(v *publish.View, key string, claims []archivedClaim) uint64 {
	h := s.inputs("archived")
	h.WriteString(key)
	for _, p := range v.ArchivedCandidates(key) {
		h.WriteByte(0)
		h.WriteString(p)
	}
	h.WriteByte(1)
	for _, c := range claims {
		h.WriteByte(0)
		h.WriteString(c.path)
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(c.version))
		h.Write(b[:])
	}
	return h.Sum64()
}

// of combines a group's hash with one of its pages.
func (s *stamper) of(group uint64, page string) uint64 {
	h := newStampHash()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], group)
	h.Write(b[:])
	h.WriteString(page)
	return h.Sum64()
}

// stamp makes the stamp of a page whose inputs hash to sum and which may
// show the times ts.
func (s *stamper) stamp(sum uint64, ts []time.Time) string {
	b := make([]byte, 0, 8+12*(len(ts)+1))
	b = binary.LittleEndian.AppendUint64(b, sum)
	b = appendTime(b, s.now)
	for _, t := range ts {
		if agoFixed(t) {
			continue
		}
		b = appendTime(b, t)
	}
	return string(b)
}

// fresh reports whether a page stamped prev is still what this build
// would render for inputs hashing to sum.
func (s *stamper) fresh(prev string, sum uint64) bool {
	if len(prev) < 20 || (len(prev)-8)%12 != 0 || binary.LittleEndian.Uint64([]byte(prev[:8])) != sum {
		return false
	}
	then := readTime(prev[8:20])
	for i := 20; i < len(prev); i += 12 {
		t := readTime(prev[i : i+12])
		if ago(then, t) != ago(s.now, t) {
			s.aged.Add(1)
			return false
		}
	}
	return true
}

// agoFixed reports whether ago says the same of t at any time a build
// runs: the zero time, and times a stamp cannot hold (before 1678 or
// after 2261), are shown as their date.
func agoFixed(t time.Time) bool {
	y := t.Year()
	return y < 1678 || y > 2261
}

// appendTime appends t as its Unix nanoseconds and its zone's offset,
// which is all ago reads of it.
func appendTime(b []byte, t time.Time) []byte {
	_, off := t.Zone()
	b = binary.LittleEndian.AppendUint64(b, uint64(t.UnixNano()))
	return binary.LittleEndian.AppendUint32(b, uint32(int32(off)))
}

func readTime(s string) time.Time {
	n := int64(binary.LittleEndian.Uint64([]byte(s[:8])))
	off := int32(binary.LittleEndian.Uint32([]byte(s[8:12])))
	return time.Unix(0, n).In(time.FixedZone("", int(off)))
}

// relatedTimes lists the times of a record's related coverage.
func relatedTimes(ts []time.Time, rel []model.Related) []time.Time {
	for _, r := range rel {
		ts = append(ts, r.PublishedDateTime)
	}
	return ts
}

// archivedClaim is an archived record that claims an address.
type archivedClaim struct {
	path    string
	version int64
}

// storyFile and articleFile are the files of a story's and an
// article's pages, as page names them; "" when unsafe (the page then
// fails as it is rendered).
func storyFile(id string) string {
	name, _ := filePath("stories/" + url.PathEscape(id) + "/index.html")
	return name
}

func articleFile(key string) string {
	name, _ := filePath("news/" + key + "/index.html")
	return name
}
