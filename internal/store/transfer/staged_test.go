package transfer

import (
	"context"
	"errors"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres"
	"newshub/internal/store/postgres/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func openPostgres(t *testing.T) *postgres.Store {
	t.Helper()
	return openPostgresAt(t, pgtest.DSN(t))
}

func openPostgresAt(t *testing.T, dsn string) *postgres.Store {
	t.Helper()
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// stagedHub returns a PostgreSQL hub holding two arrivals staged by a
// worker that died before any worker stored them, and with stored, two
// stored articles.
func stagedHub(t *testing.T, stored bool) *postgres.Store {
	t.Helper()
	ctx := context.Background()
	st := openPostgres(t)
	if stored {
		if err := st.Upsert(ctx, []*model.Record{news("stored-a", "Stored A"), news("stored-b", "Stored B")}); err != nil {
			t.Fatal(err)
		}
	}
	var arrivals []store.Staged
	for _, title := range []string{"Arrival one", "Arrival two"} {
		r := news("", title)
		r.Path, r.Raw = "", nil // arrivals have neither yet
		arrivals = append(arrivals, store.Staged{Source: "https://example.com/feed.xml", Record: r})
	}
	if err := st.Stage(ctx, arrivals); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestCopyCarriesStagedArrivals copies a hub with staged arrivals into
// another PostgreSQL store: the arrivals go along, in order, and the check
// compares them.
func TestCopyCarriesStagedArrivals(t *testing.T) {
	ctx := context.Background()
	from, to := stagedHub(t, true), openPostgres(t)
	sum, err := Copy(ctx, from, to, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := to.Staged(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Staged != 2 || len(got) != 2 || got[0].Record.Article.Title != "Arrival one" ||
		got[1].Record.Article.Title != "Arrival two" || got[1].Source != "https://example.com/feed.xml" {
		t.Fatalf("summary %+v, staged in the copy %+v", sum, got)
	}
	if _, err := Verify(ctx, from, to); err != nil {
		t.Fatal(err)
	}
	// Stored by the target's next round: the check now sees the source's
	// arrivals missing from the copy.
	if err := to.Unstage(ctx, []int64{got[0].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(ctx, from, to); err == nil || !strings.Contains(err.Error(), "staged arrivals differ: 2 in the source, 1 in the copy") {
		t.Fatalf("verify after unstaging one: %v", err)
	}
}

// TestCopyRefusesStagedArrivalsATargetCannotHold copies a hub with staged
// arrivals into SQLite, which has no staging: refused, nothing written.
func TestCopyRefusesStagedArrivalsATargetCannotHold(t *testing.T) {
	ctx := context.Background()
	from, to := stagedHub(t, true), openSQLite(t)
	if _, err := Copy(ctx, from, to, Options{}); !errors.Is(err, ErrStaged) || !strings.Contains(err.Error(), "2 of them") {
		t.Fatalf("copy: %v, want ErrStaged naming 2", err)
	}
	counts, err := to.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total(counts) != 0 {
		t.Fatalf("the target holds %v after a refused copy", counts)
	}
}

// TestCopyRefusesATargetWithStagedArrivals: staged arrivals alone make a
// target as full as records do.
func TestCopyRefusesATargetWithStagedArrivals(t *testing.T) {
	if _, err := Copy(context.Background(), openSQLite(t), stagedHub(t, false), Options{}); !errors.Is(err, ErrNotEmpty) {
		t.Fatalf("copy into a store with staged arrivals: %v, want ErrNotEmpty", err)
	}
}
