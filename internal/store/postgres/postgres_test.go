package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/postgres/pgtest"
	"newshub/internal/store/storetest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openTemp opens a store in a new database.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openDSN(t, migratedDSN(t, ""))
}

// migratedDSN returns a new database holding the store's tables, a copy of
// one migrated once (pgtest.Copy), in the ICU locale given ("" for the
// server's).
func migratedDSN(t testing.TB, icuLocale string) string {
	t.Helper()
	return pgtest.Copy(t, "migrated", icuLocale, func(ctx context.Context, dsn string) error {
		st, err := Open(ctx, dsn)
		if err != nil {
			return err
		}
		return st.Close()
	})
}

func openDSN(t testing.TB, dsn string) *Store {
	t.Helper()
	st, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return st
}

// TestConformance runs the suite every store passes, in a database whose
// collation does not sort text byte by byte (ICU's en-US, as many servers
// are set up), so that the order of paths cannot come from it by chance.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openDSN(t, migratedDSN(t, "en-US")) })
}

func TestTextPostgreSQLCannotHoldIsStoredAndFound(t *testing.T) {
	ctx := context.Background()
	st := openTemp(t)
	defer st.Close()
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	rec := &model.Record{Path: "_news/2020-08-30-nul.md", Kind: model.KindNews, Raw: []byte("raw \x00 bytes \xff"),
		Article: &model.Article{Title: "Null\x00byte and bad \xfe UTF-8", GUID: "guid-\xff-\x00", PublishedDateTime: at,
			Topics: []string{"Elec\x00tion", "Bad \xff"}, Story: "s\x00"}}
	if err := st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	got, err := st.Get(ctx, rec.Path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Raw) != string(rec.Raw) {
		t.Errorf("Raw = %q, want %q", got.Raw, rec.Raw)
	}
	checks := []struct {
		name string
		find func() (int, error)
	}{
		{"by GUID", func() (int, error) {
			_, err := st.ArticleByURL(ctx, rec.Article.GUID)
			return 1, err
		}},
		{"by topic", func() (int, error) { return st.CountNews(ctx, store.NewsQuery{Topic: "Elec\x00tion"}) }},
		{"by the other topic", func() (int, error) { return st.CountNews(ctx, store.NewsQuery{Topic: "Bad \xff"}) }},
		{"by story", func() (int, error) { return st.CountNews(ctx, store.NewsQuery{Story: "s\x00"}) }},
		{"by search", func() (int, error) {
			res, err := st.Search(ctx, store.SearchQuery{Text: "byte UTF", Topic: "Bad \xff"})
			return res.Total, err
		}},
	}
	for _, c := range checks {
		if n, err := c.find(); err != nil || n != 1 {
			t.Errorf("%s: %d found, %v; want the record", c.name, n, err)
		}
	}
	bad := &model.Record{Path: "_news/2020-08-30-\xff.md", Kind: model.KindNews, Article: &model.Article{Title: "x"}}
	if err := st.Upsert(ctx, []*model.Record{bad}); err == nil || !strings.Contains(err.Error(), "a path must be UTF-8 without NUL") {
		t.Errorf("Upsert of a path that is not UTF-8: %v, want a refusal saying why", err)
	}
	if _, err := st.Get(ctx, bad.Path); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Get of a path that is not UTF-8: %v, want ErrNotFound", err)
	}
}

// TestWritersOfTwoProcessesKeepDerivedRowsInStep writes the same paths
// from two stores on one database at once, each batch giving the records
// other topics and words, and checks that the topic and search rows agree
// with the records in the end.
func TestWritersOfTwoProcessesKeepDerivedRowsInStep(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.DSN(t)
	stores := []*Store{openDSN(t, dsn), openDSN(t, dsn)}
	defer stores[0].Close()
	defer stores[1].Close()
	at := time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for w, st := range stores {
		wg.Go(func() {
			for round := range 15 {
				var batch []*model.Record
				for i := range 100 {
					topics := []string{"Election", fmt.Sprintf("T%d-%d", w, (round+i)%4)}
					batch = append(batch, &model.Record{Path: fmt.Sprintf("_news/2020-08-30-a%03d.md", i), Kind: model.KindNews,
						Raw: []byte(fmt.Sprintf("w%d r%d", w, round)), // the title's words, for the check
						Article: &model.Article{Title: fmt.Sprintf("writer%d round%d", w, round), Topics: topics,
							PublishedDateTime: at.Add(time.Duration(round%3) * time.Hour)}})
				}
				if err := st.Upsert(ctx, batch); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	checks := []struct{ name, sql string }{
		{"topic rows not of a record", `SELECT count(*) FROM record_topics t WHERE NOT EXISTS (SELECT 1 FROM records r
			WHERE r.path = t.path AND r.published_at = t.published_at AND t.topic = ANY(r.topics))`},
		{"records missing a topic row", `SELECT count(*) FROM records r, unnest(r.topics) tp WHERE NOT EXISTS (
			SELECT 1 FROM record_topics t WHERE t.path = r.path AND t.topic = tp AND t.published_at = r.published_at)`},
		{"news without a search row", `SELECT count(*) FROM records r WHERE r.kind = 'news'
			AND NOT EXISTS (SELECT 1 FROM news_search s WHERE s.id = r.id)`},
		{"search rows out of step", `SELECT count(*) FROM records r JOIN news_search s ON s.id = r.id
			WHERE s.topics <> r.topics OR s.published_at <> r.published_at
			OR NOT s.doc @@ to_tsquery('simple', 'writer' || substr(convert_from(r.raw, 'UTF8'), 2, 1)
				|| ' & round' || split_part(convert_from(r.raw, 'UTF8'), ' r', 2))`},
	}
	for _, c := range checks {
		var n int
		if err := stores[0].pool.QueryRow(ctx, c.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if n != 0 {
			t.Errorf("%s: %d", c.name, n)
		}
	}
}

// TestShared runs the checks of sharing a store on two handles of one
// database, as two processes would open it.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) (store.Store, store.Store) {
		dsn := migratedDSN(t, "")
		return openDSN(t, dsn), openDSN(t, dsn)
	})
}

func TestBulkConformance(t *testing.T) {
	storetest.RunBulk(t, func(t *testing.T) store.Store { return openTemp(t) })
}
