package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"newshub/internal/importer"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/sqlite"
	"newshub/internal/store/transfer"
)

// storeUse says how a command reads the store, which tunes how it is opened.
type storeUse int

const (
	randomReads     storeUse = iota // serving: many small lookups and searches
	onePass                         // a build: everything read once, in order
	scatteredWrites                 // retention: records rewritten and deleted all over the file
	ingestRounds                    // ingest: windows read in pages, keys looked up in batches
	copyTarget                      // copy's target: opened though marked unfinished (transfer.CheckFinished)
)

// openStore opens the database the global --db flag names.
func (env *Env) openStore(ctx context.Context) (store.Store, error) {
	return env.openStoreFor(ctx, randomReads)
}

func (env *Env) openStoreFor(ctx context.Context, use storeUse) (store.Store, error) {
	if err := env.checkSiteFolder(); err != nil {
		return nil, err
	}
	if err := env.checkDBFolder(); err != nil {
		return nil, err
	}
	return env.openStoreIn(ctx, use)
}

// checkDBFolder refuses a SQLite database given by --db (or NEWSHUB_DB)
// in a folder that does not exist, as checkSiteFolder refuses a site
// folder: a mistyped path, or a disk not mounted, would make the folders
// and a new, empty hub in them. import, which makes a hub's database, opens
// the store without this check.
func (env *Env) checkDBFolder() error {
	path, ok := strings.CutPrefix(env.DB, "sqlite:")
	if !ok {
		return nil
	}
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("database %s (--db, NEWSHUB_DB): folder %s does not exist; newshub import makes a hub's database from its site folder", env.DB, dir)
	}
	return nil
}

// checkSiteFolder refuses a site folder that does not exist, or that
// holds neither a _config.yml nor a hub's database, when the database is
// the one inside it (no --db): a mistyped --site, or a command run in the
// wrong folder (--site defaults to the current one), would make a new,
// empty hub there, which the command would serve, build or report.
func (env *Env) checkSiteFolder() error {
	if env.DB != "" {
		return nil
	}
	fi, err := os.Stat(env.Site)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("site folder %s does not exist: newshub init %s makes one, or give --site", env.Site, env.Site)
	case err != nil:
		return fmt.Errorf("site folder: %w", err)
	case !fi.IsDir():
		return fmt.Errorf("site folder %s is not a folder", env.Site)
	}
	for _, p := range []string{filepath.Join(env.Site, "_config.yml"), strings.TrimPrefix(env.DSN(), "sqlite:")} {
		if _, err := os.Stat(p); !errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	return fmt.Errorf("%s is no site folder (no _config.yml, no hub): give --site the hub's folder, or newshub init DIR makes one", env.Site)
}

// openStoreIn opens the database --db names, making a new one where
// there is none: import makes the hub's store so, from the folder it reads.
func (env *Env) openStoreIn(ctx context.Context, use storeUse) (store.Store, error) {
	if err := checkDSN(env.dbName(), env.DSN()); err != nil {
		return nil, err
	}
	st, err := openDSN(ctx, env.DSN(), use)
	if r, ok := st.(interface{ Rebuilt() bool }); ok && r.Rebuilt() {
		env.Log.Warn("the store held the remains of a bulk import that was interrupted: it starts again empty; import the site again",
			"db", redactDSN(env.DSN()))
	}
	return st, err
}

// openDSN opens the store a DSN names: sqlite:PATH or postgres://….
func openDSN(ctx context.Context, dsn string, use storeUse) (store.Store, error) {
	st, err := openKind(ctx, dsn, use)
	if err != nil || use == copyTarget {
		return st, err
	}
	// A hub a copy left half-filled is served, ingested and exported by
	// no command: it may lack any part of the hub it copied.
	if err := transfer.CheckFinished(ctx, st); err != nil {
		st.Close()
		return nil, fmt.Errorf("open %s: %w: %s", redactDSN(dsn), err, startOver(dsn))
	}
	return st, nil
}

// openKind opens the store of the kind dsn names.
func openKind(ctx context.Context, dsn string, use storeUse) (store.Store, error) {
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		var opts []sqlite.Option
		switch use {
		case onePass:
			opts = append(opts, sqlite.ReadMap(0))
		case scatteredWrites:
			opts = append(opts, sqlite.ReadMap(0), sqlite.WriteCache(64<<20))
		case ingestRounds:
			// The readers' caches would come on top of the Go heap
			// the soft memory limit bounds (see runIngest), for
			// nothing the file cache does not give: curation reads
			// each window page once.
			opts = append(opts, sqlite.ReadMap(0), sqlite.ReadCache(1<<20))
		}
		st, err := sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"), opts...)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dsn, err)
		}
		return st, nil
	case postgres.IsDSN(dsn):
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", redactDSN(dsn), err)
		}
		return st, nil
	default:
		return nil, checkDSN("database", dsn)
	}
}

// checkDSN refuses a DSN of no kind newshub opens, naming the flag or the
// variable that gave it.
func checkDSN(name, dsn string) error {
	if strings.HasPrefix(dsn, "sqlite:") || postgres.IsDSN(dsn) {
		return nil
	}
	return usageError("%s %q: want sqlite:PATH or postgres://…", name, redactDSN(dsn))
}

// dbName names where the DSN of --db came from, for messages.
func (env *Env) dbName() string {
	if env.DB != "" && env.DB == env.Getenv("NEWSHUB_DB") {
		return "NEWSHUB_DB"
	}
	return "--db"
}

// storeFiles returns the files of the SQLite database the --db flag names
// (none for another store), so an import of the folder holding them leaves
// them out.
func (env *Env) storeFiles() []string {
	p, ok := strings.CutPrefix(env.DSN(), "sqlite:")
	if !ok {
		return nil
	}
	return []string{p, p + "-wal", p + "-shm", p + "-journal"}
}

// redactDSN returns dsn with the password it may hold masked, for
// messages (see postgres.Redact).
func redactDSN(dsn string) string { return postgres.Redact(dsn) }

// openHub opens the store, brings its configuration in step with the
// site folder's files and returns the configuration in force.
func (env *Env) openHub(ctx context.Context) (store.Store, *site.Site, error) {
	return env.openHubFor(ctx, randomReads)
}

func (env *Env) openHubFor(ctx context.Context, use storeUse) (store.Store, *site.Site, error) {
	st, err := env.openStoreFor(ctx, use)
	if err != nil {
		return nil, nil, err
	}
	s, err := env.syncSite(ctx, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, s, nil
}

// syncSite brings the configuration records of st in step with the files
// of the site folder, their source of truth, so that an edit takes effect
// without an import, and returns the configuration in force.
func (env *Env) syncSite(ctx context.Context, st store.Store) (*site.Site, error) {
	res, err := importer.SyncSite(ctx, st, env.Site)
	if err != nil {
		return nil, err
	}
	// A command starts only from settings that read, as a server checks
	// its configuration before it starts; a server already running keeps
	// those in force through a bad edit (see serve).
	for _, fe := range res.Rejected {
		if filepath.Clean(fe.Path) == filepath.Join(env.Site, "_config.yml") {
			return nil, fe
		}
	}
	res.Log(env.Log)
	return res.Site, nil
}
