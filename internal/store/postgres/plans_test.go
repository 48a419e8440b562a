package postgres

import (
	"context"
	"fmt"
	"testing"
)

// TestKeyLookupsArePlannedOnce runs each look-up of many keys that an
// ingest round makes once a fetched feed (of sources' states, once a
// chunk of sources leased) on one connection, with one key, 100, then a
// few, as feeds of a few new items and of many come.
// Each must be one prepared statement whose generic plan the server keeps
// after its first five runs: a look-up of few keys planned for its values
// is cheaper than the generic plan (estimated for ten), so the server
// planned every one of them again, which took more of the server's time
// than running them did.
func TestKeyLookupsArePlannedOnce(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	// The size of a hub a few rounds old, as the planner sees it: the
	// plans of a few keys and of ten part there. (Bare rows, the
	// quickest way to many: only their keys are read.)
	_, err := st.pool.Exec(ctx, `INSERT INTO records (path, kind, raw, value, canonical_url, guid)
		SELECT '_news/2020-08-30-' || i || '.md', 'news', '', '', 'https://example.com/' || i, 'guid-' || i
		FROM generate_series(1, 5000) i`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.pool.Exec(ctx, `INSERT INTO source_states (url) SELECT 'https://example.com/' || i FROM generate_series(1, 5000) i`)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.pool.Exec(ctx, `ANALYZE records, source_states`); err != nil {
		t.Fatal(err)
	}
	keys := func(form string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf(form, i)
		}
		return out
	}
	const url, path = "https://example.com/%d", "_news/2020-08-30-%d.md"
	// The keys of each run: 1 and 100, then a few, as most feeds bring.
	sizes := []int{1, 100, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1}
	cases := []struct {
		name   string
		form   string // of a key
		lookUp func(s *Store, keys []string) error
	}{
		{"ArticlePaths", url, func(s *Store, keys []string) error { _, err := s.ArticlePaths(ctx, keys); return err }},
		{"PurgedKeys", url, func(s *Store, keys []string) error { _, err := s.PurgedKeys(ctx, keys); return err }},
		{"StoredPaths", path, func(s *Store, keys []string) error { _, err := s.StoredPaths(ctx, keys); return err }},
		{"PurgedPaths", path, func(s *Store, keys []string) error { _, err := s.PurgedPaths(ctx, keys); return err }},
		{"SourceStatesOf", url, func(s *Store, keys []string) error { _, err := s.SourceStatesOf(ctx, keys...); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := st.pool.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Release()
			// A fresh connection: no statement prepared yet.
			if err := conn.Conn().DeallocateAll(ctx); err != nil {
				t.Fatal(err)
			}
			one := &Store{db: conn, space: st.space}
			for _, n := range sizes {
				if err := c.lookUp(one, keys(c.form, n)); err != nil {
					t.Fatal(err)
				}
			}
			var statements, custom, generic int64
			err = conn.QueryRow(ctx, `SELECT count(*), coalesce(sum(custom_plans), 0), coalesce(sum(generic_plans), 0)
				FROM pg_prepared_statements WHERE statement NOT LIKE '%pg_prepared_statements%'`).Scan(&statements, &custom, &generic)
			if err != nil {
				t.Fatal(err)
			}
			if statements != 1 || custom > 5 || custom+generic != int64(len(sizes)) {
				t.Errorf("%d runs made %d prepared statements, planned %d times for their values and %d times generic: "+
					"want 1 statement, planned for its values at most 5 times", len(sizes), statements, custom, generic)
			}
		})
	}
}
