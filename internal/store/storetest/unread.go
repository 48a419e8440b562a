package storetest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"newshub/internal/store"
)

// testUnreadPages checks the pages left unread: read back oldest first
// by host, a page added again keeping its place, the oldest of a host
// past the bound dropped and counted, long addresses kept apart, pages
// deleted by address, and no change of the generation.
func testUnreadPages(t *testing.T, st store.Store) {
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	gen := generation(t, st)
	page := func(host, path string, minutes int) store.UnreadPage {
		u := "https://" + host + path
		return store.UnreadPage{URL: u, Article: strings.Replace(u, "https://", "https://www.", 1), Source: "https://" + host + "/feed",
			Host: host, Added: at.Add(time.Duration(minutes)*time.Minute + 500*time.Microsecond)}
	}
	long := "/" + strings.Repeat("a", 4000)
	add := func(perHost int, pages ...store.UnreadPage) int {
		t.Helper()
		n, err := st.AddUnreadPages(ctx, pages, perHost)
		if err != nil {
			t.Fatalf("AddUnreadPages: %v", err)
		}
		return n
	}
	unread := func(perHost int) []string {
		t.Helper()
		got, err := st.UnreadPages(ctx, perHost)
		if err != nil {
			t.Fatalf("UnreadPages: %v", err)
		}
		var out []string
		for _, p := range got {
			out = append(out, strings.TrimPrefix(p.URL, "https://"))
		}
		return out
	}
	if got := unread(10); len(got) != 0 {
		t.Fatalf("UnreadPages of none = %v", got)
	}
	first := page("news.example.com", "/c", 2)
	if n := add(10, page("news.example.com", "/b", 1), first, page("127.0.0.1:19201", "/x", 0),
		page("news.example.com", "/a", 3), page("news.example.com", long+"1", 4), page("news.example.com", long+"2", 4)); n != 0 {
		t.Errorf("AddUnreadPages dropped %d within the bound", n)
	}
	got, err := st.UnreadPages(ctx, 10)
	if err != nil || len(got) != 6 {
		t.Fatalf("UnreadPages = %v, %v; want 6", got, err)
	}
	if i := slices.IndexFunc(got, func(p store.UnreadPage) bool { return p.URL == first.URL }); i < 0 || got[i] != first {
		t.Errorf("UnreadPages gave %+v, want %+v", got, first)
	}
	want := []string{"127.0.0.1:19201/x", "news.example.com/b", "news.example.com/c", "news.example.com/a"}
	if got := unread(3); !slices.Equal(got, want) {
		t.Errorf("UnreadPages(3) = %v, want %v", got, want)
	}
	// Added again later, a page keeps its place; past the bound, a host's
	// oldest go.
	if n := add(3, page("news.example.com", "/b", 9), page("news.example.com", "/d", 5)); n != 3 {
		t.Errorf("AddUnreadPages dropped %d past a bound of 3 of 6 pages, want 3", n)
	}
	want = []string{"127.0.0.1:19201/x", "news.example.com" + long + "1", "news.example.com" + long + "2", "news.example.com/d"}
	if got := unread(10); !slices.Equal(got, want) {
		t.Errorf("after the bound, UnreadPages = %v, want %v", got, want)
	}
	if err := st.DeleteUnreadPages(ctx, "https://news.example.com"+long+"2", "https://127.0.0.1:19201/x", "https://none.example/"); err != nil {
		t.Fatalf("DeleteUnreadPages: %v", err)
	}
	want = []string{"news.example.com" + long + "1", "news.example.com/d"}
	if got := unread(10); !slices.Equal(got, want) {
		t.Errorf("after a delete, UnreadPages = %v, want %v", got, want)
	}
	if g := generation(t, st); g != gen {
		t.Errorf("generation %d after unread pages were written, was %d", g, gen)
	}
}
