package sqlite

import (
	"slices"
	"testing"

	"newshub/internal/store"
)

// TestUnpublishedScanUsesItsIndex: the scan of the unpublished news, which
// retention runs after every ingest round where purge_after is set, finds
// its rows by their partial index, not by a walk through every record: the
// published leads of the archive, most of a hub run for years, are not
// read.
func TestUnpublishedScanUsesItsIndex(t *testing.T) {
	st := openTemp(t)
	defer st.Close()
	from, _, args := newsWhere(store.NewsQuery{Unpublished: true})
	plan := queryPlan(t, st, sqlNewsEntry+` FROM records r WHERE r.id IN (SELECT r.id`+from+`) ORDER BY r.id`, args...)
	if !slices.ContainsFunc(plan, func(step string) bool { return contains(step, "INDEX records_unpublished") }) {
		t.Errorf("the scan of the unpublished news does not read their index: %v", plan)
	}
}
