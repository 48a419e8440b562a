package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/store"
)

// TestMergedStoryAnswersWhereItWent merges story s-1 into s-0 as an
// editor's merge leaves the store (s-1's members in s-0, the decision in
// the log) and asks for s-1's document: a 404 that names the merge and
// the story its coverage is in now, not a bare "not found", and the
// story's page says where that story's page is. When its
// article was moved out of the merged story since, the answer names the
// story that article is in now; an id no editor merged stays a bare 404.
func TestMergedStoryAnswersWhereItWent(t *testing.T) {
	ctx := context.Background()
	st := genStore(t, 40)
	stories := map[string][]*model.Record{}
	err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		stories[r.Article.Story] = append(stories[r.Article.Story], r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Curation keys each article by its canonical URL, which the
	// decisions name.
	from, into := stories["s-1"][0].Article, stories["s-0"][0].Article
	from.CanonicalURL, into.CanonicalURL = from.WebURL, into.WebURL
	log := fmt.Sprintf(`decisions:
  - action: merge
    story: "s-1"
    story_article: %q
    into: "s-0"
    into_article: %q
    by: "ada"
    at: 2026-10-19T10:00:00Z
`, from.CanonicalURL, into.CanonicalURL)
	dec, err := content.Parse("_data/decisions.yaml", []byte(log))
	if err != nil {
		t.Fatal(err)
	}
	merged := []*model.Record{dec, stories["s-0"][0]}
	for _, r := range stories["s-1"] {
		r.Article.Story, r.Article.Published, r.Article.Heat = "s-0", false, -1
		merged = append(merged, r)
	}
	_, ts := hubServer(t, st)

	tests := []struct {
		name  string
		write func()
		// seen answers seenStatus once the server's view holds the write.
		seen       string
		seenStatus int
		path       string
		want       []string // in the error; nil: a bare "not found"
	}{
		{"merged", func() { upsert(t, st, merged...) }, "/api/stories/s-1/", http.StatusNotFound, "/api/stories/s-1/",
			[]string{"story s-1 was merged into another by ada on 2026-10-19", "now story s-0"}},
		{"merged, then its article moved out", func() {
			r := stories["s-1"][0]
			r.Article.Story, r.Article.Published, r.Article.Heat = "s-moved", true, 50
			upsert(t, st, r)
		}, "/api/stories/s-moved/", http.StatusOK, "/api/stories/s-1/", []string{"merged into another by ada", "now story s-moved"}},
		{"never merged", func() {}, "", 0, "/api/stories/s-99/", nil},
		{"merged into", func() {}, "", 0, "/api/stories/s-0/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.write()
			// The server loads the view the write made once it sees it.
			for range 500 {
				if tt.seen == "" || status(t, ts.URL+tt.seen) == tt.seenStatus {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			resp, body := get(t, ts.URL+tt.path, nil)
			if tt.want == nil {
				if tt.path == "/api/stories/s-0/" {
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("%s: %d, want 200", tt.path, resp.StatusCode)
					}
					return
				}
				if resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), `"not found"`) {
					t.Fatalf("%s: %d %s, want a bare 404", tt.path, resp.StatusCode, body)
				}
				return
			}
			var e struct{ Error string }
			if err := json.Unmarshal(body, &e); resp.StatusCode != http.StatusNotFound || err != nil {
				t.Fatalf("%s: %d %s (%v), want a JSON 404", tt.path, resp.StatusCode, body, err)
			}
			for _, w := range tt.want {
				if !strings.Contains(e.Error, w) {
					t.Errorf("%s: %q, want it to say %q", tt.path, e.Error, w)
				}
			}
			page := strings.TrimPrefix(tt.path, "/api")
			now := tt.want[len(tt.want)-1][len("now story "):]
			resp, body = get(t, ts.URL+page, nil)
			if want := "its coverage is now at "; resp.StatusCode != http.StatusNotFound || !strings.Contains(string(body), want) ||
				!strings.Contains(string(body), "/stories/"+now+"/") {
				t.Errorf("%s: %d, want a 404 page saying %q and linking /stories/%s/:\n%s", page, resp.StatusCode, want, now, body)
			}
		})
	}
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, _ := get(t, url, nil)
	return resp.StatusCode
}

func upsert(t *testing.T, st store.Store, recs ...*model.Record) {
	t.Helper()
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
}
