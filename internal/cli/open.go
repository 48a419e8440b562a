package cli

import (
	"context"
	"fmt"
	"strings"

	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// storeUse says how a command reads the store, which tunes how it is opened.
type storeUse int

const (
	randomReads storeUse = iota // serving: many small lookups and searches
	onePass                     // a build: everything read once, in order
)

// openStore opens the database the global --db flag names.
func (env *Env) openStore(ctx context.Context) (store.Store, error) {
	return env.openStoreFor(ctx, randomReads)
}

func (env *Env) openStoreFor(ctx context.Context, use storeUse) (store.Store, error) {
	dsn := env.DSN()
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		var opts []sqlite.Option
		if use == onePass {
			opts = append(opts, sqlite.ReadMap(0))
		}
		st, err := sqlite.Open(ctx, strings.TrimPrefix(dsn, "sqlite:"), opts...)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", dsn, err)
		}
		return st, nil
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		return nil, fmt.Errorf("open %s: the PostgreSQL store is not available in this version", dsn)
	default:
		return nil, usageError("--db %q: want sqlite:PATH or postgres://…", dsn)
	}
}

// openHub opens the store and loads the site configuration from it.
func (env *Env) openHub(ctx context.Context) (store.Store, *site.Site, error) {
	return env.openHubFor(ctx, randomReads)
}

func (env *Env) openHubFor(ctx context.Context, use storeUse) (store.Store, *site.Site, error) {
	st, err := env.openStoreFor(ctx, use)
	if err != nil {
		return nil, nil, err
	}
	s, err := site.Load(ctx, st)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, s, nil
}
