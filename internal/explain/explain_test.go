package explain

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// hub is a store holding one article, an event, and a source whose last
// read left an item out.
func hub(t *testing.T) (store.Store, *site.Site, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	at := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	news := &model.Record{Path: "_news/2026-11-20-senate-bill.md", Kind: model.KindNews, Article: &model.Article{
		Category: "news", Title: "Senate passes the border bill", Excerpt: "The Senate passed it.", PublishedDateTime: at,
		OriginalURL: "https://wire.example/senate-bill?utm_source=rss", WebURL: "https://wire.example/senate-bill",
		Type: "article", Quality: 65, Heat: 85, Published: true, Topics: []string{"Election"}, Story: "s-1",
		Provider: model.Provider{Name: "Wire", Domain: "wire.example"}, CanonicalURL: "https://wire.example/senate-bill"}}
	event := &model.Record{Path: "_events/2026-11-21-debate.md", Kind: model.KindEvent, Event: &model.Event{
		Name: "Debate", Type: "event", StartDateTime: at, EndDateTime: at.Add(time.Hour)}}
	for _, r := range []*model.Record{news, event} {
		if err := content.Render(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Upsert(ctx, []*model.Record{news, event}); err != nil {
		t.Fatal(err)
	}
	err = st.PutSourceState(ctx, store.SourceState{URL: "https://wire.example/feed.xml", LastSuccess: at,
		LastRead: store.ReadReport{Items: 2, New: 1, NotStored: map[string]int{"no usable link": 1},
			Drops: []store.Drop{{GUID: "w-2", Title: "Subscriber note", Reason: "no usable link", Detail: "the item has no http or https link"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return st, site.New(&model.Config{Title: "Hub", Topic: "Election"}, []*model.Topic{{Taxonomy: "topic", ID: "election", Name: "Election"}}, nil), dir
}

func TestFindByURLPathOrFile(t *testing.T) {
	st, _, dir := hub(t)
	ctx := context.Background()
	for _, arg := range []string{
		"https://wire.example/senate-bill",
		"https://wire.example/senate-bill?utm_source=rss&utm_medium=feed", // folded to the canonical URL
		"_news/2026-11-20-senate-bill.md",
		filepath.Join(dir, "_news", "2026-11-20-senate-bill.md"),
	} {
		rec, err := Find(ctx, st, dir, arg)
		if err != nil || rec.Path != "_news/2026-11-20-senate-bill.md" {
			t.Errorf("Find(%s) = %v, %v", arg, rec, err)
		}
	}
	if _, err := Find(ctx, st, dir, "_events/2026-11-21-debate.md"); err == nil || !strings.Contains(err.Error(), "is a event record, not news") {
		t.Errorf("Find of an event: %v", err)
	}
	if _, err := Find(ctx, st, dir, "https://elsewhere.example/x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Find of an unknown URL: %v", err)
	}
}

func TestRunExplainsArticlesAndDroppedItems(t *testing.T) {
	st, s, dir := hub(t)
	ctx := context.Background()
	var out bytes.Buffer
	rec, err := Run(ctx, &out, st, s, dir, "https://wire.example/senate-bill")
	if err != nil || rec == nil {
		t.Fatalf("Run: %v %v", rec, err)
	}
	for _, want := range []string{"_news/2026-11-20-senate-bill.md\n  Senate passes the border bill\n  canonical URL: https://wire.example/senate-bill\n",
		"\nstory: s-1\n", "\nquality: 65\n", "\ntopics: Election\n", "\nheat: 85, published (lead of its story)\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("explanation lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	rec, err = Run(ctx, &out, st, s, dir, "w-2")
	want := "w-2 was not stored\n  no usable link: item of https://wire.example/feed.xml, read 2026-11-20 08:00 (the item has no http or https link)\n  title: Subscriber note\n"
	if err != nil || rec != nil || out.String() != want {
		t.Errorf("Run of a dropped item = %v, %v:\n%s\nwant\n%s", rec, err, out.String(), want)
	}
	out.Reset()
	if _, err := Run(ctx, &out, st, s, dir, "https://elsewhere.example/x"); !errors.Is(err, store.ErrNotFound) || out.Len() != 0 {
		t.Errorf("Run of an unknown URL: %v, wrote %q", err, out.String())
	}
}
