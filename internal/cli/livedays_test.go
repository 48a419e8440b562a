package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// liveHub is a hub kept in three static copies as days pass: one by
// one-shot builds (build OUT, with the manifest saved beside OUT), two by
// the live path's builds, with one Manifest in memory each, beside a
// server (serve --publish: the server's views) and alone (ingest
// --publish: a view loaded by each build), each compared after every
// change with a fresh build of the same store at the same time.
type liveHub struct {
	*editHub
	st      store.Store
	clock   time.Time
	opt     publish.BuildOptions
	alone   publish.BuildOptions
	oneShot string
	live    string
	ingest  string
	dir     string
	step    int
}

func newLiveHub(t *testing.T) *liveHub {
	t.Helper()
	h := &editHub{t: t, site: genSite(t, 150, 21), db: filepath.Join(t.TempDir(), "hub.db")}
	h.run("import")
	h.run("curate")
	ctx := context.Background()
	st, err := sqlite.Open(ctx, h.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	dir := t.TempDir()
	lh := &liveHub{editHub: h, st: st, clock: time.Date(2026, 11, 3, 12, 0, 0, 0, time.UTC),
		oneShot: filepath.Join(dir, "out"), live: filepath.Join(dir, "live"), ingest: filepath.Join(dir, "ingest"), dir: dir}
	lh.opt, err = buildOptions(st, h.site, "", true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	lh.opt.Now = func() time.Time { return lh.clock }
	lh.opt.Manifest = &publish.Manifest{}
	lh.alone = lh.opt
	lh.alone.Manifest = &publish.Manifest{}
	lh.opt.Views = publish.NewViews(publish.ViewsConfig{Store: st, Options: lh.opt.Options})
	return lh
}

// check brings both copies in step and compares each with a fresh build.
func (h *liveHub) check(what string) {
	t := h.t
	t.Helper()
	h.step++
	now := h.clock.Format(time.RFC3339)
	said := h.run("build", "--now", now, h.oneShot)
	// The live path reads the site from the store, which the commands
	// above brought in step with the site folder.
	ctx := context.Background()
	s, err := site.Load(ctx, h.st)
	if err != nil {
		t.Fatal(err)
	}
	stats, err := publish.Build(ctx, h.st, s, h.live, h.opt)
	if err != nil {
		t.Fatalf("%s: live build: %v", what, err)
	}
	t.Logf("%s: %s  live: %d written, %d removed", what, strings.TrimSpace(said), stats.Written, stats.Removed)
	if _, err := publish.Build(ctx, h.st, s, h.ingest, h.alone); err != nil {
		t.Fatalf("%s: live build without a server: %v", what, err)
	}
	fresh := filepath.Join(h.dir, "fresh")
	os.RemoveAll(fresh)
	h.run("build", "--now", now, fresh)
	want := treeOf(t, fresh)
	sameTree(t, what+": one-shot build against a fresh one", treeOf(t, h.oneShot), want)
	sameTree(t, what+": live build against a fresh one", treeOf(t, h.live), want)
	sameTree(t, what+": live build without a server against a fresh one", treeOf(t, h.ingest), want)
	if t.Failed() {
		t.FailNow()
	}
}

// leads returns the current leads, newest first.
func (h *liveHub) leads() []*model.Record {
	h.t.Helper()
	current := false
	leads, err := h.st.News(context.Background(), store.NewsQuery{PublishedOnly: true, Public: true, Archived: &current, Order: store.ByTime})
	if err != nil {
		h.t.Fatal(err)
	}
	if len(leads) < 10 {
		h.t.Fatalf("%d leads: too few to test with", len(leads))
	}
	return leads
}

// editFile rewrites a file of the site folder by edit.
func (h *liveHub) editFile(rel string, edit func(string) string) {
	h.t.Helper()
	p := filepath.Join(h.site, filepath.FromSlash(rel))
	b, err := os.ReadFile(p)
	if err != nil {
		h.t.Fatal(err)
	}
	after := edit(string(b))
	if after == string(b) {
		h.t.Fatalf("%s: the edit changed nothing", rel)
	}
	if err := os.WriteFile(p, []byte(after), 0o644); err != nil {
		h.t.Fatal(err)
	}
}

// TestLiveCopyEqualsAFreshBuildAsDaysPass keeps a hub's static copies in
// step through what weeks of running one bring: days passing (retention
// archives and purges), an editor's decisions, newsletter issues, and
// edits of the site's settings, topics and organizations. After each,
// both copies equal a fresh build byte for byte.
func TestLiveCopyEqualsAFreshBuildAsDaysPass(t *testing.T) {
	t.Parallel()
	h := newLiveHub(t)
	h.check("first build")
	// Days pass with no change of the store: an event passes, "… ago"
	// texts age, the leads rank otherwise.
	for _, at := range []string{"2026-11-03T20:00:00Z", "2026-11-22T12:00:00Z"} {
		h.clock, _ = time.Parse(time.RFC3339, at)
		h.check("the clock alone moved to " + at)
	}

	leads := h.leads()
	hidden := leads[1]
	h.run("edit", "hide", hidden.Path)
	h.check("hide")
	h.run("edit", "unhide", hidden.Path)
	h.check("unhide")
	h.run("edit", "pin", leads[len(leads)/2].Path, "--until", "2099-01-01")
	h.check("pin")
	h.run("edit", "topic", "add", leads[2].Path, "economy")
	h.check("topic added to an article")
	h.run("edit", "topic", "remove", leads[2].Path, "economy")
	h.check("topic removed from an article")

	h.run("newsletter", "--no-send", "--date", "2026-10-30")
	h.check("newsletter issue")
	h.run("edit", "hide", leads[0].Path)
	h.run("newsletter", "--no-send", "--date", "2026-10-30")
	h.check("newsletter issue written again")

	src := h.leads()[3].Article.Provider.Domain
	h.run("edit", "block-publisher", src)
	h.check("publisher blocked")

	h.editFile("_data/topics/07-economy.yaml", func(s string) string {
		return strings.Replace(strings.Replace(s, "_id: economy", "_id: jobs", 1), "name: Economy", "name: Jobs", 1)
	})
	if err := os.Rename(filepath.Join(h.site, "_data", "topics", "07-economy.yaml"), filepath.Join(h.site, "_data", "topics", "09-jobs.yaml")); err != nil {
		t.Fatal(err)
	}
	h.run("curate")
	h.check("topic renamed")
	if err := os.Remove(filepath.Join(h.site, "_data", "topics", "08-climate.yaml")); err != nil {
		t.Fatal(err)
	}
	h.run("curate")
	h.check("topic removed")

	h.editFile("_config.yml", func(s string) string { return strings.Replace(s, "title: Election Pulse", "title: Ballot Watch", 1) })
	h.check("site title")
	h.editFile("_config.yml", func(s string) string { return strings.Replace(s, `baseurl: "/election"`, `baseurl: "/vote"`, 1) })
	h.check("site baseurl")

	org := h.leads()[0].Article.Provider.Domain
	h.editFile("_data/organizations/"+org+".md", func(s string) string {
		if strings.Contains(s, "voice: Progressive Voice") {
			return strings.Replace(s, "voice: Progressive Voice", "voice: Conservative Voice", 1)
		}
		if strings.Contains(s, "voice: Conservative Voice") {
			return strings.Replace(s, "voice: Conservative Voice", "voice: Progressive Voice", 1)
		}
		return strings.Replace(s, "quality: ", "voice: Progressive Voice\nquality: ", 1)
	})
	h.run("curate")
	h.check("organization")

	h.editFile("_config.yml", func(s string) string {
		return strings.Replace(s, "archive_after: 150d", "archive_after: 150d\npurge_after: 90d", 1)
	})
	for _, day := range []string{"2026-12-01", "2027-03-01", "2027-09-01"} {
		h.clock, _ = time.Parse(time.DateOnly, day)
		h.clock = h.clock.Add(12 * time.Hour)
		t.Logf("%s", h.run("curate", "--archive", "--now", h.clock.Format(time.RFC3339)))
		h.check("retention on " + day)
	}
	// A longer archive_after brings archived stories back to the lists.
	h.editFile("_config.yml", func(s string) string { return strings.Replace(s, "archive_after: 150d", "archive_after: 700d", 1) })
	t.Logf("%s", h.run("curate", "--archive", "--now", h.clock.Format(time.RFC3339)))
	h.check("archive_after made longer")
}

// TestBuildBesidePublishing runs one-shot builds into the folder a
// publishing process keeps (serve --publish), between its builds, each
// leaving OUT otherwise than the process's manifest knows it: another
// time (other rankings) and no website. The process's next build, after
// a change of the store, must still leave what a fresh build writes, and
// so must a one-shot build after the process stopped.
func TestBuildBesidePublishing(t *testing.T) {
	t.Parallel() // most of it waits for the live path's builds
	hub := genSite(t, 120, 17)
	if code, _, errs := run(t, "--site", hub, "import"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	st, err := sqlite.Open(ctx, filepath.Join(hub, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := site.Load(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out")
	opt, err := buildOptions(st, hub, "", true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if opt.Now, err = parseNow(buildNow); err != nil {
		t.Fatal(err)
	}
	opt.Views = publish.NewViews(publish.ViewsConfig{Store: st, Options: opt.Options})
	var said testutil.LogBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		publishing(ctx, st, func() *site.Site { return s }, out, opt, publish.DefaultRankEvery, &said, slog.New(slog.DiscardHandler), nil)
	}()
	builds := func() int { return strings.Count(said.String(), "built ") + strings.Count(said.String(), "updated ") }
	waitFor(t, "the first build", func() bool { return builds() == 1 })
	fresh := func(what string) {
		t.Helper()
		dir := filepath.Join(t.TempDir(), "fresh")
		if code, _, errs := run(t, "--site", hub, "build", "--now", buildNow, dir); code != 0 {
			t.Fatalf("fresh build: %s", errs)
		}
		sameTree(t, what, treeOf(t, out), treeOf(t, dir))
	}
	for round, args := range [][]string{{"--now", "2026-12-25T08:00:00Z"}, {"--no-web"}, {"--now", "2026-10-01", "--no-web"}} {
		build := append(append([]string{"--site", hub, "build"}, args...), out)
		if code, _, errs := run(t, build...); code != 0 {
			t.Fatalf("build %v beside the publishing process: %s", args, errs)
		}
		changeHub(t, hub, 1, int64(50+round))
		waitFor(t, "the publishing process's build", func() bool { return builds() == round+2 })
		fresh(fmt.Sprintf("round %d: the publishing process's copy against a fresh build", round))
	}
	if code, _, errs := run(t, "--site", hub, "build", "--no-web", out); code != 0 {
		t.Fatalf("build: %s", errs)
	}
	cancel()
	<-done
	if code, _, errs := run(t, "--site", hub, "build", "--now", buildNow, out); code != 0 {
		t.Fatalf("build after the publishing process stopped: %s", errs)
	}
	fresh("a build after the publishing process stopped, against a fresh one")
}
