package codec

import (
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/model/modeltest"
)

// TestEncodeLeavesOutTimesNotSet checks that the value of a record whose
// optional times are unset holds no such key, rather than year one.
func TestEncodeLeavesOutTimesNotSet(t *testing.T) {
	tests := []struct {
		rec  *model.Record
		key  string
		want bool
	}{
		{&model.Record{Path: "_news/a.md", Kind: model.KindNews, Article: &model.Article{Title: "a"}}, `"fetchedAt"`, false},
		{&model.Record{Path: "_news/b.md", Kind: model.KindNews, Article: &model.Article{Title: "b",
			FetchedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}, `"fetchedAt":"2026-01-02T03:04:05Z"`, true},
		{&model.Record{Path: "_learning/videos/c.md", Kind: model.KindLearning, Learning: &model.Learning{Title: "c"}}, `"publishedDateTime"`, false},
	}
	for _, tt := range tests {
		v, err := Encode(tt.rec)
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(string(v), tt.key); got != tt.want {
			t.Errorf("%s: value %s holds %s: %v, want %v", tt.rec.Path, v, tt.key, got, tt.want)
		}
		back := &model.Record{Path: tt.rec.Path, Kind: tt.rec.Kind}
		if err := Decode(back, v); err != nil {
			t.Fatal(err)
		}
		if again, _ := Encode(back); string(again) != string(v) {
			t.Errorf("%s: value %s reads back as %s", tt.rec.Path, v, again)
		}
	}
}

func TestEncodeRefusesARecordWithoutItsValue(t *testing.T) {
	tests := []*model.Record{
		{Path: "_news/a.md", Kind: model.KindNews},
		{Path: "_news/b.md", Kind: model.KindNews, Person: &model.Person{Name: "wrong field"}},
		{Path: "x", Kind: "unknown"},
	}
	for _, r := range tests {
		if v, err := Encode(r); err == nil {
			t.Errorf("%s (%s): encoded as %s", r.Path, r.Kind, v)
		}
	}
	if err := Decode(&model.Record{Path: "x", Kind: "unknown"}, []byte(`{}`)); err == nil {
		t.Error("Decode of an unknown kind succeeded")
	}
	if err := Decode(&model.Record{Path: "t", Kind: model.KindTopic}, []byte(`{"name":`)); err == nil || !strings.Contains(err.Error(), "record t") {
		t.Errorf("Decode of a broken value: %v", err)
	}
}

// filledRecords returns a record of every kind with every field of its
// value set (see modeltest.Fill).
func filledRecords(t *testing.T) []*model.Record {
	t.Helper()
	paths := map[model.Kind]string{
		model.KindNews: "_news/a.md", model.KindPerson: "_people/a.md", model.KindPeopleList: "_people/collections/a.md",
		model.KindEvent: "_events/a.md", model.KindLearning: "_learning/videos/a.md", model.KindLearningList: "_learning/collections/a.md",
		model.KindNewsletter: "_newsletters/a.html", model.KindTopic: "_data/topics/01-a.yaml",
		model.KindOrganization: "_data/organizations/a.com.md", model.KindConfig: "_config.yml", model.KindSources: "_data/sources.yaml",
	}
	var recs []*model.Record
	for kind, path := range paths {
		r := &model.Record{Path: path, Kind: kind}
		if !r.NewValue() {
			t.Fatalf("kind %s has no value", kind)
		}
		modeltest.Fill(t, r.Value())
		recs = append(recs, r)
	}
	return recs
}

// TestEveryFieldSurvivesEncodeAndDecode walks every field of every kind's
// value: set, encoded as a store keeps it and decoded, each field comes back
// as it was. Articles must come back through the fast decoder.
func TestEveryFieldSurvivesEncodeAndDecode(t *testing.T) {
	for _, r := range filledRecords(t) {
		v, err := Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		back := &model.Record{Path: r.Path, Kind: r.Kind}
		if err := Decode(back, v); err != nil {
			t.Fatalf("%s: %v", r.Kind, err)
		}
		if back.Value() == nil {
			t.Fatalf("%s: decoded into no value", r.Kind)
		}
		if diff := modeltest.Diff(r.Value(), back.Value()); len(diff) > 0 {
			t.Errorf("%s: fields changed through the store: %v", r.Kind, diff)
		}
		if r.Kind == model.KindNews {
			var a model.Article
			if err := decodeArticle(v, &a); err != nil {
				t.Errorf("the fast decoder refused an article with every field set: %v", err)
			}
			if diff := modeltest.Diff(*r.Article, a); len(diff) > 0 {
				t.Errorf("fields changed through the fast decoder: %v", diff)
			}
		}
	}
}
