package codec

import (
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
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
