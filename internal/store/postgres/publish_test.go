package postgres

import (
	"context"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestWritesGoOnWhileTheTablesArePublished publishes every table of the
// store for logical replication, as a move to a new server or a major
// upgrade without downtime does, and runs the writes that update and
// delete rows of each table: PostgreSQL refuses those of a table that has
// no primary key nor other replica identity.
func TestWritesGoOnWhileTheTablesArePublished(t *testing.T) {
	for _, bulk := range []bool{false, true} {
		name := "as migrated"
		if bulk {
			name = "after a bulk load, which builds some indexes again"
		}
		t.Run(name, func(t *testing.T) { writeWhilePublished(t, bulk) })
	}
}

func writeWhilePublished(t *testing.T, bulk bool) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	if bulk {
		err := st.BulkLoad(ctx, func(ctx context.Context) error {
			return st.Upsert(ctx, []*model.Record{{Path: "_people/p.md", Kind: model.KindPerson, Raw: []byte("P"), Person: &model.Person{Name: "P"}}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.pool.Exec(ctx, `CREATE PUBLICATION hub FOR ALL TABLES`); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	rec := func(topic string) *model.Record {
		return &model.Record{Path: "_news/2020-08-30-count.md", Kind: model.KindNews, Raw: []byte(topic),
			Article: &model.Article{Title: "Count goes on", PublishedDateTime: at, Topics: []string{topic}, GUID: "tag:count"}}
	}
	url := "https://example.com/feed.xml"
	writes := []struct {
		name  string
		write func() error
	}{
		{"a record", func() error { return st.Upsert(ctx, []*model.Record{rec("Election")}) }},
		{"a record's topics changed", func() error { return st.Upsert(ctx, []*model.Record{rec("Senate")}) }},
		{"a source's state", func() error { return st.PutSourceState(ctx, store.SourceState{URL: url, Items: 1}) }},
		{"a source's state changed", func() error { return st.PutSourceState(ctx, store.SourceState{URL: url, Items: 2}) }},
		{"a lease", func() error { _, err := st.Lease(ctx, "A", time.Hour, url); return err }},
		{"a lease renewed", func() error { _, err := st.Lease(ctx, "A", time.Hour, url); return err }},
		{"a lease released", func() error { return st.Release(ctx, "A", url) }},
		{"a key purged", func() error {
			return st.Purge(ctx, []store.Purge{{Path: "_news/x.md", Keys: []string{"tag:gone"}, At: at}})
		}},
		{"a key purged again", func() error {
			return st.Purge(ctx, []store.Purge{{Path: "_news/y.md", Keys: []string{"tag:gone"}, At: at.Add(time.Hour)}})
		}},
		{"a record deleted", func() error { return st.Delete(ctx, "_news/2020-08-30-count.md") }},
	}
	for _, w := range writes {
		if err := w.write(); err != nil {
			t.Errorf("%s: %v", w.name, err)
		}
	}
}
