package store

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// ErrUnavailable is in the chain of a store's error when the store could
// not be reached at all (a database server restarting, stopped or off the
// network), rather than refusing one request: what needed it may work in
// a moment.
var ErrUnavailable = errors.New("the store is unavailable")

// Outage logs a store that stopped answering once, with the first failure
// met, and once when it answers again, with how long it was out and how
// many failures met it: while a database restarts, every search and every
// check of a serving process fails, and each logged a line. Failures of
// other kinds are logged each time. It is safe for concurrent use.
type Outage struct {
	log      *slog.Logger
	mu       sync.Mutex
	since    time.Time  // when the store stopped answering; zero while it answers
	level    slog.Level // of the outage's first line, which its end's shares
	failures int        // failures met since
}

// NewOutage returns an Outage that logs to log.
func NewOutage(log *slog.Logger) *Outage { return &Outage{log: log} }

// Failed logs msg with err and args at level: the first failure of an
// outage (err is ErrUnavailable), and every failure of another kind. The
// outage's later failures are logged at debug.
func (o *Outage) Failed(ctx context.Context, level slog.Level, msg string, err error, args ...any) {
	if errors.Is(err, ErrUnavailable) {
		o.mu.Lock()
		if o.since.IsZero() {
			o.since, o.level = time.Now(), level
		} else {
			level = slog.LevelDebug
		}
		o.failures++
		o.mu.Unlock()
	}
	o.log.Log(ctx, level, msg, append(args, "err", err)...)
}

// Answered notes that the store answered, and logs the end of an outage
// at the level of its start: a log that shows one shows the other.
func (o *Outage) Answered(ctx context.Context) {
	o.mu.Lock()
	since, level, failures := o.since, o.level, o.failures
	o.since, o.failures = time.Time{}, 0
	o.mu.Unlock()
	if !since.IsZero() {
		o.log.Log(ctx, level, "the store answers again", "out", time.Since(since).Round(100*time.Millisecond), "failures", failures)
	}
}
