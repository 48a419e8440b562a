package publish

import (
	"strconv"
	"testing"
	"time"
)

// TestCarryDropsStampsOnceMarksOverflow checks that a view that answered
// more documents than it could mark carries over no stamp of the views
// before it: one of them may be of bytes the view answered otherwise,
// unmarked, and give them back their old date.
func TestCarryDropsStampsOnceMarksOverflow(t *testing.T) {
	old := target{kind: tArticle, a: "2024/05/01/old"}
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	for _, n := range []int{1, maxStamps + 1} {
		c := &docCache{docs: map[docKey]*Doc{}, before: map[target]docStamp{old: {etag: `"a"`, mod: at}}}
		for i := range n {
			id := strconv.Itoa(i)
			c.mark(target{kind: tArticle, a: id}, &Doc{ETag: `"` + id + `"`, Modified: at.Add(time.Hour)})
		}
		_, kept := c.carry()[old]
		if want := n <= maxStamps; kept != want {
			t.Errorf("%d documents answered: the stamp of the view before carried over %v, want %v", n, kept, want)
		}
	}
}
