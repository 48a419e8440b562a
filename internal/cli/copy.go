package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"newshub/internal/progress"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/transfer"
)

// runCopy moves a hub from one store to another and checks the copy.
func runCopy(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("copy")
	from := fs.String("from", "", "the store to read: sqlite:PATH or postgres://… (default: the --db store)")
	to := fs.String("to", "", "the store to write, which must be empty: sqlite:PATH or postgres://…")
	batch := fs.Int("batch", transfer.DefaultBatch, "records written per transaction")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected arguments %q", fs.Args())
	}
	fromName := "--from"
	if *from == "" {
		*from, fromName = env.DSN(), env.dbName()
	}
	if *to == "" {
		return usageError("--to is required")
	}
	if err := checkDSN(fromName, *from); err != nil {
		return err
	}
	if err := checkDSN("--to", *to); err != nil {
		return err
	}
	if transfer.SameStore(*from, *to) {
		return usageError("--from and --to name the same store")
	}
	src, err := openDSN(ctx, *from, onePass)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := openDSN(ctx, *to, copyTarget)
	if err != nil {
		return err
	}
	defer dst.Close()
	var (
		bar *progress.Reporter
		sum transfer.Summary
	)
	err = lockedForCopy(ctx, *to, dst, func(ctx context.Context) error {
		var err error
		sum, err = transfer.Copy(ctx, src, dst, transfer.Options{
			From:     redactDSN(*from),
			Batch:    *batch,
			Total:    func(n int) { bar = progress.New(env.Stderr, "copy", "records", int64(n)) },
			Progress: func(n int) { bar.Add(n) },
		})
		if bar != nil {
			bar.Finish()
		}
		return err
	})
	if errors.Is(err, transfer.ErrSameStore) {
		return usageError("--from and --to name the same store")
	}
	if errors.Is(err, errCopyLocked) {
		return fmt.Errorf("copy into %s: %w", redactDSN(*to), err)
	}
	if errors.Is(err, transfer.ErrUnfinished) {
		return fmt.Errorf("copy into %s: %w: %s", redactDSN(*to), err, startOver(*to))
	}
	if errors.Is(err, transfer.ErrNotEmpty) {
		return fmt.Errorf("copy into %s: %w: copy into a new database", redactDSN(*to), err)
	}
	if errors.Is(err, transfer.ErrStaged) {
		return fmt.Errorf("copy from %s: %w: run `newshub ingest --once` against it, which stores them, then copy (nothing was written to %s)",
			redactDSN(*from), err, redactDSN(*to))
	}
	if err != nil {
		err = fmt.Errorf("copy from %s to %s: %w", redactDSN(*from), redactDSN(*to), err)
		// Read again, as the copy may have failed before it marked it.
		if ferr := transfer.CheckFinished(context.WithoutCancel(ctx), dst); ferr != nil {
			err = fmt.Errorf("%w\n%s: %w, which no command opens: %s", err, redactDSN(*to), ferr, startOver(*to))
		}
		return err
	}
	n := 0
	for _, c := range sum.Records {
		n += c
	}
	fmt.Fprintf(env.Stdout, "copied %d records and %d source states from %s to %s in %s (%.0f records/s): %s\n",
		n, sum.Sources, redactDSN(*from), redactDSN(*to), round(sum.Elapsed), progress.Rate(int64(n), sum.Elapsed), kindSummary(sum.Records))
	if sum.Staged > 0 {
		fmt.Fprintf(env.Stdout, "and %d arrivals staged by ingest workers, not stored yet: the next ingest round stores them\n", sum.Staged)
	}
	fmt.Fprintf(env.Stdout, "verified: both hold the same counts and every record alike (digest %s)\n", sum.Digest)
	return nil
}

// startOver says how to make the target of a copy that did not finish
// ready for the copy again.
func startOver(dsn string) string {
	if path, ok := strings.CutPrefix(dsn, "sqlite:"); ok {
		return fmt.Sprintf("remove %s (and %s-wal, %s-shm beside it), then copy again", path, path, path)
	}
	return "drop its tables (drop the database or the hub's schema and create it again, empty), then copy again"
}

// errCopyLocked says another copy holds the target's copy lock.
var errCopyLocked = errors.New("another copy into it is running")

// lockedForCopy runs fn holding the lock that keeps two copies from
// writing into one store at once: an advisory lock on PostgreSQL, a lock
// file beside a SQLite database. PostgreSQL drops the lock with its
// session (a server restart, a connection ended), when another copy may
// take it: fn's context is then cancelled, and the copy stops.
func lockedForCopy(ctx context.Context, dsn string, st store.Store, fn func(ctx context.Context) error) error {
	if postgres.IsDSN(dsn) {
		ran, err := st.(*postgres.Store).TryExclusive(ctx, "copy", fn)
		if !ran && err == nil {
			return errCopyLocked
		}
		return err
	}
	unlock, err := transfer.LockFile(strings.TrimPrefix(dsn, "sqlite:") + ".copy-lock")
	if errors.Is(err, transfer.ErrLocked) {
		return errCopyLocked
	}
	if err != nil {
		return err
	}
	defer unlock()
	return fn(ctx)
}
