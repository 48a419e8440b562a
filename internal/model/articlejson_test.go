package model

import (
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"
)

// fill sets every field reachable from v to a non-zero value derived from
// seed, so a field added to Article without a case in the fast decoder
// makes the fast path refuse the record and the tests below fail.
func fill(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString("s" + strconv.Itoa(*seed) + ` <é & "q" \ 😀>` + "\n\t")
	case reflect.Int:
		v.SetInt(int64(*seed * 7))
	case reflect.Float64:
		v.SetFloat(float64(*seed) / 7)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Pointer:
		if v.Type() == reflect.TypeOf(&Relevance{}) && *seed > 2000 {
			return // a recursive type: two levels of it are filled
		}
		if v.Type() == reflect.TypeOf(&Relevance{}) {
			*seed += 1000
		}
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), seed)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed)
		}
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2020, 8, 30, 12, *seed%60, 5, 123000000, time.FixedZone("", -7*3600))))
			return
		}
		for i := range v.NumField() {
			fill(v.Field(i), seed)
		}
	}
}

func TestDecodeArticleReadsEveryField(t *testing.T) {
	var full Article
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	cases := map[string]Article{
		"every field set": full,
		"zero":            {},
		"empty lists":     {Topics: []string{}, Images: []Image{}, Related: []Related{}, Explain: &Explain{}},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var fast, slow Article
			if err := decodeArticle(data, &fast); err != nil {
				t.Fatalf("fast path refused json.Marshal output: %v\n%s", err, data)
			}
			if err := json.Unmarshal(data, &slow); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("fast decode differs from encoding/json:\nfast %+v\nslow %+v", fast, slow)
			}
		})
	}
}

func TestDecodeArticleLeavesOddInputToEncodingJSON(t *testing.T) {
	cases := []string{
		`null`,
		`{"Title":"case-folded key"}`,
		`{"title":"a","unknown":1}`,
		`{"quality":1.5}`,
		`{"quality":01}`,
		`{"title":1}`,
		`{"title":"lone \ud800 surrogate"}`,
		"{\"title\":\"bad \xff utf-8\"}",
		`{"title":"a",}`,
		`{"title":"a"} x`,
		`{"title":"a"`,
		`{"has":{"heat":"yes"}}`,
		`{"publishedDateTime":"yesterday"}`,
		`{"images":[{"isCached":1}]}`,
	}
	for _, in := range cases {
		var a Article
		if err := decodeArticle([]byte(in), &a); err == nil {
			t.Errorf("fast path accepted %q; want it left to encoding/json", in)
		}
	}
}

func TestUnmarshalValueMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		`{"title":"plain","quality":120,"topics":["A","B"],"explain":null,"images":null}`,
		`{"title":"esc \u003cb\u003e \ud83d\ude00 \"q\" \/","excerpt":"tab\tnl\n"}`,
		` { "title" : "spaced" , "heat" : -3 , "published" : false } `,
		`{"Title":"folded by encoding/json"}`,
		`{"quality":1.5}`,
	}
	for _, in := range cases {
		r := &Record{Path: "_news/x.md", Kind: KindNews}
		errFast := r.UnmarshalValue([]byte(in))
		var want Article
		errSlow := json.Unmarshal([]byte(in), &want)
		if (errFast == nil) != (errSlow == nil) {
			t.Errorf("%s: UnmarshalValue error %v, encoding/json error %v", in, errFast, errSlow)
			continue
		}
		if errSlow == nil && !reflect.DeepEqual(*r.Article, want) {
			t.Errorf("%s: got %+v, want %+v", in, *r.Article, want)
		}
	}
}

func FuzzDecodeArticle(f *testing.F) {
	var full Article
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	data, _ := json.Marshal(full)
	f.Add(data)
	f.Add([]byte(`{"title":"a\u00e9\ud83d\ude00","related":[{"provider":{"images":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast Article
		if decodeArticle(data, &fast) != nil {
			return
		}
		var slow Article
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, data)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v != slow %+v for %q", fast, slow, data)
		}
	})
}

func BenchmarkUnmarshalArticle(b *testing.B) {
	var full Article
	seed := 0
	fill(reflect.ValueOf(&full).Elem(), &seed)
	data, _ := json.Marshal(full)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var a Article
			if err := decodeArticle(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var a Article
			if err := json.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}
