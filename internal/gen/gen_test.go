package gen

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/model"
	"newshub/internal/testutil"
)

func generate(t *testing.T, opt Options) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "site")
	if _, err := Generate(context.Background(), dir, opt); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSameSeedGivesSameBytes(t *testing.T) {
	opt := Options{Articles: 400, Seed: 7}
	a := testutil.Files(t, generate(t, opt))
	b := testutil.Files(t, generate(t, Options{Articles: 400, Seed: 7, Workers: 1}))
	if len(a) != len(b) {
		t.Fatalf("%d files then %d", len(a), len(b))
	}
	for p, data := range a {
		if !bytes.Equal(data, b[p]) {
			t.Fatalf("%s differs between two runs with the same seed", p)
		}
	}
	c := testutil.Files(t, generate(t, Options{Articles: 400, Seed: 8}))
	same := 0
	for p, data := range c {
		if strings.HasPrefix(p, "_news/") && bytes.Equal(data, a[p]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d news files identical under another seed", same)
	}
}

func TestGeneratedFilesAreCanonicalRecords(t *testing.T) {
	dir := generate(t, Options{Articles: 300, Seed: 3})
	files := testutil.Files(t, dir)
	kinds := map[model.Kind]int{}
	for p, data := range files {
		if strings.HasPrefix(p, PictureDir+"/") {
			continue // TestPicturesAreInTheSiteAndMatchTheirRecords
		}
		rec, err := content.Parse(p, data)
		if err != nil {
			t.Fatalf("generated file does not parse: %v", err)
		}
		kinds[rec.Kind]++
		// Rendering an unchanged record gives its bytes back: the file is
		// in the canonical style.
		before := slices.Clone(rec.Raw)
		if err := content.Render(rec); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(before, rec.Raw) {
			t.Errorf("%s: not canonical:\n%s\n---\n%s", p, before, rec.Raw)
		}
	}
	want := map[model.Kind]int{model.KindNews: 300, model.KindConfig: 1, model.KindSources: 1,
		model.KindPeopleList: 1, model.KindLearningList: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d %s records, want %d", kinds[k], k, n)
		}
	}
	for k, atLeast := range map[model.Kind]int{model.KindOrganization: 40, model.KindTopic: 9,
		model.KindPerson: 10, model.KindEvent: 10, model.KindLearning: 6} {
		if kinds[k] < atLeast {
			t.Errorf("%d %s records, want at least %d", kinds[k], k, atLeast)
		}
	}
	if data := files["_data/sources.yaml"]; string(data) != "sources: []\n" {
		t.Errorf("sources.yaml = %q, want an empty list", data)
	}
	if _, err := os.Stat(filepath.Join(dir, ".newshub")); err != nil {
		t.Errorf("no .newshub folder: %v", err)
	}
}

// collect returns the records of a generated site by kind.
func collect(t *testing.T, opt Options) map[model.Kind][]*model.Record {
	t.Helper()
	out := map[model.Kind][]*model.Record{}
	if err := Records(opt, func(r *model.Record) error {
		out[r.Kind] = append(out[r.Kind], r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestStoriesFollowTheCurationRules(t *testing.T) {
	recs := collect(t, Options{Articles: 3000, Seed: 11})
	news := recs[model.KindNews]
	if len(news) != 3000 {
		t.Fatalf("%d articles, want 3000", len(news))
	}
	byURL := map[string]*model.Article{}
	for _, r := range news {
		byURL[r.Article.WebURL] = r.Article
	}
	leads, sizes, paraphrased, archived := 0, map[int]int{}, 0, 0
	for _, r := range news {
		a := r.Article
		if r.Path != content.NewsPath(a.PublishedDateTime, a.Title) && !strings.HasPrefix(r.Path, "_archive/news/") &&
			!strings.Contains(r.Path, a.PublishedDateTime.Format("2006-01-02")) {
			t.Errorf("%s: path does not match date %s", r.Path, a.PublishedDateTime)
		}
		if strings.HasPrefix(r.Path, "_archive/news/") {
			archived++
		}
		if a.Topics[0] != "Election" {
			t.Errorf("%s: topics %v do not start with the root", r.Path, a.Topics)
		}
		for i := 1; i < len(a.Related); i++ {
			if a.Related[i-1].Quality < a.Related[i].Quality {
				t.Errorf("%s: related not sorted by quality", r.Path)
			}
		}
		if !a.Published {
			if a.Heat != -1 {
				t.Errorf("%s: unpublished with heat %d", r.Path, a.Heat)
			}
			continue
		}
		leads++
		if a.Heat != a.Quality+20*len(a.Related) {
			t.Errorf("%s: heat %d, quality %d, %d related", r.Path, a.Heat, a.Quality, len(a.Related))
		}
		sizes[len(a.Related)+1]++
		titles := map[string]bool{a.Title: true}
		for _, rel := range a.Related {
			m := byURL[rel.WebURL]
			if m == nil {
				t.Fatalf("%s: related %s is no article", r.Path, rel.WebURL)
			}
			if m.Published {
				t.Errorf("%s: two leads in one story", r.Path)
			}
			if m.Quality > a.Quality {
				t.Errorf("%s: member %s has higher quality than the lead", r.Path, rel.WebURL)
			}
			if len(m.Related) != len(a.Related) {
				t.Errorf("%s: member lists %d related, lead %d", rel.WebURL, len(m.Related), len(a.Related))
			}
			titles[m.Title] = true
		}
		if len(a.Related) > 0 && len(titles) > 1 {
			paraphrased++
		}
	}
	if leads < 1000 || leads > 2500 {
		t.Errorf("%d stories for 3000 articles", leads)
	}
	big := 0
	for n, c := range sizes {
		if n < 1 || n > 20 {
			t.Errorf("%d stories of %d articles", c, n)
		}
		if n >= 10 {
			big += c
		}
	}
	if sizes[1] == 0 || big == 0 {
		t.Errorf("story sizes %v: want single articles and stories of 10 or more", sizes)
	}
	if paraphrased == 0 {
		t.Error("no story has differently worded titles")
	}
	if archived == 0 || archived == len(news) {
		t.Errorf("%d of %d articles archived, want some", archived, len(news))
	}
}

func TestHubShape(t *testing.T) {
	until := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	recs := collect(t, Options{Articles: 500, Seed: 5, Until: until})
	voices, logos := 0, 0
	for _, r := range recs[model.KindOrganization] {
		if r.Organization.Voice != "" {
			voices++
		}
		if len(r.Organization.Images) > 0 {
			logos++
		}
		if r.Organization.Quality <= 0 {
			t.Errorf("%s: no quality prior", r.Path)
		}
	}
	if voices == 0 || logos == 0 {
		t.Errorf("%d organizations with a voice, %d with logos", voices, logos)
	}
	highlights, keywords := 0, 0
	for _, r := range recs[model.KindTopic] {
		if r.Topic.Highlight != nil {
			highlights++
		}
		if len(r.Topic.Keywords) > 0 {
			keywords++
		}
	}
	if highlights != 2 || keywords < 6 {
		t.Errorf("%d topics with highlights (want 2), %d with keywords", highlights, keywords)
	}
	past, future := 0, 0
	for _, r := range recs[model.KindEvent] {
		if r.Event.EndDateTime.Before(until) {
			past++
		} else {
			future++
		}
	}
	if past == 0 || future == 0 {
		t.Errorf("%d past and %d future events, want both", past, future)
	}
	for _, r := range recs[model.KindNews] {
		if r.Article.PublishedDateTime.After(until) || until.Sub(r.Article.PublishedDateTime) > DefaultSpan+48*time.Hour {
			t.Errorf("%s: published %s, outside the span before %s", r.Path, r.Article.PublishedDateTime, until)
		}
	}
	videos := 0
	for _, r := range recs[model.KindLearning] {
		if r.Learning.Type == "video" && strings.Contains(r.Learning.FeaturedContent, "<iframe") {
			videos++
		}
	}
	if videos == 0 {
		t.Error("no video with featured content")
	}
}

func TestGenerateRefusesANonEmptyFolder(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "x"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), dir, Options{Articles: 1}); err == nil {
		t.Fatal("Generate wrote into a non-empty folder")
	}
}
