package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/model"
	"newshub/internal/publish"
	"newshub/internal/site"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// changeHub changes the hub's store as a day of news does: arrivals new
// articles, newer than the rest, in stories of their own; the lead of a
// story leaves the lists (unpublished); a record is deleted. It returns
// the paths of the unpublished and the deleted records.
func changeHub(t *testing.T, site string, arrivals int, seed int64) (left, deleted string) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(site, ".newshub", "newshub.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var fresh []*model.Record
	until := gen.DefaultUntil().Add(48 * time.Hour)
	err = gen.Records(gen.Options{Articles: arrivals, Seed: seed, Until: until, Span: 24 * time.Hour}, func(r *model.Record) error {
		if r.Article == nil {
			return nil
		}
		r.Path = strings.TrimSuffix(r.Path, ".md") + "-late.md"
		a := r.Article
		a.OriginalURL += "?late"
		a.WebURL += "?late"
		a.Story = "late-" + a.Story
		fresh = append(fresh, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	leads, err := st.News(ctx, store.NewsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	var lead, gone *model.Record
	for _, r := range leads {
		switch {
		case lead == nil && r.Article.Published:
			lead = r
		case gone == nil && r.Article.Published && r.Article.Story != lead.Article.Story:
			gone = r
		}
	}
	if lead == nil || gone == nil {
		t.Fatal("no two published articles to change")
	}
	lead.Article.Published = false
	if err := st.Upsert(ctx, append(fresh, lead)); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, gone.Path); err != nil {
		t.Fatal(err)
	}
	return lead.Path, gone.Path
}

// reviseHub edits the hub's store as curation and retention do between
// rounds, without new arrivals: an article is retitled and relabelled
// (its document, its page and the lists change, its path does not), and
// another, a lead, is archived (its record moves to _archive/news/).
func reviseHub(t *testing.T, st store.Store, round int) {
	t.Helper()
	ctx := context.Background()
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Archived: new(bool), Order: store.ByTime})
	if err != nil {
		t.Fatal(err)
	}
	var edit, archive *model.Record
	for _, r := range recs {
		switch {
		case strings.HasSuffix(r.Path, "-late.md"):
		case edit == nil && !r.Article.Published:
			edit = r
		case archive == nil && r.Article.Published:
			archive = r
		}
	}
	if edit == nil || archive == nil {
		t.Fatal("no articles to revise")
	}
	edit.Article.Title = fmt.Sprintf("Retitled in round %d", round)
	edit.Article.Topics = append([]string{}, archive.Article.Topics...)
	edit.Article.Heat += 7
	if err := st.UpsertIfUnchanged(ctx, []*model.Record{edit}); err != nil {
		t.Fatal(err)
	}
	to := "_archive/news/" + path.Base(archive.Path)
	if err := st.Move(ctx, []store.Move{{From: archive.Path, To: to, Version: archive.Version}}); err != nil {
		t.Fatal(err)
	}
}

// treeOf returns every file under dir by slash path, and every folder
// (with a trailing slash) mapped to nil. A symbolic link fails the test.
func treeOf(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files, err := readTree(dir)
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// readTree is treeOf's reading, with an error for what it cannot read.
func readTree(dir string) (map[string][]byte, error) {
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		switch {
		case d.IsDir():
			files[rel+"/"] = nil
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			files[rel] = data
		default:
			return fmt.Errorf("%s: %v, not a file", rel, d.Type())
		}
		return nil
	})
	return files, err
}

// sameTree reports every difference between two trees of treeOf.
func sameTree(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	n := 0
	for p, w := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, p)
		case !bytes.Equal(g, w):
			t.Errorf("%s: %s differs", what, p)
		default:
			continue
		}
		if n++; n > 20 {
			t.Fatalf("%s: too many differences", what)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s should not be there", what, p)
		}
	}
}

// buildNow is the time the tests build as of: builds at different times
// rank the top stories differently.
const buildNow = "2026-11-03T12:00:00Z"

var updatedLine = regexp.MustCompile(`^updated \S+: (\d+) files, (\d+) written \((\d+) new\), (\d+) unchanged, (\d+) removed`)

func TestIncrementalBuildEqualsAFreshOne(t *testing.T) {
	// 150 articles fill several pages of each list, which the arrivals
	// shift: the update adds, changes and removes files, as checked below.
	site := genSite(t, 150, 11)
	if code, _, errs := run(t, "--site", site, "import"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	dir := t.TempDir()
	out, fresh := filepath.Join(dir, "out"), filepath.Join(dir, "fresh")
	code, stdout, errs := run(t, "--site", site, "build", "--now", buildNow, out)
	if code != 0 || !strings.HasPrefix(stdout, "built ") {
		t.Fatalf("first build: %d %s %s", code, stdout, errs)
	}
	before := treeOf(t, out)
	left, deleted := changeHub(t, site, 25, 99)

	code, stdout, errs = run(t, "--site", site, "build", "--now", buildNow, out)
	m := updatedLine.FindStringSubmatch(stdout)
	if code != 0 || m == nil {
		t.Fatalf("second build: %d %q %s", code, stdout, errs)
	}
	if code, _, errs := run(t, "--site", site, "build", "--now", buildNow, fresh); code != 0 {
		t.Fatalf("fresh build: %s", errs)
	}
	got, want := treeOf(t, out), treeOf(t, fresh)
	sameTree(t, "incremental against fresh", got, want)

	// The change reached every kind of update: new files, changed ones,
	// removed ones; and most files were left alone.
	var added, changed, removed int
	for p, w := range want {
		if b, ok := before[p]; !ok {
			added++
		} else if !bytes.Equal(b, w) {
			changed++
		}
	}
	for p := range before {
		if _, ok := want[p]; !ok && !strings.HasSuffix(p, "/") {
			removed++
		}
	}
	t.Logf("the change added %d, changed %d, removed %d files; the build said %q", added, changed, removed, stdout)
	if added == 0 || changed == 0 || removed == 0 {
		t.Errorf("the change added %d, changed %d, removed %d files: want some of each", added, changed, removed)
	}
	if m[5] != strconv.Itoa(removed) {
		t.Errorf("reported %s removed, %d were", m[5], removed)
	}
	if m[4] == "0" {
		t.Errorf("nothing reported unchanged: %s", stdout)
	}
	for _, p := range []string{left, deleted} {
		if bytes.Contains(want["api/news/index.json"], []byte(p)) {
			t.Errorf("%s is still in the news list", p)
		}
	}

	// Unchanged: nothing written, nothing removed.
	code, stdout, _ = run(t, "--site", site, "build", "--now", buildNow, out)
	if m := updatedLine.FindStringSubmatch(stdout); code != 0 || m == nil || m[2] != "0" || m[5] != "0" {
		t.Errorf("unchanged rebuild: %q", stdout)
	}
}

// linkMarks start the links of a built file: relative links of the
// website's pages (href="…", src="…") and the absolute addresses of the
// API's documents under the hub's base. A scan for them stands for the
// regular expression
//
//	(?:href|src)="([^"#?]*)[^"]*"|"(https://hub\.example\.org/election/[^"]*)"
//
// (leftmost match first, each match consumed), which took most of the
// kill test's time: with no literal prefix it ran byte by byte.
var linkMarks = [...]string{`href="`, `src="`, `"https://hub.example.org/election/`}

// linkScan finds the links of one file in order, remembering where each
// mark occurs next so that no part of the file is searched twice.
type linkScan struct {
	data []byte
	from int
	at   [len(linkMarks)]int // next occurrence of each mark at or after from, -1 for none
}

func newLinkScan(data []byte) *linkScan {
	sc := &linkScan{data: data}
	for k := range sc.at {
		sc.at[k] = sc.find(k, 0)
	}
	return sc
}

func (sc *linkScan) find(mark, from int) int {
	if i := bytes.Index(sc.data[from:], []byte(linkMarks[mark])); i >= 0 {
		return from + i
	}
	return -1
}

// next returns the next link as the regular expression above matches it:
// the relative link before any "#" or "?", or the absolute address, and
// whether it is absolute; ok is false when there is none.
func (sc *linkScan) next() (target string, absolute, ok bool) {
	for {
		at, mark := -1, 0
		for k, i := range sc.at {
			if i >= 0 && i < sc.from {
				i = sc.find(k, sc.from)
				sc.at[k] = i
			}
			if i >= 0 && (at < 0 || i < at) {
				at, mark = i, k
			}
		}
		if at < 0 {
			return "", false, false
		}
		end := bytes.IndexByte(sc.data[at+len(linkMarks[mark]):], '"')
		if end < 0 {
			sc.from = at + 1 // no closing quote: no match here
			continue
		}
		end += at + len(linkMarks[mark])
		sc.from = end + 1
		if mark == 2 {
			return string(sc.data[at+1 : end]), true, true // without the opening quote
		}
		value := sc.data[at+len(linkMarks[mark]) : end]
		if i := bytes.IndexAny(value, "#?"); i >= 0 {
			value = value[:i]
		}
		return string(value), false, true
	}
}

// links lists the files of OUT the file rel links to: relative links of
// the website's pages and the absolute addresses of the API's documents.
func links(rel string, data []byte) []string {
	var out []string
	sc := newLinkScan(data)
	for {
		l, absolute, ok := sc.next()
		if !ok {
			return out
		}
		var target string
		switch {
		case l == "":
			continue
		case !absolute:
			if strings.Contains(l, ":") || strings.HasPrefix(l, "/") {
				continue // another site, or the site folder's own assets
			}
			target = path.Join(path.Dir(rel), l)
		default:
			target = strings.TrimPrefix(l, "https://hub.example.org/election/")
		}
		if target == "." || path.Ext(target) == "" {
			if strings.HasPrefix(target, "api/") {
				target = path.Join(target, "index.json")
			} else {
				target = path.Join(target, "index.html")
			}
		}
		out = append(out, target)
	}
}

// brokenLinks lists the links of the file rel that lead to no file
// (exists).
func brokenLinks(rel string, data []byte, exists func(string) bool) []string {
	var bad []string
	for _, l := range links(rel, data) {
		if !exists(l) {
			bad = append(bad, l)
		}
	}
	return bad
}

func TestKilledBuildLeavesEveryLinkWhole(t *testing.T) {
	t.Parallel() // most of it waits on the builds it runs and kills
	if testing.Short() {
		t.Skip("builds the binary and kills builds")
	}
	bin := testutil.BuildBinary(t)
	site := genSite(t, 800, 12)
	if out, err := exec.Command(bin, "--site", site, "import").CombinedOutput(); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	dir := t.TempDir()
	seed := filepath.Join(dir, "before")
	if out, err := exec.Command(bin, "--site", site, "build", "--now", buildNow, seed).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	before := treeOf(t, seed)
	changeHub(t, site, 120, 98)
	if out, err := exec.Command(bin, "--site", site, "build", "--now", buildNow, filepath.Join(dir, "after")).CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	after := treeOf(t, filepath.Join(dir, "after"))

	// Links that lead nowhere in a whole build are no concern of the
	// update; they are counted here.
	inAfter := func(p string) bool { _, ok := after[p]; return ok }
	nowhere := map[string]bool{}
	for p, data := range after {
		for _, l := range brokenLinks(p, data, inAfter) {
			nowhere[l] = true
		}
	}
	t.Logf("%d link targets are missing from a whole build too", len(nowhere))
	// The webUrl of an event, a person or a learning resource leads to its page.
	for l := range nowhere {
		if strings.HasPrefix(l, "event/") || strings.HasPrefix(l, "people/") || strings.HasPrefix(l, "learning/") {
			t.Errorf("a whole build links %s, which it does not have", l)
		}
	}

	// Each build is killed a little later after it starts updating OUT
	// (its log says so), the first at once. Three kills are enough to
	// land before, early in and well into the update; each costs two
	// builds.
	mixed, killed := 0, 0
	for i, delay := range []time.Duration{0, 4, 40} {
		out := filepath.Join(dir, "out"+strconv.Itoa(i))
		if err := exec.Command("cp", "-a", seed, out).Run(); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(bin, "--site", site, "build", "--now", buildNow, out)
		stderr, err := cmd.StderrPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			// The last line before the update starts changing OUT.
			if strings.Contains(sc.Text(), "build: website written") {
				break
			}
		}
		time.Sleep(delay * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		go func() {
			for sc.Scan() {
			}
		}()
		cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			killed++
		}

		got := treeOf(t, out)
		newer, older := 0, 0 // files as after only, as before only
		for p, g := range got {
			b, inBefore := before[p]
			a, inAfter := after[p]
			switch {
			case inAfter && bytes.Equal(g, a):
				if !inBefore || !bytes.Equal(g, b) {
					newer++
				}
			case inBefore && bytes.Equal(g, b):
				older++
			default:
				t.Errorf("kill %d: %s is neither as before nor as after", i, p)
			}
		}
		for p := range after {
			if _, was := before[p]; was {
				if _, ok := got[p]; !ok {
					t.Errorf("kill %d: %s, in both builds, is missing", i, p)
				}
			}
		}
		// A reader starts at any address OUT had before, and follows links
		// from there: none leads to a missing file of either build. (Links
		// to what no build writes are counted above and left out.)
		exists := func(p string) bool {
			_, ok := got[p]
			_, inAfter := after[p]
			_, inBefore := before[p]
			return ok || !inAfter && !inBefore
		}
		seen := map[string]bool{}
		var queue []string
		for p := range got {
			if _, ok := before[p]; ok && !strings.HasSuffix(p, "/") {
				seen[p] = true
				queue = append(queue, p)
			}
		}
		for len(queue) > 0 {
			p := queue[0]
			queue = queue[1:]
			for _, l := range links(p, got[p]) {
				if !exists(l) {
					t.Errorf("kill %d after %dms: %s links to %s, which is missing", i, delay, p, l)
				}
				if _, ok := got[l]; ok && !seen[l] {
					seen[l] = true
					queue = append(queue, l)
				}
			}
		}
		if newer > 0 && older > 0 {
			mixed++
		}
		// The next build completes the update.
		if o, err := exec.Command(bin, "--site", site, "build", "--now", buildNow, out).CombinedOutput(); err != nil {
			t.Fatalf("build after the kill: %v\n%s", err, o)
		}
		sameTree(t, "completed after kill "+strconv.Itoa(i), treeOf(t, out), after)
		os.RemoveAll(out)
		if t.Failed() {
			break
		}
	}
	t.Logf("%d of the kills left OUT half updated", mixed)
	if killed == 0 {
		t.Error("every build ended before its kill: nothing was checked of a build killed half-way")
	}
}

// TestPublishingFollowsTheStore runs the live path (what serve and ingest
// --publish run) over rounds of changes, with an outside edit of OUT
// between them: after each round OUT holds the new article, and after
// the last it equals a fresh build byte for byte.
func TestPublishingFollowsTheStore(t *testing.T) {
	t.Parallel() // most of it waits for the live path's rounds
	// Alone (ingest --publish) each build loads its view; beside a
	// server (serve --publish) it takes the server's.
	// One hub, imported once; each case runs on a copy.
	imported := genSite(t, 150, 13)
	if code, _, errs := run(t, "--site", imported, "import"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	for _, served := range []bool{false, true} {
		t.Run(fmt.Sprintf("served=%v", served), func(t *testing.T) {
			t.Parallel()
			publishingFollowsTheStore(t, copySite(t, imported), served)
		})
	}
}

func publishingFollowsTheStore(t *testing.T, hub string, served bool) {
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
	opt, err := buildOptions(st, "", "", true, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	now, err := parseNow(buildNow)
	if err != nil {
		t.Fatal(err)
	}
	opt.Now = now
	if served {
		opt.Views = publish.NewViews(publish.ViewsConfig{Store: st, Options: opt.Options})
	}
	var said testutil.LogBuffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		publishing(ctx, st, func() *site.Site { return s }, out, opt, publish.DefaultRankEvery, &said, slog.New(slog.DiscardHandler), nil)
	}()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(2 * time.Minute); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not after 2 minutes; publishing said %q", what, said.String())
			}
		}
	}
	waitFor("the first build", func() bool { return strings.Contains(said.String(), "built ") })

	// Each round stores an article: the copy gets its document and page.
	// Between them, a file of OUT is edited from outside (other bytes of
	// the same size), which the next update must set right.
	late := func() map[string]bool {
		keys := map[string]bool{}
		err := st.Scan(ctx, []model.Kind{model.KindNews}, func(r *model.Record) error {
			if strings.HasSuffix(r.Path, "-late.md") {
				keys[publish.ArticleKey(r.Path, r.Article.PublishedDateTime)] = true
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return keys
	}
	for round, seed := range []int64{97, 98, 99} {
		before := late()
		changeHub(t, hub, 1, seed)
		reviseHub(t, st, round)
		if round == 1 {
			edited := filepath.Join(out, "api", "topics", "index.json")
			b, err := os.ReadFile(edited)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(edited, bytes.Repeat([]byte(" "), len(b)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var key string
		for k := range late() {
			if !before[k] {
				key = k
			}
		}
		if key == "" {
			t.Fatalf("round %d: the new article is not stored", round)
		}
		waitFor("an update in place", func() bool { return strings.Count(said.String(), "updated ") == round+1 })
		for _, rel := range []string{"api/news/" + key + "/index.json", "news/" + key + "/index.html"} {
			if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(rel))); err != nil {
				t.Errorf("round %d: the update did not write %s: %v", round, rel, err)
			}
		}
	}
	// The last round's writes may have come while its update ran, and
	// the next update follow it: the copy has caught up once it holds
	// what a fresh build of the store holds.
	fopt := opt
	fopt.Manifest, fopt.Views = nil, nil
	caughtUp := filepath.Join(t.TempDir(), "caught-up")
	if _, err := publish.Build(ctx, st, s, caughtUp, fopt); err != nil {
		t.Fatal(err)
	}
	want := treeOf(t, caughtUp)
	waitFor("the copy holding what a fresh build holds", func() bool {
		got, err := readTree(out) // an update may move files as it is read
		return err == nil && maps.EqualFunc(got, want, bytes.Equal)
	})
	cancel()
	<-done
	t.Logf("publishing said %q", said.String())

	// Stopped, it saved its manifest: the next process compares by it,
	// reading nothing of OUT back, and finds nothing to write.
	if _, err := os.Stat(filepath.Join(filepath.Dir(out), ".out.manifest")); err != nil {
		t.Errorf("publishing stopped without saving its manifest: %v", err)
	}
	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	if served {
		opt.Views = publish.NewViews(publish.ViewsConfig{Store: st, Options: opt.Options})
	}
	var again testutil.LogBuffer
	done = make(chan struct{})
	go func() {
		defer close(done)
		publishing(ctx, st, func() *site.Site { return s }, out, opt, publish.DefaultRankEvery, &again, slog.New(slog.DiscardHandler), nil)
	}()
	for deadline := time.Now().Add(2 * time.Minute); !strings.Contains(again.String(), "updated "); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the next publishing process: no build after 2 minutes; it said %q", again.String())
		}
	}
	cancel()
	<-done
	if line := again.String(); !strings.Contains(line, " 0 written ") || strings.Contains(line, "read back") {
		t.Errorf("the next publishing process's first build: %q, want nothing written or read back", line)
	}

	fresh := filepath.Join(t.TempDir(), "fresh")
	opt.Manifest, opt.Views = nil, nil
	if _, err := publish.Build(context.Background(), st, s, fresh, opt); err != nil {
		t.Fatal(err)
	}
	sameTree(t, "live copy against a fresh build", treeOf(t, out), treeOf(t, fresh))
}

// TestBuildWithoutAURLSaysItsLinksAreRelative: a site whose _config.yml
// gives no url built feeds whose links and ids were relative, which feed
// readers cannot follow, without a word; the build says so, and says
// nothing once --base-url gives the address.
func TestBuildWithoutAURLSaysItsLinksAreRelative(t *testing.T) {
	dir := genSite(t, 20, 3)
	cfg := filepath.Join(dir, "_config.yml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data = regexp.MustCompile(`(?m)^(url|webUrl): .*\n`).ReplaceAll(data, nil)
	if err := os.WriteFile(cfg, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := run(t, "--site", dir, "import"); code != 0 {
		t.Fatalf("import: %s", errs)
	}
	const warning = "the site gives no url in _config.yml and --base-url is not set"
	code, _, errs := run(t, "--site", dir, "build", filepath.Join(t.TempDir(), "out"))
	if code != 0 || !strings.Contains(errs, warning) {
		t.Errorf("build without a url: exit %d, want 0 and a warning %q:\n%s", code, warning, errs)
	}
	code, _, errs = run(t, "--site", dir, "build", "--base-url", "https://news.example.org/hub", filepath.Join(t.TempDir(), "out"))
	if code != 0 || strings.Contains(errs, warning) {
		t.Errorf("build with --base-url: exit %d, want 0 and no warning:\n%s", code, errs)
	}
}
