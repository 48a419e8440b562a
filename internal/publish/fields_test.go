package publish

import (
	"bytes"
	"testing"

	"newshub/internal/model/modeltest"
)

// TestNewsWriterWritesEveryAPIField walks every field of a news item (and
// of its related entries, provider, images and highlight), each set to a
// value of its own: the hand-written writer gives encoding/json's bytes
// for it, so it writes every field the API has, under its name, with its
// value. A field added to the item that the writer does not write fails
// here; so does a field of a kind the walk does not know.
func TestNewsWriterWritesEveryAPIField(t *testing.T) {
	var it newsJSON
	modeltest.Fill(t, &it)
	for _, prefix := range []string{"", "  "} {
		want, err := encodeIndent(&it, prefix)
		if err != nil {
			t.Fatal(err)
		}
		got := encodeNews(&it, prefix)
		if !bytes.Equal(got, want) {
			t.Fatalf("prefix %q:\ngot  %s\nwant %s", prefix, got, want)
		}
		if bytes.Contains(got, []byte("null")) {
			t.Errorf("a field set to a value was written as null:\n%s", got)
		}
	}
}
