package postgres

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"newshub/internal/model"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

// schemaHubs opens one store in each of the schemas named, all in one new
// database, as an operator keeps several hubs in one database by giving
// each DSN its search_path.
func schemaHubs(t *testing.T, schemas ...string) []*Store {
	t.Helper()
	dsn := pgtest.DSN(t)
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	hubs := make([]*Store, len(schemas))
	for i, s := range schemas {
		if _, err := c.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{s}.Sanitize()); err != nil {
			t.Fatal(err)
		}
		hubs[i] = openDSN(t, dsn+"&search_path="+s)
		t.Cleanup(func() { hubs[i].Close() })
	}
	return hubs
}

// schemaPerson is a record whose upsert bumps the generation.
func schemaPerson(i int) *model.Record {
	return &model.Record{Path: fmt.Sprintf("_people/p%d.md", i), Kind: model.KindPerson, Raw: []byte("---\nname: P\n---\n"),
		Person: &model.Person{Name: "P"}}
}

// TestHubsInSchemasOfOneDatabaseLockApart holds each lock of one hub
// while the hub of another schema of the same database takes the same:
// advisory locks are the database's, and hubs sharing their keys had a
// copy into one refused while another was copied, and every write of one
// waiting out another's whole import.
func TestHubsInSchemasOfOneDatabaseLockApart(t *testing.T) {
	ctx := context.Background()
	hubs := schemaHubs(t, "hub_a", "hub_b")
	a, b := hubs[0], hubs[1]
	tries := []struct {
		name string
		hold func(fn func(context.Context) error) error
		take func() error
	}{
		{"exclusive", func(fn func(context.Context) error) error { return a.Exclusive(ctx, "copy", fn) }, func() error {
			ran, err := b.TryExclusive(ctx, "copy", func(context.Context) error { return nil })
			if err == nil && !ran {
				return fmt.Errorf("TryExclusive refused: %w", ErrLocked)
			}
			return err
		}},
		{"bulk load", func(fn func(context.Context) error) error { return a.BulkLoad(ctx, fn) }, func() error {
			return b.BulkLoad(ctx, func(ctx context.Context) error { return b.Upsert(ctx, []*model.Record{schemaPerson(1)}) })
		}},
	}
	for _, tr := range tries {
		t.Run(tr.name, func(t *testing.T) {
			held, release := make(chan struct{}), make(chan struct{})
			done := make(chan error, 1)
			go func() {
				done <- tr.hold(func(context.Context) error {
					close(held)
					<-release
					return nil
				})
			}()
			<-held
			err := tr.take()
			close(release)
			if err != nil {
				t.Errorf("the other schema's hub, while this one holds the lock: %v", err)
			}
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestWatchHearsOnlyItsSchemasHub writes to the hub of one schema, then
// to the watched hub of another schema of the same database: the watcher
// hears of its hub's generation only, where the other's, announced on the
// same channel, was taken for its own (a view loaded for nothing, and its
// hub's next generation of the same number passed over as heard).
func TestWatchHearsOnlyItsSchemasHub(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hubs := schemaHubs(t, "hub_a", "hub_b")
	a, b := hubs[0], hubs[1]
	for i := range 3 {
		if err := b.Upsert(ctx, []*model.Record{schemaPerson(i)}); err != nil {
			t.Fatal(err)
		}
	}
	ch := a.Watch(ctx)
	last := storetest.NextGeneration(t, ch, -1, 30*time.Second)
	if err := b.Upsert(ctx, []*model.Record{schemaPerson(3)}); err != nil {
		t.Fatal(err)
	}
	if err := a.Upsert(ctx, []*model.Record{schemaPerson(0)}); err != nil {
		t.Fatal(err)
	}
	want, err := a.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for last != want {
		last = storetest.NextGeneration(t, ch, last, storetest.WatchWithin)
		if last != want {
			t.Fatalf("the watch of hub_a sent %d, hub_b's generation; hub_a's is %d", last, want)
		}
	}
}

// TestOpenInASchemaThatIsNotSaysSo opens a store whose search path names
// no schema that exists: the error says so, where the server's said that
// no schema was selected to create in.
func TestOpenInASchemaThatIsNotSaysSo(t *testing.T) {
	dsn := pgtest.DSN(t) + "&search_path=hub_missing"
	st, err := Open(context.Background(), dsn)
	if err == nil {
		st.Close()
		t.Fatal("Open in a missing schema: no error")
	}
	if !errors.Is(err, errNoSchema) {
		t.Errorf("Open in a missing schema: %v; want %v", err, errNoSchema)
	}
}
