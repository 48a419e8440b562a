package admin

import (
	"net/http"
	"strings"
	"testing"
)

func TestPagesRender(t *testing.T) {
	f := newFixture(t, nil)
	c := f.signedIn(t)
	for _, p := range []string{"sources/", "rounds/", "stories/", "decisions/"} {
		w := c.do(http.MethodGet, Prefix+p, nil)
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d\n%s", p, w.Code, w.Body)
		}
		if testing.Verbose() {
			t.Logf("%s:\n%s", p, w.Body)
		}
	}
	_ = strings.Contains
}
