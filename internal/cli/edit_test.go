package cli

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"newshub/internal/editorial"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// editHub is a generated hub under test: its folder and database.
type editHub struct {
	t          *testing.T
	site, db   string
	stories    map[string][]*model.Article // by story id, as last read
	byKey      map[string]*model.Article
	leads      []*model.Article
	publishers map[string][]*model.Article
}

func (h *editHub) run(args ...string) string {
	h.t.Helper()
	code, out, errs := run(h.t, append([]string{"--site", h.site, "--db", "sqlite:" + h.db}, args...)...)
	if code != 0 {
		h.t.Fatalf("newshub %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// read loads every article of the store.
func (h *editHub) read() {
	h.t.Helper()
	st, err := sqlite.Open(context.Background(), h.db)
	if err != nil {
		h.t.Fatal(err)
	}
	defer st.Close()
	h.stories, h.byKey, h.leads, h.publishers = map[string][]*model.Article{}, map[string]*model.Article{}, nil, map[string][]*model.Article{}
	err = st.Scan(context.Background(), []model.Kind{model.KindNews}, func(r *model.Record) error {
		a := r.Article
		h.stories[a.Story] = append(h.stories[a.Story], a)
		h.byKey[a.CanonicalURL] = a
		h.publishers[a.Provider.Domain] = append(h.publishers[a.Provider.Domain], a)
		if a.Published {
			h.leads = append(h.leads, a)
		}
		return nil
	})
	if err != nil {
		h.t.Fatal(err)
	}
}

func (h *editHub) art(key string) *model.Article {
	h.t.Helper()
	a := h.byKey[key]
	if a == nil {
		h.t.Fatalf("%s is not stored", key)
	}
	return a
}

// storyOf returns the members of the story an article is in.
func (h *editHub) storyOf(key string) []*model.Article { return h.stories[h.art(key).Story] }

// lead returns the published member of the story an article is in.
func (h *editHub) lead(key string) *model.Article {
	for _, a := range h.storyOf(key) {
		if a.Published {
			return a
		}
	}
	return nil
}

// invariants checks what holds whatever was decided: no withheld article
// is published or listed as a lead's related coverage, and, with oneLead,
// a story with a publishable member has exactly one lead. (Import keeps the
// leads records carry, and links the stories of leads whose related lists
// name each other's coverage: one lead a story holds after curate.)
func (h *editHub) invariants(step string, oneLead bool) {
	h.t.Helper()
	withheld := map[string]bool{}
	for k, a := range h.byKey {
		if a.Withheld != "" {
			withheld[k] = true
			if a.Published || a.Heat != -1 {
				h.t.Errorf("%s: withheld %s is published %v with heat %d", step, k, a.Published, a.Heat)
			}
		}
	}
	for _, l := range h.leads {
		for _, r := range l.Related {
			if withheld[strings.TrimSuffix(strings.Replace(r.WebURL, "://www.", "://", 1), "/")] {
				h.t.Errorf("%s: lead %q lists withheld %s as related", step, l.Title, r.WebURL)
			}
		}
	}
	for id, members := range h.stories {
		leads, publishable := 0, 0
		for _, a := range members {
			if a.Published {
				leads++
			}
			if a.Withheld == "" {
				publishable++
			}
		}
		if leads > 0 && publishable == 0 || oneLead && publishable > 0 && leads != 1 {
			h.t.Errorf("%s: story %s has %d leads and %d publishable members", step, id, leads, publishable)
		}
	}
}

// TestEditDecisionsSurviveCurateReclusteringAndExportImport takes one
// decision of each kind on a generated hub, then curates, clusters again
// with another window, exports, imports the export into a new hub and
// curates that: after each step every decision still holds.
func TestEditDecisionsSurviveCurateReclusteringAndExportImport(t *testing.T) {
	// 200 articles hold the nine stories of three or more members and
	// the publisher of three articles the decisions need (checked below).
	src := genSite(t, 200, 11)
	h := &editHub{t: t, site: src, db: filepath.Join(t.TempDir(), "hub.db")}
	h.run("import")
	h.run("curate")
	h.read()

	// Stories of at least three members, in a fixed order.
	var big []string
	for id, m := range h.stories {
		if len(m) >= 3 {
			big = append(big, id)
		}
	}
	slices.Sort(big)
	if len(big) < 9 {
		t.Fatalf("the generated hub has %d stories of 3 or more articles, want 9", len(big))
	}
	member := func(id string, lead bool) string {
		for _, a := range h.stories[id] {
			if a.Published == lead {
				return a.CanonicalURL
			}
		}
		t.Fatalf("story %s has no member with published %v", id, lead)
		return ""
	}
	hidden := member(big[0], true)
	chosen := member(big[1], false)
	movedOut, outStays := member(big[2], false), member(big[2], true)
	movedIn, into := member(big[3], false), member(big[4], true)
	mergeFrom, mergeInto := member(big[5], true), member(big[6], true)
	pinned := member(big[7], true)
	topical := member(big[8], false)
	hadEconomy := ""
	for k, a := range h.byKey {
		if slices.Contains(a.Topics, "Economy") && k != topical && (hadEconomy == "" || k < hadEconomy) {
			hadEconomy = k
		}
	}
	var publisher string
	for d, arts := range h.publishers {
		if len(arts) >= 3 && (publisher == "" || d < publisher) {
			publisher = d
		}
	}
	shown := h.publishers[publisher][0].CanonicalURL
	until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)

	h.run("edit", "hide", hidden, "--note", "a press release", "--by", "ada")
	h.run("edit", "lead", big[1], chosen)
	h.run("edit", "move", movedOut, "--out")
	h.run("edit", "move", movedIn, "--to", big[4])
	h.run("edit", "merge", big[6], big[5])
	h.run("edit", "pin", big[7], "--until", until.Format(time.RFC3339))
	h.run("edit", "topic", "add", topical, "Climate")
	h.run("edit", "topic", "remove", hadEconomy, "Economy")
	h.run("edit", "block-publisher", publisher)
	h.run("edit", "show", shown)

	check := func(step string) {
		t.Helper()
		h.read()
		h.invariants(step, !strings.Contains(step, "import"))
		if a := h.art(hidden); a.Withheld != model.WithheldHidden || a.Published {
			t.Errorf("%s: hidden article: withheld %q, published %v", step, a.Withheld, a.Published)
		} else if !slices.Contains(a.Explain.Editor, "hidden by ada on "+time.Now().UTC().Format("2006-01-02")+": a press release") {
			t.Errorf("%s: hidden article's explanation: %q", step, a.Explain.Editor)
		}
		if a := h.art(chosen); !a.Published {
			t.Errorf("%s: the editor's lead %q is not its story's lead (%v)", step, a.Title, h.lead(chosen))
		}
		if m := h.storyOf(movedOut); len(m) != 1 || h.art(movedOut).Story == h.art(outStays).Story {
			t.Errorf("%s: the article moved out shares its story with %d others", step, len(m)-1)
		}
		if h.art(movedIn).Story != h.art(into).Story {
			t.Errorf("%s: the article moved is in %s, not in the story of %s (%s)", step, h.art(movedIn).Story, into, h.art(into).Story)
		}
		if h.art(mergeFrom).Story != h.art(mergeInto).Story {
			t.Errorf("%s: merged stories are apart: %s, %s", step, h.art(mergeFrom).Story, h.art(mergeInto).Story)
		}
		if l := h.lead(pinned); l == nil || !l.PinnedUntil.Equal(until) {
			t.Errorf("%s: the pinned story's lead is %v", step, l)
		}
		if !slices.Contains(h.art(topical).Topics, "Climate") {
			t.Errorf("%s: topic added is missing: %v", step, h.art(topical).Topics)
		}
		if slices.Contains(h.art(hadEconomy).Topics, "Economy") {
			t.Errorf("%s: topic removed is there: %v", step, h.art(hadEconomy).Topics)
		}
		for _, a := range h.publishers[publisher] {
			want := model.WithheldPublisher
			if a.CanonicalURL == shown {
				want = ""
			}
			if a.Withheld != want && a.Withheld != model.WithheldHidden {
				t.Errorf("%s: %s of the blocked publisher: withheld %q, want %q", step, a.CanonicalURL, a.Withheld, want)
			}
		}
	}
	check("after the edits")
	h.run("curate")
	check("after curate")
	h.run("curate", "--window", "24h")
	check("after clustering again with another window")

	out := filepath.Join(t.TempDir(), "export")
	h.run("export", out)
	if _, err := os.Stat(filepath.Join(out, filepath.FromSlash(editorial.Path))); err != nil {
		t.Fatalf("export left out the decisions: %v", err)
	}
	h.site, h.db = out, filepath.Join(t.TempDir(), "again.db")
	h.run("import")
	check("after export and import into a new hub")
	h.run("curate")
	check("after curating the new hub")

	// Undoing: an unpin, an unblock and an unhide hold through curate as
	// well; the unhide takes the hide back, teaching the gate nothing.
	h.run("edit", "unpin", pinned)
	h.run("edit", "unblock", publisher)
	h.run("edit", "unhide", hidden)
	for _, step := range []string{"after unpin and unblock", "after curate again"} {
		if step != "after unpin and unblock" {
			h.run("curate")
		}
		h.read()
		h.invariants(step, true)
		if l := h.lead(pinned); l == nil || !l.PinnedUntil.IsZero() {
			t.Errorf("%s: the unpinned story's lead %v", step, l)
		}
		if a := h.art(hidden); a.Withheld != "" || a.Relevance == nil || a.Relevance.Basis == "editor" {
			t.Errorf("%s: the article unhidden: withheld %q, relevance %+v", step, a.Withheld, a.Relevance)
		}
		for _, a := range h.publishers[publisher] {
			if a.Withheld == model.WithheldPublisher {
				t.Errorf("%s: %s still withheld for its publisher", step, a.CanonicalURL)
			}
		}
	}
}

// TestEditsAtOnceLoseNoDecision runs many edit processes at the same time
// on one hub: every decision is in the log, and applied.
func TestEditsAtOnceLoseNoDecision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs edits at once")
	}
	bin := testutil.BuildBinary(t)
	src := genSite(t, 200, 3)
	db := "sqlite:" + filepath.Join(t.TempDir(), "hub.db")
	for _, args := range [][]string{{"import"}, {"curate"}} {
		if out, err := exec.Command(bin, append([]string{"--site", src, "--db", db}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", args, err, out)
		}
	}
	st, err := sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	leads, err := st.News(context.Background(), store.NewsQuery{PublishedOnly: true, Limit: 12})
	st.Close()
	if err != nil || len(leads) < 12 {
		t.Fatalf("leads: %d, %v", len(leads), err)
	}
	var wg sync.WaitGroup
	for i, l := range leads {
		wg.Go(func() {
			cmd := exec.Command(bin, "--site", src, "--db", db, "edit", "hide", l.Article.CanonicalURL, "--note", fmt.Sprint("edit ", i))
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("edit %d: %v\n%s", i, err, out)
			}
		})
	}
	wg.Wait()
	log, err := editorial.Load(context.Background(), nil, src)
	if err != nil {
		t.Fatal(err)
	}
	if log.Len() != len(leads) || len(log.Invalid) > 0 {
		t.Errorf("%d decisions in the log (%d invalid), want %d", log.Len(), len(log.Invalid), len(leads))
	}
	st, err = sqlite.Open(context.Background(), strings.TrimPrefix(db, "sqlite:"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, l := range leads {
		r, err := st.Get(context.Background(), l.Path)
		if err != nil {
			t.Fatal(err)
		}
		if r.Article.Withheld != model.WithheldHidden || r.Article.Published {
			t.Errorf("%s: withheld %q, published %v after its edit", l.Path, r.Article.Withheld, r.Article.Published)
		}
	}
}

func TestEditRejectsWhatItCannotApply(t *testing.T) {
	src := genSite(t, 60, 4)
	h := &editHub{t: t, site: src, db: filepath.Join(t.TempDir(), "hub.db")}
	h.run("import")
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"edit", "hide"}, ExitUsage, "hide takes 1 argument"},
		{[]string{"edit", "frobnicate", "x"}, ExitUsage, `unknown subcommand "frobnicate"`},
		{[]string{"edit", "pin", "s-000000000000", "--until", "soon"}, ExitFailure, "no such story"},
		{[]string{"edit", "move", "https://nowhere.example/a", "--out"}, ExitFailure, "no such article"},
		{[]string{"edit", "block-publisher", "not a domain"}, ExitFailure, "want a domain"},
		{[]string{"edit", "hide", "https://x.example/a", "--until", "48h"}, ExitUsage, "does not apply to hide"},
	}
	for _, tt := range tests {
		code, _, errs := run(t, append([]string{"--site", h.site, "--db", "sqlite:" + h.db}, tt.args...)...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, %q; want exit %d saying %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
	if _, err := os.Stat(editorial.File(src)); err == nil {
		t.Error("a refused edit wrote the decisions file")
	}
}

// TestOffTopicItemsAreCountedPerSourceAndExplained ingests a dedicated
// feed and a general one into a hub about space: the general feed's
// off-topic items are stored, withheld, counted against it in `sources
// list` and explained; an editor's show publishes one and says so.
func TestOffTopicItemsAreCountedPerSourceAndExplained(t *testing.T) {
	feeds := map[string][]byte{}
	for _, f := range []string{"scope-agency.xml", "scope-wire.xml"} {
		b, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		feeds["/"+f] = b
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(feeds[r.URL.Path]) }))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "site")
	h := &editHub{t: t, site: dir, db: filepath.Join(dir, ".newshub", "newshub.db")}
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatal(errs)
	}
	cfg := filepath.Join(dir, "_config.yml")
	b, _ := os.ReadFile(cfg)
	os.WriteFile(cfg, append(b, "allow_private_networks: true\n"...), 0o644)
	h.run("import")
	agency, wire := srv.URL+"/scope-agency.xml", srv.URL+"/scope-wire.xml"
	h.run("sources", "add", agency, "--dedicated")
	h.run("sources", "add", wire)
	out := h.run("ingest", "--once", "--no-pages")
	if !strings.Contains(out, "6 new") || !strings.Contains(out, "3 of the new off the hub's topic") {
		t.Errorf("ingest summary:\n%s", out)
	}
	out = h.run("sources", "list")
	var agencyLine, wireLine string
	for _, l := range strings.Split(out, "\n") {
		switch {
		case strings.HasPrefix(l, agency):
			agencyLine = l
		case strings.HasPrefix(l, wire):
			wireLine = l
		}
	}
	// ITEMS and OFF TOPIC follow the status ("200 OK"), then the last read.
	counts := func(line string) string {
		f := strings.Fields(line)
		if len(f) < 9 {
			return ""
		}
		return f[7] + " " + f[8]
	}
	if counts(agencyLine) != "2 0" || counts(wireLine) != "4 3" || !strings.Contains(wireLine, "4 items, 4 new (3 off topic)") {
		t.Errorf("sources list:\n%s", out)
	}
	out = h.run("explain", "https://wire.example/derby")
	for _, want := range []string{"publication: withheld from publication: off the hub's topic", "off topic (model"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain of an off-topic item lacks %q:\n%s", want, out)
		}
	}
	if out := h.run("explain", "https://agency.example/walk"); !strings.Contains(out, "on topic (dedicated") {
		t.Errorf("explain of a dedicated feed's item:\n%s", out)
	}
	h.run("edit", "show", "https://wire.example/derby", "--by", "ada", "--note", "the club launched a satellite")
	out = h.run("explain", "https://wire.example/derby")
	for _, want := range []string{"publication: may be published", "shown by ada on", "on topic (editor", "the gate alone: off topic (model"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain after an editor's show lacks %q:\n%s", want, out)
		}
	}
	for _, l := range strings.Split(h.run("sources", "list"), "\n") {
		if strings.HasPrefix(l, wire) && counts(l) != "4 2" {
			t.Errorf("sources list after the show counts the shown item off topic:\n%s", l)
		}
	}
	// An editor's hide --off-topic says the feed let in one more item off
	// the topic; a plain hide (a duplicate, an error) says nothing of it.
	h.run("edit", "hide", "https://wire.example/lunar-site", "--off-topic")
	h.run("edit", "hide", "https://agency.example/walk")
	for _, l := range strings.Split(h.run("sources", "list"), "\n") {
		switch {
		case strings.HasPrefix(l, wire) && counts(l) != "4 3":
			t.Errorf("sources list after an editor's hide as off topic does not count it:\n%s", l)
		case strings.HasPrefix(l, agency) && counts(l) != "2 0":
			t.Errorf("sources list after a plain hide counts the item off topic:\n%s", l)
		}
	}
}

// TestCurateNamesATopicAddedThatTheTaxonomyLacks checks a hand-edited log
// whose topic-add misspells the topic: curate and edit list name its file
// and line, and the other decisions still count, where curate said every
// decision applied.
func TestCurateNamesATopicAddedThatTheTaxonomyLacks(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "hub")
	if code, _, errs := run(t, "init", "--topic", "Space", dir); code != 0 {
		t.Fatal(errs)
	}
	log := `decisions:
  - action: topic-add
    article: "https://news.example/a"
    topic: "Space"
    at: 2026-12-07T10:00:00Z
  - action: topic-add
    article: "https://news.example/a"
    topic: "Spcae"
    at: 2026-12-07T10:01:00Z
  - action: hide
    article: "https://news.example/b"
    at: 2026-12-07T10:02:00Z
`
	if err := os.WriteFile(editorial.File(dir), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "_data", "decisions.yaml") + `:6: topic-add: no topic "Spcae" in the taxonomy, so it adds nothing`
	for _, args := range [][]string{{"curate"}, {"edit", "list"}} {
		code, out, errs := run(t, append([]string{"--site", dir}, args...)...)
		if code != 0 || !strings.Contains(errs, want) || strings.Count(errs, "in the taxonomy") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want it to say %q, once", args, code, errs, want)
		}
		// The articles are not stored: the decisions wait for them.
		if args[0] == "curate" && !strings.Contains(out, "0 editorial decisions applied, 3 naming an article or story not stored, 1 adding a topic the taxonomy lacks") {
			t.Errorf("curate: %q, want it to count the decision", out)
		}
	}
}

// TestEditRefusesAnArticleRetentionPurged: a decision naming an article
// retention purged is refused, saying so, where a hide was kept as for an
// article "not stored yet" that would apply when it arrived, though ingest
// never stores it again.
func TestEditRefusesAnArticleRetentionPurged(t *testing.T) {
	site := retentionSite(t, 150, "30d", "60d", importInProcess(t))
	runOK(t, "--site", site, "curate", "--archive", "--now", retentionUntil.Format(time.RFC3339))
	keys := purgedKeys(t, "sqlite:"+filepath.Join(site, ".newshub", "newshub.db"))
	if len(keys) == 0 {
		t.Fatal("retention purged nothing")
	}
	key, _, _ := strings.Cut(keys[0], " ")
	for _, args := range [][]string{{"hide", key}, {"show", key}, {"move", key, "--out"}, {"topic", "add", key, "Election"}} {
		code, _, errs := run(t, append([]string{"--site", site, "edit"}, args...)...)
		if code != ExitFailure || !strings.Contains(errs, key+" was purged on ") {
			t.Errorf("edit %v: exit %d, %q; want it refused as purged", args, code, errs)
		}
	}
	if _, err := os.Stat(editorial.File(site)); err == nil {
		t.Error("a refused edit wrote the decisions file")
	}
}
