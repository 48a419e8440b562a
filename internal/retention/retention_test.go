package retention

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/store"
)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestApplyArchivesStoriesByTheirNewestArticle(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			h := genHub(t, sc.open(t), 900)
			before := entriesOf(t, h.st)
			rawBefore := raws(t, h.st)
			newest := newestOf(before)
			cutoff := until.Add(-30 * day)
			wantMoved, wantStories := 0, map[string]bool{}
			for _, e := range before {
				if e.Archived {
					t.Fatalf("%s: archived before retention ran (news spans 90 days, gen archives at 150)", e.Path)
				}
				if newest[storyKey(e)].Before(cutoff) {
					wantMoved++
					wantStories[storyKey(e)] = true
				}
			}
			if wantMoved == 0 || wantMoved == len(before) {
				t.Fatalf("%d of %d articles due: the hub does not test the cut", wantMoved, len(before))
			}

			sum, err := Apply(ctx, h.st, Policy{ArchiveAfter: 30 * day}, Options{SiteDir: h.dir, Now: clock(until), Batch: 64})
			if err != nil {
				t.Fatal(err)
			}
			if sum.News != len(before) || sum.Archived != wantMoved || sum.Stories != len(wantStories) ||
				sum.Restored != 0 || sum.Purged != 0 || len(sum.Left) != 0 || sum.Files.Moved != wantMoved || sum.Files.Removed != 0 {
				t.Fatalf("summary %+v; want %d news, %d archived in %d stories, %d files moved",
					sum, len(before), wantMoved, len(wantStories), wantMoved)
			}

			after := entriesOf(t, h.st)
			split := map[string]map[bool]bool{}
			for _, e := range after {
				want := newest[storyKey(e)].Before(cutoff)
				if e.Archived != want || strings.HasPrefix(e.Path, content.ArchiveDir) != want {
					t.Errorf("%s: archived %v, want %v (story's newest article %s, cut %s)", e.Path, e.Archived, want,
						newest[storyKey(e)].Format(time.RFC3339), cutoff.Format(time.RFC3339))
				}
				if split[storyKey(e)] == nil {
					split[storyKey(e)] = map[bool]bool{}
				}
				split[storyKey(e)][e.Archived] = true
				if old := before[content.NewsDir+name(e.Path)]; old.Version == e.Version && e.Archived {
					t.Errorf("%s: moved without a new version", e.Path)
				}
			}
			for id, sides := range split {
				if len(sides) > 1 {
					t.Errorf("story %s is split between _news/ and the archive", id)
				}
			}
			if len(after) != len(before) {
				t.Errorf("%d news records after, %d before", len(after), len(before))
			}
			for n, raw := range raws(t, h.st) {
				if !bytes.Equal(raw, rawBefore[n]) {
					t.Errorf("%s: the store's file bytes changed", n)
				}
			}
			checkFolder(t, h, nil)
			yes, no := true, false
			for _, c := range []struct {
				q    store.NewsQuery
				want int
			}{{store.NewsQuery{Archived: &yes}, wantMoved}, {store.NewsQuery{Archived: &no}, len(before) - wantMoved},
				{store.NewsQuery{Archived: &no, Until: cutoff.Add(-3 * day)}, 0}} {
				if n, err := h.st.CountNews(ctx, c.q); err != nil || n != c.want {
					t.Errorf("CountNews(%+v) = %d, %v; want %d", c.q, n, err, c.want)
				}
			}

			// Nothing more is due until the next story's newest article
			// passes the cut; then that story goes.
			again, err := Apply(ctx, h.st, Policy{ArchiveAfter: 30 * day}, Options{SiteDir: h.dir, Now: clock(sum.Next.Add(-time.Microsecond))})
			if err != nil {
				t.Fatal(err)
			}
			if again.Archived != 0 || again.Files.Moved != 0 || !again.Next.Equal(sum.Next) {
				t.Errorf("second run before Next moved %d records, %d files, next %s; want none, next %s",
					again.Archived, again.Files.Moved, again.Next, sum.Next)
			}
			next, err := Apply(ctx, h.st, Policy{ArchiveAfter: 30 * day}, Options{SiteDir: h.dir, Now: clock(sum.Next)})
			if err != nil {
				t.Fatal(err)
			}
			if next.Archived == 0 || next.Stories != 1 {
				t.Errorf("run at Next archived %d records of %d stories, want one story", next.Archived, next.Stories)
			}
			checkFolder(t, h, nil)
		})
	}
}

func TestApplyRestoresAnArchivedStoryThatGetsRecentNews(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, nil, 300)
	pol := Policy{ArchiveAfter: 30 * day}
	if _, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)}); err != nil {
		t.Fatal(err)
	}
	// A story just past the cut, with several articles.
	var members []store.NewsEntry
	for _, e := range sortedEntries(t, h.st) {
		if e.Archived && e.Story != "" && e.PublishedAt.After(until.Add(-33*day)) {
			if ms := storyMembers(t, h.st, e.Story); len(ms) > 1 {
				members = ms
				break
			}
		}
	}
	if members == nil {
		t.Fatal("no archived story of several articles near the cut")
	}
	// A late article joins it, dated inside the last 30 days.
	late := &model.Record{Path: "_news/2026-10-20-late-coverage.md", Kind: model.KindNews, Raw: []byte("---\ntitle: Late coverage\n---\n"),
		Article: &model.Article{Title: "Late coverage", Story: members[0].Story, PublishedDateTime: until.Add(-12 * day),
			OriginalURL: "https://example.org/late", CanonicalURL: "https://example.org/late"}}
	if err := h.st.Upsert(ctx, []*model.Record{late}); err != nil {
		t.Fatal(err)
	}
	sum, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Restored != len(members) || sum.Archived != 0 || sum.Files.Moved != len(members) {
		t.Fatalf("summary %+v; want the %d archived articles of the story restored", sum, len(members))
	}
	for _, e := range storyMembers(t, h.st, members[0].Story) {
		if e.Archived || !strings.HasPrefix(e.Path, content.NewsDir) {
			t.Errorf("%s: still archived", e.Path)
		}
	}
	checkFolder(t, h, nil)
}

func TestApplyPurgesOnlyOldUnpublishedDuplicates(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			h := genHub(t, sc.open(t), 900)
			before := entriesOf(t, h.st)
			leads := map[string]bool{}
			for _, e := range before {
				if e.Published && e.Story != "" {
					leads[e.Story] = true
				}
			}
			cut := until.Add(-60 * day)
			want := map[string]store.NewsEntry{}
			for p, e := range before {
				if !e.Published && e.Story != "" && leads[e.Story] && e.PublishedAt.Before(cut) {
					want[p] = e
				}
			}
			if len(want) == 0 {
				t.Fatal("no unpublished duplicate older than 60 days")
			}
			pol := Policy{ArchiveAfter: 30 * day, PurgeAfter: 60 * day}
			sum, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
			if err != nil {
				t.Fatal(err)
			}
			if sum.Purged != len(want) {
				t.Errorf("purged %d, want %d", sum.Purged, len(want))
			}
			after := entriesOf(t, h.st)
			gone := map[string]bool{}
			for p, e := range before {
				_, purged := want[p]
				stayed := after[p].Path != "" || after[content.ArchiveDir+name(p)].Path != ""
				if stayed == purged {
					t.Errorf("%s (published %v, story %q, %s): stayed %v, want %v", p, e.Published, e.Story,
						e.PublishedAt.Format(time.DateOnly), stayed, !purged)
				}
				if !purged {
					continue
				}
				gone[name(p)] = true
				for _, k := range curate.ArticleKeys(e.CanonicalURL, e.GUID, e.OriginalURL) {
					ts, err := h.st.Tombstone(ctx, k)
					if err != nil || ts.Path != p || !ts.PurgedAt.Equal(until) {
						t.Errorf("Tombstone(%s) = %+v, %v; want %s purged at %s", k, ts, err, p, until)
					}
				}
			}
			if sum.Files.Removed != len(want) {
				t.Errorf("removed %d files, want %d", sum.Files.Removed, len(want))
			}
			checkFolder(t, h, gone)
			for story := range leads {
				if ms := storyMembers(t, h.st, story); len(ms) == 0 || !ms[0].Published {
					t.Errorf("story %s lost its lead: %v", story, ms)
				}
			}
		})
	}
}

func TestApplyLeavesWhatAnotherWriterChangedForNextTime(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, nil, 300)
	var victim string
	st := &interleaved{Store: h.st, before: func(moves []store.Move) {
		if victim != "" {
			return
		}
		// Another writer edits a record of the first batch, of a story
		// of several articles.
		var r *model.Record
		for _, m := range moves {
			got, err := h.st.Get(ctx, m.From)
			if err != nil {
				t.Fatal(err)
			}
			if len(storyMembers(t, h.st, got.Article.Story)) > 1 {
				victim, r = m.From, got
				break
			}
		}
		if r == nil {
			t.Fatal("the first batch moves no story of several articles")
		}
		r.Article.Heat++
		if err := h.st.Upsert(ctx, []*model.Record{r}); err != nil {
			t.Fatal(err)
		}
	}}
	pol := Policy{ArchiveAfter: 30 * day}
	sum, err := Apply(ctx, st, pol, Options{SiteDir: h.dir, Now: clock(until), Batch: 16})
	if err != nil {
		t.Fatal(err)
	}
	edited, err := h.st.Get(ctx, victim)
	if err != nil {
		t.Fatalf("the edited record moved: %v", err)
	}
	// Its story stays whole: the rest of it is held back too.
	story := storyMembers(t, h.st, edited.Article.Story)
	if sum.Left[ReasonChanged] != 1 || sum.Left[ReasonWithStory] != len(story)-1 || sum.Archived == 0 {
		t.Fatalf("summary %+v; want one record left as changed meanwhile, %d with its story, the rest archived", sum, len(story)-1)
	}
	for _, e := range story {
		if e.Archived {
			t.Errorf("%s archived without the rest of its story", e.Path)
		}
	}
	next, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
	if err != nil {
		t.Fatal(err)
	}
	if next.Archived != len(story) || len(next.Left) != 0 {
		t.Fatalf("next run: %+v; want the edited record's story archived (%d records)", next, len(story))
	}
	moved, err := h.st.Get(ctx, content.ArchiveDir+name(victim))
	if err != nil || moved.Article.Heat != edited.Article.Heat {
		t.Fatalf("archived %v, %v; want the edit kept (heat %d)", moved, err, edited.Article.Heat)
	}
	checkFolder(t, h, nil)
}

// interleaved is a store in which another writer acts just before each
// Move.
type interleaved struct {
	store.Store
	before func([]store.Move)
}

func (s *interleaved) Move(ctx context.Context, moves []store.Move) error {
	s.before(moves)
	return s.Store.Move(ctx, moves)
}

func TestApplyCompletesTheFolderAfterAStoreOnlyRun(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, nil, 300)
	pol := Policy{ArchiveAfter: 30 * day, PurgeAfter: 45 * day}
	// As if stopped after the store's transactions, before any file moved.
	first, err := Apply(ctx, h.st, pol, Options{Now: clock(until)})
	if err != nil {
		t.Fatal(err)
	}
	if first.Archived == 0 || first.Purged == 0 || first.Files.Moved != 0 {
		t.Fatalf("store-only run: %+v", first)
	}
	for p := range h.files {
		if _, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(p))); err != nil {
			t.Fatalf("a store-only run touched the folder: %v", err)
		}
	}
	sum, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Archived != 0 || sum.Purged != 0 || sum.Files.Moved != first.Archived || sum.Files.Removed != first.Purged {
		t.Fatalf("second run %+v; want only the folder brought in step (%d moved, %d removed)", sum, first.Archived, first.Purged)
	}
	gone := map[string]bool{}
	err = h.st.Tombstones(ctx, func(ts store.Tombstone) error { gone[name(ts.Path)] = true; return nil })
	if err != nil {
		t.Fatal(err)
	}
	checkFolder(t, h, gone)
}

func TestApplyLeavesANameTakenInTheArchive(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, nil, 300)
	var due store.NewsEntry
	for _, e := range sortedEntries(t, h.st) {
		if e.PublishedAt.Before(until.Add(-40*day)) && len(storyMembers(t, h.st, e.Story)) == 1 {
			due = e
			break
		}
	}
	if due.Path == "" {
		t.Fatal("no story of one article past the cut")
	}
	// Smartable's archive holds such files: another article under the
	// same name, archived long ago.
	other := &model.Record{Path: content.ArchiveDir + name(due.Path), Kind: model.KindNews, Raw: []byte("---\ntitle: Other\n---\n"),
		Article: &model.Article{Title: "Other", PublishedDateTime: until.Add(-400 * day), Archived: true}}
	if err := h.st.Upsert(ctx, []*model.Record{other}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, filepath.FromSlash(other.Path)), other.Raw, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := Apply(ctx, h.st, Policy{ArchiveAfter: 30 * day}, Options{SiteDir: h.dir, Now: clock(until)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Left[ReasonNameTaken] != 1 || !slices.Equal(sum.Taken, []string{due.Path}) {
		t.Errorf("left %v naming %v, want 1 for %q naming %s", sum.Left, sum.Taken, ReasonNameTaken, due.Path)
	}
	for _, p := range []string{due.Path, other.Path} {
		if _, err := h.st.Get(ctx, p); err != nil {
			t.Errorf("%s: %v", p, err)
		}
		if _, err := os.Stat(filepath.Join(h.dir, filepath.FromSlash(p))); err != nil {
			t.Errorf("file %s: %v", p, err)
		}
	}
}

func TestApplyWithRetentionOffDoesNothing(t *testing.T) {
	ctx := context.Background()
	h := genHub(t, nil, 200)
	g0, err := h.st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum, err := Apply(ctx, h.st, Policy{}, Options{SiteDir: h.dir, Now: clock(until.Add(1000 * day))})
	if err != nil {
		t.Fatal(err)
	}
	if g, err := h.st.Generation(ctx); err != nil || g != g0 || sum.Archived+sum.Purged+sum.Files.Moved != 0 || !sum.Next.IsZero() {
		t.Errorf("policy off: %+v, generation %d -> %d (%v)", sum, g0, g, err)
	}
}

func TestPolicyOf(t *testing.T) {
	tests := []struct {
		cfg     *model.Config
		archive time.Duration
		purge   time.Duration
		err     string
	}{
		{nil, 30 * day, 0, ""},
		{&model.Config{}, 30 * day, 0, ""},
		{&model.Config{ArchiveAfter: "off", PurgeAfter: "90d"}, 0, 90 * day, ""},
		{&model.Config{ArchiveAfter: "2w"}, 14 * day, 0, ""},
		{&model.Config{ArchiveAfter: "soon"}, 0, 0, "archive_after"},
		{&model.Config{PurgeAfter: "-1h"}, 0, 0, "purge_after"},
	}
	for _, tt := range tests {
		pol, err := PolicyOf(tt.cfg)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("PolicyOf(%+v) = %v, %v; want an error naming %s", tt.cfg, pol, err, tt.err)
			}
			continue
		}
		if err != nil || pol.ArchiveAfter != tt.archive || pol.PurgeAfter != tt.purge {
			t.Errorf("PolicyOf(%+v) = %+v, %v", tt.cfg, pol, err)
		}
	}
}

// sortedEntries lists the news of st newest first.
func sortedEntries(t *testing.T, st store.Store) []store.NewsEntry {
	t.Helper()
	var out []store.NewsEntry
	if err := st.ScanNews(context.Background(), store.NewsQuery{}, func(e store.NewsEntry) error {
		out = append(out, e)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// storyMembers lists a story's news, lead first.
func storyMembers(t *testing.T, st store.Store, id string) []store.NewsEntry {
	t.Helper()
	var out []store.NewsEntry
	if err := st.ScanNews(context.Background(), store.NewsQuery{Story: id, Order: store.ByHeat}, func(e store.NewsEntry) error {
		out = append(out, e)
		return nil
	}); err != nil && !errors.Is(err, store.ErrNotFound) {
		t.Fatal(err)
	}
	return out
}

func TestConcurrentAppliesShareTheWork(t *testing.T) {
	for _, sc := range stores {
		t.Run(sc.name, func(t *testing.T) {
			ctx := context.Background()
			h := genHub(t, sc.open(t), 900)
			pol := Policy{ArchiveAfter: 30 * day, PurgeAfter: 60 * day}
			want, err := Apply(ctx, genHub(t, nil, 900).st, pol, Options{Now: clock(until)})
			if err != nil {
				t.Fatal(err)
			}
			// Two processes at once, such as curate --archive while serve
			// ingests: each record moves or goes once, each file too.
			sums := make([]Summary, 2)
			errs := make(chan error, 2)
			for i := range sums {
				go func() {
					var err error
					sums[i], err = Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until), Batch: 32})
					errs <- err
				}()
			}
			for range sums {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			a, b := sums[0], sums[1]
			if a.Archived+b.Archived != want.Archived || a.Purged+b.Purged != want.Purged {
				t.Errorf("archived %d + %d, purged %d + %d; want %d and %d in all", a.Archived, b.Archived, a.Purged, b.Purged, want.Archived, want.Purged)
			}
			gone := map[string]bool{}
			if err := h.st.Tombstones(ctx, func(ts store.Tombstone) error { gone[name(ts.Path)] = true; return nil }); err != nil {
				t.Fatal(err)
			}
			checkFolder(t, h, gone)
			again, err := Apply(ctx, h.st, pol, Options{SiteDir: h.dir, Now: clock(until)})
			if err != nil || again.Archived+again.Purged+again.Files.Moved+again.Files.Removed != 0 {
				t.Errorf("a third run: %+v, %v; want nothing left to do", again, err)
			}
		})
	}
}
