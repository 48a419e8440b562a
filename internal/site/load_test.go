package site_test

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"newshub/internal/content/contenttest"
	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store/sqlite/sqlitetest"
)

// TestLoadGivesTheSameSiteFromAStoreAndFromFiles loads a generated site's
// configuration from its files, as read off disk, and from a store they
// were written to: the two sites are the same, so configuration does not
// depend on where the records are kept.
func TestLoadGivesTheSameSiteFromAStoreAndFromFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := gen.Generate(context.Background(), dir, gen.Options{Articles: 20, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	recs := contenttest.ReadSite(t, dir)
	st := sqlitetest.Open(t)
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	fromStore, err := site.Load(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	var asked []model.Kind
	fromFiles, err := site.Load(context.Background(), site.SourceFunc(func(_ context.Context, kinds []model.Kind, fn func(*model.Record) error) error {
		asked = kinds
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(asked, site.Kinds) {
		t.Errorf("Load asked for %v, want %v", asked, site.Kinds)
	}
	if len(fromStore.Topics) < 2 || len(fromStore.Orgs) < 2 || fromStore.Config.Title == "" || fromStore.Root() == nil {
		t.Fatalf("the generated site's configuration did not load: %d topics, %d organizations, config %+v",
			len(fromStore.Topics), len(fromStore.Orgs), fromStore.Config)
	}
	if !reflect.DeepEqual(fromStore, fromFiles) {
		t.Errorf("the site loaded from the store differs from the one built from the files")
	}
	if got := site.FromRecords(recs); !reflect.DeepEqual(got, fromFiles) {
		t.Errorf("FromRecords differs from Load over the same records")
	}
}

func TestLoadWithoutConfigurationGivesDefaultsAndReportsErrors(t *testing.T) {
	s := site.FromRecords(nil)
	if s.Config == nil || len(s.Topics) != 0 || s.Orgs == nil || s.Root() != nil {
		t.Errorf("empty site %+v", s)
	}
	fire := errors.New("disk on fire")
	failing := site.SourceFunc(func(context.Context, []model.Kind, func(*model.Record) error) error { return fire })
	if _, err := site.Load(context.Background(), failing); !errors.Is(err, fire) {
		t.Errorf("Load over a failing source: %v", err)
	}
}
