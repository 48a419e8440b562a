package modeltest

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
)

// fatalTB records the first fatal message and stops the goroutine, as a
// test's Fatalf does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// fillIn runs Fill on ptr and returns its fatal message, if any.
func fillIn(ptr any) string {
	tb := &fatalTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		Fill(tb, ptr)
	}()
	<-done
	return tb.msg
}

func TestFillRefusesKindsItDoesNotHandle(t *testing.T) {
	tests := []struct {
		ptr  any
		want string
	}{
		{&struct{ M map[string]string }{}, ".M is a map"},
		{&struct{ C complex128 }{}, ".C is a complex128"},
		{&struct{ A any }{}, ".A is a interface"},
		{&struct{ N struct{ U uint } }{}, ".N.U is a uint"},
		{&struct{ hidden string }{}, ".hidden is unexported"},
		{"not a struct", "want a pointer to a struct"},
	}
	for _, tt := range tests {
		if msg := fillIn(tt.ptr); !strings.Contains(msg, tt.want) {
			t.Errorf("Fill(%T): %q, want %q", tt.ptr, msg, tt.want)
		}
	}
}

func TestFillSetsEveryFieldOfArticleApart(t *testing.T) {
	var a model.Article
	if msg := fillIn(&a); msg != "" {
		t.Fatal(msg)
	}
	// Relevance holds the decision it overrode, filled two levels deep.
	want := []string{"Article.Relevance.Own.Own"}
	if zero := zeroLeaves(reflect.ValueOf(a), "Article"); !slices.Equal(zero, want) {
		t.Errorf("fields left zero: %v, want only %v", zero, want)
	}
	if a.Relevance.Score == a.Relevance.Own.Score {
		t.Error("the two levels of Relevance got the same score")
	}
	seen := map[string]string{}
	for _, s := range []string{a.Title, a.Excerpt, a.Related[1].Provider.Images[0].URL, a.Explain.Heat} {
		if p, ok := seen[s]; ok {
			t.Errorf("%q given twice (and to %s)", s, p)
		}
		seen[s] = s
	}
	if a.FetchedAt.Equal(a.PublishedDateTime) || a.Quality == a.Heat {
		t.Error("two fields of a kind got the same value")
	}
}

func TestDiffNamesTheFieldsThatDiffer(t *testing.T) {
	var a model.Article
	Fill(t, &a)
	b := a
	b.Related = slices.Clone(a.Related)
	b.Title, b.Excerpt = a.Excerpt, a.Title
	b.Related[1].Quality++
	b.Explain = nil
	b.PublishedDateTime = a.PublishedDateTime.UTC() // the same instant
	b.FetchedAt = a.FetchedAt.Add(time.Millisecond)
	want := []string{"Article.Title", "Article.Excerpt", "Article.Related[1].Quality", "Article.FetchedAt", "Article.Explain"}
	if got := Diff(a, b); !slices.Equal(got, want) {
		t.Errorf("Diff = %v, want %v", got, want)
	}
	if got := Diff(&a, &b); !slices.Equal(got, want) {
		t.Errorf("Diff of pointers = %v, want %v", got, want)
	}
	if got := Diff(a, a); len(got) != 0 {
		t.Errorf("Diff of a value with itself = %v", got)
	}
}

// zeroLeaves returns the paths of the zero strings, numbers, bools and
// times, nil pointers and empty slices under v.
func zeroLeaves(v reflect.Value, path string) []string {
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			return zeroLeaves(v.Elem(), path)
		}
	case reflect.Slice:
		var out []string
		for i := range v.Len() {
			out = append(out, zeroLeaves(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		if v.Len() > 0 {
			return out
		}
	case reflect.Struct:
		if _, ok := v.Interface().(time.Time); !ok {
			var out []string
			for i := range v.NumField() {
				out = append(out, zeroLeaves(v.Field(i), path+"."+v.Type().Field(i).Name)...)
			}
			return out
		}
	}
	if v.IsZero() {
		return []string{path}
	}
	return nil
}
