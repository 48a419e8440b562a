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
		// The publishers and authors of a provider are written with the
		// keys of Smartable's entity objects, of which ten are always null.
		parties := len(it.Provider.Publishers) + len(it.Provider.Authors)
		for _, r := range *it.Related {
			parties += len(r.Provider.Publishers) + len(r.Provider.Authors)
		}
		if n := bytes.Count(got, []byte("null")); n != 10*parties {
			t.Errorf("%d nulls, want the %d of %d publishers and authors: a field set to a value was written as null:\n%s", n, 10*parties, parties, got)
		}
	}
}
