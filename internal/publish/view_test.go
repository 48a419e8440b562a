package publish

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/site"
)

// rankStore holds leads made to tie: pairs with the same heat and time,
// told apart only by their canonical URL (set, or derived from the
// original or the web URL), and leads of equal score at different times.
func rankStore(t *testing.T) (*site.Site, []*model.Record) {
	t.Helper()
	at := time.Date(2026, 10, 1, 12, 0, 0, 0, time.UTC)
	recs := []*model.Record{
		{Path: "_config.yml", Kind: model.KindConfig, Config: &model.Config{Title: "Ties", Topic: "Election"}},
		{Path: "_data/topics/00-election.yaml", Kind: model.KindTopic, Topic: &model.Topic{Taxonomy: "topic", ID: "election", Name: "Election"}},
		{Path: "_data/topics/01-economy.yaml", Kind: model.KindTopic, Topic: &model.Topic{Taxonomy: "topic", ID: "economy", Name: "Economy", Parent: "Election"}},
	}
	for i := range 40 {
		a := &model.Article{Title: fmt.Sprintf("Lead %d", i), Published: true, Quality: 50,
			Heat:              []int{100, 100, 40, -1, 0}[i%5],
			PublishedDateTime: at.Add(-time.Duration(i/4) * time.Hour),
			Topics:            []string{"Election"}, Story: fmt.Sprintf("s-%d", i)}
		if i%3 == 0 {
			a.Topics = append(a.Topics, "Economy")
		}
		// Two of the weakest leads are pinned: one until November, one
		// until next year.
		switch i {
		case 33:
			a.PinnedUntil = time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
		case 38:
			a.PinnedUntil = time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)
		}
		// Spelled so that the URLs as written sort otherwise than their
		// canonical forms.
		path := fmt.Sprintf("x%d.example/%c", i%7, 'z'-rune(i))
		switch i % 3 {
		case 0:
			a.CanonicalURL = "https://" + path
		case 1:
			a.OriginalURL = "http://www." + path + "?utm_source=feed"
		default:
			a.WebURL = "HTTPS://" + strings.ToUpper(path[:2]) + path[2:]
		}
		recs = append(recs, &model.Record{Path: fmt.Sprintf("_news/2026-10-01-lead-%02d.md", i), Kind: model.KindNews, Article: a})
	}
	return site.New(recs[0].Config, []*model.Topic{recs[1].Topic, recs[2].Topic}, nil), recs
}

// TestRankingIsCurateRank checks that a view ranks its leads as
// curate.Rank does, ties included, the pinned first while their pins
// last, at two times, and that each topic keeps that order.
func TestRankingIsCurateRank(t *testing.T) {
	s, recs := rankStore(t)
	st := openStore(t)
	if err := st.Upsert(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{time.Date(2026, 10, 1, 13, 0, 0, 0, time.UTC), time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)} {
		v, err := Load(context.Background(), st, s, Options{Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		var arts []*model.Article
		path := map[*model.Article]string{}
		for _, r := range recs[3:] {
			arts = append(arts, r.Article)
			path[r.Article] = r.Path
		}
		want := curate.Rank(arts, now)
		got := v.Ranked()
		var pinned []string
		for _, a := range arts {
			if a.PinnedAt(now) {
				pinned = append(pinned, path[a])
			}
		}
		if len(pinned) == 0 || len(got) < len(pinned) {
			t.Fatalf("at %v: %d pinned of %d ranked", now, len(pinned), len(got))
		}
		for _, e := range got[:len(pinned)] {
			if !slices.Contains(pinned, e.Path) {
				t.Errorf("at %v: %s ranks among the first %d, but only %v are pinned", now, e.Path, len(pinned), pinned)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%d ranked, curate ranks %d", len(got), len(want))
		}
		var economy []string
		for i, e := range got {
			if e.Path != path[want[i]] {
				t.Fatalf("at %v, rank %d: %s, curate.Rank has %s", now, i, e.Path, path[want[i]])
			}
			if strings.Contains(strings.Join(want[i].Topics, ","), "Economy") {
				economy = append(economy, e.Path)
			}
		}
		for i, e := range v.RankedIn("economy") {
			if e.Path != economy[i] {
				t.Errorf("economy rank %d: %s, want %s", i, e.Path, economy[i])
			}
		}
		if again := v.rankedAt(now); fmt.Sprint(again.Ranked()) != fmt.Sprint(got) || again.docs != v.docs {
			t.Error("ranking again at the same time changed the order or lost the documents")
		}
	}
}

// TestSwapNeverLeavesOutMissing swaps finished trees into OUT while
// another goroutine looks at OUT: it must always find a whole tree.
func TestSwapNeverLeavesOutMissing(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	tree := func(i int) string {
		tmp, err := os.MkdirTemp(dir, ".out.build-")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "index.json"), []byte(fmt.Sprint(i)), 0o644); err != nil {
			t.Fatal(err)
		}
		return tmp
	}
	if err := swap(context.Background(), tree(0), out); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var missing, looks atomic.Int64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			if _, err := os.ReadFile(filepath.Join(out, "index.json")); err != nil {
				missing.Add(1)
			}
			looks.Add(1)
		}
	}()
	for i := 1; i <= 300; i++ {
		if err := swap(context.Background(), tree(i), out); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	wg.Wait()
	if n := missing.Load(); n > 0 {
		t.Errorf("OUT was missing %d times in %d looks", n, looks.Load())
	}
	if b, _ := os.ReadFile(filepath.Join(out, "index.json")); string(b) != "300" {
		t.Errorf("OUT holds build %s, want 300", b)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".out.*")); len(left) != 0 {
		t.Errorf("left beside OUT: %v", left)
	}
}
