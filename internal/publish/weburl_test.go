package publish

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// TestRecordWebURLsLeadToTheHub checks the webUrl of the events, people
// and learning documents: under the site's webUrl when it gives one, else
// under the hub's base URL, where the website has their pages; never a
// path with no host.
func TestRecordWebURLsLeadToTheHub(t *testing.T) {
	for _, tc := range []struct {
		name, webURL, want string
	}{
		{"webUrl given", "https://app.example.org/hub/", "https://app.example.org/hub/"},
		{"no webUrl", "", "https://hub.example.org/election/"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, s := genStore(t, 60)
			s.Config.WebURL = tc.webURL
			ctx := context.Background()
			v, err := Load(ctx, st, s, genOptions())
			if err != nil {
				t.Fatal(err)
			}
			if v.BaseURL()+"/" != "https://hub.example.org/election/" {
				t.Fatalf("base URL %q", v.BaseURL())
			}
			n := 0
			for _, p := range []string{"api/events/index.json", "api/people/index.json", "api/people/collections/index.json",
				"api/learning/index.json", "api/learning/collections/index.json"} {
				d, err := v.Doc(ctx, p)
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				var list struct {
					Value []struct{ WebURL, OriginalURL string }
				}
				if err := json.Unmarshal(d.Body, &list); err != nil {
					t.Fatalf("%s: %v", p, err)
				}
				for _, it := range list.Value {
					if strings.HasPrefix(p, "api/learning/index") && it.WebURL == it.OriginalURL {
						continue // an article's own site
					}
					n++
					if !strings.HasPrefix(it.WebURL, tc.want) {
						t.Errorf("%s: webUrl %q, want one under %s", p, it.WebURL, tc.want)
					}
				}
			}
			if n < 10 {
				t.Errorf("only %d webUrls checked", n)
			}
		})
	}
}
