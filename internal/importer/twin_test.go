package importer

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
)

// twinNews is a news record of an invented article, as Smartable writes one.
func twinNews(title, url string) []byte {
	return []byte("---\ncategory: news\ntitle: \"" + title + "\"\nexcerpt: \"An invented article.\"\n" +
		"publishedDateTime: 2021-03-02T10:00:00Z\noriginalUrl: \"" + url + "\"\nwebUrl: \"" + url + "\"\n" +
		"type: article\nquality: 80\nheat: 80\npublished: true\n\nprovider:\n  name: Example\n  domain: example.com\n\n" +
		"topics:\n  - Election\n\nsecured: \"a;b\"\n---\n\n")
}

// TestImportKeepsAsItIsACopyOfAnArticleTheHubMoved imports a folder, moves
// an article between _news and _archive/news in the store as retention
// does, then imports a folder holding the article at its former place (an
// older export, a backup brought back): the store keeps one record of the
// article, where it moved, and the older copy is kept as it is, named.
func TestImportKeepsAsItIsACopyOfAnArticleTheHubMoved(t *testing.T) {
	const name = "2021-03-02-a-moved-story.md"
	url := "https://example.com/2021/03/02/a-moved-story"
	tests := []struct {
		name      string
		first     string // where the first import finds the article
		movedTo   string // where the hub moves it; "" when it does not
		second    string // where the second import finds it
		storedAt  string // where the article is stored after
		keptFound bool   // whether the second import keeps a file unread
	}{
		{"archived by the hub, brought back from _news", "_news/", "_archive/news/", "_news/", "_archive/news/", true},
		{"restored by the hub, brought back from the archive", "_archive/news/", "_news/", "_archive/news/", "_news/", true},
		{"archived in the folder since", "_news/", "", "_archive/news/", "_news/", true},
		{"the same file again", "_news/", "", "_news/", "_news/", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			dbPath := filepath.Join(t.TempDir(), "hub.db")
			first, second := t.TempDir(), t.TempDir()
			writeFile(t, first, tc.first+name, twinNews("A moved story", url))
			writeFile(t, first, "_news/2021-03-03-another-story.md", twinNews("Another story", "https://example.com/another"))
			writeFile(t, second, tc.second+name, twinNews("A moved story", url))
			importInto(t, dbPath, first, Options{})
			if tc.movedTo != "" {
				st, err := sqlite.Open(ctx, dbPath)
				if err != nil {
					t.Fatal(err)
				}
				if err := st.Move(ctx, []store.Move{{From: tc.first + name, To: tc.movedTo + name}}); err != nil {
					t.Fatal(err)
				}
				st.Close()
			}
			res := importInto(t, dbPath, second, Options{})
			if len(res.Rejected) != 0 {
				t.Errorf("rejected: %v", res.Rejected)
			}
			var kept []string
			for _, k := range res.Kept {
				kept = append(kept, k.Error())
			}
			want := second + "/" + tc.second + name + ":6: duplicate record: article URL \"" + url + "\" is already stored at " + tc.storedAt + name
			if tc.keptFound && (len(kept) != 1 || !strings.HasPrefix(kept[0], want)) {
				t.Errorf("kept %q, want %q", kept, want)
			}
			if !tc.keptFound && len(kept) != 0 {
				t.Errorf("kept %q, want nothing", kept)
			}
			var articles []string
			for p, r := range storedFiles(t, dbPath) {
				if r.kind == model.KindNews && strings.HasSuffix(p, name) {
					articles = append(articles, p)
				}
			}
			if len(articles) != 1 || articles[0] != tc.storedAt+name {
				t.Errorf("the article is stored at %q, want once at %s", articles, tc.storedAt+name)
			}
		})
	}
}
