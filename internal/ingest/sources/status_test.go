package sources

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"newshub/internal/model"
	"newshub/internal/store"
)

// TestPauseAndResume checks that a pause is written to the list (store and
// file), that Statuses shows it, and that resuming enables the source and
// clears a pause after failures.
func TestPauseAndResume(t *testing.T) {
	ctx, dir, st := siteStore(t)
	const failing, fresh = "https://news.example.com/feed.xml", "https://other.example.org/rss"
	l, _ := Load(ctx, st, dir)
	for _, u := range []string{failing, fresh} {
		if err := l.Add(model.Source{URL: u}); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Save(ctx, st, dir); err != nil {
		t.Fatal(err)
	}
	next := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	if err := st.PutSourceState(ctx, store.SourceState{URL: failing, Errors: 10, Paused: true, NextFetch: next}); err != nil {
		t.Fatal(err)
	}
	statuses := func() []Status {
		t.Helper()
		l, err := Load(ctx, st, dir)
		if err != nil {
			t.Fatal(err)
		}
		all, err := Statuses(ctx, st, l)
		if err != nil || len(all) != 2 {
			t.Fatalf("Statuses: %v, %v", all, err)
		}
		return all
	}
	all := statuses()
	if _, ok := all[0].NextFetch(); ok || !all[0].Known || all[1].Known {
		t.Errorf("paused after failures: scheduled %v, known %v; fresh known %v", ok, all[0].Known, all[1].Known)
	}
	if at, ok := all[1].NextFetch(); !ok || !at.IsZero() {
		t.Errorf("a source never fetched is due at once: %v %v", at, ok)
	}

	if err := Pause(ctx, st, dir, "HTTPS://OTHER.example.org/rss/"); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	want := "sources:\n  - url: https://news.example.com/feed.xml\n  - url: https://other.example.org/rss\n    enabled: false\n"
	if string(file) != want {
		t.Errorf("sources.yaml after pause:\n%s\nwant\n%s", file, want)
	}
	if all := statuses(); all[1].Source.IsEnabled() {
		t.Errorf("paused source is enabled in the store")
	}
	if err := Pause(ctx, st, dir, "https://absent.example/feed"); err == nil {
		t.Error("pausing a source not listed succeeded")
	}

	for _, u := range []string{failing, fresh} {
		if err := Resume(ctx, st, dir, u); err != nil {
			t.Fatalf("Resume %s: %v", u, err)
		}
	}
	file, _ = os.ReadFile(filepath.Join(dir, "_data", "sources.yaml"))
	if want := "sources:\n  - url: https://news.example.com/feed.xml\n  - url: https://other.example.org/rss\n"; string(file) != want {
		t.Errorf("sources.yaml after resume:\n%s\nwant\n%s", file, want)
	}
	all = statuses()
	s := all[0].State
	if s.Paused || s.Errors != 0 || !s.NextFetch.IsZero() {
		t.Errorf("resumed state %+v, want unpaused, no errors, due at once", s)
	}
	if _, ok := all[1].NextFetch(); !ok || !all[1].Source.IsEnabled() {
		t.Errorf("resumed source not scheduled: %+v", all[1])
	}
	if err := Resume(ctx, st, dir, "https://absent.example/feed"); err == nil {
		t.Error("resuming a source neither listed nor fetched succeeded")
	}
}
