package publish

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// OldTrees removes, in the background, the old trees a publishing
// process's updates set aside (see swapIn), so that the next update does
// not wait on them: the old tree of a hub of 15,000 articles took 30 s
// and more to remove. One tree is removed at a time, one file at a time
// (backgroundRemovers) to leave the update the machine, and one more waits
// its turn; an update setting aside a third waits until the one being
// removed is gone, so old trees never fill the disk faster than they go.
// While an update builds (see hold), the removal waits between two files
// (see heldEvery) and goes on once the update returns, or waits on it.
//
// A tree set aside is named .OUT.gone-* beside OUT (see goneName) until
// it is gone. A process stopped, or killed, mid-removal leaves it there,
// part removed, and the next build of OUT removes the rest (see
// recoverLeftovers): unlike a swap's .OUT.old-*, it is never put back.
type OldTrees struct {
	log    *slog.Logger
	queue  chan string // the tree waiting its turn
	cancel context.CancelFunc
	done   chan struct{}

	mu    sync.Mutex
	known map[string]bool // queued or being removed
	// builds counts the updates under way (see hold), waiting those of
	// them that wait for room in the queue; resume is closed once no
	// update holds the removal back.
	builds, waiting int
	resume          chan struct{}

	every time.Duration // see heldEvery
	// pausing, when set, is called each time the removal waits on an
	// update.
	pausing func()

	// removing, when set, is called with each tree before its removal
	// starts, and ctx, done when the removal is to stop.
	removing func(ctx context.Context, tree string)
}

// NewOldTrees starts removing the trees it is handed until ctx is done
// or Close is called; log, when not nil, says what went and how long it
// took.
func NewOldTrees(ctx context.Context, log *slog.Logger) *OldTrees {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	ctx, cancel := context.WithCancel(ctx)
	o := &OldTrees{log: log, queue: make(chan string, 1), cancel: cancel, done: make(chan struct{}), known: map[string]bool{}, every: heldEvery}
	go o.run(ctx)
	return o
}

// Close stops the removal under way, leaving the rest of its tree and
// the tree waiting to the next build of OUT, and returns once it stopped.
func (o *OldTrees) Close() {
	o.cancel()
	<-o.done
}

// run removes the trees queued, one at a time.
func (o *OldTrees) run(ctx context.Context) {
	defer close(o.done)
	for {
		select {
		case <-ctx.Done():
			return
		case tree := <-o.queue:
			o.remove(ctx, tree)
		}
	}
}

// remove removes one tree and forgets it, removed or not: a tree that
// could not go is tried again by the next build's recoverLeftovers.
func (o *OldTrees) remove(ctx context.Context, tree string) {
	defer func() {
		o.mu.Lock()
		delete(o.known, tree)
		o.mu.Unlock()
	}()
	if o.removing != nil {
		o.removing(ctx, tree)
	}
	start := time.Now()
	err := removeTree(ctx, tree, backgroundRemovers, nil, o.turn)
	took := time.Since(start).Round(time.Millisecond)
	switch {
	case err == nil:
		o.log.Info("build: old tree removed", "tree", tree, "took", took)
	case errors.Is(err, context.Canceled):
		o.log.Info("build: old tree's removal stopped; the next build of OUT removes the rest", "tree", tree, "took", took)
	default:
		o.log.Warn("build: old tree left; the next build tries again", "tree", tree, "err", err)
	}
}

// add hands tree over to be removed. With wait, it waits for its turn
// while a tree is removed and another waits, until ctx is done (the tree
// is then left to the next build's recoverLeftovers); without, it leaves
// the tree where there is no room. It reports whether the tree is queued
// or was already.
func (o *OldTrees) add(ctx context.Context, tree string, wait bool) bool {
	o.mu.Lock()
	if o.known[tree] {
		o.mu.Unlock()
		return true
	}
	o.known[tree] = true
	o.mu.Unlock()
	if wait {
		// This update waits on the removal: it is held back no more.
		o.change(func() { o.waiting++ })
		defer o.change(func() { o.waiting-- })
		select {
		case o.queue <- tree:
			return true
		case <-o.done:
		case <-ctx.Done():
		}
	} else {
		select {
		case o.queue <- tree:
			return true
		default:
		}
	}
	o.mu.Lock()
	delete(o.known, tree)
	o.mu.Unlock()
	return false
}

// heldEvery is how long the removal of an old tree waits at most, per
// file or folder, while an update builds. Beside the removal of 100,000 files, an
// update writing nothing took 0.9-1.4 s where it took 0.5-0.6 s alone:
// held back, the removal leaves the update the disk and the processors,
// and goes on between updates. A process updating with no pause between
// must still see its old tree go: one file or folder each 50 ms costs
// the update nothing, and removes 100,000 files in 1.4 h at worst.
const heldEvery = 50 * time.Millisecond

// hold holds the removal back, between two files, while the update
// calling it builds, until it calls the function returned.
func (o *OldTrees) hold() (release func()) {
	o.change(func() { o.builds++ })
	return func() { o.change(func() { o.builds-- }) }
}

// held reports, under mu, whether an update holds the removal back: one
// builds, and none waits for the removal to make room in the queue.
func (o *OldTrees) held() bool {
	return o.builds > 0 && o.waiting == 0
}

// change applies fn to the counts of updates, and lets the removal go on
// once none holds it back.
func (o *OldTrees) change(fn func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	was := o.held()
	fn()
	switch now := o.held(); {
	case was && !now:
		close(o.resume)
	case !was && now:
		o.resume = make(chan struct{})
	}
}

// turn waits, before each removal of a file or folder and each folder
// read, while an update
// holds the removal back: until none does, ctx is done, or heldEvery
// passed.
func (o *OldTrees) turn(ctx context.Context) {
	o.mu.Lock()
	held, resume := o.held(), o.resume
	o.mu.Unlock()
	if !held {
		return
	}
	if o.pausing != nil {
		o.pausing()
	}
	t := time.NewTimer(o.every)
	defer t.Stop()
	select {
	case <-resume:
	case <-ctx.Done():
	case <-t.C:
	}
}

// goneName is where an update sets aside OUT's old tree, beside OUT,
// named after the build's temporary folder tmp: .OUT.gone-*.
func goneName(out, tmp string) string {
	base := "." + filepath.Base(out)
	return filepath.Join(filepath.Dir(out), base+".gone-"+strings.TrimPrefix(filepath.Base(tmp), base+".build-"))
}
