// Package transfer moves a hub from one store to another (SQLite to
// PostgreSQL and back) and checks that the copy holds what the source does:
// the same counts, every record with the same path, kind, file bytes and
// value, and the rest it carries alike (source states, purged keys,
// files' modes, host holds, the rounds' log). Arrivals that ingest workers staged and no worker has stored
// yet go along into a store that can stage them; a copy into one that
// cannot is refused before anything is written, rather than lose them.
package transfer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/codec"
	"newshub/internal/store/postgres"
)

// DefaultBatch is how many records a copy writes per transaction.
const DefaultBatch = 1000

// maxBatchBytes bounds the file bytes of a batch, whatever its count: a
// thousand newsletters of a megabyte each, two batches held at once (one
// read while the other is written), would take gigabytes.
const maxBatchBytes = 16 << 20

// ErrNotEmpty is returned when the target of a copy already holds records.
var ErrNotEmpty = errors.New("the target store is not empty")

// ErrSameStore is returned when the source and the target of a copy
// are one store, reached by two addresses.
var ErrSameStore = errors.New("the source and the target are the same store")

// ErrUnfinished is returned for a store that holds the mark of a copy
// into it that has not finished (store.CopyMark): under way, or killed,
// stopped or failing its check, it may lack any part of the hub.
var ErrUnfinished = errors.New("the store holds a copy that has not finished")

// ErrStaged is returned when the source of a copy holds staged arrivals
// (see store.Stager) and the target cannot stage them.
var ErrStaged = errors.New("arrivals staged by ingest workers are not stored yet")

// Options tunes a copy.
type Options struct {
	// From names the source in the mark the copy leaves in the target
	// until it is checked (store.CopyMark).
	From  string
	Batch int // records per write at most (fewer when large); 0 means DefaultBatch
	// Progress, when set, is told the number of records to copy, then
	// each batch's size as it is written.
	Total    func(n int)
	Progress func(n int)
}

// Summary says what a copy or a check found.
type Summary struct {
	Records map[model.Kind]int
	Sources int // ingest states of sources
	// Tombstones counts the keys of purged articles.
	Tombstones int
	// Staged counts the arrivals staged by ingest workers, not stored yet.
	Staged  int
	Digest  string // of every record in path order, hex
	Elapsed time.Duration
}

// Copy writes every record, source state and host hold of from into to,
// which must be empty, and then checks the copy with Verify. From is read,
// and checked against, at one snapshot: what is written to it meanwhile
// is not copied. Reading and writing overlap: a batch is read while the
// one before is written. The
// target is marked (store.CopyMark) from before the first write until the
// check passes: a copy that does not finish leaves a store that says so
// (CheckFinished), however far it got.
func Copy(ctx context.Context, from, to store.Store, opt Options) (Summary, error) {
	start := time.Now()
	if err := checkApart(ctx, from, to); err != nil {
		return Summary{}, err
	}
	if err := checkEmpty(ctx, to); err != nil {
		return Summary{}, err
	}
	if err := to.SetCopyMark(ctx, &store.CopyMark{From: opt.From, Started: start}); err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	sum, err := copyAll(ctx, from, to, opt)
	sum.Elapsed = time.Since(start)
	if err != nil {
		return sum, err
	}
	if err := to.SetCopyMark(ctx, nil); err != nil {
		return sum, fmt.Errorf("copy: %w", err)
	}
	return sum, nil
}

// checkApart returns ErrSameStore when from and to are one PostgreSQL
// hub, which SameStore cannot tell from their addresses: a copy into it
// would be refused as a target not empty, which misleads, or, from an
// empty hub, mark it as a copy's target.
func checkApart(ctx context.Context, from, to store.Store) error {
	a, okA := from.(*postgres.Store)
	b, okB := to.(*postgres.Store)
	if !okA || !okB {
		return nil
	}
	idA, err := a.Identity(ctx)
	if err != nil {
		return fmt.Errorf("copy: source: %w", err)
	}
	idB, err := b.Identity(ctx)
	if err != nil {
		return fmt.Errorf("copy: target: %w", err)
	}
	if idA == idB {
		return ErrSameStore
	}
	return nil
}

// CheckFinished returns an error wrapping ErrUnfinished when st holds the
// mark of a copy that has not finished.
func CheckFinished(ctx context.Context, st store.Store) error {
	m, err := st.CopyMark(ctx)
	if err != nil {
		return err
	}
	if m != nil {
		return fmt.Errorf("%w (from %s, begun %s): it may lack any part of that hub", ErrUnfinished, m.From, m.Started.Local().Format(time.DateTime))
	}
	return nil
}

// copyAll is Copy into a marked target.
func copyAll(ctx context.Context, from, to store.Store, opt Options) (Summary, error) {
	batchSize := opt.Batch
	if batchSize <= 0 {
		batchSize = DefaultBatch
	}
	src, release, err := snapshot(ctx, from)
	if err != nil {
		return Summary{}, err
	}
	defer release()
	arrivals, err := staged(ctx, src)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	stager, ok := to.(store.Stager)
	if len(arrivals) > 0 && !ok {
		return Summary{}, fmt.Errorf("%w: %d of them, which the target cannot hold", ErrStaged, len(arrivals))
	}
	counts, err := src.Count(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	if opt.Total != nil {
		opt.Total(total(counts))
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []*model.Record, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		var (
			batch []*model.Record
			size  int
		)
		err := src.Scan(ctx, nil, func(r *model.Record) error {
			batch, size = append(batch, r), size+len(r.Raw)
			if len(batch) == batchSize || size >= maxBatchBytes {
				select {
				case batches <- batch:
				case <-ctx.Done():
					return ctx.Err()
				}
				batch, size = nil, 0
			}
			return nil
		})
		if err == nil && len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		readErr <- err
	}()
	for batch := range batches {
		if err := to.Upsert(ctx, batch); err != nil {
			cancel()
			return Summary{}, fmt.Errorf("copy: write: %w", err)
		}
		if opt.Progress != nil {
			opt.Progress(len(batch))
		}
	}
	if err := <-readErr; err != nil {
		return Summary{}, fmt.Errorf("copy: read: %w", err)
	}
	states, err := src.SourceStates(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	for _, s := range states {
		if err := to.PutSourceState(ctx, s); err != nil {
			return Summary{}, fmt.Errorf("copy: %w", err)
		}
	}
	// A host that asked by a Retry-After to be left alone is left alone
	// by the copy's ingest too, until the time it asked.
	now := time.Now()
	holds, err := src.HostHolds(ctx, now)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	if err := to.PutHostHolds(ctx, holds, now); err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	// The files' modes go along, for export from the copy to write them.
	modes, err := src.Modes(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	if err := to.SetModes(ctx, modes); err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	// The ingest rounds' log goes along, oldest first as it was written.
	rounds, err := src.Rounds(ctx, store.MaxRounds)
	if err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	for i := len(rounds) - 1; i >= 0; i-- {
		if err := to.AddRound(ctx, rounds[i]); err != nil {
			return Summary{}, fmt.Errorf("copy: %w", err)
		}
	}
	if err := copyTombstones(ctx, src, to, batchSize); err != nil {
		return Summary{}, fmt.Errorf("copy: %w", err)
	}
	if len(arrivals) > 0 {
		for i := range arrivals {
			arrivals[i].ID = 0 // the target numbers them
		}
		if err := stager.Stage(ctx, arrivals); err != nil {
			return Summary{}, fmt.Errorf("copy: %w", err)
		}
	}
	return Verify(ctx, src, to)
}

// snapshot returns a reader of st at one snapshot, and its release: a
// copy of a hub written meanwhile (an ingest beside it) reads, and is
// checked against, the one generation the snapshot holds, where reading
// the store query after query mixed two, and the check failed (or passed
// on the mix).
func snapshot(ctx context.Context, st store.Store) (store.HubReader, func(), error) {
	r, release, err := store.OpenSnapshot(ctx, st)
	if err != nil {
		return nil, nil, fmt.Errorf("copy: %w", err)
	}
	return r, release, nil
}

// copyTombstones keeps in to the keys of the articles purged from from,
// in batches (a purge of version 0 keeps keys and deletes nothing).
func copyTombstones(ctx context.Context, from store.HubReader, to store.Store, batchSize int) error {
	var batch []store.Purge
	flush := func() error {
		err := to.Purge(ctx, batch)
		batch = batch[:0]
		return err
	}
	err := from.Tombstones(ctx, func(t store.Tombstone) error {
		batch = append(batch, store.Purge{Path: t.Path, Keys: []string{t.Key}, At: t.PurgedAt, Dated: t.Dated})
		if len(batch) == batchSize {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	return err
}

// tombstones lists the tombstones of st.
func tombstones(ctx context.Context, st store.HubReader) ([]store.Tombstone, error) {
	var out []store.Tombstone
	err := st.Tombstones(ctx, func(t store.Tombstone) error {
		out = append(out, t)
		return nil
	})
	return out, err
}

// checkEmpty refuses a target that holds any record or source state: a
// copy into it would leave a mix of two hubs. A target an earlier copy
// left unfinished is refused as such, whatever it holds.
func checkEmpty(ctx context.Context, st store.Store) error {
	if err := CheckFinished(ctx, st); err != nil {
		return err
	}
	counts, err := st.Count(ctx)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	states, err := st.SourceStates(ctx)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	arrivals, err := staged(ctx, st)
	if err != nil {
		return fmt.Errorf("copy: %w", err)
	}
	if n := total(counts); n > 0 || len(states) > 0 || len(arrivals) > 0 {
		return fmt.Errorf("%w: it holds %d records, %d source states and %d staged arrivals", ErrNotEmpty, n, len(states), len(arrivals))
	}
	return nil
}

// staged returns the arrivals staged in st, none when it cannot stage.
func staged(ctx context.Context, st store.HubReader) ([]store.Staged, error) {
	sg, ok := st.(store.StagedReader)
	if !ok {
		return nil, nil
	}
	return sg.Staged(ctx)
}

// sameStaged compares staged arrivals by their source and record, not
// by the numbers each store gave them.
func sameStaged(a, b []store.Staged) (bool, error) {
	if len(a) != len(b) {
		return false, nil
	}
	for i := range a {
		va, err := codec.Encode(a[i].Record)
		if err != nil {
			return false, err
		}
		vb, err := codec.Encode(b[i].Record)
		if err != nil {
			return false, err
		}
		if a[i].Source != b[i].Source || !bytes.Equal(va, vb) {
			return false, nil
		}
	}
	return true, nil
}

func total(counts map[model.Kind]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// maxReported is how many differing records a failed check names.
const maxReported = 10

// Verify checks that a and b hold the same records, source states, purged
// keys, staged arrivals, files' modes, host holds and rounds' log. It reads both stores in path order at once and
// compares a digest of each record: its path, kind, file bytes and value
// as the codec encodes it. The error names the first records that differ.
func Verify(ctx context.Context, a, b store.HubReader) (Summary, error) {
	ca, err := a.Count(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("verify: %w", err)
	}
	cb, err := b.Count(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("verify: %w", err)
	}
	var problems []string
	if !maps.Equal(ca, cb) {
		problems = append(problems, fmt.Sprintf("counts differ: %v in the source, %v in the copy", ca, cb))
	}
	scanCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	da, errA := digests(scanCtx, a)
	db, errB := digests(scanCtx, b)
	hub := sha256.New()
	ra, okA := <-da
	rb, okB := <-db
	for (okA || okB) && len(problems) < maxReported {
		switch {
		case okA && (!okB || ra.path < rb.path):
			problems = append(problems, ra.path+": missing from the copy")
			ra, okA = <-da
		case okB && (!okA || rb.path < ra.path):
			problems = append(problems, rb.path+": in the copy only")
			rb, okB = <-db
		default:
			if ra.sum != rb.sum {
				problems = append(problems, ra.path+": differs")
			}
			hub.Write(ra.sum[:])
			ra, okA = <-da
			rb, okB = <-db
		}
	}
	cancel()
	for range da {
	}
	for range db {
	}
	for _, err := range []error{<-errA, <-errB} {
		if err != nil && !errors.Is(err, context.Canceled) { // canceled: stopped at maxReported
			return Summary{}, fmt.Errorf("verify: %w", err)
		}
	}
	sa, sb, err := readBoth(a, b, func(st store.HubReader) ([]store.SourceState, error) { return st.SourceStates(ctx) })
	if err != nil {
		return Summary{}, err
	}
	if !slices.EqualFunc(sa, sb, sameState) {
		problems = append(problems, fmt.Sprintf("source states differ: %d in the source, %d in the copy", len(sa), len(sb)))
	}
	ta, tb, err := readBoth(a, b, func(st store.HubReader) ([]store.Tombstone, error) { return tombstones(ctx, st) })
	if err != nil {
		return Summary{}, err
	}
	if !slices.EqualFunc(ta, tb, func(x, y store.Tombstone) bool {
		return x.Key == y.Key && x.Path == y.Path && x.PurgedAt.Equal(y.PurgedAt) && x.Dated.Equal(y.Dated)
	}) {
		problems = append(problems, fmt.Sprintf("purged keys differ: %d in the source, %d in the copy", len(ta), len(tb)))
	}
	ga, gb, err := readBoth(a, b, func(st store.HubReader) ([]store.Staged, error) { return staged(ctx, st) })
	if err != nil {
		return Summary{}, err
	}
	if same, err := sameStaged(ga, gb); err != nil {
		return Summary{}, fmt.Errorf("verify: %w", err)
	} else if !same {
		problems = append(problems, fmt.Sprintf("staged arrivals differ: %d in the source, %d in the copy", len(ga), len(gb)))
	}
	more, err := verifyLogs(ctx, a, b)
	if err != nil {
		return Summary{}, err
	}
	problems = append(problems, more...)
	sum := Summary{Records: ca, Sources: len(sa), Tombstones: len(ta), Staged: len(ga), Digest: hex.EncodeToString(hub.Sum(nil))}
	if len(problems) > 0 {
		return sum, fmt.Errorf("verify: the copy differs from the source:\n  %s", strings.Join(problems, "\n  "))
	}
	return sum, nil
}

// verifyLogs compares what a copy carries beside the hub's data: the
// files' modes (export writes them), the holds of hosts that asked to
// wait (the copy's ingest keeps to them) and the rounds' log. A copy that
// dropped any of them passed its check.
func verifyLogs(ctx context.Context, a, b store.HubReader) ([]string, error) {
	var problems []string
	ma, mb, err := readBoth(a, b, func(st store.HubReader) (map[string]fs.FileMode, error) { return st.Modes(ctx) })
	if err != nil {
		return nil, err
	}
	if !maps.Equal(ma, mb) {
		problems = append(problems, fmt.Sprintf("file modes differ: %d in the source, %d in the copy", len(ma), len(mb)))
	}
	now := time.Now() // both read at one instant: a hold over between the reads is left out of both
	ha, hb, err := readBoth(a, b, func(st store.HubReader) (map[string]time.Time, error) { return st.HostHolds(ctx, now) })
	if err != nil {
		return nil, err
	}
	if !maps.EqualFunc(ha, hb, time.Time.Equal) {
		problems = append(problems, fmt.Sprintf("host holds differ: %d in the source, %d in the copy", len(ha), len(hb)))
	}
	ra, rb, err := readBoth(a, b, func(st store.HubReader) ([]store.Round, error) { return st.Rounds(ctx, store.MaxRounds) })
	if err != nil {
		return nil, err
	}
	if !slices.EqualFunc(ra, rb, sameRound) {
		problems = append(problems, fmt.Sprintf("rounds differ: %d in the source, %d in the copy", len(ra), len(rb)))
	}
	return problems, nil
}

// readBoth reads one part of a and of b.
func readBoth[T any](a, b store.HubReader, read func(store.HubReader) (T, error)) (T, T, error) {
	x, err := read(a)
	if err != nil {
		return x, x, fmt.Errorf("verify: %w", err)
	}
	y, err := read(b)
	if err != nil {
		return x, y, fmt.Errorf("verify: %w", err)
	}
	return x, y, nil
}

// sameRound compares logged rounds, their summaries as every store can
// hold them (see sameState).
func sameRound(a, b store.Round) bool {
	return a.Started.Equal(b.Started) && postgres.Text(string(a.Summary)) == postgres.Text(string(b.Summary))
}

// sameState compares source states, their times as instants and their
// text as every store can hold it: PostgreSQL holds only UTF-8 without
// NUL, where SQLite keeps a server's status or ETag whole (a reason
// phrase sent in Latin-1), and a copy between the two holds it as
// PostgreSQL does (postgres.Text).
func sameState(a, b store.SourceState) bool {
	if !a.LastFetch.Equal(b.LastFetch) || !a.LastSuccess.Equal(b.LastSuccess) || !a.NextFetch.Equal(b.NextFetch) {
		return false
	}
	a.LastFetch, a.LastSuccess, a.NextFetch = b.LastFetch, b.LastSuccess, b.NextFetch
	for _, s := range []*store.SourceState{&a, &b} {
		s.URL, s.ETag, s.LastModified, s.LastStatus = postgres.Text(s.URL), postgres.Text(s.ETag), postgres.Text(s.LastModified), postgres.Text(s.LastStatus)
	}
	return reflect.DeepEqual(a, b)
}

// recordSum is the digest of one record.
type recordSum struct {
	path string
	sum  [sha256.Size]byte
}

// digests scans st in path order into a channel of record digests; the
// scan's error follows on the second channel once the first is closed.
func digests(ctx context.Context, st store.HubReader) (<-chan recordSum, <-chan error) {
	out := make(chan recordSum, 256)
	errc := make(chan error, 1)
	go func() {
		defer close(out)
		h := sha256.New()
		errc <- st.Scan(ctx, nil, func(r *model.Record) error {
			value, err := codec.Encode(r)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Path, err)
			}
			h.Reset()
			for _, part := range [][]byte{[]byte(r.Path), []byte(r.Kind), r.Raw, value} {
				writePart(h, part)
			}
			rs := recordSum{path: r.Path}
			h.Sum(rs.sum[:0])
			select {
			case out <- rs:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	return out, errc
}

// writePart writes b length first, so no two lists of parts hash alike.
func writePart(h hash.Hash, b []byte) {
	h.Write(binary.BigEndian.AppendUint64(nil, uint64(len(b))))
	h.Write(b)
}

// SameStore reports whether the DSNs a and b name one store: equal, or
// SQLite paths of one file however written (relative or absolute, through
// "..", "./" or a symbolic link). A copy from a store into itself would be
// refused as a target not empty, which misleads.
func SameStore(a, b string) bool {
	if a == b {
		return true
	}
	pa, okA := strings.CutPrefix(a, "sqlite:")
	pb, okB := strings.CutPrefix(b, "sqlite:")
	if !okA || !okB {
		return false
	}
	fa, errA := os.Stat(pa)
	fb, errB := os.Stat(pb)
	if errA != nil || errB != nil {
		// A file not made yet: one when the paths are.
		absA, errA := filepath.Abs(pa)
		absB, errB := filepath.Abs(pb)
		return errA == nil && errB == nil && absA == absB
	}
	return os.SameFile(fa, fb)
}
