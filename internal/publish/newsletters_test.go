package publish

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mmcdole/gofeed"

	"newshub/internal/model"
	"newshub/internal/newsletter"
	"newshub/internal/site"
	"newshub/internal/store"
)

// writeIssues writes the newsletter issues of the last n days with news
// before genNow, newest first, as serve's scheduler would.
func writeIssues(t *testing.T, st store.Store, s *site.Site, n int) []*model.Record {
	t.Helper()
	ctx := context.Background()
	opt := newsletter.Options{Now: genNow.UTC}
	var recs []*model.Record
	for d := newsletter.LastDue(genNow, s.Config); len(recs) < n; d = d.AddDays(-1) {
		_, rec, err := newsletter.Write(ctx, st, s, "", d, opt)
		if err == nil {
			recs = append(recs, rec)
		} else if !strings.Contains(err.Error(), newsletter.ErrNoNews.Error()) {
			t.Fatal(err)
		}
		if d.Before(newsletter.DateOf(genNow.AddDate(0, 0, -30))) {
			t.Fatalf("only %d days with news in the last month", len(recs))
		}
	}
	return recs
}

func TestNewslettersArePublished(t *testing.T) {
	st, s := genStore(t, 400)
	issues := writeIssues(t, st, s, 3)
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "out")
	if _, err := Build(ctx, st, s, out, BuildOptions{Options: genOptions()}); err != nil {
		t.Fatal(err)
	}
	v, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	base := v.BaseURL()
	doc := func(p string) []byte {
		t.Helper()
		d, err := v.Doc(ctx, p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		built, err := os.ReadFile(filepath.Join(out, filepath.FromSlash(p)))
		if err != nil || !bytes.Equal(built, d.Body) {
			t.Fatalf("%s: the build wrote other bytes than served (%v)", p, err)
		}
		return d.Body
	}

	var list struct {
		Title, Path string
		Page        int
		Value       []map[string]any
	}
	for _, p := range firstPageFiles("api/newsletters", false) {
		if err := json.Unmarshal(doc(p), &list); err != nil {
			t.Fatal(err)
		}
	}
	if list.Title != "Newsletters" || list.Path != "_newsletters" || list.Page != 1 || len(list.Value) != len(issues) {
		t.Fatalf("list %q %q page %d with %d issues, want %d", list.Title, list.Path, list.Page, len(list.Value), len(issues))
	}
	for i, rec := range issues { // written newest first
		slug := Slug(rec.Path)
		it := list.Value[i]
		if it["path"] != rec.Path || it["title"] != rec.Newsletter.Title || it["webUrl"] != rec.Newsletter.WebURL ||
			it["sourceUrl"] != base+"/api/newsletters/"+slug+"/index.json" {
			t.Errorf("item %d: %v, want the issue %s", i, it, rec.Path)
		}
		var one map[string]any
		if err := json.Unmarshal(doc("api/newsletters/"+slug+"/index.json"), &one); err != nil {
			t.Fatal(err)
		}
		if one["content"] != rec.Newsletter.Body || one["path"] != rec.Path {
			t.Errorf("%s: the document does not hold the issue's HTML", slug)
		}
	}
	if _, err := v.Doc(ctx, "api/newsletters/no-such-issue/"); err != ErrNotFound {
		t.Errorf("an unknown issue: %v, want ErrNotFound", err)
	}

	for _, name := range []string{"newsletters.rss.xml", "newsletters.atom.xml"} {
		f, err := gofeed.NewParser().Parse(bytes.NewReader(doc("feeds/" + name)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Items) != len(issues) {
			t.Fatalf("%s: %d items, want %d", name, len(f.Items), len(issues))
		}
		for i, it := range f.Items {
			rec := issues[i]
			if it.Title != rec.Newsletter.Title || it.Link != base+"/newsletters/"+Slug(rec.Path)+"/" ||
				it.PublishedParsed == nil || !it.PublishedParsed.Equal(rec.Newsletter.PublishedDateTime) {
				t.Errorf("%s item %d: %q %q %v, want %s", name, i, it.Title, it.Link, it.PublishedParsed, rec.Path)
			}
		}
	}
}

// TestImageURLsAreAbsolute checks that the pictures a site keeps under
// assets/images, which records name by site-relative URLs, get the hub's
// base URL in every document and feed, as every URL of Smartable's API
// is absolute.
func TestImageURLsAreAbsolute(t *testing.T) {
	st, s := genStore(t, 200)
	ctx := context.Background()
	opt := genOptions()
	opt.BaseURL = "https://static.example.net/hub"
	v, err := Load(ctx, st, s, opt)
	if err != nil {
		t.Fatal(err)
	}
	relative := 0
	err = st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
		for _, im := range append(r.Article.Images, r.Article.Provider.Images...) {
			if strings.HasPrefix(im.URL, "/assets/images/") {
				relative++
			}
		}
		return nil
	})
	if err != nil || relative == 0 {
		t.Fatalf("the generated records name no site-relative picture (%v): nothing to check", err)
	}
	seen := 0
	for _, p := range v.Paths(ctx) {
		d, err := v.Doc(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		body := string(d.Body)
		if strings.Contains(body, `"/assets/images/`) || strings.Contains(body, `>/assets/images/`) {
			t.Errorf("%s: a site-relative image URL", p)
		}
		seen += strings.Count(body, opt.BaseURL+"/assets/images/")
	}
	if seen == 0 {
		t.Fatal("no document names a picture under the base URL")
	}
}

// newsletterRSS reads the RSS feed of issues of the controls fixture, its
// issue's excerpt made excerpt, with the site's locale.
func newsletterRSS(t *testing.T, excerpt, locale string) *gofeed.Feed {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	importDir(t, st, "testdata/controls", func(r *model.Record) {
		if r.Newsletter != nil {
			r.Newsletter.Excerpt = excerpt
		}
	})
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	s.Config.Locale = locale
	v, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	d, err := v.Doc(ctx, "feeds/newsletters.rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	f, err := gofeed.NewParser().Parse(bytes.NewReader(d.Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Items) != 1 {
		t.Fatalf("%d items, want 1", len(f.Items))
	}
	return f
}

// TestNewsletterRSSGivesTheLanguageAsATag checks that the RSS feed of
// issues gives the site's locale as a language tag (en_US as en-US), as
// the news feeds do, where readers take en_US for no language.
func TestNewsletterRSSGivesTheLanguageAsATag(t *testing.T) {
	for _, tt := range []struct{ locale, want string }{{"en_US", "en-US"}, {"pt_br", "pt-br"}} {
		if f := newsletterRSS(t, "Harbor plan approved", tt.locale); f.Language != tt.want {
			t.Errorf("locale %q: language %q, want %q", tt.locale, f.Language, tt.want)
		}
	}
}

// TestNewsletterRSSEscapesTheExcerptForHTML checks that an issue's
// excerpt in the RSS feed of issues is escaped for the HTML readers
// render a description as, as the news feeds' is: a headline naming a
// tag (<b>) or an entity (&amp;) reads in a reader as it was written.
func TestNewsletterRSSEscapesTheExcerptForHTML(t *testing.T) {
	const excerpt = "Why <b> tags matter / AT&T and &amp; R&D"
	f := newsletterRSS(t, excerpt, "en")
	if got := html.UnescapeString(f.Items[0].Description); got != excerpt {
		t.Errorf("description %q reads as HTML %q, want %q", f.Items[0].Description, got, excerpt)
	}
}

// TestNewsletterFeedsBeforeTheFirstIssueSayWhenTheHubChanged: a hub with
// news and no issue yet gave feeds of issues last updated in 1970; they
// give the hub's newest news's time, as a topic's feeds with no news do.
func TestNewsletterFeedsBeforeTheFirstIssueSayWhenTheHubChanged(t *testing.T) {
	st, s := genStore(t, 3)
	ctx := context.Background()
	v, err := Load(ctx, st, s, genOptions())
	if err != nil {
		t.Fatal(err)
	}
	if len(v.leads) == 0 || len(v.newsletters) != 0 {
		t.Fatalf("the generated hub has %d leads and %d issues, want some and none", len(v.leads), len(v.newsletters))
	}
	newest := v.leads[0].Time.In(v.loc)
	for name, want := range map[string]string{
		"newsletters.rss.xml":  "<lastBuildDate>" + newest.Format(time.RFC1123Z) + "</lastBuildDate>",
		"newsletters.atom.xml": "<updated>" + newest.Format(time.RFC3339) + "</updated>",
	} {
		d, err := v.Doc(ctx, "feeds/"+name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Contains(d.Body, []byte(want)) || bytes.Contains(d.Body, []byte("1970")) {
			t.Errorf("feeds/%s lacks %s:\n%s", name, want, d.Body)
		}
		if _, err := gofeed.NewParser().Parse(bytes.NewReader(d.Body)); err != nil {
			t.Errorf("feeds/%s: %v", name, err)
		}
	}
}
