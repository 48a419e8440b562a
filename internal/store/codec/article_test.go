package codec

import (
	"encoding/json"
	"reflect"
	"testing"

	"newshub/internal/model"
	"newshub/internal/model/modeltest"
)

func TestDecodeArticleReadsEveryField(t *testing.T) {
	var full model.Article
	modeltest.Fill(t, &full)
	cases := map[string]model.Article{
		"every field set": full,
		"zero":            {},
		"empty lists":     {Topics: []string{}, Images: []model.Image{}, Related: []model.Related{}, Explain: &model.Explain{}},
	}
	for name, a := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := json.Marshal(a)
			if err != nil {
				t.Fatal(err)
			}
			var fast, slow model.Article
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
		var a model.Article
		if err := decodeArticle([]byte(in), &a); err == nil {
			t.Errorf("fast path accepted %q; want it left to encoding/json", in)
		}
	}
}

func TestDecodeMatchesEncodingJSON(t *testing.T) {
	cases := []string{
		`{"title":"plain","quality":120,"topics":["A","B"],"explain":null,"images":null}`,
		`{"title":"esc \u003cb\u003e \ud83d\ude00 \"q\" \/","excerpt":"tab\tnl\n"}`,
		` { "title" : "spaced" , "heat" : -3 , "published" : false } `,
		`{"Title":"folded by encoding/json"}`,
		`{"quality":1.5}`,
	}
	for _, in := range cases {
		r := &model.Record{Path: "_news/x.md", Kind: model.KindNews}
		errFast := Decode(r, []byte(in))
		var want model.Article
		errSlow := json.Unmarshal([]byte(in), &want)
		if (errFast == nil) != (errSlow == nil) {
			t.Errorf("%s: Decode error %v, encoding/json error %v", in, errFast, errSlow)
			continue
		}
		if errSlow == nil && !reflect.DeepEqual(*r.Article, want) {
			t.Errorf("%s: got %+v, want %+v", in, *r.Article, want)
		}
	}
}

func FuzzDecodeArticle(f *testing.F) {
	var full model.Article
	modeltest.Fill(f, &full)
	data, _ := json.Marshal(full)
	f.Add(data)
	f.Add([]byte(`{"title":"a\u00e9\ud83d\ude00","related":[{"provider":{"images":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast model.Article
		if decodeArticle(data, &fast) != nil {
			return
		}
		var slow model.Article
		if err := json.Unmarshal(data, &slow); err != nil {
			t.Fatalf("fast path accepted what encoding/json refuses (%v): %q", err, data)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("fast %+v != slow %+v for %q", fast, slow, data)
		}
	})
}

func BenchmarkUnmarshalArticle(b *testing.B) {
	var full model.Article
	modeltest.Fill(b, &full)
	data, _ := json.Marshal(full)
	b.Run("fast", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var a model.Article
			if err := decodeArticle(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			var a model.Article
			if err := json.Unmarshal(data, &a); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestJSONNumberAgreesWithEncodingJSON holds the fast decoder's number
// check to encoding/json on the forms ParseFloat reads and JSON does not.
func TestJSONNumberAgreesWithEncodingJSON(t *testing.T) {
	for _, n := range []string{
		"0", "-0", "1", "10", "0.5", "-1.25", "1e3", "1E+3", "2.5e-3", "123456789.0123",
		"00", "01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "", "1.e3", "0x10", "Inf", "NaN", "1_0", "--1",
	} {
		var f float64
		want := json.Unmarshal([]byte(n), &f) == nil
		if got := jsonNumber([]byte(n)); got != want {
			t.Errorf("jsonNumber(%q) = %v, encoding/json reads it: %v", n, got, want)
		}
	}
}
