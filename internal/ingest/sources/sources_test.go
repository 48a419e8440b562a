package sources

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"newshub/internal/model"
	"newshub/internal/store/sqlite"
)

func TestAddSaveLoadRemove(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, ".newshub", "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	l, err := Load(ctx, st, dir)
	if err != nil || len(l.Sources()) != 0 {
		t.Fatalf("empty load: %v %v", l, err)
	}
	off := false
	for _, s := range []model.Source{
		{URL: "https://news.example.com/feed.xml", Provider: "example.com", Topics: []string{"Election"}, Interval: "30m"},
		{URL: "https://other.example.org/rss", Enabled: &off},
	} {
		if err := l.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Add(model.Source{URL: "HTTPS://NEWS.example.com/feed.xml"}); err == nil {
		t.Fatal("duplicate URL accepted")
	}
	for _, bad := range []model.Source{{URL: "ftp://x.example/feed"}, {URL: "/relative"}, {URL: "https://x.example/", Interval: "10s"}, {URL: "https://x.example/", Interval: "soon"}} {
		if err := l.Add(bad); err == nil {
			t.Fatalf("bad source %+v accepted", bad)
		}
	}
	if err := l.Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, l.Record().Raw) || !strings.Contains(string(file), "https://news.example.com/feed.xml") {
		t.Fatalf("file and record differ or lack the source:\n%s", file)
	}

	// The store now holds it: a load without the folder finds it.
	l2, err := Load(ctx, st, "")
	if err != nil {
		t.Fatal(err)
	}
	got := l2.Sources()
	if len(got) != 2 || got[0].Interval != "30m" || !slices.Equal(got[0].Topics, []string{"Election"}) || got[1].IsEnabled() {
		t.Fatalf("loaded %+v", got)
	}
	if !l2.Remove("https://news.example.com/feed.xml/") || l2.Remove("https://absent.example/") {
		t.Fatal("Remove")
	}
	if len(l2.Sources()) != 1 {
		t.Fatalf("after remove: %+v", l2.Sources())
	}
}

func TestLoadFallsBackToSiteFile(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	os.MkdirAll(filepath.Join(dir, "_data"), 0o755)
	os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte("sources:\n  - url: https://a.example/feed\n    provider: a.example\n"), 0o644)
	l, err := Load(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Sources()) != 1 || l.Sources()[0].Provider != "a.example" {
		t.Fatalf("got %+v", l.Sources())
	}
	os.WriteFile(filepath.Join(dir, "_data", "sources.yaml"), []byte("sources:\n  - provider: nourl\n"), 0o644)
	if _, err := Load(ctx, st, dir); err == nil || !strings.Contains(err.Error(), "sources.yaml:2") {
		t.Fatalf("bad file: %v", err)
	}
}

func TestOPMLRoundTrip(t *testing.T) {
	f, err := os.Open(filepath.Join("testdata", "feeds.opml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	srcs, err := ReadOPML(f)
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, s := range srcs {
		urls = append(urls, s.URL)
	}
	want := []string{"https://news.example.com/feed.xml", "https://cafe.example.fr/rss", "https://top.example.org/atom"}
	if !slices.Equal(urls, want) {
		t.Fatalf("urls %v", urls)
	}
	if !slices.Equal(srcs[2].Topics, []string{"Election", "Joe Biden"}) || len(srcs[1].Topics) != 0 {
		t.Fatalf("topics %v / %v", srcs[2].Topics, srcs[1].Topics)
	}
	var buf bytes.Buffer
	if err := WriteOPML(&buf, "hub", srcs); err != nil {
		t.Fatal(err)
	}
	back, err := ReadOPML(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[2].URL != want[2] || !slices.Equal(back[2].Topics, srcs[2].Topics) {
		t.Fatalf("round trip %+v", back)
	}
	if _, err := ReadOPML(strings.NewReader("<opml><body><outline")); err == nil {
		t.Fatal("broken OPML accepted")
	}
}
