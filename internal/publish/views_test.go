package publish

import (
	"bytes"
	"context"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/gen"
	"newshub/internal/importer"
	"newshub/internal/model"
	"newshub/internal/store"
	"newshub/internal/testutil"
)

// waitFor calls cond until it holds, failing the test after ten seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// touch writes one news record again, which moves the store generation.
func touch(t *testing.T, vs *Views) {
	t.Helper()
	ctx := context.Background()
	recs, err := vs.cfg.Store.News(ctx, store.NewsQuery{Limit: 1})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no news: %v", err)
	}
	recs[0].Article.Title += " (updated)"
	if err := vs.cfg.Store.Upsert(ctx, []*model.Record{recs[0]}); err != nil {
		t.Fatal(err)
	}
}

func TestViewsLoadOnceThenFollowTheStore(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Millisecond, Options: genOptions()})
	if vs.Loaded() != nil {
		t.Fatal("a view before any was asked for")
	}
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := vs.Current(ctx); again != v || vs.Loaded() != v {
		t.Error("a second view of an unchanged store")
	}
	touch(t, vs)
	waitFor(t, "a view of the new generation", func() bool {
		cur, err := vs.Current(ctx)
		return err == nil && cur.Generation() != v.Generation()
	})
}

// TestViewsSpaceReloads checks that writes within the least time between
// loads are not shown by Current, which keeps serving the view it has,
// while Fresh, for a static build, waits for the store as it is.
func TestViewsSpaceReloads(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Nanosecond, MinReload: time.Hour, Options: genOptions()})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	touch(t, vs)
	for range 5 {
		if cur, _ := vs.Current(ctx); cur.Generation() != v.Generation() {
			t.Fatal("a reload within the least time between loads")
		}
		time.Sleep(10 * time.Millisecond)
	}
	fresh, err := vs.Fresh(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if fresh.Generation() == v.Generation() {
		t.Error("Fresh gave the stale view")
	}
	if cur, _ := vs.Current(ctx); cur != fresh {
		t.Error("Current does not give the view Fresh loaded")
	}
}

// TestViewsRankAgainAsTheClockMoves checks that an old ranking is made
// again from the same load: same generation and documents, leads ranked
// at the new time.
func TestViewsRankAgainAsTheClockMoves(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	var now atomic.Int64
	now.Store(genNow.UnixNano())
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Nanosecond, RankEvery: time.Hour,
		Options: Options{Now: func() time.Time { return time.Unix(0, now.Load()).UTC() }}})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now.Add(int64(30 * time.Minute))
	for range 5 {
		if cur, _ := vs.Current(ctx); cur != v {
			t.Fatal("ranked again before its time")
		}
		time.Sleep(10 * time.Millisecond)
	}
	now.Add(int64(31 * time.Minute))
	var cur *View
	waitFor(t, "a ranking at the new time", func() bool {
		cur, _ = vs.Current(ctx)
		return cur.Now().Equal(genNow.Add(61 * time.Minute))
	})
	if cur.Generation() != v.Generation() || !cur.ModTime().Equal(v.ModTime()) || cur.docs != v.docs {
		t.Error("ranking again loaded the store again")
	}
}

// follow runs vs.Follow until the test ends.
func follow(t *testing.T, vs *Views) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); vs.Follow(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
}

// TestViewsFollowLoadsAnnouncedGenerations checks that a write shows in
// the loaded view with no request asking for it: the store's watch
// announces the generation and Follow loads it.
func TestViewsFollowLoadsAnnouncedGenerations(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	// Requests would check the generation only once an hour.
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Hour, Options: genOptions()})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	follow(t, vs)
	for range 3 {
		touch(t, vs)
		want, err := st.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the announced generation loaded", func() bool { return vs.Loaded().Generation() == want })
	}
	if vs.Loaded() == v {
		t.Error("still the first view")
	}
}

// TestViewsFollowSpacesLoadsThroughAWriteStorm writes as fast as it can
// while Follow runs: loads keep at least MinReload apart (a write storm
// does not make a load storm), and the last write is loaded in the end.
func TestViewsFollowSpacesLoadsThroughAWriteStorm(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	const spacing = 200 * time.Millisecond
	var (
		mu    sync.Mutex
		loads []time.Time // when each load ended
		took  []time.Duration
	)
	vs := NewViews(ViewsConfig{Store: st, Site: s, CheckEvery: time.Hour, MinReload: spacing, Options: genOptions(),
		OnLoad: func(d time.Duration) {
			mu.Lock()
			defer mu.Unlock()
			loads, took = append(loads, time.Now()), append(took, d)
		}})
	if _, err := vs.Current(ctx); err != nil {
		t.Fatal(err)
	}
	follow(t, vs)
	writes := 0
	for end := time.Now().Add(time.Second); time.Now().Before(end); writes++ {
		touch(t, vs)
	}
	want, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the last write loaded", func() bool { return vs.Loaded().Generation() == want })
	mu.Lock()
	defer mu.Unlock()
	// A load starts no sooner than spacing after the last one ended, so
	// ends are at least spacing plus the later load's time apart.
	for i := 1; i < len(loads); i++ {
		if gap := loads[i].Sub(loads[i-1]); gap < spacing+took[i] {
			t.Errorf("load %d ended %v after load %d, which took %v: want at least %v + %v", i, gap, i-1, took[i], spacing, took[i])
		}
	}
	t.Logf("%d writes, %d loads", writes, len(loads))
	if len(loads) < 2 || len(loads) >= writes {
		t.Errorf("%d loads for %d writes", len(loads), writes)
	}
}

// TestViewsWithoutSiteFollowTheConfiguration edits _config.yml of a site
// folder and syncs it into the store, as serve's watcher does: views made
// without a Site load the new configuration with the new generation, and
// the documents show it.
func TestViewsWithoutSiteFollowTheConfiguration(t *testing.T) {
	st, _ := genStore(t, 60)
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "site")
	// The same seed gives the same files as the records genStore stored.
	if _, err := gen.Generate(ctx, dir, gen.Options{Articles: 60, Seed: 7, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := importer.SyncSite(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	vs := NewViews(ViewsConfig{Store: st, CheckEvery: time.Hour, Options: genOptions()})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	old := v.Site().Config.Title
	follow(t, vs)

	cfg := filepath.Join(dir, "_config.yml")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	const title = "Renamed Pulse"
	edited := bytes.Replace(b, []byte("title: "+old), []byte("title: "+title), 1)
	if bytes.Equal(edited, b) {
		t.Fatalf("no title: %s in _config.yml:\n%s", old, b)
	}
	if err := os.WriteFile(cfg, edited, 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := importer.SyncSite(ctx, st, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Stored) != 1 || res.Stored[0] != "_config.yml" {
		t.Fatalf("sync stored %v, want _config.yml", res.Stored)
	}
	waitFor(t, "the edited title in the view", func() bool { return vs.Loaded().Site().Config.Title == title })
	d, err := vs.Loaded().Doc(ctx, "/feeds/rss.xml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(d.Body, []byte(title)) || bytes.Contains(d.Body, []byte(">"+old+"<")) {
		t.Errorf("the feed does not carry the new title %q:\n%.600s", title, d.Body)
	}
}

// writeDuringLoad is a store that commits a write of its own the first
// time a load reads news from it, as another process's ingest would.
type writeDuringLoad struct {
	store.Store
	once  sync.Once
	write func()
}

func (w *writeDuringLoad) News(ctx context.Context, q store.NewsQuery) ([]*model.Record, error) {
	w.once.Do(w.write)
	return w.Store.News(ctx, q)
}

// TestAViewReadDuringAWriteIsReadAgain checks that a view whose load saw
// a commit land is not served as the generation it began at: its content
// and its generation must be of one state of the store, as a static build
// of that generation would be.
func TestAViewReadDuringAWriteIsReadAgain(t *testing.T) {
	st, s := genStore(t, 60)
	ctx := context.Background()
	recs, err := st.News(ctx, store.NewsQuery{Public: true, Limit: 1})
	if err != nil || len(recs) == 0 {
		t.Fatalf("no news: %v", err)
	}
	path, before := recs[0].Path, recs[0].Article.Title
	w := &writeDuringLoad{Store: st}
	w.write = func() {
		recs[0].Article.Title = before + " (written meanwhile)"
		if err := st.Upsert(ctx, recs); err != nil {
			t.Error(err)
		}
	}
	startGen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	vs := NewViews(ViewsConfig{Store: w, Site: s, Options: genOptions()})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	e := v.Entry(path)
	if e == nil {
		t.Fatalf("%s is not in the view", path)
	}
	endGen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if endGen == startGen {
		t.Fatal("the write during the load did not move the generation")
	}
	switch v.Generation() {
	case endGen:
		if e.Title == before {
			t.Errorf("the view of generation %d shows the title of generation %d", endGen, startGen)
		}
	case startGen:
		if e.Title != before {
			t.Errorf("the view of generation %d shows the title written after it, %q", startGen, e.Title)
		}
	default:
		t.Errorf("the view is of generation %d, the store was at %d then %d", v.Generation(), startGen, endGen)
	}
}

// A store that is down fails every check and reload the views try, each
// second while requests come and Follow retries: that is one event,
// logged at its level once, then at DEBUG until the store answers again,
// where a database down for an hour logged thousands of lines. Each failed
// reload is counted (OnLoadFailed, a metric an alert reads).
func TestViewsLogAStoreDownOnce(t *testing.T) {
	st, s := genStore(t, 30)
	ctx := context.Background()
	var logged testutil.LogBuffer
	var failed atomic.Int32
	vs := NewViews(ViewsConfig{Store: st, Site: s, Options: genOptions(), OnLoadFailed: func() { failed.Add(1) },
		Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	v, err := vs.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for range 5 {
		vs.refresh(v) // the store's generation, as a request's check asks it
	}
	for reloads := 0; reloads < 5; {
		if vs.catchUp(ctx, v.Generation()+1) == retryLoad {
			reloads++
		} else {
			time.Sleep(time.Millisecond) // the spacing of loads
		}
	}
	levels := map[string]int{}
	for line := range strings.Lines(logged.String()) {
		for _, msg := range []string{`msg="generation check failed"`, `msg="reload failed"`} {
			if strings.Contains(line, msg) {
				levels[strings.Fields(line)[1]+" "+msg]++
			}
		}
	}
	want := map[string]int{
		`level=WARN msg="generation check failed"`: 1, `level=DEBUG msg="generation check failed"`: 4,
		`level=ERROR msg="reload failed"`: 1, `level=DEBUG msg="reload failed"`: 4,
	}
	if !maps.Equal(levels, want) {
		t.Errorf("logged %v, want %v:\n%s", levels, want, logged.String())
	}
	if n := failed.Load(); n != 5 {
		t.Errorf("%d failed reloads counted, want 5", n)
	}
}

// TestViewsLogAViewOfTheSameNewsAtDebug loads a view after each write of
// the store, as a server does after each ingest round: a round that
// wrote only sources' states (a quiet one) moves the generation too, and
// its view, the same news, is logged at debug; a view whose news changed
// at info, where each quiet round logged a line at info.
func TestViewsLogAViewOfTheSameNewsAtDebug(t *testing.T) {
	st, s := genStore(t, 30)
	ctx := context.Background()
	var logged testutil.LogBuffer
	vs := NewViews(ViewsConfig{Store: st, Site: s, Options: genOptions(), Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	for _, tc := range []struct {
		name  string
		write func()
		lines int
	}{
		{"the first view", func() {}, 1},
		{"a quiet round", func() {
			if err := st.PutSourceState(ctx, store.SourceState{URL: "https://feed.example/rss", LastStatus: "304 Not Modified"}); err != nil {
				t.Fatal(err)
			}
		}, 0},
		{"a changed article", func() { touch(t, vs) }, 1},
	} {
		gen, err := st.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tc.write()
		logged.Reset()
		v, err := vs.Fresh(ctx)
		switch {
		case err != nil:
			t.Fatal(err)
		case tc.name != "the first view" && v.Generation() == gen:
			t.Fatalf("%s: the generation did not move", tc.name)
		}
		if n := strings.Count(logged.String(), "view loaded"); n != tc.lines {
			t.Errorf("%s: %d lines at info, want %d:\n%s", tc.name, n, tc.lines, logged.String())
		}
	}
}
