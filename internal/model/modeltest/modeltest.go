// Package modeltest fills and compares newshub's types field by field, for
// tests that hold the hand-written mappings of a type (the record format,
// the store's value codec, the API writer) to every field it has.
package modeltest

import (
	"fmt"
	"reflect"
	"strconv"
	"testing"
	"time"
)

var timeType = reflect.TypeFor[time.Time]()

// Fill sets every field reachable from ptr, a pointer to a struct, to a
// value of its own, different from the zero value and from every other
// field's: strings that need escaping in JSON and YAML, distinct numbers,
// true, times with an offset and milliseconds, pointers and slices of two
// elements filled in turn. Types convertible to time.Time count as times.
// A type that holds itself (a decision with the decision it overrode) is
// filled two levels deep, the pointer below left nil.
// A field of a kind Fill does not handle fails the test, so that a new kind
// of field cannot slip past the tests built on Fill.
func Fill(t testing.TB, ptr any) {
	t.Helper()
	v := reflect.ValueOf(ptr)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		t.Fatalf("modeltest.Fill: want a pointer to a struct, got %T", ptr)
	}
	f := filler{t: t, open: map[reflect.Type]int{}}
	f.fill(v.Elem(), v.Elem().Type().Name())
}

// filler fills values in turn; open counts, per struct type, how many
// values of it are being filled on the current path.
type filler struct {
	t    testing.TB
	seed int
	open map[reflect.Type]int
}

// maxDepth is how many levels of a type that holds itself are filled.
const maxDepth = 2

func (f *filler) fill(v reflect.Value, path string) {
	t, seed := f.t, &f.seed
	*seed++
	n := *seed
	switch {
	case v.Type().ConvertibleTo(timeType) && v.Kind() == reflect.Struct:
		at := time.Date(2020, 8, 30, 12, n%60, 5, 123000000, time.FixedZone("", -7*3600))
		v.Set(reflect.ValueOf(at).Convert(v.Type()))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(n) + ` <é & "q" \ 😀>` + "\n\t")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(n * 7))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(n) / 8) // exact in binary, so it reads back equal
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		if f.open[v.Type().Elem()] >= maxDepth {
			return
		}
		v.Set(reflect.New(v.Type().Elem()))
		f.fill(v.Elem(), path)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Struct:
		f.open[v.Type()]++
		defer func() { f.open[v.Type()]-- }()
		for i := range v.NumField() {
			sf := v.Type().Field(i)
			if !sf.IsExported() {
				t.Fatalf("modeltest.Fill: %s.%s is unexported: this test cannot set it", path, sf.Name)
			}
			f.fill(v.Field(i), path+"."+sf.Name)
		}
	default:
		t.Fatalf("modeltest.Fill: %s is a %s, a kind of field this test does not handle: teach it, and the mappings under test, the new kind", path, v.Kind())
	}
}

// Diff returns the paths of the fields (leaves: strings, numbers, bools,
// times; and nil against non-nil, or lengths of slices) where a and b, of
// one type, differ. Times are equal when they are the same instant (the
// record format writes them in UTC). Paths start with the name of the
// type, as in "Article.Related[0].Title".
func Diff(a, b any) []string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	if va.Type() != vb.Type() {
		return []string{fmt.Sprintf("types %s and %s", va.Type(), vb.Type())}
	}
	var out []string
	diff(va, vb, reflect.Indirect(va).Type().Name(), &out)
	return out
}

func diff(a, b reflect.Value, path string, out *[]string) {
	if a.Kind() == reflect.Struct && a.Type().ConvertibleTo(timeType) {
		ta, tb := a.Convert(timeType).Interface().(time.Time), b.Convert(timeType).Interface().(time.Time)
		if !ta.Equal(tb) {
			*out = append(*out, path)
		}
		return
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if a.IsNil() != b.IsNil() {
				*out = append(*out, path)
			}
			return
		}
		diff(a.Elem(), b.Elem(), path, out)
	case reflect.Slice:
		if a.Len() != b.Len() {
			*out = append(*out, path)
			return
		}
		for i := range a.Len() {
			diff(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), out)
		}
	case reflect.Struct:
		for i := range a.NumField() {
			diff(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name, out)
		}
	default:
		if !a.Equal(b) {
			*out = append(*out, path)
		}
	}
}
