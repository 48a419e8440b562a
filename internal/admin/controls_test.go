package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"newshub/internal/model"
)

// TestPagesHoldNoCharacterHTMLForbids stores an article whose title,
// excerpt and publisher hold control characters and a noncharacter, as a
// feed may send them: the stories, story and article pages hold none of
// them (a checker's "control character", a box in the browser), and
// show the text around them.
func TestPagesHoldNoCharacterHTMLForbids(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	const u = "https://statedaily.example/politics/senate-passes-border-bill"
	var rec *model.Record
	err := f.st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		if r.Article.CanonicalURL == u {
			rec = r
		}
		return nil
	})
	if err != nil || rec == nil {
		t.Fatalf("the article of %s: %v", u, err)
	}
	a := rec.Article
	a.Title = "Senate\x01 passes\u0085border\x7f security\u009b bill\uFDD0 after marathon debate"
	a.Excerpt = "Lawmakers\x02 voted\u0090 late."
	a.Provider.Name = "State\x1b Daily\uFFFE"
	if err := f.st.Upsert(ctx, []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
	c := f.signedIn(t)
	for _, path := range []string{Prefix + "stories/", Prefix + "stories/" + f.storyID(t) + "/", Prefix + "article/?a=" + url.QueryEscape(u)} {
		body := c.page(path)
		for i, r := range body {
			if htmlForbidden(r) {
				t.Errorf("%s holds %U: %q", path, r, body[max(0, i-40):min(len(body), i+40)])
				break
			}
		}
		if !strings.Contains(body, "Senate passes border security bill after marathon debate") {
			t.Errorf("%s does not show the title", path)
		}
	}
}

// htmlForbidden reports whether HTML forbids r in a document: a control
// (C0 but the ASCII white space, DEL, C1) or a noncharacter.
func htmlForbidden(r rune) bool {
	switch {
	case r == '\t' || r == '\n' || r == '\f' || r == '\r':
		return false
	case r < 0x20 || 0x7F <= r && r <= 0x9F:
		return true
	}
	return 0xFDD0 <= r && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}
