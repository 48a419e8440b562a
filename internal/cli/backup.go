package cli

import (
	"context"
	"fmt"

	"newshub/internal/store/postgres"
	"newshub/internal/store/sqlite"
)

// runBackup writes a consistent, compact copy of a SQLite hub's database
// to a new file while the hub may be serving and ingesting.
func runBackup(ctx context.Context, env *Env, args []string) error {
	fs := env.newFlagSet("backup")
	if err := env.parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("want one FILE to write the backup to")
	}
	out := fs.Arg(0)
	if postgres.IsDSN(env.DSN()) {
		return fmt.Errorf("backup: %s is a PostgreSQL database: back it up with pg_dump (or copy --to sqlite:FILE while nothing writes to it)", redactDSN(env.DSN()))
	}
	st, err := env.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	sq, ok := st.(*sqlite.Store)
	if !ok {
		return fmt.Errorf("backup: %s is no SQLite store", redactDSN(env.DSN()))
	}
	before, err := sq.Space(ctx)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := sq.Backup(ctx, out); err != nil {
		return err
	}
	b, err := sqlite.Open(ctx, out)
	if err != nil {
		return fmt.Errorf("backup: reading %s back: %w", out, err)
	}
	defer b.Close()
	gen, err := b.Generation(ctx)
	if err != nil {
		return fmt.Errorf("backup: reading %s back: %w", out, err)
	}
	counts, err := b.Count(ctx)
	if err != nil {
		return fmt.Errorf("backup: reading %s back: %w", out, err)
	}
	after, err := b.Space(ctx)
	if err != nil {
		return fmt.Errorf("backup: reading %s back: %w", out, err)
	}
	fmt.Fprintf(env.Stdout, "backed up %s at generation %d to %s: %s; %s (the hub's file: %s, %s of it free pages)\n",
		redactDSN(env.DSN()), gen, out, kindSummary(counts), mib(after.File), mib(before.File), mib(before.Free))
	return nil
}

// mib writes a number of bytes in MiB.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
