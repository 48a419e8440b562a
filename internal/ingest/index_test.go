package ingest

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"newshub/internal/content"
	"newshub/internal/curate"
	"newshub/internal/model"
	"newshub/internal/retention"
	"newshub/internal/store"
	"newshub/internal/store/sqlite"
	"newshub/internal/testutil"
)

// windowServer serves feeds whose items are those numbered [lo, lo+n) of
// an endless list, lo set by the test between rounds, and a page per item
// whose reads it counts.
type windowServer struct {
	*httptest.Server
	lo, n     atomic.Int64
	pages     atomic.Int64
	published time.Time // of item 0; item i is i minutes older
	// moved serves each item under another link (/q/ for /p/), its GUID
	// kept: a publisher that moved its articles.
	moved atomic.Bool
}

func newWindowServer(t testing.TB, n int) *windowServer {
	s := &windowServer{}
	s.n.Store(int64(n))
	published := time.Now().Add(-time.Hour).Truncate(time.Hour)
	s.published = published
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("User-agent: *\nDisallow:\n")) })
	mux.HandleFunc("/feeds/{f}", func(w http.ResponseWriter, r *http.Request) {
		f := r.PathValue("f")
		var sb strings.Builder
		sb.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Feed ` + f + `</title><link>` + s.URL + `/</link>`)
		lo, dir := int(s.lo.Load()), "p"
		if s.moved.Load() {
			dir = "q"
		}
		for i := lo; i < lo+int(s.n.Load()); i++ {
			fmt.Fprintf(&sb, `<item><title>Report %s-%d on the count of ballots number %d</title><link>%s/%s/%s/%d</link><guid isPermaLink="false">%s-%d</guid><pubDate>%s</pubDate><description>Text of report %d of feed %s.</description></item>`,
				f, i, i*7, s.URL, dir, f, i, f, i, published.Add(-time.Duration(i)*time.Minute).Format(time.RFC1123Z), i, f)
		}
		sb.WriteString(`</channel></rss>`)
		w.Write([]byte(sb.String()))
	})
	mux.HandleFunc("/{dir}/{f}/{i}", func(w http.ResponseWriter, r *http.Request) {
		s.pages.Add(1)
		w.Write([]byte(`<html><head><title>A report</title></head><body>text</body></html>`))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func (s *windowServer) sources(feeds int) []model.Source {
	var out []model.Source
	for f := range feeds {
		out = append(out, model.Source{URL: s.URL + "/feeds/" + strconv.Itoa(f)})
	}
	return out
}

// size is how many keys the index holds: it must follow the feeds, not
// the store.
func (ix *index) size() int {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	n := len(ix.aliases)
	for _, f := range ix.feeds {
		n += len(f.keys) + len(f.purged)
	}
	return n
}

func TestKeyIndexFollowsTheFeedsAndStoredItemsStayOut(t *testing.T) {
	const feeds, items = 3, 4
	type round struct {
		lo       int  // the first item the feeds carry
		fresh    bool // a new ingester: nothing in memory
		foreign  bool // another writer writes before the round
		new      int
		known    int
		newsTill int // news stored after the round
	}
	tests := []struct {
		name   string
		rounds []round
	}{
		{"an item that left the feed and came back is known", []round{
			{lo: 0, new: 12, newsTill: 12},
			{lo: 4, new: 12, newsTill: 24},
			{lo: 8, new: 12, newsTill: 36},
			{lo: 2, new: 0, known: 12, newsTill: 36},
		}},
		{"a new process knows what is stored", []round{
			{lo: 0, new: 12, newsTill: 12},
			{lo: 0, fresh: true, known: 12, newsTill: 12},
			{lo: 1, fresh: true, new: 3, known: 9, newsTill: 15},
		}},
		{"after another writer, the known keys are checked again", []round{
			{lo: 0, new: 12, newsTill: 12},
			{lo: 2, foreign: true, new: 6, known: 6, newsTill: 19},
			{lo: 0, foreign: true, new: 0, known: 12, newsTill: 20},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newWindowServer(t, items)
			h := newHub(t, true, srv.sources(feeds)...)
			opts := testOptions()
			opts.All = true
			opts.Fetch.PerHostConcurrency = 4
			ctx := context.Background()
			var in *Ingester
			imported := 0
			for i, r := range tt.rounds {
				if in == nil || r.fresh {
					if in != nil {
						in.Close()
					}
					in = h.ingester(opts)
					defer in.Close()
				}
				if r.foreign {
					other(t, h, i)
					imported++
				}
				srv.lo.Store(int64(r.lo))
				pages := srv.pages.Load()
				sum, err := in.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if sum.New != r.new || sum.NotStored[ReasonKnown] != r.known || sum.Duplicates != r.known {
					t.Errorf("round %d: %d new, %d %q, %d duplicates; want %d, %d, %d (%v)", i+1, sum.New,
						sum.NotStored[ReasonKnown], ReasonKnown, sum.Duplicates, r.new, r.known, r.known, sum.NotStored)
				}
				if read := srv.pages.Load() - pages; read != int64(r.new) {
					t.Errorf("round %d: %d pages read, want %d (the new items')", i+1, read, r.new)
				}
				if n := len(h.news(t)); n != r.newsTill {
					t.Errorf("round %d: %d news stored, want %d", i+1, n, r.newsTill)
				}
				// Each item has two keys (link, GUID); an imported record
				// without a canonical URL has an alias.
				if n, most := in.index.size(), 2*feeds*items+imported; n > most {
					t.Errorf("round %d: the index holds %d keys, more than the feeds' %d", i+1, n, most)
				}
			}
		})
	}
}

// An item under a new link with a known GUID is a duplicate whose detail
// names the stored article, though the index keeps keys and not paths:
// whether the GUID is known from the feed's last fetch (the same process)
// or looked up in the store (a new one).
func TestMovedItemNamesTheStoredArticle(t *testing.T) {
	const items = 3
	for _, fresh := range []bool{false, true} {
		t.Run("new process "+strconv.FormatBool(fresh), func(t *testing.T) {
			srv := newWindowServer(t, items)
			srcs := srv.sources(1)
			h := newHub(t, true, srcs...)
			opts := testOptions()
			opts.All = true
			ctx := context.Background()
			in := h.ingester(opts)
			defer in.Close()
			if sum, err := in.RunOnce(ctx); err != nil || sum.New != items {
				t.Fatalf("round 1: %+v %v", sum, err)
			}
			if fresh {
				in.Close()
				in = h.ingester(opts)
			}
			srv.moved.Store(true)
			sum, err := in.RunOnce(ctx)
			if err != nil || sum.New != 0 || sum.NotStored[ReasonDuplicate] != items {
				t.Fatalf("round 2: %+v %v; want %d %q", sum, err, items, ReasonDuplicate)
			}
			state, err := h.st.SourceState(ctx, srcs[0].URL)
			if err != nil {
				t.Fatal(err)
			}
			paths := map[string]string{} // original URL → path
			for p, a := range h.newsPaths(t) {
				paths[a] = p
			}
			drops := state.LastRead.Drops
			if len(drops) != items {
				t.Fatalf("drops %+v; want %d", drops, items)
			}
			for _, d := range drops {
				want := paths[strings.Replace(d.URL, "/q/", "/p/", 1)]
				if d.Reason != ReasonDuplicate || want == "" || d.Detail != want {
					t.Errorf("drop %+v; want %q naming %q", d, ReasonDuplicate, want)
				}
			}
		})
	}
}

// wholeReads counts the reads of every stored news record (ScanNews of
// an empty query) made through a SQLite store.
type wholeReads struct {
	*sqlite.Store
	n atomic.Int64
}

func (w *wholeReads) ScanNews(ctx context.Context, q store.NewsQuery, fn func(store.NewsEntry) error) error {
	all := q
	all.Order = store.ByTime // every record, in whatever order
	if reflect.ValueOf(all).IsZero() {
		w.n.Add(1)
	}
	return w.Store.ScanNews(ctx, q, fn)
}

// After a round whose retention archives news, the key index follows what
// retention did rather than read every stored record again, and the
// archived items are still known when their feeds carry them again.
func TestKeyIndexFollowsRetentionWithoutReadingEveryRecord(t *testing.T) {
	const feeds, items = 3, 4
	srv := newWindowServer(t, items)
	h := newHub(t, true, srv.sources(feeds)...)
	reads := &wholeReads{Store: h.st.(*sqlite.Store)}
	h.st = reads
	now := srv.published.Add(10 * time.Minute)
	opts := testOptions()
	opts.All, opts.SkipPages = true, true
	opts.Now = func() time.Time { return now }
	opts.Retention = &retention.Policy{ArchiveAfter: 30 * time.Minute}
	in := h.ingester(opts)
	defer in.Close()
	rounds := []struct {
		lo, minutes     int // the feeds' first item; the clock, after item 0's time
		new, known      int
		archived, whole int // archived by retention; whole reads so far
	}{
		{lo: 0, minutes: 10, new: 12, whole: 1},
		{lo: 4, minutes: 35, new: 12, archived: 24, whole: 1},
		{lo: 8, minutes: 36, new: 12, archived: 12, whole: 1},
		{lo: 2, minutes: 37, known: 12, whole: 1},
	}
	for i, r := range rounds {
		srv.lo.Store(int64(r.lo))
		now = srv.published.Add(time.Duration(r.minutes) * time.Minute)
		sum, err := in.RunOnce(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if sum.New != r.new || sum.NotStored[ReasonKnown] != r.known || sum.Retention.Archived != r.archived {
			t.Errorf("round %d: %d new, %d known, %d archived; want %d, %d, %d (%v)", i+1,
				sum.New, sum.NotStored[ReasonKnown], sum.Retention.Archived, r.new, r.known, r.archived, sum.NotStored)
		}
		if n := reads.n.Load(); n != int64(r.whole) {
			t.Errorf("round %d: the stored news read whole %d times, want %d", i+1, n, r.whole)
		}
	}
}

// tombstoneReads counts the reads of every tombstone made through a
// SQLite store.
type tombstoneReads struct {
	*sqlite.Store
	n atomic.Int64
}

func (w *tombstoneReads) Tombstones(ctx context.Context, fn func(store.Tombstone) error) error {
	w.n.Add(1)
	return w.Store.Tombstones(ctx, fn)
}

// The key index reads no tombstone whole, at its start or after a round
// whose retention purges a duplicate: a hub that purges every day would
// hold more of them every month and read them all at every start. It
// looks a feed's keys up in them instead, so the purged article stays
// out when its feed offers it again, in the process that purged it and
// in a new one.
func TestKeyIndexReadsNoTombstoneWhole(t *testing.T) {
	var later atomic.Bool
	now := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
	h, _, opts := retentionHub(t, &later, &now)
	reads := &tombstoneReads{Store: h.st.(*sqlite.Store)}
	h.st = reads
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	sum, err := in.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.New != 3 || sum.Retention.Purged != 1 {
		t.Fatalf("round 1: %d new, retention %+v; want 3 new, 1 purged", sum.New, sum.Retention)
	}
	later.Store(true)
	for _, fresh := range []bool{false, true} {
		if fresh {
			in.Close()
			in = h.ingester(opts)
		}
		if sum, err = in.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if want := map[bool]int{false: 1, true: 0}[fresh]; sum.New != want || sum.NotStored[ReasonPurged] != 1 {
			t.Fatalf("round 2, new process %v: %+v; want %d new, 1 %q", fresh, sum, want, ReasonPurged)
		}
	}
	if n := reads.n.Load(); n != 0 {
		t.Errorf("the tombstones read whole %d times, want none", n)
	}
}

// The key index finds a feed's purged keys in the store as it follows
// purges: a key purged again names the later purge, whether this
// worker's retention or another writer purged it; the alias of an
// article purged now goes, while that of a stored article an older
// tombstone shares stays.
func TestKeyIndexFollowsPurges(t *testing.T) {
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // PostgreSQL's database is made a while
			keyIndexFollowsPurges(t, newHubOn(t, name, true))
		})
	}
}

func keyIndexFollowsPurges(t *testing.T, h *hub) {
	ctx := context.Background()
	other(t, h, 0)
	other(t, h, 1)
	alias := func(n int) string { return curate.CanonicalURL("https://other.example/imported/" + strconv.Itoa(n)) }
	const gone, old = "https://gone.example/a", "_news/2024-01-01-old.md"
	purge := func(p store.Purge) {
		t.Helper()
		p.At = time.Now()
		if err := h.st.Purge(ctx, []store.Purge{p}); err != nil {
			t.Fatal(err)
		}
	}
	purge(store.Purge{Path: old, Keys: []string{gone, alias(1)}})
	in := h.ingester(testOptions())
	defer in.Close()
	rec, err := h.st.Get(ctx, "_news/2024-11-05-imported-0.md")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name   string
		write  func() // before the round
		stored []string
		purged map[string]string
	}{
		{"at the start", nil, []string{alias(0), alias(1)}, map[string]string{gone: old}},
		{"after this worker's retention purged again", func() {
			before, err := h.st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			p := store.Purge{Path: rec.Path, Version: rec.Version, Keys: []string{alias(0), gone}}
			purge(p)
			after, err := h.st.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			in.index.followRetention(before, retention.Summary{Generation: after, Writes: 1, Gone: []store.Purge{p}})
		}, []string{alias(1)}, map[string]string{alias(0): rec.Path, gone: rec.Path}},
		{"after another writer purged again", func() {
			purge(store.Purge{Path: "_news/2024-12-01-other.md", Keys: []string{gone}})
		}, []string{alias(1)}, map[string]string{alias(0): rec.Path, gone: "_news/2024-12-01-other.md"}},
	}
	for _, step := range steps {
		if step.write != nil {
			step.write()
		}
		if err := in.index.ensure(ctx, h.st); err != nil {
			t.Fatal(err)
		}
		stored, purged, err := in.index.lookup(ctx, h.st, "https://feeds.example/a", []string{alias(0), alias(1), gone})
		if err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(stored)); !slices.Equal(got, step.stored) || !maps.Equal(purged, step.purged) {
			t.Errorf("%s: stored %q, purged %v; want %q, %v", step.name, got, purged, step.stored, step.purged)
		}
	}
}

// An alias (here of an imported record without a canonical URL) leads to
// its article where retention moved it, though the index followed
// retention rather than read the stored news again.
func TestAliasFollowsItsArticleIntoTheArchive(t *testing.T) {
	h := newHub(t, true)
	other(t, h, 0) // published 2024-11-05
	opts := testOptions()
	opts.Now = func() time.Time { return time.Date(2024, 12, 20, 12, 0, 0, 0, time.UTC) }
	opts.Retention = &retention.Policy{ArchiveAfter: 30 * 24 * time.Hour}
	in := h.ingester(opts)
	defer in.Close()
	ctx := context.Background()
	if err := in.index.ensure(ctx, h.st); err != nil {
		t.Fatal(err)
	}
	alias := curate.CanonicalURL("https://other.example/imported/0")
	const stored = "_news/2024-11-05-imported-0.md"
	archived, _ := content.NewsPathIn(stored, true)
	for _, step := range []struct {
		name string
		want string
	}{{"before retention", stored}, {"after retention", archived}} {
		if step.want == archived {
			var sum Summary
			if err := in.retain(ctx, &sum); err != nil || sum.Retention.Archived != 1 {
				t.Fatalf("retention %+v %v; want 1 archived", sum.Retention, err)
			}
			if gen, err := h.st.Generation(ctx); err != nil || !in.index.current(gen) {
				t.Fatalf("%s: the index does not reflect the store (%v)", step.name, err)
			}
		}
		found, err := in.index.find(ctx, h.st, []string{alias})
		if err != nil || found[alias] != step.want {
			t.Errorf("%s: %q found at %q (%v), want %q", step.name, alias, found[alias], err, step.want)
		}
	}
}

// A key two stored records share names the older one, whatever order the
// store keeps them in (the older stored last here).
func TestSharedAliasNamesTheOlderRecord(t *testing.T) {
	h := newHub(t, true)
	const link = "https://other.example/shared"
	for _, r := range []struct {
		path string
		day  int
	}{{"_news/2024-11-05-older.md", 5}, {"_news/2024-11-06-newer.md", 6}} {
		rec := &model.Record{Path: r.path, Kind: model.KindNews, Article: &model.Article{
			Category: "news", Title: "Shared " + r.path, Excerpt: "Shared.", Type: "article", Topics: []string{"Election"},
			PublishedDateTime: time.Date(2024, 11, r.day, 12, 0, 0, 0, time.UTC), OriginalURL: link, WebURL: link,
			Provider: model.Provider{Name: "Other", Domain: "other.example"}}}
		if err := content.Render(rec); err != nil {
			t.Fatal(err)
		}
		if err := h.st.Upsert(context.Background(), []*model.Record{rec}); err != nil {
			t.Fatal(err)
		}
	}
	in := h.ingester(testOptions())
	defer in.Close()
	ctx := context.Background()
	if err := in.index.ensure(ctx, h.st); err != nil {
		t.Fatal(err)
	}
	alias := curate.CanonicalURL(link)
	found, err := in.index.find(ctx, h.st, []string{alias})
	if err != nil || found[alias] != "_news/2024-11-05-older.md" {
		t.Errorf("%q found at %q (%v), want the older record", alias, found[alias], err)
	}
}

// A new article is not given the path of a stored one, in _news/ or in
// the archive, nor that of a purged one, though the index knows neither.
func TestNewArticlesAreNotGivenTheirPathsStoredOrArchived(t *testing.T) {
	for _, tt := range []struct {
		archived, purged bool
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		t.Run(fmt.Sprintf("archived %v purged %v", tt.archived, tt.purged), func(t *testing.T) {
			srv := newWindowServer(t, 1)
			h := newHub(t, true, srv.sources(1)...)
			// What item 0 of feed 0 would be stored at, taken by another
			// article.
			p := content.NewsPath(srv.published, "Report 0-0 on the count of ballots number 0")
			if tt.archived {
				p, _ = content.NewsPathIn(p, true)
			}
			other(t, h, 0, p)
			if tt.purged {
				rec, err := h.st.Get(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				purge := store.Purge{Path: p, Version: rec.Version, Keys: articleKeys(rec.Article), At: time.Now()}
				if err := h.st.Purge(context.Background(), []store.Purge{purge}); err != nil {
					t.Fatal(err)
				}
			}
			opts := testOptions()
			opts.All = true
			in := h.ingester(opts)
			defer in.Close()
			if sum, err := in.RunOnce(context.Background()); err != nil || sum.New != 1 {
				t.Fatalf("%+v %v", sum, err)
			}
			want, _ := content.NewsPathIn(strings.TrimSuffix(p, ".md")+"-2.md", false)
			var got []string
			for path := range h.records(t) {
				if !strings.HasPrefix(path, "_data/") {
					got = append(got, path)
				}
			}
			if n := map[bool]int{false: 2, true: 1}[tt.purged]; len(got) != n || !slices.Contains(got, want) {
				t.Fatalf("records %v; want %d, the new one at %s", got, n, want)
			}
		})
	}
}

// other stores a record as another writer would (an import), so the
// store's generation moves on without the ingester.
func other(t *testing.T, h *hub, n int, path ...string) {
	t.Helper()
	rec := &model.Record{Path: fmt.Sprintf("_news/2024-11-05-imported-%d.md", n), Kind: model.KindNews, Article: &model.Article{
		Category: "news", Title: "Imported " + strconv.Itoa(n), Excerpt: "Imported.", Type: "article", Topics: []string{"Election"},
		PublishedDateTime: time.Date(2024, 11, 5, 12, 0, 0, 0, time.UTC),
		OriginalURL:       "https://other.example/imported/" + strconv.Itoa(n), WebURL: "https://other.example/imported/" + strconv.Itoa(n),
		Provider: model.Provider{Name: "Other", Domain: "other.example"}}}
	if len(path) > 0 {
		rec.Path = path[0]
		rec.Article.Archived = strings.HasPrefix(rec.Path, content.ArchiveDir)
	}
	if err := content.Render(rec); err != nil {
		t.Fatal(err)
	}
	if err := h.st.Upsert(context.Background(), []*model.Record{rec}); err != nil {
		t.Fatal(err)
	}
}

// An article stored, then archived, then purged by retention stays out
// while its feed still carries it, whether the ingester that stored it
// runs on or a new one starts with nothing in memory.
func TestArchivedThenPurgedArticlesStayOut(t *testing.T) {
	for _, fresh := range []bool{false, true} {
		t.Run("new process "+strconv.FormatBool(fresh), func(t *testing.T) {
			var later atomic.Bool
			// The January news is 36 days old in the first round (archived,
			// not yet purged), 51 days in the next ones.
			now := time.Date(2024, 2, 15, 12, 0, 0, 0, time.UTC)
			h, _, opts := retentionHub(t, &later, &now)
			in := h.ingester(opts)
			defer in.Close()
			ctx := context.Background()
			run := func(name string) Summary {
				t.Helper()
				if fresh {
					in.Close()
					in = h.ingester(opts)
				}
				sum, err := in.RunOnce(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if n := in.index.size(); n > 3*4 {
					t.Errorf("%s: the index holds %d keys, more than the feeds' items'", name, n)
				}
				return sum
			}
			sum := run("round 1")
			if rs := sum.Retention; sum.New != 3 || rs.Archived != 3 || rs.Purged != 0 {
				t.Fatalf("round 1: %d new, retention %+v; want 3 new, all archived, none purged", sum.New, rs)
			}
			now = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
			sum = run("round 2")
			if rs := sum.Retention; sum.New != 0 || sum.NotStored[ReasonKnown] != 3 || rs.Purged != 1 {
				t.Fatalf("round 2: %+v; want the 3 archived known, then 1 purged", sum)
			}
			later.Store(true)
			sum = run("round 3")
			if sum.Items != 4 || sum.New != 1 || sum.NotStored[ReasonPurged] != 1 || sum.NotStored[ReasonKnown] != 2 {
				t.Fatalf("round 3: %+v; want 4 items: 1 new, 1 %q, 2 %q", sum, ReasonPurged, ReasonKnown)
			}
			if n := len(h.news(t)); n != 3 {
				t.Fatalf("%d news after round 3, want 3", n)
			}
		})
	}
}

// BenchmarkKeyIndexHeap reports the heap the key index holds after
// rounds of feeds x items: the heap live with the index, less the heap
// live without it, after a collection. Either every item of the feeds is
// new every round, or, as in bench/soak.sh, each feed gains one new item
// a round and drops its oldest, while retention archives the news older
// than 5 minutes (most of each feed).
func BenchmarkKeyIndexHeap(b *testing.B) {
	const feeds, items, rounds = 20, 50, 10
	for _, bc := range []struct {
		name    string
		shift   int // items new to each feed every round
		archive bool
	}{
		{"feeds new every round", items, false},
		{"one new item a round, the rest archived", 1, true},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := newWindowServer(b, items)
			opts := testOptions()
			opts.All, opts.SkipPages = true, true
			now := srv.published
			if bc.archive {
				opts.Now = func() time.Time { return now }
				opts.Retention = &retention.Policy{ArchiveAfter: 5 * time.Minute}
			}
			for b.Loop() {
				h := newHub(b, true, srv.sources(feeds)...)
				in := h.ingester(opts)
				stored := 0
				for r := range rounds {
					// Item i is i minutes older than item 0: a lower first
					// item is a newer one.
					srv.lo.Store(int64(-r * bc.shift))
					now = srv.published.Add(time.Duration(10+r) * time.Minute)
					want := feeds * min(items, bc.shift)
					if r == 0 {
						want = feeds * items
					}
					sum, err := in.RunOnce(context.Background())
					if err != nil || sum.New != want {
						b.Fatalf("round %d: %+v %v; want %d new", r, sum, err, want)
					}
					stored += sum.New
				}
				with := int64(testutil.LiveHeap())
				in.index = index{}
				without := int64(testutil.LiveHeap())
				b.ReportMetric(float64(with-without), "index-bytes")
				b.ReportMetric(float64(with-without)/float64(stored), "index-bytes/article")
				in.Close()
			}
		})
	}
}
