package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// day0 is the base time of the fixtures.
var day0 = time.Date(2020, 8, 30, 12, 0, 0, 0, time.UTC)

// hours returns day0 plus h hours.
func hours(h int) time.Time { return day0.Add(time.Duration(h) * time.Hour) }

// article builds a news record the way import would: a path under _news/
// (or _archive/news/ when archived), a decoded Article and its file bytes.
func article(slug, title string, at time.Time, topics ...string) *model.Record {
	a := &model.Article{
		Category:          "news",
		Title:             title,
		Excerpt:           "Coverage of " + strings.ToLower(title) + ".",
		PublishedDateTime: at,
		OriginalURL:       "https://example.com/" + slug + "?utm_source=rss",
		WebURL:            "https://example.com/" + slug,
		Type:              "article",
		Quality:           100,
		Heat:              100,
		Published:         true,
		Provider:          model.Provider{Name: "Example News", Domain: "example.com"},
		Topics:            topics,
		CanonicalURL:      "https://example.com/" + slug,
		FetchedAt:         at.Add(5 * time.Minute),
	}
	rec := &model.Record{Path: "_news/" + at.Format("2006-01-02") + "-" + slug + ".md", Kind: model.KindNews, Article: a}
	refresh(rec)
	return rec
}

// archived moves a news record under _archive/news/.
func archived(rec *model.Record) *model.Record {
	rec.Path = "_archive/news/" + strings.TrimPrefix(rec.Path, "_news/")
	rec.Article.Archived = true
	refresh(rec)
	return rec
}

// refresh rewrites Raw from the value, as the content package keeps Raw in
// step with a changed field.
func refresh(rec *model.Record) {
	var b bytes.Buffer
	b.WriteString("---\n")
	switch v := rec.Value().(type) {
	case *model.Article:
		fmt.Fprintf(&b, "category: %s\ntitle: %q\nexcerpt: %q\npublishedDateTime: %s\n", v.Category, v.Title, v.Excerpt, v.PublishedDateTime.Format(time.RFC3339))
		fmt.Fprintf(&b, "originalUrl: %q\nwebUrl: %q\ntype: %s\nquality: %d\nheat: %d\npublished: %t\n\n", v.OriginalURL, v.WebURL, v.Type, v.Quality, v.Heat, v.Published)
		fmt.Fprintf(&b, "provider:\n  name: %s\n  domain: %s\n\ntopics:\n", v.Provider.Name, v.Provider.Domain)
		for _, t := range v.Topics {
			fmt.Fprintf(&b, "  - %s\n", t)
		}
	case *model.Person:
		fmt.Fprintf(&b, "name: %q\nbio: %q\ntype: %s\nheat: %d\n", v.Name, v.Bio, v.Type, v.Heat)
	case *model.Topic:
		fmt.Fprintf(&b, "taxonomy: %s\n_id: %s\nname: %s\n", v.Taxonomy, v.ID, v.Name)
	case *model.Config:
		fmt.Fprintf(&b, "title: %q\ntopic: %s\n", v.Title, v.Topic)
	case *model.Event:
		fmt.Fprintf(&b, "name: %q\nstartDateTime: %s\n", v.Name, v.StartDateTime.Format(time.RFC3339))
	}
	b.WriteString("---\n")
	rec.Raw = b.Bytes()
}

func person(slug, name string, heat int) *model.Record {
	rec := &model.Record{Path: "_people/" + slug + ".md", Kind: model.KindPerson, Person: &model.Person{
		Name: name, Bio: name + " is a politician.", Type: "person", Heat: heat, Topics: []string{"Election"},
	}}
	refresh(rec)
	return rec
}

func topic(order int, id, name string) *model.Record {
	rec := &model.Record{Path: fmt.Sprintf("_data/topics/%02d-%s.yaml", order, id), Kind: model.KindTopic, Topic: &model.Topic{
		Taxonomy: "topic", ID: id, Name: name, Keywords: []string{strings.ToLower(name)}, Order: order,
	}}
	refresh(rec)
	return rec
}

func config() *model.Record {
	rec := &model.Record{Path: "_config.yml", Kind: model.KindConfig, Config: &model.Config{
		Title: "Election Hub", URL: "https://hub.example.com", Topic: "Election", NewsPageSize: 30,
	}}
	refresh(rec)
	return rec
}

func event(slug, name string, start time.Time) *model.Record {
	rec := &model.Record{Path: "_events/" + start.Format("2006-01-02") + "-" + slug + ".md", Kind: model.KindEvent, Event: &model.Event{
		Name: name, Excerpt: name, Type: "event", StartDateTime: start, EndDateTime: start.Add(2 * time.Hour), Topics: []string{"Election"},
	}}
	refresh(rec)
	return rec
}

// upsert writes recs or fails the test.
func upsert(t *testing.T, st store.Store, recs ...*model.Record) {
	t.Helper()
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatalf("Upsert: %v", err)
	}
}

// sameRecord fails the test unless got holds want's path, kind, bytes and
// value.
func sameRecord(t *testing.T, got, want *model.Record) {
	t.Helper()
	if got == nil {
		t.Fatalf("got no record, want %s", want.Path)
	}
	if got.Path != want.Path || got.Kind != want.Kind {
		t.Fatalf("got record %s (%s), want %s (%s)", got.Path, got.Kind, want.Path, want.Kind)
	}
	if !bytes.Equal(got.Raw, want.Raw) {
		t.Errorf("%s: Raw = %.300q, want %.300q", want.Path, got.Raw, want.Raw)
	}
	gv, err := got.MarshalValue()
	if err != nil {
		t.Fatalf("%s: value of stored record: %v", want.Path, err)
	}
	wv, err := want.MarshalValue()
	if err != nil {
		t.Fatalf("%s: value of fixture: %v", want.Path, err)
	}
	// Compared as decoded JSON: invalid UTF-8 in a field is written as an
	// escaped U+FFFD before storing and as the plain rune after.
	var ga, wa any
	if err := json.Unmarshal(gv, &ga); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(wv, &wa); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(ga, wa) {
		t.Errorf("%s: value = %.500s, want %.500s", want.Path, gv, wv)
	}
}

// paths returns the paths of recs, in order.
func paths(recs []*model.Record) []string {
	ps := make([]string, len(recs))
	for i, r := range recs {
		ps[i] = r.Path
	}
	return ps
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// mustNotFound fails the test unless err wraps store.ErrNotFound.
func mustNotFound(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("%s: err = %v, want ErrNotFound", what, err)
	}
}

// generation reads the store's generation or fails the test.
func generation(t *testing.T, st store.Store) int64 {
	t.Helper()
	g, err := st.Generation(context.Background())
	if err != nil {
		t.Fatalf("Generation: %v", err)
	}
	return g
}

// expectNews is the reference for NewsQuery: the records of all that q
// selects, in q's order, paged. It is deliberately naive.
func expectNews(all []*model.Record, q store.NewsQuery) []*model.Record {
	var out []*model.Record
	for _, r := range all {
		a := r.Article
		if r.Kind != model.KindNews {
			continue
		}
		if q.Topic != "" && !contains(a.Topics, q.Topic) {
			continue
		}
		if q.Story != "" && a.Story != q.Story {
			continue
		}
		if q.PublishedOnly && !a.Published {
			continue
		}
		if q.Unpublished && a.Published {
			continue
		}
		if !q.StoryActiveSince.IsZero() && !storyActiveSince(all, a.Story, q.StoryActiveSince) {
			continue
		}
		if q.Archived != nil && *q.Archived != strings.HasPrefix(r.Path, "_archive/news/") {
			continue
		}
		if !q.Since.IsZero() && a.PublishedDateTime.Before(q.Since) {
			continue
		}
		if !q.Until.IsZero() && !a.PublishedDateTime.Before(q.Until) {
			continue
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Article, out[j].Article
		ta, tb := a.PublishedDateTime, b.PublishedDateTime
		switch q.Order {
		case store.ByHeat:
			if a.Heat != b.Heat {
				return a.Heat > b.Heat
			}
			if !ta.Equal(tb) {
				return ta.After(tb)
			}
		case store.ByQuality:
			if a.Quality != b.Quality {
				return a.Quality > b.Quality
			}
			if !ta.Equal(tb) {
				return ta.Before(tb)
			}
		default:
			if !ta.Equal(tb) {
				return ta.After(tb)
			}
		}
		return out[i].Path < out[j].Path
	})
	if q.Offset > 0 {
		out = out[min(q.Offset, len(out)):]
	}
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out
}

// storyActiveSince reports whether story has a news record of all
// published at or after t.
func storyActiveSince(all []*model.Record, story string, t time.Time) bool {
	if story == "" {
		return false
	}
	for _, r := range all {
		if r.Kind == model.KindNews && r.Article.Story == story && !r.Article.PublishedDateTime.Before(t) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
